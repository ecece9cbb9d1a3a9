"""One SSH session of `serve --ssh`: a read-only browser on a pty, bytes pumped both ways.

The browser runs as its own process group with a clean environment (PATH, HOME,
LANG and the client's TERM, nothing else the client sends), at a clamped window
size; `ServerState` counts sessions against the cap and hangs them all up on stop.
Connection setup and authentication stay in `ssh.py`.
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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import asyncssh

from . import (
    app_command,
    clamp_size,
    clean_for_log,
    end_process_group,
    home_dir,
    limit_child,
)

if TYPE_CHECKING:
    from .ssh import SSHServeOptions

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


def window_size(width: int, height: int, pixwidth: int = 0, pixheight: int = 0) -> bytes:
    """A `struct winsize` for TIOCSWINSZ; zero or absurd sizes are brought into range."""
    columns, rows = clamp_size(width, height)
    return struct.pack("HHHH", rows, columns, pixwidth & 0xFFFF, pixheight & 0xFFFF)


def prepare_child() -> None:
    """In the child, after setsid: claim the pty as controlling terminal, then set limits.

    Without the pty as its controlling terminal the browser has no foreground process
    group, so window changes (SIGWINCH) would never reach it. Only system calls here,
    which is what is safe between fork and exec.
    """
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    limit_child()


# --------------------------------------------------------------------------- state


@dataclass
class Visit:
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


class ServerState:
    """Shared by every connection: options, the session count, live sessions."""

    def __init__(self, options: SSHServeOptions) -> None:
        self.options = options
        self.command = app_command(options.path)
        self.sessions: set[BrowserSession] = set()
        self.connections: set[asyncssh.SSHServerConnection] = set()

    def try_acquire(self, session: BrowserSession) -> bool:
        """Count `session` in, unless the cap is reached."""
        if len(self.sessions) >= self.options.max_sessions:
            return False
        self.sessions.add(session)
        return True

    def release(self, session: BrowserSession) -> None:
        """Count `session` out (idempotent)."""
        self.sessions.discard(session)

    async def shutdown(self) -> None:
        """Hang up every browser and close every connection."""
        await asyncio.gather(*(session.hang_up() for session in list(self.sessions)))
        for conn in list(self.connections):
            conn.close()


# --------------------------------------------------------------------------- session


class BrowserSession(asyncssh.SSHServerSession):
    """One SSH session channel: a read-only browser on a pty, bytes pumped both ways."""

    def __init__(self, state: ServerState, visit: Visit) -> None:
        self._state = state
        self._visit = visit
        self._chan: asyncssh.SSHServerChannel[bytes] | None = None
        self._term: str | None = None
        self._size = window_size(80, 24)
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
        self._size = window_size(*term_size)
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
        self._size = window_size(width, height, pixwidth, pixheight)
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
                preexec_fn=prepare_child,
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
