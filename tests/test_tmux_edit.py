"""`e` in a real terminal: the installed `qcon-tui` hands the terminal to $EDITOR and reloads.

The editor is a small script that appends a line to the file it is given and
records its arguments, so the test sees both the `+LINE` argument and the reload.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from qcon_tui.paths import bundled_notes, own_copy
from tests.helpers import qcon_command
from tests.test_tmux import Tmux

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

NOTES = """# Edit Conf

## Day 1

### First Talk

- first note

### Second Talk

- second note
"""

EDITOR = """import json, sys
with open(sys.argv[-1], "a", encoding="utf-8") as notes:
    notes.write("\\n- appended by the editor\\n")
with open({record!r}, "w", encoding="utf-8") as record:
    json.dump(sys.argv[1:], record)
"""


@contextlib.contextmanager
def browser_in_tmux(tmp_path: Path, *args: str) -> Iterator[tuple[Tmux, Path]]:
    """`qcon-tui ARGS` in an 80x24 tmux, with the recording editor as $EDITOR; (tmux, its record)."""
    record = tmp_path / "argv.json"
    editor = tmp_path / "editor.py"
    editor.write_text(EDITOR.format(record=str(record)), encoding="utf-8")
    socket = f"qcon-test-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "TMUX", "VISUAL")}
    env["TERM"] = "xterm-256color"
    env["EDITOR"] = f"{shlex.quote(sys.executable)} {shlex.quote(str(editor))}"
    command = " ".join(shlex.quote(part) for part in [*qcon_command(), *args])
    subprocess.run(
        ["tmux", "-L", socket, "-f", os.devnull, "new-session", "-d", "-s", "qcon", "-x", "80", "-y", "24"],
        check=True,
        env=env,
        timeout=20,
    )
    box = Tmux(socket, "qcon")
    box.run("set-option", "-t", "qcon", "remain-on-exit", "on")
    box.run("respawn-pane", "-k", "-t", "qcon", command)
    try:
        yield box, record
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, timeout=20)


@pytest.fixture
def session(tmp_path: Path) -> Iterator[tuple[Tmux, Path, Path]]:
    notes = tmp_path / "notes.md"
    notes.write_text(NOTES, encoding="utf-8")
    with browser_in_tmux(tmp_path, str(notes)) as (box, record):
        yield box, notes, record


def test_e_edits_the_notes_and_the_browser_reloads(session: tuple[Tmux, Path, Path]) -> None:
    tmux, notes, record = session
    tmux.wait_for(lambda s: "First Talk" in s and "Quit" in s, "the browser")
    tmux.keys("]")
    tmux.wait_for_text("Day 1 · talk 2 of 2")

    tmux.keys("e")
    tmux.wait_for(lambda s: "appended by the editor" in s and "Reloaded notes" in s, "the reloaded notes")
    assert notes.read_text(encoding="utf-8").endswith("- appended by the editor\n")
    argv = json.loads(record.read_text(encoding="utf-8"))
    assert argv == ["+9", str(notes)]  # the second talk's heading line

    # Still running, still on the same talk, and still answering keys.
    screen = tmux.screen()
    assert "Day 1 · talk 2 of 2" in screen
    tmux.keys("[")
    tmux.wait_for_text("Day 1 · talk 1 of 2")
    tmux.keys("q")
    tmux.wait_for(lambda _s: tmux.pane_dead(), "the program to exit", timeout=10)


def test_e_on_the_bundled_notes_edits_your_copy_which_the_next_run_opens(tmp_path: Path) -> None:
    copy = own_copy()  # under this test's own XDG_DATA_HOME, which the program inherits
    with browser_in_tmux(tmp_path) as (tmux, record):
        tmux.wait_for(lambda s: "Security War Stories" in s and "Quit" in s, "the browser")
        tmux.keys("e")
        tmux.wait_for_text("Copy and edit")
        assert not copy.exists()
        tmux.keys("y")
        tmux.wait_for(lambda s: "appended by the editor" in s or "Reloaded notes" in s, "the copy, reloaded")
        assert json.loads(record.read_text(encoding="utf-8"))[-1] == str(copy)
        assert copy.read_text(encoding="utf-8").endswith("- appended by the editor\n")
        assert "appended by the editor" not in bundled_notes().read_text(encoding="utf-8")
        tmux.keys("q")
        tmux.wait_for(lambda _s: tmux.pane_dead(), "the program to exit", timeout=10)
    record.unlink()
    with browser_in_tmux(tmp_path) as (tmux, record):
        tmux.wait_for(lambda s: "(your copy)" in s and "Quit" in s, "the browser on your copy")
        tmux.keys("e")  # no question this time: your copy is edited
        tmux.wait_for(lambda _s: record.exists(), "the editor on your copy")
        assert json.loads(record.read_text(encoding="utf-8"))[-1] == str(copy)
