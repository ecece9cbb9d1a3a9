"""Your own layer in the browser: the state store, opened lazily, and what it tells the app.

The store module is imported on first need, after the first frame, so it costs
nothing at start-up. Reads are in memory and safe on the UI thread; changes lock
and fsync the file, and a refresh may wait on another process's lock, so the browser
makes both from thread workers (`apply_change`, `refresh_state`) and hears back
through `StateChanged`. The changes themselves are small functions of the store.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from .messages import StateChanged
from .widgets.talk_tree import TalkMarks

if TYPE_CHECKING:
    from ..model import Notebook, Talk
    from ..state import StateStore

__all__ = [
    "Change",
    "LazyStore",
    "apply_change",
    "mark_read",
    "reconcile",
    "refresh_state",
    "save_annotation",
    "toggle_star",
]

#: One change to make in a worker: it gets the store and returns what to tell, if anything.
Change = Callable[["StateStore"], "str | None"]



class LazyStore:
    """The `StateStore` of one notebook, opened on first use from whichever thread asks."""

    def __init__(self, notebook: Notebook) -> None:
        self.notebook = notebook
        self._store: StateStore | None = None
        self._lock = threading.Lock()
        #: Why the store cannot be opened, once that is known (it is not tried again).
        self.failure: str | None = None

    @property
    def loaded(self) -> StateStore | None:
        """The store if it is open already (never opens it: cheap on the UI thread)."""
        return self._store

    def open(self) -> StateStore | None:
        """The store, opened now if need be; None (with `failure` set) if it cannot be."""
        with self._lock:
            if self._store is None and self.failure is None:
                from ..state import StateError, StateStore

                if not self.notebook.source:
                    self.failure = "these notes have no file, so stars and notes cannot be kept"
                else:
                    try:
                        self._store = StateStore.for_notebook(self.notebook)
                    except StateError as error:
                        self.failure = str(error)
            return self._store

    def marks(self) -> TalkMarks:
        """Stars, notes and read marks for the tree (no read marks known until the store is open)."""
        store = self._store
        if store is None:
            return TalkMarks(gutter=True)
        states = store.all()
        return TalkMarks(
            starred=frozenset(talk_id for talk_id, state in states.items() if state.starred),
            read=frozenset(talk_id for talk_id, state in states.items() if state.read),
            gutter=True,
            noted=frozenset(talk_id for talk_id, state in states.items() if state.annotation),
        )

    def annotation(self, talk_id: str) -> str | None:
        """Your note on a talk, from memory (None until the store is open)."""
        store = self._store
        return store.get(talk_id).annotation if store is not None else None

    def is_read(self, talk_id: str) -> bool:
        """True when the talk is known to be read."""
        store = self._store
        return store is not None and store.get(talk_id).read


# --------------------------------------------------------------------------- the changes


def toggle_star(talk: Talk) -> Change:
    """`s`: star the talk, or take its star away."""
    return lambda store: "Starred" if store.toggle_star(talk).starred else "Star removed"


def save_annotation(talk: Talk, text: str) -> Change:
    """Your note on the talk becomes `text` (empty removes it)."""

    def save(store: StateStore) -> str:
        return "Note saved" if store.set_annotation(talk, text).annotation else "Note removed"

    return save


def mark_read(talk: Talk) -> Change:
    """The talk has been on screen long enough to count as read (nothing to tell)."""

    def read(store: StateStore) -> None:
        store.mark_read(talk)

    return read


def reconcile(notebook: Notebook) -> Change:
    """Match stored state to the notes as they are now; what that says becomes warnings."""

    def match(store: StateStore) -> None:
        store.warnings.extend(store.reconcile(notebook))

    return match


# --------------------------------------------------------------------------- in a worker


def apply_change(lazy: LazyStore, change: Change) -> StateChanged:
    """Open the store if need be and make one change there (in a worker thread); what to tell."""
    from ..state import StateError

    store = lazy.open()
    if store is None:
        return StateChanged(error=lazy.failure)
    try:
        told = change(store)
    except StateError as error:
        return StateChanged(warnings=store.take_warnings(), error=str(error))
    return StateChanged(info=[told] if told else [], warnings=store.take_warnings())


def refresh_state(lazy: LazyStore) -> StateChanged | None:
    """Re-read the state file if another process changed it (in a worker thread); what to tell.

    A refresh may wait on a lock another process holds, which is why it never runs on
    the UI thread. None when the store is not open yet or nothing changed.
    """
    from ..state import StateError

    store = lazy.loaded
    if store is None:
        return None
    try:
        changed = store.refresh()
    except StateError as error:
        return StateChanged(error=str(error))
    return StateChanged(warnings=store.take_warnings()) if changed else None


def first_time(name: str) -> bool:
    """True the first time this is asked for `name` (off the UI thread: it writes a marker
    file under the user data folder, beside the state folder). False when that cannot be known."""
    from ..paths import user_data_dir

    marker = user_data_dir() / "seen" / name
    try:
        if marker.exists():
            return False
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError:
        return False
    return True
