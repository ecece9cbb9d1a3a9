"""Talk facts written as lines in notes: `Speaker:`, `Track:`, `Room:`, `Date:` and time slots.

Shared by the Markdown reader and its structure step; every pattern here is anchored
and bounded, so it stays linear on long lines.
"""

from __future__ import annotations

import re

from ..model import Speaker

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
SPEAKER_RE = re.compile(
    r"^(?:(?P<label>speakers?|presenters?)\s*:|(?P<by>presented|given|talk)\s+by\s*:?)\s*(?P<names>\S.{0,250})$",
    re.IGNORECASE,
)
FIELD_RE = re.compile(r"^(?P<field>track|room|date)\s*:\s*(?P<value>\S.{0,200})$", re.IGNORECASE)
#: Facts and time prefixes are short; longer text is never tried against the patterns
#: above, whose runs of optional spaces would otherwise backtrack on a long line.
MAX_FACT = 300

_COMPANY_SEP_RE = re.compile(r"\s+(?:@|from|at|-|–|—|\|)\s+")


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
