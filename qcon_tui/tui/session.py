"""What the browser knows, with no Textual in it: notes, selection, search hits, filters.

The browser screen is a thin layer over a `BrowserSession`: it turns keys and widget
messages into calls here and shows what the session says. Everything that decides
(which talk `]` goes to, which match `n` lights, which talks a topic keeps, which
notebook a talk belongs to) lives here, so plain tests cover it in milliseconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Literal, Protocol

from ..library import Library, LibraryEntry, LibraryIndex
from ..model import Day, Notebook, Talk

if TYPE_CHECKING:
    from ..cache import Opened
    from ..search import Span
    from ..topics import Topic

__all__ = [
    "FILTERS",
    "NO_TOPIC",
    "BrowserSession",
    "Item",
    "NoTopic",
    "TalkFilter",
    "TalkHit",
    "step_talk",
]

#: What the browser can show: a library's overview, a notebook, a day or a talk.
Item = Notebook | Day | Talk | Library

#: Which talks the tree lists (`f` cycles through them in this order).
TalkFilter = Literal["all", "starred", "unread"]
FILTERS: tuple[TalkFilter, ...] = ("all", "starred", "unread")

#: What the topics view hands back when "all talks" is chosen: no topic filters the tree.
NoTopic = Literal["all talks"]
NO_TOPIC: NoTopic = "all talks"


class TalkHit(Protocol):
    """A search hit as the browser reads it: `search.Hit` and `library.LibraryHit` both are one."""

    @property
    def talk(self) -> Talk: ...
    @property
    def day(self) -> Day: ...
    @property
    def score(self) -> float: ...
    @property
    def spans(self) -> tuple[Span, ...]: ...
    @property
    def snippet(self) -> str: ...
    @property
    def snippet_spans(self) -> tuple[tuple[int, int], ...]: ...


def step_talk(
    item: object,
    delta: int,
    listed: Sequence[Talk],
    ordered: Sequence[Talk],
    notebooks: Sequence[Notebook],
) -> Talk | None:
    """The talk `delta` (+1 or -1) away from `item` among the `listed` talks, across days and notebooks.

    `listed` are the talks shown (a filter may hide some), `ordered` every talk in the
    same order, so a hidden talk, a day or a notebook still has neighbours: a day (or
    notebook) sits just before its first talk. From a listed talk, its neighbour
    (stopping at the ends); from elsewhere, the next listed talk after it (or the one
    before), wrapping to the far end when there is none. None when nothing is listed.
    Talks are told apart by identity, not by equality.
    """
    if not listed:
        return None
    if isinstance(item, Talk):
        for number, talk in enumerate(listed):
            if talk is item:
                return listed[max(0, min(len(listed) - 1, number + delta))]
    place: dict[int, float] = {id(talk): number for number, talk in enumerate(ordered)}
    for notebook in notebooks:
        if notebook.talks:
            place[id(notebook)] = min(place.get(id(talk), 0) for talk in notebook.talks) - 0.75
        for day in notebook.days:
            if day.talks:
                place[id(day)] = min(place.get(id(talk), 0) for talk in day.talks) - 0.5
    here = place.get(id(item)) if item is not None else None
    if here is None:
        return listed[0] if delta > 0 else listed[-1]
    if delta > 0:
        later = [talk for talk in listed if place.get(id(talk), -1) > here]
        return later[0] if later else listed[0]
    earlier = [talk for talk in listed if place.get(id(talk), len(ordered)) < here]
    return earlier[-1] if earlier else listed[-1]


class BrowserSession:
    """The browser's state and decisions: which notes, what is selected, what a search found.

    `selected` and `match_index` mirror what the screen shows; `select` and the
    stepping methods keep them consistent. Hits are keyed by the talk object (`id()`),
    since talk ids repeat across a library's notebooks.
    """

    def __init__(
        self,
        source: Notebook | Library,
        *,
        read_only: bool = False,
        opened: Opened | Sequence[Opened] | None = None,
    ) -> None:
        #: The library when a directory was opened (None for one notes file).
        self.directory: Library | None = source if isinstance(source, Library) else None
        #: The notebook shown: in a library, the one the selection belongs to.
        self.notebook: Notebook = self._first_notebook(source)
        #: Read-only (as served to others): no stars, notes, read marks, editing or suspending.
        #: A library is read-only for now: your state is kept per notes file, and one store
        #: must not take the stars and notes of another file's talks.
        self.read_only = read_only or self.directory is not None
        self.selected: Item | None = None
        #: The search match (index into the shown talk's spans) stepped to, if any.
        self.match_index: int | None = None
        #: The query typed in the search box ("" when none).
        self.query = ""
        #: id() of a talk → its hit, for the search showing.
        self.hits: dict[int, TalkHit] = {}
        #: The topic the tree is filtered by (chosen in the topics view), if any.
        self.topic: Topic | None = None
        #: The topics found for the notes browsed (computed once, in the topics view).
        self.topics: tuple[Notebook | Library, list[Topic]] | None = None
        self.talk_filter: TalkFilter = "all"
        self._homes: dict[int, Notebook] = {}  # id() of a library's day or talk → its notebook
        for member in self.directory.notebooks if self.directory is not None else ():
            self.remember(member)
        self._index: LibraryIndex | None = None
        self._index_lock = threading.Lock()
        #: Held while a search runs: searches take turns (they all want the GIL anyway).
        self._search_lock = threading.Lock()
        #: How the notes files were opened through the cache: each one's index if the
        #: cache had it, else where to store it once built (none: no cache, or reloaded).
        self._opened: list[Opened] = (
            [] if opened is None else list(opened) if isinstance(opened, Sequence) else [opened]
        )
        #: When the user last pressed a key (`time.monotonic()`), set by the app.
        self.last_input = 0.0

    #: Writing the cache waits while a key came in the last `TYPING_PAUSE` seconds, for
    #: at most `TYPING_WAIT` seconds in all (then it goes on: the cache is not lost).
    TYPING_PAUSE = 0.6
    TYPING_WAIT = 20.0

    def make_pace(self) -> Callable[[], None]:
        """A pace for work in a thread that can wait (writing the cache): it sleeps
        while the user types, so a keystroke never shares the CPU with it."""
        budget = self.TYPING_WAIT

        def pace() -> None:
            nonlocal budget
            while budget > 0 and (idle := time.monotonic() - self.last_input) < self.TYPING_PAUSE:
                nap = min(self.TYPING_PAUSE - idle, budget)
                budget -= nap
                time.sleep(nap)

        return pace

    @staticmethod
    def _first_notebook(source: Notebook | Library) -> Notebook:
        if isinstance(source, Notebook):
            return source
        return source.notebooks[0] if source.notebooks else Notebook(source.title)

    # ------------------------------------------------------------------ the notes

    @property
    def in_library(self) -> bool:
        """Whether a directory was opened (the tree, results and pane name the conference)."""
        return self.directory is not None

    @property
    def library(self) -> Library:
        """Every notebook being browsed: the directory's library, or a library of the one notebook."""
        return self.directory if self.directory is not None else Library.of(self.notebook)

    @property
    def root(self) -> Notebook | Library:
        """What the tree's root shows: the directory's library, or the notebook."""
        return self.directory if self.directory is not None else self.notebook

    def remember(self, notebook: Notebook) -> None:
        """Note which notebook each of `notebook`'s days and talks belongs to."""
        for day in notebook.days:
            self._homes[id(day)] = notebook
            for talk in day.talks:
                self._homes[id(talk)] = notebook

    def notebook_of(self, item: Item) -> Notebook:
        """The notebook `item` (a notebook, or one of its days or talks) belongs to."""
        if isinstance(item, Notebook):
            return item
        return self._homes.get(id(item), self.notebook)

    def first_item(self, start: Talk | None = None) -> Item:
        """What to show first: `start`, else the first talk, else the library or notebook."""
        talks = self.notebook.talks
        return start or (talks[0] if talks else self.root)

    def add_entry(self, entry: LibraryEntry) -> Item | None:
        """A library file was read: add it; return what to select now, if that changes.

        While the overview is shown it grows; before any talk could be shown, the
        new notebook's first talk is.
        """
        library = self.directory
        if library is None:
            return None
        self.directory = library.adding(entry)
        if entry.notebook is None:
            return None
        self.remember(entry.notebook)
        if entry.opened is not None:
            self._opened.append(entry.opened)
        if isinstance(self.selected, Library):
            first = not library.notebooks and bool(entry.notebook.talks)
            return entry.notebook.talks[0] if first else self.directory
        return None

    def replace_notebook(self, new: Notebook) -> None:
        """A reloaded notebook takes the old one's place; hits and the index go."""
        self.notebook = new
        with self._index_lock:
            self._index = None
            self._opened = []  # the cache's index was of the notes as they were
        self.hits = {}

    # ------------------------------------------------------------------ selection

    def select(self, item: Item) -> None:
        """Show `item`: its notebook becomes the current one and no match is stepped to."""
        self.selected = item
        self.notebook = self.notebook_of(item)
        self.match_index = None

    def spans_for(self, item: Item | None) -> tuple[Span, ...]:
        """The matches of the search showing in `item` (none unless it is a talk with a hit)."""
        if isinstance(item, Talk):
            hit = self.hits.get(id(item))
            if hit is not None:
                return tuple(hit.spans)
        return ()

    def current_match(self) -> int | None:
        """The match stepped to in the selection, if it has matches."""
        return self.match_index if self.spans_for(self.selected) else None

    def step_match(self, delta: int) -> int | None:
        """`n` / `N`: the next or previous match in the talk shown, wrapping round (None: no matches)."""
        spans = self.spans_for(self.selected)
        if not spans:
            return None
        if self.match_index is None:
            return 0 if delta > 0 else len(spans) - 1
        return (self.match_index + delta) % len(spans)

    def step_talk(self, delta: int, listed: Sequence[Talk], ordered: Sequence[Talk]) -> Talk | None:
        """`]` / `[`: the talk `delta` away from the selection among those `listed` (see `step_talk`)."""
        return step_talk(self.selected, delta, listed, ordered, self.library.notebooks)

    def next_filter(self) -> TalkFilter:
        """`f`: the filter after the current one."""
        return FILTERS[(FILTERS.index(self.talk_filter) + 1) % len(FILTERS)]

    # ------------------------------------------------------------------ search

    def ensure_index(self) -> LibraryIndex:
        """The search index of every notebook, built on first need (thread-safe).

        Built again when a library gains a notebook, reusing each notebook's index. The
        cache's index is used when it had one; otherwise the index built is stored there
        (after the lock is let go, so searches do not wait for the write).
        """
        opened = self._opened
        with self._index_lock:
            library, index = self.library, self._index
            if index is not None and [*map(id, index.library.notebooks)] == [*map(id, library.notebooks)]:
                return index
            files = list(opened)
            prebuilt = [file.index for file in files if file.index is not None]
            self._index = index = LibraryIndex(library, reuse=index, prebuilt=prebuilt)
        if self._opened is opened:  # not reloaded meanwhile
            built = {id(ix.notebook): ix for ix in index.indexes}
            pace = self.make_pace()
            for file in files:
                if file.index is None and id(file.notebook) in built:
                    file.remember(built[id(file.notebook)], pace)
        return index

    def index_ready(self) -> bool:
        """Whether the search index covers every notebook, so a search would not build any of it."""
        index = self._index
        return index is not None and [*map(id, index.library.notebooks)] == [*map(id, self.library.notebooks)]

    def search(self, query: str, limit: int, superseded: Callable[[], bool]) -> list[TalkHit] | None:
        """The hits for `query`, best first; None if `superseded()` says, when its turn comes,
        that a newer query took its place (then it never runs).

        Searches take turns, so a burst of keys runs the search being typed now and the
        newest one, not every query typed in between. Called from a worker thread.
        """
        index = self.ensure_index()
        with self._search_lock:
            if superseded():
                return None
            return list(index.search(query, limit=limit))

    def within_topic(self, hits: Sequence[TalkHit]) -> list[TalkHit]:
        """While a topic filters the tree, only the hits on its talks (a search looks inside it)."""
        topic = self.topic
        if topic is None:
            return list(hits)
        held = {id(ref.talk) for ref in topic.talks}  # by identity: ids repeat across a library
        return [hit for hit in hits if id(hit.talk) in held]

    def show_hits(self, hits: Sequence[TalkHit]) -> None:
        """The hits of the current search (a talk's matches light when it is shown)."""
        self.hits = {id(hit.talk): hit for hit in hits}

    def end_search(self) -> None:
        """No search: no hits, no match stepped to."""
        self.hits = {}
        self.match_index = None

    def open_hit(self, hit: TalkHit) -> None:
        """Remember `hit` for its talk (a hit opened from an older list keeps its matches)."""
        self.hits.setdefault(id(hit.talk), hit)

    def edit_query(self, query: str) -> None:
        """The search box now holds `query`."""
        self.query = query

    def choose_topic(self, topic: Topic) -> Talk | None:
        """Filter the tree by `topic`; return the talk to show: the one shown if the topic
        holds it, else the topic's first talk in reading order (None: it has none)."""
        self.topic = topic
        held = {id(ref.talk) for ref in topic.talks}
        if id(self.selected) in held:
            return self.selected if isinstance(self.selected, Talk) else None
        return next((talk for _nb, _day, talk in self.library.talks() if id(talk) in held), None)

    def clear_topic(self) -> Topic | None:
        """Show every talk again; return the topic that filtered the tree, if any."""
        topic, self.topic = self.topic, None
        return topic

    @property
    def topic_source(self) -> Notebook | Library:
        """What topics are found over: every notebook of a library, or the notebook."""
        return self.root

    def cached_topics(self) -> list[Topic] | None:
        """The topics found before for the notes browsed, if they have not changed since."""
        known = self.topics
        return known[1] if known is not None and known[0] is self.topic_source else None
