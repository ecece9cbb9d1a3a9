"""Serving the browser to others: over SSH (`serve.ssh`) and over the web (`serve.web`).

Both start one read-only browser process per visitor, so a session can only read
the notes: no editing, no annotating, no editor or shell. The heavy dependencies
(asyncssh, textual-serve) are an optional extra, imported only by the module that
needs them.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

#: The message for a missing optional extra (printed after `qcon-tui: error: `).
MISSING_EXTRA = "serving needs extra packages: pip install 'qcon-tui[serve]'"


#: Address space each browser process may use (RLIMIT_AS). The browser needs about a
#: quarter of it; a visitor who finds a way to make it grow meets MemoryError instead.
CHILD_MEMORY_BYTES = 1024 * 1024 * 1024

#: CPU seconds each browser process may use (RLIMIT_CPU). Reading notes costs a few
#: seconds an hour; a process spinning at 100% is stopped after ten minutes of it.
CHILD_CPU_SECONDS = 600

#: Seconds between the CPU limit's SIGXCPU and the kernel's SIGKILL.
_CPU_KILL_AFTER = 5

#: Largest window passed to a browser: a client cannot make it allocate without bound.
MAX_COLUMNS, MAX_ROWS = 1000, 400


def clamp_size(width: int, height: int) -> tuple[int, int]:
    """A window size from a client, brought into range (zero or negative: 80x24)."""
    columns = min(width, MAX_COLUMNS) if width > 0 else 80
    rows = min(height, MAX_ROWS) if height > 0 else 24
    return columns, rows


def limit_child() -> None:
    """In a browser process, before exec: cap its memory and CPU time.

    Runs between fork and exec, so it only makes system calls. Limits that are
    already lower (set by the administrator) are kept.
    """
    for which, soft, hard in (
        (resource.RLIMIT_AS, CHILD_MEMORY_BYTES, CHILD_MEMORY_BYTES),
        (resource.RLIMIT_CPU, CHILD_CPU_SECONDS, CHILD_CPU_SECONDS + _CPU_KILL_AFTER),
    ):
        old_soft, old_hard = resource.getrlimit(which)
        if old_hard != resource.RLIM_INFINITY:
            hard = min(hard, old_hard)
        soft = min(soft, hard) if old_soft == resource.RLIM_INFINITY else min(soft, old_soft, hard)
        resource.setrlimit(which, (soft, hard))


def kill_group(pgid: int, signum: int) -> None:
    """Send `signum` to every process of group `pgid`; nothing if it is gone."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


async def end_process_group(
    wait: Callable[[], Awaitable[int]], pgid: int, *, grace: float, term_grace: float = 1.0
) -> None:
    """End a browser's whole process group: SIGTERM after `grace` seconds, then SIGKILL.

    `wait` is the awaitable factory for the leader's exit (`process.wait`). The leader
    gets `grace` seconds to leave on its own (it was asked to quit), then SIGTERM, then
    SIGKILL; whatever else is left in its group gets SIGKILL too.
    """
    import asyncio

    for signum, seconds in ((None, grace), (signal.SIGTERM, term_grace), (signal.SIGKILL, None)):
        if signum is not None:
            kill_group(pgid, signum)
        try:
            await asyncio.wait_for(asyncio.shield(wait()), seconds)
            break
        except TimeoutError:
            continue
    kill_group(pgid, signal.SIGKILL)  # anything the leader left behind in its group


def app_command(path: str | None) -> list[str]:
    """The command line of one read-only browser for the notes at `path`.

    The path is made absolute, because the browser runs in another working folder.
    """
    command = [sys.executable, "-m", "qcon_tui"]
    if path is not None:
        command.append(str(Path(path).resolve()))
    command.append("--read-only")
    return command


def clean_for_log(text: str, limit: int = 64) -> str:
    """Text a client chose (a user name, a terminal type), safe for a log line."""
    cleaned = "".join(ch if ch.isprintable() and not ch.isspace() else "?" for ch in text)
    return cleaned[:limit] + ("…" if len(cleaned) > limit else "")


def log_line(kind: str, message: str) -> None:
    """One line on stderr: time, kind of server, message."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
    print(f"{stamp} qcon-tui serve {kind}: {message}", file=sys.stderr, flush=True)


def is_loopback(host: str) -> bool:
    """Whether `host` names only this machine (so its listener is private)."""
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def home_dir() -> str:
    """The serving user's home folder, for the child's `HOME`."""
    return os.environ.get("HOME") or str(Path.home())
