"""The installed `qcon-tui` in a real terminal (tmux at 80x24), driven like a user would.

Uses its own tmux server socket (`-L`), so it never touches the user's tmux.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.helpers import qcon_command

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


class Tmux:
    """One detached session on a private tmux server."""

    def __init__(self, socket: str, session: str, status_file: Path | None = None) -> None:
        self.socket = socket
        self.session = session
        #: Where the shell running the program writes its exit status when it ends.
        self.status_file = status_file

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=check, timeout=20
        )

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.session).stdout

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", self.session, *keys)

    def type(self, text: str) -> None:
        self.run("send-keys", "-t", self.session, "-l", text)

    def wait_for(self, predicate: Callable[[str], bool], what: str, timeout: float = 15) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if predicate(screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; the screen shows:\n{screen}")

    def wait_for_text(self, text: str, timeout: float = 15) -> str:
        return self.wait_for(lambda screen: text in screen, repr(text), timeout)

    def pane_dead(self) -> bool:
        """Whether tmux has marked the pane's program as ended."""
        out = self.run("display-message", "-p", "-t", self.session, "#{pane_dead}", check=False)
        return out.returncode == 0 and out.stdout.strip() == "1"

    def exit_status(self) -> str:
        """The program's exit status once it has ended, else "".

        Read from the file the pane's shell writes after the program: tmux can be slow
        to notice a pane's process ended (it stays a zombie until tmux reaps it).
        """
        if self.status_file is not None and self.status_file.exists():
            return self.status_file.read_text(encoding="utf-8").strip()
        return ""


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    socket = f"qcon-test-{uuid.uuid4().hex[:8]}"
    session = "qcon"
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "TMUX")}
    env["TERM"] = "xterm-256color"
    command = " ".join(shlex.quote(part) for part in qcon_command())
    subprocess.run(
        ["tmux", "-L", socket, "-f", os.devnull, "new-session", "-d", "-s", session, "-x", "80", "-y", "24"],
        check=True,
        env=env,
        timeout=20,
    )
    status_file = tmp_path / "exit-status"
    box = Tmux(socket, session, status_file)
    box.run("set-option", "-t", session, "remain-on-exit", "on")
    box.run("respawn-pane", "-k", "-t", session, f"{command}; echo $? > {shlex.quote(str(status_file))}")
    try:
        yield box
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, timeout=20)


def test_real_terminal_session(tmux: Tmux) -> None:
    first = tmux.wait_for(
        lambda s: "Security War Stories: The Battle For The" in s and "Quit" in s,
        "the first talk and the footer",
    )
    assert "day 1 (7)" in first

    tmux.keys("]")
    tmux.wait_for_text("day 1 · talk 2 of 7")

    tmux.keys("/")
    tmux.type("facebok live")
    tmux.wait_for(
        lambda s: "day 2 › Scaling Facebook Live" in s and "facebok live" in s.splitlines()[1],
        "the hit and the query",
    )

    tmux.keys("Enter")
    tmux.wait_for(
        lambda s: "day 2 · talk 3 of 7" in s and "Sachin Kulkarni (Facebook)" in s, "the Facebook talk"
    )

    tmux.keys("Escape")
    tmux.wait_for(lambda s: "day 2 › Scaling" not in s and "day 2 (7)" in s, "the search to clear")

    tmux.keys("?")
    tmux.wait_for(lambda s: "Anywhere" in s and "Next talk" in s and "Previous talk" in s, "the help screen")
    tmux.keys("Escape")
    tmux.wait_for(lambda s: "Anywhere" not in s, "the help to close")

    tmux.keys("q")
    tmux.wait_for(lambda _s: tmux.exit_status() != "", "the program to exit", timeout=30)
    assert tmux.exit_status() == "0"
