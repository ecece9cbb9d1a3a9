"""A library reports and skips every file that fails, whatever the failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from qcon_tui import formats, library
from qcon_tui.formats import NotesError, load
from qcon_tui.library import iter_library, load_library
from qcon_tui.ordering import start_minutes
from tests.helpers import run_cli_bounded

NOTES = "Conf {n}\n\nday 1\n\nTalk {n}\n\nsome notes.\n"


def _library(tmp_path: Path) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    for n in (1, 2, 3):
        (tmp_path / f"conf{n}.txt").write_text(NOTES.format(n=n))
    return tmp_path


@pytest.mark.parametrize("failure", [RecursionError, MemoryError, ValueError, KeyError])
def test_a_file_that_fails_in_any_way_is_reported_and_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: type[Exception]
) -> None:
    real_load = library.load

    def load_failing_once(path, **options):  # type: ignore[no-untyped-def]
        if Path(path).name == "conf2.txt":
            raise failure("boom")
        return real_load(path, **options)

    monkeypatch.setattr(library, "load", load_failing_once)
    loaded = load_library(_library(tmp_path))
    assert [nb.title for nb in loaded.notebooks] == ["Conf 1", "Conf 3"]
    [failed] = loaded.failures
    assert failed.path.endswith("conf2.txt") and failed.message
    entries = list(iter_library(tmp_path))
    assert [entry.failure is not None for entry in entries] == [False, True, False]


def test_a_reader_that_recurses_too_deep_is_one_notes_error(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from qcon_tui.formats import text

    def too_deep(*_args: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(text, "read_text_notes", too_deep)
    path = tmp_path / "conf.txt"
    path.write_text(NOTES.format(n=1))
    with pytest.raises(NotesError, match="nested too deeply"):
        load(path)
    assert formats.NotesError is NotesError


def test_deep_front_matter_in_a_library_never_stops_the_rest(tmp_path: Path) -> None:
    _library(tmp_path)
    deep = "x: " + "[" * 5000 + "]" * 5000
    (tmp_path / "deep.md").write_text(f"---\ntitle: Deep\n{deep}\n---\n\n# Day 1\n\n## A Talk\n\nnotes.\n")
    result = run_cli_bounded("list", str(tmp_path))
    assert result.returncode == 0, result.stderr
    for title in ("Talk 1", "Talk 2", "Talk 3"):
        assert title in result.stdout
    assert "internal error" not in result.stderr


def test_a_long_start_time_is_not_a_time() -> None:
    assert start_minutes("1" + " " * 100_000 + "!") is None
    assert start_minutes(" " * 50_000 + "9:00" + " " * 50_000) == 540  # spaces around are still fine
    assert start_minutes("9" + " " * 20_000 + "pm") == 21 * 60  # runs of spaces count as one
    assert [start_minutes(v) for v in ("9:05", " 2:30 pm ", "14h15", "2pm")] == [545, 870, 855, 840]


def test_a_talk_past_the_per_talk_limit_is_refused_in_one_line(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(formats, "MAX_TALK_CHARS", 10_000)
    path = tmp_path / "one.txt"
    path.write_text("Big\n\nday 1\n\nSmall Talk\n\nnotes.\n\nThe One Talk\n\n" + "  • words words\n" * 2000)
    with pytest.raises(NotesError, match=r"talk 'The One Talk' holds .* the limit is") as refused:
        load(path)
    assert refused.value.line == 9
    path.write_text("Big\n\nday 1\n\nSmall Talk\n\n" + "  • words words\n" * 500)
    assert load(path).talks[0].title == "Small Talk"


def test_a_fifty_megabyte_talk_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "one.txt"
    line = "  • " + "word " * 20 + "\n"
    with path.open("w") as handle:
        handle.write("Big\n\nday 1\n\nThe One Talk\n\n")
        handle.write(line * (50 * 1024 * 1024 // len(line)))
    for command in (["show", "the-one-talk", str(path)], ["search", "word", str(path)]):
        result = run_cli_bounded(*command, timeout=240)
        assert result.returncode == 1, result.stderr[-300:]
        [message] = result.stderr.strip().splitlines()
        assert "the limit is 1 million per talk" in message


async def test_the_browser_s_loader_reports_a_recursing_file_and_finishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.tui_helpers import library_app, settle, widget_text

    root = _library(tmp_path / "notes")
    real_load = library.load

    def load_failing(path, **options):  # type: ignore[no-untyped-def]
        if Path(path).name == "conf3.txt":
            raise RecursionError("maximum recursion depth exceeded")
        return real_load(path, **options)

    monkeypatch.setattr(library, "load", load_failing)
    app = library_app(root)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        toasts = " ".join(widget_text(toast) for toast in app.screen.query("Toast"))
        assert "conf3.txt" in toasts and "RecursionError" in toasts
        assert [nb.title for nb in app.browser.library.notebooks] == ["Conf 1", "Conf 2"]
        assert "Loading" not in widget_text(app.screen)
