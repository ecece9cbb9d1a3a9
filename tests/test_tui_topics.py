"""The topics view (`t`): listing topics, choosing one to filter the tree, Esc, sizes, a library."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.command import CommandPalette
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import OptionList

import qcon_tui.topics
from qcon_tui.search import SearchIndex
from qcon_tui.tui.app import QconApp
from qcon_tui.tui.commands import NotesCommands
from qcon_tui.tui.screens.browser import BrowserScreen
from qcon_tui.tui.screens.topics import TopicsScreen
from qcon_tui.tui.widgets.results_list import ResultsList
from qcon_tui.tui.widgets.search_input import SearchInput
from qcon_tui.tui.widgets.talk_tree import TalkTree
from tests.tui_helpers import (
    HOSTILE,
    TESTS,
    library_app,
    make_app,
    settle,
    type_search,
    widget_lines,
    widget_text,
    write_library,
)

QCON = "QCon London 2017 takeaway points"
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


def tree_rows(app: QconApp) -> list[str]:
    """The tree's rows as drawn: each day with its count, then its talks' titles."""
    tree = app.query_one(TalkTree)
    rows = []
    for day in tree.root.children:
        rows.append(tree.row_label(day).plain)
        rows += [leaf.data.title for leaf in day.children]
    return rows


def held_by_day(app: QconApp, word: str) -> list[tuple[str, int, list[str]]]:
    """Counted from the notes, not from the topic: for each day, its title, how many talks
    it has, and the titles of those whose title or notes have `word` as a word."""
    pattern = re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE)
    out = []
    for day in app.browser.notebook.days:
        holding = [talk.title for talk in day.talks if pattern.search("\n".join([talk.title, *talk.texts()]))]
        out.append((day.title, len(day.talks), holding))
    return out


async def test_a_topic_filters_the_tree_to_its_talks_and_esc_brings_back_every_talk() -> None:
    app = make_app()
    async with app.run_test(size=(80, 40)) as pilot:
        tree = app.query_one(TalkTree)
        shown = app.browser.selected
        await open_topics(pilot)
        await choose(pilot, "serverless")
        assert not isinstance(app.screen, TopicsScreen)
        # Only its talks, under days that say how many of theirs are listed.
        expected = []
        for day, total, holding in held_by_day(app, "serverless"):
            if holding:
                expected += [f"{day} ({len(holding)} of {total})", *holding]
        assert tree_rows(app) == expected
        assert set(expected) >= SERVERLESS
        # It is a filter, not a search: the box stays empty, no results; the tree and the
        # foot name the topic.
        assert app.query_one(SearchInput).value == ""
        assert not app.query_one(ResultsList).display
        assert "topic: serverless" in str(tree.border_title)
        assert widget_text(app.screen.query_one("#search-count")) == "topic: serverless"
        assert app.focused is tree
        assert app.browser.selected.title in SERVERLESS
        assert tree.cursor_node.data is app.browser.selected

        await pilot.press("escape")
        await settle(pilot)
        assert app.browser.topic is None
        assert len([row for row in tree_rows(app) if "(" not in row]) == len(app.browser.notebook.talks)
        assert all("of" not in row for row in tree_rows(app) if "(" in row)
        assert not tree.border_title
        assert not app.screen.query_one("#search-count").display
        # The talk the topic showed is still on screen, the cursor on it.
        assert app.browser.selected.title in SERVERLESS
        assert tree.cursor_node.data is app.browser.selected
        assert shown is not app.browser.selected


async def test_brackets_step_through_the_topics_talks_only() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_topics(pilot)
        monitoring = next(topic for topic in screen.topics if topic.term == "monitoring")
        await choose(pilot, "monitoring")
        held = {id(ref.talk) for ref in monitoring.talks}
        in_order = [talk for talk in app.browser.notebook.talks if id(talk) in held]
        assert app.browser.selected is in_order[0]  # the first in reading order
        seen = [app.browser.selected]
        for _ in range(len(in_order) + 1):
            await pilot.press("right_square_bracket")
            await settle(pilot)
            seen.append(app.browser.selected)
        assert seen == [*in_order, in_order[-1], in_order[-1]]  # stops at the last
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.browser.selected is in_order[-2]


async def test_a_talk_the_topic_holds_stays_on_screen_when_it_is_chosen() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_topics(pilot)
        monitoring = next(topic for topic in screen.topics if topic.term == "monitoring")
        await pilot.press("escape")
        last = monitoring.talks[-1].talk
        app.browser.selected = last
        await settle(pilot)
        await open_topics(pilot)
        await choose(pilot, "monitoring")
        assert app.browser.selected is last


async def test_all_talks_in_the_topics_view_ends_the_filter() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_topics(pilot)
        await choose(pilot, "serverless")
        screen = await open_topics(pilot)
        # The list starts on the active topic, with "all talks" above it.
        assert screen.highlighted_topic().term == "serverless"
        assert "all talks" in widget_lines(screen.query_one("#topics-list"))[0]
        await pilot.press("home", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, TopicsScreen)
        assert app.browser.topic is None
        assert len(app.query_one(TalkTree).listed_talks()) == len(app.browser.notebook.talks)


async def test_a_search_under_a_topic_looks_inside_it_and_esc_ends_the_search_first() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_topics(pilot)
        await choose(pilot, "serverless")
        everywhere = SearchIndex(app.browser.notebook).search("monitor", limit=50)
        assert {hit.talk.title for hit in everywhere} > SERVERLESS  # other talks match too
        await type_search(pilot, "monitor")
        results = app.query_one(ResultsList)
        assert results.display
        inside = [hit.talk for hit in everywhere if hit.talk.title in SERVERLESS]
        assert [hit.talk for hit in results.hits] == inside
        assert str(results.border_subtitle) == "in topic: serverless"
        await pilot.press("escape")
        await settle(pilot)
        assert not results.display and app.browser.topic is not None
        await pilot.press("escape")
        await settle(pilot)
        assert app.browser.topic is None


async def test_esc_closes_the_view_without_filtering() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_topics(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, TopicsScreen)
        assert app.query_one(SearchInput).value == ""
        assert not app.query_one(ResultsList).display
        assert app.browser.topic is None
        assert len(app.query_one(TalkTree).listed_talks()) == len(app.browser.notebook.talks)


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
        assert app.browser.topic is not None
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running
        assert app.browser.topic is None


async def test_hostile_notes_show_in_the_topics_view_as_plain_text() -> None:
    app = make_app(HOSTILE)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_topics(pilot)
        await pilot.press(*["j"] * len(screen.topics))
        await settle(pilot)
        assert app.is_running


async def test_in_a_library_a_topics_talks_are_grouped_under_their_conference(tmp_path: Path) -> None:
    directory = write_library(tmp_path / "conferences")
    # A second file with the same title: the two are told apart by their file names.
    copy = (directory / "a-qcon-london-2017.yaml").read_text(encoding="utf-8")
    (directory / "a2-qcon-again.yaml").write_text(copy, encoding="utf-8")
    app = library_app(directory)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_topics(pilot)
        serverless = next(topic for topic in screen.topics if topic.term == "serverless")
        assert {ref.notebook.title for ref in serverless.talks} == {QCON, "DevConf 2024"}
        index = screen.topics.index(serverless)
        await pilot.press(*["j"] * index)
        await settle(pilot)
        text = " ".join(widget_text(screen.query_one("#topics-talks-text")).split())  # unwrapped
        first = text.index(f"{QCON} · a-qcon-london-2017.yaml 2 • ")
        second = text.index(f"{QCON} · a2-qcon-again.yaml 2 • ")
        devconf = text.index("DevConf 2024 1 • Serverless at scale")
        assert first < second < devconf  # in the library's order
        assert "Monitoring Serverless Architectures day 3" in text[first:second]

        await pilot.press("enter")
        await settle(pilot)
        tree = app.query_one(TalkTree)
        held = {id(ref.talk) for ref in serverless.talks}
        # Every notebook's talks of the topic, and no other (talk ids repeat across the copies).
        assert [id(talk) for talk in tree.listed_talks()] == [
            id(talk) for talk in tree.ordered_talks() if id(talk) in held
        ]
        assert len(tree.listed_talks()) == len(serverless.talks) == 5
        # Each conference says how many of its talks are listed, and is unfolded to show them.
        rows = [(tree.row_label(node).plain, node.is_expanded) for node in tree.root.children]
        assert rows == [
            (f"{QCON} (2 of 20) · a-qcon-london-2017.yaml", True),
            (f"{QCON} (2 of 20) · a2-qcon-again.yaml", True),
            ("DevConf 2024 (1 of 3)", True),
        ]

        # A topic one conference alone holds: the others have no row while it filters.
        await open_topics(pilot)
        await pilot.press("home", "enter")  # all talks
        await settle(pilot)
        assert len(tree.root.children) == 3 and "of" not in tree.row_label(tree.root.children[2]).plain
        screen = await open_topics(pilot)
        only_qcon = next(t for t in screen.topics if all(ref.notebook.title == QCON for ref in t.talks))
        await choose(pilot, only_qcon.term)
        assert [node.data.title for node in tree.root.children] == [QCON, QCON]


async def test_a_reload_ends_the_topic_filter(tmp_path: Path) -> None:
    """The topic's talks are the old notes' objects: after a reload every talk is listed."""
    from tests.test_tui_edit import app_on, wait_until, write_notes

    notes = tmp_path / "qcon.txt"
    text = (TESTS.parent / "data" / "qcon-london-2017.txt").read_text("utf-8")
    write_notes(notes, text)
    app = app_on(notes)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_topics(pilot)
        await choose(pilot, "serverless")
        tree = app.query_one(TalkTree)
        assert len(tree.listed_talks()) == 2
        old = app.browser.notebook
        write_notes(notes, text + "\nserverless again, on disk\n")
        await wait_until(pilot, lambda: app.browser.notebook is not old)
        await settle(pilot)
        assert app.browser.topic is None and app.browser.session.topic is None
        assert len(tree.listed_talks()) == len(app.browser.notebook.talks)
        assert not app.screen.query_one("#search-count").display
