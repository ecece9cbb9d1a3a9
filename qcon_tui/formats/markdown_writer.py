"""Markdown writer: the notebook as a Markdown document that the Markdown reader reads back.

Layout: `# title`, the intro, `## day`, `### talk`, then the talk's facts as
`Speaker:`/`Track:`/`Room:`/`Date:`/time/`Links:` lines joined by hard breaks (so every
CommonMark renderer keeps them on separate lines) and its notes. Sub-headings sit below
the talk level (`####` and deeper). Inline spans are written as Markdown (`**bold**`,
`*italic*`, `` `code` ``, `~~strike~~`, `[text](<target>)`) and tables as pipe tables;
all other text is escaped wherever Markdown would read it as markup, so a `*`, a
leading `#` or a `<tag>` comes back as the same text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ..model import (
    Block,
    Cell,
    Code,
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
from .text import is_day_line

#: Heading levels of the structure; a note's own heading of level N is written at TALK_LEVEL + N.
DAY_LEVEL = 2
TALK_LEVEL = 3

# Characters that inline Markdown acts on anywhere in a line. A backtick cannot be
# backslash-escaped reliably (code spans are found first), so it becomes an entity.
# An underscore between two letters or digits (snake_case) cannot open or close emphasis.
_INLINE_RE = re.compile(r"[\\*\[\]~&]|<(?=[A-Za-z/!?])|`|(?<![^\W_])_|_(?![^\W_])")
# What makes a line start a block: a heading, quote, list item, rule, table or setext underline.
_LINE_START_RE = re.compile(r"^(?:[#>+=|-]|•(?=\s|$)|\d{1,9}[.)](?=\s|$))")
_CLOCK_RE = re.compile(r"^(?:[01]?\d|2[0-3]):[0-5]\d$")
_URL_RE = re.compile(r"^(?:https?|ftp|mailto):[^\s<>]+$")


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    return "&#96;" if char == "`" else "\\" + char


def escape_inline(text: str) -> str:
    """Text with inline markup characters escaped (no line-start handling)."""
    return _INLINE_RE.sub(_escape_char, text)


def escape_line(text: str) -> str:
    """One line of running text, escaped so it reads back as the same words.

    Leading spaces are dropped: four of them would start a code block.
    """
    line = escape_inline(text.lstrip(" \t"))
    match = _LINE_START_RE.match(line)
    if match:
        start = match.group()
        if start == "•":
            return "&#8226;" + line[1:]
        if start[0].isdigit():  # "1." -> "1\." so it is not a numbered item
            return start[:-1] + "\\" + line[len(start) - 1 :]
        return "\\" + line
    return line


_MARKS = {"bold": "**", "italic": "*", "strike": "~~"}


def _code_span(text: str) -> str:
    """`text` as a code span, fenced by more backticks than any run inside it."""
    longest = max((len(m.group()) for m in re.finditer(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith(("`", " ")) or text.endswith(("`", " ")) else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _link_target(target: str) -> str:
    """A link destination in angle brackets, with the characters that would end it escaped."""
    return "<" + re.sub(r"([<>\\])", r"\\\1", target.replace("\n", " ")) + ">"


def inline_markdown(text: str, spans: Sequence[Span], escape: Callable[[str], str] = escape_inline) -> str:
    """One line of text with its spans written as Markdown and the rest escaped.

    Spans are nested (as the reader makes them); code spans hold raw text.
    """
    if not spans:
        return escape(text)
    out: list[str] = []
    open_spans: list[Span] = []
    position = 0
    events = sorted(spans, key=lambda span: (span.start, -span.end))
    index = 0

    def close_until(at: int) -> None:
        nonlocal position
        while open_spans and open_spans[-1].end <= at:
            span = open_spans.pop()
            out.append(escape_inline(text[position : span.end]))
            position = span.end
            out.append(_close(span))

    while index < len(events):
        span = events[index]
        close_until(span.start)
        if span.start < position or (open_spans and span.end > open_spans[-1].end):
            index += 1  # overlapping spans cannot be written; the text still is
            continue
        out.append(
            escape_inline(text[position : span.start]) if out or position else escape(text[: span.start])
        )
        position = span.start
        if span.style == "code":
            out.append(_code_span(text[span.start : span.end]))
            position = span.end
            # anything nested inside a code span is dropped: code holds raw text
            while index + 1 < len(events) and events[index + 1].start < span.end:
                index += 1
        else:
            out.append("[" if span.style == "link" else _MARKS[span.style])
            open_spans.append(span)
        index += 1
    close_until(len(text) + 1)
    out.append(escape_inline(text[position:]))
    return "".join(out)


def _close(span: Span) -> str:
    if span.style == "link":
        return f"]({_link_target(span.target or '')})"
    return _MARKS[span.style]


def _span_lines(text: str, spans: Sequence[Span]) -> list[str]:
    """Each line of `text` with the spans inside it written as Markdown."""
    lines = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        inside = [
            Span(max(s.start, start) - start, min(s.end, end) - start, s.style, s.target)
            for s in spans
            if s.start < end and s.end > start
        ]
        lead = len(line) - len(line.lstrip(" \t"))
        body = line[lead:]
        moved = [
            Span(max(0, s.start - lead), s.end - lead, s.style, s.target) for s in inside if s.end > lead
        ]
        lines.append(inline_markdown(body, moved, escape_line))
        start = end + 1
    return lines


def _heading_text(text: str, spans: Sequence[Span] = ()) -> str:
    """A title for an ATX heading: one line, escaped, with no closing `#`s to be stripped."""
    flat = " ".join(text.split("\n"))
    if spans:
        return " ".join(_span_lines(flat.strip(), [s for s in spans if s.end <= len(flat.strip())]))
    line = escape_line(flat.strip())
    match = re.search(r"(?<=\s)#+\s*$", line)
    if match:
        line = line[: match.start()] + match.group().strip().replace("#", "\\#")
    return line


def _heading(level: int, text: str, spans: Sequence[Span] = ()) -> str:
    return f"{'#' * min(level, 6)} {_heading_text(text, spans)}".rstrip()


# --------------------------------------------------------------------------- blocks


def _fence_for(text: str) -> str:
    """A backtick fence longer than any backtick run that starts a line of the code."""
    longest = max((len(m.group()) for m in re.finditer(r"(?m)^[ \t]*(`+)", text)), default=0)
    return "`" * max(3, longest + 1)


def _write_items(items: tuple[ListItem, ...], ordered: bool, start: int, indent: str, out: list[str]) -> None:
    number = start
    for item in items:
        marker = f"{number}." if ordered else "-"
        number += 1
        first, *rest = _span_lines(item.text, item.spans)
        out.append(f"{indent}{marker} {first}".rstrip())
        pad = indent + " " * (len(marker) + 1)
        out.extend(f"{pad}{line}".rstrip() for line in rest if line.strip())
        if item.children:
            _write_items(item.children, item.ordered_children, 1, pad, out)


def write_block(block: Block, out: list[str]) -> None:
    """Append one block's Markdown lines to `out`, followed by a blank line."""
    if isinstance(block, Paragraph):
        out.extend(_hard_breaks(_span_lines(block.text, block.spans)))
    elif isinstance(block, Heading):
        out.append(_heading(TALK_LEVEL + block.level, block.text, block.spans))
    elif isinstance(block, Table):
        out.extend(_table(block))
    elif isinstance(block, ListBlock):
        _write_items(block.items, block.ordered, block.start, "", out)
    elif isinstance(block, Code):
        fence = _fence_for(block.text)
        language = block.language.split()[0] if block.language.split() else ""
        out.append(fence + ("" if "`" in language else language))
        out.extend(block.text.split("\n"))
        out.append(fence)
    elif isinstance(block, Quote):
        out.extend(f"> {line}".rstrip() for line in _span_lines(block.text, block.spans))
    out.append("")


def _hard_breaks(lines: list[str]) -> list[str]:
    """Lines ending in a backslash hard break (but the last), so renderers keep them apart."""
    return [f"{line}\\" if i < len(lines) - 1 and line.strip() else line for i, line in enumerate(lines)]


def _cell(cell: Cell) -> str:
    text = " ".join(_span_lines(" ".join(cell.text.split("\n")), cell.spans)).replace("|", "\\|")
    return text or " "


def _table(block: Table) -> list[str]:
    """A pipe table: header, alignment rule, rows (padded to the same width)."""
    width = max([len(block.header), *(len(row) for row in block.rows)], default=1) or 1
    rule = {"left": ":---", "center": ":---:", "right": "---:"}
    header = [_cell(cell) for cell in block.header] + [" "] * (width - len(block.header))
    aligns = [rule.get(block.align[i] if i < len(block.align) else "", "---") for i in range(width)]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(aligns) + " |"]
    for row in block.rows:
        cells = [_cell(cell) for cell in row] + [" "] * (width - len(row))
        lines.append("| " + " | ".join(cells) + " |")
    return lines


# --------------------------------------------------------------------------- talks


def _facts(talk: Talk) -> list[str]:
    """The `Speaker:`-style lines the Markdown reader takes back as talk facts."""
    lines = []
    if talk.speakers:
        label = "Speakers" if len(talk.speakers) > 1 else "Speaker"
        lines.append(f"{label}: {escape_inline(talk.speaker_label)}")
    for name, value in (("Track", talk.track), ("Room", talk.room), ("Date", talk.date)):
        if value and value.strip():
            lines.append(f"{name}: {escape_inline(' '.join(value.split()))}")
    if talk.start and _CLOCK_RE.match(talk.start):
        end = f" - {talk.end}" if talk.end and _CLOCK_RE.match(talk.end) else ""
        lines.append(f"Time: {talk.start}{end}")
    return lines


def _links(talk: Talk) -> str:
    links = [f"<{link}>" if _URL_RE.match(link) else escape_inline(link) for link in talk.links]
    return "Links: " + ", ".join(links)


def _write_talk(talk: Talk, out: list[str]) -> None:
    out.extend([_heading(TALK_LEVEL, talk.title), ""])
    facts = _facts(talk) + ([_links(talk)] if talk.links else [])
    if facts:
        out.extend([*_hard_breaks(facts), ""])
    for block in talk.blocks:
        write_block(block, out)


def _is_day_title(title: str) -> bool:
    return is_day_line(title) and title.strip()[-1:] not in ".!?;,"


def write_markdown(nb: Notebook) -> str:
    """The notebook as Markdown: `# title`, intro, `## day`, `### talk` and the notes."""
    out: list[str] = []
    title = " ".join(nb.title.split())
    if title and not _is_day_title(title):
        out.extend([_heading(1, title), ""])
    else:
        # A day-like or empty title would be read as a day: give it in front matter.
        quoted = title.replace("'", "''")
        out.extend(["---", f"title: '{quoted}'", "---", ""])
    for block in nb.intro:
        write_block(block, out)
    lone_untitled = len(nb.days) == 1 and not nb.days[0].title.strip()
    for index, day in enumerate(nb.days, 1):
        if not lone_untitled:
            out.extend([_heading(DAY_LEVEL, day.title or f"Day {index}"), ""])
        for talk in day.talks:
            _write_talk(talk, out)
    return "\n".join(out).rstrip("\n") + "\n"
