"""The browser screen: the tree on the left, the notes on the right, search on top.

A thin layer over a `BrowserSession`: keys and widget messages become calls on the
session, and what it decides becomes widget updates. The screen's state and widget
getters are in `browser_base.py`; the other concerns are layers of their own: your
stars and notes, and editing and live reload (`browser_layers.py`), searching and its
results (`browser_search.py`), a library's files loading and what the tree lists (a
topic, a filter, speakers, order: `browser_tree.py`). `selected` (the notebook, a day
or a talk) and `match_index` (the search match stepped to) are reactives whose
watchers move the tree's cursor and redraw the pane. Slow work runs in thread
workers (search, state changes, reloading, a library's files), which report back
with the messages of `tui.messages`.
"""

from __future__ import annotations

from textual import events, on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, Input, Static, Tree

from ...library import Library, same_title_names
from ...model import Talk
from ...render import position_label
from ..messages import NotesReloaded
from ..personal import first_time, reconcile
from ..reload import NotesWatcher, carry_selection, window_title
from ..session import Item
from ..widgets.key_footer import KeyFooter
from ..widgets.note_pane import NotePane
from ..widgets.results_list import ResultsList
from ..widgets.search_input import SearchInput
from ..widgets.talk_tree import NOTED, STAR, UNREAD, TalkMarks, TalkTree
from .browser_base import WRITING_ACTIONS
from .browser_layers import LiveNotes, YourLayer
from .browser_tree import LibraryLoading, TreeListing

#: How often (seconds) the notes file and the state file are checked for changes.
POLL_INTERVAL = 0.5

#: Said once, the first time the browser runs: what the marks before the titles mean.
FIRST_RUN_HINT = f"{UNREAD} not read yet   {STAR} starred (s)   {NOTED} your note (a)\n? shows every key"

#: The writing keys a read-only browser answers with a word on why they do nothing.
READ_ONLY_KEYS = {"s": "stars", "a": "notes", "e": "editing", "f": "filters by star or read mark"}

# Paired keys share one footer entry: "[ ] talk", "n N match".
TALK_GROUP = Binding.Group("talk", compact=True)
MATCH_GROUP = Binding.Group("match", compact=True)


class BrowserScreen(YourLayer, LiveNotes, LibraryLoading, TreeListing):
    """Browse a notebook (or a library): pick talks in the tree, read them, search them."""

    CSS_PATH = "browser.tcss"

    BINDINGS = [
        # First, so the footer shows it at any width (the footer cuts from the right).
        Binding("question_mark", "help", "Help", key_display="?", priority=True, id="help.open"),
        Binding("q", "quit", "Quit", id="app.quit"),
        # A priority binding acts as the key arrives, so letters typed straight after
        # `/` land in the search box rather than in the widget focused before it.
        Binding("slash,ctrl+f", "focus_search", "Search", key_display="/", priority=True, id="search.focus"),
        Binding("escape", "clear_search", "Clear the search, else the topic", show=False, id="search.clear"),
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
        Binding(
            "t",
            "topics",
            "Topics",
            tooltip="Terms that recur across talks; pick one to filter the tree",
            id="topics.open",
        ),
        Binding("s", "toggle_star", "Star", tooltip="Star or unstar the talk", id="talk.star"),
        Binding("a", "annotate", "Note", tooltip="Write your own note on the talk", id="talk.annotate"),
        Binding("e", "edit", "Edit the notes file here", show=False, id="notes.edit"),
        Binding("f", "cycle_filter", "Filter: all, starred, unread", show=False, id="tree.filter"),
        Binding("w", "toggle_speakers", "Speakers in the tree", show=False, id="tree.speakers"),
        Binding("o", "toggle_order", "Schedule order (by start time)", show=False, id="tree.order"),
        Binding("ctrl+z", "suspend_process", "Suspend to the shell", show=False, id="app.suspend"),
    ]

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        # The first selection is known before any widget exists: set quietly now, the
        # footer's first keys (star, note) are those of the talk shown; `on_mount` shows it.
        self.set_reactive(BrowserScreen.selected, self.session.first_item(self._start_talk))
        yield Header(icon="≡")
        yield SearchInput(placeholder="/ search the notes — try: facebok live", id="search")
        with Horizontal(id="body"):
            with Vertical(id="sidebar"):
                yield TalkTree(self.session.root, id="tree").data_bind(
                    BrowserScreen.talk_filter,
                    BrowserScreen.topic,
                    BrowserScreen.schedule_order,
                    BrowserScreen.show_speakers,
                )
                if self._loader is not None:
                    yield Static("Loading…", id="loading", markup=False)
            with Vertical(id="main"):
                yield ResultsList(conference=self.in_library, id="results")
                yield NotePane(self.session.notebook, id="notes")
        with Horizontal(id="footer-row"):
            yield Static(id="index-status", markup=False)
            yield Static(id="search-count", markup=False)
            yield KeyFooter()

    def on_mount(self) -> None:
        if not self.read_only:
            self.talk_tree.marks = TalkMarks(gutter=True)
        self.watch_selected(self.selected)
        if self.session.directory is not None:
            self.results_list.names = same_title_names(self.library.notebooks)
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
        self.build_index()
        if not self.read_only:
            self.change_state(reconcile(self.notebook))
            self.run_worker(self._first_run_hint, thread=True, group="hint", exit_on_error=False)
        # Live reload: one notes file only (`e` may have pointed it at your copy already).
        if self.notebook.source and not self.in_library and self._watcher is None:
            self._watcher = NotesWatcher(self.notebook.source, layout=self._layout)
        self.set_interval(POLL_INTERVAL, self.check_for_changes)

    def _first_run_hint(self) -> None:
        """The first time the browser runs here, say what the marks in the tree mean (once)."""
        if first_time("marks-hint"):
            self.app.call_from_thread(
                self.notify,
                FIRST_RUN_HINT,
                title="Marks in the tree",
                timeout=12,
                markup=False,
            )

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

    def open_talk(self, talk: Talk) -> None:
        """Show `talk` (from the palette) and move to its notes."""
        self.selected = talk
        self.focus_now(self.note_pane)

    # ------------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Match stepping only shows while the talk on screen has matches; read-only writes nothing."""
        if action == "focus_search" and isinstance(self.focused, Input):
            return False  # typing: `/` is part of the text (and out of the footer)
        if action == "step_match":
            return bool(self.session.spans_for(self.selected))
        if action in WRITING_ACTIONS:
            if self.read_only or len(self.app.screen_stack) > 1:
                return False
            if action in ("toggle_star", "annotate"):
                return True if isinstance(self._target(), Talk) else None
        return True

    def on_key(self, event: events.Key) -> None:
        """Read-only, `s`, `a`, `e` and `f` are off: say so rather than do nothing."""
        what = READ_ONLY_KEYS.get(event.key)
        if what is None or not self.read_only or isinstance(self.focused, Input):
            return
        event.stop()
        said = f"Read-only: no {what} here"
        if self.in_library:
            said += " (a library is browsed read-only: stars and notes are kept per notes file)"
        self.notify(said, severity="warning", timeout=4, markup=False)

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
        """Esc: forget the search and go back to the tree; the selection stays. With no
        search, Esc ends a topic filter: the tree lists every talk again."""
        search = self.search_box
        if not search.value and not self.results_list.display and self.topic is not None:
            self.filter_by_topic(None)
            return
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
        self.body.toggle_class("-tree-toggled")
        tree = self.talk_tree
        if self.tree_visible:
            self.focus_now(tree)
            self.call_after_refresh(tree.reveal_cursor)
        elif tree.has_focus:
            self.focus_now(self.note_pane)

    def action_help(self) -> None:
        """`?`: every key, grouped by where it works (from the search box too: `?` finds nothing)."""
        if len(self.app.screen_stack) > 1:
            raise SkipAction()  # typed into a dialog's text, or the help is already open
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
            # The tree's own keys first: they override Textual's for the same key.
            ("Tree", [b for b in (*TalkTree.BINDINGS, *Tree.BINDINGS) if isinstance(b, Binding)]),
            ("Notes", [b for b in NotePane.BINDINGS if isinstance(b, Binding)]),
            ("Search box", [b for b in SearchInput.BINDINGS if isinstance(b, Binding)]),
        ]

    # ------------------------------------------------------------------ edit and live reload

    @on(NotesReloaded)
    def show_reloaded_notes(self, message: NotesReloaded) -> None:
        """Swap in the reloaded notes: same talk selected (by id), same scroll, fresh index."""
        old, new = self.notebook, message.notebook
        item = carry_selection(old, new, self.selected)
        self.session.replace_notebook(new)
        self.app.title = window_title(new)
        self._state.notebook = new
        self.note_pane.notebook = new
        tree = self.talk_tree
        tree.mark_hits(None)
        if self.session.clear_topic() is not None:  # its talks were the old notes' objects
            self.topic = None
            self._show_count(None)
        tree.set_notebook(new)
        # The same talk from a new load may compare equal to the old one, so the
        # watcher would not run: set it quietly and run it here.
        self.set_reactive(BrowserScreen.selected, item)
        self.watch_selected(item)
        self.build_index()
        if self.session.query.strip():
            self.run_search(self.session.query)
        if not self.read_only:
            self.change_state(reconcile(self.notebook))
        self.notify("Reloaded notes", timeout=2)
