"""qcon-tui: a terminal browser for conference notes."""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .formats.layout import Layout
    from .model import Notebook

__all__ = ["__version__", "load"]


def load(path: str | None = None, *, layout: Layout | None = None) -> Notebook:
    """Read a notes file (text, Markdown or YAML) into a `Notebook`; the bundled notes by default.

    `layout` (`Layout(days="h2", talks="h3")`) says which headings of a Markdown file
    are days and talks, instead of the guess.
    """
    from .formats import load as _load
    from .paths import bundled_notes

    return _load(path if path is not None else bundled_notes(), layout=layout)
