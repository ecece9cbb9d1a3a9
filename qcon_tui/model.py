"""The in-memory notes model: plain frozen dataclasses, no UI.

A `Notebook` holds intro blocks and `Day`s; a `Day` holds `Talk`s; a `Talk` holds
`Block`s. Every string that enters the model passes through `clean()`, so control
characters from a hostile file can never reach a terminal by any later path.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, fields, replace
from typing import ClassVar, Literal, get_args

# C0 controls except tab and newline, DEL, and the C1 range. Also the bidi
# overrides and isolates, which can make text display in an order other than stored.
# Lone surrogates (only reachable through escaped JSON/YAML) cannot be printed at all.
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _control_picture(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # U+2400 block: visible "␛" for ESC, and so on
    if code == 0x7F:
        return "\u2421"
    return "\ufffd"


def clean(text: str) -> str:
    """Return `text` with line endings normalised and control characters made visible.

    Tab and newline are kept; every other control character becomes a harmless
    visible symbol (ESC shows as ␛), so escape sequences cannot act on a terminal.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_RE.sub(_control_picture, text)


def _clean_optional(text: str | None) -> str | None:
    return None if text is None else clean(text)


def slugify(title: str) -> str:
    """A stable, URL- and shell-friendly id derived from a title alone."""
    text = unicodedata.normalize("NFKD", re.sub(r"['’]", "", title))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:60].rstrip("-") or "talk"


def unique_ids(titles: list[str]) -> list[str]:
    """Ids for `titles` in order: the slug, and `-2`, `-3`... for repeats.

    An id depends only on its title (and on how many earlier talks share the slug),
    so adding, removing or reordering other talks never changes it.
    """
    seen: dict[str, int] = {}
    ids: list[str] = []
    taken: set[str] = set()
    for title in titles:
        base = slugify(title)
        count = seen.get(base, 0) + 1
        candidate = base if count == 1 else f"{base}-{count}"
        while candidate in taken:
            count += 1
            candidate = f"{base}-{count}"
        seen[base] = count
        taken.add(candidate)
        ids.append(candidate)
    return ids


# --------------------------------------------------------------------------- blocks

#: The kinds of block, as written in JSON and YAML (`{"type": ...}`).
BlockKind = Literal["paragraph", "heading", "list", "code", "quote", "table"]

#: The inline styles a span can carry; "link" spans also carry a target.
SpanStyle = Literal["bold", "italic", "code", "strike", "link"]
SPAN_STYLES: tuple[str, ...] = get_args(SpanStyle)


@dataclass(frozen=True)
class Span:
    """Inline formatting over `text[start:end]` of the block that holds it: data, not markup."""

    start: int
    end: int
    style: SpanStyle
    target: str | None = None

    def __post_init__(self) -> None:
        if self.style not in SPAN_STYLES:
            raise ValueError(f"unknown span style {self.style!r}")
        if not 0 <= self.start <= self.end:
            raise ValueError(f"span {self.start}..{self.end} is not a range")
        object.__setattr__(self, "target", _clean_optional(self.target))


def _spans(text: str, spans: tuple[Span, ...] | list[Span]) -> tuple[Span, ...]:
    """Spans that fit `text`, in order; ones past its end are clipped or dropped."""
    size = len(text)
    kept = [
        span if span.end <= size else replace(span, end=size)
        for span in spans
        if span.start < size and span.end > span.start
    ]
    return tuple(sorted(kept, key=lambda span: (span.start, -span.end)))


@dataclass(frozen=True)
class Paragraph:
    """Running text. Line breaks inside `text` are the author's and are kept."""

    text: str
    line: int = 0
    spans: tuple[Span, ...] = ()
    kind: ClassVar[BlockKind] = "paragraph"

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", clean(self.text))
        object.__setattr__(self, "spans", _spans(self.text, self.spans))


@dataclass(frozen=True)
class Heading:
    """A sub-heading inside a talk or the intro (level 1 is the largest)."""

    text: str
    level: int = 1
    line: int = 0
    spans: tuple[Span, ...] = ()
    kind: ClassVar[BlockKind] = "heading"

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", clean(self.text))
        object.__setattr__(self, "spans", _spans(self.text, self.spans))


@dataclass(frozen=True)
class ListItem:
    """One entry of a list, possibly with a nested list under it."""

    text: str
    line: int = 0
    children: tuple[ListItem, ...] = ()
    ordered_children: bool = False
    spans: tuple[Span, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", clean(self.text))
        object.__setattr__(self, "children", tuple(self.children))
        object.__setattr__(self, "spans", _spans(self.text, self.spans))


@dataclass(frozen=True)
class ListBlock:
    """A bullet list (`ordered=False`) or a numbered list starting at `start`."""

    items: tuple[ListItem, ...]
    ordered: bool = False
    start: int = 1
    line: int = 0
    kind: ClassVar[BlockKind] = "list"

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(self.items))


@dataclass(frozen=True)
class Code:
    """A block of code or preformatted text, shown verbatim."""

    text: str
    language: str = ""
    line: int = 0
    kind: ClassVar[BlockKind] = "code"

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", clean(self.text))
        object.__setattr__(self, "language", clean(self.language))


@dataclass(frozen=True)
class Quote:
    """A quoted passage (Markdown `>`)."""

    text: str
    line: int = 0
    spans: tuple[Span, ...] = ()
    kind: ClassVar[BlockKind] = "quote"

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", clean(self.text))
        object.__setattr__(self, "spans", _spans(self.text, self.spans))


@dataclass(frozen=True)
class Cell:
    """One table cell: its text and inline spans."""

    text: str
    spans: tuple[Span, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", clean(self.text))
        object.__setattr__(self, "spans", _spans(self.text, self.spans))


@dataclass(frozen=True)
class Table:
    """A table: a header row and body rows of cells; `align` per column ("", left, center, right)."""

    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...] = ()
    align: tuple[str, ...] = ()
    line: int = 0
    kind: ClassVar[BlockKind] = "table"

    def __post_init__(self) -> None:
        object.__setattr__(self, "header", tuple(self.header))
        object.__setattr__(self, "rows", tuple(tuple(row) for row in self.rows))
        object.__setattr__(self, "align", tuple(clean(a) for a in self.align))


Block = Paragraph | Heading | ListBlock | Code | Quote | Table
BLOCK_TYPES: dict[str, type] = {cls.kind: cls for cls in (Paragraph, Heading, ListBlock, Code, Quote, Table)}


def iter_items(items: tuple[ListItem, ...]) -> Iterator[tuple[int, ListItem]]:
    """Depth-first walk of list items, yielding (depth, item)."""
    stack = [(0, item) for item in reversed(items)]
    while stack:
        depth, item = stack.pop()
        yield depth, item
        stack.extend((depth + 1, child) for child in reversed(item.children))


def block_texts(block: Block) -> Iterator[str]:
    """Every piece of text a block holds, in reading order."""
    if isinstance(block, ListBlock):
        for _depth, item in iter_items(block.items):
            yield item.text
    elif isinstance(block, Table):
        for row in (block.header, *block.rows):
            for cell in row:
                yield cell.text
    else:
        yield block.text


# --------------------------------------------------------------------------- talks


@dataclass(frozen=True)
class Speaker:
    """Who gave a talk; `company` as it was at the time of the talk."""

    name: str
    company: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", clean(self.name))
        object.__setattr__(self, "company", _clean_optional(self.company))

    def label(self) -> str:
        """`Name (Company)`, or just the name."""
        return f"{self.name} ({self.company})" if self.company else self.name


@dataclass(frozen=True)
class Talk:
    """One talk: a title, optional facts about it, and the notes taken."""

    id: str
    title: str
    blocks: tuple[Block, ...] = ()
    line: int = 0
    speakers: tuple[Speaker, ...] = ()
    track: str | None = None
    date: str | None = None
    start: str | None = None
    end: str | None = None
    room: str | None = None
    links: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", clean(self.title))
        object.__setattr__(self, "id", clean(self.id))
        object.__setattr__(self, "blocks", tuple(self.blocks))
        object.__setattr__(self, "speakers", tuple(self.speakers))
        object.__setattr__(self, "links", tuple(clean(link) for link in self.links))
        for name in ("track", "date", "start", "end", "room"):
            object.__setattr__(self, name, _clean_optional(getattr(self, name)))

    @property
    def speaker_label(self) -> str:
        """All speakers as one line, empty when none are known."""
        return ", ".join(speaker.label() for speaker in self.speakers)

    def texts(self) -> Iterator[str]:
        """Every note string of the talk, in reading order (title excluded)."""
        for block in self.blocks:
            yield from block_texts(block)


@dataclass(frozen=True)
class Day:
    """A conference day (or any top-level group of talks)."""

    title: str
    talks: tuple[Talk, ...] = ()
    line: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", clean(self.title))
        object.__setattr__(self, "talks", tuple(self.talks))


@dataclass(frozen=True)
class Diagnostic:
    """Something a reader noticed about the source: `severity` is "error" or "warning"."""

    line: int
    message: str
    severity: str = "warning"
    path: str | None = None

    def __post_init__(self) -> None:
        # Messages quote the source (a key, a title) and paths are file names: both from outside.
        object.__setattr__(self, "message", clean(self.message))
        object.__setattr__(self, "path", _clean_optional(self.path))


@dataclass(frozen=True)
class Notebook:
    """A whole notes file: its title, the intro before the first day, and the days."""

    title: str
    days: tuple[Day, ...] = ()
    intro: tuple[Block, ...] = ()
    source: str | None = field(default=None, compare=False)
    #: What the reader noticed while parsing (lines it could not place, ...).
    diagnostics: tuple[Diagnostic, ...] = field(default=(), compare=False)
    #: How the reader decided the structure, in short lines ("talks: level-2 headings (17)").
    reading: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", clean(self.title))
        # The file's name comes from outside too; a name holding control characters is
        # shown (and keyed, in the state) by its cleaned form.
        object.__setattr__(self, "source", _clean_optional(self.source))
        object.__setattr__(self, "days", tuple(self.days))
        object.__setattr__(self, "intro", tuple(self.intro))
        object.__setattr__(self, "diagnostics", tuple(self.diagnostics))

    @property
    def talks(self) -> list[Talk]:
        """Every talk in reading order."""
        return [talk for day in self.days for talk in day.talks]

    def locate(self, talk_id: str) -> tuple[int, int] | None:
        """(day index, talk index) of the talk with `talk_id`, or None."""
        for day_index, day in enumerate(self.days):
            for talk_index, talk in enumerate(day.talks):
                if talk.id == talk_id:
                    return day_index, talk_index
        return None

    def talk(self, talk_id: str) -> Talk | None:
        """The talk with `talk_id`, or None."""
        where = self.locate(talk_id)
        return None if where is None else self.days[where[0]].talks[where[1]]

    def day_of(self, talk: Talk) -> Day | None:
        """The day that holds `talk`."""
        where = self.locate(talk.id)
        return None if where is None else self.days[where[0]]


def without_lines(value: object) -> object:
    """A copy of a model value with every source line set to 0, for comparisons."""
    if isinstance(value, tuple):
        return tuple(without_lines(item) for item in value)
    if hasattr(value, "__dataclass_fields__"):
        changes: dict[str, object] = {}
        for f in fields(value):  # type: ignore[arg-type]
            current = getattr(value, f.name)
            if f.name == "line":
                changes[f.name] = 0
            elif isinstance(current, tuple) or hasattr(current, "__dataclass_fields__"):
                changes[f.name] = without_lines(current)
        return replace(value, **changes)  # type: ignore[type-var]
    return value


def assign_ids(days: list[tuple[str, int, list[dict]]]) -> list[Day]:
    """Build `Day`s from raw talk dicts (each with `title`), giving talks unique ids."""
    titles = [talk["title"] for _title, _line, talks in days for talk in talks]
    ids = iter(unique_ids(titles))
    return [
        Day(title=title, line=line, talks=tuple(Talk(id=next(ids), **talk) for talk in talks))
        for title, line, talks in days
    ]
