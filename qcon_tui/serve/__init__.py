"""Serving the browser to others: over SSH (`serve.ssh`) and over the web (`serve.web`).

Both start one read-only browser process per visitor, so a session can only read
the notes: no editing, no annotating, no editor or shell. The heavy dependencies
(asyncssh, textual-serve) are an optional extra, imported only by the module that
needs them.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

#: The message for a missing optional extra (printed after `qcon-tui: error: `).
MISSING_EXTRA = "serving needs extra packages: pip install 'qcon-tui[serve]'"


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
