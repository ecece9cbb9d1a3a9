"""Talk facts written as lines in notes: `Speaker:`, `Track:`, `Room:`, `Date:` and time slots.

Shared by the Markdown reader and its structure step; every pattern here stays linear
on a long line: no run of spaces can be split between two quantifiers.
"""

from __future__ import annotations

import re

from ..model import Speaker

#: A clock time. The spaces after it are taken whole (`\s*+`, possessive): were they
#: shared with the `\s*` before a range's dash, every way of splitting a long run of
#: spaces between the two would be tried, which is quadratic in its length.
_CLOCK = r"(?:[01]?\d|2[0-3])(?:[:h][0-5]\d)?\s*+(?:[ap]\.?m\.?)?"
_TIME_RANGE = rf"(?P<a>{_CLOCK})(?:\s*(?:-|–|—|to|until)\s*(?P<b>{_CLOCK}))?"
_TIME_ONLY_RE = re.compile(
    rf"^(?:(?:time|when|slot)\s*:\s*)?[\[(]?{_TIME_RANGE}[\])]?$",
    re.IGNORECASE,
)
#: The space between the slot and the title may already have been taken by the clock:
#: `(?<=\s)` accepts it then, where `\s+` would have needed the clock to give it back.
_TIME_PREFIX_RE = re.compile(
    rf"^[\[(]?{_TIME_RANGE}[\])]?(?:\s*[-–—|:]\s*|\s+|(?<=\s))(?P<rest>\S.*)$", re.IGNORECASE
)
_CLOCK_RE = re.compile(r"^(?P<h>\d{1,2})(?:[:h](?P<m>\d{2}))?\s*(?P<ampm>[ap])?\.?(?:m\.?)?$", re.IGNORECASE)
SPEAKER_RE = re.compile(
    r"^(?:(?P<label>speakers?|presenters?)\s*:|(?P<by>presented|given|talk)\s+by\s*:?)\s*(?P<names>\S.{0,250})$",
    re.IGNORECASE,
)
FIELD_RE = re.compile(r"^(?P<field>track|room|date)\s*:\s*(?P<value>\S.{0,200})$", re.IGNORECASE)
#: Facts and time prefixes are short: longer text is never one. (The patterns above are
#: linear on a long line by themselves; `benchmarks/bench_linear.py` times them uncut.)
MAX_FACT = 300

#: `Name @ Company`, `Name from Company`... A match starts only where a run of spaces
#: starts (`(?<!\s)`): tried from inside a long run too, it would be quadratic.
_COMPANY_SEP_RE = re.compile(r"(?<!\s)\s+(?:@|from|at|-|–|—|\|)\s+")


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


def time_only(text: str) -> tuple[str, str | None] | None:
    """The (start, end) of a line that is only a time slot, else None."""
    if len(text) > MAX_FACT:
        return None
    m = _TIME_ONLY_RE.match(text.strip())
    return _time_range(m) if m else None


def split_time_prefix(title: str) -> tuple[str, tuple[str, str | None] | None]:
    """`10:35 - 11:25 Title` → ("Title", ("10:35", "11:25"))."""
    if len(title) > MAX_FACT:
        return title, None
    m = _TIME_PREFIX_RE.match(title)
    if m and (slot := _time_range(m)):
        return m["rest"].strip(), slot
    return title, None


#: What separates speakers: `,`, `;`, `&` or a spaced `and`. A spaced `and` is tried
#: only where a run of spaces starts (`(?<!\s)`), so a long run is scanned once.
_PART_SEP_RE = re.compile(r",|;|&|(?<!\s)\s+and\s+")


def _split_outside_parens(text: str) -> list[str]:
    """`A (X, Y), B and C` → ["A (X, Y)", "B", "C"]: separators inside parentheses do not split."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        char = text[i]
        depth += char == "("
        depth -= char == ")" and depth > 0
        if depth == 0 and (sep := _PART_SEP_RE.match(text, i)):
            parts.append(text[start:i])
            i = start = sep.end()
            continue
        i += 1
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def _name_and_company(part: str) -> tuple[str, str] | None:
    r"""`Name (Company)` → (name, company), or None: the parentheses that end the text hold the company.

    Scanned, not matched: `^(.+?)\s*\(([^()]+)\)$` tried a run of spaces once for every
    place the name could end, quadratic on a long run. Same results as that pattern on
    stripped text: a name of one character or more, no line break before its spaces.
    """
    if not part.endswith(")"):
        return None
    opening = part.rfind("(", 0, len(part) - 1)
    company = part[opening + 1 : -1]
    if opening < 1 or not company or ")" in company:
        return None
    name = part[: max(1, len(part[:opening].rstrip()))]
    return None if "\n" in name else (name, company)


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
        if named := _name_and_company(part):
            speakers.append(Speaker(named[0].strip(), named[1].strip()))
        elif len(pieces := _COMPANY_SEP_RE.split(part, maxsplit=1)) == 2:
            speakers.append(Speaker(pieces[0].strip(), pieces[1].strip()))
        else:
            speakers.append(Speaker(part))
    return tuple(speakers)


def is_meta(text: str) -> bool:
    """True for a Speaker/time/track/room/date line, which is a fact, not a title."""
    if len(text) > MAX_FACT:
        return False
    return bool(SPEAKER_RE.match(text) or time_only(text) or FIELD_RE.match(text))


def fact(text: str) -> tuple[str, object] | None:
    """("speakers", (Speaker, ...)), ("slot", (start, end)) or (field, value) for a fact line."""
    if text[:6].lower() == "links:" and text[6:].strip():
        return "links", tuple(link.strip().strip("<>") for link in text[6:].split(", ") if link.strip())
    if len(text) > MAX_FACT:
        return None
    if m := SPEAKER_RE.match(text):
        return "speakers", parse_speakers(m["label"] or m["by"], m["names"])
    if slot := time_only(text):
        return "slot", slot
    if m := FIELD_RE.match(text):
        return m["field"].lower(), m["value"].strip()
    return None
