"""Focus follows the layout: a hidden tree never keeps it, tab cycles what is on screen,
and every key of a burst lands."""

from __future__ import annotations

from qcon_tui.tui.widgets.note_pane import NotePane
from qcon_tui.tui.widgets.results_list import ResultsList
from qcon_tui.tui.widgets.search_input import SearchInput
from qcon_tui.tui.widgets.talk_tree import TalkTree
from tests.tui_helpers import make_app, notebook, settle, type_search

LONG_TALK = "avoiding-alerts-overload-from-microservices"


def long_talk_app(**kwargs: object):
    """A browser started on the bundled notes' longest talk."""
    from qcon_tui.tui.app import QconApp

    nb = notebook()
    talk = next(talk for talk in nb.talks if talk.id == LONG_TALK)
    return QconApp(nb, talk=talk, theme="textual-dark", **kwargs)


async def test_at_50_columns_the_notes_have_focus_and_the_keys_scroll_them() -> None:
    app = long_talk_app()
    async with app.run_test(size=(50, 20)) as pilot:
        await settle(pilot)
        pane = app.query_one(NotePane)
        assert not app.query_one(TalkTree).display or not app.browser.tree_visible
        assert app.focused is pane
        await pilot.press("j", "j", "j", "down")
        assert pane.scroll_y == 4
        await pilot.press("k")
        assert pane.scroll_y == 3
        await pilot.press("G")
        assert pane.scroll_y == pane.max_scroll_y > 4
        await pilot.press("g")
        assert pane.scroll_y == 0
        # Tab stays among what is on screen: the next `j` is never typed into the search box.
        await pilot.press("tab", "j")
        assert app.focused is pane
        assert app.query_one(SearchInput).value == ""
        assert pane.scroll_y == 1


async def test_a_resize_that_hides_the_tree_moves_focus_to_the_notes_and_back_keeps_it() -> None:
    app = long_talk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        tree, pane = app.query_one(TalkTree), app.query_one(NotePane)
        assert app.focused is tree
        await pilot.resize_terminal(50, 20)
        await settle(pilot)
        assert app.focused is pane
        await pilot.press("j")
        assert pane.scroll_y == 1
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert app.focused is pane  # still reading: the tree coming back does not take it
        await pilot.press("tab")
        assert app.focused is tree


async def test_tab_cycles_the_panes_on_screen_only() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        tree, pane = app.query_one(TalkTree), app.query_one(NotePane)
        await pilot.press("tab")
        assert app.focused is pane
        await pilot.press("tab")
        assert app.focused is tree
        await pilot.press("shift+tab")
        assert app.focused is pane
        # With results showing, they are a pane too; from the search box tab goes to the first pane.
        await type_search(pilot, "micro")
        assert isinstance(app.focused, SearchInput)
        await pilot.press("tab")
        assert app.focused is tree
        await pilot.press("tab")
        assert app.focused is app.query_one(ResultsList)
        await pilot.press("tab")
        assert app.focused is pane


async def test_b_hides_the_tree_and_takes_focus_out_of_it() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert app.focused is app.query_one(NotePane)
        await pilot.press("tab")
        assert app.focused is app.query_one(NotePane)


async def test_scroll_keys_read_in_one_turn_all_count() -> None:
    """Keys of a burst are handled before the screen refreshes: each must scroll from the last."""
    app = long_talk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        pane = app.query_one(NotePane)
        for _ in range(10):
            pane.action_scroll_down()
        assert pane.scroll_target_y == 10
        pane.action_page_down()
        pane.action_page_down()
        page = pane.scrollable_content_region.height
        await pilot.pause()
        assert pane.scroll_y == min(10 + 2 * page, pane.max_scroll_y)


# --------------------------------------------------------------------------- hints and help


def footer_text(app) -> str:
    """The bottom line's words as shown: the result count, then each key on screen, left to right."""
    row = app.screen.query_one("#footer-row")
    shown = [
        (widget.region.x, str(widget.render()).strip())
        for widget in row.query("Static, FooterKey, FooterLabel")
        if widget.display and widget.region.width and widget.region.right <= app.size.width
    ]
    return "  ".join(text for _, text in sorted(shown))


async def test_help_is_always_in_the_footer_and_searching_shows_its_keys_and_count() -> None:
    for size in ((80, 24), (50, 20)):
        app = make_app()
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            assert "? Help" in footer_text(app), size
            await type_search(pilot, "micro")
            footer = footer_text(app)
            count = len(app.query_one(ResultsList).hits)
            assert count > 1
            for hint in ("? Help", "↑", "↓", "enter", "esc", f"{count} talks"):
                assert hint in footer, (size, hint, footer)
            # `?` is not typed into the query: it opens the help.
            await pilot.press("question_mark")
            await pilot.pause()
            assert app.query_one(SearchInput).value == "micro"
            assert type(app.screen).__name__ == "HelpScreen"


async def test_help_scrolls_with_g_and_G_and_every_j_of_a_burst() -> None:
    from textual.containers import VerticalScroll

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        body = app.screen.query_one("#help-body", VerticalScroll)
        assert body.max_scroll_y > 10
        await pilot.press("G")
        assert body.scroll_y == body.max_scroll_y
        await pilot.press("g")
        assert body.scroll_y == 0
        for _ in range(7):
            app.screen.action_scroll(1)
        assert body.scroll_target_y == 7


async def test_help_names_keys_one_way_and_keeps_phrases_whole() -> None:
    from tests.tui_helpers import widget_lines

    app = make_app()
    async with app.run_test(size=(100, 80)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        lines = widget_lines(app.screen.query_one("#help-text"))
        text = "\n".join(lines)
        for odd in ("⏎", "^", "Cursor Up", "Cursor Down"):
            assert odd not in text, odd
        for phrase in ("q ctrl+q  Quit", "j ↓  Down", "space pgdn  Page the notes down", "Marks in the tree"):
            assert phrase in text, phrase
        assert "  Toggle" not in text  # the tree's space pages the notes, as the help says once
        # A row of the search syntax that fits is on one line; one that does not wraps
        # at a word, its next line starting in the explanations' column.
        whole = "every word must match (title, notes, speaker, track); best first"
        assert any(whole in line for line in lines)
        column = next(line for line in lines if "every word must match" in line).index("every")
        wrapped = next(line for line in lines if "facebok → facebook" in line)
        assert len(wrapped) - len(wrapped.lstrip()) == column


def test_the_tree_marks_starred_noted_and_unread_talks_in_that_order() -> None:
    from qcon_tui.tui.widgets.talk_tree import TalkMarks, talk_label

    talks = notebook().talks
    marks = TalkMarks(
        starred=frozenset({talks[0].id}),
        noted=frozenset({talks[0].id, talks[1].id}),
        read=frozenset({talks[0].id, talks[1].id, talks[3].id}),
        gutter=True,
    )
    labels = [talk_label(talk, marks).plain for talk in talks[:4]]
    assert [label[:2] for label in labels] == ["★ ", "✎ ", "• ", "  "]


def recorded_notifications(app) -> list[str]:
    """Every message `app` notifies from now on, in order (the toasts still show)."""
    told: list[str] = []
    real_notify = app.notify

    def notify(message: str, **kwargs: object) -> None:
        told.append(message)
        real_notify(message, **kwargs)

    app.notify = notify
    return told


async def test_read_only_writing_keys_say_why_they_do_nothing() -> None:
    app = make_app(read_only=True)
    told = recorded_notifications(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key, what in (("s", "stars"), ("a", "notes"), ("e", "editing")):
            await pilot.press(key)
            await pilot.pause()
            assert told and told[-1].startswith(f"Read-only: no {what} here"), (key, told)
        assert len(app.screen_stack) == 1  # no note dialog opened


async def test_the_first_run_explains_the_marks_once(isolated_state) -> None:
    from qcon_tui.tui.screens.browser import FIRST_RUN_HINT

    (isolated_state.parent / "xdg-data" / "qcon-tui" / "seen" / "marks-hint").unlink()
    for expected in (1, 0):  # the first run tells, the second does not
        app = make_app()
        told = recorded_notifications(app)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert told.count(FIRST_RUN_HINT) == expected
    for mark in ("•", "★", "✎", "?"):
        assert mark in FIRST_RUN_HINT
