"""The browser's search: the index built after the first frame, searches in a thread, results shown.

A big notebook's index takes seconds to build. The tree and the notes work meanwhile,
the foot of the screen says the index is being built, and a search typed meanwhile
waits for it, then runs once, for the query in the box by then. Searches take turns
in thread workers and the newest query wins: one typed over while another search runs
never starts, and results for a query no longer in the box never reach the screen.
Results show in a list over the notes; the tree dims the talks a search did not find.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.worker import get_current_worker

from ...words import plural
from ..messages import IndexBuilt, SearchDone
from ..session import TalkHit
from ..widgets.search_input import SearchInput
from .browser_base import BrowserBase

#: How many hits a search lists.
RESULT_LIMIT = 50
#: From this many talks, the index being built is told at the foot of the screen.
INDEX_NOTICE_TALKS = 2000


class SearchLayer(BrowserBase):
    """Builds the search index once the first frame is up, runs searches against it as you
    type, and shows their results (the list, the count at the foot, the tree's dimming)."""

    INDEX_NOTICE_DELAY: ClassVar[float] = 0.3
    """Seconds an index build runs before it is told (one read from the cache takes less)."""

    #: An index build is under way.
    _indexing = False
    #: A search was asked for before the index was ready: it runs once the index is.
    _search_waiting = False
    #: The index build has run long enough to be told.
    _index_told = False

    def build_index(self) -> None:
        """Build the search index (or add a library's new notebooks to it) off the UI thread."""
        if self._indexing:
            return  # the running build starts another if the notes grew meanwhile
        self._indexing, self._index_told = True, False
        self._index_in_thread()
        if self.library.talk_count >= INDEX_NOTICE_TALKS:
            self.set_timer(self.INDEX_NOTICE_DELAY, self._tell_index_build)

    def _tell_index_build(self) -> None:
        self._index_told = self._indexing
        self._show_index_status()

    @work(thread=True, group="index", exit_on_error=False)
    def _index_in_thread(self) -> None:
        """Build the index in a thread; say when it is done (or why it could not be built)."""
        error: str | None = None
        try:
            self.session.ensure_index()
        except Exception as problem:  # told: without an index, every search would wait for ever
            error = f"The search index could not be built ({type(problem).__name__}: {problem})"
        self.post_message(IndexBuilt(error))

    @on(IndexBuilt)
    def index_built(self, message: IndexBuilt) -> None:
        """The index is there: run the search that waited for it (the query in the box now)."""
        self._indexing = False
        if message.error:
            self._search_waiting = False
            self.notify(message.error, title="Search", severity="error", markup=False)
        elif not self.session.index_ready():
            self.build_index()  # a library's notebook joined while it was built
            return
        self._show_index_status()
        if self._search_waiting:
            self._search_waiting = False
            if self.session.query.strip():
                self.run_search(self.session.query)

    def _show_index_status(self) -> None:
        """ "indexing 100000 talks…" at the foot while the index is built (told when slow, or waited for)."""
        waiting = self._search_waiting and bool(self.session.query.strip())
        status = self.query_one("#index-status", Static)
        shown = self._indexing and (self._index_told or waiting)
        status.set_class(shown, "-shown")
        if shown:
            said = f"indexing {plural(self.library.talk_count, 'talk')}…"
            status.update(f"{said} then your search" if waiting else said)

    def run_search(self, query: str) -> None:
        """Search for `query` now, or as soon as the index is built (only the newest query waits)."""
        if self.session.index_ready():
            self._search_in_thread(query)
            return
        self.workers.cancel_group(self, "search")
        self._search_waiting = True
        self.build_index()
        self._show_index_status()

    @work(exclusive=True, group="search", thread=True, exit_on_error=False)
    def _search_in_thread(self, query: str) -> None:
        """Search in a thread, unless a newer query took over first; post the hits back unless
        one took over meanwhile."""
        worker = get_current_worker()
        hits = self.session.search(query, RESULT_LIMIT, superseded=lambda: worker.is_cancelled)
        if hits is not None and not worker.is_cancelled:
            self.post_message(SearchDone(query, hits))

    # ------------------------------------------------------------------ results

    @on(Input.Changed, "#search")
    def search_as_you_type(self, event: Input.Changed) -> None:
        """Every keystroke starts a search (the newest one wins)."""
        self.session.edit_query(event.value)
        if event.value.strip():
            self.run_search(event.value)
        else:
            self.workers.cancel_group(self, "search")
            self._end_search()

    @on(SearchInput.Step)
    def step_results(self, event: SearchInput.Step) -> None:
        self.results_list.step(event.delta)

    @on(Input.Submitted, "#search")
    def open_highlighted_result(self) -> None:
        hit = self.results_list.highlighted_hit()
        if hit is not None:
            self.open_hit(hit)

    @on(OptionList.OptionSelected, "#results")
    def open_selected_result(self, event: OptionList.OptionSelected) -> None:
        hits = self.results_list.hits
        if 0 <= event.option_index < len(hits):
            self.open_hit(hits[event.option_index])

    @on(SearchDone)
    def show_results(self, message: SearchDone) -> None:
        """Show fresh results; results for a query that is no longer typed are dropped."""
        if message.query != self.session.query:
            return
        hits = self.session.within_topic(message.hits)
        topic = self.session.topic
        self.session.show_hits(hits)
        results = self.results_list
        results.border_subtitle = Content(f"in topic: {topic.term}") if topic is not None else None
        results.show_hits(hits, message.query)
        results.display = True
        self._show_count(len(hits))
        self.talk_tree.mark_hits([hit.talk for hit in hits])
        self._show()
        self._refresh_match_keys()

    def _end_search(self) -> None:
        self.session.end_search()
        results = self.results_list
        results.clear_options()
        results.hits = []
        results.display = False
        self._show_count(None)
        self.talk_tree.mark_hits(None)
        self.match_index = None
        self._show()
        self._refresh_match_keys()

    def _refresh_match_keys(self) -> None:
        """Refresh the keys only when `n N` come or go: a refresh rebuilds the footer, and a
        search that keeps or keeps lacking matches in the talk on screen changes no key."""
        shown = bool(self.session.spans_for(self.selected))
        if shown != self._match_keys_shown:
            self.refresh_bindings()

    def refresh_bindings(self) -> None:
        """Refresh the keys (and remember whether `n N` were offered)."""
        self._match_keys_shown = bool(self.session.spans_for(self.selected))
        super().refresh_bindings()

    def _show_count(self, count: int | None) -> None:
        """ "12 talks" at the foot while a search shows results (None: no search); else the
        topic the tree is filtered by, if any ("topic: serverless")."""
        label = self.query_one("#search-count", Static)
        topic = self.topic
        label.set_class(count is not None or topic is not None, "-shown")
        if count is not None:
            label.update("no talks" if count == 0 else plural(count, "talk"))
        else:
            label.update(f"topic: {topic.term}" if topic is not None else "")

    def open_hit(self, hit: TalkHit) -> None:
        """Show the hit's talk with its matches lit, scrolled to the first one."""
        self.session.open_hit(hit)
        self.selected = hit.talk
        self.match_index = 0
        self.focus_now(self.note_pane)
