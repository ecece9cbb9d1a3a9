"""How the tree's rows are drawn: a talk's mark gutter and speakers, a search's dimming and counts.

Work follows what is on screen, not the size of the notes. A talk's node holds
only its title: the gutter, the speakers and a search's dimming are drawn with the
row (`row_label`), so a new star or a search repaints the rows shown rather than
relabelling every node. `TalkRows` is the base of `TalkTree` (`talk_tree.py`),
which builds the nodes and decides which talks are listed.
"""

from __future__ import annotations

from collections.abc import Collection

from rich.style import Style
from rich.text import Text
from textual.reactive import var
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from ...library import Library, same_title_names
from ...model import Day, Notebook, Talk
from .tree_labels import TalkMarks, day_label, notebook_label, talk_label

#: The built-in `id`, which a widget's own `id` parameter shadows in `__init__`.
_identity = id


class TalkRows(Tree[object]):
    """A tree of the notes whose rows are drawn with your marks and a search's hits."""

    show_speakers: var[bool] = var(False, init=False)
    """Show the speakers after each title."""
    marks: var[TalkMarks] = var(TalkMarks(), init=False)
    """Stars and read marks, shown in the gutter."""

    #: `id()` of the talks a search found (talk ids repeat across a library's notebooks);
    #: a class default too, since the base class draws the root before `__init__` ends.
    _hits: Collection[int] | None = None
    #: While a search shows: `id()` of a day or notebook → how many of its talks it found.
    _hit_counts: dict[int, int]
    #: The notebook (or library) the tree shows.
    notebook: Notebook | Library

    def process_label(self, label: str | Text) -> Text:
        """Take a one-line `Text` label as it is: every label here is one (never markup)."""
        if isinstance(label, Text) and "\n" not in label.plain:
            return label
        return super().process_label(label)

    def get_label_width(self, node: TreeNode[object]) -> int:
        """A row's width from its label, mark gutter and toggle icon, without drawing it
        (asked of every row; the speakers are left out, as the tree never scrolls sideways)."""
        label = node.label
        width = label.cell_len if isinstance(label, Text) else len(str(label))
        if isinstance(node.data, Talk) and self.marks.gutter:
            width += 2
        return width + (len(self.ICON_NODE) if node.allow_expand else 0)

    def row_label(self, node: TreeNode[object]) -> Text:
        """`node`'s label as the tree draws it now: a talk with its marks (and speakers),
        dimmed while a search shows that did not find it; while a search shows, days (and
        a library's notebooks) count the talks it found."""
        label = node.label
        data = node.data
        hits = self._hits
        if isinstance(data, Talk):
            missed = hits is not None and _identity(data) not in hits
            return talk_label(
                data, self.marks, speakers=self.show_speakers, missed=missed, width=self._label_width()
            )
        if hits is None or not isinstance(label, Text):
            return label  # type: ignore[return-value]
        if isinstance(data, Day | Notebook) and node is not self.root:
            count = self._hit_counts.get(_identity(data), 0)
            if isinstance(data, Day):
                counted = day_label(data, count)
            else:
                counted = notebook_label(data, count, name=self._notebook_names().get(_identity(data)))
            if count == 0:
                counted.stylize("dim")
            return counted
        return label

    def render_label(self, node: TreeNode[object], base_style: Style, style: Style) -> Text:
        """Draw a row with its marks (see `row_label`), only for rows on screen, cut with
        "…" where it would run past the tree's edge."""
        text = super().render_label(node, base_style, style)
        if self._hits is not None or isinstance(node.data, Talk):
            shown = self.row_label(node)
            if shown is not node.label:
                body = shown.copy()
                body.stylize(style)
                head = text[: len(text) - len(node.label)] if len(text) > len(node.label) else Text()
                text = Text.assemble(head, body)
        room = self._room(node)
        if room and text.cell_len > room:
            text = text.copy()
            text.truncate(max(1, room), overflow="ellipsis")
        return text

    def _room(self, node: TreeNode[object]) -> int:
        """How many cells `node`'s label has: the tree's width less the guides before it."""
        depth, parent = 0, node.parent
        while parent is not None:
            depth, parent = depth + 1, parent.parent
        return self.scrollable_content_region.width - depth * self.guide_depth

    def _label_width(self) -> int | None:
        # A talk's row starts after two levels of guides (three in a library); the
        # scrollbar takes a cell.
        levels = 3 if isinstance(self.notebook, Library) else 2
        return self.size.width - levels * self.guide_depth - 1 if self.size.width else None

    def _notebook_names(self) -> dict[int, str]:
        """File names for the notebooks of a library that share their title with another."""
        if not isinstance(self.notebook, Library):
            return {}
        return same_title_names(self.notebook.notebooks)

    def watch_show_speakers(self, old: bool, new: bool) -> None:
        if old != new:
            self._repaint_rows()

    def watch_marks(self) -> None:
        self._repaint_rows()

    def _repaint_rows(self) -> None:
        """Draw the rows on screen again: their marks are worked out as they are drawn.

        Refreshing the root changes the cache key of every row (each row's path
        starts at the root), so no row is drawn from its cache with old marks.
        """
        self.root.refresh()
        self.refresh()
