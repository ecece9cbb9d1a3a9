"""Markdown source to a flat list of nodes: headings and model blocks, via markdown-it-py.

This module only says what the Markdown *is* (a level-3 heading, a list, a table);
which headings are days, talks or sub-headings is decided later by `structure`.
markdown-it is imported here, so only opening a Markdown file pays for it. Raw HTML
is not interpreted: it stays in the text as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..model import Block, Cell, Code, ListBlock, ListItem, Paragraph, Quote, Span, Table, iter_items
from .layout import BOLD_LEVEL as BOLD_LEVEL
from .layout import LINE_LEVEL as LINE_LEVEL

_ATX_NO_SPACE_RE = re.compile(r"^( {0,3})(#{1,6})(?=[^\s#!])")
_ATX_SPACED_RE = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_BULLET_RE = re.compile(r"^([ \t]*)[•·‣◦▪●○][ \t]+")
_ANCHOR_ID_RE = re.compile(r"#[\w.:-]{1,100}")


def _drop_anchor(text: str) -> str:
    """`Reading list {#reading-list}` → `Reading list` (a heading id attribute is markup)."""
    if not text.endswith("}"):
        return text
    start = text.rfind("{")
    if start < 0 or not _ANCHOR_ID_RE.fullmatch(text, start + 1, len(text) - 1):
        return text
    return text[:start].rstrip()


@dataclass
class Node:
    """One structural element: a heading-like title line (`head`), a block, or a rule (`hr`)."""

    kind: str  # "head" | "block" | "hr"
    line: int
    level: int = 0
    text: str = ""
    spans: tuple[Span, ...] = ()
    block: Block | None = None
    #: A paragraph made only of images and links (a banner or badges).
    media: bool = False
    #: A paragraph of a single line, which may stand for a day or a title.
    lone: bool = False


# --------------------------------------------------------------------------- pre-pass


def prepass(lines: list[str]) -> list[str]:
    """Fix non-CommonMark habits that real notes use consistently, keeping line numbers.

    `###Title` (no space) becomes a heading when the file writes its headings that way
    more often than with the space; `•` bullets become `-` bullets. Lines in fenced or
    indented code are left alone.
    """
    in_fence = ""
    code: list[bool] = []
    nospace = spaced = 0
    for raw in lines:
        fence = _FENCE_RE.match(raw)
        if in_fence:
            code.append(True)
            if fence and fence[1][0] == in_fence[0] and len(fence[1]) >= len(in_fence):
                in_fence = ""
            continue
        if fence:
            in_fence = fence[1]
            code.append(True)
            continue
        code.append(raw.startswith(("    ", "\t")))
        if _ATX_NO_SPACE_RE.match(raw):
            nospace += 1
        elif _ATX_SPACED_RE.match(raw):
            spaced += 1
    fix_headings = nospace >= 2 and nospace > spaced
    out = []
    for raw, in_code in zip(lines, code, strict=True):
        if not in_code:
            if fix_headings:
                raw = _ATX_NO_SPACE_RE.sub(r"\1\2 ", raw, count=1)
            raw = _BULLET_RE.sub(r"\1- ", raw, count=1)
        out.append(raw)
    return out


# --------------------------------------------------------------------------- inline


@dataclass
class Inline:
    """Plain text with spans, and the image URLs met on the way."""

    text: str
    spans: tuple[Span, ...] = ()
    images: tuple[str, ...] = ()
    media: bool = False


_STYLES = {"strong": "bold", "em": "italic", "s": "strike", "link": "link"}


def inline(token: Token | None) -> Inline:
    """Text and spans of an `inline` token; images become their alt text, linked."""
    if token is None or not token.children:
        return Inline(token.content if token is not None else "")
    parts: list[str] = []
    size = 0
    spans: list[Span] = []
    images: list[str] = []
    stack: list[tuple[str, int, str | None]] = []
    media = True

    def add(text: str) -> None:
        nonlocal size
        parts.append(text)
        size += len(text)

    for child in token.children:
        kind = child.type
        if kind in ("text", "html_inline"):
            if child.content.strip() and not any(style == "link" for style, _s, _t in stack):
                media = False
            add(child.content)
        elif kind in ("softbreak", "hardbreak"):
            add("\n")
        elif kind == "code_inline":
            media = False
            start = size
            add(child.content)
            if size > start:
                spans.append(Span(start, size, "code"))
        elif kind == "image":
            start = size
            url = str(child.attrs.get("src", "") or "")
            add(child.content or "".join(c.content for c in child.children or ()))
            if url:
                images.append(url)
                if size > start:
                    spans.append(Span(start, size, "link", url))
        elif kind.endswith("_open") and kind[:-5] in _STYLES:
            target = str(child.attrs.get("href", "")) if kind == "link_open" else None
            stack.append((_STYLES[kind[:-5]], size, target))
        elif kind.endswith("_close") and kind[:-6] in _STYLES:
            for at in range(len(stack) - 1, -1, -1):
                if stack[at][0] == _STYLES[kind[:-6]]:
                    style, start, target = stack.pop(at)
                    if size > start:
                        spans.append(Span(start, size, style, target))  # type: ignore[arg-type]
                    break
        else:
            add(child.content)
    text = "".join(parts)
    return Inline(text, tuple(spans), tuple(images), media and bool(text.strip()))


def shift(spans: Sequence[Span], offset: int, start: int = 0, end: int | None = None) -> list[Span]:
    """The spans that fall in text[start:end], moved by `offset` (clipped at the edges)."""
    out = []
    for span in spans:
        lo, hi = max(span.start, start), span.end if end is None else min(span.end, end)
        if hi > lo:
            out.append(replace(span, start=lo + offset, end=hi + offset))
    return out


def strip_inline(value: Inline) -> Inline:
    """`value` without surrounding whitespace, spans moved to match."""
    lead = len(value.text) - len(value.text.lstrip())
    text = value.text.strip()
    return replace(value, text=text, spans=tuple(shift(value.spans, -lead, lead, lead + len(text))))


# --------------------------------------------------------------------------- blocks


class _Walker:
    """Turns markdown-it block tokens into `Node`s."""

    def __init__(self, tokens: list[Token], first_line: int, lines: list[str]) -> None:
        self.tokens = tokens
        self.first = first_line
        self.lines = lines
        self.images: list[str] = []
        self.unclosed: list[int] = []

    def line(self, token: Token) -> int:
        return (token.map[0] if token.map else 0) + self.first

    def close_of(self, index: int) -> int:
        """Index of the token closing the one opened at `index`."""
        depth = 0
        for at in range(index, len(self.tokens)):
            depth += self.tokens[at].nesting
            if depth == 0:
                return at
        return len(self.tokens) - 1

    def inline(self, token: Token | None) -> Inline:
        value = inline(token)
        self.images.extend(value.images)
        return value

    def nodes(self, start: int, end: int) -> list[Node]:
        """Nodes for the tokens in [start, end)."""
        out: list[Node] = []
        i = start
        while i < end:
            tok = self.tokens[i]
            kind = tok.type
            if kind == "heading_open":
                value = strip_inline(self.inline(self.tokens[i + 1]))
                text = _drop_anchor(value.text)
                spans = tuple(shift(value.spans, 0, 0, len(text)))
                out.append(Node("head", self.line(tok), int(tok.tag[1]), text, spans))
                i = self.close_of(i) + 1
                continue
            if kind == "paragraph_open":
                out.extend(self.paragraph(self.tokens[i + 1], self.line(tok)))
                i = self.close_of(i) + 1
                continue
            if kind == "hr":
                out.append(Node("hr", self.line(tok)))
            elif kind in ("fence", "code_block"):
                info = tok.info.split()[0] if tok.info.split() else ""
                body = tok.content[:-1] if tok.content.endswith("\n") else tok.content
                out.append(Node("block", self.line(tok), block=Code(body, info, self.line(tok))))
                if kind == "fence" and not self.closed(tok):
                    self.unclosed.append(self.line(tok))
            elif kind in ("bullet_list_open", "ordered_list_open"):
                close = self.close_of(i)
                block = self.list_block(i, close)
                last = out[-1].block if out else None
                if isinstance(last, ListBlock) and not last.ordered and not block.ordered:
                    # Bullets that switch marker (-, *, +) still read as one list.
                    out[-1].block = replace(last, items=last.items + block.items)
                else:
                    out.append(Node("block", self.line(tok), block=block))
                i = close + 1
                continue
            elif kind == "blockquote_open":
                close = self.close_of(i)
                text, quoted = self.flatten(i + 1, close)
                out.append(Node("block", self.line(tok), block=Quote(text, self.line(tok), tuple(quoted))))
                i = close + 1
                continue
            elif kind == "table_open":
                close = self.close_of(i)
                out.append(Node("block", self.line(tok), block=self.table(i, close)))
                i = close + 1
                continue
            elif kind == "html_block":
                text = tok.content.rstrip("\n")
                out.append(Node("block", self.line(tok), block=Paragraph(text, self.line(tok))))
            i += 1
        return out

    def closed(self, tok: Token) -> bool:
        """True when a fence's last line is its closing fence (markdown-it reads to the end)."""
        if not tok.map or tok.map[1] - tok.map[0] < 2 or tok.map[1] > len(self.lines):
            return False
        last = self.lines[tok.map[1] - 1].strip()
        return len(last) >= len(tok.markup) and last == last[0] * len(last) and last[0] == tok.markup[0]

    def paragraph(self, token: Token, line: int) -> list[Node]:
        """A paragraph node; a first line that is all bold is split off as a bold title."""
        value = self.inline(token)
        text = value.text
        first, _sep, rest = text.partition("\n")
        title = first.rstrip()
        colon = title.endswith(":")
        bare = title[:-1].rstrip() if colon else title
        bold = any(s.style == "bold" and s.start == 0 and s.end >= len(bare) for s in value.spans)
        if bold and bare:
            head = Node("head", line, BOLD_LEVEL, bare, tuple(shift(value.spans, 0, 0, len(bare))))
            head.text = bare + (":" if colon else "")
            if not rest.strip():
                return [head]
            offset = len(first) + 1
            body = Paragraph(rest, line + 1, tuple(shift(value.spans, -offset, offset)))
            return [head, Node("block", line + 1, block=body)]
        para = Paragraph(text, line, value.spans)
        return [Node("block", line, block=para, media=value.media, lone="\n" not in text.strip())]

    def flatten(self, start: int, end: int, sep: str = "\n\n") -> tuple[str, list[Span]]:
        """All text in [start, end) as one string with its spans (for quotes and list items)."""
        parts: list[str] = []
        spans: list[Span] = []
        size = 0
        for node in self.nodes(start, end):
            if node.kind == "head":
                text, node_spans = node.text, list(node.spans)
            elif node.block is not None:
                text, node_spans = _block_text(node.block)
            else:
                continue
            if parts:
                parts.append(sep)
                size += len(sep)
            spans.extend(shift(node_spans, size))
            parts.append(text)
            size += len(text)
        return "".join(parts), spans

    def list_block(self, start: int, end: int) -> ListBlock:
        """A (possibly nested) list from `*_list_open` at `start` to its close at `end`."""
        opener = self.tokens[start]
        ordered = opener.type == "ordered_list_open"
        number = int(opener.attrs.get("start", 1) or 1) if ordered else 1
        items = []
        i = start + 1
        while i < end:
            if self.tokens[i].type == "list_item_open":
                close = self.close_of(i)
                items.append(self.item(i, close))
                i = close + 1
            else:
                i += 1
        return ListBlock(tuple(items), ordered=ordered, start=number, line=self.line(opener))

    def item(self, start: int, end: int) -> ListItem:
        """One list item: its own text (paragraphs, code, tables) and its nested lists."""
        children: list[ListItem] = []
        ordered_children: bool | None = None
        parts: list[str] = []
        spans: list[Span] = []
        size = 0
        i = start + 1
        while i < end:
            tok = self.tokens[i]
            if tok.type in ("bullet_list_open", "ordered_list_open"):
                close = self.close_of(i)
                nested = self.list_block(i, close)
                children.extend(nested.items)
                if ordered_children is None:
                    ordered_children = nested.ordered
                i = close + 1
                continue
            close = self.close_of(i) if tok.nesting == 1 else i
            text, node_spans = self.flatten(i, close + 1, "\n")
            if text:
                if parts:
                    parts.append("\n")
                    size += 1
                spans.extend(shift(node_spans, size))
                parts.append(text)
                size += len(text)
            i = close + 1
        return ListItem(
            "".join(parts),
            self.line(self.tokens[start]),
            tuple(children),
            bool(ordered_children),
            tuple(spans),
        )

    def table(self, start: int, end: int) -> Table:
        """A table block: the header row, body rows and column alignment."""
        rows: list[list[Cell]] = []
        align: list[str] = []
        for i in range(start, end):
            tok = self.tokens[i]
            if tok.type == "tr_open":
                rows.append([])
            elif tok.type in ("th_open", "td_open") and rows:
                value = strip_inline(self.inline(self.tokens[i + 1]))
                rows[-1].append(Cell(value.text, value.spans))
                if tok.type == "th_open":
                    style = str(tok.attrs.get("style", "") or "")
                    align.append(style.partition("text-align:")[2].strip())
        header = tuple(rows[0]) if rows else ()
        return Table(
            header, tuple(tuple(row) for row in rows[1:]), tuple(align), self.line(self.tokens[start])
        )


def _block_text(block: Block) -> tuple[str, list[Span]]:
    """A block as one string with spans, for blocks nested in quotes and list items."""
    if isinstance(block, (Paragraph, Quote)):
        return block.text, list(block.spans)
    if isinstance(block, Code):
        return block.text, []
    if isinstance(block, ListBlock):
        lines = [("  " * depth) + "- " + item.text for depth, item in iter_items(block.items)]
        return "\n".join(lines), []
    if isinstance(block, Table):
        return "\n".join(" | ".join(cell.text for cell in row) for row in (block.header, *block.rows)), []
    return getattr(block, "text", ""), []


_PARSER: MarkdownIt | None = None


def parser() -> MarkdownIt:
    """CommonMark with tables and strikethrough; raw HTML stays text."""
    global _PARSER
    if _PARSER is None:
        _PARSER = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    return _PARSER


@dataclass
class Parsed:
    """What `parse_nodes` found: the nodes, image URLs, and lines of fences never closed."""

    nodes: list[Node]
    images: list[str]
    unclosed: list[int]


def parse_nodes(body: str, first_line: int = 1) -> Parsed:
    """The nodes of Markdown `body` (whose first line is `first_line`), and what was seen."""
    tokens = parser().parse(body)
    walker = _Walker(tokens, first_line, body.split("\n"))
    nodes = walker.nodes(0, len(tokens))
    return Parsed(nodes, walker.images, walker.unclosed)
