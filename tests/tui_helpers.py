"""Helpers for the browser's pilot, snapshot and tmux tests."""

from __future__ import annotations

from pathlib import Path

from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget

import qcon_tui
from qcon_tui.model import Notebook
from qcon_tui.tui.app import QconApp

TESTS = Path(__file__).resolve().parent
HOSTILE = TESTS / "fixtures" / "hostile.txt"
#: Tests pin a theme so they do not depend on the terminal running them.
THEME = "textual-dark"


def notebook(path: str | Path | None = None) -> Notebook:
    """The bundled notes, or the notes at `path`."""
    return qcon_tui.load(None if path is None else str(path))


def make_app(path: str | Path | None = None, **kwargs: object) -> QconApp:
    """A browser on the bundled notes (or `path`), with a fixed theme unless one is given."""
    kwargs.setdefault("theme", THEME)
    return QconApp(notebook(path), **kwargs)  # type: ignore[arg-type]


def widget_lines(widget: Widget) -> list[str]:
    """The text a widget paints, line by line (its whole visible area)."""
    width, height = widget.size
    return [strip.text.rstrip() for strip in widget.render_lines(Region(0, 0, width, height))]


def widget_text(widget: Widget) -> str:
    """The text a widget paints, as one string."""
    return "\n".join(widget_lines(widget))


def pane_text(app: QconApp) -> str:
    """Everything the note pane holds (not just the part scrolled into view)."""
    return widget_text(app.query_one("#note-body"))


async def settle(pilot: Pilot[object]) -> None:
    """Let workers finish and the screen catch up, without sleeping."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def type_search(pilot: Pilot[object], query: str) -> None:
    """Focus the search box with `/`, type `query` and wait for the results."""
    await pilot.press("slash")
    await pilot.press(*_keys(query))
    await settle(pilot)


def _keys(text: str) -> list[str]:
    names = {" ": "space", "[": "left_square_bracket", "]": "right_square_bracket", "?": "question_mark"}
    return [names.get(char, char) for char in text]
