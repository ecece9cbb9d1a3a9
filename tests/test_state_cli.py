"""The state commands, run as a user would: star, unstar, annotate, takeaways, where."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def qcon(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m qcon_tui ARGS` (the state folder comes from the autouse fixture)."""
    return subprocess.run(
        [sys.executable, "-m", "qcon_tui", *args],
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=60,
    )


def write_notes(path: Path, talks: list[str]) -> Path:
    out = ["Team Conference Notes", "", "day 1", ""]
    for talk in talks:
        out += [talk, "", f"notes about {talk.lower()} here.", ""]
    path.write_text("\n".join(out), encoding="utf-8")
    return path


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    return write_notes(
        tmp_path / "team.txt",
        ["Alpha Talk About Things", "Beta Talk On Microservices", "Gamma Talk With Kafka"],
    )


def takeaways_json(path: Path) -> list[dict]:
    result = qcon("takeaways", str(path), "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_star_and_unstar(notes: Path) -> None:
    result = qcon("star", "beta talk", str(notes))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "starred: Beta Talk On Microservices [beta-talk-on-microservices]\n"
    assert result.stderr == ""
    [entry] = takeaways_json(notes)
    assert entry["id"] == "beta-talk-on-microservices" and entry["starred"] is True

    result = qcon("unstar", "beta-talk-on-microservices", str(notes))
    assert result.returncode == 0
    assert result.stdout.startswith("unstarred: Beta Talk On Microservices")
    assert takeaways_json(notes) == []


def test_star_on_the_bundled_notes(tmp_path: Path) -> None:
    result = qcon("star", "iplayer")
    assert result.returncode == 0, result.stderr
    where = qcon("where")
    assert where.returncode == 0
    path = Path(where.stdout.strip())
    assert path.name.startswith("qcon-london-2017-") and path.is_file()
    assert "microservices-at-the-heart-of-bbc-iplayer" in json.loads(path.read_text())["talks"]


def test_where_prints_the_state_file(notes: Path, isolated_state: Path) -> None:
    result = qcon("where", str(notes))
    assert result.returncode == 0
    path = Path(result.stdout.strip())
    assert path.parent == isolated_state
    assert path.name.startswith("team-") and path.suffix == ".json"
    qcon("star", "alpha", str(notes))
    assert path.is_file()


def test_annotate_with_text_append_and_clear(notes: Path) -> None:
    result = qcon("annotate", "gamma", str(notes), "--text", "kafka is a log")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("annotated: Gamma Talk With Kafka")
    result = qcon("annotate", "gamma", str(notes), "--text", "partitions matter", "--append")
    assert result.returncode == 0
    assert result.stdout.startswith("appended to note: Gamma Talk With Kafka")
    [entry] = takeaways_json(notes)
    assert entry["annotation"] == "kafka is a log\npartitions matter"
    assert entry["starred"] is False

    result = qcon("annotate", "gamma", str(notes), "--clear")
    assert result.returncode == 0
    assert result.stdout.startswith("cleared note: Gamma Talk With Kafka")
    assert takeaways_json(notes) == []


def test_annotate_from_stdin(notes: Path) -> None:
    result = qcon("annotate", "alpha-talk-about-things", str(notes), stdin="line one\nline two\n")
    assert result.returncode == 0, result.stderr
    result = qcon("annotate", "alpha", str(notes), "--append", stdin="line three\n")
    assert result.returncode == 0
    [entry] = takeaways_json(notes)
    assert entry["annotation"] == "line one\nline two\nline three"
    result = qcon("annotate", "alpha", str(notes), "--append", stdin="")
    assert result.returncode == 2
    assert result.stderr.startswith("qcon-tui: error:") and result.stderr.count("\n") == 1


def test_unknown_talk_is_one_line_and_exit_1(notes: Path) -> None:
    for command in (["star"], ["unstar"], ["annotate", "--text", "x"]):
        result = qcon(command[0], "zzqx nothing like it", str(notes), *command[1:])
        assert result.returncode == 1
        assert result.stdout == ""
        assert result.stderr.startswith("qcon-tui: error: no talk matches")
        assert result.stderr.count("\n") == 1


def test_bad_usage_is_exit_2(notes: Path) -> None:
    result = qcon("star")
    assert result.returncode == 2
    assert result.stderr.startswith("qcon-tui: error:") and "Traceback" not in result.stderr
    result = qcon("takeaways", str(notes), "--format", "html")
    assert result.returncode == 2


def test_missing_notes_file_is_exit_1(tmp_path: Path) -> None:
    result = qcon("star", "alpha", str(tmp_path / "nope.txt"))
    assert result.returncode == 1
    assert result.stderr.startswith("qcon-tui: error:") and result.stderr.count("\n") == 1


def test_takeaways_json_shape_and_order(notes: Path) -> None:
    qcon("annotate", "gamma", str(notes), "--text", "gamma note")
    qcon("star", "alpha", str(notes))
    qcon("star", "gamma", str(notes))
    entries = takeaways_json(notes)
    assert [entry["id"] for entry in entries] == ["alpha-talk-about-things", "gamma-talk-with-kafka"]
    for entry in entries:
        assert {"id", "title", "day", "starred", "annotation", "speakers"} <= set(entry)
        assert isinstance(entry["starred"], bool)
        assert entry["annotation"] is None or isinstance(entry["annotation"], str)
        assert entry["day"] == "day 1"
    assert entries[0]["annotation"] is None
    assert entries[1] | {"updated_at": None} == {
        "id": "gamma-talk-with-kafka",
        "title": "Gamma Talk With Kafka",
        "day": "day 1",
        "day_index": 1,
        "speakers": [],
        "starred": True,
        "annotation": "gamma note",
        "read_at": None,
        "updated_at": None,
    }


def test_takeaways_markdown(notes: Path) -> None:
    result = qcon("takeaways", str(notes))
    assert result.returncode == 0
    assert result.stdout == ""
    assert "no starred or annotated talks" in result.stderr

    qcon("star", "beta", str(notes))
    qcon("annotate", "gamma", str(notes), "--text", "first thought")
    qcon("annotate", "gamma", str(notes), "--text", "second thought", "--append")
    result = qcon("takeaways", str(notes), "--format", "markdown")
    assert result.returncode == 0
    assert result.stdout == (
        "# Takeaways: Team Conference Notes\n"
        "\n"
        "## day 1\n"
        "\n"
        "### Beta Talk On Microservices ★\n"
        "\n"
        "### Gamma Talk With Kafka\n"
        "\n"
        "first thought\n"
        "\n"
        "second thought\n"
    )


def test_takeaways_show_speakers_when_known() -> None:
    import qcon_tui

    talk = qcon_tui.load().talks[0]
    if not talk.speakers:
        pytest.skip("the bundled notes carry no speakers here")
    qcon("star", talk.id)
    result = qcon("takeaways")
    assert f"*{talk.speaker_label}*" in result.stdout
    result = qcon("takeaways", "--format", "json")
    [entry] = json.loads(result.stdout)
    assert entry["speakers"] == [speaker.label() for speaker in talk.speakers]


def test_takeaways_to_a_file(notes: Path, tmp_path: Path) -> None:
    qcon("star", "beta", str(notes))
    out = tmp_path / "takeaways.md"
    result = qcon("takeaways", str(notes), "-o", str(out))
    assert result.returncode == 0 and result.stdout == ""
    assert out.read_text().startswith("# Takeaways: Team Conference Notes")


def test_annotation_follows_its_talk_through_an_edit(notes: Path) -> None:
    qcon("annotate", "gamma", str(notes), "--text", "the gamma note")
    qcon("star", "beta", str(notes))
    write_notes(
        notes,
        [
            "Alpha Talk About Things",
            "A Brand New Opening Keynote",
            "Beta Talks on the Microservices",
            "Gamma Talk With Kafka",
        ],
    )
    result = qcon("takeaways", str(notes), "--format", "json")
    assert result.returncode == 0
    assert result.stderr == (
        "qcon-tui: note: star for 'Beta Talk On Microservices' moved to renamed talk "
        "'Beta Talks on the Microservices'\n"
    )
    entries = json.loads(result.stdout)
    assert [(entry["id"], entry["starred"], entry["annotation"]) for entry in entries] == [
        ("beta-talks-on-the-microservices", True, None),
        ("gamma-talk-with-kafka", False, "the gamma note"),
    ]
    again = qcon("takeaways", str(notes), "--format", "json")
    assert again.stderr == ""  # told once


def test_orphan_is_reported_and_kept(notes: Path) -> None:
    qcon("annotate", "gamma", str(notes), "--text", "keep me")
    write_notes(notes, ["Alpha Talk About Things", "Beta Talk On Microservices"])
    result = qcon("star", "alpha", str(notes))
    assert result.returncode == 0
    assert result.stderr == (
        "qcon-tui: note: note for 'Gamma Talk With Kafka' kept: no talk in the notes matches it any more\n"
    )
    state = json.loads(Path(qcon("where", str(notes)).stdout.strip()).read_text())
    assert state["talks"]["gamma-talk-with-kafka"]["annotation"] == "keep me"


def test_corrupt_state_is_a_warning_line(notes: Path) -> None:
    path = Path(qcon("where", str(notes)).stdout.strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{oops")
    result = qcon("star", "alpha", str(notes))
    assert result.returncode == 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("qcon-tui: warning: state file ")
    assert ".corrupt-" in lines[0]
    assert len(list(path.parent.glob(path.name + ".corrupt-*"))) == 1
    assert [entry["id"] for entry in takeaways_json(notes)] == ["alpha-talk-about-things"]


def test_unwritable_state_folder_is_exit_1(
    notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    monkeypatch.setenv("QCON_TUI_STATE_DIR", str(blocker / "state"))
    result = qcon("star", "alpha", str(notes))
    assert result.returncode == 1
    assert result.stderr.startswith("qcon-tui: error: cannot write state") and result.stderr.count("\n") == 1


def test_state_commands_are_listed_in_help() -> None:
    result = qcon("--help")
    assert result.returncode == 0
    for command in ("star", "unstar", "annotate", "takeaways", "where"):
        assert command in result.stdout
