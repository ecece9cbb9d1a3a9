"""Shared fixtures. Every test gets its own state folder, never the user's."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def fifty_megabyte_notes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A 50 MB plain-text notes file of days of 1,000 talks each, written once per test session.

    Returns the path and the number of days it holds.
    """
    talk = "A Talk About Things {n}\n\nsome notes about the talk, with a few words.\n  • a bullet\n\n"
    chunk = "".join(talk.format(n=n) for n in range(1000))
    path = tmp_path_factory.mktemp("big") / "big.txt"
    days = 0
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Big Notes\n\n")
        while handle.tell() < 50 * 1024 * 1024:
            days += 1
            handle.write(f"day {days}\n\n{chunk}")
    return path, days


@pytest.fixture(autouse=True)
def isolated_state(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point QCON_TUI_STATE_DIR and XDG_DATA_HOME at a fresh temporary folder, and unset colour hints.

    Subprocesses inherit the environment, so commands run by a test write there too.
    """
    root = tmp_path_factory.mktemp("user-data")
    monkeypatch.setenv("XDG_DATA_HOME", str(root / "xdg-data"))
    monkeypatch.setenv("QCON_TUI_STATE_DIR", str(root / "state"))
    # The terminal running the tests must not choose the theme or the colours.
    for name in ("NO_COLOR", "COLORFGBG"):
        monkeypatch.delenv(name, raising=False)
    # The first-run hint has been seen (its own test removes the marker).
    seen = root / "xdg-data" / "qcon-tui" / "seen"
    seen.mkdir(parents=True)
    (seen / "marks-hint").touch()
    return root / "state"


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point QCON_TUI_CACHE_DIR and XDG_CACHE_HOME at a fresh folder: no test reads the user's cache."""
    root = tmp_path_factory.mktemp("user-cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(root / "xdg-cache"))
    monkeypatch.setenv("QCON_TUI_CACHE_DIR", str(root / "parsed"))
    monkeypatch.delenv("QCON_TUI_NO_CACHE", raising=False)
    return root / "parsed"


@pytest.fixture(autouse=True)
def no_read_marks_on_a_timer(monkeypatch: pytest.MonkeyPatch) -> None:
    """A talk on screen counts as read after a moment; in tests, only when a test asks.

    On a loaded machine "a moment" passes between two keys, which made tests that never
    meant to mark anything read see a talk lose its unread mark. A test about read marks
    sets its own delay or drives the timers. The browser module is patched only once a
    test has imported it, so plain tests never load Textual.
    """
    browser = sys.modules.get("qcon_tui.tui.screens.browser")
    if browser is not None:
        monkeypatch.setattr(browser.BrowserScreen, "READ_DELAY", 3600.0)
