"""Every message a worker sends the browser, in one place: small dataclasses, posted from threads.

Workers never touch widgets; they post one of these and the browser screen handles it
on the UI thread. Widgets' own news (the tree's `ItemHighlighted`, the search box's
`Step`) is nested on the widget that sends it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from ..library import LibraryEntry
    from ..model import Notebook
    from .session import TalkHit

__all__ = [
    "IndexBuilt",
    "LibraryEntryLoaded",
    "LibraryLoaded",
    "NotesReloadFailed",
    "NotesReloaded",
    "SearchDone",
    "StateChanged",
]


@dataclass
class SearchDone(Message):
    """A search finished: `hits` for `query`, best first (posted from the worker thread)."""

    query: str
    hits: Sequence[TalkHit] = ()


@dataclass
class IndexBuilt(Message):
    """The search index is built (posted from its worker); `error` says why it could not be."""

    error: str | None = None


@dataclass
class StateChanged(Message):
    """Stars, notes or read marks changed, or were read from disk (posted from a worker).

    `info` and `warnings` are for notifications (a saved note; a rename matched
    by `reconcile`, a corrupt file moved aside); `error` says a change failed.
    """

    info: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class NotesReloaded(Message):
    """The notes file was read again (posted from the reload worker)."""

    notebook: Notebook


@dataclass
class NotesReloadFailed(Message):
    """The notes file changed but cannot be read; the last good notebook stays."""

    error: Exception


@dataclass
class LibraryEntryLoaded(Message):
    """One notes file of the library was read (its notebook) or failed (its failure)."""

    entry: LibraryEntry


@dataclass
class LibraryLoaded(Message):
    """Every notes file of the library has been read; `error` if the directory could not be listed."""

    error: str | None = None
