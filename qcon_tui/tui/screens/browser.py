"""The browser screen: the tree on the left, the notes on the right, search on top.

A thin layer over a `BrowserSession`: keys and widget messages become calls on the
session, and what it decides becomes widget updates. `selected` (the notebook, a day
or a talk) and `match_index` (the search match stepped to) are reactives whose
watchers move the tree's cursor and redraw the pane. Slow work runs in thread
workers (search, state changes, reloading, a library's files), which report back
with the messages of `tui.messages`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import getters, on, work
from textual.actions import SkipAction
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, OptionList, Static, Tree
from textual.worker import get_current_worker

from ...formats import NotesError
from ...library import Library, LibraryEntry
from ...model import Day, Notebook, Talk
from ...render import position_label
from ...words import plural
from ..messages import (
    LibraryEntryLoaded,
    LibraryLoaded,
    NotesReloaded,
    NotesReloadFailed,
    SearchDone,
    StateChanged,
)
from ..personal import Change, LazyStore
from ..reload import NotesWatcher, carry_selection
from ..session import BrowserSession, Item, TalkFilter, TalkHit
from ..widgets.note_pane import NotePane, NoteView
from ..widgets.results_list import ResultsList
from ..widgets.search_input import SearchInput
from ..widgets.talk_tree import TalkMarks, TalkTree

if TYPE_CHECKING:
    from textual.timer import Timer
    from textual.widget import Widget

    from ...cache import Opened
    from ...state import StateStore
    from ...topics import Topic
    from .topics import TopicsScreen

#: Below this many columns the tree hides (and `b` brings it back).
NARROW_WIDTH = 70
#: How many hits a search lists.
RESULT_LIMIT = 50
#: How often (seconds) the notes file and the state file are checked for changes.
POLL_INTERVAL = 0.5
#: Actions that write your own state or leave the app: none of them runs read-only.
WRITING_ACTIONS = frozenset({"toggle_star", "annotate", "edit", "cycle_filter", "suspend_process"})

# Paired keys share one footer entry: "[ ] talk", "n N match".
TALK_GROUP = Binding.Group("talk", compact=True)
MATCH_GROUP = Binding.Group("match", compact=True)


def loading_label(entry: LibraryEntry) -> Content:
    """ "Loaded 3/40 · qcon-2017.md": how far the loader is, and the file it read last."""
    return Content.assemble(
        f"Loaded {entry.index + 1}/{entry.total}",
        (f" · {os.path.basename(entry.path)}", "dim"),
    )


class BrowserScreen(Screen[None]):
    """Browse a notebook (or a library): pick talks in the tree, read them, search them."""

    CSS_PATH = "browser.tcss"

    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        # A priority binding acts as the key arrives, so letters typed straight after
        # `/` land in the search box rather than in the widget focused before it.
        Binding("slash,ctrl+f", "focus_search", "Search", key_display="/", priority=True, id="search.focus"),
        Binding("escape", "clear_search", "Clear search", show=False, id="search.clear"),
        Binding(
            "left_square_bracket", "step_talk(-1)", "Previous talk", id="talk.previous", group=TALK_GROUP
        ),
        Binding("right_square_bracket", "step_talk(1)", "Next talk", id="talk.next", group=TALK_GROUP),
        Binding("n", "step_match(1)", "Next match", id="match.next", group=MATCH_GROUP),
        Binding("N", "step_match(-1)", "Previous match", id="match.previous", group=MATCH_GROUP),
        Binding("space,pagedown", "page_notes(1)", "Page the notes down", show=False, id="notes.page_down"),
        Binding("pageup", "page_notes(-1)", "Page the notes up", show=False, id="notes.page_up"),
        Binding("tab", "focus_pane(1)", "Next pane", show=False, id="focus.next"),
        Binding("shift+tab", "focus_pane(-1)", "Previous pane", show=False, id="focus.previous"),
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
    talk_filter: var[TalkFilter] = var("all")
    """Which talks the tree lists: "all", "starred" or "unread" (`f`)."""
    schedule_order: var[bool] = var(False)
    """List each day's talks by start time where known (`o`)."""
    show_speakers: var[bool] = var(False)
    """Show speakers beside titles in the tree (`w`)."""

    READ_DELAY: ClassVar[float] = 1.5
    """Seconds a talk stays on screen before it counts as read."""

    talk_tree = getters.query_one("#tree", TalkTree)
    note_pane = getters.query_one("#notes", NotePane)
    results_list = getters.query_one("#results", ResultsList)
    search_box = getters.query_one("#search", SearchInput)

    def __init__(
        self,
        source: Notebook | Library,
        *,
        talk: Talk | None = None,
        search: str | None = None,
        read_only: bool = False,
        loader: Iterable[LibraryEntry] | None = None,
        opened: Opened | None = None,
    ) -> None:
        """Browse `source`; `loader` yields a library's files still to read; `opened` says
        how the notes file was read through the cache (its index, or where to store one)."""
        super().__init__()
        self.session = BrowserSession(source, read_only=read_only, opened=opened)
        self._state = LazyStore(self.session.notebook)
        self._read_timer: Timer | None = None
        self._watcher: NotesWatcher | None = None
        self._start_talk = talk
        self._start_search = search or ""
        #: Whether `n N` were offered when the keys were last refreshed (None: not yet).
        self._match_keys_shown: bool | None = None
        self._loader = loader

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield SearchInput(placeholder="/ search the notes — try: facebok live", id="search")
        with Horizontal(id="body"):
            with Vertical(id="sidebar"):
                yield TalkTree(self.session.root, id="tree").data_bind(
                    BrowserScreen.talk_filter, BrowserScreen.schedule_order, BrowserScreen.show_speakers
                )
                if self._loader is not None:
                    yield Static("Loading…", id="loading", markup=False)
            with Vertical(id="main"):
                yield ResultsList(conference=self.in_library, id="results")
                yield NotePane(self.session.notebook, id="notes")
        yield Footer()

    def on_mount(self) -> None:
        if not self.read_only:
            self.talk_tree.marks = TalkMarks(gutter=True)
        self.selected = self.session.first_item(self._start_talk)
        if self.session.directory is not None:
            for failure in self.session.directory.failures:
                self._report_failure(failure.label)
        if self._loader is not None:
            self.load_library(self._loader)
        self.focus_now(self.talk_tree if self.tree_visible else self.note_pane)
        if self._start_search:
            self.search_box.value = self._start_search
            self.search_box.focus()

    def start_background(self) -> None:
        """The first frame is up: build the search index and read your state, off the UI thread."""
        self.run_worker(self.session.ensure_index, thread=True, group="index", exit_on_error=False)
        if not self.read_only:
            self.change_state(self._reconcile)
        if self.notebook.source and not self.in_library:  # live reload: one notes file only
            self._watcher = NotesWatcher(self.notebook.source)
        self.set_interval(POLL_INTERVAL, self.check_for_changes)

    # ------------------------------------------------------------------ what the session knows

    @property
    def notebook(self) -> Notebook:
        """The notebook shown: in a library, the one the selection belongs to."""
        return self.session.notebook

    @property
    def library(self) -> Library:
        """Every notebook being browsed: the directory's library, or a library of the one notebook."""
        return self.session.library

    @property
    def in_library(self) -> bool:
        """Whether a directory was opened (the tree, results and pane name the conference)."""
        return self.session.in_library

    @property
    def read_only(self) -> bool:
        """Nothing is written and nothing leaves the app (as served, or over a library)."""
        return self.session.read_only

    @property
    def tree_visible(self) -> bool:
        """Whether the tree is showing: by default on wide screens, flipped by `b`."""
        narrow = self.has_class("-narrow") if self.is_current else self.app.size.width < NARROW_WIDTH
        toggled = self.query_one("#body").has_class("-tree-toggled")
        return narrow == toggled

    def panes(self) -> list[Widget]:
        """The panes `tab` cycles through, in order: only those on screen."""
        panes: list[Widget] = [self.talk_tree] if self.tree_visible else []
        if self.results_list.display:
            panes.append(self.results_list)
        panes.append(self.note_pane)
        return panes

    def on_resize(self) -> None:
        """The window changed size: focus never stays on a tree that just hid itself."""
        if self.talk_tree.has_focus and not self.tree_visible:
            self.focus_now(self.note_pane)

    # ------------------------------------------------------------------ state → widgets

    def watch_selected(self, item: Item | None) -> None:
        if item is None:
            return
        self.session.select(item)
        self.match_index = None
        self._show()
        self.talk_tree.show_item(item)
        self.app.sub_title = (
            position_label(self.notebook, item, conference=self.in_library) if isinstance(item, Talk) else ""
        )
        self.refresh_bindings()
        self._start_read_timer(item)

    def watch_match_index(self, index: int | None) -> None:
        self.session.match_index = index
        self._show()

    def watch_talk_filter(self, talk_filter: TalkFilter) -> None:
        self.session.talk_filter = talk_filter

    def _show(self) -> None:
        """Hand the pane what to show: the selection, its matches, the current one."""
        item = self.selected
        if item is None:
            return
        spans = self.session.spans_for(item)
        current = self.session.current_match()
        mine = isinstance(item, Talk) and not self.read_only
        annotation = self._state.annotation(item.id) if isinstance(item, Talk) and mine else None
        notebook = self.notebook if self.in_library else None  # the pane names the conference
        self.note_pane.view = NoteView(item, spans, current, annotation, notebook=notebook)

    # ------------------------------------------------------------------ widgets → state

    @on(TalkTree.ItemHighlighted)
    def follow_tree_cursor(self, event: TalkTree.ItemHighlighted) -> None:
        """The tree's cursor moved: show what it is on (unless it has moved on again)."""
        if not event.current:
            return
        item = event.item
        self.selected = self.library if isinstance(item, Library) else item  # the root: as loaded so far

    @on(TalkTree.ItemChosen)
    def read_chosen_talk(self, event: TalkTree.ItemChosen) -> None:
        """Enter on a talk moves to its notes, ready to scroll."""
        if isinstance(event.item, Talk):
            self.selected = event.item
            self.focus_now(self.note_pane)

    @on(Input.Changed, "#search")
    def search_as_you_type(self, event: Input.Changed) -> None:
        """Every keystroke starts a search (the newest one wins); editing ends a topic filter."""
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

    # ------------------------------------------------------------------ search

    @work(exclusive=True, group="search", thread=True, exit_on_error=False)
    def run_search(self, query: str) -> None:
        """Search in a thread; post the hits back unless a newer query took over."""
        hits = self.session.ensure_index().search(query, limit=RESULT_LIMIT)
        if not get_current_worker().is_cancelled:
            self.post_message(SearchDone(query, list(hits)))

    @on(SearchDone)
    def show_results(self, message: SearchDone) -> None:
        """Show fresh results; results for a query that is no longer typed are dropped."""
        if message.query != self.session.query:
            return
        hits = self.session.within_topic(message.query, message.hits)
        topic = self.session.topic_for(message.query)
        self.session.show_hits(hits)
        results = self.results_list
        results.border_subtitle = Content(f"topic: {topic.term}") if topic is not None else None
        results.show_hits(hits, message.query)
        results.display = True
        self.talk_tree.mark_hits([hit.talk for hit in hits])
        self._show()
        self._refresh_match_keys()

    def _end_search(self) -> None:
        self.session.end_search()
        results = self.results_list
        results.clear_options()
        results.hits = []
        results.display = False
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

    def open_hit(self, hit: TalkHit) -> None:
        """Show the hit's talk with its matches lit, scrolled to the first one."""
        self.session.open_hit(hit)
        self.selected = hit.talk
        self.match_index = 0
        self.focus_now(self.note_pane)

    def open_talk(self, talk: Talk) -> None:
        """Show `talk` (from the palette) and move to its notes."""
        self.selected = talk
        self.focus_now(self.note_pane)

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
        entry = message.entry
        if self.session.directory is None:
            return
        select = self.session.add_entry(entry)
        self.query_one("#loading", Static).update(loading_label(entry))
        if entry.notebook is None:
            self._report_failure(entry.failure.label if entry.failure else entry.path)
            return
        self.talk_tree.add_notebook(entry.notebook)
        if select is not None:
            self.selected = select
        if self.session.query.strip():
            self.run_search(self.session.query)  # the results take in the new notebook

    @on(LibraryLoaded)
    def finish_loading(self, message: LibraryLoaded) -> None:
        """Every file is read: the progress line goes and the search index is completed."""
        self.query_one("#loading", Static).display = False
        if message.error:
            self._report_failure(message.error)
        self.run_worker(self.session.ensure_index, thread=True, group="index", exit_on_error=False)

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
        """Match stepping only shows while the talk on screen has matches; read-only writes nothing."""
        if action == "step_match":
            return bool(self.session.spans_for(self.selected))
        if action in WRITING_ACTIONS:
            if self.read_only or len(self.app.screen_stack) > 1:
                return False
            if action in ("toggle_star", "annotate"):
                return True if isinstance(self._target(), Talk) else None
        return True

    def offered(self, binding: Binding) -> bool:
        """Whether a key works in this mode (read-only has no star, note, edit, filter or suspend)."""
        return not (self.read_only and binding.action in WRITING_ACTIONS)

    def _target(self) -> Item | None:
        """What a key acts on: the tree's cursor while the tree has focus, else the selection.

        Keys typed in a burst (`j j s`) can arrive before the tree's highlight
        messages, so the cursor is more current than `selected` then.
        """
        tree = self.talk_tree
        node = tree.cursor_node
        if tree.has_focus and node is not None and isinstance(node.data, Notebook | Day | Talk):
            return node.data
        return self.selected

    async def action_quit(self) -> None:
        """`q`: leave the browser."""
        await self.app.action_quit()

    def action_suspend_process(self) -> None:
        """Ctrl+Z: suspend to the shell (never read-only; see `check_action`)."""
        self.app.action_suspend_process()

    def action_focus_search(self) -> None:
        """`/`: to the search box; typed into any text box (or over another screen) it is just a key."""
        if isinstance(self.focused, Input) or len(self.app.screen_stack) > 1:
            raise SkipAction()
        self.focus_now(self.search_box)

    def action_clear_search(self) -> None:
        """Esc: forget the search and go back to the tree; the selection stays."""
        search = self.search_box
        if search.value:
            search.value = ""  # Input.Changed ends the search
        self.session.query = ""
        self.workers.cancel_group(self, "search")
        self._end_search()
        self.focus_now(self.talk_tree if self.tree_visible else self.note_pane)

    def action_step_talk(self, delta: int) -> None:
        """`]` / `[`: the next or previous talk the tree lists, across days (and a library's
        notebooks), in the tree's order."""
        tree = self.talk_tree
        target = self.session.step_talk(delta, tree.listed_talks(), tree.ordered_talks())
        if target is not None:
            self.selected = target

    def action_step_match(self, delta: int) -> None:
        """`n` / `N`: the next or previous match in the talk on screen, wrapping round."""
        index = self.session.step_match(delta)
        if index is not None:
            self.match_index = index

    def action_page_notes(self, direction: int) -> None:
        """Space / PgDn / PgUp: page the notes from anywhere."""
        if direction > 0:
            self.note_pane.action_page_down()
        else:
            self.note_pane.action_page_up()

    def action_focus_pane(self, delta: int) -> None:
        """Tab / shift+tab: the next or previous pane on screen (the search box is `/`)."""
        panes = self.panes()
        focused = self.focused
        if focused in panes:
            target = panes[(panes.index(focused) + delta) % len(panes)]
        else:
            target = panes[0] if delta > 0 else panes[-1]
        self.focus_now(target)

    def action_toggle_tree(self) -> None:
        """Show or hide the tree (hidden by default below NARROW_WIDTH columns)."""
        self.query_one("#body").toggle_class("-tree-toggled")
        tree = self.talk_tree
        if self.tree_visible:
            self.focus_now(tree)
            self.call_after_refresh(tree.reveal_cursor)
        elif tree.has_focus:
            self.focus_now(self.note_pane)

    def action_topics(self) -> None:
        """`t`: the topics view (found once per notebook); choosing one filters the browser."""
        if len(self.app.screen_stack) > 1:
            raise SkipAction()
        from .topics import TopicsScreen

        screen = TopicsScreen(self.notebook, self.session.cached_topics())
        self.app.push_screen(screen, partial(self._topics_closed, screen))

    def _topics_closed(self, screen: TopicsScreen, topic: Topic | None) -> None:
        """The topics view closed: keep what it found for next time; filter by the topic chosen."""
        if screen.found is not None:
            self.session.topics = (screen.notebook, list(screen.found))
        self.filter_by_topic(topic)

    def filter_by_topic(self, topic: Topic | None) -> None:
        """Show `topic`'s talks: its query goes in the search box, so Esc clears it like any search."""
        if topic is None:
            return
        search = self.search_box
        first = self.session.choose_topic(topic)
        if search.value == topic.query:
            self.run_search(topic.query)  # no Input.Changed: search again to apply the topic
        else:
            search.value = topic.query
        if first is not None:
            self.selected = first  # its strongest talk, not whatever was on screen
        target: Widget = self.talk_tree if self.tree_visible else self.results_list
        self.focus_now(target)

    def action_help(self) -> None:
        """`?`: every key, grouped by where it works."""
        from .help import HelpScreen

        self.app.push_screen(HelpScreen(self.binding_sections()))

    def binding_sections(self) -> list[tuple[str, list[Binding]]]:
        """Every key of the browser, grouped by where it works (for the help screen)."""
        palette_key = self.app.COMMAND_PALETTE_BINDING
        palette = Binding(palette_key, "command_palette", "Command palette", id="palette")
        quit_ = Binding("ctrl+q", "quit", "Quit", id="app.quit_ctrl")
        bindings = [b for b in self.BINDINGS if isinstance(b, Binding)]
        return [
            ("Anywhere", [*(b for b in bindings if self.offered(b)), palette, quit_]),
            ("Tree", [b for b in (*Tree.BINDINGS, *TalkTree.BINDINGS) if isinstance(b, Binding)]),
            ("Notes", [b for b in NotePane.BINDINGS if isinstance(b, Binding)]),
            ("Search box", [b for b in SearchInput.BINDINGS if isinstance(b, Binding)]),
        ]

    # ------------------------------------------------------------------ your layer: stars, notes, read marks

    @work(thread=True, group="state", exit_on_error=False)
    def change_state(self, change: Change) -> None:
        """Open the store if need be and make one change there, off the UI thread; report back."""
        from ...state import StateError

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

    def _reconcile(self, store: StateStore) -> str | None:
        """Match stored state to the notes as they are now; what it says becomes warnings."""
        store.warnings.extend(store.reconcile(self.notebook))
        return None

    @on(StateChanged)
    def show_state(self, message: StateChanged) -> None:
        """Stars, notes or read marks changed: mark the tree, redraw the pane, tell what to tell."""
        self.talk_tree.marks = self._state.marks()
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
        from .annotate import AnnotateScreen

        # Open the store now if the first-frame worker has not yet: saving over a
        # note the dialog did not show would lose it.
        store = self._state.open()
        current = store.get(talk.id).annotation if store is not None else None
        self.app.push_screen(AnnotateScreen(talk.title, current), partial(self._save_annotation, talk))

    def _save_annotation(self, talk: Talk, text: str | None) -> None:
        """The dialog closed: store what was saved (None: closed without saving)."""
        if text is None:
            return

        def save(store: StateStore) -> str:
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
        self.talk_filter = self.session.next_filter()
        count = len(self.talk_tree.listed_talks())
        if self.talk_filter == "all":
            self.notify("Showing all talks", timeout=2)
        elif count:
            self.notify(f"Showing {plural(count, f'{self.talk_filter} talk')} (f for more)", timeout=3)
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

        from ..editor import editor_command

        item = self._target()
        line = item.line if isinstance(item, Talk | Day) else None
        argv = editor_command(path, line)
        failure: OSError | None = None
        status = 0
        try:
            with self.app.suspend():
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
            from ...state import StateError

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
        from ... import load

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
        self.session.replace_notebook(new)
        self.app.title = new.title or "qcon-tui"
        self._state.notebook = new
        self.note_pane.notebook = new
        tree = self.talk_tree
        tree.mark_hits(None)
        tree.set_notebook(new)
        # The same talk from a new load may compare equal to the old one, so the
        # watcher would not run: set it quietly and run it here.
        self.set_reactive(BrowserScreen.selected, item)
        self.watch_selected(item)
        if self.session.query.strip():
            self.run_search(self.session.query)
        else:
            self.run_worker(self.session.ensure_index, thread=True, group="index", exit_on_error=False)
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
