"""A directory opened as a library: the conference level, loading in the background,
search across every file, failures told and skipped; a single file stays as it was."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.widgets import Static

from qcon_tui import library as library_module
from qcon_tui.library import Library
from qcon_tui.model import Day, Notebook, Talk
from qcon_tui.tui.widgets.results_list import ResultsList
from qcon_tui.tui.widgets.talk_tree import TalkTree
from tests.helpers import run_cli
from tests.tui_helpers import (
    library_app,
    make_app,
    pane_text,
    settle,
    type_search,
    widget_text,
    write_library,
)

QCON = "QCon London 2017 takeaway points"
DEVCONF = "DevConf 2024"


@pytest.fixture
def notes_dir(tmp_path: Path) -> Path:
    return write_library(tmp_path / "conferences")


def flat(text: str) -> str:
    """`text` with its wrapping undone: every run of whitespace one space."""
    return " ".join(text.split())


def conferences(app: object) -> list[str]:
    """The titles of the notebooks under the tree's root."""
    tree = app.query_one(TalkTree)  # type: ignore[attr-defined]
    return [node.data.title for node in tree.root.children if isinstance(node.data, Notebook)]


async def test_tree_has_a_conference_level_with_every_notebook(notes_dir: Path) -> None:
    app = library_app(notes_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        tree = app.query_one(TalkTree)
        assert isinstance(tree.root.data, Library)
        assert str(tree.root.label) == "conferences"
        assert conferences(app) == [QCON, DEVCONF]
        qcon, devconf = tree.root.children
        assert str(devconf.label) == "DevConf 2024 (3)"
        assert [str(day.label) for day in devconf.children] == ["Day one (2)", "Day two (1)"]
        assert all(isinstance(day.data, Day) for day in qcon.children)
        assert isinstance(qcon.children[0].children[0].data, Talk)
        # The first talk of the first conference is shown; the pane says which conference.
        assert app.browser.selected is app.browser.library.notebooks[0].talks[0]
        assert f"{QCON} · day 1 · talk 1 of" in flat(pane_text(app))
        assert app.sub_title.startswith(f"{QCON} · day 1 ·")
        assert not app.query_one("#loading").display


async def test_first_notebook_is_browsable_while_the_rest_loads(
    notes_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    real_load = library_module.load

    def held_load(path: object, **options: object) -> Notebook:
        if Path(str(path)).name.startswith("b-"):
            assert release.wait(20), "the test never released the loader"
        return real_load(path, **options)

    monkeypatch.setattr(library_module, "load", held_load)
    app = library_app(notes_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        try:
            await pilot.pause()
            tree = app.query_one(TalkTree)
            assert conferences(app) == [QCON]
            assert "Loading" in widget_text(app.query_one("#loading", Static))
            # Browse the first conference: down twice is its first day's first talk.
            await pilot.press("g", "down", "down", "down")
            await pilot.pause()
            first = app.browser.library.notebooks[0].days[0].talks[0]
            assert tree.cursor_node is not None and tree.cursor_node.data is first
            assert app.browser.selected is first
            await pilot.press("right_square_bracket")
            await pilot.pause()
            assert app.browser.selected is app.browser.library.notebooks[0].days[0].talks[1]
            assert first.title not in pane_text(app).splitlines()[0]
        finally:
            release.set()
        await settle(pilot)
        assert conferences(app) == [QCON, DEVCONF]
        assert not app.query_one("#loading").display
        where = app.browser.library.notebooks[0].days[0].talks[1]
        assert app.browser.selected is where  # where the reader was


async def test_search_spans_every_file_and_rows_name_the_conference(notes_dir: Path) -> None:
    app = library_app(notes_dir)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await type_search(pilot, "serverless")
        results = app.query_one(ResultsList)
        found = {hit.notebook.title for hit in results.hits}
        assert found == {QCON, DEVCONF}
        text = widget_text(results)
        assert "DevConf 2024 › Day one › Serverless at scale" in text
        headings = [line for line in text.splitlines() if not line.startswith(" ")]
        assert all(line.startswith(("DevConf 2024 › ", "QCon London")) for line in headings), headings
        # A long conference title gives way to the talk's title.
        row = next(line for line in text.splitlines() if "Monitoring Serverless" in line)
        assert row.startswith("QCon London 2017")
        assert row.endswith("… › day 3 › Monitoring Serverless Architectures")
        # Hits are counted per conference in the tree.
        tree = app.query_one(TalkTree)
        labels = [str(tree.row_label(node)) for node in tree.root.children]
        assert labels[1] == "DevConf 2024 (1 of 3)"


async def test_opening_a_hit_from_the_second_notebook_shows_it(notes_dir: Path) -> None:
    app = library_app(notes_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_search(pilot, "opentelemetry")
        results = app.query_one(ResultsList)
        assert [hit.talk.title for hit in results.hits] == ["Serverless at scale"]
        await pilot.press("enter")
        await settle(pilot)
        devconf = app.browser.library.notebooks[1]
        assert app.browser.selected is devconf.days[0].talks[0]
        assert app.browser.notebook is devconf
        text = pane_text(app)
        assert text.splitlines()[0] == "Serverless at scale"
        assert "DevConf 2024 · Day one · talk 1 of 2" in flat(text)
        # The tree's cursor went into the second conference (expanded for it).
        tree = app.query_one(TalkTree)
        assert tree.cursor_node is not None and tree.cursor_node.data is app.browser.selected
        assert app.browser.match_index == 0


async def test_brackets_step_across_notebooks(notes_dir: Path) -> None:
    app = library_app(notes_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        qcon, devconf = app.browser.library.notebooks
        app.browser.selected = qcon.talks[-1]
        await pilot.press("right_square_bracket")
        assert app.browser.selected is devconf.talks[0]
        assert app.sub_title.startswith("DevConf 2024 · Day one")
        await pilot.press("left_square_bracket")
        assert app.browser.selected is qcon.talks[-1]
        # From the library's root, `[` goes to the very last talk of the last file.
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.browser.selected, Library)
        await pilot.press("left_square_bracket")
        assert app.browser.selected is devconf.talks[-1]


async def test_palette_jumps_to_talks_of_every_notebook(notes_dir: Path) -> None:
    app = library_app(notes_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"platform teams")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert app.browser.selected is app.browser.library.notebooks[1].days[1].talks[0]
        assert "DevConf 2024 · Day two" in flat(pane_text(app))


async def test_broken_file_is_reported_and_skipped(notes_dir: Path) -> None:
    app = library_app(notes_dir)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        toasts = " ".join(widget_text(toast) for toast in app.screen.query("Toast"))
        assert "c-broken.yml" in toasts and "YAML" in toasts
        assert conferences(app) == [QCON, DEVCONF]
        assert [Path(failure.path).name for failure in app.browser.library.failures] == ["c-broken.yml"]
        # The library's overview (its root) lists the conferences and what was skipped.
        await pilot.press("g")
        await pilot.pause()
        overview = flat(pane_text(app))
        assert "2 notes files" in overview
        assert "DevConf 2024 — 3 talks" in overview
        assert "Skipped" in overview and "c-broken.yml" in overview


async def test_a_broken_first_file_does_not_stop_the_library(tmp_path: Path) -> None:
    root = write_library(tmp_path / "notes")
    (root / "a-qcon-london-2017.yaml").rename(root / "d-qcon-london-2017.yaml")
    (root / "c-broken.yml").rename(root / "0-broken.yml")
    app = library_app(root)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        assert conferences(app) == [DEVCONF, QCON]
        toasts = " ".join(widget_text(toast) for toast in app.screen.query("Toast"))
        assert "0-broken.yml" in toasts


async def test_single_file_keeps_its_tree_and_rows() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        tree = app.query_one(TalkTree)
        assert isinstance(tree.root.data, Notebook)
        assert all(isinstance(node.data, Day) for node in tree.root.children)
        assert not app.query("#loading")
        assert not app.browser.in_library and app.browser.library.notebooks == (app.browser.notebook,)
        await type_search(pilot, "facebok")
        text = widget_text(app.query_one(ResultsList))
        assert text.startswith("day 2 › Scaling Facebook Live")
        assert "QCon London" not in text
        assert "QCon London" not in pane_text(app).splitlines()[1]


def test_empty_directory_is_one_error_line_and_exit_1(tmp_path: Path) -> None:
    result = run_cli(str(tmp_path))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("qcon-tui: error:"), result.stderr
    assert "no notes files" in lines[0]
    assert result.stdout == ""


def test_directory_where_nothing_loads_is_one_error_line_and_exit_1(tmp_path: Path) -> None:
    (tmp_path / "broken.yml").write_text("title: x\ndays: [\n", encoding="utf-8")
    (tmp_path / "empty.md").write_bytes(b"\x00\x01binary")
    result = run_cli(str(tmp_path))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("qcon-tui: error:"), result.stderr
    assert "none of its 2 notes files could be read" in lines[0]
