"""The topics view (`t`): listing topics, choosing one to filter the browser, Esc, sizes."""

from __future__ import annotations

import threading

import pytest
from textual.binding import Binding
from textual.command import CommandPalette
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import OptionList

import qcon_tui.topics
from qcon_tui.tui.app import QconApp
from qcon_tui.tui.commands import NotesCommands
from qcon_tui.tui.screens.browser import BrowserScreen
from qcon_tui.tui.screens.topics import TopicsScreen
from qcon_tui.tui.widgets.results_list import ResultsList
from qcon_tui.tui.widgets.search_input import SearchInput
from qcon_tui.tui.widgets.talk_tree import TalkTree
from tests.tui_helpers import HOSTILE, make_app, settle, widget_lines, widget_text

SERVERLESS = {"The Hitchhiker's Guide to Serverless Javascript", "Monitoring Serverless Architectures"}


async def open_topics(pilot: Pilot[object]) -> TopicsScreen:
    """Press `t` and wait for the topics to be found."""
    await pilot.press("t")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TopicsScreen)
    return screen


async def choose(pilot: Pilot[object], term: str) -> None:
    """Move the topics list's cursor to `term` with `j` and press Enter."""
    screen = pilot.app.screen
    assert isinstance(screen, TopicsScreen)
    index = [topic.term for topic in screen.topics].index(term)
    await pilot.press(*["j"] * index)
    assert screen.highlighted_topic().term == term
    await pilot.press("enter")
    await settle(pilot)


def is_dim(label: Content) -> bool:
    """Whether the whole of a tree label is dimmed (by its base style or by a span over all of it)."""
    whole = [span for span in label.spans if span.start == 0 and span.end >= len(label.plain)]
    return any("dim" in str(style) for style in [label.style, *(span.style for span in whole)])


def undimmed_talks(app: QconApp) -> set[str]:
    """Titles of the talks the tree shows undimmed."""
    tree = app.query_one(TalkTree)
    return {
        leaf.data.title
        for day in tree.root.children
        for leaf in day.children
        if not is_dim(tree.row_label(leaf))
    }


def test_t_opens_topics_and_b_toggles_the_tree_in_the_bindings() -> None:
    keys = {b.id: b.key for b in BrowserScreen.BINDINGS if isinstance(b, Binding)}
    assert keys["topics.open"] == "t"
    assert keys["tree.toggle"] == "b"


async def test_t_lists_the_topics_most_talks_first_each_with_its_count() -> None:
    app = make_app()
    async with app.run_test(size=(80, 40)) as pilot:
        screen = await open_topics(pilot)
        terms = [topic.term for topic in screen.topics]
        for term in ("serverless", "microservices", "monitoring"):
            assert term in terms
        counts = [len(topic.talks) for topic in screen.topics]
        assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]
        listed = widget_lines(screen.query_one("#topics-list"))
        for topic, line in zip(screen.topics, listed, strict=False):
            assert line.split() == [str(len(topic.talks)), *topic.term.split()]
        assert screen.query_one("#topics-list").has_focus
        first = screen.topics[0]
        talks = widget_text(screen.query_one("#topics-talks-text"))
        assert f"{first.term}  {len(first.talks)} talks" in talks
        for ref in first.talks:
            assert ref.talk.title in " ".join(talks.split())  # long titles wrap


async def test_j_and_k_move_and_the_talks_follow() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_topics(pilot)
        second = screen.topics[1]
        await pilot.press("j")
        assert screen.highlighted_topic() is second
        talks = widget_text(screen.query_one("#topics-talks-text"))
        assert second.talks[0].talk.title in " ".join(talks.split())
        await pilot.press("k")
        assert screen.highlighted_topic() is screen.topics[0]
        await pilot.press("down", "up")
        assert screen.highlighted_topic() is screen.topics[0]


async def test_enter_on_serverless_filters_to_its_two_talks_and_esc_restores() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_topics(pilot)
        await choose(pilot, "serverless")
        assert not isinstance(app.screen, TopicsScreen)
        assert app.query_one(SearchInput).value == "serverless"
        results = app.query_one(ResultsList)
        assert results.display
        assert {hit.talk.title for hit in results.hits} == SERVERLESS
        assert undimmed_talks(app) == SERVERLESS
        assert str(results.border_subtitle) == "topic: serverless"
        assert app.focused is app.query_one(TalkTree)
        assert app.browser.selected.title in SERVERLESS
        assert app.query_one(TalkTree).cursor_node.data is app.browser.selected

        await pilot.press("escape")
        await settle(pilot)
        assert app.query_one(SearchInput).value == ""
        assert not results.display
        assert undimmed_talks(app) == {talk.title for talk in app.browser.notebook.talks}


async def test_a_topic_shows_exactly_its_talks_not_every_match_of_its_query() -> None:
    # "monitor" alone also finds a talk whose notes misspell "monitornig"; the topic has three.
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_topics(pilot)
        monitoring = next(topic for topic in screen.topics if topic.term == "monitoring")
        await choose(pilot, "monitoring")
        expected = {ref.talk.title for ref in monitoring.talks}
        # In the topic's order, as the topics view listed them; its first talk is on screen.
        assert [hit.talk for hit in app.query_one(ResultsList).hits] == [ref.talk for ref in monitoring.talks]
        assert app.browser.selected is monitoring.talks[0].talk
        assert undimmed_talks(app) == expected
        # Typing past the topic's query makes it an ordinary search again.
        await pilot.press("slash", "end", "space")
        await settle(pilot)
        assert app.query_one(SearchInput).value == "monitor "
        assert app.query_one(ResultsList).display
        assert not app.query_one(ResultsList).border_subtitle


async def test_esc_closes_the_view_without_filtering() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_topics(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, TopicsScreen)
        assert app.query_one(SearchInput).value == ""
        assert not app.query_one(ResultsList).display


async def test_topics_are_found_once_per_notebook(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    real = qcon_tui.topics.topics

    def counting(source, limit=30, min_talks=2):
        calls.append(source)
        return real(source, limit=limit, min_talks=min_talks)

    monkeypatch.setattr(qcon_tui.topics, "topics", counting)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        first = await open_topics(pilot)
        terms = [topic.term for topic in first.topics]
        await pilot.press("escape")
        again = await open_topics(pilot)
        assert [topic.term for topic in again.topics] == terms
        assert calls == [app.browser.notebook]


async def test_a_loading_indicator_shows_while_topics_are_found(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    real = qcon_tui.topics.topics

    def slow(source, limit=30, min_talks=2):
        release.wait(5)
        return real(source, limit=limit, min_talks=min_talks)

    monkeypatch.setattr(qcon_tui.topics, "topics", slow)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        await pilot.pause()
        options = app.screen.query_one("#topics-list", OptionList)
        assert options.loading
        release.set()
        await settle(pilot)
        assert not options.loading
        assert options.option_count > 0


async def test_a_failure_is_told_and_closes_the_view(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(source, limit=30, min_talks=2):
        raise RuntimeError("no words today")

    monkeypatch.setattr(qcon_tui.topics, "topics", broken)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        await settle(pilot)
        assert not isinstance(app.screen, TopicsScreen)
        assert any("no words today" in str(note.message) for note in app._notifications)


async def test_b_toggles_the_tree() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        sidebar = app.query_one("#sidebar")
        await pilot.press("b")
        await pilot.pause()
        assert not sidebar.display
        await pilot.press("b")
        await pilot.pause()
        assert sidebar.display


async def test_palette_offers_topics() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        provider = NotesCommands(app.screen)
        assert "Topics" in [hit.text async for hit in provider.discover()]
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"topics")
        await settle(pilot)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert not CommandPalette.is_open(app)
        assert isinstance(app.screen, TopicsScreen)


async def test_t_over_help_is_not_a_second_screen() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark", "t")
        await settle(pilot)
        assert not isinstance(app.screen, TopicsScreen)


@pytest.mark.parametrize("size", [(20, 6), (50, 20), (1, 1)])
async def test_small_sizes_do_not_crash(size: tuple[int, int]) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await open_topics(pilot)
        await pilot.press("j", "k", "j", "enter")
        await settle(pilot)
        assert app.query_one(SearchInput).value
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running
        assert app.query_one(SearchInput).value == ""


async def test_hostile_notes_show_in_the_topics_view_as_plain_text() -> None:
    app = make_app(HOSTILE)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_topics(pilot)
        await pilot.press(*["j"] * len(screen.topics))
        await settle(pilot)
        assert app.is_running
