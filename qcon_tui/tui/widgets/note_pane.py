"""The note pane: the selected talk (or day, notebook or library) rendered with Rich."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import RenderableType
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from ...library import Library
from ...model import Day, Notebook, Talk
from ...render import SpanLike, current_match_line, render_day, render_intro, render_library, render_talk
from .scrolling import scroll_lines


@dataclass(frozen=True)
class NoteView:
    """What the pane shows: an item, its search matches, the one stepped to and your note."""

    item: Notebook | Day | Talk | Library
    spans: Sequence[SpanLike] = ()
    current: int | None = None
    annotation: str | None = None
    #: The notebook `item` belongs to, in a library (None: the pane's own notebook).
    notebook: Notebook | None = None


def same_place(a: object, b: object) -> bool:
    """True when `a` and `b` are the same thing to read, even from two loads of the notes.

    A reloaded notebook holds new objects; the pane keeps its scroll position
    when the talk it shows is the same talk (by id), not only the same object.
    """
    if a is b:
        return True
    if isinstance(a, Talk) and isinstance(b, Talk):
        return a.id == b.id
    if isinstance(a, Day) and isinstance(b, Day):
        return a.title == b.title
    return isinstance(a, Notebook) and isinstance(b, Notebook)


class NotePane(VerticalScroll):
    """Scrolls the rendered notes; scrolls the current match into view when it changes."""

    BINDINGS = [
        Binding("j,down", "scroll_down", "Scroll down", show=False, id="notes.down"),
        Binding("k,up", "scroll_up", "Scroll up", show=False, id="notes.up"),
        Binding("g,home", "scroll_home", "Top", show=False, id="notes.top"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="notes.bottom"),
    ]

    view: reactive[NoteView | None] = reactive(None)

    def action_scroll_down(self) -> None:
        """`j`: a line down, at once, so every key of a burst (key repeat over SSH) counts."""
        self.scroll_lines(1)

    def action_scroll_up(self) -> None:
        """`k`: a line up, at once."""
        self.scroll_lines(-1)

    def action_page_down(self) -> None:
        """PgDn / space: a pageful down, at once (see `scroll_lines`)."""
        self.scroll_lines(self.scrollable_content_region.height)

    def action_page_up(self) -> None:
        """PgUp: a pageful up, at once."""
        self.scroll_lines(-self.scrollable_content_region.height)

    def scroll_lines(self, lines: int) -> None:
        """Scroll `lines` at once (see `scrolling.scroll_lines`)."""
        scroll_lines(self, lines)

    def __init__(self, notebook: Notebook, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.notebook = notebook
        self._shown: object = None
        self._shown_in: Notebook | None = None  # the notebook of what is shown, in a library

    def compose(self):
        yield Static(id="note-body")

    def render_view(self, view: NoteView) -> RenderableType:
        """The Rich renderable for `view`."""
        item = view.item
        notebook = self.notebook if view.notebook is None else view.notebook
        conference = view.notebook is not None  # in a library, say which conference
        if isinstance(item, Talk):
            return render_talk(
                notebook,
                item,
                spans=view.spans,
                current=view.current,
                annotation=view.annotation,
                conference=conference,
            )
        if isinstance(item, Day):
            return render_day(notebook, item, conference=conference)
        if isinstance(item, Library):
            return render_library(item)
        return render_intro(item if isinstance(item, Notebook) else notebook)

    def watch_view(self, view: NoteView | None) -> None:
        if view is None:
            return
        self.query_one("#note-body", Static).update(self.render_view(view))
        if view.current is not None:
            self.call_after_refresh(self.scroll_to_current)
        elif not same_place(view.item, self._shown) or view.notebook is not self._shown_in:
            # (In a library, "day 1" of one conference is not "day 1" of the next.)
            self.scroll_home(animate=False)
        self._shown, self._shown_in = view.item, view.notebook

    def scroll_to_current(self) -> None:
        """Bring the current match into view, a third of the way down the pane."""
        view = self.view
        if view is None or view.current is None:
            return
        body = self.query_one("#note-body", Static)
        width = body.content_size.width or self.size.width
        line = current_match_line(self.render_view(view), width)
        if line is not None:
            self.scroll_to(y=max(0, line - self.size.height // 3), animate=False)
