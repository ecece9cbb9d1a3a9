"""Write SVG screenshots of the browser to screenshots/ (start, search, help, topics, narrow, ANSI).

Run: python scripts/screenshots.py [OUTPUT_DIR]
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot

import qcon_tui
from qcon_tui.tui.app import QconApp
from qcon_tui.tui.widgets.search_input import SearchInput

ROOT = Path(__file__).resolve().parent.parent
Steps = Callable[[Pilot[object]], Awaitable[None]]


async def _settle(pilot: Pilot[object]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _start(pilot: Pilot[object]) -> None:
    await _settle(pilot)


async def _search(pilot: Pilot[object]) -> None:
    await pilot.press("slash", *"facebok", "space", *"live")
    await _settle(pilot)
    await pilot.press("enter")
    await _settle(pilot)
    await pilot.press("slash")  # back to the box: results and highlights both showing
    await _settle(pilot)


async def _help(pilot: Pilot[object]) -> None:
    await pilot.press("question_mark")
    await _settle(pilot)


async def _topics(pilot: Pilot[object]) -> None:
    await pilot.press("t")
    await _settle(pilot)
    await pilot.press("j", "j")  # a topic with three talks
    await _settle(pilot)


async def _narrow(pilot: Pilot[object]) -> None:
    await pilot.press("right_square_bracket", "right_square_bracket")
    await _settle(pilot)


async def _ansi(pilot: Pilot[object]) -> None:
    await pilot.press("slash", *"micro")
    await _settle(pilot)
    await pilot.press("down")
    await _settle(pilot)


#: (file, size, steps, theme): the ANSI one is what most SSH and tmux sessions get.
SHOTS: list[tuple[str, tuple[int, int], Steps, str]] = [
    ("start.svg", (80, 24), _start, "textual-dark"),
    ("search.svg", (80, 24), _search, "textual-dark"),
    ("help.svg", (80, 24), _help, "textual-dark"),
    ("topics.svg", (80, 24), _topics, "textual-dark"),
    ("narrow.svg", (50, 20), _narrow, "textual-dark"),
    ("ansi.svg", (80, 24), _ansi, "ansi-dark"),
]


async def shoot(name: str, size: tuple[int, int], steps: Steps, out: Path, theme: str) -> Path:
    """Run the app at `size` in `theme`, do `steps`, and save the screen as `out/name`."""
    app = QconApp(qcon_tui.load(), theme=theme)
    async with app.run_test(size=size) as pilot:
        app.query_one(SearchInput).cursor_blink = False
        await steps(pilot)
        app.save_screenshot(filename=name, path=str(out))
    return out / name


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else ROOT / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    # A state folder of its own: no read marks in your state, no first-run hint on screen.
    with tempfile.TemporaryDirectory() as data:
        os.environ["QCON_TUI_STATE_DIR"] = str(Path(data) / "state")
        os.environ["XDG_DATA_HOME"] = data
        (Path(data) / "qcon-tui" / "seen").mkdir(parents=True)
        (Path(data) / "qcon-tui" / "seen" / "marks-hint").touch()
        for name, size, steps, theme in SHOTS:
            path = asyncio.run(shoot(name, size, steps, out, theme))
            print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
