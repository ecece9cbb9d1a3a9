"""Shared helpers for tests that run the real command line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "data" / "qcon-london-2017.txt"

#: The 20 talk titles of the bundled notes, exactly as the file spells them, in order.
BUNDLED_TITLES = [
    "Security War Stories: The Battle For The Internet of Things",
    "Microservices At The Heart of BBC iPlayer",
    "The Hitchhiker's Guide to Serverless Javascript",
    "Enabling Innovation at Uber Speed",
    "Continuous Performance Testing",
    "Async or Bust!?",
    "Rebuilding The Monolith With Composable Apps",
    "Engineering You",
    "Architectural Overhaul: Ad Serving @Spotify Scale",
    "Scaling Facebook Live Videos to a Billion Users",
    "Shaving My Head Made Me A Better Programmer",
    "cgroupv2: Linux's New Unified Control Group System",
    "Multi-host, Multi-network Persistent Containers",
    "Dev to Prod in 5 minutes: Is Your Company Ready?",
    "Our Concurrent Past; Our Distributed Future",
    "Avoiding Alerts Overload From Microservices",
    "Do You Really Know Your Response Times?",
    "Real World Java 9",
    "Monitoring Serverless Architectures",
    "Big Ideas: Decentralized Storage",
]


def qcon_command() -> list[str]:
    """The installed `qcon-tui` script beside this Python, else `python -m qcon_tui`."""
    script = Path(sys.executable).with_name("qcon-tui")
    if script.exists():
        return [str(script)]
    found = shutil.which("qcon-tui")
    return [found] if found else [sys.executable, "-m", "qcon_tui"]


def run_cli(
    *args: str,
    cwd: str | os.PathLike[str] | None = None,
    stdin: str | None = None,
    timeout: float = 60,
    preexec_fn: Callable[[], None] | None = None,
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
        preexec_fn=preexec_fn,
    )


def _limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (1536 << 20, 1536 << 20))


def run_cli_bounded(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """`run_cli` with 1.5 GB of address space: input built to exhaust memory fails, not the machine."""
    return run_cli(*args, timeout=timeout, preexec_fn=_limit_memory)
