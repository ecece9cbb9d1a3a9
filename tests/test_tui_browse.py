"""Browsing with the keyboard: the start screen, the tree, talk stepping, panes and sizes."""

from __future__ import annotations

import pytest
from textual.widgets import Tree

from qcon_tui.model import Day, Notebook, Talk
from qcon_tui.tui.app import ANSI_THEME, TRUECOLOR_THEME, QconApp, pick_theme
from qcon_tui.tui.widgets.note_pane import NotePane
from qcon_tui.tui.widgets.search_input import SearchInput
from qcon_tui.tui.widgets.talk_tree import TalkTree
from tests.tui_helpers import make_app, notebook, pane_text, settle, widget_text


async def test_first_talk_is_selected_and_shown_at_start() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        first = app.browser.notebook.talks[0]
        assert app.browser.selected is first
        tree = app.query_one(TalkTree)
        assert tree.cursor_node is not None and tree.cursor_node.data is first
        assert app.focused is tree
        text = pane_text(app)
        assert "Security War Stories" in text
        assert "day 1 · talk 1 of 7" in text


async def test_tree_labels_days_with_talk_counts() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        tree = app.query_one(TalkTree)
        days = [node for node in tree.root.children]
        assert [node.label.plain for node in days] == ["day 1 (7)", "day 2 (7)", "day 3 (6)"]
        assert all(isinstance(node.data, Day) for node in days)
        assert isinstance(tree.root.data, Notebook)
        assert all(isinstance(leaf.data, Talk) for leaf in days[0].children)


async def test_brackets_step_through_talks_across_days() -> None:
    app = make_app()
    talks = app.browser.notebook.talks
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right_square_bracket")
        assert app.browser.selected is talks[1]
        for _ in range(6):
            await pilot.press("right_square_bracket")
        assert app.browser.selected is talks[7]  # first talk of day 2
        await pilot.pause()
        assert "day 2 · talk 1 of 7" in pane_text(app)
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert app.browser.selected is talks[5]
        await pilot.pause()
        assert app.query_one(TalkTree).cursor_node.data is talks[5]


async def test_brackets_stop_at_the_ends() -> None:
    app = make_app()
    talks = app.browser.notebook.talks
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("left_square_bracket")
        assert app.browser.selected is talks[0]
        for _ in range(len(talks) + 3):
            await pilot.press("right_square_bracket")
        assert app.browser.selected is talks[-1]


async def test_brackets_work_from_the_note_pane() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.query_one(NotePane).focus()
        await pilot.press("right_square_bracket")
        assert app.browser.selected is app.browser.notebook.talks[1]


async def test_tree_keys_move_collapse_expand_and_jump() -> None:
    app = make_app()
    talks = app.browser.notebook.talks
    async with app.run_test(size=(80, 24)) as pilot:
        tree = app.query_one(TalkTree)
        await pilot.press("j")
        assert app.browser.selected is talks[1]
        await pilot.press("k", "k")
        assert isinstance(app.browser.selected, Day)  # day 1's node
        await pilot.press("h")  # collapse day 1
        day1 = tree.root.children[0]
        assert not day1.is_expanded
        await pilot.press("l")  # expand again
        assert day1.is_expanded
        await pilot.press("l")  # step into it
        assert app.browser.selected is talks[0]
        await pilot.press("h")  # a leaf steps out to its day
        assert app.browser.selected is app.browser.notebook.days[0]
        await pilot.press("G")
        assert app.browser.selected is talks[-1]
        await pilot.press("g")
        assert app.browser.selected is app.browser.notebook
        await pilot.pause()
        assert "3 days · 20 talks" in pane_text(app)
        await pilot.press("down", "down", "down")
        assert app.browser.selected is talks[1]


async def test_day_node_shows_the_day_overview() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("k")
        await pilot.pause()
        text = pane_text(app)
        assert "day 1 of 3 · 7 talks" in text
        assert "7. Rebuilding The Monolith" in text


async def test_enter_on_a_talk_moves_to_its_notes() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j", "enter")
        assert app.focused is app.query_one(NotePane)
        assert app.browser.selected is app.browser.notebook.talks[1]


async def test_tab_and_shift_tab_move_between_panes() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.focused is app.query_one(TalkTree)
        await pilot.press("tab")
        assert app.focused is app.query_one(NotePane)
        await pilot.press("tab")
        assert app.focused is app.query_one(TalkTree)  # the panes only: `/` is for the search box
        await pilot.press("shift+tab")
        assert app.focused is app.query_one(NotePane)


async def test_space_and_pagedown_scroll_the_notes_from_the_tree() -> None:
    app = make_app()
    long_talk = max(app.browser.notebook.talks, key=lambda talk: len(talk.blocks))
    async with app.run_test(size=(80, 24)) as pilot:
        app.browser.selected = long_talk
        await pilot.pause()
        pane = app.query_one(NotePane)
        assert pane.scroll_y == 0
        await pilot.press("space")
        await pilot.pause()
        after_space = pane.scroll_y
        assert after_space > 0
        assert app.browser.selected is long_talk  # space did not toggle or move the tree
        await pilot.press("pagedown")
        await pilot.pause()
        assert pane.scroll_y > after_space
        await pilot.press("pageup")
        await pilot.pause()
        assert pane.scroll_y < pane.max_scroll_y or pane.scroll_y == after_space


async def test_j_k_scroll_the_notes_when_the_pane_has_focus() -> None:
    app = make_app()
    long_talk = max(app.browser.notebook.talks, key=lambda talk: len(talk.blocks))
    async with app.run_test(size=(80, 24)) as pilot:
        app.browser.selected = long_talk
        pane = app.query_one(NotePane)
        pane.focus()
        await pilot.pause()
        await pilot.press("j", "j", "j")
        await pilot.pause()
        assert pane.scroll_y == 3
        await pilot.press("k")
        await pilot.pause()
        assert pane.scroll_y == 2
        await pilot.press("G")
        await pilot.pause()
        assert pane.scroll_y == pane.max_scroll_y
        assert app.browser.selected is long_talk


async def test_q_quits() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_b_hides_and_shows_the_tree_on_a_wide_screen() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        sidebar = app.query_one("#sidebar")
        assert sidebar.display
        await pilot.press("b")
        await pilot.pause()
        assert not sidebar.display
        assert app.focused is app.query_one(NotePane)
        assert app.query_one("#notes").size.width > 70
        await pilot.press("b")
        await pilot.pause()
        assert sidebar.display
        assert app.focused is app.query_one(TalkTree)


async def test_narrow_screen_hides_the_tree_and_b_brings_it_back() -> None:
    app = make_app()
    async with app.run_test(size=(50, 20)) as pilot:
        await pilot.pause()
        assert not app.query_one("#sidebar").display
        assert app.query_one("#notes").size.width >= 45
        assert app.browser.selected is app.browser.notebook.talks[0]
        assert "Security War Stories" in pane_text(app)
        await pilot.press("right_square_bracket")
        assert app.browser.selected is app.browser.notebook.talks[1]
        await pilot.press("b")
        await pilot.pause()
        assert app.query_one("#sidebar").display
        tree = app.query_one(TalkTree)
        assert app.focused is tree
        assert tree.cursor_node.data is app.browser.notebook.talks[1]


async def test_resizing_across_the_breakpoint_moves_the_tree() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.query_one("#sidebar").display
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        assert not app.query_one("#sidebar").display
        await pilot.resize_terminal(90, 24)
        await pilot.pause()
        assert app.query_one("#sidebar").display


@pytest.mark.parametrize("size", [(20, 6), (24, 8), (30, 10), (1, 1), (200, 60)])
async def test_tiny_and_huge_sizes_do_not_crash(size: tuple[int, int]) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for key in ("right_square_bracket", "b", "j", "slash", "f", "escape", "question_mark", "escape"):
            await pilot.press(key)
            await settle(pilot)
        assert app.is_running
        assert isinstance(app.browser.selected, Talk)


async def test_resizing_down_to_20x6_and_back_keeps_working() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for width, height in [(60, 18), (40, 12), (20, 6), (80, 24)]:
            await pilot.resize_terminal(width, height)
            await pilot.press("right_square_bracket")
            await pilot.pause()
        assert app.browser.selected is app.browser.notebook.talks[4]
        assert "Continuous Performance Testing" in pane_text(app)


# --------------------------------------------------------------------------- themes


def test_pick_theme_follows_colorterm() -> None:
    assert pick_theme({}) == ANSI_THEME
    assert pick_theme({"COLORTERM": ""}) == ANSI_THEME
    assert pick_theme({"COLORTERM": "truecolor"}) == TRUECOLOR_THEME
    assert pick_theme({"COLORTERM": "24bit"}) == TRUECOLOR_THEME
    assert pick_theme({"COLORTERM": "TrueColor"}) == TRUECOLOR_THEME
    assert pick_theme({"COLORTERM": "yes", "TERM": "xterm-256color"}) == ANSI_THEME


async def test_ansi_theme_is_picked_when_colorterm_is_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLORTERM", raising=False)
    app = QconApp(notebook())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == ANSI_THEME
        assert app.current_theme.ansi


async def test_truecolor_theme_when_the_terminal_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLORTERM", "truecolor")
    app = QconApp(notebook())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == TRUECOLOR_THEME


async def test_theme_option_overrides_the_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLORTERM", raising=False)
    app = QconApp(notebook(), theme="nord")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "nord"


async def test_unknown_theme_warns_and_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLORTERM", raising=False)
    app = QconApp(notebook(), theme="no-such-theme")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        assert app.theme == ANSI_THEME
        toasts = " ".join(widget_text(toast) for toast in app.screen.query("Toast"))
        assert "no-such-theme" in toasts


@pytest.mark.parametrize("theme", [ANSI_THEME, "ansi-light", TRUECOLOR_THEME, "textual-light"])
async def test_every_theme_renders_the_start_screen(theme: str) -> None:
    app = make_app(theme=theme)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", "r", "e", "d", "i", "s")
        await settle(pilot)
        assert app.theme == theme
        assert app.export_screenshot()


async def test_no_color_environment_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.no_color
        assert "Security War Stories" in pane_text(app)


async def test_start_at_a_talk_and_with_a_search() -> None:
    nb = notebook()
    talk = nb.talks[9]
    app = QconApp(nb, talk=talk, search="redis", theme="textual-dark")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.browser.selected is talk
        assert app.query_one(SearchInput).value == "redis"
        assert app.query_one("#results").display
        assert app.query_one(Tree).cursor_node.data is talk
