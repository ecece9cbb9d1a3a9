"""Loading a library while the browser runs: one message per notes file, from a thread.

The loader worker reads the directory's files one by one (`iter_library`) and posts
`LibraryEntryLoaded` for each, then `LibraryLoaded`; the app adds each notebook to
the tree as it arrives, so the first conference can be read while the rest load.
Widgets are never touched from the thread.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from textual.content import Content
from textual.message import Message

from ..library import LibraryEntry

__all__ = ["LibraryEntryLoaded", "LibraryLoaded", "loading_label"]


@dataclass
class LibraryEntryLoaded(Message):
    """One notes file of the library was read (its notebook) or failed (its failure)."""

    entry: LibraryEntry


@dataclass
class LibraryLoaded(Message):
    """Every notes file of the library has been read; `error` if the directory could not be listed."""

    error: str | None = None


def loading_label(entry: LibraryEntry) -> Content:
    """ "Loaded 3/40 · qcon-2017.md": how far the loader is, and the file it read last."""
    return Content.assemble(
        f"Loaded {entry.index + 1}/{entry.total}",
        (f" · {os.path.basename(entry.path)}", "dim"),
    )
