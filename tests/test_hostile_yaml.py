"""YAML made to explode, and paths that are no files: refused quickly, in one line.

Every case runs the real command line with bounded memory (1.5 GB) and time, so
input built to exhaust the machine fails the test instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from qcon_tui.formats import NotesError, load
from qcon_tui.formats.safe_yaml import MAX_DEPTH, YAMLLimitError, check, safe_load
from qcon_tui.formats.schedule import ScheduleError, parse_schedule
from tests.helpers import run_cli_bounded

NOTES = "Conf\n\nday 1\n\nA Talk\n\nsome notes.\n"


def _one_error(result, *words: str) -> str:  # type: ignore[no-untyped-def]
    assert result.returncode == 1, (result.stdout, result.stderr[-500:])
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("qcon-tui: error: "), result.stderr[-500:]
    assert "internal error" not in lines[0] and "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0]
    return lines[0]


def _aliased_string_yaml() -> str:
    """400 KB of YAML that names one 100 KB string 20,000 times: 2 GB once expanded."""
    big = "x" * 100_000
    refs = "\n".join(["        - *s"] * 20_000)
    head = "title: t\nshared: &s {big}\ndays:\n  - title: d\n    talks:\n      - title: a\n        notes:\n"
    return head.format(big=big) + refs + "\n"


def test_notes_yaml_aliases_are_bounded_by_expanded_size(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(_aliased_string_yaml())
    for command in (["list", str(path)], ["search", "x", str(path)]):
        _one_error(run_cli_bounded(*command), "aliases")


def test_schedule_aliases_are_bounded(tmp_path: Path) -> None:
    notes = tmp_path / "conf.txt"
    notes.write_text(NOTES)
    names = ", ".join(f"name{n}" for n in range(3000))
    entries = "\n".join(f"- title: t{n}\n  speakers: *names" for n in range(3000))
    schedule = f"- title: A Talk\n  speakers: &names [{names}]\n{entries}\n"
    (tmp_path / "conf.schedule.yaml").write_text(schedule)
    result = run_cli_bounded("validate", str(notes))
    assert result.returncode == 1
    assert "aliases" in result.stdout and "Traceback" not in result.stderr
    with pytest.raises(ScheduleError, match="aliases"):
        parse_schedule((tmp_path / "conf.schedule.yaml").read_text())


def test_front_matter_bombs_and_depth_are_kept_as_text(tmp_path: Path) -> None:
    laughs = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    laughs += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    deep = "x: " + "[" * 5000 + "]" * 5000
    for name, front in (("laughs.md", "\n".join(laughs)), ("deep.md", deep)):
        path = tmp_path / name
        path.write_text(f"---\ntitle: Bomb\n{front}\n---\n\n# Day 1\n\n## A Talk\n\nnotes.\n")
        result = run_cli_bounded("list", str(path))
        assert result.returncode == 0, result.stderr[-500:]
        assert "A Talk" in result.stdout
        notebook = load(path)
        assert any("front matter" in d.message for d in notebook.diagnostics)


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "dev-zero-link"])
def test_a_path_that_is_no_file_is_refused_without_reading(tmp_path: Path, kind: str) -> None:
    if kind == "fifo":
        path = tmp_path / "pipe.txt"
        os.mkfifo(path)
    elif kind == "dev-zero":
        path = Path("/dev/zero")
    else:
        path = tmp_path / "zero.md"
        path.symlink_to("/dev/zero")
    for command in (["list"], ["show", "x"], ["search", "x"], ["export", "--format", "json"], ["validate"]):
        result = run_cli_bounded(*command, str(path), timeout=60)
        if command == ["validate"]:
            assert result.returncode == 1 and "not a regular file" in result.stdout, result
        else:
            _one_error(result, "not a regular file")


def test_validate_over_a_glob_reports_each_file_that_is_no_file(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(NOTES)
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    (tmp_path / "conf.schedule.yaml").write_text("- title: A Talk\n")
    os.mkfifo(tmp_path / "good.schedule.yaml")
    paths = sorted(str(p) for p in tmp_path.iterdir())
    result = run_cli_bounded("validate", *paths)
    assert result.returncode == 1
    assert "pipe.txt:1: error: not a regular file" in result.stdout
    assert "zero.txt:1: error: not a regular file" in result.stdout
    assert "good.schedule.yaml" in result.stdout + result.stderr  # a FIFO schedule: answered, not read
    assert "Traceback" not in result.stderr


def test_a_fifo_schedule_beside_notes_never_blocks(tmp_path: Path) -> None:
    notes = tmp_path / "conf.txt"
    notes.write_text(NOTES)
    os.mkfifo(tmp_path / "conf.schedule.yaml")
    result = run_cli_bounded("list", str(notes))
    assert result.returncode == 0 and "A Talk" in result.stdout


# --------------------------------------------------------------------------- the loader itself


def test_the_loader_counts_bytes_not_values() -> None:
    with pytest.raises(YAMLLimitError, match="aliases"):
        check(_aliased_string_yaml())
    # The same text once, and a few aliases of a short value, are fine.
    assert safe_load("a: &x " + "y" * 100_000 + "\nb: *x\n")["b"] == "y" * 100_000


def test_the_loader_refuses_deep_nesting_and_self_reference() -> None:
    with pytest.raises(YAMLLimitError, match="nested"):
        check("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    assert check("[" * MAX_DEPTH + "]" * MAX_DEPTH) is None
    with pytest.raises(YAMLLimitError, match="refer to themselves"):
        check("a: &a [*a]\n")
    with pytest.raises(yaml.YAMLError):
        safe_load("a: [unclosed\n")


def test_notes_yaml_deep_nesting_is_one_error() -> None:
    from qcon_tui.formats.yamlfmt import read_yaml

    with pytest.raises(NotesError, match="nested"):
        read_yaml("title: t\ndays: " + "[" * 5000 + "]" * 5000)
