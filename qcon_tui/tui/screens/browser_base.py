"""The browser screen's foundation: its state, the widgets it drives, and what every part needs.

`BrowserScreen` (`browser.py`) is built from this base and its layers, each a concern
of its own: `browser_layers.py` (your stars and notes; editing and live reload),
`browser_search.py` (searching and its results) and `browser_tree.py` (a library's
files loading; what the tree lists). The base holds the session, the reactives the widgets are bound to,
typed getters for the widgets, and the few helpers all of them use.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import getters
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Static

from ...library import Library, LibraryEntry
from ...model import Day, Notebook, Talk
from ..personal import LazyStore
from ..reload import NotesWatcher
from ..session import BrowserSession, Item, TalkFilter
from ..widgets.note_pane import NotePane, NoteView
from ..widgets.results_list import ResultsList
from ..widgets.search_input import SearchInput
from ..widgets.talk_tree import TalkTree

if TYPE_CHECKING:
    from textual.timer import Timer
    from textual.widget import Widget

    from ...cache import Opened
    from ...formats.layout import Layout
    from ...topics import Topic

#: Below this many columns the tree hides (and `b` brings it back).
NARROW_WIDTH = 70
#: Actions that write your own state or leave the app: none of them runs read-only.
WRITING_ACTIONS = frozenset({"toggle_star", "annotate", "edit", "cycle_filter", "suspend_process"})


class BrowserBase(Screen[None]):
    """The browser's state and widgets, shared by the screen and its layers."""

    selected: var[Item | None] = var(None)
    """What the pane shows and the tree's cursor is on."""
    match_index: var[int | None] = var(None)
    """The search match (index into the shown talk's spans) stepped to, if any."""
    talk_filter: var[TalkFilter] = var("all")
    """Which talks the tree lists: "all", "starred" or "unread" (`f`)."""
    topic: var[Topic | None] = var(None)
    """The topic the tree is filtered by (chosen in the topics view, `t`; Esc ends it)."""
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
    body = getters.query_one("#body", Horizontal)
    loading_line = getters.query_one("#loading", Static)

    def __init__(
        self,
        source: Notebook | Library,
        *,
        talk: Talk | None = None,
        search: str | None = None,
        read_only: bool = False,
        loader: Iterable[LibraryEntry] | None = None,
        opened: Opened | Sequence[Opened] | None = None,
        layout: Layout | None = None,
    ) -> None:
        """Browse `source`; `loader` yields a library's files still to read; `opened` says
        how the notes file was read through the cache (its index, or where to store one);
        `layout` is how the notes file is read again when it changes."""
        super().__init__()
        self.session = BrowserSession(source, read_only=read_only, opened=opened)
        self._state = LazyStore(self.session.notebook)
        self._read_timer: Timer | None = None
        self._watcher: NotesWatcher | None = None
        self._layout = layout
        #: A look at the files is under way (see `check_for_changes`).
        self._polling = False
        self._start_talk = talk
        self._start_search = search or ""
        #: Whether `n N` were offered when the keys were last refreshed (None: not yet).
        self._match_keys_shown: bool | None = None
        self._loader = loader

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
        toggled = self.body.has_class("-tree-toggled")
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


    def focus_now(self, widget: Widget) -> None:
        """Move focus at once, not on the next loop turn as `Widget.focus` does.

        Keys typed right after `/` (or Enter, Esc) arrive in the same burst; they
        must land in the widget this key just moved to.
        """
        widget.screen.set_focus(widget)

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
