"""Talk orderings for display: the file's order, or the schedule's (by start time).

No UI here: the browser's tree uses it, and so could the command line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .model import Talk

__all__ = ["schedule_order", "start_minutes"]

# "9:00", "09.30", "14h15", "2:30 pm", "2pm": hours, optional minutes, optional am/pm.
# Matched against the value with its spaces collapsed to one, so each space is
# optional once (` ?`) and no two runs of spaces can backtrack against each other.
_TIME_RE = re.compile(r"(\d{1,2})(?: ?[:.h] ?(\d{2}))? ?([ap])?\.? ?m?\.?", re.IGNORECASE)
#: A longer value is not a start time, whatever it holds.
_MAX_TIME_CHARS = 16


def start_minutes(value: str | None) -> int | None:
    """Minutes after midnight of a start time such as "09:30" or "2:30pm"; None if unknown."""
    if not value:
        return None
    value = " ".join(value.split())
    if len(value) > _MAX_TIME_CHARS:
        return None
    match = _TIME_RE.fullmatch(value)
    if match is None:
        return None
    hours, minutes, half = int(match[1]), int(match[2] or 0), (match[3] or "").lower()
    if half and not 1 <= hours <= 12:
        return None
    if half == "p" and hours != 12:
        hours += 12
    elif half == "a" and hours == 12:
        hours = 0
    if hours > 23 or minutes > 59:
        return None
    return hours * 60 + minutes


def schedule_order(talks: Sequence[Talk]) -> list[Talk]:
    """One day's talks in schedule order: timed talks by start time, untimed ones in place.

    The slots that hold talks with a known start time are refilled with those
    talks sorted by time (ties keep the file's order); a talk without a time
    stays exactly where the notes put it. Notes that time only some talks (a
    keynote without a slot, say) so keep their shape, and a day without any
    times is unchanged.
    """
    timed = [
        (minutes, n, talk)
        for n, talk in enumerate(talks)
        if (minutes := start_minutes(talk.start)) is not None
    ]
    by_time = iter(talk for _minutes, _n, talk in sorted(timed, key=lambda entry: entry[:2]))
    slots = {n for _minutes, n, _talk in timed}
    return [next(by_time) if n in slots else talk for n, talk in enumerate(talks)]
