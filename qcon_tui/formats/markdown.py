"""Reader for Markdown conference notes, driven by the document's structure.

How days and talks are found:

* **Days** are headings (or lone lines, or whole-line bold) that name a day: `Day 2`,
  `Wednesday, April 5th, 2017`, `2017-03-06` (see `text.DAY_RE`). A file without them
  gets one day titled "".
* **The title** is the front matter's `title`, else a lone shallowest heading at the top
  that is not a day (it may share its level with the days), else the file name.
* **Talks** sit at the *talk level*: the shallowest heading level whose headings carry
  notes of their own. A level whose headings mostly only group deeper headings is a
  grouping level: without day headings its headings become the days, otherwise they set
  the talks' track. Whole-line bold titles (`**1. Title**`) count as the deepest level,
  so they are talks when no heading level holds talks, or when a `Speaker:`/time line
  follows them; otherwise they are sub-headings.
* Headings deeper than the talk level are sub-headings inside the talk. Content before
  the first day (or first talk) is the intro; content under a day or group heading
  before its first talk becomes a talk named after that heading.
* `Speaker:`, `Track:`, `Room:`, `Date:` and time-slot lines at the top of a talk, and a
  time prefixing its title, become talk metadata. Nothing else is dropped except markup.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from ..model import (
    Block,
    Code,
    Diagnostic,
    Heading,
    Notebook,
    Paragraph,
    Quote,
    Speaker,
    Talk,
    assign_ids,
)
from .safe_yaml import safe_load
from .sniff import _BOLD_RE, _HR_RE, _ITEM_RE
from .sniff import looks_like_markdown as looks_like_markdown  # re-exported
from .text import ListBuilder, is_day_line, looks_like_title

# --------------------------------------------------------------------------- block syntax

_FENCE_RE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n]*?)[ \t]*$")
_ATX_RE = re.compile(r"^ {0,3}(?P<hashes>#{1,6})(?:[ \t]+(?P<text>.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT_RE = re.compile(r"^ {0,3}(?P<char>=|-)(?P=char)*[ \t]*$")
_QUOTE_RE = re.compile(r"^ {0,3}>[ ]?(?P<text>.*)$")
_REFDEF_RE = re.compile(
    r"""^ {0,3}\[(?P<label>[^\]]+)\]:[ \t]*<?(?P<url>[^\s>]+)>?"""
    r"""(?:[ \t]+(?:"[^"]*"|'[^']*'|\([^)]*\)))?[ \t]*$"""
)
_TABLE_RULE_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*$")

# --------------------------------------------------------------------------- inline syntax

_URL = r"<?((?:[^()\s<>]|\([^()\s]*\))*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?"
_CODE_SPAN_RE = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)")
_ESCAPE_RE = re.compile(r"\\([!-/:-@\[-`{-~])")
_IMAGE_RE = re.compile(r"!\[([^\]]*)\]\(\s*" + _URL + r"\s*\)")
_LINK_RE = re.compile(r"\[([^\]]*)\]\(\s*" + _URL + r"\s*\)")
_REFLINK_RE = re.compile(r"(!?)\[([^\]]+)\]\[([^\]]*)\]")
_SHORTREF_RE = re.compile(r"(!?)\[([^\]]+)\](?![(\[:])")
_AUTOLINK_RE = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+|[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+)>")
_BREAK_TAG_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s+[^<>]*)?/?>")
# Emphasis spans are bounded in length so a line full of stray markers stays linear.
_STRONG_RE = re.compile(r"(\*\*|__)(?=\S)(.{1,300}?)(?<=\S)\1")
_EM_STAR_RE = re.compile(r"\*(?=[^\s*])(.{1,300}?)(?<=[^\s*])\*")
_EM_UNDER_RE = re.compile(r"(?<!\w)_(?=[^\s_])(.{1,300}?)(?<=[^\s_])_(?!\w)")
_STRIKE_RE = re.compile(r"~~(?=\S)(.{1,300}?)(?<=\S)~~")
_SLOT_RE = re.compile("\ue000(\\d+)\ue001")
_MARKER_RE = re.compile("[\ue000\ue001]")

# --------------------------------------------------------------------------- metadata

_CLOCK = r"(?:[01]?\d|2[0-3])(?:[:h][0-5]\d)?\s*(?:[ap]\.?m\.?)?"
_TIME_RANGE = rf"(?P<a>{_CLOCK})(?:\s*(?:-|–|—|to|until)\s*(?P<b>{_CLOCK}))?"
_TIME_ONLY_RE = re.compile(
    rf"^(?:(?:time|when|slot)\s*:\s*)?[\[(]?{_TIME_RANGE}[\])]?$",
    re.IGNORECASE,
)
_TIME_PREFIX_RE = re.compile(
    rf"^[\[(]?{_TIME_RANGE}[\])]?(?:\s*[-–—|:]\s*|\s+)(?P<rest>\S.*)$", re.IGNORECASE
)
_CLOCK_RE = re.compile(r"^(?P<h>\d{1,2})(?:[:h](?P<m>\d{2}))?\s*(?P<ampm>[ap])?\.?(?:m\.?)?$", re.IGNORECASE)
_SPEAKER_RE = re.compile(
    r"^(?P<label>speakers?|presenters?|presented\s+by|given\s+by|talk\s+by)\s*(?::\s*|\s+)(?P<names>\S.{0,250})$",
    re.IGNORECASE,
)
_FIELD_RE = re.compile(r"^(?P<field>track|room|date)\s*:\s*(?P<value>\S.{0,200})$", re.IGNORECASE)
_COMPANY_SEP_RE = re.compile(r"\s+(?:@|from|at|-|–|—|\|)\s+")

#: The pseudo-level of whole-line bold titles: deeper than any ATX heading.
BOLD_LEVEL = 7
#: The pseudo-level of lone title-like lines, used only when nothing else marks talks.
LINE_LEVEL = 8


@dataclass
class _Tok:
    """One source line (or fenced block) with what Markdown makes of it."""

    kind: str  # blank text item quote code heading bold hr refdef
    line: int
    text: str = ""
    indent: int = 0
    level: int = 0
    ordered: bool = False
    number: int = 1
    lang: str = ""


def _width(indent: str) -> int:
    return len(indent.expandtabs(4))


# --------------------------------------------------------------------------- detection


# --------------------------------------------------------------------------- tokenizer


def _tokenize(lines: list[str], first: int, diagnostics: list[Diagnostic]) -> list[_Tok]:
    """Split body lines into line tokens, resolving fences and Setext headings."""
    toks: list[_Tok] = []
    para_start: int | None = None  # index of the first text token of an open paragraph
    i = 0
    while i < len(lines):
        raw, number = lines[i], first + i
        i += 1
        if not raw.strip():
            toks.append(_Tok("blank", number))
            para_start = None
            continue
        if m := _FENCE_RE.match(raw):
            fence, indent = m["fence"], _width(m["indent"])
            if fence[0] == "`" and "`" in m["info"]:
                m = None  # an inline code span, not a fence
            else:
                close = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
                body: list[str] = []
                while i < len(lines) and not close.match(lines[i]):
                    body.append(_dedent(lines[i], indent))
                    i += 1
                if i >= len(lines):
                    diagnostics.append(Diagnostic(number, "code fence is never closed; read to the end"))
                i += 1
                lang = m["info"].split()[0] if m["info"].split() else ""
                toks.append(_Tok("code", number, "\n".join(body), indent=indent, lang=lang))
                para_start = None
                continue
        if m := _ATX_RE.match(raw):
            toks.append(_Tok("heading", number, (m["text"] or "").strip(), level=len(m["hashes"])))
            para_start = None
            continue
        if (m := _SETEXT_RE.match(raw)) and para_start is not None:
            run = toks[para_start:]
            del toks[para_start:]
            level = 1 if m["char"] == "=" else 2
            toks.append(_Tok("heading", run[0].line, " ".join(t.text for t in run), level=level))
            para_start = None
            continue
        if _HR_RE.match(raw):
            toks.append(_Tok("hr", number))
            para_start = None
            continue
        if m := _QUOTE_RE.match(raw):
            toks.append(_Tok("quote", number, m["text"]))
            para_start = None
            continue
        if _REFDEF_RE.match(raw):
            toks.append(_Tok("refdef", number, raw.strip()))
            para_start = None
            continue
        if m := _ITEM_RE.match(raw):
            ordered = m["number"] is not None
            toks.append(
                _Tok(
                    "item",
                    number,
                    (m["text"] or "").strip(),
                    indent=_width(m["indent"]),
                    ordered=ordered,
                    number=int(m["number"]) if ordered else 1,
                )
            )
            para_start = None
            continue
        if m := _BOLD_RE.match(raw):
            toks.append(_Tok("bold", number, m["text"].strip() + m["colon"]))
            para_start = None
            continue
        if _TABLE_RULE_RE.match(raw):
            continue  # a table's header rule is pure markup
        indent = _width(raw[: len(raw) - len(raw.lstrip(" \t"))])
        if para_start is None and indent < 4 and (not toks or toks[-1].kind not in ("item", "quote", "text")):
            para_start = len(toks)
        toks.append(_Tok("text", number, raw.strip(), indent=indent))
    return toks


def _dedent(line: str, indent: int) -> str:
    """Remove up to `indent` columns of leading whitespace (a fence's own indentation)."""
    expanded = line.expandtabs(4)
    lead = len(expanded) - len(expanded.lstrip(" "))
    return expanded[min(lead, indent) :]


# --------------------------------------------------------------------------- inline text


class _Inline:
    """Reduces inline Markdown to plain text, resolving reference links."""

    def __init__(self, refs: dict[str, str]) -> None:
        self.refs = refs

    def __call__(self, text: str) -> str:
        saved: list[str] = []

        def keep(value: str) -> str:
            saved.append(value)
            return f"\ue000{len(saved) - 1}\ue001"

        def code_span(m: re.Match[str]) -> str:
            body = m[2]
            if len(body) > 2 and body.startswith(" ") and body.endswith(" "):
                body = body[1:-1]
            return keep(body)

        # The slot markers are private-use characters; any already in the text are
        # kept as literals first, so they can never be mistaken for a slot.
        text = _MARKER_RE.sub(lambda m: keep(m[0]), text)
        literal = len(saved)
        text = _CODE_SPAN_RE.sub(code_span, text)
        text = _ESCAPE_RE.sub(lambda m: keep(m[1]), text)
        text = _AUTOLINK_RE.sub(lambda m: keep(m[1]), text)
        text = _IMAGE_RE.sub(lambda m: self._link(m[1], m[2]), text)
        text = _LINK_RE.sub(lambda m: self._link(m[1], m[2]), text)
        text = _REFLINK_RE.sub(self._reflink, text)
        text = _SHORTREF_RE.sub(self._shortref, text)
        text = _BREAK_TAG_RE.sub(" ", text)
        text = _TAG_RE.sub("", text)
        for pattern in (_STRONG_RE, _STRONG_RE, _STRIKE_RE):
            text = pattern.sub(lambda m: m[2] if m.lastindex == 2 else m[1], text)
        text = _EM_STAR_RE.sub(lambda m: m[1], text)
        text = _EM_UNDER_RE.sub(lambda m: m[1], text)
        text = html.unescape(text)

        def restore(value: str, depth: int = 0) -> str:
            def slot(m: re.Match[str]) -> str:
                index = int(m[1])
                if index >= len(saved):
                    return m[0]
                if index < literal or depth > 8:
                    return saved[index]
                return restore(saved[index], depth + 1)

            return _SLOT_RE.sub(slot, value)

        return restore(text)

    @staticmethod
    def _link(label: str, url: str) -> str:
        label = label.strip()
        if not url or label == url:
            return label or url
        return f"{label} ({url})" if label else url

    def _reflink(self, m: re.Match[str]) -> str:
        label = m[2]
        url = self.refs.get(_ref_key(m[3] or label))
        return self._link(label, url) if url else label

    def _shortref(self, m: re.Match[str]) -> str:
        url = self.refs.get(_ref_key(m[2]))
        return self._link(m[2], url) if url else m[0]


def _ref_key(label: str) -> str:
    return " ".join(label.lower().split())


# --------------------------------------------------------------------------- metadata


def _clock(value: str | None) -> str | None:
    """`9:05`, `9am`, `2:30 p.m.` → "HH:MM" (24 h), or None when not a time."""
    if not value:
        return None
    m = _CLOCK_RE.match(value.strip())
    if not m or (m["m"] is None and m["ampm"] is None):
        return None
    hour, minute = int(m["h"]), int(m["m"] or 0)
    if m["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if m["ampm"].lower() == "p" else 0)
    return f"{hour:02d}:{minute:02d}" if hour < 24 and minute < 60 else None


def _time_range(m: re.Match[str]) -> tuple[str, str | None] | None:
    start, end = _clock(m["a"]), _clock(m["b"])
    if start is None or (m["b"] and end is None):
        return None
    return start, end


def _time_only(text: str) -> tuple[str, str | None] | None:
    """The (start, end) of a line that is only a time slot, else None."""
    m = _TIME_ONLY_RE.match(text.strip())
    return _time_range(m) if m else None


def _split_time_prefix(title: str) -> tuple[str, tuple[str, str | None] | None]:
    """`10:35 - 11:25 Title` → ("Title", ("10:35", "11:25"))."""
    m = _TIME_PREFIX_RE.match(title)
    if m and (slot := _time_range(m)):
        return m["rest"].strip(), slot
    return title, None


def _split_outside_parens(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    i = 0
    while i < len(text):
        char = text[i]
        depth += char == "("
        depth -= char == ")" and depth > 0
        if depth == 0:
            sep = re.match(r",|;|&|\s+and\s+", text[i:])
            if sep:
                parts.append(current)
                current = ""
                i += len(sep[0])
                continue
        current += char
        i += 1
    parts.append(current)
    return [part.strip() for part in parts if part.strip()]


def parse_speakers(label: str, names: str) -> tuple[Speaker, ...]:
    """Speakers from the text after `Speaker:`; a company goes in parentheses.

    `Speakers: A (X), B` is two people; `Speaker: Name, Company` (singular label, one
    comma) is one person and their company.
    """
    parts = _split_outside_parens(names.strip().rstrip("."))
    if label.lower() == "speaker" and len(parts) == 2 and "(" not in names:
        return (Speaker(parts[0], parts[1]),)
    speakers = []
    for part in parts:
        if m := re.match(r"^(?P<name>.+?)\s*\((?P<company>[^()]+)\)$", part):
            speakers.append(Speaker(m["name"].strip(), m["company"].strip()))
        elif len(pieces := _COMPANY_SEP_RE.split(part, maxsplit=1)) == 2:
            speakers.append(Speaker(pieces[0].strip(), pieces[1].strip()))
        else:
            speakers.append(Speaker(part))
    return tuple(speakers)


# --------------------------------------------------------------------------- structure


@dataclass
class _Section:
    """A talk (or the intro) being gathered: its title, facts and tokens."""

    title: str
    line: int
    level: int = 0
    toks: list[_Tok] = field(default_factory=list)
    track: str | None = None
    slot: tuple[str, str | None] | None = None


@dataclass
class _Outline:
    """What each structural token is: day, talk, group (track/day), slot or sub-heading."""

    roles: dict[int, str]
    talk_level: int
    day_group_level: int | None


def _is_title_like(text: str) -> bool:
    return bool(text) and len(text) <= 150 and text[-1] not in ".,;:"


def _is_bold_title(text: str) -> bool:
    """True for a whole-line bold text that could name a talk (not a sentence or a fact)."""
    return _is_title_like(text) and not _is_meta(text)


def _is_meta(text: str) -> bool:
    """True for a Speaker/time/track/room/date line, which is a fact, not a title."""
    return bool(_SPEAKER_RE.match(text) or _time_only(text) or _FIELD_RE.match(text))


def _day_text(tok: _Tok, inline: _Inline) -> bool:
    text = inline(tok.text).strip()
    return is_day_line(text) and text[-1:] not in ".!?;,"


def _lone(toks: list[_Tok], index: int) -> bool:
    """True when the token stands alone between blank lines or structure."""
    edges = ("blank", "heading", "hr", "bold")
    before = toks[index - 1].kind if index else "blank"
    after = toks[index + 1].kind if index + 1 < len(toks) else "blank"
    return before in edges and after in edges


def _leads_with_meta(toks: list[_Tok], index: int, inline: _Inline) -> bool:
    """True when the next non-blank token after `index` is a Speaker/time line."""
    for tok in toks[index + 1 :]:
        if tok.kind == "blank":
            continue
        text = inline(tok.text).strip()
        return tok.kind in ("text", "item", "bold") and bool(_SPEAKER_RE.match(text) or _time_only(text))
    return False


def _outline(toks: list[_Tok], inline: _Inline, title_index: int | None) -> _Outline:
    """Decide the role of every heading, bold line and bare day line."""
    roles: dict[int, str] = {}
    headings = [i for i, t in enumerate(toks) if t.kind == "heading" and i != title_index]

    # Days: day-like headings at the shallowest level where they occur (a title-like
    # "Day 2 Operations" deeper in a talk is not a day), plus lone day lines.
    day_like = [i for i in headings if _day_text(toks[i], inline)]
    if day_like:
        day_level = min(toks[i].level for i in day_like)
        shallower = any(toks[i].level < day_level for i in headings if i not in day_like)
        for i in day_like:
            strict = re.fullmatch(r"(?i)day\s*\w+|\d{4}-\d{2}-\d{2}", inline(toks[i].text).strip())
            if (toks[i].level == day_level and not shallower) or strict:
                roles[i] = "day"
    for i, tok in enumerate(toks):
        if tok.kind in ("text", "bold") and tok.indent == 0 and _lone(toks, i) and _day_text(tok, inline):
            roles[i] = "day"

    candidates = [i for i in headings if i not in roles]
    bolds = [
        i
        for i, t in enumerate(toks)
        if t.kind == "bold" and i not in roles and _is_bold_title(inline(t.text).strip())
    ]
    # Bold titles compete for the talk level when no heading can hold talks, or when a
    # Speaker/time line right under them says they are talks.
    candidates_bold = [i for i in bolds if not candidates or _leads_with_meta(toks, i, inline)]
    level_of = {i: toks[i].level for i in candidates}
    level_of.update({i: BOLD_LEVEL for i in candidates_bold})
    if not level_of and title_index is None:
        # No headings or bold titles: lone lines that read like titles are the talks,
        # as in plain-text notes.
        for i, tok in enumerate(toks):
            if (
                tok.kind == "text"
                and i not in roles
                and _lone(toks, i)
                and looks_like_title(tok.text)
                and not _is_meta(inline(tok.text).strip())
            ):
                level_of[i] = LINE_LEVEL
    order = sorted(level_of)

    # For each candidate: does it have notes of its own, and deeper candidates under it?
    stops = sorted(set(order) | {i for i, role in roles.items() if role == "day"})
    own: dict[int, bool] = {}
    kids: dict[int, bool] = {}
    for i in order:
        at = bisect.bisect_right(stops, i)
        end = stops[at] if at < len(stops) else len(toks)
        own[i] = any(t.kind not in ("blank", "hr") for t in toks[i + 1 : end])
        kids[i] = end in level_of and level_of[end] > level_of[i]

    # Time-only headings that group talks are slots, not a level of their own.
    for i in order:
        if kids[i] and toks[i].kind == "heading" and _time_only(inline(toks[i].text)):
            roles[i] = "slot"
    order = [i for i in order if i not in roles]

    levels = sorted({level_of[i] for i in order})
    talk_level = levels[-1] if levels else BOLD_LEVEL
    for level in levels:
        on_level = [i for i in order if level_of[i] == level]
        grouping = sum(1 for i in on_level if kids[i] and not own[i])
        if grouping * 2 <= len(on_level):
            talk_level = level
            break

    has_days = any(role == "day" for role in roles.values())
    group_levels = [lv for lv in levels if lv < talk_level]
    day_group_level = None if has_days or not group_levels else group_levels[0]
    for i in order:
        level = level_of[i]
        if level == talk_level or (level < talk_level and not kids[i]):
            roles[i] = "talk"
        elif level < talk_level:
            roles[i] = "group"
        else:
            roles[i] = "sub"
    return _Outline(roles, talk_level, day_group_level)


# --------------------------------------------------------------------------- blocks


def _build_blocks(
    toks: list[_Tok], inline: _Inline, talk_level: int, diagnostics: list[Diagnostic]
) -> list[Block]:
    """Turn a section's tokens into paragraphs, lists, code, quotes and sub-headings."""
    blocks: list[Block] = []
    para: list[_Tok] = []
    quote: list[_Tok] = []
    code: list[_Tok] = []
    items = ListBuilder()
    list_indent = -1
    last_kind = "blank"  # the last token that was not blank
    blank_since = True  # a blank line came after it
    last_heading = 0

    def flush_para() -> None:
        if para:
            text = "\n".join(_unbreak(inline(t.text)) if t.kind != "refdef" else t.text for t in para)
            blocks.append(Paragraph(text, line=para[0].line))
            para.clear()

    def flush_quote() -> None:
        if quote:
            text = "\n".join(_unbreak(inline(t.text.strip())) for t in quote).strip("\n")
            blocks.append(Quote(text, line=quote[0].line))
            quote.clear()

    def flush_code() -> None:
        if code:
            while code and code[-1].kind == "blank":
                code.pop()
            lines = [(" " * (t.indent - 4)) + t.text if t.kind == "text" else "" for t in code]
            blocks.append(Code("\n".join(lines), line=code[0].line))
            code.clear()

    def flush_list() -> None:
        nonlocal list_indent
        if items:
            blocks.append(items.build())
        list_indent = -1

    def flush() -> None:
        flush_para()
        flush_quote()
        flush_code()
        flush_list()

    for tok in toks:
        kind = tok.kind
        if code and not (kind == "blank" or (kind == "text" and tok.indent >= 4)):
            flush_code()
        if kind == "blank":
            flush_para()
            flush_quote()
            if code:
                code.append(tok)
            blank_since = True
            continue
        elif kind == "item":
            flush_para()
            flush_quote()
            if items and tok.indent <= list_indent and items.top_ordered() != tok.ordered:
                flush_list()
            if not items:
                list_indent = tok.indent
            items.add(_unbreak(inline(tok.text)), tok.line, tok.indent, tok.ordered, tok.number)
        elif kind == "text":
            text = _unbreak(inline(tok.text))
            lazy = not blank_since and last_kind in ("item", "text")
            if items and (lazy or tok.indent > list_indent):
                items.continue_last(text)
            elif quote and not blank_since and last_kind == "quote":
                quote.append(tok)
            elif code or (not para and not items and tok.indent >= 4):
                code.append(tok)
            else:
                flush_list()
                para.append(tok)
        elif kind == "refdef":
            flush_list()
            flush_quote()
            para.append(tok)
        elif kind == "quote":
            flush_para()
            flush_list()
            quote.append(tok)
        elif kind == "code":
            flush()
            blocks.append(Code(tok.text, language=tok.lang, line=tok.line))
        elif kind in ("heading", "bold"):
            flush()
            text = inline(tok.text).strip()
            if not text:
                diagnostics.append(Diagnostic(tok.line, "empty heading ignored"))
            else:
                if kind == "heading":
                    level = max(1, tok.level - talk_level) if talk_level < BOLD_LEVEL else tok.level
                else:
                    level = min(6, last_heading + 1)
                last_heading = level
                blocks.append(Heading(text, level=level, line=tok.line))
        elif kind == "hr":
            flush()
        last_kind, blank_since = kind, False
    flush()
    return blocks


def _unbreak(text: str) -> str:
    """Drop a trailing backslash (a Markdown hard line break) and end spaces."""
    text = text.rstrip()
    return text[:-1].rstrip() if text.endswith("\\") and not text.endswith("\\\\") else text


def _take_meta(section: _Section, inline: _Inline) -> dict:
    """Pull Speaker/time/track/room/date lines from the top of a talk into its facts."""
    facts: dict = {}
    speakers: list[Speaker] = []
    rest = section.toks
    index = 0
    while index < len(rest):
        tok = rest[index]
        if tok.kind == "blank":
            index += 1
            continue
        if tok.kind not in ("text", "item", "bold", "heading") or (tok.kind == "item" and tok.indent > 3):
            break
        text = inline(tok.text).strip()
        if m := _SPEAKER_RE.match(text):
            label = m["label"].split()[0]
            speakers.extend(parse_speakers(label, m["names"]))
        elif slot := _time_only(text):
            facts["start"], facts["end"] = slot
        elif m := _FIELD_RE.match(text):
            facts[m["field"].lower()] = m["value"].strip()
        else:
            break
        index += 1
    section.toks = rest[index:]
    if speakers:
        facts["speakers"] = tuple(speakers)
    return facts


# --------------------------------------------------------------------------- front matter


def _front_matter(lines: list[str], diagnostics: list[Diagnostic]) -> tuple[dict, int]:
    """Parse YAML front matter; return (fields, number of lines it takes)."""
    if not lines or lines[0].strip() != "---":
        return {}, 0
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        diagnostics.append(Diagnostic(1, "front matter is never closed; read as notes"))
        return {}, 0
    source = "\n".join(lines[1:end])
    try:
        data = safe_load(source) if source.strip() else {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = 2 + mark.line if mark is not None else 1
        reason = _first_line(error)
        diagnostics.append(Diagnostic(line, f"front matter is not valid YAML; kept as text ({reason})"))
        return {"_invalid": source}, end + 1
    if data is None:
        data = {}
    if not isinstance(data, dict):
        diagnostics.append(Diagnostic(1, "front matter is not a mapping; kept as text"))
        return {"_invalid": source}, end + 1
    return data, end + 1


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


# --------------------------------------------------------------------------- reader


def _find_title(toks: list[_Tok], inline: _Inline) -> int | None:
    """Index of a lone shallowest heading at the top that is not a day, if any."""
    first = next((i for i, t in enumerate(toks) if t.kind not in ("blank", "hr")), None)
    if first is None or toks[first].kind != "heading":
        return None
    heads = [t for t in toks if t.kind == "heading"]
    top = min(t.level for t in heads)
    tok = toks[first]
    if tok.level != top or _day_text(tok, inline) or not inline(tok.text).strip():
        return None
    others = [t for t in heads if t.level == top and t is not tok and not _day_text(t, inline)]
    return None if others else first


def _title_from_path(path: str | None) -> str:
    if not path:
        return "Notes"
    return re.sub(r"[-_]+", " ", Path(path).stem).strip() or "Notes"


def read_markdown(text: str, path: str | None = None) -> Notebook:
    """Parse Markdown notes into a `Notebook`; never fails on odd input, warns instead."""
    diagnostics: list[Diagnostic] = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    meta, skip = _front_matter(lines, diagnostics)
    toks = _tokenize(lines[skip:], skip + 1, diagnostics)
    if "_invalid" in meta:
        toks.insert(0, _Tok("code", 2, meta.pop("_invalid"), lang="yaml"))

    refs: dict[str, str] = {}
    for tok in toks:
        if tok.kind == "refdef" and (m := _REFDEF_RE.match(tok.text)):
            refs.setdefault(_ref_key(m["label"]), m["url"])
    inline = _Inline(refs)

    title_index = _find_title(toks, inline)
    title = str(meta["title"]).strip() if isinstance(meta.get("title"), (str, int, float)) else ""
    if title_index is not None and not title:
        title = inline(toks[title_index].text).strip()
    title = title or _title_from_path(path)

    outline = _outline(toks, inline, title_index)
    intro = _Section(title, 0)
    days: list[tuple[str, int, list[_Section]]] = []
    current = intro
    track: str | None = None
    slot: tuple[str, str | None] | None = None

    def open_group(tok: _Tok, label: str) -> _Section:
        section = _Section(label, tok.line, level=-1)
        days[-1][2].append(section)
        return section

    has_days = "day" in outline.roles.values() or outline.day_group_level is not None
    for i, tok in enumerate(toks):
        role = outline.roles.get(i)
        if i == title_index and inline(tok.text).strip() == title:
            continue
        if (
            has_days
            and not days
            and role != "day"
            and not (role == "group" and tok.level == outline.day_group_level)
        ):
            role = None  # before the first day everything is intro
        if role is None or role == "sub":
            current.toks.append(tok)
            continue
        label = inline(tok.text).strip()
        if role == "day" or (role == "group" and outline.day_group_level == tok.level):
            days.append((label, tok.line, []))
            track, slot = None, None
            current = open_group(tok, label)
        elif role == "group":
            track = label
            if not days:
                days.append(("", tok.line, []))
            current = open_group(tok, label)
        elif role == "slot":
            slot = _time_only(label)
        else:  # a talk
            if not days:
                days.append(("", tok.line, []))
            talk_title, time = _split_time_prefix(label)
            pending = _pending_time(current, inline)
            section = _Section(talk_title or label, tok.line, track=track, slot=time or pending or slot)
            days[-1][2].append(section)
            current = section

    talks_by_day: list[tuple[str, int, list[dict]]] = []
    for day_title, day_line, sections in days:
        talks = []
        for section in sections:
            grouped = section.level == -1
            if grouped and not any(t.kind != "blank" for t in section.toks):
                continue
            talks.append(_talk_fields(section, inline, outline.talk_level, diagnostics))
        talks_by_day.append((day_title, day_line, talks))

    filled = [t for t in intro.toks if t.kind != "blank"]
    if filled and not any(talks for _t, _l, talks in talks_by_day):
        # No talks found: the whole file is one talk, so it can still be browsed.
        intro.line = toks[title_index].line if title_index is not None else filled[0].line
        talk = _talk_fields(intro, inline, outline.talk_level, diagnostics)
        if talks_by_day:
            talks_by_day[0][2].append(talk)
        else:
            talks_by_day.append(("", intro.line, [talk]))
        intro_blocks: list[Block] = []
    else:
        intro_blocks = _build_blocks(intro.toks, inline, outline.talk_level, diagnostics)
    return Notebook(
        title=title,
        intro=tuple(intro_blocks),
        days=tuple(assign_ids(talks_by_day)),
        source=path,
        diagnostics=tuple(replace(d, path=path) for d in sorted(diagnostics, key=lambda d: d.line)),
    )


def _pending_time(section: _Section, inline: _Inline) -> tuple[str, str | None] | None:
    """A lone time-slot line ending the previous section belongs to the next talk."""
    index = len(section.toks) - 1
    while index >= 0 and section.toks[index].kind == "blank":
        index -= 1
    if index < 0 or section.toks[index].kind not in ("text", "bold"):
        return None
    if index > 0 and section.toks[index - 1].kind not in ("blank", "heading", "hr"):
        return None
    slot = _time_only(inline(section.toks[index].text))
    if slot:
        del section.toks[index:]
    return slot


def _talk_fields(section: _Section, inline: _Inline, talk_level: int, diagnostics: list[Diagnostic]) -> dict:
    """The keyword arguments of a `Talk` (minus its id) for a gathered section."""
    facts = _take_meta(section, inline)
    if section.slot and "start" not in facts:
        facts["start"], facts["end"] = section.slot
    if facts.get("end") is None:
        facts.pop("end", None)
    facts.setdefault("track", section.track)
    fields = {"title": section.title, "line": section.line, **facts}
    fields["blocks"] = tuple(_build_blocks(section.toks, inline, talk_level, diagnostics))
    allowed = set(Talk.__dataclass_fields__) - {"id"}
    return {key: value for key, value in fields.items() if key in allowed and value is not None}
