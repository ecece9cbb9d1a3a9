"""`--days`/`--talks` as an argument of loading: each load reads with its own layout.

A layout is passed from the command line through `load()`, the library loader and
the cache to the Markdown reader; nothing of it stays behind for the next load, and
the disk cache keeps a file's readings with different layouts apart.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import qcon_tui
from qcon_tui import cache as cache_module
from qcon_tui.cache import ModelCache, open_notes
from qcon_tui.cli import main
from qcon_tui.formats import load
from qcon_tui.formats.layout import Layout
from qcon_tui.library import load_library, start_library
from qcon_tui.model import Notebook
from qcon_tui.search import SearchIndex

ONE_SECTION = Path(__file__).parent / "fixtures" / "outline" / "one-section.md"
GUESSED = ["Backend"]
AS_H3 = ["Queues Everywhere", "Boring Databases", "Caching Carefully"]


def titles(notebook: Notebook) -> list[str]:
    return [talk.title for talk in notebook.talks]


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    """The one-section fixture, in a folder of the test's own (a library of one file)."""
    path = tmp_path / "conf" / "one-section.md"
    path.parent.mkdir()
    path.write_bytes(ONE_SECTION.read_bytes())
    return path


def test_loads_in_one_process_each_read_with_their_own_layout(notes: Path) -> None:
    assert titles(qcon_tui.load(str(notes))) == GUESSED
    assert titles(qcon_tui.load(str(notes), layout=Layout(talks="h3"))) == AS_H3
    assert titles(qcon_tui.load(str(notes))) == GUESSED  # nothing of the layout stays behind
    assert titles(load(notes, layout=Layout(talks="h3"))) == AS_H3
    assert titles(load(notes, layout=Layout())) == GUESSED  # an empty layout is the guess


def test_a_library_reads_each_file_with_the_layout(notes: Path) -> None:
    assert titles(load_library(notes.parent, layout=Layout(talks="h3")).notebooks[0]) == AS_H3
    assert titles(load_library(notes.parent).notebooks[0]) == GUESSED
    library, _first, _rest = start_library(notes.parent, layout=Layout(talks="h3"))
    assert titles(library.notebooks[0]) == AS_H3


def test_the_cache_keeps_readings_with_different_layouts_apart(
    notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_module, "MIN_SOURCE_BYTES", 0)
    cache = ModelCache(tmp_path / "cache")
    h3 = Layout(talks="h3")
    guessed = open_notes(notes, cache)
    assert guessed.index is None
    guessed.remember(SearchIndex(guessed.notebook))
    told = open_notes(notes, cache, layout=h3)
    assert told.index is None  # a miss: the entry of the guess is not this reading
    assert titles(told.notebook) == AS_H3
    told.remember(SearchIndex(told.notebook))
    assert len(list(cache.folder.glob("*" + cache_module.SUFFIX))) == 2  # one entry each, side by side
    again_told, again_guessed = open_notes(notes, cache, layout=h3), open_notes(notes, cache)
    assert again_told.index is not None and again_guessed.index is not None  # both hits
    assert titles(again_told.notebook) == AS_H3
    assert titles(again_guessed.notebook) == GUESSED
    assert [hit.talk.title for hit in again_told.index.search("postgres")] == ["Boring Databases"]
    assert open_notes(notes, cache, layout=Layout(days="none", talks="h3")).index is None  # another layout


def test_front_matter_says_the_layout_and_the_command_line_overrides_it(tmp_path: Path) -> None:
    path = tmp_path / "front.md"
    path.write_text("---\ntalks: h3\n---\n" + ONE_SECTION.read_text(), encoding="utf-8")
    assert titles(qcon_tui.load(str(path))) == AS_H3
    assert titles(qcon_tui.load(str(path), layout=Layout(talks="h2"))) == GUESSED
    assert titles(qcon_tui.load(str(path), layout=Layout(days="none"))) == AS_H3  # talks: still from it


def test_the_command_line_layout_applies_to_its_own_command_only(
    notes: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def listed(*args: str) -> list[str]:
        assert main(["list", "--json", *args, str(notes)]) == 0
        data = json.loads(capsys.readouterr().out)
        return [talk["title"] for day in data["days"] for talk in day["talks"]]

    assert listed("--talks", "h3") == AS_H3
    assert listed() == GUESSED
    assert listed("--talks", "h3") == AS_H3


def test_the_browser_reads_a_changed_file_again_with_its_layout(notes: Path) -> None:
    """Live reload keeps the layout the browser was started with (no Textual app needed)."""
    from qcon_tui.tui.messages import NotesReloaded
    from qcon_tui.tui.reload import NotesWatcher, poll

    for layout, expected in ((Layout(talks="h3"), AS_H3), (None, GUESSED)):
        [reloaded] = poll(NotesWatcher(str(notes), shown=False, layout=layout), None)
        assert isinstance(reloaded, NotesReloaded)
        assert titles(reloaded.notebook) == expected
