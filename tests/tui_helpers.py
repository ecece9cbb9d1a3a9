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


def library_app(directory: str | Path, **kwargs: object) -> QconApp:
    """A browser on the notes files of `directory`, opened as `qcon-tui DIR` opens it.

    The first readable file is read here; the others load in the app's worker.
    """
    from qcon_tui.library import open_library

    kwargs.setdefault("theme", THEME)
    library, rest = open_library(directory)
    return QconApp(library, loader=rest, **kwargs)  # type: ignore[arg-type]


def write_library(root: Path) -> Path:
    """A directory of notes: the bundled notes as YAML, a small Markdown file and a broken file.

    In name order: QCon London 2017 (a-), DevConf 2024 (b-), then the broken one (c-).
    """
    from qcon_tui.formats.yamlfmt import write_yaml

    root.mkdir(parents=True, exist_ok=True)
    (root / "a-qcon-london-2017.yaml").write_text(write_yaml(notebook()), encoding="utf-8")
    (root / "b-devconf-2024.md").write_text(DEVCONF_NOTES, encoding="utf-8")
    (root / "c-broken.yml").write_text("title: x\ndays: [\n", encoding="utf-8")
    return root


#: A small hand-written Markdown notebook for the library tests.
DEVCONF_NOTES = """\
# DevConf 2024

## Day one

### Serverless at scale

- we moved everything to lambda
- cold starts hurt; tracing with opentelemetry

### Containers in production

- kubernetes everywhere
- containers need budgets too

## Day two

### Platform teams

- a paved road beats a mandate
"""
