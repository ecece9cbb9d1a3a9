"""Where a notes file's schedule would be, found without importing the schedule reader.

Most notes files have no schedule beside them: looking costs two `stat` calls, and
YAML (the schedule's format, ~10 ms to import) is imported only when one is there.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Sidecar suffixes tried, in order, after the notes file's stem.
SCHEDULE_SUFFIXES = (".schedule.yaml", ".schedule.yml")


def schedule_path_for(notes_path: str | os.PathLike[str]) -> Path | None:
    """The schedule beside `notes_path` (`NAME.schedule.yaml` for `NAME.txt`), or None.

    At most two `stat` calls, so looking costs nothing when there is no schedule.
    """
    notes = Path(notes_path)
    if not notes.name or notes.name.endswith(SCHEDULE_SUFFIXES):
        return None  # no file name, or a schedule, which has no schedule of its own
    for suffix in SCHEDULE_SUFFIXES:
        candidate = notes.with_name(notes.stem + suffix)
        if candidate.is_file():
            return candidate
    return None
