"""Search as you type: the worker, the results list, opening a hit, n/N and Esc."""

from __future__ import annotations

from qcon_tui.render import CURRENT_META
from qcon_tui.search_hits import snippet_window
from qcon_tui.tui.messages import SearchDone
from qcon_tui.tui.widgets.note_pane import NotePane
from qcon_tui.tui.widgets.results_list import ResultsList
from qcon_tui.tui.widgets.search_input import SearchInput
from qcon_tui.tui.widgets.talk_tree import TalkTree
from tests.tui_helpers import make_app, pane_text, settle, type_search, widget_text

FACEBOOK = "Scaling Facebook Live Videos to a Billion Users"


async def test_slash_and_ctrl_f_focus_the_search_box() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash")
        assert app.focused is app.query_one(SearchInput)
        await pilot.press("escape")
        assert app.focused is app.query_one(TalkTree)
        await pilot.press("ctrl+f")
        assert app.focused is app.query_one(SearchInput)


async def test_results_are_hidden_until_something_is_typed() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash")
        await settle(pilot)
        assert not app.query_one(ResultsList).display


async def test_typo_finds_the_facebook_talk_first() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await type_search(pilot, "facebok")
        results = app.query_one(ResultsList)
        assert results.display
        assert results.hits, "no results for a one-letter typo"
        assert results.hits[0].talk.title == FACEBOOK
        text = widget_text(results)
        assert "day 2 › Scaling Facebook Live" in text


async def test_results_rows_show_day_talk_and_a_highlighted_snippet() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await type_search(pilot, "redis")
        results = app.query_one(ResultsList)
        prompt = results.get_option_at_index(0).prompt
        plain = str(prompt)
        assert " › " in plain
        assert "redis" in plain.lower().split("\n", 1)[1]
        # Every row fits the list's width: one line of title, one of snippet.
        assert all(len(line) <= results.size.width for line in widget_text(results).splitlines())


async def test_tree_dims_talks_without_hits_and_counts_hits_per_day() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await type_search(pilot, "facebok live")
        tree = app.query_one(TalkTree)
        day1, day2, _day3 = tree.root.children
        assert tree.row_label(day1).plain == "day 1 (0 of 7)"
        assert tree.row_label(day2).plain == "day 2 (1 of 7)"
        labels = {leaf.data.title: tree.row_label(leaf) for leaf in day2.children}
        assert "dim" in str(labels["Engineering You"].style)
        assert "dim" not in str(labels[FACEBOOK].style)


async def test_enter_opens_the_hit_with_matches_highlighted_and_scrolled_to() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await type_search(pilot, "facebok live")
        await pilot.press("enter")
        await settle(pilot)
        assert app.browser.selected.title == FACEBOOK
        assert app.browser.match_index == 0
        pane = app.query_one(NotePane)
        assert app.focused is pane
        assert pane.view is not None and pane.view.spans and pane.view.current == 0
        assert FACEBOOK.split()[0] in pane_text(app)
        assert app.query_one(TalkTree).cursor_node.data.title == FACEBOOK
        assert app.sub_title == "day 2 · talk 3 of 7"


async def test_enter_scrolls_a_deep_match_into_view() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        # The chaos snail is near the end of a long talk.
        await type_search(pilot, "chaos snail")
        hit = app.query_one(ResultsList).highlighted_hit()
        assert hit is not None
        await pilot.press("enter")
        await settle(pilot)
        pane = app.query_one(NotePane)
        body = app.query_one("#note-body")
        lines = [strip for strip in body.render_lines(body.region.reset_offset)]
        current = [
            y
            for y, strip in enumerate(lines)
            if any(seg.style is not None and seg.style.meta.get(CURRENT_META) for seg in strip)
        ]
        assert current, "the current match is not marked in the pane"
        assert current[0] >= pane.size.height, "pick a query whose match is below the first screen"
        assert pane.scroll_y > 0
        assert pane.scroll_y <= current[0] < pane.scroll_y + pane.size.height


async def test_up_and_down_move_through_results_from_the_search_box() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await type_search(pilot, "serverless")
        results = app.query_one(ResultsList)
        assert len(results.hits) >= 2
        assert results.highlighted == 0
        await pilot.press("down")
        assert results.highlighted == 1
        assert app.focused is app.query_one(SearchInput)
        await pilot.press("up", "up")
        assert results.highlighted == 0
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.browser.selected is results.hits[1].talk


async def test_results_list_can_be_focused_and_selected_from() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await type_search(pilot, "serverless")
        results = app.query_one(ResultsList)
        results.focus()
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.browser.selected is results.hits[1].talk


async def test_n_and_shift_n_step_through_matches() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await type_search(pilot, "facebok")
        await pilot.press("enter")
        await settle(pilot)
        spans = app.query_one(NotePane).view.spans
        assert len(spans) >= 3
        await pilot.press("n")
        assert app.browser.match_index == 1
        assert app.query_one(NotePane).view.current == 1
        await pilot.press("n")
        assert app.browser.match_index == 2
        await pilot.press("N", "N", "N")
        assert app.browser.match_index == len(spans) - 1  # wraps round


async def test_n_does_nothing_without_matches() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "N")
        assert app.browser.match_index is None
        assert app.browser.check_action("step_match", (1,)) is False


async def test_escape_clears_the_search_and_keeps_the_selection() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await type_search(pilot, "facebok live")
        await pilot.press("enter")
        await settle(pilot)
        opened = app.browser.selected
        await pilot.press("escape")
        await settle(pilot)
        assert app.browser.selected is opened
        assert app.query_one(SearchInput).value == ""
        assert not app.query_one(ResultsList).display
        tree = app.query_one(TalkTree)
        assert app.focused is tree
        assert tree.cursor_node.data is opened
        assert tree.row_label(tree.root.children[0]).plain == "day 1 (7)"
        assert not app.query_one(NotePane).view.spans


async def test_escape_from_the_search_box_keeps_the_selection() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right_square_bracket")
        chosen = app.browser.selected
        await type_search(pilot, "java")
        await pilot.press("escape")
        await settle(pilot)
        assert app.browser.selected is chosen
        assert app.focused is app.query_one(TalkTree)


async def test_keys_bound_elsewhere_type_into_the_search_box() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        start = app.browser.selected
        await type_search(pilot, "jknq[] tgGhl/N")
        assert app.query_one(SearchInput).value == "jknq[] tgGhl/N"
        assert app.is_running
        assert app.browser.selected is start
        assert app.query_one("#sidebar").display
        assert len(app.screen_stack) == 1  # (only `?` is not typed: it opens the help)


async def test_clearing_the_box_ends_the_search() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await type_search(pilot, "aws")
        assert app.query_one(ResultsList).display
        await pilot.press("backspace", "backspace", "backspace")
        await settle(pilot)
        assert not app.query_one(ResultsList).display
        tree = app.query_one(TalkTree)
        assert tree.row_label(tree.root.children[0]).plain == "day 1 (7)"


async def test_no_matches_shows_a_message_row() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await type_search(pilot, "zzzqqqxxx")
        results = app.query_one(ResultsList)
        assert results.hits == []
        assert "no talks match zzzqqqxxx" in widget_text(results)
        await pilot.press("enter")  # nothing to open: nothing happens
        assert app.browser.selected is app.browser.notebook.talks[0]


async def test_stale_results_are_dropped() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await type_search(pilot, "redis")
        fresh = list(app.query_one(ResultsList).hits)
        # Results for an older query arriving late must not replace the current ones.
        app.browser.post_message(SearchDone("java", []))
        await settle(pilot)
        assert app.query_one(ResultsList).hits == fresh


async def test_the_newest_query_wins_when_typing_fast() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash")
        for char in "cgroupv2":
            await pilot.press(char)  # no waiting between keys
        await settle(pilot)
        hits = app.query_one(ResultsList).hits
        assert hits and hits[0].talk.title.startswith("cgroupv2")
        assert app.query_one(SearchInput).value == "cgroupv2"


async def test_search_runs_in_a_worker_group() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", "a")
        groups = {worker.group for worker in app.workers}
        await settle(pilot)
        assert "search" in groups or app.query_one(ResultsList).hits


async def test_option_selected_opens_the_talk() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await type_search(pilot, "spotify")
        results = app.query_one(ResultsList)
        results.focus()
        results.highlighted = 0
        results.action_select()
        await settle(pilot)
        assert "Spotify" in app.browser.selected.title


async def test_browsing_while_searching_keeps_highlights() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await type_search(pilot, "redis")
        hit_ids = {hit.talk.id for hit in app.query_one(ResultsList).hits}
        app.query_one(TalkTree).focus()
        for _ in range(len(app.browser.notebook.talks)):
            await pilot.press("right_square_bracket")
            view = app.query_one(NotePane).view
            assert bool(view.spans) == (app.browser.selected.id in hit_ids)


def test_snippet_window_keeps_the_match_in_view() -> None:
    snippet = "a" * 100 + " facebook " + "b" * 100
    start = snippet.index("facebook")
    excerpt, spans = snippet_window(snippet, [(start, start + 8)], 40)
    assert len(excerpt) <= 40
    assert excerpt.startswith("…") and excerpt.endswith("…")
    (s, e) = spans[0]
    assert excerpt[s:e] == "facebook"


def test_snippet_window_flattens_line_breaks() -> None:
    excerpt, spans = snippet_window("one\n\ntwo  three", [(5, 8)], 40)
    assert excerpt == "one two three"
    assert excerpt[spans[0][0] : spans[0][1]] == "two"


async def test_rows_are_built_for_what_fits_and_the_rest_is_counted() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await type_search(pilot, "the")
        results = app.query_one(ResultsList)
        total = len(results.hits)
        assert results.built < total, "pick a query with more hits than fit"
        assert results.option_count == results.built + 1
        last = results.get_option_at_index(results.option_count - 1)
        assert last.disabled and f"{total - results.built} more" in str(last.prompt)
        # Down from the search box to the last hit builds the rest, and the count goes.
        await pilot.press(*["down"] * (total - 1))
        await settle(pilot)
        assert results.highlighted_hit() is results.hits[-1]
        assert results.built == total and results.option_count == total


async def test_keys_are_refreshed_only_when_n_comes_or_goes(monkeypatch) -> None:
    from textual.screen import Screen

    refreshed: list[bool] = []
    real = Screen.refresh_bindings

    def counting(self: Screen) -> None:
        refreshed.append(True)
        real(self)

    monkeypatch.setattr(Screen, "refresh_bindings", counting)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await type_search(pilot, "facebo")  # the open talk (the first) has no match
        assert app.browser.check_action("step_match", (1,)) is False
        before = len(refreshed)
        await pilot.press("k")
        await settle(pilot)
        assert app.query_one(ResultsList).hits[0].talk.title == FACEBOOK
        assert len(refreshed) == before, "a search that changes no key rebuilt the footer"
        await pilot.press("enter")  # open the hit: now n N step through its matches
        await settle(pilot)
        assert app.browser.check_action("step_match", (1,)) is True
        assert len(refreshed) > before
