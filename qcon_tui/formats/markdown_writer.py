"""Markdown writer: the notebook as a Markdown document that the Markdown reader reads back.

Layout: `# title`, the intro, `## day`, `### talk`, then the talk's facts as
`Speaker:`/`Track:`/`Room:`/`Date:`/time lines and its notes. Sub-headings sit below
the talk level (`####` and deeper). Note text is escaped wherever Markdown would read
it as markup, so a `*`, a leading `#` or a `<tag>` comes back as the same text.
"""

from __future__ import annotations

import re

from ..model import Block, Code, Heading, ListBlock, ListItem, Notebook, Paragraph, Quote, Talk
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


def _heading_text(text: str) -> str:
    """A title for an ATX heading: one line, escaped, with no closing `#`s to be stripped."""
    line = escape_line(" ".join(text.split("\n")).strip())
    match = re.search(r"(?<=\s)#+\s*$", line)
    if match:
        line = line[: match.start()] + match.group().strip().replace("#", "\\#")
    return line


def _heading(level: int, text: str) -> str:
    return f"{'#' * min(level, 6)} {_heading_text(text)}".rstrip()


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
        first, *rest = item.text.split("\n")
        out.append(f"{indent}{marker} {escape_line(first)}".rstrip())
        pad = indent + " " * (len(marker) + 1)
        out.extend(f"{pad}{escape_line(line)}".rstrip() for line in rest if line.strip())
        if item.children:
            _write_items(item.children, item.ordered_children, 1, pad, out)


def write_block(block: Block, out: list[str]) -> None:
    """Append one block's Markdown lines to `out`, followed by a blank line."""
    if isinstance(block, Paragraph):
        out.extend(escape_line(line) for line in block.text.split("\n"))
    elif isinstance(block, Heading):
        out.append(_heading(TALK_LEVEL + block.level, block.text))
    elif isinstance(block, ListBlock):
        _write_items(block.items, block.ordered, block.start, "", out)
    elif isinstance(block, Code):
        fence = _fence_for(block.text)
        language = block.language.split()[0] if block.language.split() else ""
        out.append(fence + ("" if "`" in language else language))
        out.extend(block.text.split("\n"))
        out.append(fence)
    elif isinstance(block, Quote):
        out.extend(f"> {escape_line(line)}".rstrip() for line in block.text.split("\n"))
    out.append("")


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
    facts = _facts(talk)
    if facts:
        out.extend([*facts, ""])
    if talk.links:
        out.extend([_links(talk), ""])
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
