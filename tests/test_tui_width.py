"""The width is used: the tree grows with the window and cuts titles with "…", a filtered
day counts what it shows, same-titled notebooks are told apart, your note comes first."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from qcon_tui.library import same_title_names
from qcon_tui.model import Notebook
from qcon_tui.render import render_talk
from qcon_tui.tui.widgets.talk_tree import TalkTree, day_label
from tests.tui_helpers import DEVCONF_NOTES, library_app, make_app, notebook, settle, widget_lines


@pytest.mark.parametrize(("width", "lowest", "highest"), [(80, 30, 32), (120, 44, 46), (240, 60, 60)])
async def test_the_tree_takes_about_a_third_of_the_width(width: int, lowest: int, highest: int) -> None:
    app = make_app()
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        assert lowest <= app.screen.query_one("#sidebar").outer_size.width <= highest


async def test_long_titles_are_cut_with_an_ellipsis_at_the_trees_edge() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        tree = app.query_one(TalkTree)
        lines = widget_lines(tree)
        cut = [line for line in lines if "Security War Stories" in line]
        assert cut and cut[0].endswith("…")
        assert all(len(line) <= tree.size.width for line in lines)
        assert any(line.rstrip().endswith("Async or Bust!?") for line in lines)  # short titles whole


async def test_a_filtered_day_counts_the_talks_it_shows() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        first = app.browser.notebook.talks[0]
        await pilot.press("s")  # star the first talk
        await settle(pilot)
        await pilot.press("f")  # starred only
        await settle(pilot)
        text = "\n".join(widget_lines(app.query_one(TalkTree)))
        assert "day 1 (1 of 7)" in text
        assert first.title[:12] in text


def test_day_labels_say_how_many_of_how_many() -> None:
    day = notebook().days[0]
    assert day_label(day).plain == "day 1 (7)"
    assert day_label(day, 7).plain == "day 1 (7)"
    assert day_label(day, 2).plain == "day 1 (2 of 7)"


def test_notebooks_that_share_a_title_are_named_by_their_files() -> None:
    one = Notebook("QCon", source="/notes/qcon-2017.md")
    two = Notebook("qcon", source="/notes/qcon-2018.md")
    other = Notebook("DevConf", source="/notes/devconf.md")
    names = same_title_names([one, two, other])
    assert names == {id(one): "qcon-2017.md", id(two): "qcon-2018.md"}


async def test_a_library_tells_same_titled_notebooks_apart(tmp_path: Path) -> None:
    directory = tmp_path / "library"
    directory.mkdir()
    (directory / "a-devconf.md").write_text(DEVCONF_NOTES, encoding="utf-8")
    (directory / "b-devconf.md").write_text(DEVCONF_NOTES, encoding="utf-8")
    app = library_app(directory)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        text = "\n".join(widget_lines(app.query_one(TalkTree)))
        assert "a-devconf.md" in text and "b-devconf.md" in text
        await pilot.press("slash", *"serverless")
        await settle(pilot)
        rows = "\n".join(widget_lines(app.screen.query_one("#results")))
        assert "a-devconf.md" in rows and "b-devconf.md" in rows


def test_your_note_comes_before_the_notes() -> None:
    nb = notebook()
    talk = nb.talks[0]
    console = Console(width=80, record=True)
    console.print(render_talk(nb, talk, annotation="check the webcam demo"))
    lines = console.export_text().splitlines()
    note = next(n for n, line in enumerate(lines) if "Your note" in line)
    body = next(n for n, line in enumerate(lines) if "security is important" in line)
    assert note < body
    assert note < 10  # near the top, under the title and facts
