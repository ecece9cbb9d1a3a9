"""The search results: one row per talk, "day › talk" and a snippet with the matches lit.

In a library each row also names its conference: "QCon London 2017 › day 2 › talk".
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.widget import Widget
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...library import LibraryHit
from ...render import MATCH_STYLE
from ..session import TalkHit

_SPACE_RE = re.compile(r"\s+")


def result_prompt(
    hit: TalkHit, width: int, *, conference: bool = False, names: Mapping[int, str] | None = None
) -> Text:
    """Two lines for one hit: "day › talk", then the snippet with matched words lit.

    With `conference` (a library's hit, which carries its `notebook`) the heading
    starts with the notebook's title, and its file name where `names` has one (two
    notebooks share the title). Each line is cut to `width` with an ellipsis, so every
    row is the same height.
    """
    width = max(4, width)
    talk, day = hit.talk, hit.day
    heading = Text()
    if day.title:
        heading.append(day.title, style="dim")
        heading.append(" › ", style="dim")
    heading.append(_one_line(talk.title), style="bold")
    notebook = hit.notebook if conference and isinstance(hit, LibraryHit) else None
    if notebook is not None and notebook.title:
        # The conference leads, but gives way (down to a few letters) to the talk's title.
        name = (names or {}).get(id(notebook))
        where = Text(_one_line(notebook.title) + (f" · {name}" if name else ""), style="dim")
        where.truncate(max(16, width - heading.cell_len - 3), overflow="ellipsis")
        heading = Text.assemble(where, (" › ", "dim"), heading)
    heading.truncate(width, overflow="ellipsis")
    snippet = hit.snippet
    if not snippet or snippet == talk.title:
        return heading
    # Imported here: the search modules are not needed before the first frame (a hit
    # exists only once the index, built after it, has answered).
    from ...search_hits import snippet_window

    excerpt, spans = snippet_window(snippet, hit.snippet_spans, width - 2)
    line = Text("  " + excerpt, style="dim")
    for start, end in spans:
        line.stylize(MATCH_STYLE, start + 2, end + 2)
    line.truncate(width, overflow="ellipsis")
    return Text("\n").join([heading, line])


def _one_line(text: str) -> str:
    return _SPACE_RE.sub(" ", text).strip()


#: Rows built beyond those that fit, so a step or two down needs no building.
SPARE_ROWS = 4


class ResultsList(OptionList):
    """Ranked search hits, best first; selecting one opens the talk.

    Rows are built for the hits that fit on screen (and a few more), with a "… N more"
    row after them; moving down builds the next ones. A keystroke costs a screenful
    of rows, not one per hit.
    """

    def __init__(self, *, conference: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.hits: list[TalkHit] = []
        #: Whether rows name their conference (hits from a library of several notebooks).
        self.conference = conference
        #: File names of a library's notebooks that share a title (id(notebook) → name).
        self.names: dict[int, str] = {}
        self._query = ""
        #: How many of `hits` have a row (the rest are counted in the last row).
        self._built = 0

    def show_hits(self, hits: Sequence[TalkHit], query: str) -> None:
        """Replace the rows with `hits` (an empty list shows "no matches")."""
        self.hits = list(hits)
        self._query = query
        self._built = 0
        self.clear_options()
        if not hits:
            message = Text("no talks match ", style="italic")
            message.append(query, style="bold")
            self.add_option(Option(message, disabled=True))
            return
        self.build_rows(self.rows_that_fit() + SPARE_ROWS)
        self.highlighted = 0

    @property
    def built(self) -> int:
        """How many hits have a row so far."""
        return self._built

    def rows_that_fit(self) -> int:
        """How many two-line rows the list shows at once (the screen's height before layout)."""
        height = self.size.height or self.app.size.height
        return max(1, height // 2 + 1)

    def build_rows(self, count: int) -> None:
        """Make sure the first `count` hits have rows; the rest are counted in a last row."""
        count = min(count, len(self.hits))
        if count <= self._built:
            return
        if self.option_count > self._built:  # the "… N more" row goes, to come back after
            self.remove_option_at_index(self.option_count - 1)
        width = self.row_width()
        new = self.hits[self._built : count]
        self.add_options(
            Option(result_prompt(hit, width, conference=self.conference, names=self.names), id=str(n))
            for n, hit in enumerate(new, self._built)
        )
        self._built = count
        left = len(self.hits) - count
        if left:
            self.add_option(Option(Text(f"… {left} more (↓)", style="dim italic"), disabled=True))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """The cursor came near the last row built: build the next screenful."""
        if event.option_list is self and event.option_index >= self._built - 2:
            self.build_rows(self._built + self.rows_that_fit())

    def row_width(self) -> int:
        """How wide a row can be: the column this list sits in, less the scrollbar."""
        parent = self.parent
        width = parent.content_size.width if isinstance(parent, Widget) else 0
        return max(10, (width or self.app.size.width) - 2)

    def on_resize(self) -> None:
        """Re-cut the rows to the new width, keeping the cursor where it was."""
        if self.hits:
            highlighted = self.highlighted
            self.show_hits(self.hits, self._query)
            if highlighted is not None:
                self.build_rows(highlighted + SPARE_ROWS)
            self.highlighted = highlighted

    def highlighted_hit(self) -> TalkHit | None:
        """The hit under the cursor, if any."""
        index = self.highlighted
        if index is None or not (0 <= index < self._built):
            return None
        return self.hits[index]

    def step(self, delta: int) -> None:
        """Move the cursor `delta` rows, staying within the list."""
        if not self.hits:
            return
        index = self.highlighted if self.highlighted is not None else -1
        target = max(0, min(len(self.hits) - 1, index + delta))
        self.build_rows(target + SPARE_ROWS)
        self.highlighted = target
