"""Which SSH keys may come in: reading authorized_keys and the policy on its options.

`from=` and a future `expiry-time=` are honoured; `no-pty`, `restrict`, an expired
key and any option this server does not implement refuse the key, with the reason
for the log, rather than serving a key half as its owner meant.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import asyncssh

from . import clean_for_log


class ServeError(Exception):
    """The server cannot start (bad key file, port in use)."""


#: authorized_keys options that this server honours, or whose restriction it always applies.
_HONOURED_OPTIONS = frozenset(
    {"from", "expiry-time", "no-port-forwarding", "no-agent-forwarding", "no-x11-forwarding", "no-user-rc"}
)


def _expiry(value: str) -> datetime | None:
    """An `expiry-time` value (YYYYMMDD[HHMM[SS]], local time unless it ends in Z); None if malformed."""
    utc = value.endswith(("Z", "z"))
    digits = value[:-1] if utc else value
    formats = {8: "%Y%m%d", 12: "%Y%m%d%H%M", 14: "%Y%m%d%H%M%S"}
    if not digits.isdigit() or len(digits) not in formats:
        return None
    try:
        moment = datetime.strptime(digits, formats[len(digits)])
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if utc else moment.astimezone()


def key_refusal(options: Mapping[str, object], now: datetime | None = None) -> str | None:
    """Why a key with these authorized_keys options is refused, or None to let it in.

    `from=` was already checked when the key was matched. A key this server cannot
    serve as its owner meant (no pty, restricted, a forced command, ...) is refused
    rather than half honoured.
    """
    now = now or datetime.now(UTC)
    for name in ("no-pty", "restrict"):
        if name in options:
            return f"key refused: its {name} option forbids the terminal this server offers"
    for name in sorted(options):
        if name == "expiry-time":
            value = options[name]
            for text in value if isinstance(value, list | tuple) else [value]:
                expires = _expiry(str(text))
                if expires is None:
                    return f"key refused: unreadable expiry-time {clean_for_log(str(text))}"
                if expires <= now:
                    return f"key refused: it expired at {expires.isoformat(timespec='minutes')}"
        elif name not in _HONOURED_OPTIONS:
            return f"key refused: option {clean_for_log(name)} is not supported by this server"
    return None


def load_authorized_keys(path: Path) -> asyncssh.SSHAuthorizedKeys:
    """The keys allowed in; raises ServeError when the file is unreadable or holds no key."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ServeError(f"cannot read authorized keys {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise ServeError(f"{path}: not an authorized_keys file (not UTF-8)") from None
    if not any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines()):
        raise ServeError(f"{path}: no keys in the authorized keys file")
    try:
        return asyncssh.import_authorized_keys(text)
    except (asyncssh.KeyImportError, ValueError) as error:
        raise ServeError(f"{path}: bad authorized keys file: {error}") from None
