"""The rows of a cache entry: notes blocks and talks as plain JSON-able lists, and back.

Reading trusts nothing: every row is checked for type and shape and every string
for control characters, and `CacheError` is raised on anything else. Talks come
back as `CachedTalk`s, whose notes are decoded a chunk at a time on first use.
The entry's framing (header, sections, checksum) and the store are in `cache`.
No UI imports.
"""

from __future__ import annotations

import json
import zlib
from array import array
from collections.abc import Callable, Sequence
from typing import Any

from .model import (
    _CONTROL_RE,
    SPAN_STYLES,
    Block,
    Cell,
    Code,
    Heading,
    ListBlock,
    ListItem,
    Paragraph,
    Quote,
    Span,
    Speaker,
    Table,
    Talk,
)

#: Talks per compressed chunk of notes (a talk's notes cost one chunk to decode).
CHUNK_TALKS = 64


class CacheError(ValueError):
    """An entry that cannot be used: damaged, truncated, from another version or another file."""





def _spans_row(spans: tuple[Span, ...]) -> list[Any]:
    return [[s.start, s.end, s.style, s.target] for s in spans]


def _block_row(block: Block) -> list[Any]:
    if isinstance(block, Paragraph):
        return ["p", block.text, block.line, _spans_row(block.spans)]
    if isinstance(block, Heading):
        return ["h", block.text, block.line, block.level, _spans_row(block.spans)]
    if isinstance(block, Code):
        return ["c", block.text, block.line, block.language]
    if isinstance(block, Quote):
        return ["q", block.text, block.line, _spans_row(block.spans)]
    if isinstance(block, Table):
        cells = [[[cell.text, _spans_row(cell.spans)] for cell in row] for row in (block.header, *block.rows)]
        return ["t", block.line, cells, list(block.align)]
    return ["l", block.line, block.ordered, block.start, [_item_row(item) for item in block.items]]


def _item_row(item: ListItem) -> list[Any]:
    children = [_item_row(child) for child in item.children]
    return [item.text, item.line, item.ordered_children, children, _spans_row(item.spans)]


def _str(value: Any) -> str:
    if type(value) is not str:
        raise CacheError("a text field is not text")
    return value


def _int(value: Any) -> int:
    if type(value) is not int:
        raise CacheError("a number field is not a number")
    return value


def _bool(value: Any) -> bool:
    if type(value) is not bool:
        raise CacheError("a flag is not true or false")
    return value


def _list(value: Any) -> list[Any]:
    if type(value) is not list:
        raise CacheError("a list field is not a list")
    return value


def _block(row: Any) -> Block:
    """A block from its row, checking every value (the model's constructors clean the text)."""
    row = _list(row)
    kind = row[0] if row else None
    if kind == "p" and len(row) == 4:
        return Paragraph(_str(row[1]), _int(row[2]), _spans(row[3]))
    if kind == "h" and len(row) == 5:
        return Heading(_str(row[1]), _int(row[3]), _int(row[2]), _spans(row[4]))
    if kind == "c" and len(row) == 4:
        return Code(_str(row[1]), _str(row[3]), _int(row[2]))
    if kind == "q" and len(row) == 4:
        return Quote(_str(row[1]), _int(row[2]), _spans(row[3]))
    if kind == "t" and len(row) == 4:
        rows = [tuple(_cell(cell) for cell in _list(cells)) for cells in _list(row[2])]
        header = rows[0] if rows else ()
        return Table(header, tuple(rows[1:]), tuple(_str(a) for a in _list(row[3])), _int(row[1]))
    if kind == "l" and len(row) == 5:
        items = tuple(_item(item, 0) for item in _list(row[4]))
        return ListBlock(items, _bool(row[2]), _int(row[3]), _int(row[1]))
    raise CacheError("unknown block")


def _spans(value: Any) -> tuple[Span, ...]:
    spans = []
    for row in _list(value):
        row = _list(row)
        if len(row) != 4 or row[2] not in SPAN_STYLES:
            raise CacheError("bad span")
        try:
            spans.append(Span(_int(row[0]), _int(row[1]), row[2], _optional(row[3])))
        except ValueError:
            raise CacheError("bad span") from None
    return tuple(spans)


def _cell(value: Any) -> Cell:
    row = _list(value)
    if len(row) != 2:
        raise CacheError("bad table cell")
    return Cell(_str(row[0]), _spans(row[1]))


def _item(row: Any, depth: int) -> ListItem:
    row = _list(row)
    if len(row) != 5 or depth > 100:
        raise CacheError("bad list item")
    children = tuple(_item(child, depth + 1) for child in _list(row[3]))
    return ListItem(_str(row[0]), _int(row[1]), children, _bool(row[2]), _spans(row[4]))


class _Notes:
    """The compressed notes of an entry's talks, decoded a chunk at a time on first use."""

    def __init__(
        self, offsets: array, chunks: bytes | memoryview, inflate: Callable[[memoryview], bytes]
    ) -> None:
        self._offsets = offsets
        self._chunks = chunks
        self._inflate = inflate
        self._open: tuple[int, list[Any]] | None = None

    def blocks(self, number: int) -> tuple[Block, ...]:
        """The blocks of talk `number`; () if the stored notes cannot be read (never raises)."""
        chunk, within = divmod(number, CHUNK_TALKS)
        try:
            opened = self._open
            if opened is None or opened[0] != chunk:
                start, end = self._offsets[chunk], self._offsets[chunk + 1]
                rows = _list(json.loads(self._inflate(memoryview(self._chunks)[start:end])))
                opened = self._open = (chunk, rows)
            return tuple(_block(row) for row in _list(opened[1][within]))
        except (ValueError, IndexError, TypeError, zlib.error, RecursionError):
            return ()


class CachedTalk(Talk):
    """A talk read from the cache: its notes are decoded when first asked for.

    It compares and hashes like a `Talk` with the same fields.
    """

    @property
    def blocks(self) -> tuple[Block, ...]:
        """The talk's notes (decoded from the cache on first use)."""
        found = self.__dict__.get("_blocks")
        if found is None:
            notes, number = self.__dict__["_notes"]
            found = notes.blocks(number)
            self.__dict__["_blocks"] = found
        return found

    @blocks.setter
    def blocks(self, value: Sequence[Block]) -> None:
        self.__dict__["_blocks"] = tuple(value)

    def _fields(self) -> tuple[Any, ...]:
        return (
            self.id,
            self.title,
            self.blocks,
            self.line,
            self.speakers,
            self.track,
            self.date,
            self.start,
            self.end,
            self.room,
            self.links,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Talk):
            return NotImplemented
        return self._fields() == (CachedTalk._fields(other))  # type: ignore[arg-type]

    def __hash__(self) -> int:
        return hash(self._fields())


_TALK_FACTS = ("track", "date", "start", "end", "room")
#: Cleaned text holds no NUL (`model.clean` makes it visible), so NUL can separate strings.
_SEP = "\0"


def _talk_extras(talk: Talk) -> list[Any] | None:
    """A talk's speakers, facts and links as a row, or None when it has none (most talks)."""
    facts = [getattr(talk, name) for name in _TALK_FACTS]
    if not talk.speakers and not talk.links and all(fact is None for fact in facts):
        return None
    return [[[s.name, s.company] for s in talk.speakers], *facts, list(talk.links)]


def _optional(value: Any) -> str | None:
    return None if value is None else _str(value)


def _column(raw: bytes, count: int) -> list[str]:
    """`count` NUL-separated strings from a (decompressed) section, refused if any is not clean."""
    text = str(raw, "utf-8")
    if _CONTROL_RE.search(text.replace(_SEP, "")):
        raise CacheError("text that was not cleaned")
    column = text.split(_SEP) if count else []
    if len(column) != count:
        raise CacheError("column length mismatch")
    return column


def _talks(ids: list[str], titles: list[str], lines: array, extras: Any, notes: _Notes) -> list[Talk]:
    """The talks from their columns, built without cleaning their text again (it was checked clean)."""
    new = object.__new__
    talks: list[Talk] = []
    append = talks.append
    for number, (talk_id, title, line) in enumerate(zip(ids, titles, lines, strict=True)):
        talk = new(CachedTalk)
        # The facts most talks lack are the class's defaults (`Talk`'s), not set per talk.
        talk.__dict__.update(id=talk_id, title=title, line=line, _notes=(notes, number))
        append(talk)
    if type(extras) is not dict:
        raise CacheError("bad talk facts")
    for key, row in extras.items():
        number = int(key)
        row = _list(row)
        if len(row) != 7 or not 0 <= number < len(talks):
            raise CacheError("bad talk facts")
        speakers = tuple(Speaker(_str(name), _optional(company)) for name, company in _list(row[0]))
        facts = dict(zip(_TALK_FACTS, map(_optional, row[1:6]), strict=True))
        links = tuple(_str(link) for link in _list(row[6]))
        talks[number].__dict__.update(speakers=speakers, links=links, **facts)
    return talks


# --------------------------------------------------------------------------- entries
