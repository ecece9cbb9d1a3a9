"""Where the bundled data lives, installed or run from a checkout."""

from __future__ import annotations

from pathlib import Path

BUNDLED_NAME = "qcon-london-2017.txt"


def data_dir() -> Path:
    """The bundled `data/` folder: inside the installed package, else the checkout's."""
    packaged = Path(__file__).resolve().parent / "data"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "data"


def bundled_notes() -> Path:
    """The bundled QCon London 2017 notes file."""
    return data_dir() / BUNDLED_NAME
