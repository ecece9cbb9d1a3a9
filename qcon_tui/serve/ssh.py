"""`qcon-tui serve --ssh`: each SSH visitor gets their own read-only browser on a pty.

Security model, in the order a connection meets it:

- The listener binds 127.0.0.1 unless told otherwise.
- Only public-key authentication, against an authorized_keys file that is read again
  for every connection (a removed key is refused at once). Any user name is accepted:
  the key is the identity. Password, keyboard-interactive, host-based and GSSAPI
  authentication are off.
- A session may only ask for a shell on a pty, and what it gets is the browser with
  `--read-only`, never a shell. Exec requests (`ssh host cmd`), subsystems (sftp),
  sessions without a pty, port forwarding, agent and X11 forwarding are refused.
- Options in authorized_keys are honoured or the key is refused: `from=` and a future
  `expiry-time=` are checked; `no-pty` and `restrict` (this server only offers a pty),
  an expired key and any option this server does not implement refuse the key, with
  the reason in the log.
- The browser runs as its own process group, with a clean environment (PATH, HOME,
  LANG and the client's TERM: nothing else the client sends), in `/`, with memory and
  CPU-time limits, at a window size clamped to 1000x400.
- At most `max_sessions` browsers run at once; the next one is told and closed. A
  session counts until its browser's process group is gone.
"""

from __future__ import annotations

import asyncio
import signal
from dataclasses import dataclass
from pathlib import Path

import asyncssh

from . import (
    clean_for_log,
    log_line,
)
from .keys import ServeError as ServeError
from .keys import key_refusal as key_refusal
from .keys import load_authorized_keys as load_authorized_keys
from .ssh_session import BrowserSession, ServerState, Visit
from .ssh_session import child_environment as child_environment

DEFAULT_PORT = 2222
DEFAULT_MAX_SESSIONS = 8


@dataclass
class SSHServeOptions:
    """What `serve --ssh` was asked for."""

    path: str | None
    authorized_keys: Path
    host_key: Path
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    max_sessions: int = DEFAULT_MAX_SESSIONS


# --------------------------------------------------------------------------- server


class _Server(asyncssh.SSHServer):
    """One connection: public-key auth only, sessions only, no forwarding of any kind."""

    def __init__(self, state: ServerState) -> None:
        self._state = state
        self._conn: asyncssh.SSHServerConnection | None = None
        self._keys: asyncssh.SSHAuthorizedKeys | None = None
        self._visit = Visit(peer="?")

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        self._state.connections.add(conn)
        host, port = (conn.get_extra_info("peername") or ("?", 0))[:2]
        self._visit.peer = f"{host}:{port}"

    def connection_lost(self, exc: Exception | None) -> None:
        if self._conn is not None:
            self._state.connections.discard(self._conn)
        log_line("ssh", self._visit.summary(exc))

    def begin_auth(self, username: str) -> bool:
        """Any user name; the authorized keys are read afresh for each connection."""
        self._visit.user = username
        try:
            self._keys = load_authorized_keys(self._state.options.authorized_keys)
        except ServeError as error:
            self._visit.events.append(str(error))
            self._keys = None
        return True

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        if self._keys is None or self._conn is None:
            return False
        host, _port = (self._conn.get_extra_info("peername") or ("", 0))[:2]
        # `validate` also honours `from="..."` options; the result is None for a stranger.
        options = self._keys.validate(key, host, host)
        if options is None:
            return False
        refusal = key_refusal(options)
        if refusal is not None:
            event = f"{refusal} ({key.get_fingerprint()})"
            if event not in self._visit.events:  # asked twice: before and with the signature
                self._visit.events.append(event)
            return False
        self._visit.key = key.get_fingerprint()
        return True

    def validate_ca_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        return False

    def auth_completed(self) -> None:
        self._visit.authenticated = True

    def password_auth_supported(self) -> bool:
        return False

    def kbdint_auth_supported(self) -> bool:
        return False

    def host_based_auth_supported(self) -> bool:
        return False

    def session_requested(self) -> BrowserSession:
        return BrowserSession(self._state, self._visit)

    def connection_requested(self, dest_host: str, dest_port: int, orig_host: str, orig_port: int) -> bool:
        return False

    def server_requested(self, listen_host: str, listen_port: int) -> bool:
        return False

    def unix_connection_requested(self, dest_path: str) -> bool:
        return False

    def unix_server_requested(self, listen_path: str) -> bool:
        return False

    def tun_requested(self, unit: int | None) -> bool:
        return False

    def tap_requested(self, unit: int | None) -> bool:
        return False


async def serve_ssh(options: SSHServeOptions, host_key: asyncssh.SSHKey) -> None:
    """Serve until SIGINT or SIGTERM, then hang up every session and return."""
    state = ServerState(options)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        acceptor = await asyncssh.create_server(
            lambda: _Server(state),
            options.host,
            options.port,
            server_host_keys=[host_key],
            config=None,
            public_key_auth=True,
            password_auth=False,
            kbdint_auth=False,
            host_based_auth=False,
            gss_host=None,
            gss_kex=False,
            gss_auth=False,
            allow_pty=True,
            line_editor=False,
            x11_forwarding=False,
            agent_forwarding=False,
            allow_scp=False,
            sftp_factory=None,
            encoding=None,
            login_timeout=30,
            keepalive_interval=30,
            keepalive_count_max=3,
        )
    except OSError as error:
        raise ServeError(
            f"cannot listen on {options.host}:{options.port}: {error.strerror or error}"
        ) from None
    try:
        addresses = sorted({f"{address[0]}:{address[1]}" for address in acceptor.get_addresses()})
        log_line(
            "ssh",
            f"listening on {', '.join(addresses)} (host key {host_key.get_fingerprint()}, "
            f"at most {options.max_sessions} sessions); Ctrl-C stops",
        )
        await stop.wait()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        acceptor.close()
        await state.shutdown()
        await acceptor.wait_closed()
    log_line("ssh", "stopped")


def host_key_mode(path: Path) -> int | None:
    """The permission bits of the host key file, or None if it cannot be looked at."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        return None


def run(options: SSHServeOptions) -> int:
    """Load (or make) the host key and serve; returns the exit code."""
    import logging

    from .hostkey import HostKeyError, load_or_create_host_key

    # asyncssh's own log is chatty at INFO; each connection gets our one line instead.
    logging.getLogger("asyncssh").setLevel(logging.ERROR)
    load_authorized_keys(options.authorized_keys)  # a bad file stops the start, not each login
    try:
        key, created = load_or_create_host_key(options.host_key)
    except HostKeyError as error:
        raise ServeError(str(error)) from None
    if created:
        log_line("ssh", f"made a new host key {options.host_key} ({key.get_fingerprint()})")
    elif (mode := host_key_mode(options.host_key)) is not None and mode & 0o077:
        log_line(
            "ssh",
            f"warning: host key {clean_for_log(str(options.host_key), 200)} can be read by others "
            f"(mode {mode:04o}); anyone who can read it can pose as this server: chmod 600 it",
        )
    asyncio.run(serve_ssh(options, key))
    return 0
