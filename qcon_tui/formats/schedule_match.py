"""Matching schedule entries to talks, and copying their facts onto them.

Exact titles (case, spacing and curly quotes aside) match first, in file order; the
rest match fuzzily, best score first, each talk at most once, titles differing in a
number never. Every doubt becomes a diagnostic. Reading the file is `schedule.py`'s job.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..model import Diagnostic, Notebook, Talk, clean

if TYPE_CHECKING:
    from .schedule import ScheduleEntry

#: Lowest `rapidfuzz.fuzz.ratio` (0-100) at which a title counts as the same talk.
#: At 92 one wrong letter in a 13-character title still matches, two wrong letters
#: need about 25 characters; different talks at one conference score far lower.
FUZZY_THRESHOLD = 92.0

#: The best fuzzy candidate must beat the second best by this much, or nothing is matched.
FUZZY_MARGIN = 3.0

#: Lowest score at which an unmatched entry's message names the closest talk as a hint.
HINT_THRESHOLD = 60.0

_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
_NUMBER_RE = re.compile(r"\d+")



def short(text: str, limit: int = 60) -> str:
    """`text` made safe and short enough for a one-line message."""
    text = one_line(clean(text))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def one_line(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- matching


def exact_key(title: str) -> str:
    """A title compared case- and whitespace-insensitively (and curly quotes as straight)."""
    return " ".join(unicodedata.normalize("NFKC", title).translate(_QUOTES).casefold().split())


def fuzzy_key(title: str) -> str:
    """`exact_key` with punctuation dropped too, for fuzzy comparison."""
    return " ".join(re.sub(r"[\W_]+", " ", exact_key(title).replace("'", "")).split())


def match_entries(
    entries: list[ScheduleEntry], talks: list[Talk], notes_name: str = "the notes"
) -> tuple[dict[int, int], list[Diagnostic]]:
    """Pair entries with talks: `{entry index: talk index}`, and what is worth telling.

    Exact titles first, in file order; then the rest fuzzily, best score first, so each
    talk is matched at most once. Diagnostics carry entry lines, not yet a path.
    """
    matched: dict[int, int] = {}
    taken: dict[int, int] = {}  # talk index -> entry index
    notes: list[Diagnostic] = []
    by_key: dict[str, list[int]] = {}
    for talk_index, talk in enumerate(talks):
        by_key.setdefault(exact_key(talk.title), []).append(talk_index)

    pending: list[int] = []
    for entry_index, entry in enumerate(entries):
        same = by_key.get(exact_key(entry.title))
        if not same:
            pending.append(entry_index)
            continue
        free = [talk_index for talk_index in same if talk_index not in taken]
        if free:
            matched[entry_index] = free[0]
            taken[free[0]] = entry_index
        else:
            earlier = entries[taken[same[0]]]
            notes.append(
                Diagnostic(
                    entry.line,
                    f'talk "{short(entry.title)}" is already described by the entry on line {earlier.line}',
                )
            )
    if pending:
        notes.extend(_match_fuzzy(entries, talks, pending, matched, taken, notes_name))
    return matched, sorted(notes, key=lambda d: d.line)


def _match_fuzzy(
    entries: list[ScheduleEntry],
    talks: list[Talk],
    pending: list[int],
    matched: dict[int, int],
    taken: dict[int, int],
    notes_name: str,
) -> list[Diagnostic]:
    """Match the `pending` entries to free talks by similar title; report every outcome."""
    from rapidfuzz import fuzz, process

    keys = {index: key for index, talk in enumerate(talks) if (key := fuzzy_key(talk.title))}
    choices = {index: key for index, key in keys.items() if index not in taken}
    numbers = {index: _NUMBER_RE.findall(key) for index, key in choices.items()}
    notes: list[Diagnostic] = []
    ambiguous: set[int] = set()
    pairs: list[tuple[float, int, int]] = []
    for entry_index in pending:
        entry = entries[entry_index]
        key = fuzzy_key(entry.title)
        if not key:
            continue  # nothing but punctuation: only an exact title could name a talk
        found = process.extract(key, choices, scorer=fuzz.ratio, limit=None, score_cutoff=FUZZY_THRESHOLD)
        # Titles that differ in a number ("Part 1", "Java 9") are different talks.
        same_numbers = [
            (score, talk_index)
            for _choice, score, talk_index in found
            if numbers[talk_index] == _NUMBER_RE.findall(key)
        ]
        if len(same_numbers) > 1 and same_numbers[0][0] - same_numbers[1][0] < FUZZY_MARGIN:
            names = ", ".join(f'"{short(talks[i].title)}"' for _score, i in same_numbers[:3])
            ambiguous.add(entry_index)
            message = f'"{short(entry.title)}" is close to several talks ({names}); not used'
            notes.append(Diagnostic(entry.line, message))
            continue
        pairs.extend((score, entry_index, talk_index) for score, talk_index in same_numbers)

    pairs.sort(key=lambda pair: (-pair[0], pair[1]))
    for score, entry_index, talk_index in pairs:
        if entry_index in matched or talk_index in taken:
            continue
        matched[entry_index] = talk_index
        taken[talk_index] = entry_index
        entry = entries[entry_index]
        talk = talks[talk_index]
        message = f'matched "{short(entry.title)}" to talk "{short(talk.title)}" ({score:.0f}% alike)'
        notes.append(Diagnostic(entry.line, message))
    for entry_index in pending:
        if entry_index in matched or entry_index in ambiguous:
            continue
        entry = entries[entry_index]
        message = f'no talk titled "{short(entry.title)}" in {notes_name}'
        key = fuzzy_key(entry.title)
        hint = key and process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=HINT_THRESHOLD)
        if hint:
            _choice, score, talk_index = hint
            message += f' (closest: "{short(talks[talk_index].title)}", {score:.0f}% alike'
            if talk_index in taken:
                message += f", described by the entry on line {entries[taken[talk_index]].line}"
            message += ")"
        notes.append(Diagnostic(entry.line, message))
    return notes


# --------------------------------------------------------------------------- applying


def merge(talk: Talk, entry: ScheduleEntry) -> Talk:
    """`talk` with the facts `entry` gives; facts it does not give stay as the notes had them.

    Links are added to the notes' own, not put in their place.
    """
    changes: dict[str, Any] = {}
    if entry.speakers:
        changes["speakers"] = entry.speakers
    for name in ("track", "date", "start", "end", "room"):
        value = getattr(entry, name)
        if value is not None:
            changes[name] = value
    if entry.links:
        changes["links"] = talk.links + tuple(link for link in entry.links if link not in talk.links)
    return replace(talk, **changes) if changes else talk


def apply_schedule(
    notebook: Notebook, entries: list[ScheduleEntry], schedule_path: str | os.PathLike[str] | None = None
) -> Notebook:
    """`notebook` with each entry's facts on its talk, and a diagnostic for each doubt.

    Titles and ids never change, so links to talks stay valid with or without a schedule.
    """
    talks = notebook.talks
    notes_name = Path(notebook.source).name if notebook.source else f'"{short(notebook.title)}"'
    matched, notes = match_entries(entries, talks, notes_name)
    path = None if schedule_path is None else str(schedule_path)
    diagnostics = tuple(replace(d, path=path) for d in notes)
    by_talk = {talk_index: entries[entry_index] for entry_index, talk_index in matched.items()}
    days = []
    index = 0
    for day in notebook.days:
        merged = []
        for talk in day.talks:
            merged.append(merge(talk, by_talk[index]) if index in by_talk else talk)
            index += 1
        days.append(replace(day, talks=tuple(merged)))
    return replace(notebook, days=tuple(days), diagnostics=notebook.diagnostics + diagnostics)
