"""The notes model as plain dicts and lists: the shape of the JSON export and of YAML notes.

`notebook_to_dict` writes the documented shape (see docs/FORMATS.md);
`notebook_from_dict` (in `dict_reader`, offered here too) reads it back, checking
every value so that a hand-written or hostile file gives one clear `NotesError`.
"""

from __future__ import annotations

from typing import Any

from ..model import (
    Block,
    Cell,
    Code,
    Day,
    Heading,
    ListBlock,
    ListItem,
    Notebook,
    Span,
    Speaker,
    Table,
    Talk,
)
from .dict_reader import (
    BLOCK_KEYS,
    DAY_KEYS,
    ITEM_KEYS,
    NOTEBOOK_KEYS,
    SPAN_KEYS,
    TALK_FACTS,
    TALK_KEYS,
    DictReader,
    Where,
    describe_where,
    notebook_from_dict,
)

#: The names `qcon_tui.formats.serialize` has always offered; reading lives in `dict_reader`.
__all__ = [
    "BLOCK_KEYS",
    "DAY_KEYS",
    "ITEM_KEYS",
    "NOTEBOOK_KEYS",
    "SPAN_KEYS",
    "TALK_FACTS",
    "TALK_KEYS",
    "DictReader",
    "Where",
    "block_to_dict",
    "describe_where",
    "notebook_from_dict",
    "notebook_to_dict",
    "spans_to_list",
    "talk_to_dict",
]

# --------------------------------------------------------------------------- model -> dict


def notebook_to_dict(nb: Notebook, *, notes: bool = True, lines: bool = True) -> dict:
    """The notebook as JSON-ready dicts and lists, in the documented shape.

    `notes=False` gives the outline only (no "intro", no "notes"), as `list --json`
    prints it; `lines=False` leaves out every source "line", as the YAML writer does.
    """
    out: dict[str, Any] = {"title": nb.title}
    if notes:
        out["intro"] = [block_to_dict(block, lines=lines) for block in nb.intro]
    out["days"] = [_day_to_dict(day, notes=notes, lines=lines) for day in nb.days]
    return out


def _day_to_dict(day: Day, *, notes: bool, lines: bool) -> dict:
    out: dict[str, Any] = {"title": day.title}
    if lines:
        out["line"] = day.line
    out["talks"] = [talk_to_dict(talk, notes=notes, lines=lines) for talk in day.talks]
    return out


def talk_to_dict(talk: Talk, *, notes: bool = True, lines: bool = True) -> dict:
    """One talk: id, title, the facts that are known, and (with `notes`) its blocks."""
    out: dict[str, Any] = {"id": talk.id, "title": talk.title}
    if lines:
        out["line"] = talk.line
    if talk.speakers:
        out["speakers"] = [_speaker_to_dict(speaker) for speaker in talk.speakers]
    for name in TALK_FACTS:
        value = getattr(talk, name)
        if value is not None:
            out[name] = value
    if talk.links:
        out["links"] = list(talk.links)
    if notes:
        out["notes"] = [block_to_dict(block, lines=lines) for block in talk.blocks]
    return out


def _speaker_to_dict(speaker: Speaker) -> dict:
    out = {"name": speaker.name}
    if speaker.company is not None:
        out["company"] = speaker.company
    return out


def block_to_dict(block: Block, *, lines: bool = True) -> dict:
    """One block as `{"type": ..., ...}`; optional keys only when they differ from the default."""
    out: dict[str, Any] = {"type": block.kind}
    if isinstance(block, ListBlock):
        out["ordered"] = block.ordered
        if block.ordered and block.start != 1:
            out["start"] = block.start
        out["items"] = [_item_to_dict(item, lines=lines) for item in block.items]
    elif isinstance(block, Table):
        out["header"] = [_cell_to_dict(cell) for cell in block.header]
        out["rows"] = [[_cell_to_dict(cell) for cell in row] for row in block.rows]
        if any(block.align):
            out["align"] = list(block.align)
    else:
        out["text"] = block.text
        if isinstance(block, Heading):
            out["level"] = block.level
        elif isinstance(block, Code) and block.language:
            out["language"] = block.language
        if not isinstance(block, Code) and block.spans:
            out["spans"] = spans_to_list(block.spans)
    if lines:
        out["line"] = block.line
    return out


def spans_to_list(spans: tuple[Span, ...]) -> list[dict]:
    """Inline spans as `{"start", "end", "style"}` mappings, with `"target"` for links."""
    out = []
    for span in spans:
        data: dict[str, Any] = {"start": span.start, "end": span.end, "style": span.style}
        if span.target is not None:
            data["target"] = span.target
        out.append(data)
    return out


def _cell_to_dict(cell: Cell) -> str | dict:
    """A table cell: its text, or `{"text", "spans"}` when it has inline formatting."""
    return {"text": cell.text, "spans": spans_to_list(cell.spans)} if cell.spans else cell.text


def _item_to_dict(item: ListItem, *, lines: bool) -> dict:
    out: dict[str, Any] = {"text": item.text}
    if item.spans:
        out["spans"] = spans_to_list(item.spans)
    if item.children:
        out["items"] = [_item_to_dict(child, lines=lines) for child in item.children]
    if item.ordered_children:
        out["items_ordered"] = True
    if lines:
        out["line"] = item.line
    return out
