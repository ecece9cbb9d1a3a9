"""Model → Rich renderables: one talk (or the notebook's intro) ready to print.

The TUI's note pane and `qcon-tui show` print exactly what this module returns.
Every piece of note text enters as `rich.text.Text`, never as markup, so a `[bold]`
or a stray `[/bold]` in the notes is shown as written. No Textual import here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, Protocol

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.padding import Padding
from rich.panel import Panel
from rich.style import Style
from rich.text import Text

from .model import (
    Block,
    Code,
    Day,
    Heading,
    ListBlock,
    ListItem,
    Notebook,
    Paragraph,
    Quote,
    Span,
    Table,
    Talk,
)
from .words import plural

if TYPE_CHECKING:
    from .library import Library

__all__ = [
    "CURRENT_STYLE",
    "MATCH_STYLE",
    "SpanLike",
    "current_match_line",
    "render_annotation",
    "render_day",
    "render_intro",
    "render_library",
    "render_talk",
]

#: Meta key carried by the current match's style, so a viewer can find its line.
CURRENT_META = "qcon-current-match"

TITLE_STYLE = Style(bold=True)
POSITION_STYLE = Style(dim=True)
FACT_STYLE = Style(italic=True)
HEADING_STYLES = {1: Style(bold=True, underline=True), 2: Style(bold=True)}
HEADING_STYLE_DEEP = Style(bold=True, italic=True)
BULLET_STYLE = Style(bold=True)
QUOTE_STYLE = Style(italic=True)
CODE_BORDER = Style(dim=True)
#: Your own note stands apart from the author's: a framed box in its own colour.
ANNOTATION_BORDER = Style(color="cyan")
ANNOTATION_TITLE = Style(color="cyan", bold=True)
#: URLs look like links but carry no `link` (no OSC 8) and no click action: links are
#: shown, never opened on the machine that runs the viewer (over SSH, the server).
URL_STYLE = Style(underline=True, color="bright_blue")
#: Search matches: black on yellow, written as yellow on black reversed, so that without
#: colour (NO_COLOR) a match still stands out in reverse video. The one stepped to is
#: bold and underlined as well.
MATCH_STYLE = Style(color="yellow", bgcolor="black", reverse=True)
CURRENT_STYLE = Style(color="bright_green", bgcolor="black", reverse=True, bold=True, underline=True) + Style(
    meta={CURRENT_META: True}
)

# A URL runs to the next whitespace; trailing sentence punctuation is not part of it.
_URL_RE = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?)]}'\""

BULLETS = ("•", "◦", "▪", "‣")


class SpanLike(Protocol):
    """What a search span offers to the renderer (see `qcon_tui.search.Span`)."""

    @property
    def field(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def block(self) -> int: ...
    @property
    def item(self) -> int: ...


# --------------------------------------------------------------------------- helpers


class Hanging:
    """A first-line prefix (bullet, number, quote bar) with the body wrapped under it.

    Rich's `Text` has no hanging indent; this wraps the body to the width left after
    the prefix and indents the continuation lines to line up with the first.
    """

    def __init__(self, prefix: Text, body: Text, indent: int = 0, prefix_every_line: bool = False) -> None:
        self.prefix = prefix
        self.body = body
        self.indent = indent
        self.prefix_every_line = prefix_every_line

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        gutter = self.indent + self.prefix.cell_len
        width = max(1, options.max_width - gutter)
        lines = list(self.body.wrap(console, width, overflow="fold")) or [Text("")]
        blank = Text(" " * self.prefix.cell_len)
        for number, line in enumerate(lines):
            lead = Text(" " * self.indent, end="\n")
            lead.append_text(self.prefix if number == 0 or self.prefix_every_line else blank)
            lead.append_text(line)
            yield lead

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        gutter = self.indent + self.prefix.cell_len
        body = Measurement.get(console, options, self.body)
        return Measurement(body.minimum + gutter, body.maximum + gutter).clamp(max_width=options.max_width)


def _text(value: str, style: Style | str = "") -> Text:
    """Note text as a `Text`, wrapping long words and URLs rather than cutting them."""
    return Text(value, style=style, overflow="fold")


def style_urls(text: Text) -> Text:
    """Underline and colour every URL in `text` (display only: no hyperlink, no action)."""
    plain = text.plain
    for match in _URL_RE.finditer(plain):
        start, end = match.span()
        while end > start and plain[end - 1] in _URL_TRAILING:
            end -= 1
        if end > start:
            text.stylize(URL_STYLE, start, end)
    return text


def _highlight(text: Text, spans: Iterable[tuple[int, int, bool]]) -> Text:
    """Apply match styles: (start, end, is_current) character ranges of `text`."""
    length = len(text.plain)
    for start, end, is_current in spans:
        start, end = max(0, start), min(length, end)
        if end > start:
            text.stylize(CURRENT_STYLE if is_current else MATCH_STYLE, start, end)
    return text


class _Marks:
    """Search spans grouped by where they land, with the current one flagged."""

    def __init__(self, spans: Sequence[SpanLike], current: int | None) -> None:
        self._by_key: dict[tuple[str, int, int], list[tuple[int, int, bool]]] = {}
        for index, span in enumerate(spans):
            key = ("notes", span.block, span.item) if span.field == "notes" else (span.field, -1, 0)
            self._by_key.setdefault(key, []).append((span.start, span.end, index == current))

    def get(self, field: str, block: int = -1, item: int = 0) -> list[tuple[int, int, bool]]:
        return self._by_key.get((field, block, item), [])


#: How each inline span style looks; a link's target follows its text, dimmed.
SPAN_STYLES = {
    "bold": Style(bold=True),
    "italic": Style(italic=True),
    "code": Style(color="bright_cyan"),
    "strike": Style(strike=True),
    "link": URL_STYLE,
}
TARGET_STYLE = Style(dim=True)


def _note_text(
    value: str, marks: list[tuple[int, int, bool]], style: Style | str = "", spans: Sequence[Span] = ()
) -> Text:
    """Note text with its inline spans styled, search marks laid on, then link targets shown.

    Marks are character ranges of `value`, so they are applied before any target is
    inserted; targets go in from the last to the first so earlier offsets hold.
    """
    text = _text(value, style)
    for span in spans:
        text.stylize(SPAN_STYLES.get(span.style, ""), span.start, span.end)
    text = _highlight(style_urls(text), marks)
    shown = [
        span
        for span in spans
        if span.style == "link" and span.target and span.target != value[span.start : span.end]
    ]
    for span in sorted(shown, key=lambda span: span.end, reverse=True):
        target = Text(f" ({span.target})", style=TARGET_STYLE)
        text = Text.assemble(text[: span.end], target, text[span.end :], overflow="fold")
    return text


def _render_table(block: Table, index: int, marks: _Marks) -> RenderableType:
    """A Rich table whose columns wrap to fit a narrow pane."""
    from rich import box
    from rich.table import Table as RichTable

    table = RichTable(box=box.SIMPLE_HEAD, expand=False, show_edge=False, pad_edge=False)
    width = max([len(block.header), *(len(row) for row in block.rows)], default=0)
    position = 0
    header = [*block.header]
    for column in range(width):
        cell = header[column] if column < len(header) else None
        align = block.align[column] if column < len(block.align) else ""
        title = _note_text(cell.text, marks.get("notes", index, position), "bold", cell.spans) if cell else ""
        position += cell is not None
        justify = align if align in ("left", "center", "right") else "left"
        table.add_column(title, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for row in block.rows:
        cells: list[RenderableType] = []
        for cell in row:
            cells.append(_note_text(cell.text, marks.get("notes", index, position), "", cell.spans))
            position += 1
        table.add_row(*cells)
    return table


def _walk(
    items: Sequence[ListItem], ordered: bool, start: int, depth: int
) -> Iterator[tuple[int, str, ListItem]]:
    """Depth-first (depth, marker, item), in the same order as `model.iter_items`."""
    for number, item in enumerate(items, start):
        marker = f"{number}." if ordered else BULLETS[depth % len(BULLETS)]
        yield depth, marker, item
        if item.children:
            yield from _walk(item.children, item.ordered_children, 1, depth + 1)


def _render_list(block: ListBlock, index: int, marks: _Marks) -> RenderableType:
    rows: list[RenderableType] = []
    for position, (depth, marker, item) in enumerate(_walk(block.items, block.ordered, block.start, 0)):
        prefix = Text(f"{marker} ", style=BULLET_STYLE)
        body = _note_text(item.text, marks.get("notes", index, position), "", item.spans)
        rows.append(Hanging(prefix, body, indent=2 + 3 * depth))
    return Group(*rows)


def _render_block(block: Block, index: int, marks: _Marks) -> RenderableType:
    here = marks.get("notes", index, 0)
    if isinstance(block, Paragraph):
        return _note_text(block.text, here, "", block.spans)
    if isinstance(block, Heading):
        style = HEADING_STYLES.get(block.level, HEADING_STYLE_DEEP)
        return _note_text(block.text, here, style, block.spans)
    if isinstance(block, Table):
        return _render_table(block, index, marks)
    if isinstance(block, ListBlock):
        return _render_list(block, index, marks)
    if isinstance(block, Code):
        body = _highlight(_text(block.text), here)
        title = Text(block.language, style="dim") if block.language else None
        return Panel(body, title=title, title_align="left", border_style=CODE_BORDER, expand=True)
    if isinstance(block, Quote):
        return Hanging(
            Text("▌ ", style="dim"),
            _note_text(block.text, here, QUOTE_STYLE, block.spans),
            prefix_every_line=True,
        )
    # An unknown block kind from a newer model: show its text rather than nothing.
    return _text(str(getattr(block, "text", "")))


def _blocks(blocks: Sequence[Block], marks: _Marks) -> list[RenderableType]:
    return [_render_block(block, index, marks) for index, block in enumerate(blocks)]


def _spaced(parts: Sequence[RenderableType]) -> Group:
    """Stack renderables with one blank line between them."""
    out: list[RenderableType] = []
    for part in parts:
        if out:
            out.append(Text(""))
        out.append(part)
    return Group(*out)


# --------------------------------------------------------------------------- public


def position_label(notebook: Notebook, talk: Talk, *, conference: bool = False) -> str:
    """Where a talk sits: "day 2 · talk 3 of 7"; just "talk 3 of 7" for an untitled day; "" if not found.

    With `conference` (a talk of a library) the notebook's title leads:
    "QCon London 2017 · day 2 · talk 3 of 7".
    """
    where = notebook.locate(talk.id)
    if where is None:
        return ""
    day = notebook.days[where[0]]
    label = f"talk {where[1] + 1} of {len(day.talks)}"
    label = f"{day.title} · {label}" if day.title.strip() else label
    return _in_conference(notebook, label) if conference else label


def _in_conference(notebook: Notebook, label: str) -> str:
    """`label` led by the notebook's title, when it has one."""
    return f"{notebook.title} · {label}" if notebook.title.strip() else label


def date_label(value: str | None) -> str:
    """An ISO date ("2017-03-07") as "Tuesday 7 March 2017"; anything else as written."""
    if not value:
        return ""
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        return value
    return f"{day:%A} {day.day} {day:%B %Y}"


def when_label(talk: Talk) -> str:
    """The known facts of when and where, e.g. "Tuesday 7 March 2017 · 11:50–12:40 · Fleming, 3rd flr."."""
    if talk.start and talk.end:
        time = f"{talk.start}–{talk.end}"
    else:
        time = talk.start or (f"until {talk.end}" if talk.end else "")
    return " · ".join(part for part in (date_label(talk.date), time, talk.room) if part)


def render_talk(
    notebook: Notebook,
    talk: Talk,
    *,
    spans: Sequence[SpanLike] = (),
    current: int | None = None,
    annotation: str | None = None,
    conference: bool = False,
) -> RenderableType:
    """One talk: title, where it sits, the known facts, your note, the notes, then its sources.

    `spans` (search matches) are highlighted; `current` is the index in `spans` of
    the match the reader stepped to, drawn more strongly. Unknown facts are left out.
    `annotation` (your own note) is drawn in a titled frame under the facts, apart from
    the author's notes.
    `conference` names the notebook in the position line (a talk of a library).
    """
    marks = _Marks(spans, current)
    header: list[RenderableType] = [_highlight(_text(talk.title, TITLE_STYLE), marks.get("title"))]
    position = position_label(notebook, talk, conference=conference)
    if position:
        header.append(_text(position, POSITION_STYLE))
    if talk.speakers:
        header.append(_highlight(_text(talk.speaker_label, FACT_STYLE), marks.get("speaker")))
    if talk.track:
        header.append(_highlight(_text(talk.track, FACT_STYLE), marks.get("track")))
    when = when_label(talk)
    if when:
        header.append(_text(when, FACT_STYLE))

    parts: list[RenderableType] = [Group(*header)]
    if annotation and annotation.strip():  # yours first: you see at once that you wrote one
        parts.append(render_annotation(annotation))
    parts.extend(_blocks(talk.blocks, marks))
    if not talk.blocks:
        parts.append(_text("(no notes for this talk)", "dim italic"))
    if talk.links:
        sources = [
            Hanging(Text("• ", style=BULLET_STYLE), style_urls(_text(link)), indent=2) for link in talk.links
        ]
        parts.append(Group(_text("Sources", HEADING_STYLES[2]), *sources))
    return Padding(_spaced(parts), (0, 0, 1, 0))


def render_annotation(annotation: str) -> RenderableType:
    """Your note on a talk: plain text (never markup) in a frame titled "Your note"."""
    return Panel(
        style_urls(_text(annotation.strip("\n"))),
        title=Text("Your note", style=ANNOTATION_TITLE),
        title_align="left",
        border_style=ANNOTATION_BORDER,
        expand=True,
    )


def render_intro(notebook: Notebook) -> RenderableType:
    """The notebook itself: its title, what it holds, and the notes before the first day."""
    talks = sum(len(day.talks) for day in notebook.days)
    days = len(notebook.days)
    summary = f"{plural(days, 'day')} · {plural(talks, 'talk')}"
    parts: list[RenderableType] = [Group(_text(notebook.title, TITLE_STYLE), _text(summary, POSITION_STYLE))]
    parts.extend(_blocks(notebook.intro, _Marks((), None)))
    if notebook.days:
        outline = [
            Hanging(
                Text("• ", style=BULLET_STYLE),
                _text(f"{day.title or 'untitled'} — {plural(len(day.talks), 'talk')}"),
                indent=2,
            )
            for day in notebook.days
        ]
        parts.append(Group(*outline))
    return Padding(_spaced(parts), (0, 0, 1, 0))


def render_day(notebook: Notebook, day: Day, *, conference: bool = False) -> RenderableType:
    """A day: its title, where it sits (in which notebook, with `conference`), and its talks."""
    where = next((i for i, candidate in enumerate(notebook.days) if candidate is day), None)
    summary = plural(len(day.talks), "talk")
    if where is not None:
        summary = f"day {where + 1} of {len(notebook.days)} · {summary}"
    if conference:
        summary = _in_conference(notebook, summary)
    parts: list[RenderableType] = [
        Group(_text(day.title or "untitled day", TITLE_STYLE), _text(summary, POSITION_STYLE))
    ]
    if day.talks:
        parts.append(
            Group(
                *(
                    Hanging(Text(f"{number}. ", style=BULLET_STYLE), _text(talk.title), indent=2)
                    for number, talk in enumerate(day.talks, 1)
                )
            )
        )
    return Padding(_spaced(parts), (0, 0, 1, 0))


def render_library(library: Library) -> RenderableType:
    """A library: its title, what it holds, each notebook with its talk count, and what was skipped."""

    notebooks = library.notebooks
    summary = f"{plural(len(notebooks), 'notes file')} · {plural(library.talk_count, 'talk')}"
    parts: list[RenderableType] = [Group(_text(library.title, TITLE_STYLE), _text(summary, POSITION_STYLE))]
    if notebooks:
        outline = [
            Hanging(
                Text("• ", style=BULLET_STYLE),
                _text(f"{notebook.title or 'untitled'} — {plural(len(notebook.talks), 'talk')}"),
                indent=2,
            )
            for notebook in notebooks
        ]
        parts.append(Group(*outline))
    if library.failures:
        skipped = [
            Hanging(Text("• ", style=BULLET_STYLE), _text(failure.label), indent=2)
            for failure in library.failures
        ]
        parts.append(Group(_text("Skipped (could not be read)", HEADING_STYLES[2]), *skipped))
    return Padding(_spaced(parts), (0, 0, 1, 0))


def current_match_line(renderable: RenderableType, width: int, console: Console | None = None) -> int | None:
    """The line (0-based) on which the current match lands when rendered `width` wide.

    Lets a viewer scroll the current match into view without knowing the layout.
    """
    console = console or Console(width=max(1, width), color_system=None, force_terminal=False)
    options = console.options.update_width(max(1, width))
    for number, line in enumerate(console.render_lines(renderable, options, pad=False)):
        for segment in line:
            if segment.style is not None and segment.style.meta.get(CURRENT_META):
                return number
    return None
