"""The help screen and the command palette."""

from __future__ import annotations

from textual.binding import Binding
from textual.command import CommandPalette

from qcon_tui.tui.commands import NotesCommands, highlight
from qcon_tui.tui.screens.browser import BrowserScreen
from qcon_tui.tui.screens.help import HelpScreen, query_help
from qcon_tui.tui.widgets.note_pane import NotePane
from qcon_tui.tui.widgets.search_input import SearchInput
from qcon_tui.tui.widgets.talk_tree import TalkTree
from tests.tui_helpers import make_app, settle, widget_text


def _all_bindings() -> list[Binding]:
    app_bindings = [b for b in BrowserScreen.BINDINGS if isinstance(b, Binding)]
    return [
        *app_bindings,
        *[b for b in TalkTree.BINDINGS if isinstance(b, Binding)],
        *[b for b in NotePane.BINDINGS if isinstance(b, Binding)],
        *[b for b in SearchInput.BINDINGS if isinstance(b, Binding)],
    ]


def test_every_binding_has_a_description_and_an_id() -> None:
    for binding in _all_bindings():
        assert binding.description, binding
        assert binding.id, binding


async def test_question_mark_opens_help_listing_every_binding() -> None:
    app = make_app()
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = widget_text(app.screen.query_one("#help-text"))
        for binding in _all_bindings():
            assert binding.description in text, binding.description
        for heading in ("Anywhere", "Tree", "Notes", "Search box", "Search syntax"):
            assert heading in text
        for key in ("/", "ctrl+f", "[", "]", "?", "ctrl+p", "ctrl+q", "esc", "tab", "space"):
            assert key in text, key
        assert "Command palette" in text
        for line in query_help().splitlines():  # every word of the search syntax
            for word in line.split():
                assert word in text, line
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_help_closes_with_q_and_question_mark_without_quitting() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.press("q")
        assert app.is_running and not isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")
        await pilot.press("question_mark")
        assert not isinstance(app.screen, HelpScreen)


async def test_help_scrolls_at_80x24() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        body = app.screen.query_one("#help-body")
        assert body.max_scroll_y > 0
        await pilot.press("j", "j")
        await pilot.pause()
        assert body.scroll_y == 2


def test_query_help_comes_from_the_search_module() -> None:
    from qcon_tui import search

    expected = getattr(search, "QUERY_HELP", None)
    if expected:
        assert query_help() == expected
    else:
        assert "facebok" in query_help()


async def test_palette_provider_finds_a_talk_by_fuzzy_title() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        provider = NotesCommands(app.screen)
        hits = [hit async for hit in provider.search("cgroup linux")]
        texts = [hit.text for hit in hits]
        assert any("cgroupv2" in (text or "") for text in texts)
        best = max(hits, key=lambda hit: hit.score)
        assert "cgroupv2" in (best.text or "")
        best.command()
        await pilot.pause()
        assert app.browser.selected.title.startswith("cgroupv2")


async def test_palette_discovers_talks_tree_toggle_and_theme() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        provider = NotesCommands(app.screen)
        texts = [hit.text async for hit in provider.discover()]
        assert len([t for t in texts if t and t.startswith("Open: ")]) == len(app.browser.notebook.talks)
        assert "Toggle the talk tree" in texts
        assert "Switch theme…" in texts
        hits = [hit async for hit in provider.search("theme nord")]
        nord = [hit for hit in hits if hit.text == "Theme: nord"]
        assert nord
        nord[0].command()
        await pilot.pause()
        assert app.theme == "nord"
        toggle = [hit async for hit in provider.search("toggle tree")]
        toggle[0].command()
        await pilot.pause()
        assert not app.query_one("#sidebar").display


async def test_ctrl_p_opens_the_palette_and_typing_jumps_to_a_talk() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert CommandPalette.is_open(app)
        await pilot.press(*"spotify")
        await settle(pilot)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert not CommandPalette.is_open(app)
        assert "Spotify" in app.browser.selected.title


def test_palette_highlight_never_reads_markup() -> None:
    content = highlight("Talk [bold]x[/] and [/bold]", "talk")
    assert content.plain == "Talk [bold]x[/] and [/bold]"
