"""Where the bundled data lives, installed or run from a checkout, and where your own files go.

The bundled notes sit inside the installed package, which a reinstall replaces, so
they are never edited in place: `e` in the browser offers to copy them to your data
folder (`own_copy`), and from then on the notes opened without a PATH are that copy
(`default_notes`). No Textual, Rich or parsing here: every command asks this first.
"""

from __future__ import annotations

import os
from pathlib import Path

BUNDLED_NAME = "qcon-london-2017.txt"

#: How to get the bundled notes back when your copy cannot be read (said with the error).
OWN_COPY_HINT = "this is your copy of the bundled notes: fix it, or move it away to open the bundled notes"


def data_dir() -> Path:
    """The bundled `data/` folder: inside the installed package, else the checkout's."""
    packaged = Path(__file__).resolve().parent / "data"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "data"


def bundled_notes() -> Path:
    """The bundled QCon London 2017 notes file."""
    return data_dir() / BUNDLED_NAME


def user_data_dir() -> Path:
    """Your qcon-tui data folder (platformdirs, so `XDG_DATA_HOME` is honoured): state, your copy."""
    import platformdirs

    return Path(platformdirs.user_data_dir("qcon-tui", appauthor=False))


def own_copy() -> Path:
    """Where your copy of the bundled notes lives (whether or not it exists yet)."""
    return user_data_dir() / BUNDLED_NAME


def default_notes() -> Path:
    """The notes opened when no PATH is given: your copy of the bundled notes if it exists, else them.

    A copy that exists but cannot be read is still the one opened: its error is told
    (with `OWN_COPY_HINT`), rather than the bundled notes silently shown instead.
    """
    copy = own_copy()
    return copy if os.path.lexists(copy) else bundled_notes()


def _same_file(path: str | os.PathLike[str], other: Path) -> bool:
    try:
        return Path(path).expanduser().resolve() == other.resolve()
    except (OSError, RuntimeError):  # a loop of links
        return False


def is_bundled(path: str | os.PathLike[str] | None) -> bool:
    """Whether `path` is the bundled notes inside the package."""
    return path is not None and _same_file(path, bundled_notes())


def is_own_copy(path: str | os.PathLike[str] | None) -> bool:
    """Whether `path` is your copy of the bundled notes (or a link to it)."""
    return path is not None and _same_file(path, own_copy())


def shown_path(path: Path) -> str:
    """`path` as told to you: under your home folder as `~/...`, cleaned of control characters."""
    from .model import clean

    try:
        home = Path.home()
    except (RuntimeError, KeyError):  # no home folder known
        return clean(str(path))
    return clean(f"~/{path.relative_to(home)}" if path.is_relative_to(home) else str(path))


def copy_bundled() -> tuple[Path, bool]:
    """Make your copy of the bundled notes, atomically, unless it exists: (its path, whether made now).

    An existing copy is never overwritten: it may hold your edits.
    """
    from .fsutil import atomic_write

    copy = own_copy()
    if os.path.lexists(copy):
        return copy, False
    data = bundled_notes().read_bytes()
    copy.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(copy, data)
    return copy, True
