"""Reading the notes model back from plain dicts and lists: the JSON export's and YAML notes' shape.

`notebook_from_dict` checks every value so that a hand-written or hostile file gives
one clear `NotesError` rather than a traceback deep in the model; the keys of each
part of the shape are here too. Writing that shape is `serialize`'s job.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from typing import Any

from ..model import (
    SPAN_STYLES,
    Block,
    Cell,
    Code,
    Day,
    Diagnostic,
    Heading,
    ListBlock,
    ListItem,
    Notebook,
    Paragraph,
    Quote,
    Span,
    Speaker,
    Table,
    Talk,
    slugify,
    unique_ids,
)
from . import NotesError

#: Where a value sits in the data: keys and list indexes from the top, e.g. ("days", 0, "title").
Where = tuple[str | int, ...]

#: Optional talk facts that are plain strings, in the order they are written.
TALK_FACTS = ("track", "date", "start", "end", "room")
BLOCK_KEYS = {
    "paragraph": ("text", "spans"),
    "heading": ("text", "level", "spans"),
    "list": ("ordered", "start", "items"),
    "code": ("text", "language"),
    "quote": ("text", "spans"),
    "table": ("header", "rows", "align"),
}
SPAN_KEYS = ("start", "end", "style", "target")
NOTEBOOK_KEYS = ("title", "intro", "days")
DAY_KEYS = ("title", "talks")
TALK_KEYS = ("id", "title", "speakers", *TALK_FACTS, "links", "notes")
ITEM_KEYS = ("text", "items", "items_ordered", "spans")


def notebook_from_dict(data: Any, path: str | None = None) -> Notebook:
    """Build a `Notebook` from the documented shape, raising `NotesError` on anything else.

    Ids given in the data are kept when unique and non-empty; the rest are derived
    from the titles as the other readers do. Unknown keys are reported as warnings in
    `notebook.diagnostics` rather than refused, so files from newer versions still open.
    """
    return DictReader(path).notebook(data)


def _describe(value: object) -> str:
    """How a wrong value is named in an error message."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, _dt.date):
        return f"a date ({value.isoformat()})"
    return type(value).__name__


#: UTF-16 halves: JSON and YAML `\ud83d\ude00` escapes load as these, and they cannot be printed.
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _whole_characters(text: str) -> str:
    """Join escaped surrogate pairs into the characters they encode; a lone half becomes U+FFFD."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _or_empty(value: Any) -> Any:
    """An absent or empty (YAML `key:`) list counts as no entries."""
    return [] if value is None else value


def describe_where(where: Where) -> str:
    """A readable location such as `days[0].talks[2].title`."""
    text = ""
    for part in where:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "the document"


class DictReader:
    """Turns loaded data into model objects, checking types as it goes.

    `locate`, when given, maps a location in the data to a line of the source file
    (the YAML reader provides one); it places errors and gives model objects their lines.
    `yaml_scalars` accepts what YAML turns unquoted values into: dates and `9:30`
    times (which YAML 1.1 reads as a number of minutes).
    """

    def __init__(
        self,
        path: str | None = None,
        locate: Callable[[Where], int | None] | None = None,
        *,
        yaml_scalars: bool = False,
    ) -> None:
        self.path = path
        self.locate = locate
        self.yaml_scalars = yaml_scalars
        self.diagnostics: list[Diagnostic] = []

    # -- errors and checks

    def _line(self, where: Where) -> int | None:
        return self.locate(where) if self.locate is not None else None

    def fail(self, where: Where, message: str) -> NotesError:
        """The error to raise for a bad value at `where`."""
        text = f"{describe_where(where)}: {message}" if where else message
        return NotesError(text, self.path, self._line(where))

    def _warn(self, where: Where, message: str) -> None:
        self.diagnostics.append(
            Diagnostic(self._line(where) or 0, f"{describe_where(where)}: {message}", "warning", self.path)
        )

    def _mapping(self, value: Any, where: Where, what: str) -> dict:
        if not isinstance(value, dict):
            raise self.fail(where, f"{what} must be a mapping of keys to values, not {_describe(value)}")
        return value

    def _list(self, value: Any, where: Where, what: str) -> list:
        if not isinstance(value, list | tuple):
            raise self.fail(where, f"must be a list of {what}, not {_describe(value)}")
        return list(value)

    def _check_keys(self, data: dict, known: tuple[str, ...], where: Where, what: str) -> None:
        for key in data:
            if key not in known and key != "line":
                self._warn(
                    where,
                    f"unknown key {key!r} in {what} was ignored (known keys: {', '.join(known)})",
                )

    def _string(self, value: Any, where: Where, *, time: bool = False) -> str:
        if isinstance(value, str):
            return _whole_characters(value) if _SURROGATE_RE.search(value) else value
        if self.yaml_scalars:
            if isinstance(value, _dt.datetime | _dt.date):
                return value.isoformat(sep=" ") if isinstance(value, _dt.datetime) else value.isoformat()
            if time and isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
                return f"{value // 60:02d}:{value % 60:02d}"
        hint = " (put it in quotes)" if self.yaml_scalars and isinstance(value, int | float | bool) else ""
        raise self.fail(where, f"must be text, not {_describe(value)}{hint}")

    def _required_string(self, data: dict, key: str, where: Where, what: str) -> str:
        if key not in data:
            raise self.fail(where, f"{what} has no {key!r}")
        if data[key] is None:
            raise self.fail((*where, key), "is empty; it must be text")
        return self._string(data[key], (*where, key))

    def _optional_string(self, data: dict, key: str, where: Where, *, time: bool = False) -> str | None:
        value = data.get(key)
        return None if value is None else self._string(value, (*where, key), time=time)

    def _bool(self, data: dict, key: str, where: Where, default: bool) -> bool:
        value = data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.fail((*where, key), f"must be true or false, not {_describe(value)}")
        return value

    def _int(self, data: dict, key: str, where: Where, default: int, low: int, high: int) -> int:
        value = data.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(
                (*where, key), f"must be a whole number from {low} to {high}, not {_describe(value)}"
            )
        return value

    def _source_line(self, data: dict, where: Where) -> int:
        """The "line" a dict carries (an export with lines), else where it sits in the source file."""
        if "line" in data and data["line"] is not None:
            return self._int(data, "line", where, 0, 0, 2**31)
        return self._line(where) or 0

    # -- the shape

    def notebook(self, data: Any) -> Notebook:
        """The whole document: a mapping with "title", and optionally "intro" and "days"."""
        if data is None:
            raise NotesError("the document is empty; expected a mapping with 'title' and 'days'", self.path)
        if not isinstance(data, dict):
            raise NotesError(
                f"the document must be a mapping with 'title' and 'days', not {_describe(data)}",
                self.path,
                self._line(()),
            )
        self._check_keys(data, NOTEBOOK_KEYS, (), "the notebook")
        title = self._required_string(data, "title", (), "the notebook")
        intro = self.blocks(data.get("intro"), ("intro",))
        raw_days = self._list(_or_empty(data.get("days")), ("days",), "days")
        days: list[tuple[str, int, list[dict]]] = []
        given_ids: list[tuple[str | None, Where]] = []
        for index, raw_day in enumerate(raw_days):
            where: Where = ("days", index)
            day = self._mapping(raw_day, where, "a day")
            self._check_keys(day, DAY_KEYS, where, "a day")
            day_title = self._optional_string(day, "title", where) or ""
            talks = []
            for talk_index, raw_talk in enumerate(
                self._list(_or_empty(day.get("talks")), (*where, "talks"), "talks")
            ):
                talk_where = (*where, "talks", talk_index)
                talk, given = self.talk(raw_talk, talk_where)
                talks.append(talk)
                given_ids.append((given, talk_where))
            days.append((day_title, self._source_line(day, where), talks))
        ids = iter(self._ids([t["title"] for _d, _l, talks in days for t in talks], given_ids))
        return Notebook(
            title=title,
            intro=tuple(intro),
            days=tuple(
                Day(title=t, line=line, talks=tuple(Talk(id=next(ids), **talk) for talk in talks))
                for t, line, talks in days
            ),
            source=self.path,
            diagnostics=tuple(self.diagnostics),
        )

    def talk(self, value: Any, where: Where) -> tuple[dict, str | None]:
        """The keyword arguments for a `Talk` (all but its id), and the id the data gives."""
        data = self._mapping(value, where, "a talk")
        self._check_keys(data, TALK_KEYS, where, "a talk")
        given = self._optional_string(data, "id", where)
        fields: dict[str, Any] = {
            "title": self._required_string(data, "title", where, "a talk"),
            "line": self._source_line(data, where),
            "speakers": self.speakers(data.get("speakers"), (*where, "speakers")),
            "links": tuple(self.links(data.get("links"), (*where, "links"))),
            "blocks": tuple(self.blocks(data.get("notes"), (*where, "notes"))),
        }
        for name in TALK_FACTS:
            fields[name] = self._optional_string(data, name, where, time=name in ("start", "end"))
        return fields, given

    def _ids(self, titles: list[str], given: list[tuple[str | None, Where]]) -> list[str]:
        """Keep each given id that is non-empty and not taken earlier; derive the rest."""
        derived = unique_ids(titles)
        kept: list[str | None] = []
        taken: set[str] = set()
        for talk_id, _where in given:
            if talk_id and talk_id.strip() and talk_id not in taken:
                taken.add(talk_id)
                kept.append(talk_id)
            else:
                kept.append(None)
        ids: list[str] = []
        for index, (title, talk_id) in enumerate(zip(titles, kept, strict=True)):
            if talk_id is None:
                talk_id, number = derived[index], 1
                while talk_id in taken:
                    number += 1
                    talk_id = f"{slugify(title)}-{number}"
                taken.add(talk_id)
                repeated, where = given[index]
                if repeated and repeated.strip():
                    self._warn((*where, "id"), f"the id {repeated!r} is already taken; {talk_id!r} is used")
            ids.append(talk_id)
        return ids

    def speakers(self, value: Any, where: Where) -> tuple[Speaker, ...]:
        """Speakers: a list of `{name, company}` mappings or names; a lone name is allowed."""
        if value is None:
            return ()
        if isinstance(value, str):
            return (Speaker(value),)
        speakers = []
        for index, raw in enumerate(self._list(value, where, "speakers")):
            item_where = (*where, index)
            if isinstance(raw, str):
                speakers.append(Speaker(raw))
                continue
            data = self._mapping(raw, item_where, "a speaker")
            self._check_keys(data, ("name", "company"), item_where, "a speaker")
            name = self._required_string(data, "name", item_where, "a speaker")
            speakers.append(Speaker(name, self._optional_string(data, "company", item_where)))
        return tuple(speakers)

    def links(self, value: Any, where: Where) -> list[str]:
        """Links: a list of strings; a lone string is allowed."""
        if value is None:
            return []
        if isinstance(value, str):
            return [value]
        return [self._string(raw, (*where, i)) for i, raw in enumerate(self._list(value, where, "links"))]

    def blocks(self, value: Any, where: Where) -> list[Block]:
        """A list of blocks, or the hand-writing shorthand.

        A string is one paragraph; a list of strings is one bullet list (a list right
        after a string nests under it); in a list of blocks a string is a paragraph.
        """
        if value is None:
            return []
        if isinstance(value, str):
            return [Paragraph(value, line=self._line(where) or 0)]
        raw_blocks = self._list(value, where, "blocks")
        if raw_blocks and all(isinstance(raw, str | list) for raw in raw_blocks):
            return [ListBlock(self.items(raw_blocks, where), line=self._line((*where, 0)) or 0)]
        blocks: list[Block] = []
        for index, raw in enumerate(raw_blocks):
            block_where = (*where, index)
            if isinstance(raw, str):
                blocks.append(Paragraph(raw, line=self._line(block_where) or 0))
            else:
                blocks.append(self.block(raw, block_where))
        return blocks

    def block(self, value: Any, where: Where) -> Block:
        """One `{"type": ..., ...}` block."""
        data = self._mapping(value, where, "a block")
        kind = data.get("type")
        if kind is None:
            raise self.fail(where, f"a block has no 'type' (one of: {', '.join(BLOCK_KEYS)})")
        if not isinstance(kind, str) or kind not in BLOCK_KEYS:
            shown = repr(kind) if isinstance(kind, str) else _describe(kind)
            raise self.fail(
                (*where, "type"), f"unknown block type {shown} (expected one of: {', '.join(BLOCK_KEYS)})"
            )
        self._check_keys(data, ("type", *BLOCK_KEYS[kind]), where, f"a {kind} block")
        line = self._source_line(data, where)
        if kind == "list":
            if "items" not in data:
                raise self.fail(where, "a list block has no 'items'")
            ordered = self._bool(data, "ordered", where, False)
            start = self._int(data, "start", where, 1, 0, 10**9) if ordered else 1
            items = self.items(self._list(data["items"], (*where, "items"), "list items"), (*where, "items"))
            return ListBlock(items, ordered=ordered, start=start, line=line)
        if kind == "table":
            return self.table(data, where, line)
        text = self._required_string(data, "text", where, f"a {kind} block")
        if kind == "code":
            return Code(text, language=self._optional_string(data, "language", where) or "", line=line)
        spans = self.spans(data.get("spans"), (*where, "spans"), text)
        if kind == "heading":
            return Heading(text, level=self._int(data, "level", where, 1, 1, 6), line=line, spans=spans)
        if kind == "quote":
            return Quote(text, line=line, spans=spans)
        return Paragraph(text, line=line, spans=spans)

    def spans(self, value: Any, where: Where, text: str) -> tuple[Span, ...]:
        """Inline spans over `text`: each `{start, end, style[, target]}` inside the text."""
        if value is None:
            return ()
        spans = []
        for index, raw in enumerate(self._list(value, where, "spans")):
            span_where = (*where, index)
            data = self._mapping(raw, span_where, "a span")
            self._check_keys(data, SPAN_KEYS, span_where, "a span")
            start = self._int(data, "start", span_where, 0, 0, len(text))
            end = self._int(data, "end", span_where, len(text), start, len(text))
            style = data.get("style")
            if style not in SPAN_STYLES:
                raise self.fail((*span_where, "style"), f"must be one of: {', '.join(SPAN_STYLES)}")
            target = self._optional_string(data, "target", span_where)
            spans.append(Span(start, end, style, target))
        return tuple(spans)

    def cell(self, value: Any, where: Where) -> Cell:
        """A table cell: text, or `{text, spans}`."""
        if isinstance(value, str):
            return Cell(self._string(value, where))
        data = self._mapping(value, where, "a table cell")
        self._check_keys(data, ("text", "spans"), where, "a table cell")
        text = self._required_string(data, "text", where, "a table cell")
        return Cell(text, self.spans(data.get("spans"), (*where, "spans"), text))

    def table(self, data: dict, where: Where, line: int) -> Table:
        """A `{header, rows, align}` table block."""
        header_where = (*where, "header")
        header = [
            self.cell(raw, (*header_where, i))
            for i, raw in enumerate(self._list(data.get("header") or [], header_where, "cells"))
        ]
        rows = []
        rows_where = (*where, "rows")
        for r, raw_row in enumerate(self._list(data.get("rows") or [], rows_where, "rows")):
            row_where = (*rows_where, r)
            rows.append(
                tuple(
                    self.cell(raw, (*row_where, c))
                    for c, raw in enumerate(self._list(raw_row, row_where, "cells"))
                )
            )
        align_where = (*where, "align")
        align = [
            self._string(raw, (*align_where, i))
            for i, raw in enumerate(self._list(data.get("align") or [], align_where, "alignments"))
        ]
        return Table(tuple(header), tuple(rows), tuple(align), line)

    def items(self, raw_items: list, where: Where) -> tuple[ListItem, ...]:
        """List items: `{text, items}` mappings or strings; a list after an item nests under it."""
        items: list[ListItem] = []
        for index, raw in enumerate(raw_items):
            item_where = (*where, index)
            if isinstance(raw, list):
                if not items:
                    raise self.fail(item_where, "a nested list must follow the item it belongs to")
                last = items[-1]
                nested = last.children + self.items(raw, item_where)
                items[-1] = ListItem(last.text, last.line, nested, last.ordered_children, last.spans)
            elif isinstance(raw, str):
                items.append(ListItem(raw, line=self._line(item_where) or 0))
            else:
                data = self._mapping(raw, item_where, "a list item")
                self._check_keys(data, ITEM_KEYS, item_where, "a list item")
                text = self._required_string(data, "text", item_where, "a list item")
                children: tuple[ListItem, ...] = ()
                if data.get("items") is not None:
                    sub_where = (*item_where, "items")
                    children = self.items(self._list(data["items"], sub_where, "list items"), sub_where)
                ordered = self._bool(data, "items_ordered", item_where, False)
                spans = self.spans(data.get("spans"), (*item_where, "spans"), text)
                items.append(ListItem(text, self._source_line(data, item_where), children, ordered, spans))
        return tuple(items)
