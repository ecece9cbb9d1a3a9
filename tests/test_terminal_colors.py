"""What a user sees in a real terminal, colour by colour: the installed program in tmux.

Runs `qcon-tui` under `TERM=xterm` (16 colours) and `TERM=xterm-256color`, with and
without `NO_COLOR`, reads the colours it wrote back from `tmux capture-pane -e`, and
fails when visible text is drawn in its own background colour (or black on a dark
terminal's background), or when the row you are on is told apart by colour alone.
Also sends keys in one burst, as key repeat over a slow SSH link arrives.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator

import pytest

from tests.helpers import qcon_command
from tests.terminal_screen import Cell, invisible_text, parse_screen, row_text
from tests.test_tmux import Tmux

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

#: (TERM, NO_COLOR set, COLORFGBG or None): the colour modes a user meets.
MODES = [
    ("xterm", False, None),
    ("xterm-256color", False, None),
    ("xterm", True, None),
    ("xterm-256color", True, None),
    ("xterm-256color", False, "0;15"),  # a light terminal that says so
]
MODE_IDS = ["xterm", "xterm-256color", "xterm-NO_COLOR", "xterm-256color-NO_COLOR", "light-COLORFGBG"]

Start = Callable[..., Tmux]

#: Text that starts left of this column is in the tree (at 80 columns).
SIDEBAR = 30


@pytest.fixture
def start() -> Iterator[Start]:
    """Start the installed program in a private tmux server, in the environment given."""
    sockets: list[str] = []

    def launch(
        term: str,
        no_color: bool = False,
        colorfgbg: str | None = None,
        size: tuple[int, int] = (80, 24),
        args: tuple[str, ...] = (),
    ) -> Tmux:
        socket = f"qcon-colors-{uuid.uuid4().hex[:8]}"
        sockets.append(socket)
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("COLUMNS", "LINES", "TMUX", "COLORTERM", "NO_COLOR", "COLORFGBG")
        }
        # The program sees the TERM given here, not tmux's own.
        inner = ["env", f"TERM={term}"]
        if no_color:
            inner.append("NO_COLOR=1")
        if colorfgbg is not None:
            inner.append(f"COLORFGBG={colorfgbg}")
        command = " ".join(shlex.quote(part) for part in [*inner, *qcon_command(), *args])
        width, height = size
        new_session = ["new-session", "-d", "-s", "qcon", "-x", str(width), "-y", str(height)]
        subprocess.run(
            ["tmux", "-L", socket, "-f", os.devnull, *new_session],
            check=True,
            env={**env, "TERM": "xterm-256color"},
            timeout=20,
        )
        box = Tmux(socket, "qcon")
        box.run("set-option", "-t", "qcon", "remain-on-exit", "on")
        box.run("respawn-pane", "-k", "-t", "qcon", command)
        return box

    yield launch
    for socket in sockets:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, timeout=20)


def cells(tmux: Tmux) -> list[list[Cell]]:
    """The screen as cells, with the colours and attributes tmux holds for each."""
    return parse_screen(tmux.run("capture-pane", "-e", "-p", "-t", tmux.session).stdout)


def settled(tmux: Tmux, predicate: Callable[[str], bool], what: str) -> list[list[Cell]]:
    """Wait for `predicate` on the screen's text and for the screen to stop changing; its cells."""
    tmux.wait_for(predicate, what)
    before = tmux.run("capture-pane", "-e", "-p", "-t", tmux.session).stdout
    for _ in range(50):
        time.sleep(0.1)
        now = tmux.run("capture-pane", "-e", "-p", "-t", tmux.session).stdout
        if now == before:
            break
        before = now
    return parse_screen(before)


def unreadable(rows: list[list[Cell]], light: bool) -> list[str]:
    """Where text cannot be read, as "row,column 'c' fg/bg" (empty when all can)."""
    return [
        f"{y},{x} {cell.char!r} {cell.style.shown_fg}/{cell.style.shown_bg}"
        for y, x, cell in invisible_text(rows, dark=not light)
    ]


def marks_of(rows: list[list[Cell]], text: str, before_column: int | None = None) -> set[str]:
    """The attributes (beyond colour) on every cell of the first row holding `text`."""
    for row in rows:
        line = row_text(row)
        at = line.find(text)
        if at >= 0 and (before_column is None or at < before_column):
            found: set[str] = set()
            for cell in row[at : at + len(text)]:
                found |= cell.style.marks
            return found
    raise AssertionError(f"{text!r} is not on the screen:\n" + "\n".join(map(row_text, rows)))


def uncoloured(rows: list[list[Cell]]) -> list[str]:
    """Cells drawn with any colour other than the terminal's default."""
    return [
        f"{y},{x} {cell.char!r}"
        for y, row in enumerate(rows)
        for x, cell in enumerate(row)
        if cell.style.coloured
    ]


@pytest.mark.parametrize(("term", "no_color", "colorfgbg"), MODES, ids=MODE_IDS)
def test_every_screen_is_readable_and_shows_where_you_are(
    start: Start, term: str, no_color: bool, colorfgbg: str | None
) -> None:
    tmux = start(term, no_color, colorfgbg)
    light = colorfgbg is not None
    sidebar = SIDEBAR

    # The tree has focus: its cursor row is marked by more than colour.
    first = settled(tmux, lambda s: "Security War Stories" in s and "Help" in s, "the first screen")
    assert unreadable(first, light) == []
    cursor = marks_of(first, "Security War Sto", sidebar)
    assert cursor and cursor != marks_of(first, "Microservices At", sidebar)
    if no_color:
        assert uncoloured(first) == []

    # The notes have focus: the tree still shows where its cursor is, by more than colour.
    tmux.keys("Tab")
    tmux.keys("j")
    blurred = settled(tmux, lambda _s: True, "the notes to take focus")
    assert unreadable(blurred, light) == []
    cursor = marks_of(blurred, "Security War Sto", sidebar)
    assert cursor and cursor != marks_of(blurred, "Microservices At", sidebar)

    # Searching: the result Enter would open is marked, while the typing goes on.
    tmux.keys("/")
    tmux.type("microservices")
    results = settled(tmux, lambda s: "› Microservices At The Heart" in s, "the search results")
    assert unreadable(results, light) == []
    best = marks_of(results, "Microservices At The Heart")
    assert best and best != marks_of(results, "Avoiding Alerts Overload")
    if no_color:
        assert uncoloured(results) == []

    # Help: readable, over a screen that no longer shows through.
    tmux.keys("Escape")  # (a key sent at once after Esc would read as alt+key)
    tmux.wait_for(lambda s: "› Microservices" not in s, "the search to clear")
    tmux.keys("?")
    help_screen = settled(tmux, lambda s: "Anywhere" in s, "the help screen")
    assert unreadable(help_screen, light) == []
    if no_color:
        assert uncoloured(help_screen) == []


def test_keys_sent_in_one_burst_all_land_in_the_notes(start: Start) -> None:
    """Ten `j` written at once (key repeat over SSH) scroll the notes ten lines."""
    tmux = start("xterm", args=("--talk", "avoiding-alerts-overload-from-microservices"))
    tree_row = "Avoiding Alerts Ov"  # the talk's row in the tree, cut to its width

    def tree_cursor(wanted: str) -> list[list[Cell]]:
        for _ in range(100):
            rows = settled(tmux, lambda s: tree_row in s, "the talk")
            if wanted in marks_of(rows, tree_row, SIDEBAR):
                return rows
            time.sleep(0.1)
        raise AssertionError(f"the tree's cursor never showed {wanted}")

    tree_cursor("reverse")  # the tree has focus, its cursor on the talk
    tmux.keys("Enter")  # Enter on a talk moves to its notes
    before = [row_text(row).ljust(80) for row in tree_cursor("underline")]
    notes_at = before[2].find("Avoiding Alerts Overload")
    assert notes_at > 0
    # The notes' text, without the scrollbar at the right edge (it moves too).
    pane = [line[notes_at:-2].rstrip() for line in before[2:-1]]

    tmux.type("jjjjjjjjjj")

    def moved_ten(screen: str) -> bool:
        lines = [line.ljust(80)[notes_at:-2].rstrip() for line in screen.splitlines()[2:-1]]
        return lines[: len(pane) - 10] == pane[10:]

    tmux.wait_for(moved_ten, "the notes to scroll ten lines")
