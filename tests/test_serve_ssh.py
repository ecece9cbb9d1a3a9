"""`qcon-tui serve --ssh`, driven by the real OpenSSH client in tmux.

Every server here listens on 127.0.0.1 on a port the kernel picks, every wait is
bounded in time, and every server and tmux server is stopped in teardown.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import qcon_command

pytest.importorskip("asyncssh")
for _tool in ("ssh", "ssh-keygen", "tmux"):
    if shutil.which(_tool) is None:
        pytest.skip(f"needs {_tool}", allow_module_level=True)

pytestmark = pytest.mark.tmux

FIRST_TALK = "Security War Stories"
_names = itertools.count()


def wait_for(check: Callable[[], object], timeout: float = 20.0, interval: float = 0.1) -> object:
    """Poll `check` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {check}")
        time.sleep(interval)


# --------------------------------------------------------------------------- fixtures


@dataclass
class Keys:
    """A client key that is allowed in, and one that is not."""

    allowed: Path
    stranger: Path
    authorized_keys: Path


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    folder = tmp_path_factory.mktemp("ssh-keys")
    for name in ("allowed", "stranger"):
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(folder / name)],
            check=True,
            timeout=30,
        )
    authorized = folder / "authorized_keys"
    authorized.write_text((folder / "allowed.pub").read_text())
    return Keys(folder / "allowed", folder / "stranger", authorized)


@dataclass
class SSHServer:
    """A running `qcon-tui serve --ssh`."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path
    state_dir: Path

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def ssh_args(self, key: Path, *options: str) -> list[str]:
        """The ssh client command for this server, before the destination."""
        return [
            "ssh",
            "-F",
            "/dev/null",
            "-p",
            str(self.port),
            "-i",
            str(key),
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "PasswordAuthentication=no",
            "-o",
            "BatchMode=yes",
            "-o",
            "ConnectTimeout=10",
            "-o",
            "LogLevel=ERROR",
            *options,
        ]

    def children(self) -> list[int]:
        """Pids of the server's child processes (the browsers)."""
        found: list[int] = []
        for task in Path(f"/proc/{self.process.pid}/task").glob("*"):
            with contextlib.suppress(OSError):
                found.extend(int(pid) for pid in (task / "children").read_text().split())
        return found

    def stop(self) -> int:
        """Ctrl-C, as a person would; killed if it does not stop in time."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        return self.process.returncode


def _environment(state_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    env["QCON_TUI_STATE_DIR"] = str(state_dir)
    env["XDG_DATA_HOME"] = str(state_dir / "xdg-data")
    return env


@contextlib.contextmanager
def running_server(keys: Keys, state_dir: Path, *extra: str) -> Iterator[SSHServer]:
    """Start the server on a free loopback port; stop it afterwards, whatever happened."""
    state_dir.mkdir(parents=True, exist_ok=True)
    log = state_dir / f"server-{next(_names)}.log"
    with open(log, "wb") as log_file:
        process = subprocess.Popen(
            [
                *qcon_command(),
                "serve",
                "--ssh",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--authorized-keys",
                str(keys.authorized_keys),
                *extra,
            ],
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=log_file,
            env=_environment(state_dir),
        )
    server = SSHServer(process, 0, log, state_dir)
    try:

        def listening() -> re.Match[str] | None:
            assert process.poll() is None, f"server exited: {server.log_text()}"
            return re.search(r"listening on 127\.0\.0\.1:(\d+)", server.log_text())

        server.port = int(wait_for(listening).group(1))  # type: ignore[union-attr]
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def server(keys: Keys, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SSHServer]:
    with running_server(keys, tmp_path_factory.mktemp("ssh-state")) as running:
        yield running


class Tmux:
    """A private tmux server (its own socket) with one 80x24 session."""

    def __init__(self) -> None:
        self.socket = f"qcon-serve-{os.getpid()}-{next(_names)}"

    def run(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            timeout=15,
        )
        return result.stdout

    def start(self, command: list[str]) -> None:
        """Run `command` in a detached 80x24 session; its exit status is printed after it."""
        import shlex

        shell = f"{shlex.join(command)}; echo SSH-EXIT=$?; sleep 600"
        self.run("new-session", "-d", "-s", "main", "-x", "80", "-y", "24", shell)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "main")

    def wait_for_text(self, text: str, timeout: float = 25.0) -> str:
        def shown() -> str | None:
            screen = self.screen()
            return screen if text in screen else None

        try:
            return str(wait_for(shown, timeout))
        except AssertionError:
            raise AssertionError(f"{text!r} never appeared; the screen:\n{self.screen()}") from None

    def foreground(self) -> str:
        """The command running in the pane now: `ssh` while the client runs, then `sleep`."""
        return self.run("list-panes", "-t", "main", "-F", "#{pane_current_command}").strip()

    def kill(self) -> None:
        self.run("kill-server")


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    session = Tmux()
    try:
        yield session
    finally:
        session.kill()


def _ssh(server: SSHServer, key: Path, *args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """Run the ssh client without a terminal (stdin closed) and capture what it prints."""
    return subprocess.run(
        [*server.ssh_args(key), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# --------------------------------------------------------------------------- tests


def test_session_shows_the_browser_follows_resize_and_quits(
    server: SSHServer, keys: Keys, tmux: Tmux
) -> None:
    tmux.start([*server.ssh_args(keys.allowed, "-t"), "viewer@127.0.0.1"])
    first = tmux.wait_for_text(FIRST_TALK)
    assert "QCon London 2017" in first
    assert max(len(line.rstrip()) for line in first.splitlines()) <= 80

    tmux.run("resize-window", "-t", "main", "-x", "100", "-y", "30")

    def widened() -> str | None:
        screen = tmux.screen()
        lines = screen.splitlines()
        wide = max((len(line.rstrip()) for line in lines), default=0) > 85
        return screen if wide and len(lines) >= 30 and FIRST_TALK in screen else None

    wait_for(widened)

    tmux.run("send-keys", "-t", "main", "q")
    tmux.wait_for_text("SSH-EXIT=0")
    wait_for(lambda: "browser exited 0" in server.log_text())


def test_browser_is_read_only_with_a_clean_environment(server: SSHServer, keys: Keys, tmux: Tmux) -> None:
    before = set(server.children())
    tmux.start([*server.ssh_args(keys.allowed, "-t"), "-o", "SendEnv=*", "viewer@127.0.0.1"])
    tmux.wait_for_text(FIRST_TALK)
    browsers = wait_for(lambda: set(server.children()) - before)
    assert len(browsers) == 1  # type: ignore[arg-type]
    pid = next(iter(browsers))  # type: ignore[call-overload]
    argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    assert b"--read-only" in argv
    environ = dict(
        item.split(b"=", 1) for item in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0") if b"=" in item
    )
    assert b"COLUMNS" not in environ and b"LINES" not in environ
    assert environ[b"LANG"] == b"C.UTF-8"
    assert environ[b"TERM"]  # the client's terminal type, sent with the pty request
    limits = Path(f"/proc/{pid}/limits").read_text()
    assert re.search(r"Max address space\s+\d+", limits) and re.search(r"Max cpu time\s+\d+", limits)
    assert os.getpgid(pid) == pid  # its own process group, ended as one
    assert set(environ) <= {
        b"PATH",
        b"HOME",
        b"LANG",
        b"TERM",
        b"QCON_TUI_STATE_DIR",
        b"XDG_DATA_HOME",
        b"XDG_CONFIG_HOME",
        b"XDG_CACHE_HOME",
    }
    # The client vanishes: the browser's process group is ended and reaped.
    tmux.kill()
    wait_for(lambda: pid not in server.children() and not Path(f"/proc/{pid}").exists())
    wait_for(lambda: "client left" in server.log_text())


def test_an_unknown_key_is_refused(server: SSHServer, keys: Keys) -> None:
    result = _ssh(server, keys.stranger, "-T", "viewer@127.0.0.1")
    assert result.returncode != 0
    assert "Permission denied" in result.stderr
    wait_for(lambda: "not authenticated" in server.log_text())


def test_a_command_gets_no_shell(server: SSHServer, keys: Keys) -> None:
    for tty in ("-T", "-tt"):
        result = _ssh(server, keys.allowed, tty, "viewer@127.0.0.1", "id")
        assert result.returncode != 0
        assert "uid=" not in result.stdout + result.stderr
    wait_for(lambda: "refused a command" in server.log_text())


def test_a_session_without_a_pty_is_refused(server: SSHServer, keys: Keys) -> None:
    result = _ssh(server, keys.allowed, "-T", "viewer@127.0.0.1")
    assert result.returncode == 1
    assert "needs a terminal" in result.stdout
    assert FIRST_TALK not in result.stdout


def test_sftp_and_forwarding_are_refused(server: SSHServer, keys: Keys) -> None:
    sftp = _ssh(server, keys.allowed, "-s", "viewer@127.0.0.1", "sftp")
    assert sftp.returncode != 0
    # A stdio forward to the server's own port: it stays on this machine, and is refused.
    forward = _ssh(server, keys.allowed, "-W", f"127.0.0.1:{server.port}", "viewer@127.0.0.1")
    assert forward.returncode != 0
    assert "SSH-" not in forward.stdout


def test_the_host_key_is_private_and_kept(keys: Keys, tmp_path: Path) -> None:
    state = tmp_path / "state"
    with running_server(keys, state) as first:
        key_file = state / "ssh_host_ed25519_key"
        assert key_file.stat().st_mode & 0o777 == 0o600
        fingerprint = re.search(r"host key (SHA256:\S+?)[,)]", first.log_text())
        assert fingerprint
        listed = subprocess.run(
            ["ssh-keygen", "-l", "-f", str(key_file)], capture_output=True, text=True, timeout=30
        )
        assert fingerprint.group(1) in listed.stdout
        assert "made a new host key" in first.log_text()
    with running_server(keys, state) as second:
        assert f"host key {fingerprint.group(1)}" in second.log_text()
        assert "made a new host key" not in second.log_text()


def test_sessions_are_capped(keys: Keys, tmp_path: Path, tmux: Tmux) -> None:
    with running_server(keys, tmp_path / "state", "--max-sessions", "1") as server:
        tmux.start([*server.ssh_args(keys.allowed, "-t"), "viewer@127.0.0.1"])
        tmux.wait_for_text(FIRST_TALK)
        over = _ssh(server, keys.allowed, "-tt", "viewer@127.0.0.1", timeout=30)
        assert over.returncode == 1
        assert "busy" in over.stdout
        assert FIRST_TALK not in over.stdout
        wait_for(lambda: "too many sessions" in server.log_text())
        # The first session is unharmed and still quits normally.
        tmux.run("send-keys", "-t", "main", "q")
        tmux.wait_for_text("SSH-EXIT=0")


def test_ctrl_c_stops_the_server_and_its_sessions(keys: Keys, tmp_path: Path, tmux: Tmux) -> None:
    with running_server(keys, tmp_path / "state") as server:
        tmux.start([*server.ssh_args(keys.allowed, "-t"), "viewer@127.0.0.1"])
        tmux.wait_for_text(FIRST_TALK)
        browsers = wait_for(server.children)
        assert server.stop() == 0
        assert "stopped" in server.log_text()
        assert "Traceback" not in server.log_text()
        for pid in browsers:  # type: ignore[attr-defined]
            assert not Path(f"/proc/{pid}").exists() or b"zombie" in Path(f"/proc/{pid}/status").read_bytes()
        try:
            wait_for(lambda: tmux.foreground() not in ("ssh", ""))
        except AssertionError:
            raise AssertionError(
                f"the client did not end; the screen:\n{tmux.screen()}\nthe log:\n{server.log_text()}"
            ) from None


def test_a_bad_authorized_keys_file_stops_the_start(tmp_path: Path) -> None:
    empty = tmp_path / "authorized_keys"
    empty.write_text("# nobody yet\n")
    result = subprocess.run(
        [*qcon_command(), "serve", "--ssh", "--port", "0", "--authorized-keys", str(empty)],
        capture_output=True,
        text=True,
        timeout=60,
        env=_environment(tmp_path / "state"),
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"qcon-tui: error: {empty}: no keys in the authorized keys file"
    ]


def test_a_key_with_options_this_server_cannot_honour_is_refused(server: SSHServer, keys: Keys) -> None:
    plain = keys.authorized_keys.read_text()
    try:
        for option, reason in (
            ('expiry-time="20200101" ', "expired"),
            ("no-pty ", "no-pty"),
            ("restrict ", "restrict"),
            ('command="/bin/sh" ', "option command is not supported"),
        ):
            keys.authorized_keys.write_text(option + plain)
            result = _ssh(server, keys.allowed, "-tt", "viewer@127.0.0.1")
            assert result.returncode != 0
            assert FIRST_TALK not in result.stdout
            wait_for(lambda reason=reason: reason in server.log_text())
        keys.authorized_keys.write_text('expiry-time="20991231" ' + plain)
        later = _ssh(server, keys.allowed, "-T", "viewer@127.0.0.1")  # let in, then refused: no pty
        assert "needs a terminal" in later.stdout + later.stderr
    finally:
        keys.authorized_keys.write_text(plain)


def test_a_host_key_others_can_read_is_warned_about(keys: Keys, tmp_path: Path) -> None:
    state = tmp_path / "state"
    with running_server(keys, state) as first:
        assert "can be read by others" not in first.log_text()
    (state / "ssh_host_ed25519_key").chmod(0o644)
    with running_server(keys, state) as second:
        assert "can be read by others (mode 0644)" in second.log_text()


def test_sessions_of_a_big_file_share_the_cache(
    keys: Keys, tmp_path: Path, tmux: Tmux, isolated_cache: Path
) -> None:
    """The first visitor's browser stores the parsed notes and index; the next one reads them."""
    import sys

    benchmarks = str(Path(__file__).resolve().parent.parent / "benchmarks")
    sys.path.insert(0, benchmarks)
    try:
        from generate import generate  # type: ignore[import-not-found]
    finally:
        sys.path.remove(benchmarks)
    notes = tmp_path / "big.txt"
    notes.write_text(generate(1000), encoding="utf-8")  # over the size the cache skips
    title = "Generated Notes (1000 Talks)"
    with running_server(keys, tmp_path / "state", str(notes)) as server:
        tmux.start([*server.ssh_args(keys.allowed, "-t"), "viewer@127.0.0.1"])
        tmux.wait_for_text(title)
        entries = wait_for(lambda: list(isolated_cache.glob("*.qcache")), timeout=60)
        assert len(entries) == 1  # type: ignore[arg-type]
        entry = entries[0]  # type: ignore[index]
        tmux.run("send-keys", "-t", "main", "q")
        tmux.wait_for_text("SSH-EXIT=0")

        os.utime(entry, (1_000_000, 1_000_000))  # a read marks the entry used (its mtime)
        second = Tmux()  # a tmux server of its own: the first one may still be going away
        try:
            second.start([*server.ssh_args(keys.allowed, "-t"), "viewer@127.0.0.1"])
            second.wait_for_text(title)
        finally:
            second.kill()
        assert entry.stat().st_mtime > 1_000_000, "the second session did not read the cache"
