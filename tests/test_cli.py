"""The command-line contract of DESIGN.md, driven through the real entry point."""

from __future__ import annotations

import json
import sys

import pytest

import qcon_tui
from tests.helpers import BUNDLED, BUNDLED_TITLES, run_cli

TITLES = BUNDLED_TITLES


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"qcon-tui {qcon_tui.__version__}"


def test_python_dash_m_runs_the_same_program() -> None:
    import subprocess

    result = subprocess.run([sys.executable, "-m", "qcon_tui", "--version"], capture_output=True, text=True)
    assert result.returncode == 0
    assert qcon_tui.__version__ in result.stdout


def test_list_json_from_another_directory(tmp_path) -> None:
    """The bundled notes are found wherever the command runs (installed with the package)."""
    result = run_cli("list", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["title"] == "QCon London 2017 takeaway points"
    assert [day["title"] for day in data["days"]] == ["day 1", "day 2", "day 3"]
    assert [len(day["talks"]) for day in data["days"]] == [7, 7, 6]
    assert [talk["title"] for day in data["days"] for talk in day["talks"]] == TITLES
    ids = [talk["id"] for day in data["days"] for talk in day["talks"]]
    assert len(set(ids)) == 20 and all(ids)
    assert "notes" not in data["days"][0]["talks"][0]


def test_list_text_shows_every_title() -> None:
    result = run_cli("list", str(BUNDLED))
    assert result.returncode == 0
    for title in TITLES:
        assert title in result.stdout


def test_show_by_fuzzy_title_prints_the_talk_without_escape_codes() -> None:
    result = run_cli("show", "facebook live")
    assert result.returncode == 0, result.stderr
    assert "Scaling Facebook Live Videos to a Billion Users" in result.stdout
    assert "hackaton" in result.stdout
    assert "\x1b" not in result.stdout  # not a terminal: plain text


def test_show_by_id() -> None:
    result = run_cli("show", "real-world-java-9", str(BUNDLED))
    assert result.returncode == 0
    assert "jigsaw" in result.stdout


def test_show_unknown_talk_is_one_error_line() -> None:
    result = run_cli("show", "zzzz qqqq xxxx")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("qcon-tui: error:")


def test_search_json_shape_and_order() -> None:
    result = run_cli("search", "redis", "--json")
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert hits, "redis is in the notes"
    for hit in hits:
        assert {"id", "title", "day", "score", "snippet"} <= set(hit)
    assert hits[0]["id"] == "microservices-at-the-heart-of-bbc-iplayer"
    scores = [hit["score"] for hit in hits]
    assert scores == sorted(scores, reverse=True)


def test_search_limit() -> None:
    result = run_cli("search", "the", "--limit", "2", "--json")
    assert result.returncode == 0
    assert len(json.loads(result.stdout)) <= 2


@pytest.mark.parametrize(
    "args",
    [
        ("search", "x", "--limit", "0"),
        ("search", "x", "--limit", "many"),
        ("list", "--bogus"),
        ("export", "--format", "pdf"),
        ("show",),
        ("nosuchcommand",),
    ],
)
def test_bad_usage_exits_2_with_one_line(args: tuple[str, ...]) -> None:
    result = run_cli(*args)
    assert result.returncode == 2, (args, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("qcon-tui: error:"), result.stderr
    assert "Traceback" not in result.stderr


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def test_export_json_holds_intro_and_notes() -> None:
    result = run_cli("export", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["intro"], "the text before day 1 is the intro"
    talk = data["days"][0]["talks"][1]
    assert talk["title"] == "Microservices At The Heart of BBC iPlayer"
    assert any("redis" in text for text in _strings(talk["notes"]))


@pytest.mark.parametrize("fmt", ["json", "yaml", "markdown", "text"])
def test_export_to_file_reads_back(tmp_path, fmt: str) -> None:
    suffix = {"json": "json", "yaml": "yaml", "markdown": "md", "text": "txt"}[fmt]
    target = tmp_path / f"out.{suffix}"
    result = run_cli("export", "--format", fmt, "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert target.stat().st_size > 1000
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no temp file left behind"
    if fmt != "json":
        again = run_cli("list", "--json", str(target))
        assert again.returncode == 0, again.stderr
        titles = [t["title"] for d in json.loads(again.stdout)["days"] for t in d["talks"]]
        assert titles == TITLES


def test_export_to_unwritable_place_is_one_line(tmp_path) -> None:
    result = run_cli("export", "-o", str(tmp_path / "no" / "such" / "dir" / "x.json"))
    assert result.returncode == 1
    assert result.stderr.startswith("qcon-tui: error:")
    assert len(result.stderr.strip().splitlines()) == 1


def test_validate_bundled_notes_is_clean() -> None:
    result = run_cli("validate", str(BUNDLED))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout


def test_validate_reports_path_line_and_exit_1(tmp_path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("My Notes\n\nday 1\n\nA Talk Title\n\nsome notes\n\nA Talk Title\n\nmore\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\ndays: [\n")
    result = run_cli("validate", str(good), str(bad))
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert any(line.startswith(f"{good}:5: warning:") and "duplicate" in line for line in lines), lines
    assert any(line.startswith(f"{bad}:") and "error" in line for line in lines), lines


def test_validate_warnings_alone_exit_0(tmp_path) -> None:
    notes = tmp_path / "dup.txt"
    notes.write_text("My Notes\n\nday 1\n\nA Talk Title\n\nnotes\n\nA Talk Title\n\nmore\n")
    result = run_cli("validate", str(notes))
    assert result.returncode == 0
    assert "warning" in result.stdout


def test_validate_a_schedule_checks_it_against_its_notes(tmp_path) -> None:
    notes = tmp_path / "conf.txt"
    notes.write_text("Conf\n\nday 1\n\nA Real Talk\n\nnotes\n")
    schedule = tmp_path / "conf.schedule.yaml"
    schedule.write_text("- title: A Real Talk\n  room: One\n- title: Nothing Like It At All\n  room: Two\n")
    result = run_cli("validate", str(schedule))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{schedule}:3: warning:" in result.stdout
    assert "Nothing Like It At All" in result.stdout
    schedule.write_text("- title: [unclosed\n")
    broken = run_cli("validate", str(schedule))
    assert broken.returncode == 1
    assert broken.stdout.startswith(f"{schedule}:")


def test_show_prints_the_schedule_facts_of_a_talk() -> None:
    out = run_cli("show", "facebook live").stdout
    for fact in (
        "Sachin Kulkarni (Facebook)",
        "Architectures You've Always Wondered About",
        "Tuesday 7 March 2017",
        "11:50–12:40",
        "Fleming, 3rd flr.",
    ):
        assert fact in out, fact


def test_show_a_talk_without_metadata_has_a_clean_header() -> None:
    out = run_cli("show", "uber speed").stdout
    lines = [line.strip() for line in out.splitlines()]
    assert lines[0] == "Enabling Innovation at Uber Speed"
    assert lines[1] == "day 1 · talk 4 of 7"
    assert lines[2] == "", "no speaker, track or time lines for a talk the schedule does not know"
    assert "None" not in out and "Sources" not in out
