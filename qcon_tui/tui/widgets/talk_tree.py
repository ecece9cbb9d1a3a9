"""The day/talk tree: the notebook at the root, days under it, talks as leaves.

Nodes carry the model objects (`data=`), so handlers read `event.node.data`
rather than parsing labels. Labels are `Text`, so titles are never read as markup.
"""

from __future__ import annotations

from collections.abc import Collection

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from ...model import Day, Notebook, Talk

#: The built-in `id`, which the widget's own `id` parameter shadows in `__init__`.
_identity = id


def day_label(day: Day, hits: int | None = None) -> Text:
    """ "day 1 (7)", or "day 1 (2/7)" while a search is showing `hits` of its talks."""
    title = day.title or "untitled day"
    count = f"({len(day.talks)})" if hits is None else f"({hits}/{len(day.talks)})"
    label = Text(title)
    label.append(" ")
    label.append(count, style="dim")
    return label


class TalkTree(Tree[object]):
    """The notebook's outline, with vim-style movement and search hits marked."""

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
            "space,pagedown", "app.page_notes(1)", "Page the notes down", show=False, id="tree.page_down"
        ),
        Binding("pageup", "app.page_notes(-1)", "Page the notes up", show=False, id="tree.page_up"),
    ]

    def __init__(self, notebook: Notebook, *, id: str | None = None) -> None:
        super().__init__(Text(notebook.title or "notes"), data=notebook, id=id)
        self.notebook = notebook
        self.show_root = True
        self.guide_depth = 2
        self._node_by_item: dict[int, TreeNode[object]] = {_identity(notebook): self.root}
        self._day_rows: list[tuple[Day, TreeNode[object]]] = []
        self._talk_rows: list[tuple[Talk, TreeNode[object]]] = []
        self.root.expand()
        for day in notebook.days:
            day_node = self.root.add(day_label(day), data=day, expand=True)
            self._node_by_item[_identity(day)] = day_node
            self._day_rows.append((day, day_node))
            for talk in day.talks:
                leaf = day_node.add_leaf(Text(talk.title), data=talk)
                self._node_by_item[_identity(talk)] = leaf
                self._talk_rows.append((talk, leaf))

    def node_for(self, item: object) -> TreeNode[object] | None:
        """The node that carries `item` (the notebook, a day or a talk)."""
        return self._node_by_item.get(_identity(item))

    def show_item(self, item: object) -> None:
        """Put the cursor on `item`'s node (expanding its day), unless it is there already."""
        node = self.node_for(item)
        if node is None or self.cursor_node is node:
            return
        parent = node.parent
        if parent is not None and not parent.is_expanded:
            parent.expand()
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

    def mark_hits(self, talk_ids: Collection[str] | None) -> None:
        """Dim the talks a search did not find (`None`: no search, nothing dimmed)."""
        for talk, node in self._talk_rows:
            missed = talk_ids is not None and talk.id not in talk_ids
            node.set_label(Text(talk.title, style="dim" if missed else ""))
        for day, node in self._day_rows:
            hits = None if talk_ids is None else sum(1 for talk in day.talks if talk.id in talk_ids)
            label = day_label(day, hits)
            if hits == 0:
                label.stylize("dim")
            node.set_label(label)

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
            node.expand()
        elif node.children:
            self.move_cursor(node.children[0])

    def action_cursor_first(self) -> None:
        """Jump to the first line (the notebook)."""
        self.move_cursor(self.root)

    def action_cursor_last(self) -> None:
        """Jump to the last visible line."""
        last = self.last_line
        if last >= 0:
            self.move_cursor_to_line(last)
