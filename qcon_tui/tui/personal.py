"""Your own layer in the browser: the state store, opened lazily, and what it tells the app.

The store module is imported on first need, after the first frame, so it costs
nothing at start-up. Reads are in memory and safe on the UI thread; changes lock
and fsync the file, so the app makes them from a thread worker and hears back
through `StateChanged`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from .widgets.talk_tree import TalkMarks

if TYPE_CHECKING:
    from ..model import Notebook
    from ..state import StateStore

__all__ = ["Change", "LazyStore"]

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
        """Stars and read marks for the tree (no read marks known until the store is open)."""
        store = self._store
        if store is None:
            return TalkMarks(gutter=True)
        states = store.all()
        return TalkMarks(
            starred=frozenset(talk_id for talk_id, state in states.items() if state.starred),
            read=frozenset(talk_id for talk_id, state in states.items() if state.read),
            gutter=True,
        )

    def annotation(self, talk_id: str) -> str | None:
        """Your note on a talk, from memory (None until the store is open)."""
        store = self._store
        return store.get(talk_id).annotation if store is not None else None

    def is_read(self, talk_id: str) -> bool:
        """True when the talk is known to be read."""
        store = self._store
        return store is not None and store.get(talk_id).read
