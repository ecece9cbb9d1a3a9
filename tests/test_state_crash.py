"""State survives writers killed at random moments and writers running side by side.

Each writer is a real process. It reports a change on stdout only after the call
returned, so every reported change must be in the file, whatever happens next.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qcon_tui.state import StateStore, state_path_for

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="flock and SIGKILL are POSIX")

#: A writer: `python -c WRITER NOTES PREFIX COUNT [GO_FILE]`. Stars `PREFIX-N` for every
#: third N and appends `PREFIX-N` to the shared note otherwise; prints each once done.
WRITER = r"""
import os, sys, time
from qcon_tui.state import StateStore

notes, prefix, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
go = sys.argv[4] if len(sys.argv) > 4 else None
store = StateStore(notes)
print("ready", flush=True)
while go and not os.path.exists(go):
    time.sleep(0.001)
for n in range(count):
    token = f"{prefix}-{n}"
    if n % 3 == 0:
        store.star(token)
        print("S", token, flush=True)
    else:
        store.set_annotation("shared", token, append=True)
        print("A", token, flush=True)
"""


def start_writer(notes: Path, prefix: str, count: int, go: Path | None = None) -> subprocess.Popen[str]:
    args = [sys.executable, "-c", WRITER, str(notes), prefix, str(count)]
    if go is not None:
        args.append(str(go))
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def reported(output: str) -> tuple[set[str], set[str]]:
    """The stars and appended tokens a writer reported; a line cut short by the kill is ignored."""
    stars: set[str] = set()
    notes: set[str] = set()
    for line in output.splitlines(keepends=True):
        if not line.endswith("\n"):
            continue
        kind, _, token = line.strip().partition(" ")
        if kind == "S":
            stars.add(token)
        elif kind == "A":
            notes.add(token)
    return stars, notes


def check_file(notes: Path, stars: set[str], appended: set[str]) -> None:
    """The file parses, has the state-file shape, and holds every reported change."""
    path = state_path_for(notes)
    data = json.loads(path.read_text(encoding="utf-8"))
    talks = data["talks"]
    missing_stars = {token for token in stars if not talks.get(token, {}).get("starred")}
    assert not missing_stars, f"reported stars lost: {sorted(missing_stars)[:5]}"
    lines = set((talks.get("shared", {}).get("annotation") or "").split("\n"))
    missing_notes = appended - lines
    assert not missing_notes, f"reported notes lost: {sorted(missing_notes)[:5]}"
    store = StateStore(notes)
    assert store.take_warnings() == []
    assert not list(path.parent.glob("*.corrupt-*"))


def test_writers_killed_at_random_moments_lose_nothing_reported(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Notes\n\nday 1\n\nA Talk\n\nsome notes.\n", encoding="utf-8")
    rng = random.Random(20170306)
    all_stars: set[str] = set()
    all_notes: set[str] = set()
    deadline = time.monotonic() + 22
    rounds = 0
    while rounds < 30 and (rounds < 8 or time.monotonic() < deadline):
        writer = start_writer(notes, f"r{rounds}", 100_000)
        assert writer.stdout is not None
        assert writer.stdout.readline() == "ready\n", writer.stderr.read() if writer.stderr else ""
        time.sleep(rng.uniform(0.0, 0.25))
        os.kill(writer.pid, signal.SIGKILL)
        output, _errors = writer.communicate(timeout=10)
        assert writer.returncode == -signal.SIGKILL
        stars, appended = reported(output)
        all_stars |= stars
        all_notes |= appended
        check_file(notes, all_stars, all_notes)
        rounds += 1
    assert rounds >= 8
    assert len(all_stars) + len(all_notes) > rounds  # the writers did get work done

    # A temp file a killed writer left behind is cleared by the next change.
    store = StateStore(notes)
    store.star("after-the-crashes")
    leftovers = [p.name for p in state_path_for(notes).parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_two_writers_at_once_lose_no_change(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Notes\n\nday 1\n\nA Talk\n\nsome notes.\n", encoding="utf-8")
    go = tmp_path / "go"
    count = 300
    writers = [start_writer(notes, prefix, count, go) for prefix in ("left", "right")]
    for writer in writers:
        assert writer.stdout is not None
        assert writer.stdout.readline() == "ready\n"
    go.touch()
    stars: set[str] = set()
    appended: set[str] = set()
    for writer in writers:
        output, errors = writer.communicate(timeout=120)
        assert writer.returncode == 0, errors
        got_stars, got_notes = reported(output)
        stars |= got_stars
        appended |= got_notes
    expected_stars = {f"{prefix}-{n}" for prefix in ("left", "right") for n in range(count) if n % 3 == 0}
    expected_notes = {f"{prefix}-{n}" for prefix in ("left", "right") for n in range(count) if n % 3}
    assert stars == expected_stars and appended == expected_notes
    check_file(notes, stars, appended)
    annotation = StateStore(notes).get("shared").annotation or ""
    assert len(annotation.split("\n")) == len(expected_notes)  # each append exactly once
