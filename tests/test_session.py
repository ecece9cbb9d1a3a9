"""The browser session: what the browser knows and decides, tested without Textual."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from qcon_tui.library import Library, LibraryEntry, LibraryIndex
from qcon_tui.model import Day, Notebook, Paragraph, Talk
from qcon_tui.search import SearchIndex
from qcon_tui.topics import TalkRef, Topic
from qcon_tui.tui.session import FILTERS, BrowserSession, step_talk


def _talk(talk_id: str, text: str = "") -> Talk:
    return Talk(talk_id, talk_id.replace("-", " ").title(), (Paragraph(text),) if text else ())


def _notebook(title: str, days: dict[str, list[Talk]], source: str | None = None) -> Notebook:
    return Notebook(title, tuple(Day(name, tuple(talks)) for name, talks in days.items()), source=source)


@pytest.fixture
def devconf() -> Notebook:
    return _notebook(
        "DevConf",
        {
            "day 1": [_talk("serverless", "lambda cold starts"), _talk("containers", "kubernetes budgets")],
            "day 2": [_talk("platforms", "a paved road")],
        },
    )


@pytest.fixture
def qcon() -> Notebook:
    return _notebook(
        "QCon",
        {
            "day 1": [_talk("security", "iot botnets"), _talk("iplayer", "kubernetes at the bbc")],
            "day 2": [_talk("serverless", "javascript lambdas")],  # an id DevConf has too
            "empty day": [],
        },
    )


@pytest.fixture
def library(devconf: Notebook, qcon: Notebook) -> Library:
    return Library("conferences", (devconf, qcon))


def test_the_session_module_imports_no_textual() -> None:
    code = "import qcon_tui.tui.session, sys, json; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    modules = json.loads(out.stdout)
    assert "qcon_tui.tui.session" in modules
    assert not [name for name in modules if name.split(".")[0] in ("textual", "rich")]


def test_step_talk_crosses_days_and_notebooks(library: Library, devconf: Notebook, qcon: Notebook) -> None:
    talks = [talk for _notebook, _day, talk in library.talks()]

    def step(item: object, delta: int) -> Talk | None:
        return step_talk(item, delta, talks, talks, library.notebooks)

    assert step(devconf.talks[-1], 1) is qcon.talks[0]
    assert step(qcon.talks[0], -1) is devconf.talks[-1]
    assert step(talks[-1], 1) is talks[-1]  # stops at the ends
    assert step(talks[0], -1) is talks[0]
    assert step(qcon, 1) is qcon.talks[0]  # a notebook: its first talk forward
    assert step(qcon, -1) is devconf.talks[-1]  # and the one before it back
    assert step(qcon.days[1], 1) is qcon.days[1].talks[0]  # a day: its first talk
    assert step(qcon.days[1], -1) is qcon.days[0].talks[-1]  # and the talk before it
    assert step(library, 1) is talks[0]  # the library: the first talk, or the last
    assert step(library, -1) is talks[-1]
    assert step_talk(None, 1, [], [], ()) is None


def test_step_talk_tells_equal_talks_apart(library: Library, devconf: Notebook, qcon: Notebook) -> None:
    """Two notebooks may hold talks that compare equal; stepping goes by identity."""
    twin = _notebook("DevConf", {"day 1": list(devconf.days[0].talks)})
    assert twin.talks[0] is devconf.talks[0]  # the same objects: the order decides
    talks = [*devconf.talks, *qcon.talks]
    assert step_talk(qcon.talks[2], -1, talks, talks, library.notebooks) is qcon.talks[1]


def test_step_talk_from_a_hidden_talk_goes_to_its_listed_neighbours(qcon: Notebook) -> None:
    ordered = list(qcon.talks)
    listed = [ordered[0], ordered[2]]  # a filter hides the middle talk
    assert step_talk(ordered[1], 1, listed, ordered, (qcon,)) is ordered[2]
    assert step_talk(ordered[1], -1, listed, ordered, (qcon,)) is ordered[0]
    assert step_talk(ordered[2], 1, listed, ordered, (qcon,)) is ordered[2]  # the end of the list


def test_the_session_steps_from_its_selection(library: Library, devconf: Notebook, qcon: Notebook) -> None:
    session = BrowserSession(library)
    session.select(devconf.talks[-1])
    talks = [talk for _nb, _day, talk in library.talks()]
    target = session.step_talk(1, talks, talks)
    assert target is qcon.talks[0]
    session.select(target)
    assert session.notebook is qcon  # the selection's notebook is the one shown


def test_a_library_session_is_read_only_and_knows_each_talks_notebook(
    library: Library, devconf: Notebook, qcon: Notebook
) -> None:
    session = BrowserSession(library)
    assert session.read_only and session.in_library
    assert session.notebook is devconf
    assert session.notebook_of(qcon.talks[2]) is qcon  # its id is DevConf's too
    assert session.notebook_of(qcon.days[0]) is qcon
    assert session.first_item() is devconf.talks[0]
    assert session.root is library


def test_a_single_notebook_session(qcon: Notebook) -> None:
    session = BrowserSession(qcon)
    assert not session.read_only and not session.in_library
    assert session.library.notebooks == (qcon,)
    assert session.root is qcon
    assert session.first_item(qcon.talks[1]) is qcon.talks[1]
    assert BrowserSession(Notebook("empty")).first_item().title == "empty"


def test_a_loaded_file_joins_the_library_and_moves_an_empty_overview(
    devconf: Notebook, qcon: Notebook
) -> None:
    session = BrowserSession(Library("conferences"))
    session.select(session.library)
    assert session.notebook.title == "conferences"  # nothing loaded yet: an empty notebook
    select = session.add_entry(LibraryEntry("a.md", 0, 2, devconf))
    assert select is devconf.talks[0]  # before any talk could be shown, the first one is
    session.select(select)
    assert session.add_entry(LibraryEntry("b.md", 1, 2, qcon)) is None  # a talk is showing: it stays
    assert session.library.notebooks == (devconf, qcon)
    assert session.notebook_of(qcon.talks[0]) is qcon


def test_match_stepping_wraps_round_within_the_talk(qcon: Notebook) -> None:
    session = BrowserSession(qcon)
    hits = SearchIndex(qcon).search("kubernetes bbc")
    session.show_hits(hits)
    talk = hits[0].talk
    spans = len(hits[0].spans)
    assert spans >= 2
    session.select(talk)
    assert session.current_match() is None
    assert session.step_match(-1) == spans - 1  # back from nothing: the last match
    session.match_index = session.step_match(1)
    assert session.match_index == 0
    session.match_index = spans - 1
    assert session.step_match(1) == 0  # wraps round
    session.select(qcon.talks[0])  # a talk without matches
    assert session.step_match(1) is None
    assert session.spans_for(qcon.days[0]) == ()


def test_the_hits_of_a_library_are_keyed_by_talk_object(
    library: Library, devconf: Notebook, qcon: Notebook
) -> None:
    session = BrowserSession(library)
    hits = LibraryIndex(library).search("lambda")
    session.show_hits(hits)
    assert {id(hit.talk) for hit in hits} == set(session.hits)
    assert session.spans_for(devconf.talks[0])
    assert session.spans_for(qcon.talks[2])  # the same id in another notebook has its own hit
    session.end_search()
    assert session.hits == {} and session.match_index is None


def test_a_topic_shows_the_talk_on_screen_if_it_holds_it_else_its_first_in_reading_order(
    qcon: Notebook,
) -> None:
    session = BrowserSession(qcon)
    security, iplayer, serverless = qcon.talks
    day1 = qcon.days[0]
    topic = Topic("kubernetes", 1.0, (TalkRef(qcon, day1, iplayer), TalkRef(qcon, day1, security)))
    session.select(serverless)
    assert session.choose_topic(topic) is security  # the first in reading order, not the strongest
    assert session.topic is topic
    session.select(iplayer)
    assert session.choose_topic(topic) is iplayer  # the talk shown stays
    assert session.clear_topic() is topic
    assert session.topic is None and session.clear_topic() is None


def test_a_search_under_a_topic_keeps_the_hits_on_its_talks_by_identity(
    library: Library, devconf: Notebook, qcon: Notebook
) -> None:
    session = BrowserSession(library)
    hits = LibraryIndex(library).search("lambda")
    assert {hit.talk.id for hit in hits} == {"serverless"}  # one id, two notebooks
    topic = Topic("lambda", 1.0, (TalkRef(qcon, qcon.days[1], qcon.talks[2]),))
    session.choose_topic(topic)
    assert [hit.talk for hit in session.within_topic(hits)] == [qcon.talks[2]]
    session.clear_topic()
    assert session.within_topic(hits) == list(hits)


def test_filters_cycle_in_order(qcon: Notebook) -> None:
    session = BrowserSession(qcon)
    seen = []
    for _ in FILTERS:
        seen.append(session.talk_filter)
        session.talk_filter = session.next_filter()
    assert seen == list(FILTERS) == ["all", "starred", "unread"]
    assert session.talk_filter == "all"


def test_topics_are_kept_for_the_notes_browsed(devconf: Notebook, qcon: Notebook, library: Library) -> None:
    session = BrowserSession(qcon)
    assert session.cached_topics() is None
    session.topics = (qcon, [])
    assert session.cached_topics() == []
    session.topics = (devconf, [])
    assert session.cached_topics() is None  # found for another notebook
    in_library = BrowserSession(library)
    assert in_library.topic_source is library  # a library's topics span its notebooks
    in_library.topics = (library, [])
    assert in_library.cached_topics() == []


def test_the_index_is_built_once_and_rebuilt_when_the_library_grows(
    devconf: Notebook, qcon: Notebook
) -> None:
    session = BrowserSession(Library("conferences", (devconf,)))
    first = session.ensure_index()
    assert session.ensure_index() is first
    session.add_entry(LibraryEntry("b.md", 1, 2, qcon))
    grown = session.ensure_index()
    assert grown is not first
    assert grown.indexes[0] is first.indexes[0]  # DevConf's index is reused
    assert [hit.notebook for hit in grown.search("javascript")] == [qcon]


def test_a_reloaded_notebook_replaces_the_old_one_and_drops_its_hits(qcon: Notebook) -> None:
    session = BrowserSession(qcon)
    session.show_hits(SearchIndex(qcon).search("kubernetes"))
    index = session.ensure_index()
    new = _notebook("QCon", {"day 1": [_talk("security")]})
    session.replace_notebook(new)
    assert session.notebook is new and session.hits == {}
    assert session.ensure_index() is not index
