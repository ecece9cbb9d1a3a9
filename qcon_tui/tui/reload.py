"""Live reload: notice that the notes file changed and carry the reader's place across.

The app polls `NotesWatcher.changed()` on a timer (one `stat`, cheap enough for the
UI thread), loads the file again in a thread worker, and hands the new notebook back
with `NotesReloaded` (or the error with `NotesReloadFailed`). `carry_selection`
finds what was selected in the new notebook.
"""

from __future__ import annotations

import os

from ..model import Day, Notebook, Talk

__all__ = ["NotesWatcher", "carry_selection", "file_stamp"]

Item = Notebook | Day | Talk
Stamp = tuple[int, int, int]


def file_stamp(path: str) -> Stamp | None:
    """What tells one version of a file from the next: inode, mtime (ns) and size; None if missing."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


class NotesWatcher:
    """Remembers the stamp of the notes file as last read, and says when it changed."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.stamp = file_stamp(path)

    def changed(self) -> bool:
        """True once per change on disk (a missing file counts as a change, once)."""
        stamp = file_stamp(self.path)
        if stamp == self.stamp:
            return False
        self.stamp = stamp
        return True



def carry_selection(old: Notebook, new: Notebook, item: object) -> Item:
    """What to select in `new` for `item` of `old`: the same talk by id, else the same place.

    A talk that is gone gives the talk now at its position (or the last one); a
    day is found by title, else by position; the notebook maps to the notebook.
    """
    talks = new.talks
    if isinstance(item, Talk):
        same = new.talk(item.id)
        if same is not None:
            return same
        old_talks = old.talks
        position = next((n for n, talk in enumerate(old_talks) if talk is item), None)
        if position is not None and talks:
            return talks[min(position, len(talks) - 1)]
        return talks[0] if talks else new
    if isinstance(item, Day):
        for day in new.days:
            if day.title == item.title:
                return day
        position = next((n for n, day in enumerate(old.days) if day is item), None)
        if position is not None and new.days:
            return new.days[min(position, len(new.days) - 1)]
    return new
