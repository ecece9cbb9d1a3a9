"""Shared helpers for tests that run the real command line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "data" / "qcon-london-2017.txt"


def qcon_command() -> list[str]:
    """The installed `qcon-tui` script beside this Python, else `python -m qcon_tui`."""
    script = Path(sys.executable).with_name("qcon-tui")
    if script.exists():
        return [str(script)]
    found = shutil.which("qcon-tui")
    return [found] if found else [sys.executable, "-m", "qcon_tui"]


def run_cli(
    *args: str, cwd: str | os.PathLike[str] | None = None, stdin: str | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run `qcon-tui ARGS` and capture its output."""
    env = dict(os.environ)
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    return subprocess.run(
        [*qcon_command(), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        input=stdin,
        timeout=timeout,
        env=env,
    )
