"""Reader and writer for plain-text notes: the format of the bundled QCon notes.

Two shapes of plain text are read:

* *Paragraph notes* (the bundled file): a title line, then blank-line separated
  chunks. A chunk that is a lone `day N` / weekday / date line starts a day; a lone
  line that reads like a title (mostly capitalised words, no closing full stop)
  starts a talk; everything else is notes. Indented `•`, `-`, `*`, `+` lines are
  bullets and `1.` lines numbered items, nested by indentation.
* *Outlines*: talk titles at column 0 with their notes indented (usually by tabs)
  directly under them, no blank-line separation needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from ..model import Block, ListBlock, ListItem, Notebook, Paragraph, assign_ids, iter_items

WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_ORDINALS = "one|two|three|four|five|six|seven|eight|nine|ten|first|second|third|fourth|fifth"

#: A line that names a conference day: "day 1", "Day Two", "Wednesday, April 5th, 2017",
#: "2017-03-06", "Day 2 - Tuesday". Shared with the Markdown reader.
DAY_RE = re.compile(
    rf"""^\s*(?:
        (?:day|dag|tag|jour|d[ií]a|dzie[nń]|giorno|dia)\s*(?:\d+|{_ORDINALS}|[ivx]{{1,4}})\b[^\n]{{0,60}}
      | (?:{WEEKDAYS})\b,?(?:\s+(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)?)?
            (?:\s*(?:of\s+)?(?:{MONTHS})\b\.?)?(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?,?(?:\s+\d{{4}})?
            (?:\s*[-–:(][^\n]{{0,40}})?
      | \d{{4}}-\d{{2}}-\d{{2}}(?:\s*[-–:(][^\n]{{0,40}})?
      | (?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?(?:\s+\d{{4}})?
      | \d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})\.?,?(?:\s+\d{{4}})?
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)

BULLET_RE = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>[•·‣◦▪●○–*+-])[ \t]+(?P<text>.*)$")
NUMBER_RE = re.compile(r"^(?P<indent>[ \t]*)(?P<number>\d{1,4})[.)][ \t]+(?P<text>.*)$")

#: Words that title case leaves in lower case.
SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "but",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "of",
        "off",
        "on",
        "onto",
        "or",
        "over",
        "per",
        "so",
        "the",
        "to",
        "up",
        "vs",
        "via",
        "with",
        "nor",
        "yet",
    ]
)
_WORD_RE = re.compile(r"[^\W_][\w'’.@&-]*")


def is_day_line(line: str) -> bool:
    """True when `line` on its own names a conference day."""
    return len(line) <= 80 and bool(DAY_RE.match(line))


def looks_like_title(line: str) -> bool:
    """True when a lone line reads as a talk title rather than a note.

    Titles are short, do not end like a sentence (`.`, `,`, `;`, `:`) and have most
    of their significant words capitalised: "cgroupv2: Linux's New Unified Control
    Group System" is a title, "Keynote: we need to be more inclusive." is not.
    """
    text = line.strip()
    if not text or len(text) > 120 or text[-1] in ".,;:" or line[:1] in " \t":
        return False
    if text.islower():
        return False  # no capital anywhere (most note lines): cannot be a title
    if BULLET_RE.match(line) or NUMBER_RE.match(line):
        return False
    words = _WORD_RE.findall(text)
    if not words or len(words) > 18:
        return False
    significant = [w for w in words if w.lower() not in SMALL_WORDS or w[0].isupper()]
    if not significant:
        return False
    capitalised = sum(1 for w in significant if w[0].isupper() or w[0].isdigit())
    if not any(w[0].isupper() for w in significant):
        return False
    return capitalised / len(significant) >= 0.7


# --------------------------------------------------------------------------- lists


@dataclass
class _Item:
    text: str
    line: int
    indent: int
    ordered: bool
    number: int
    children: list[_Item] = field(default_factory=list)

    def freeze(self) -> ListItem:
        return ListItem(
            text=self.text,
            line=self.line,
            children=tuple(child.freeze() for child in self.children),
            ordered_children=bool(self.children) and self.children[0].ordered,
        )


def indent_width(indent: str) -> int:
    """How many columns `indent` spans, a tab counting 4 (shared by the readers)."""
    return len(indent.expandtabs(4))


class ListBuilder:
    """Collects list lines (with their indentation) and nests them into a `ListBlock`."""

    def __init__(self) -> None:
        self.roots: list[_Item] = []
        self._stack: list[_Item] = []

    def __bool__(self) -> bool:
        return bool(self.roots)

    def add(self, text: str, line: int, indent: int, ordered: bool, number: int = 1) -> None:
        item = _Item(text, line, indent, ordered, number)
        while self._stack and self._stack[-1].indent >= indent:
            self._stack.pop()
        if self._stack:
            self._stack[-1].children.append(item)
        else:
            if self.roots and self.roots[0].ordered != ordered:
                # A switch between bullets and numbers at the top starts a new list;
                # the caller flushes on that, so this only guards odd input.
                item.indent = self.roots[0].indent
            self.roots.append(item)
        self._stack.append(item)

    def continue_last(self, text: str) -> bool:
        """Append a wrapped continuation line to the last item; False if none."""
        if not self._stack:
            return False
        last = self._stack[-1]
        last.text = f"{last.text}\n{text}" if last.text else text
        return True

    def top_ordered(self) -> bool | None:
        return self.roots[0].ordered if self.roots else None

    def build(self) -> ListBlock:
        first = self.roots[0]
        block = ListBlock(
            items=tuple(item.freeze() for item in self.roots),
            ordered=first.ordered,
            start=first.number,
            line=first.line,
        )
        self.roots, self._stack = [], []
        return block


# --------------------------------------------------------------------------- reader


class _Builder:
    """Accumulates intro, days and talks as the reader walks the file."""

    def __init__(self) -> None:
        self.intro: list[Block] = []
        self.days: list[tuple[str, int, list[dict]]] = []
        self.talk: dict | None = None

    @property
    def blocks(self) -> list[Block]:
        """Where notes go now: the open talk, else the intro before the first day.

        Notes under a day line before its first talk open a talk named after the day,
        so they stay in that day instead of jumping back to the intro.
        """
        if self.talk is None and self.days:
            title, line, _talks = self.days[-1]
            self.start_talk(title, line)
        return self.talk["blocks"] if self.talk is not None else self.intro

    def start_day(self, title: str, line: int) -> None:
        self.talk = None
        self.days.append((title, line, []))

    def start_talk(self, title: str, line: int) -> None:
        if not self.days:
            self.days.append(("", line, []))
        self.talk = {"title": title, "line": line, "blocks": []}
        self.days[-1][2].append(self.talk)

    def notebook(self, title: str, path: str | None) -> Notebook:
        for _title, _line, talks in self.days:
            for talk in talks:
                talk["blocks"] = tuple(talk["blocks"])
        return Notebook(title=title, intro=tuple(self.intro), days=tuple(assign_ids(self.days)), source=path)


#: First characters that can start a bullet, a numbered item or an indented line.
_LIST_STARTS = frozenset(" \t•·‣◦▪●○–*+-0123456789")


def _blocks_from_lines(lines: list[tuple[int, str]]) -> list[Block]:
    """Turn one chunk of non-blank lines into paragraphs and lists."""
    if not any(raw[:1] in _LIST_STARTS for _number, raw in lines):
        # No line can be a list line or indented: the chunk is one paragraph (most are).
        return [Paragraph("\n".join(raw for _number, raw in lines), line=lines[0][0])]
    blocks: list[Block] = []
    para: list[tuple[int, str]] = []
    items = ListBuilder()
    list_indent = -1

    def flush_para() -> None:
        if para:
            blocks.append(Paragraph("\n".join(text for _n, text in para), line=para[0][0]))
            para.clear()

    def flush_list() -> None:
        nonlocal list_indent
        if items:
            blocks.append(items.build())
        list_indent = -1

    for number, raw in lines:
        match = BULLET_RE.match(raw) or NUMBER_RE.match(raw)
        if match:
            ordered = "number" in match.groupdict()
            indent = indent_width(match["indent"])
            if items and indent <= list_indent and items.top_ordered() != ordered:
                flush_list()
            flush_para()
            if not items:
                list_indent = indent
            items.add(match["text"].strip(), number, indent, ordered, int(match["number"]) if ordered else 1)
            continue
        indent = indent_width(raw[: len(raw) - len(raw.lstrip(" \t"))])
        if items and indent > list_indent and items.continue_last(raw.strip()):
            continue
        flush_list()
        para.append((number, raw.strip() if indent else raw.rstrip()))
    flush_para()
    flush_list()
    return blocks


def _is_outline(lines: list[str]) -> bool:
    """True for an outline: column-0 titles with indented notes right under them."""
    indented = sum(1 for line in lines if line.startswith("\t"))
    if indented < 2:
        return False
    filled = [line for line in lines if line.strip()]
    pairs = sum(
        1
        for above, below in pairwise(filled)
        if above[:1] not in " \t" and below.startswith(("\t", "    "))
    )
    return pairs >= 1 and indented >= len([line for line in lines if line.strip()]) // 3


def title_from_path(path: str | None) -> str:
    """A title for notes that give none: the file's name, dashes and underscores as spaces."""
    if not path:
        return "Notes"
    stem = Path(path).stem
    return re.sub(r"[-_]+", " ", stem).strip() or "Notes"


def _read_outline(lines: list[str], path: str | None) -> Notebook:
    builder = _Builder()
    chunk: list[tuple[int, str]] = []

    def flush() -> None:
        if chunk:
            builder.blocks.extend(_outline_blocks(chunk))
            chunk.clear()

    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        if raw[:1] not in " \t":
            flush()
            if is_day_line(raw):
                builder.start_day(raw.strip(), number)
            else:
                builder.start_talk(raw.strip(), number)
        else:
            chunk.append((number, raw))
    flush()
    return builder.notebook(title_from_path(path), path)


def _outline_blocks(lines: list[tuple[int, str]]) -> list[Block]:
    """Indented outline notes: each line an item, nested by indentation."""
    items = ListBuilder()
    for number, raw in lines:
        match = BULLET_RE.match(raw) or NUMBER_RE.match(raw)
        stripped = raw.lstrip(" \t")
        indent = indent_width(raw[: len(raw) - len(stripped)])
        if match:
            items.add(match["text"].strip(), number, indent, False)
        else:
            items.add(stripped.rstrip(), number, indent, False)
    return [items.build()] if items else []


def read_text_notes(text: str, path: str | None = None) -> Notebook:
    """Parse plain-text notes (paragraph notes or an outline) into a `Notebook`."""
    return _read_text_notes(text, path)


def _read_text_notes(text: str, path: str | None) -> Notebook:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if _is_outline(lines):
        return _read_outline(lines, path)

    # Group into chunks of consecutive non-blank lines, with 1-based line numbers.
    chunks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    append = current.append
    for number, raw in enumerate(lines, 1):
        stripped = raw.rstrip()
        if stripped:
            append((number, stripped))
        elif current:
            chunks.append(current)
            current = []
            append = current.append
    if current:
        chunks.append(current)

    title = title_from_path(path)
    first_line = chunks[0][0][1] if chunks else ""
    # A lone first line is the title, unless indented notes follow it: then it is a talk.
    notes_follow = len(chunks) > 1 and chunks[1][0][1].startswith(("\t", "    "))
    lone = chunks and len(chunks[0]) == 1 and len(first_line) <= 200
    if lone and not is_day_line(first_line) and not notes_follow:
        title = chunks.pop(0)[0][1].strip()

    has_days = any(len(chunk) == 1 and is_day_line(chunk[0][1]) for chunk in chunks)
    builder = _Builder()
    for chunk in chunks:
        number, first = chunk[0]
        if len(chunk) == 1 and is_day_line(first):
            builder.start_day(first.strip(), number)
        elif len(chunk) == 1 and (builder.days or not has_days) and looks_like_title(first):
            builder.start_talk(first.strip(), number)
        else:
            builder.blocks.extend(_blocks_from_lines(chunk))
    return builder.notebook(title, path)


# --------------------------------------------------------------------------- writer


def _write_blocks(blocks: tuple[Block, ...], out: list[str]) -> None:
    from ..model import Code, Heading, Quote, Table

    for block in blocks:
        if isinstance(block, ListBlock):
            number = block.start
            for depth, item in iter_items(block.items):
                pad = "  " * (depth + 1)
                if depth == 0 and block.ordered:
                    marker = f"{number}."
                    number += 1
                else:
                    marker = "•"
                first, *rest = item.text.split("\n")
                out.append(f"{pad}{marker} {first}")
                out.extend(f"{pad}  {line}" for line in rest)
        elif isinstance(block, Code):
            out.extend(f"    {line}" for line in block.text.split("\n"))
        elif isinstance(block, (Heading, Quote)):
            out.append(block.text if isinstance(block, Heading) else "> " + block.text)
        elif isinstance(block, Table):
            rows = (block.header, *block.rows)
            out.extend("  " + " | ".join(" ".join(cell.text.split()) for cell in row) for row in rows)
        else:
            out.append(block.text)
        out.append("")


def write_text_notes(notebook: Notebook) -> str:
    """Plain-text notes in the bundled layout, which `read_text_notes` reads back."""
    out: list[str] = [notebook.title, ""]
    _write_blocks(notebook.intro, out)
    for index, day in enumerate(notebook.days, 1):
        out.extend([day.title or f"day {index}", ""])
        for talk in day.talks:
            out.extend([talk.title, ""])
            _write_blocks(talk.blocks, out)
    return "\n".join(out).rstrip("\n") + "\n"
