"""The browser app: the tree on the left, the notes on the right, search on top.

State lives here and flows down: `selected` (the notebook, a day or a talk) and
`match_index` (the search match stepped to) decide what the tree's cursor and the
note pane show. Widgets report up with messages; the search runs in a thread worker.

A directory opens as a library: the app holds a `Library` (a single file is a library
of one), the tree gains a conference level, and the files after the first load in a
thread worker while the first can already be read.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.actions import SkipAction
from textual.app import App, ComposeResult, SuspendNotSupported, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import var
from textual.widgets import Footer, Header, Input, OptionList, Static, Tree
from textual.worker import get_current_worker

from ..formats import NotesError
from ..library import Library, LibraryEntry, LibraryIndex
from ..model import Day, Notebook, Talk
from ..render import position_label
from .library_load import LibraryEntryLoaded, LibraryLoaded, loading_label
from .personal import Change, LazyStore, StateChanged
from .reload import NotesReloaded, NotesReloadFailed, NotesWatcher, carry_selection
from .widgets.note_pane import NotePane, NoteView
from .widgets.results_list import ResultsList
from .widgets.search_input import SearchInput
from .widgets.talk_tree import FILTERS, TalkMarks, TalkTree

if TYPE_CHECKING:
    from textual.command import Provider
    from textual.screen import Screen
    from textual.timer import Timer
    from textual.widget import Widget

    from ..search import Hit
    from ..topics import Topic

#: Themes for terminals that can show 24-bit colour, and for those that cannot.
TRUECOLOR_THEME = "textual-dark"
ANSI_THEME = "ansi-dark"
#: Below this many columns the tree hides (and `b` brings it back).
NARROW_WIDTH = 70
#: How many hits a search lists.
RESULT_LIMIT = 50
#: How often (seconds) the notes file and the state file are checked for changes.
POLL_INTERVAL = 0.5
#: Actions that write your own state or leave the app: none of them runs read-only.
WRITING_ACTIONS = frozenset({"toggle_star", "annotate", "edit", "cycle_filter", "suspend_process"})
#: Textual's palette commands that write files; read-only drops them.
WRITING_SYSTEM_COMMANDS = frozenset({"Screenshot"})

Item = Notebook | Day | Talk | Library

# Paired keys share one footer entry: "[ ] talk", "n N match".
TALK_GROUP = Binding.Group("talk", compact=True)
MATCH_GROUP = Binding.Group("match", compact=True)


def pick_theme(environ: Mapping[str, str] | None = None) -> str:
    """The theme to start with: a 24-bit one only when the terminal says it can show it.

    OpenSSH forwards `TERM` but not `COLORTERM`, and tmux often drops it, so most
    remote and multiplexed sessions get the ANSI theme, which uses the terminal's
    own palette instead of colours squeezed into 256 or 16.
    """
    environ = os.environ if environ is None else environ
    colorterm = environ.get("COLORTERM", "").strip().lower()
    return TRUECOLOR_THEME if colorterm in ("truecolor", "24bit") else ANSI_THEME


def _notes_commands() -> type[Provider]:
    """The palette provider, imported when the palette first opens rather than at start."""
    from .commands import NotesCommands

    return NotesCommands


@dataclass
class SearchDone(Message):
    """A search finished: `hits` for `query`, best first (posted from the worker thread)."""

    query: str
    hits: list[Any] = field(default_factory=list)


class QconApp(App[int]):
    """Browse a notebook: pick talks in the tree, read them, search them."""

    CSS_PATH = "app.tcss"
    TITLE = "qcon-tui"
    COMMANDS = App.COMMANDS | {_notes_commands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW_WIDTH, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (12, "-tall")]

    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        # A priority binding acts as the key arrives, so letters typed straight after
        # `/` land in the search box rather than in the widget focused before it.
        Binding("slash,ctrl+f", "focus_search", "Search", key_display="/", priority=True, id="search.focus"),
        Binding("escape", "clear_search", "Clear search", show=False, id="search.clear"),
        Binding(
            "left_square_bracket",
            "step_talk(-1)",
            "Previous talk",
            id="talk.previous",
            group=TALK_GROUP,
        ),
        Binding(
            "right_square_bracket",
            "step_talk(1)",
            "Next talk",
            id="talk.next",
            group=TALK_GROUP,
        ),
        Binding(
            "n", "step_match(1)", "Next match", id="match.next", group=Binding.Group("match", compact=True)
        ),
        Binding(
            "N",
            "step_match(-1)",
            "Previous match",
            id="match.previous",
            group=Binding.Group("match", compact=True),
        ),
        Binding("space,pagedown", "page_notes(1)", "Page the notes down", show=False, id="notes.page_down"),
        Binding("pageup", "page_notes(-1)", "Page the notes up", show=False, id="notes.page_up"),
        Binding("tab", "focus_next", "Next pane", show=False, id="focus.next"),
        Binding("shift+tab", "focus_previous", "Previous pane", show=False, id="focus.previous"),
        Binding("b", "toggle_tree", "Tree", tooltip="Show or hide the tree", id="tree.toggle"),
        Binding("t", "topics", "Topics", tooltip="Terms that recur across talks", id="topics.open"),
        Binding("s", "toggle_star", "Star", tooltip="Star or unstar the talk", id="talk.star"),
        Binding("a", "annotate", "Note", tooltip="Write your own note on the talk", id="talk.annotate"),
        Binding("e", "edit", "Edit the notes file here", show=False, id="notes.edit"),
        Binding("f", "cycle_filter", "Filter: all, starred, unread", show=False, id="tree.filter"),
        Binding("w", "toggle_speakers", "Speakers in the tree", show=False, id="tree.speakers"),
        Binding("o", "toggle_order", "Schedule order (by start time)", show=False, id="tree.order"),
        Binding("ctrl+z", "suspend_process", "Suspend to the shell", show=False, id="app.suspend"),
        Binding("question_mark", "help", "Help", key_display="?", id="help.open"),
    ]

    selected: var[Item | None] = var(None)
    """What the pane shows and the tree's cursor is on."""
    match_index: var[int | None] = var(None)
    """The search match (index into the shown talk's spans) stepped to, if any."""
    talk_filter: var[str] = var("all")
    """Which talks the tree lists: "all", "starred" or "unread" (`f`)."""
    schedule_order: var[bool] = var(False)
    """List each day's talks by start time where known (`o`)."""
    show_speakers: var[bool] = var(False)
    """Show speakers beside titles in the tree (`w`)."""

    READ_DELAY: ClassVar[float] = 1.5
    """Seconds a talk stays on screen before it counts as read."""

    def __init__(
        self,
        notebook: Notebook | Library,
        *,
        talk: Talk | None = None,
        search: str | None = None,
        theme: str | None = None,
        read_only: bool = False,
        loader: Iterable[LibraryEntry] | None = None,
    ) -> None:
        """Browse `notebook`, or a library; `loader` yields the library's files still to read."""
        super().__init__()
        #: The library when a directory was opened (None for one notes file).
        self._library = notebook if isinstance(notebook, Library) else None
        #: The notebook shown: in a library, the one the selection belongs to.
        self.notebook = self._first_notebook(notebook)
        #: Read-only (as served to others): no stars, notes, read marks, editing or suspending.
        #: A library is read-only for now: your state is kept per notes file, and one store
        #: must not take the stars and notes of another file's talks.
        self.read_only = read_only or self._library is not None
        self._state = LazyStore(self.notebook)
        self._read_timer: Timer | None = None
        self._watcher: NotesWatcher | None = None
        self.title = notebook.title or "qcon-tui"
        self._start_talk = talk
        self._start_search = search or ""
        self._theme_request = theme
        self._choose_theme()
        self._loader = loader
        self._homes: dict[int, Notebook] = {}  # id() of a library's day or talk → its notebook
        for member in self._library.notebooks if self._library is not None else ():
            self._remember(member)
        self._index: LibraryIndex | None = None
        self._index_lock = threading.Lock()
        self._hits: dict[int, Hit] = {}  # id() of a talk → its hit (talk ids repeat across notebooks)
        self._query = ""
        #: The topics found for a notebook (computed once, in the topics view).
        self._topics: tuple[Notebook, list[Topic]] | None = None
        #: The topic the browser is filtered by, while its query is in the search box.
        self._topic: Topic | None = None

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield SearchInput(placeholder="/ search the notes — try: facebok live", id="search")
        with Horizontal(id="body"):
            with Vertical(id="sidebar"):
                yield TalkTree(self._library or self.notebook, id="tree").data_bind(
                    QconApp.talk_filter, QconApp.schedule_order, QconApp.show_speakers
                )
                if self._loader is not None:
                    yield Static("Loading…", id="loading", markup=False)
            with Vertical(id="main"):
                yield ResultsList(conference=self.in_library, id="results")
                yield NotePane(self.notebook, id="notes")
        yield Footer()

    def on_mount(self) -> None:
        self._apply_theme()
        talks = self.notebook.talks
        first: Item = self._start_talk or (talks[0] if talks else self._library or self.notebook)
        if not self.read_only:
            self.query_one(TalkTree).marks = TalkMarks(gutter=True)
        self.selected = first
        if self._library is not None:
            for failure in self._library.failures:
                self._report_failure(failure.label)
        if self._loader is not None:
            self.load_library(self._loader)
        self.query_one(TalkTree).focus()  # mount-time: nothing typed yet
        if self._start_search:
            search = self.query_one(SearchInput)
            search.value = self._start_search
            search.focus()

    def on_ready(self) -> None:
        """The first frame is up: build the search index and read your state, off the UI thread."""
        self.run_worker(self._ensure_index, thread=True, group="index", exit_on_error=False)
        if not self.read_only:
            self.change_state(self._reconcile)
        if self.notebook.source and not self.in_library:  # live reload: one notes file only
            self._watcher = NotesWatcher(self.notebook.source)
        self.set_interval(POLL_INTERVAL, self.check_for_changes)

    def _choose_theme(self) -> None:
        """Set the theme before the first stylesheet pass, so it is not computed twice."""
        wanted = self._theme_request
        self.theme = wanted if wanted and wanted in self.available_themes else pick_theme()

    def _apply_theme(self) -> None:
        """Say so when the theme asked for does not exist (the default was used)."""
        wanted = self._theme_request
        if wanted and wanted not in self.available_themes:
            known = ", ".join(sorted(self.available_themes))
            self.notify(
                f"No theme called {wanted!r}; known themes: {known}", severity="warning", markup=False
            )

    # ------------------------------------------------------------------ state → widgets

    def watch_selected(self, item: Item | None) -> None:
        if item is None:
            return
        self.notebook = self.notebook_of(item)
        self.match_index = None
        self._show()
        self.query_one(TalkTree).show_item(item)
        self.sub_title = (
            position_label(self.notebook, item, conference=self.in_library) if isinstance(item, Talk) else ""
        )
        self.refresh_bindings()
        self._start_read_timer(item)

    def watch_match_index(self) -> None:
        self._show()

    def _spans_for(self, item: Item | None) -> tuple[Any, ...]:
        if isinstance(item, Talk) and id(item) in self._hits:
            return tuple(self._hits[id(item)].spans)
        return ()

    def _show(self) -> None:
        """Hand the pane what to show: the selection, its matches, the current one."""
        item = self.selected
        if item is None:
            return
        spans = self._spans_for(item)
        current = self.match_index if spans and self.match_index is not None else None
        mine = isinstance(item, Talk) and not self.read_only
        annotation = self._state.annotation(item.id) if mine else None
        notebook = self.notebook if self.in_library else None  # the pane names the conference
        self.query_one(NotePane).view = NoteView(item, spans, current, annotation, notebook=notebook)

    @property
    def library(self) -> Library:
        """Every notebook being browsed: the directory's library, or a library of the one notebook."""
        return self._library if self._library is not None else Library.of(self.notebook)

    @property
    def in_library(self) -> bool:
        """Whether a directory was opened (the tree, results and pane name the conference)."""
        return self._library is not None

    def notebook_of(self, item: Item) -> Notebook:
        """The notebook `item` (a notebook, or one of its days or talks) belongs to."""
        if isinstance(item, Notebook):
            return item
        return self._homes.get(id(item), self.notebook)

    def _remember(self, notebook: Notebook) -> None:
        for day in notebook.days:
            self._homes[id(day)] = notebook
            for talk in day.talks:
                self._homes[id(talk)] = notebook

    @staticmethod
    def _first_notebook(source: Notebook | Library) -> Notebook:
        if isinstance(source, Notebook):
            return source
        return source.notebooks[0] if source.notebooks else Notebook(source.title)

    @property
    def tree_visible(self) -> bool:
        """Whether the tree is showing: by default on wide screens, flipped by `b`."""
        narrow = (
            self.screen.has_class("-narrow") if self.screen.is_current else self.size.width < NARROW_WIDTH
        )
        toggled = self.query_one("#body").has_class("-tree-toggled")
        return narrow == toggled

    # ------------------------------------------------------------------ widgets → state

    @on(Tree.NodeHighlighted, "#tree")
    def follow_tree_cursor(self, event: Tree.NodeHighlighted[object]) -> None:
        """The tree's cursor moved: show what it is on (stale messages are ignored)."""
        data = event.node.data
        if event.node is event.control.cursor_node and isinstance(data, Notebook | Day | Talk | Library):
            self.selected = self.library if isinstance(data, Library) else data  # the root: as loaded so far

    @on(Tree.NodeSelected, "#tree")
    def read_selected_talk(self, event: Tree.NodeSelected[object]) -> None:
        """Enter on a talk moves to its notes, ready to scroll."""
        if isinstance(event.node.data, Talk):
            self.selected = event.node.data
            self.focus_now(self.query_one(NotePane))

    @on(Input.Changed, "#search")
    def search_as_you_type(self, event: Input.Changed) -> None:
        """Every keystroke starts a search; the newest one wins."""
        self._query = event.value
        if event.value.strip():
            self.run_search(event.value)
        else:
            self.workers.cancel_group(self, "search")
            self._end_search()

    @on(SearchInput.Step)
    def step_results(self, event: SearchInput.Step) -> None:
        self.query_one(ResultsList).step(event.delta)

    @on(Input.Submitted, "#search")
    def open_highlighted_result(self) -> None:
        hit = self.query_one(ResultsList).highlighted_hit()
        if hit is not None:
            self.open_hit(hit)

    @on(OptionList.OptionSelected, "#results")
    def open_selected_result(self, event: OptionList.OptionSelected) -> None:
        results = self.query_one(ResultsList)
        if 0 <= event.option_index < len(results.hits):
            self.open_hit(results.hits[event.option_index])

    # ------------------------------------------------------------------ search

    def _ensure_index(self) -> LibraryIndex:
        """The search index of every notebook, built on first need (thread-safe).

        Built again when a library gains a notebook, reusing each notebook's index.
        """
        with self._index_lock:
            library, index = self.library, self._index
            if index is None or list(map(id, index.library.notebooks)) != list(map(id, library.notebooks)):
                self._index = index = LibraryIndex(library, reuse=index)
            return index

    @work(exclusive=True, group="search", thread=True, exit_on_error=False)
    def run_search(self, query: str) -> None:
        """Search in a thread; post the hits back unless a newer query took over."""
        hits = self._ensure_index().search(query, limit=RESULT_LIMIT)
        if not get_current_worker().is_cancelled:
            self.post_message(SearchDone(query, list(hits)))

    @on(SearchDone)
    def show_results(self, message: SearchDone) -> None:
        """Show fresh results; results for a query that is no longer typed are dropped."""
        if message.query != self._query:
            return
        hits = self._within_topic(message.query, message.hits)
        self._hits = {id(hit.talk): hit for hit in hits}
        results = self.query_one(ResultsList)
        results.show_hits(hits, message.query)
        results.display = True
        self.query_one(TalkTree).mark_hits([hit.talk for hit in hits])
        self._show()
        self.refresh_bindings()

    def _within_topic(self, query: str, hits: list[Hit]) -> list[Hit]:
        """While a topic filters the browser, only its talks, in the topic's order (strongest first).

        Its query alone also finds near misses ("monitor" finds "monitornig").
        """
        topic = self._topic if self._topic is not None and query == self._topic.query else None
        results = self.query_one(ResultsList)
        results.border_subtitle = Content(f"topic: {topic.term}") if topic is not None else None
        if topic is None:
            return hits
        order = {ref.talk.id: number for number, ref in enumerate(topic.talks)}
        if self.in_library:  # the topic is one conference's: the same talk id elsewhere is not its
            homes = {id(ref.notebook) for ref in topic.talks}
            hits = [hit for hit in hits if id(self.notebook_of(hit.talk)) in homes]
        return sorted((hit for hit in hits if hit.talk.id in order), key=lambda hit: order[hit.talk.id])

    def _end_search(self) -> None:
        self._hits = {}
        results = self.query_one(ResultsList)
        results.clear_options()
        results.hits = []
        results.display = False
        self.query_one(TalkTree).mark_hits(None)
        self.match_index = None
        self._show()
        self.refresh_bindings()

    def open_hit(self, hit: Hit) -> None:
        """Show the hit's talk with its matches lit, scrolled to the first one."""
        self._hits.setdefault(id(hit.talk), hit)
        self.selected = hit.talk
        self.match_index = 0
        self.focus_now(self.query_one(NotePane))

    def open_talk(self, talk: Talk) -> None:
        """Show `talk` (from the palette) and move to its notes."""
        self.selected = talk
        self.focus_now(self.query_one(NotePane))

    # ------------------------------------------------------------------ library

    @work(thread=True, group="library", exit_on_error=False)
    def load_library(self, entries: Iterable[LibraryEntry]) -> None:
        """Read the library's remaining files in a thread; each is posted up as it is read."""
        worker = get_current_worker()
        error: str | None = None
        try:
            for entry in entries:
                if worker.is_cancelled:
                    return
                self.post_message(LibraryEntryLoaded(entry))
        except NotesError as problem:  # the directory itself could not be listed
            error = str(problem)
        self.post_message(LibraryLoaded(error))

    @on(LibraryEntryLoaded)
    def add_loaded_notebook(self, message: LibraryEntryLoaded) -> None:
        """A file of the library was read: its conference joins the tree (or its failure is told)."""
        entry, library = message.entry, self._library
        if library is None:
            return
        self._library = library.adding(entry)
        self.query_one("#loading", Static).update(loading_label(entry))
        if entry.notebook is None:
            self._report_failure(entry.failure.label if entry.failure else entry.path)
            return
        self._remember(entry.notebook)
        self.query_one(TalkTree).add_notebook(entry.notebook)
        if isinstance(self.selected, Library):
            # The overview grows; before any talk could be shown, the first one is.
            first = not library.notebooks and bool(entry.notebook.talks)
            self.selected = entry.notebook.talks[0] if first else self._library
        if self._query.strip():
            self.run_search(self._query)  # the results take in the new notebook

    @on(LibraryLoaded)
    def finish_loading(self, message: LibraryLoaded) -> None:
        """Every file is read: the progress line goes and the search index is completed."""
        self.query_one("#loading", Static).display = False
        if message.error:
            self._report_failure(message.error)
        self.run_worker(self._ensure_index, thread=True, group="index", exit_on_error=False)

    def _report_failure(self, text: str) -> None:
        self.notify(text, title="Skipped: cannot read", severity="warning", timeout=8, markup=False)

    # ------------------------------------------------------------------ actions

    def focus_now(self, widget: Widget) -> None:
        """Move focus at once, not on the next loop turn as `Widget.focus` does.

        Keys typed right after `/` (or Enter, Esc) arrive in the same burst; they
        must land in the widget this key just moved to.
        """
        widget.screen.set_focus(widget)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Match stepping only shows while the talk on screen has matches."""
        if action == "step_match":
            return bool(self._spans_for(self.selected))
        if action in WRITING_ACTIONS:
            if self.read_only or len(self.screen_stack) > 1:
                return False
            if action in ("toggle_star", "annotate"):
                return True if isinstance(self._target(), Talk) else None
        return True

    def action_focus_search(self) -> None:
        """`/`: to the search box; typed into any text box (or over another screen) it is just a key."""
        if isinstance(self.focused, Input) or len(self.screen_stack) > 1:
            raise SkipAction()
        self.focus_now(self.query_one(SearchInput))

    def action_clear_search(self) -> None:
        """Esc: forget the search and go back to the tree; the selection stays."""
        search = self.query_one(SearchInput)
        if search.value:
            search.value = ""  # Input.Changed ends the search
        self._query = ""
        self.workers.cancel_group(self, "search")
        self._end_search()
        if self.tree_visible:
            self.focus_now(self.query_one(TalkTree))
        else:
            self.focus_now(self.query_one(NotePane))

    def action_step_talk(self, delta: int) -> None:
        """`]` / `[`: the next or previous talk the tree lists, across days (and a library's
        notebooks), in the tree's order."""
        tree = self.query_one(TalkTree)
        listed = tree.listed_talks()
        if not listed:
            return
        item = self.selected
        # Every talk's place in the tree's order, listed or not, so a talk the filter
        # hides still has neighbours; a day (or notebook) sits just before its first talk.
        place: dict[int, float] = {}
        for number, talk in enumerate(tree.ordered_talks()):
            place[id(talk)] = number
        for notebook in self.library.notebooks:
            if notebook.talks:
                place[id(notebook)] = min(place[id(talk)] for talk in notebook.talks) - 0.75
            for day in notebook.days:
                if day.talks:
                    place[id(day)] = min(place[id(talk)] for talk in day.talks) - 0.5
        if isinstance(item, Talk) and any(talk is item for talk in listed):
            index = next(n for n, talk in enumerate(listed) if talk is item) + delta
            self.selected = listed[max(0, min(len(listed) - 1, index))]
            return
        here = place.get(id(item)) if item is not None else None
        if here is None:
            self.selected = listed[0] if delta > 0 else listed[-1]
            return
        later = [talk for talk in listed if place[id(talk)] > here]
        earlier = [talk for talk in listed if place[id(talk)] < here]
        target = (later[:1] if delta > 0 else earlier[-1:]) or [listed[0] if delta > 0 else listed[-1]]
        self.selected = target[0]

    def action_step_match(self, delta: int) -> None:
        """`n` / `N`: the next or previous match in the talk on screen, wrapping round."""
        spans = self._spans_for(self.selected)
        if not spans:
            return
        if self.match_index is None:
            self.match_index = 0 if delta > 0 else len(spans) - 1
        else:
            self.match_index = (self.match_index + delta) % len(spans)

    def action_page_notes(self, direction: int) -> None:
        pane = self.query_one(NotePane)
        if direction > 0:
            pane.scroll_page_down()
        else:
            pane.scroll_page_up()

    def action_toggle_tree(self) -> None:
        """Show or hide the tree (hidden by default below NARROW_WIDTH columns)."""
        self.query_one("#body").toggle_class("-tree-toggled")
        tree = self.query_one(TalkTree)
        if self.tree_visible:
            self.focus_now(tree)
            self.call_after_refresh(tree.reveal_cursor)
        elif tree.has_focus:
            self.focus_now(self.query_one(NotePane))

    def action_topics(self) -> None:
        """`t`: the topics view (found once per notebook); choosing one filters the browser."""
        if len(self.screen_stack) > 1:
            raise SkipAction()
        from .screens.topics import TopicsScreen

        known = self._topics
        cached = known[1] if known is not None and known[0] is self.notebook else None
        self.push_screen(TopicsScreen(self.notebook, cached), self.filter_by_topic)

    def on_topics_screen_loaded(self, message: Any) -> None:
        """The topics view found the notebook's topics: keep them for next time."""
        self._topics = (message.notebook, list(message.topics))

    def filter_by_topic(self, topic: Topic | None) -> None:
        """Show `topic`'s talks: its query goes in the search box, so Esc clears it like any search."""
        if topic is None:
            return
        self._topic = topic
        search = self.query_one(SearchInput)
        if search.value == topic.query:
            self.run_search(topic.query)  # no Input.Changed: search again to apply the topic
        else:
            search.value = topic.query
        self._query = topic.query
        if topic.talks and topic.talks[0].notebook is self.notebook:
            self.selected = topic.talks[0].talk  # its strongest talk, not whatever was on screen
        target: Widget = self.query_one(TalkTree) if self.tree_visible else self.query_one(ResultsList)
        self.focus_now(target)

    @on(Input.Changed, "#search")
    def forget_topic_when_edited(self, event: Input.Changed) -> None:
        """Editing the search box (or clearing it) ends the topic filter."""
        if self._topic is not None and event.value != self._topic.query:
            self._topic = None

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        self.push_screen(HelpScreen(self.binding_sections()))

    def binding_sections(self) -> list[tuple[str, list[Any]]]:
        """Every key of the browser, grouped by where it works (for the help screen)."""
        palette = Binding(self.COMMAND_PALETTE_BINDING, "command_palette", "Command palette", id="palette")
        quit_ = Binding("ctrl+q", "quit", "Quit", id="app.quit_ctrl")
        return [
            ("Anywhere", [*(b for b in self.BINDINGS if self._offered(b)), palette, quit_]),
            ("Tree", [*Tree.BINDINGS, *TalkTree.BINDINGS]),
            ("Notes", list(NotePane.BINDINGS)),
            ("Search box", list(SearchInput.BINDINGS)),
        ]

    def _target(self) -> Item | None:
        """What a key acts on: the tree's cursor while the tree has focus, else the selection.

        Keys typed in a burst (`j j s`) can arrive before the tree's highlight
        messages, so the cursor is more current than `selected` then.
        """
        tree = self.query_one(TalkTree)
        node = tree.cursor_node
        if tree.has_focus and node is not None and isinstance(node.data, Notebook | Day | Talk):
            return node.data
        return self.selected

    def _offered(self, binding: Binding) -> bool:
        """Whether a key works in this mode (read-only has no star, note, edit, filter or suspend)."""
        return not (self.read_only and binding.action in WRITING_ACTIONS)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's palette commands; read-only drops those that write files (Screenshot)."""
        for command in super().get_system_commands(screen):
            if not (self.read_only and command.title in WRITING_SYSTEM_COMMANDS):
                yield command

    # ------------------------------------------------------------------ your layer: stars, notes, read marks

    @work(thread=True, group="state", exit_on_error=False)
    def change_state(self, change: Change) -> None:
        """Open the store if need be and make one change there, off the UI thread; report back."""
        from ..state import StateError

        store = self._state.open()
        if store is None:
            self.post_message(StateChanged(error=self._state.failure))
            return
        try:
            told = change(store)
        except StateError as error:
            self.post_message(StateChanged(warnings=store.take_warnings(), error=str(error)))
            return
        self.post_message(StateChanged(info=[told] if told else [], warnings=store.take_warnings()))

    def _reconcile(self, store: Any) -> str | None:
        """Match stored state to the notes as they are now; what it says becomes warnings."""
        store.warnings.extend(store.reconcile(self.notebook))
        return None

    @on(StateChanged)
    def show_state(self, message: StateChanged) -> None:
        """Stars, notes or read marks changed: mark the tree, redraw the pane, tell what to tell."""
        self.query_one(TalkTree).marks = self._state.marks()
        self._show()
        self.refresh_bindings()
        for text in message.info:
            self.notify(text, timeout=3, markup=False)
        for text in message.warnings:
            self.notify(text, severity="warning", timeout=8, markup=False)
        if message.error:
            self.notify(message.error, title="Stars and notes", severity="error", markup=False)

    def action_toggle_star(self) -> None:
        """`s`: star the talk, or take its star away."""
        talk = self._target()
        if isinstance(talk, Talk):
            self.change_state(lambda store: "Starred" if store.toggle_star(talk).starred else "Star removed")

    def action_annotate(self) -> None:
        """`a`: write your own note on the talk, in a dialog prefilled with the current one."""
        talk = self._target()
        if not isinstance(talk, Talk):
            return
        from .screens.annotate import AnnotateScreen

        # Open the store now if the first-frame worker has not yet: saving over a
        # note the dialog did not show would lose it.
        store = self._state.open()
        current = store.get(talk.id).annotation if store is not None else None
        self.push_screen(AnnotateScreen(talk.title, current), partial(self._save_annotation, talk))

    def _save_annotation(self, talk: Talk, text: str | None) -> None:
        """The dialog closed: store what was saved (None: closed without saving)."""
        if text is None:
            return

        def save(store: Any) -> str:
            state = store.set_annotation(talk, text)
            return "Note saved" if state.annotation else "Note removed"

        self.change_state(save)

    def _start_read_timer(self, item: Item | None) -> None:
        """A talk counts as read once it has been on screen for READ_DELAY seconds."""
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None
        if self.read_only or not isinstance(item, Talk) or self._state.is_read(item.id):
            return
        self._read_timer = self.set_timer(self.READ_DELAY, partial(self._mark_read, item))

    def _mark_read(self, talk: Talk) -> None:
        self._read_timer = None
        if self.selected is talk:
            self.change_state(lambda store: store.mark_read(talk) and None)

    def action_cycle_filter(self) -> None:
        """`f`: list all talks, only starred ones, or only unread ones, in turn."""
        self.talk_filter = FILTERS[(FILTERS.index(self.talk_filter) + 1) % len(FILTERS)]
        count = len(self.query_one(TalkTree).listed_talks())
        if self.talk_filter == "all":
            self.notify("Showing all talks", timeout=2)
        elif count:
            plural = "s" if count != 1 else ""
            self.notify(f"Showing {count} {self.talk_filter} talk{plural} (f for more)", timeout=3)
        else:
            hint = " (s stars a talk)" if self.talk_filter == "starred" else ""
            self.notify(f"No {self.talk_filter} talks{hint}", severity="warning", timeout=3)

    def action_toggle_speakers(self) -> None:
        """`w`: show who gives each talk beside its title in the tree, or not."""
        self.show_speakers = not self.show_speakers

    def action_toggle_order(self) -> None:
        """`o`: list each day's talks by start time (where known), or as the file has them."""
        self.schedule_order = not self.schedule_order
        if self.schedule_order:
            self.notify("Schedule order: timed talks by start time, the rest where they are", timeout=3)
        else:
            self.notify("File order", timeout=2)

    # ------------------------------------------------------------------ edit and live reload

    def action_edit(self) -> None:
        """`e`: open the notes file in $VISUAL / $EDITOR at this talk, then reload it."""
        path = self.notebook.source
        if not path:
            self.notify("These notes have no file to edit", severity="error")
            return
        import subprocess

        from .editor import editor_command

        item = self._target()
        line = item.line if isinstance(item, Talk | Day) else None
        argv = editor_command(path, line)
        failure: OSError | None = None
        status = 0
        try:
            with self.suspend():
                try:
                    status = subprocess.call(argv)
                except OSError as error:  # caught inside, so the app always resumes
                    failure = error
        except SuspendNotSupported:
            self.notify("Editing needs a terminal this app can hand over", severity="error")
            return
        if failure is not None:
            self.notify(
                f"Cannot run {argv[0]}: {failure.strerror or failure}", severity="error", markup=False
            )
        elif status:
            self.notify(f"{argv[0]} exited with status {status}", severity="warning", markup=False)
        self.check_for_changes()

    def check_for_changes(self) -> None:
        """Poll (one `stat` each): reload the notes if their file changed, re-read the state if it did."""
        if self._watcher is not None and self._watcher.changed():
            self.reload_notes(self._watcher.path)
        store = self._state.loaded
        if store is not None and not self.read_only:
            from ..state import StateError

            try:
                changed = store.refresh()
            except StateError as error:
                self.notify(str(error), title="Stars and notes", severity="error", markup=False)
                return
            if changed:
                self.post_message(StateChanged(warnings=store.take_warnings()))

    @work(thread=True, exclusive=True, group="reload", exit_on_error=False)
    def reload_notes(self, path: str) -> None:
        """Read the notes file again, off the UI thread; post the notebook or the error."""
        from .. import load
        from ..formats import NotesError

        try:
            notebook = load(path)
        except NotesError as error:
            self.post_message(NotesReloadFailed(error))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(NotesReloaded(notebook))

    @on(NotesReloaded)
    def show_reloaded_notes(self, message: NotesReloaded) -> None:
        """Swap in the reloaded notes: same talk selected (by id), same scroll, fresh index."""
        old, new = self.notebook, message.notebook
        item = carry_selection(old, new, self.selected)
        self.notebook = new
        self.title = new.title or "qcon-tui"
        self._state.notebook = new
        with self._index_lock:
            self._index = None
        self._hits = {}
        self.query_one(NotePane).notebook = new
        tree = self.query_one(TalkTree)
        tree.mark_hits(None)
        tree.set_notebook(new)
        # The same talk from a new load may compare equal to the old one, so the
        # watcher would not run: set it quietly and run it here.
        self.set_reactive(QconApp.selected, item)
        self.watch_selected(item)
        if self._query.strip():
            self.run_search(self._query)
        else:
            self.run_worker(self._ensure_index, thread=True, group="index", exit_on_error=False)
        if not self.read_only:
            self.change_state(self._reconcile)
        self.notify("Reloaded notes", timeout=2)

    @on(NotesReloadFailed)
    def keep_last_good_notes(self, message: NotesReloadFailed) -> None:
        """The changed file cannot be read: say why, keep showing the last good notes."""
        self.notify(
            f"{message.error}\nShowing the notes as they were; fix the file to reload.",
            title="Notes not reloaded",
            severity="error",
            timeout=10,
            markup=False,
        )


def run_app(
    path: str | None,
    *,
    talk: str | None = None,
    search: str | None = None,
    theme: str | None = None,
    mouse: bool = True,
    read_only: bool = False,
) -> int:
    """Load the notes at `path` (the bundled notes if None) and run the browser.

    A directory opens as a library: its first readable file before the app starts
    (so a directory with nothing to read is one error line, `NotesError`), the rest
    in the background. `talk` (an id or a fuzzy title) picks the talk shown first,
    `search` starts with that query typed, `theme` overrides the automatic theme
    choice, `read_only` (for serving to others) keeps the browser from writing
    anything or leaving to a shell. Returns the exit code.
    """
    from .. import load
    from ..library import open_library
    from ..lookup import TalkNotFound, find_talk_in

    source: Notebook | Library
    loader: Iterable[LibraryEntry] | None = None
    if path is not None and os.path.isdir(path):
        source, loader = open_library(path)
        if talk:  # the talk may be in any file: read them all before looking
            for entry in loader:
                source = source.adding(entry)
            loader = None
    else:
        source = load(path)
    start: Talk | None = None
    if talk:
        notebooks = source.notebooks if isinstance(source, Library) else (source,)
        try:
            start = find_talk_in(notebooks, talk)
        except TalkNotFound as error:
            import sys

            print(f"qcon-tui: error: {error}", file=sys.stderr)
            return 2
    app = QconApp(source, talk=start, search=search, theme=theme, read_only=read_only, loader=loader)
    result = app.run(mouse=mouse)
    return result if isinstance(result, int) else (app.return_code or 0)
