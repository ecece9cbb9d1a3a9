"""The day/talk tree: the notebook at the root, days under it, talks as leaves.

For a library (a directory of notes files) the library is the root and each
notebook a node above its days; notebooks are added as they load. Nodes carry
the model objects (`data=`), so handlers read `event.node.data` rather than
parsing labels. Labels are `Text`, so titles are never read as markup.

Your own marks show in a two-cell gutter before each title: `★` for a starred
talk, `✎` for one you wrote a note on, a dim `•` for one not read yet (the first
of these that applies). The browser hands them down as `marks`; `talk_filter`,
`topic`, `schedule_order` and `show_speakers` are bound to the browser screen's state.

Work follows what is on screen, not the size of the notes. A talk's node holds
only its title: its row is drawn with its marks by the base class (`tree_rows.py`).
A day's talks get their nodes when the day is first unfolded or one of its talks
is shown; a notebook listing more than `UNFOLDED_TALKS` talks opens with its days
folded, so its first frame does not wait for a hundred thousand nodes.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import var
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from ...library import Library
from ...model import Day, Notebook, Talk
from ...ordering import schedule_order
from .tree_homes import TalkHomes
from .tree_labels import MIN_TITLE_CELLS as MIN_TITLE_CELLS
from .tree_labels import NOTED as NOTED
from .tree_labels import STAR as STAR
from .tree_labels import UNREAD as UNREAD
from .tree_labels import TalkMarks as TalkMarks
from .tree_labels import day_label as day_label
from .tree_labels import notebook_label as notebook_label
from .tree_labels import talk_label as talk_label
from .tree_rows import TalkRows

if TYPE_CHECKING:
    from ...topics import Topic

#: The built-in `id`, which the widget's own `id` parameter shadows in `__init__`.
_identity = id


#: The tree filters `f` cycles through, in order.
FILTERS = ("all", "starred", "unread")

#: A notebook listing more talks than this opens with its days folded.
UNFOLDED_TALKS = 1000


#: What a node of the tree carries: the library (the root), a notebook, a day or a talk.
TreeItem = Library | Notebook | Day | Talk


class TalkTree(TalkRows):
    """The notebook's (or library's) outline, with vim-style movement and search hits marked.

    It announces what its cursor is on with `ItemHighlighted` and what Enter chose with
    `ItemChosen`, carrying the model object. Keys come in bursts, so a highlight can be
    stale by the time it is read: the tree drops those it sees, and a listener reads
    `ItemHighlighted.current` for any that went stale on the way up.
    """

    @dataclass
    class ItemHighlighted(Message):
        """The cursor is on `item` (the library, a notebook, a day or a talk)."""

        tree: TalkTree
        node: TreeNode[object]
        item: TreeItem

        @property
        def control(self) -> TalkTree:
            return self.tree

        @property
        def current(self) -> bool:
            """Whether the cursor is still on this item (not moved on since)."""
            return self.node is self.tree.cursor_node

    @dataclass
    class ItemChosen(Message):
        """Enter (or a click) chose `item`."""

        tree: TalkTree
        item: TreeItem

        @property
        def control(self) -> TalkTree:
            return self.tree

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="tree.down"),
        Binding("k", "cursor_up", "Up", show=False, id="tree.up"),
        Binding("h,left", "collapse_or_parent", "Collapse / to parent", show=False, id="tree.collapse"),
        Binding("l,right", "expand_or_child", "Expand / into", show=False, id="tree.expand"),
        Binding("g,home", "cursor_first", "First line", show=False, id="tree.top"),
        Binding("G,end", "cursor_last", "Last line", show=False, id="tree.bottom"),
        Binding("enter", "select_cursor", "Read the talk", show=False, id="tree.open"),
        # Space and the page keys page the notes from anywhere; the tree's own would
        # toggle a day or move the cursor a page (and so change the talk shown).
        Binding(
            "space,pagedown", "screen.page_notes(1)", "Page the notes down", show=False, id="tree.page_down"
        ),
        Binding("pageup", "screen.page_notes(-1)", "Page the notes up", show=False, id="tree.page_up"),
    ]

    talk_filter: var[str] = var("all", init=False)
    """Which talks are listed: "all", "starred" or "unread" (decided when it changes)."""
    topic: var[Topic | None] = var(None, init=False)
    """A topic chosen in the topics view: only its talks are listed (within `talk_filter`'s)."""
    schedule_order: var[bool] = var(False, init=False)
    """List each day's talks by start time (see `ordering.schedule_order`) instead of file order."""

    def __init__(self, notebook: Notebook | Library, *, id: str | None = None) -> None:
        super().__init__(Text(notebook.title or "notes"), data=notebook, id=id)
        self.notebook = notebook
        self.show_root = True
        self.guide_depth = 2
        #: `id()` of an item → its node, for the nodes made so far.
        self._node_by_item: dict[int, TreeNode[object]] = {}
        self._notebook_rows: list[tuple[Notebook, TreeNode[object]]] = []
        #: `id()` of a day with a node → the talks listed under it (filter and order applied).
        self._listed: dict[int, list[Talk]] = {}
        #: `id()` of the days whose talks have their nodes.
        self._filled: set[int] = set()
        self._hits = None
        self._hit_counts = {}
        #: Where each talk lives, found from the model (a folded day's talks have no nodes).
        self._homes = TalkHomes(self.notebooks)
        #: `id()` of the talks the filters let through, fixed when a filter was chosen
        #: (a talk read or unstarred meanwhile stays until the filter changes), or None.
        self._visible: frozenset[int] | None = None
        self.root.expand()
        self._populate()

    @on(Tree.NodeHighlighted)
    def _announce_highlight(self, event: Tree.NodeHighlighted[object]) -> None:
        """The cursor moved: say what it is on, unless it has moved on again since."""
        event.stop()
        data = event.node.data
        if event.node is self.cursor_node and isinstance(data, TreeItem):
            self.post_message(self.ItemHighlighted(self, event.node, data))

    @on(Tree.NodeExpanded)
    def _fill_unfolded(self, event: Tree.NodeExpanded[object]) -> None:
        """A node was unfolded (by a key, a click or "expand all"): its talks get their nodes."""
        self._fill_under(event.node)

    @on(Tree.NodeSelected)
    def _announce_choice(self, event: Tree.NodeSelected[object]) -> None:
        """A node was chosen: say which item."""
        event.stop()
        data = event.node.data
        if isinstance(data, TreeItem):
            self.post_message(self.ItemChosen(self, data))

    # ------------------------------------------------------------------ building

    def day_talks(self, day: Day) -> list[Talk]:
        """A day's talks in the order the tree lists them (filter aside)."""
        return schedule_order(day.talks) if self.schedule_order else list(day.talks)

    def notebooks(self) -> tuple[Notebook, ...]:
        """The notebooks the tree shows: a library's, or the one notebook."""
        return self.notebook.notebooks if isinstance(self.notebook, Library) else (self.notebook,)

    def ordered_talks(self) -> list[Talk]:
        """Every talk in the tree's order, listed or filtered out."""
        return [talk for nb in self.notebooks() for day in nb.days for talk in self.day_talks(day)]

    def listed_talks(self) -> list[Talk]:
        """The talks the tree lists, top to bottom (what `[` and `]` step through), nodes made or not."""
        listed = self._listed
        return [
            talk
            for notebook in self.notebooks()
            for day in notebook.days
            for talk in listed.get(_identity(day), ())
        ]

    def _passes(self, talk: Talk) -> bool:
        marks = self.marks
        if self.talk_filter == "starred":
            return talk.id in marks.starred
        if self.talk_filter == "unread":
            return marks.read is None or talk.id not in marks.read
        return True

    def _populate(self) -> None:
        """(Re)build the nodes from the notebook, the filter and the order; keep the cursor's item."""
        keep = self.cursor_node.data if self.cursor_node is not None else None
        if self.is_mounted:
            self.move_cursor(None)
            self.clear()
            self.root.set_label(Text(self.notebook.title or "notes"))
            self.root.data = self.notebook
        self._node_by_item = {_identity(self.notebook): self.root}
        self._homes = TalkHomes(self.notebooks)
        self._notebook_rows, self._listed, self._filled = [], {}, set()
        if isinstance(self.notebook, Library):
            for member in self.notebook.notebooks:
                self._add_notebook_node(member)
        else:
            self._add_days(self.root, self.notebook)
        self._show_view()
        if keep is not None and self.is_mounted:
            self.show_item(keep)

    def add_notebook(self, notebook: Notebook) -> None:
        """A library's next notebook has loaded: add it (days and talks) as the last conference."""
        if not isinstance(self.notebook, Library):
            return
        self.notebook = Library(
            self.notebook.title, (*self.notebook.notebooks, notebook), source=self.notebook.source
        )
        self._add_notebook_node(notebook)
        self._homes.add(notebook)
        self._relabel_notebooks()

    def _add_notebook_node(self, notebook: Notebook) -> None:
        # Only the first is expanded, so a big library opens as a list of conferences;
        # under a filter, every conference with talks listed (none listed: no row).
        listed = self._listed_in(notebook)
        if listed == 0:
            return
        name = self._notebook_names().get(_identity(notebook))
        label = notebook_label(notebook, listed, name=name)
        expand = not self._notebook_rows or listed is not None
        node = self.root.add(label, data=notebook, expand=expand)
        self._node_by_item[_identity(notebook)] = node
        self._notebook_rows.append((notebook, node))
        self._add_days(node, notebook)

    def _add_days(self, parent: TreeNode[object], notebook: Notebook) -> None:
        """Add `notebook`'s days under `parent`: unfolded, with their talks, unless it lists many."""
        visible = self._visible
        days: list[tuple[Day, list[Talk]]] = []
        for day in notebook.days:
            talks = [talk for talk in self.day_talks(day) if visible is None or _identity(talk) in visible]
            if visible is None or talks:
                days.append((day, talks))
        unfold = sum(len(talks) for _day, talks in days) <= UNFOLDED_TALKS
        for day, talks in days:
            day_node = parent.add(day_label(day, len(talks)), data=day, expand=unfold)
            self._node_by_item[_identity(day)] = day_node
            self._listed[_identity(day)] = talks
            if unfold and parent.is_expanded:
                self._fill(day_node)

    def _fill(self, day_node: TreeNode[object]) -> None:
        """Make the nodes of the talks listed under `day_node`'s day, unless they are made."""
        day = day_node.data
        if not isinstance(day, Day) or _identity(day) in self._filled:
            return
        self._filled.add(_identity(day))
        for talk in self._listed.get(_identity(day), ()):
            self._node_by_item[_identity(talk)] = day_node.add_leaf(Text(talk.title), data=talk)

    def _fill_under(self, node: TreeNode[object]) -> None:
        """Make the talk nodes `node` shows when unfolded: a day's, or those of a notebook's unfolded days."""
        if isinstance(node.data, Day):
            self._fill(node)
            return
        for child in node.children:
            if child.is_expanded:
                self._fill(child)

    def unfold(self, node: TreeNode[object]) -> None:
        """Unfold `node`, its talks' nodes made first (so the rows are there on the next frame)."""
        self._fill_under(node)
        node.expand()

    def _relabel_notebooks(self) -> None:
        """Label a library's notebooks again: a new one may share a title with one before."""
        names = self._notebook_names()
        for notebook, node in self._notebook_rows:
            label = notebook_label(notebook, self._listed_in(notebook), name=names.get(_identity(notebook)))
            if node.label != label:
                node.set_label(label)

    def _listed_in(self, notebook: Notebook) -> int | None:
        """How many of `notebook`'s talks a filter lets through (None: no filter)."""
        visible = self._visible
        if visible is None:
            return None
        return sum(1 for day in notebook.days for talk in day.talks if _identity(talk) in visible)

    def _show_view(self) -> None:
        """Name a filter or an order other than the file's in the tree's top border."""
        parts = [f"topic: {self.topic.term}"] if self.topic is not None else []
        if self.talk_filter == "starred":
            parts.append(f"{STAR} starred")
        elif self.talk_filter == "unread":
            parts.append(f"{UNREAD} unread")
        if self.schedule_order:
            parts.append("by time")
        self.set_class(bool(parts), "-view")
        self.border_title = Content(" " + " · ".join(parts) + " ") if parts else None

    def set_notebook(self, notebook: Notebook) -> None:
        """Show a reloaded notebook (the filter is decided again on it)."""
        self.notebook = notebook
        self._visible = self._filtered_ids()
        self._populate()

    def _filtered_ids(self) -> frozenset[int] | None:
        topic = self.topic
        if self.talk_filter == "all" and topic is None:
            return None
        held = None if topic is None else {_identity(ref.talk) for ref in topic.talks}
        return frozenset(
            _identity(talk)
            for talk in self.ordered_talks()
            if (held is None or _identity(talk) in held) and self._passes(talk)
        )

    def watch_talk_filter(self, old: str, new: str) -> None:
        if old == new:
            return  # data_bind sets the same value when the tree is mounted
        self._visible = self._filtered_ids()
        self._populate()

    def watch_topic(self, old: Topic | None, new: Topic | None) -> None:
        if old is not new:
            self._visible = self._filtered_ids()
            self._populate()

    def watch_schedule_order(self, old: bool, new: bool) -> None:
        if old != new:
            self._populate()

    def node_for(self, item: object) -> TreeNode[object] | None:
        """The node that carries `item` (the notebook, a day or a talk; a library is the root).

        A talk in a day not unfolded yet gets its node (its day's talks theirs) now;
        a talk the filter hides has none.
        """
        if isinstance(item, Library):
            return self.root  # a library grows as files load; the root stands for every version
        node = self._node_by_item.get(_identity(item))
        if node is None and isinstance(item, Talk):
            day = self._homes.day_of(item)
            day_node = self._node_by_item.get(_identity(day)) if day is not None else None
            if day_node is not None:
                self._fill(day_node)
                node = self._node_by_item.get(_identity(item))
        return node

    def show_item(self, item: object) -> None:
        """Put the cursor on `item`'s node (expanding its day), unless it is there already."""
        node = self.node_for(item)
        if node is None or self.cursor_node is node:
            return
        parent = node.parent
        while parent is not None:  # in a folded day, or a library's folded conference
            if not parent.is_expanded:
                self.unfold(parent)
            parent = parent.parent
        # Reading `last_line` lays out the tree's lines, so the node knows its line.
        if self.last_line < 0 or node.line < 0:
            return
        if self.size.height:
            self.move_cursor(node)
        else:
            # Hidden or not laid out yet: scrolling now would scroll too far, so only
            # move the cursor; `reveal_cursor` scrolls once the tree has a size.
            self.cursor_line = node.line
            self.call_after_refresh(self.reveal_cursor)

    def reveal_cursor(self) -> None:
        """Scroll the cursor's node into view (after the tree is shown again)."""
        if self.cursor_node is not None and self.size.height:
            self.scroll_to_node(self.cursor_node, animate=False)

    def mark_hits(self, found: Collection[Talk] | None) -> None:
        """Dim the talks a search did not find (`None`: no search, nothing dimmed).

        Talks are told apart by identity: two notebooks of a library may share talk ids.
        The rows are drawn again only when the talks found change: while a word is typed,
        most keys find the same talks, and each repaint makes new lines for every row.
        """
        if found is None:
            if self._hits is None:
                return
            self._hits, self._hit_counts = None, {}
        else:
            hits = {_identity(talk) for talk in found}
            if hits == self._hits:
                return
            self._hits = hits
            counts: dict[int, int] = {}
            for talk in found:
                for item in self._homes.owners(talk, library=isinstance(self.notebook, Library)):
                    counts[item] = counts.get(item, 0) + 1
            self._hit_counts = counts
        self._repaint_rows()

    def action_collapse_or_parent(self) -> None:
        """Collapse an open node, or step out to its parent."""
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded and node is not self.root:
            node.collapse()
        elif node.parent is not None:
            self.move_cursor(node.parent)

    def action_expand_or_child(self) -> None:
        """Expand a closed node, or step into its first child."""
        node = self.cursor_node
        if node is None or not node.allow_expand:
            return
        if not node.is_expanded:
            self.unfold(node)
            return
        self._fill_under(node)  # unfolded a moment ago, its talks not made yet
        if node.children:
            self.move_cursor(node.children[0])

    def action_cursor_first(self) -> None:
        """Jump to the first line (the notebook)."""
        self.move_cursor(self.root)

    def action_cursor_last(self) -> None:
        """Jump to the last visible line."""
        last = self.last_line
        if last >= 0:
            self.move_cursor_to_line(last)
