"""Editing and live reload: the notes file in your editor, and noticing that it changed.

The browser polls on a timer from a thread worker (`poll`): `NotesWatcher.changed()`
is one `stat`; when the file changed it is loaded again there, and the new notebook
comes back as `NotesReloaded` (or the error as `NotesReloadFailed`); your state file
is re-read in the same pass. `carry_selection` finds what was selected in the new
notebook. `run_editor` hands the terminal to $VISUAL / $EDITOR and takes it back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..fsutil import file_stamp
from ..library import Library
from ..model import Day, Notebook, Talk
from ..paths import is_own_copy
from .messages import NotesReloaded, NotesReloadFailed, StateChanged
from .personal import LazyStore, refresh_state

if TYPE_CHECKING:
    from textual.app import App
    from textual.message import Message

    from ..formats.layout import Layout

__all__ = ["NotesWatcher", "carry_selection", "load_again", "poll", "run_editor", "window_title"]

Item = Notebook | Day | Talk


class NotesWatcher:
    """Remembers the stamp of the notes file as last read, and says when it changed."""

    def __init__(self, path: str, *, shown: bool = True, layout: Layout | None = None) -> None:
        """Watch `path`; `shown=False` when the notes on screen are not read from it yet
        (the first look then counts as a change, so they are). `layout` is how it is read."""
        self.path = path
        self.layout = layout
        self.stamp = file_stamp(path) if shown else None

    def changed(self) -> bool:
        """True once per change on disk (a missing file counts as a change, once)."""
        stamp = file_stamp(self.path)
        if stamp == self.stamp:
            return False
        self.stamp = stamp
        return True



def window_title(source: Notebook | Library) -> str:
    """The app's title: the notes' title, marked when they are your copy of the bundled notes."""
    title = source.title or "qcon-tui"
    if isinstance(source, Notebook) and is_own_copy(source.source):
        return f"{title} (your copy)"
    return title


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


def load_again(path: str, layout: Layout | None = None) -> NotesReloaded | NotesReloadFailed:
    """Read the notes file again with `layout` (in a worker thread): the notebook, or why it cannot."""
    from .. import load
    from ..formats import NotesError

    try:
        return NotesReloaded(load(path, layout=layout))
    except NotesError as error:
        return NotesReloadFailed(error)


def poll(watcher: NotesWatcher | None, state: LazyStore | None) -> list[Message]:
    """One pass over the files (in a worker thread): what changed, as messages for the browser.

    The notes file is loaded again if it changed; your state file (`state`, None when
    read-only) is re-read if another process wrote it.
    """
    found: list[Message] = []
    if watcher is not None and watcher.changed():
        found.append(load_again(watcher.path, watcher.layout))
    refreshed: StateChanged | None = refresh_state(state) if state is not None else None
    if refreshed is not None:
        found.append(refreshed)
    return found


def run_editor(app: App[object], argv: list[str]) -> tuple[str, str] | None:
    """Run `argv` (an editor) in the terminal, the app suspended meanwhile.

    Returns what to tell the user as (message, severity), or None when it went well.
    """
    import subprocess

    from textual.app import SuspendNotSupported

    failure: OSError | None = None
    status = 0
    try:
        with app.suspend():
            try:
                status = subprocess.call(argv)
            except OSError as error:  # caught inside, so the app always resumes
                failure = error
    except SuspendNotSupported:
        return "Editing needs a terminal this app can hand over", "error"
    if failure is not None:
        return f"Cannot run {argv[0]}: {failure.strerror or failure}", "error"
    if status:
        return f"{argv[0]} exited with status {status}", "warning"
    return None
