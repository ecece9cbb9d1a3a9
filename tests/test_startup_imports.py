"""What start-up imports: only what the first frame needs; the rest waits until it is asked for.

Each check runs in a fresh interpreter, since this test process has imported everything.
Times are in `benchmarks/bench_startup.py`; these catch an import that creeps back in.
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
from pathlib import Path

from qcon_tui.cli import COMMANDS, build_parser

#: Modules the browser's first frame never needs: the other commands' modules, the search
#: index, your state, topics, serving, the Markdown reader and the fuzzy matcher.
NOT_BEFORE_FIRST_FRAME = (
    "qcon_tui.cli.notes",
    "qcon_tui.cli.state",
    "qcon_tui.cli.topics",
    "qcon_tui.cli.serve",
    "qcon_tui.search",
    "qcon_tui.search_hits",
    "qcon_tui.search_query",
    "qcon_tui.search_postings",
    "qcon_tui.state",
    "qcon_tui.statefile",
    "qcon_tui.topics",
    "qcon_tui.serve",
    "qcon_tui.cache",
    "qcon_tui.formats.markdown",
    "markdown_it",
    "rapidfuzz",
)

#: Runs the browser headless on the bundled notes and prints the modules loaded when its
#: first frame is up (the moment `start_background` is called), then quits.
FIRST_FRAME = """
import asyncio, json, sys
from qcon_tui.tui.app import QconApp
from qcon_tui.tui.screens.browser import BrowserScreen
seen = []
def first_frame_up(self):
    seen.extend(sorted(sys.modules))
    self.app.exit()
BrowserScreen.start_background = first_frame_up
async def run_browser(self, **options):
    async with self.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
    return 0
QconApp.run = lambda self, **options: asyncio.run(run_browser(self))
from qcon_tui.cli import main
main(sys.argv[1:])
print(json.dumps(seen))
"""


def _loaded(code: str, *args: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _within(modules: list[str], names: tuple[str, ...]) -> list[str]:
    return [m for m in modules if any(m == name or m.startswith(name + ".") for name in names)]


def test_the_first_frame_imports_nothing_that_can_wait() -> None:
    modules = _loaded(FIRST_FRAME)
    assert "qcon_tui.tui.screens.browser" in modules  # the browser really ran
    assert "qcon_tui.formats.text" in modules  # and read the notes
    assert _within(modules, NOT_BEFORE_FIRST_FRAME) == []


def test_notes_without_a_schedule_open_without_yaml(tmp_path: Path) -> None:
    """YAML is for the schedule beside the notes: with none there, it is never imported."""
    notes = tmp_path / "notes.txt"
    notes.write_text("Notes\n\nday 1\n\nA talk\n\nwhat was said\n", encoding="utf-8")
    modules = _loaded(FIRST_FRAME, str(notes))
    assert "qcon_tui.formats.text" in modules
    assert _within(modules, ("yaml", "qcon_tui.formats.schedule", "qcon_tui.formats.safe_yaml")) == []


def test_help_and_version_import_no_ui_and_no_parser_of_notes() -> None:
    code = (
        "import contextlib, io, json, sys\n"
        "from qcon_tui.cli import main\n"
        "for argv in (['--help'], ['--version'], ['list', '--help']):\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        assert main(argv) == 0\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    modules = _loaded(code)
    assert "qcon_tui.cli.notes" in modules  # `list --help` built the full parser
    assert _within(modules, ("textual", "rich", "yaml", "markdown_it", "rapidfuzz", "qcon_tui.tui")) == []


def test_the_table_of_commands_is_what_the_groups_register() -> None:
    """`COMMANDS` lets the browser skip the groups; it must name each command of each group, in order."""
    _, handlers = build_parser()
    assert list(handlers) == list(COMMANDS)
    for name, group in COMMANDS.items():
        module = importlib.import_module(f"qcon_tui.cli.{group}")
        registered = module.register(argparse.ArgumentParser().add_subparsers())
        assert name in registered, (name, group)
