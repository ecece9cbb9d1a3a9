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
import contextlib
import errno
import fcntl
import os
import re
import signal
import struct
import termios
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncssh

from . import (
    app_command,
    clamp_size,
    clean_for_log,
    end_process_group,
    home_dir,
    limit_child,
    log_line,
)

DEFAULT_PORT = 2222
DEFAULT_MAX_SESSIONS = 8

#: Input kept while the browser is still starting; more than this is dropped.
MAX_EARLY_INPUT = 64 * 1024

#: Seconds a browser gets to leave after a hang-up before it is killed.
HANGUP_GRACE = 2.0

#: Terminal types passed through as they are; anything else becomes the default.
_TERM_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")
DEFAULT_TERM = "xterm-256color"

#: Variables of the server's own environment that the browser keeps (never the client's).
_KEPT_ENV = (
    "PATH",
    "QCON_TUI_STATE_DIR",
    "QCON_TUI_CACHE_DIR",
    "QCON_TUI_NO_CACHE",
    "XDG_DATA_HOME",
    "XDG_CONFIG_HOME",
    "XDG_CACHE_HOME",
)


class ServeError(Exception):
    """The server cannot start (bad key file, port in use)."""


@dataclass
class SSHServeOptions:
    """What `serve --ssh` was asked for."""

    path: str | None
    authorized_keys: Path
    host_key: Path
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    max_sessions: int = DEFAULT_MAX_SESSIONS


def child_environment(term: str) -> dict[str, str]:
    """The browser's whole environment: minimal, and nothing chosen by the client but TERM.

    COLUMNS and LINES are never set: Textual would then ignore window changes.
    """
    env = {name: os.environ[name] for name in _KEPT_ENV if os.environ.get(name)}
    env.setdefault("PATH", os.defpath)
    env["HOME"] = home_dir()
    env["LANG"] = "C.UTF-8"
    env["TERM"] = term if _TERM_RE.fullmatch(term or "") else DEFAULT_TERM
    return env


def _window_size(width: int, height: int, pixwidth: int = 0, pixheight: int = 0) -> bytes:
    """A `struct winsize` for TIOCSWINSZ; zero or absurd sizes are brought into range."""
    columns, rows = clamp_size(width, height)
    return struct.pack("HHHH", rows, columns, pixwidth & 0xFFFF, pixheight & 0xFFFF)


def _prepare_child() -> None:
    """In the child, after setsid: claim the pty as controlling terminal, then set limits.

    Without the pty as its controlling terminal the browser has no foreground process
    group, so window changes (SIGWINCH) would never reach it. Only system calls here,
    which is what is safe between fork and exec.
    """
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    limit_child()


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


# --------------------------------------------------------------------------- state


@dataclass
class _Visit:
    """What one connection did, for its log line."""

    peer: str
    started: float = field(default_factory=time.monotonic)
    user: str = ""
    key: str = ""
    authenticated: bool = False
    events: list[str] = field(default_factory=list)

    def summary(self, error: Exception | None) -> str:
        """The connection's one log line."""
        who = f"{self.peer} user={clean_for_log(self.user) or '-'}"
        if self.key:
            who += f" key={self.key}"
        if self.authenticated:
            what = ", ".join(self.events) or "no session"
        else:
            what = ", ".join(["not authenticated", *self.events])
        if error is not None and not isinstance(error, asyncssh.ConnectionLost):
            what += f" ({clean_for_log(str(error), 120)})"
        return f"{who}: {what} ({time.monotonic() - self.started:.1f}s)"


class _ServerState:
    """Shared by every connection: options, the session count, live sessions."""

    def __init__(self, options: SSHServeOptions) -> None:
        self.options = options
        self.command = app_command(options.path)
        self.sessions: set[_BrowserSession] = set()
        self.connections: set[asyncssh.SSHServerConnection] = set()

    def try_acquire(self, session: _BrowserSession) -> bool:
        """Count `session` in, unless the cap is reached."""
        if len(self.sessions) >= self.options.max_sessions:
            return False
        self.sessions.add(session)
        return True

    def release(self, session: _BrowserSession) -> None:
        """Count `session` out (idempotent)."""
        self.sessions.discard(session)

    async def shutdown(self) -> None:
        """Hang up every browser and close every connection."""
        await asyncio.gather(*(session.hang_up() for session in list(self.sessions)))
        for conn in list(self.connections):
            conn.close()


# --------------------------------------------------------------------------- session


class _BrowserSession(asyncssh.SSHServerSession):
    """One SSH session channel: a read-only browser on a pty, bytes pumped both ways."""

    def __init__(self, state: _ServerState, visit: _Visit) -> None:
        self._state = state
        self._visit = visit
        self._chan: asyncssh.SSHServerChannel[bytes] | None = None
        self._term: str | None = None
        self._size = _window_size(80, 24)
        self._master: int | None = None
        self._process: asyncio.subprocess.Process | None = None
        self._reading = False
        self._paused = False
        self._pending = bytearray()  # client input the pty has not taken yet
        self._writer_waiting = False
        self._finished = False
        self._tasks: set[asyncio.Task[Any]] = set()

    # -- requests from the client

    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        self._chan = chan

    def pty_requested(self, term_type: str, term_size: tuple[int, int, int, int], term_modes: Any) -> bool:
        self._term = term_type
        self._size = _window_size(*term_size)
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        self._visit.events.append("refused a command")
        return False

    def subsystem_requested(self, subsystem: str) -> bool:
        self._visit.events.append(f"refused subsystem {clean_for_log(subsystem)}")
        return False

    def break_received(self, msec: int) -> bool:
        return False

    def signal_received(self, signal: str) -> None:
        """Signals from the client are ignored: the browser is quit from inside it (q)."""

    def session_started(self) -> None:
        if self._term is None:
            self._visit.events.append("refused: no pty")
            self._refuse("qcon-tui: this server shows the notes browser, which needs a terminal: use ssh -t")
            return
        if not self._state.try_acquire(self):
            self._visit.events.append("refused: too many sessions")
            self._refuse(
                f"qcon-tui: the server is busy ({self._state.options.max_sessions} sessions); try again later"
            )
            return
        self._spawn_task(self._run())

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        self._size = _window_size(width, height, pixwidth, pixheight)
        if self._master is not None:
            # The kernel sends SIGWINCH to the pty's foreground process group: the browser.
            with contextlib.suppress(OSError):
                fcntl.ioctl(self._master, termios.TIOCSWINSZ, self._size)

    def data_received(self, data: bytes, datatype: Any) -> None:
        if self._master is None and len(self._pending) + len(data) > MAX_EARLY_INPUT:
            return  # typed before the browser started, and far too much of it: dropped
        self._pending += data
        self._flush_input()

    def eof_received(self) -> bool:
        return True  # keep the channel open: the browser decides when it ends

    def pause_writing(self) -> None:
        self._paused = True
        self._stop_reading()

    def resume_writing(self) -> None:
        self._paused = False
        self._start_reading()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self._finished:
            if self._process is not None:
                self._visit.events.append("client left, browser ended")
            self._spawn_task(self.hang_up())

    # -- the browser process

    def _spawn_task(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _refuse(self, message: str) -> None:
        """Tell the client why in one line, and end the session with status 1."""
        self._finished = True
        if self._chan is not None and not self._chan.is_closing():
            self._chan.write(message.encode() + b"\r\n")
            self._chan.exit(1)

    async def _run(self) -> None:
        """Start the browser on a fresh pty, then wait for it and report its exit status."""
        assert self._chan is not None and self._term is not None
        master, slave = os.openpty()
        try:
            fcntl.ioctl(master, termios.TIOCSWINSZ, self._size)
            os.set_blocking(master, False)
            self._process = await asyncio.create_subprocess_exec(
                *self._state.command,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=child_environment(self._term),
                cwd="/",
                start_new_session=True,
                preexec_fn=_prepare_child,
            )
        except OSError as error:
            os.close(master)
            self._state.release(self)
            self._visit.events.append(f"browser failed to start: {error.strerror or error}")
            self._refuse("qcon-tui: the browser could not be started")
            return
        finally:
            os.close(slave)
        self._master = master
        if self._finished:  # the client left while the browser was starting
            await self.hang_up()
            return
        self._start_reading()
        self._flush_input()
        status = await self._process.wait()
        self._finish(status)

    def _finish(self, status: int) -> None:
        """The browser has exited: send what it last wrote, then its status, and close."""
        if self._finished:
            return
        self._finished = True
        self._state.release(self)
        self._visit.events.append(f"browser exited {status}")
        if self._master is not None:
            self._stop_reading()
            for _ in range(256):  # what is left in the pty, bounded
                data = self._read_master()
                if not data:
                    break
                self._send(data)
            self._close_master()
        if self._process is not None:
            # Anything the browser left behind in its group goes with it.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._process.pid, signal.SIGKILL)
        if self._chan is not None and not self._chan.is_closing():
            self._chan.exit(status if status >= 0 else 128 - status)

    async def hang_up(self) -> None:
        """The client went away (or the server stops): end the browser's process group.

        The session stays counted until the browser is gone: hung up, then SIGTERM,
        then SIGKILL for anything left in its group.
        """
        self._finished = True
        self._stop_reading()
        process = self._process
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGHUP)
            await end_process_group(process.wait, process.pid, grace=HANGUP_GRACE)
        self._state.release(self)
        self._close_master()
        if self._chan is not None and not self._chan.is_closing():
            self._chan.close()

    # -- pumping bytes

    def _send(self, data: bytes) -> None:
        if self._chan is not None and not self._chan.is_closing():
            self._chan.write(data)

    def _read_master(self) -> bytes:
        """Up to 64 KiB from the pty; b"" when nothing is there or the browser is gone."""
        if self._master is None:
            return b""
        try:
            return os.read(self._master, 65536)
        except BlockingIOError:
            return b""
        except OSError as error:
            if error.errno == errno.EIO:  # every slave side closed: the browser exited
                return b""
            raise

    def _on_readable(self) -> None:
        data = self._read_master()
        if data:
            self._send(data)
        else:
            # Stop watching; `_run` notices the exit and finishes.
            self._stop_reading()

    def _start_reading(self) -> None:
        if self._master is not None and not self._reading and not self._paused and not self._finished:
            asyncio.get_running_loop().add_reader(self._master, self._on_readable)
            self._reading = True

    def _stop_reading(self) -> None:
        if self._reading and self._master is not None:
            asyncio.get_running_loop().remove_reader(self._master)
        self._reading = False

    def _flush_input(self) -> None:
        """Write pending client input to the pty; if it is full, hold the client back."""
        if self._master is None or self._finished:
            return
        loop = asyncio.get_running_loop()
        while self._pending:
            try:
                written = os.write(self._master, self._pending)
            except BlockingIOError:
                break
            except OSError:
                self._pending.clear()
                break
            del self._pending[:written]
        if self._pending and not self._writer_waiting:
            loop.add_writer(self._master, self._flush_input)
            self._writer_waiting = True
            if self._chan is not None:
                self._chan.pause_reading()
        elif not self._pending and self._writer_waiting:
            loop.remove_writer(self._master)
            self._writer_waiting = False
            if self._chan is not None:
                self._chan.resume_reading()

    def _close_master(self) -> None:
        if self._master is None:
            return
        loop = asyncio.get_running_loop()
        self._stop_reading()
        if self._writer_waiting:
            loop.remove_writer(self._master)
            self._writer_waiting = False
        os.close(self._master)
        self._master = None


# --------------------------------------------------------------------------- server


class _Server(asyncssh.SSHServer):
    """One connection: public-key auth only, sessions only, no forwarding of any kind."""

    def __init__(self, state: _ServerState) -> None:
        self._state = state
        self._conn: asyncssh.SSHServerConnection | None = None
        self._keys: asyncssh.SSHAuthorizedKeys | None = None
        self._visit = _Visit(peer="?")

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

    def session_requested(self) -> _BrowserSession:
        return _BrowserSession(self._state, self._visit)

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
    state = _ServerState(options)
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
