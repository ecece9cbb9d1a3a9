"""Bad input is a normal day: one clear line on stderr and exit 1, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qcon_tui.formats import NotesError, load
from tests.helpers import run_cli


def _assert_one_error_line(result, *needles: str) -> None:
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("qcon-tui: error:")
    for needle in needles:
        assert needle in lines[0]


BAD_FILES = {
    "binary.txt": (b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)) * 4, "binary"),
    "empty.txt": (b"", "empty"),
    "blank.md": (b"\n\n   \n", "empty"),
    "latin1.txt": ("Caf\u00e9 notes\n\nday 1\n".encode("latin-1"), "UTF-8"),
    "list.yaml": (b"- a\n- b\n", "mapping"),
    "scalar.yaml": (b"just a string\n", "mapping"),
    "python.yaml": (b'title: x\ndays: !!python/object/apply:os.system ["echo pwned"]\n', "tag"),
    "broken.yaml": (b"title: x\ndays:\n  - title: [unclosed\n", "YAML"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
@pytest.mark.parametrize("command", ["list", "search"])
def test_bad_file_gets_one_line_and_exit_1(tmp_path, name: str, command: str) -> None:
    data, needle = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(data)
    args = ("list", str(path)) if command == "list" else ("search", "x", str(path))
    result = run_cli(*args)
    _assert_one_error_line(result, str(path))
    assert needle.lower() in result.stderr.lower()
    assert "pwned" not in result.stdout


def test_missing_file(tmp_path) -> None:
    _assert_one_error_line(run_cli("list", str(tmp_path / "nope.txt")), "no such file")


def test_directory(tmp_path) -> None:
    _assert_one_error_line(run_cli("show", "x", str(tmp_path)), "directory")


def test_unreadable_file(tmp_path) -> None:
    import os

    path = tmp_path / "secret.txt"
    path.write_text("notes")
    path.chmod(0)
    if os.access(path, os.R_OK):  # root reads anything
        pytest.skip("running as a user who can read mode-000 files")
    _assert_one_error_line(run_cli("list", str(path)), "permission")


def test_invalid_utf8_reports_offset_and_line(tmp_path) -> None:
    path = tmp_path / "bad.txt"
    data = b"Title\n\nday 1\n\nok line\nbad \xff byte\n"
    path.write_bytes(data)
    with pytest.raises(NotesError) as info:
        load(path)
    assert info.value.line == 6
    offset = data.index(0xFF)
    assert f"offset {offset}" in info.value.message


def test_tui_with_bad_file_fails_before_drawing(tmp_path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    result = run_cli(str(path))
    _assert_one_error_line(result, "empty")
    assert "\x1b[" not in result.stdout  # no screen was drawn


def test_fifty_megabyte_file_is_read(fifty_megabyte_notes: tuple[Path, int]) -> None:
    """A 50 MB notes file is handled on purpose: it loads (the limit is far above it)."""
    path, days = fifty_megabyte_notes
    result = run_cli("list", "--json", str(path), timeout=300)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert len(data["days"]) == days
    assert sum(len(d["talks"]) for d in data["days"]) == days * 1000


def test_too_large_file_is_refused(tmp_path, monkeypatch) -> None:
    from qcon_tui import formats

    monkeypatch.setattr(formats, "MAX_BYTES", 1000)
    path = tmp_path / "big.txt"
    path.write_text("x" * 2000)
    with pytest.raises(NotesError, match="too large"):
        load(path)


HOSTILE = (
    "Hostile \x1b]2;pwned-title\x07 Notes\n\n"
    "day 1\n\n"
    "A Talk With \x1b[2J Escapes\n\n"
    "clipboard \x1b]52;c;cHduZWQ=\x07 grab\n"
    "markup [bold red]x[/] and a stray [/bold] and [link=https://evil.example]click[/link]\n"
    "c1 \x9b31m csi\n"
)


def test_hostile_text_never_reaches_stdout_as_control_codes(tmp_path) -> None:
    path = tmp_path / "hostile.txt"
    path.write_text(HOSTILE)
    for args in (
        ("list", str(path)),
        ("list", "--json", str(path)),
        ("show", "a-talk-with-escapes", str(path)),
        ("search", "clipboard", str(path)),
        ("export", "--format", "text", str(path)),
        ("export", "--format", "markdown", str(path)),
        ("export", "--format", "yaml", str(path)),
    ):
        result = run_cli(*args)
        assert result.returncode == 0, (args, result.stderr)
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\x9b" not in result.stdout
        assert "\x1b" not in result.stderr
    shown = run_cli("show", "a-talk-with-escapes", str(path)).stdout
    assert "[bold red]x[/]" in shown and "[/bold]" in shown and "[link=https://evil.example]" in shown
    assert "␛" in shown  # the escape is made visible, not dropped silently


def test_model_strings_are_clean() -> None:
    from qcon_tui.model import Paragraph, Talk, clean

    assert clean("a\x1b[2Jb\tc\nd\x00") == "a␛[2Jb\tc\nd␀"
    assert "\x1b" not in Talk(id="x", title="t\x1b]2;x\x07").title
    assert Paragraph("\x9b").text == "\ufffd"


def test_lone_surrogates_and_bidi_overrides_are_neutralised() -> None:
    from qcon_tui.model import clean

    cleaned = clean("a\ud83db \u202eevil")
    assert cleaned == "a\ufffdb \ufffdevil"
    cleaned.encode("utf-8")  # printable: no lone surrogate left
