"""Write SVG screenshots of the browser to screenshots/ (start, search, help, topics, narrow).

Run: python scripts/screenshots.py [OUTPUT_DIR]
"""

from __future__ import annotations

import asyncio
import sys
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


SHOTS: list[tuple[str, tuple[int, int], Steps]] = [
    ("start.svg", (80, 24), _start),
    ("search.svg", (80, 24), _search),
    ("help.svg", (80, 24), _help),
    ("topics.svg", (80, 24), _topics),
    ("narrow.svg", (50, 20), _narrow),
]


async def shoot(name: str, size: tuple[int, int], steps: Steps, out: Path) -> Path:
    """Run the app at `size`, do `steps`, and save the screen as `out/name`."""
    app = QconApp(qcon_tui.load(), theme="textual-dark")
    async with app.run_test(size=size) as pilot:
        app.query_one(SearchInput).cursor_blink = False
        await steps(pilot)
        app.save_screenshot(filename=name, path=str(out))
    return out / name


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else ROOT / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    for name, size, steps in SHOTS:
        path = asyncio.run(shoot(name, size, steps, out))
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
