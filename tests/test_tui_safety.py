"""A hostile notes file: markup shows literally and escape sequences never reach the terminal."""

from __future__ import annotations

import io

from rich.console import Console

from qcon_tui.render import render_talk
from qcon_tui.tui.commands import NotesCommands
from qcon_tui.tui.widgets.results_list import ResultsList
from qcon_tui.tui.widgets.talk_tree import TalkTree
from tests.tui_helpers import HOSTILE, make_app, notebook, pane_text, settle, type_search, widget_text

ESC = "\x1b"
BEL = "\x07"


def test_fixture_really_is_hostile() -> None:
    raw = HOSTILE.read_text(encoding="utf-8")
    for needle in ("[bold red]x[/]", "[/bold]", "[link=https://evil]click[/link]"):
        assert needle in raw
    for sequence in (f"{ESC}]52;c;", f"{ESC}]2;", f"{ESC}[2J", BEL):
        assert sequence in raw


async def test_hostile_notes_are_shown_literally() -> None:
    app = make_app(HOSTILE)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        text = pane_text(app)
        assert "[bold red]Injection[/]" in text
        assert "[bold red]x[/]" in text
        assert "[/bold]" in text
        assert "[link=https://evil]click[/link]" in text
        assert "[italic]markup[/italic]" in text
        assert "␛]52;c;ZXZpbCBwYXlsb2Fk␇" in text
        assert "␛]2;" in text and "␛[2J" in text
        assert ESC not in text and BEL not in text


async def test_hostile_tree_labels_and_header_are_literal() -> None:
    app = make_app(HOSTILE)
    async with app.run_test(size=(100, 40)) as pilot:
        tree = app.query_one(TalkTree)
        # The read marks come from a worker started once the first frame is up.
        for _ in range(200):
            await settle(pilot)
            if tree.marks.read is not None:
                break
        tree_text = widget_text(tree)
        assert "Hostile Notes [bold red]Confe" in tree_text  # as painted (cut to the column)
        assert "Markup [bold red]Injectio" in tree_text  # after the mark gutter
        assert ESC not in tree_text
        assert tree.root.label.plain == "Hostile Notes [bold red]Conference[/] Book"
        leaf = tree.root.children[0].children[0]
        # The unread mark, drawn with the row.
        assert tree.row_label(leaf).plain == "• Markup [bold red]Injection[/] Talk ␛]2;Pwned Title␇"
        header = widget_text(app.query_one("HeaderTitle"))
        assert "[bold red]Conference[/]" in header


async def test_hostile_search_results_are_literal() -> None:
    app = make_app(HOSTILE)
    async with app.run_test(size=(100, 40)) as pilot:
        await type_search(pilot, "bold")
        results = app.query_one(ResultsList)
        assert results.hits
        text = widget_text(results)
        assert "[bold red]" in text
        assert ESC not in text
        await pilot.press("enter")
        await settle(pilot)
        assert "[bold red]x[/]" in pane_text(app)
        await pilot.press("n", "n", "N")
        await settle(pilot)
        assert app.is_running


async def test_hostile_help_palette_and_screenshot_do_not_break() -> None:
    app = make_app(HOSTILE)
    async with app.run_test(size=(80, 24)) as pilot:
        provider = NotesCommands(app.screen)
        texts = [hit.text async for hit in provider.discover()]
        assert any("[bold red]Injection[/]" in (text or "") for text in texts)
        await pilot.press("ctrl+p", *"markup")
        await settle(pilot)
        await pilot.pause(0.3)
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        svg = app.export_screenshot()
        assert ESC not in svg and BEL not in svg
        await pilot.press("escape", "right_square_bracket", "left_square_bracket")
        assert app.is_running


def test_rendering_hostile_talk_to_a_terminal_emits_no_foreign_escapes() -> None:
    nb = notebook(HOSTILE)
    out = io.StringIO()
    console = Console(file=out, width=80, force_terminal=True, color_system="truecolor")
    for talk in nb.talks:
        console.print(render_talk(nb, talk))
    data = out.getvalue()
    # Only Rich's own SGR sequences (ESC [ ... m) may appear: no OSC, no clear screen.
    assert f"{ESC}]" not in data
    assert f"{ESC}[2J" not in data
    assert BEL not in data
