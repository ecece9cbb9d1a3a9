"""Snapshot fixtures: nothing may change on a timer while a picture is taken."""

from __future__ import annotations

import pytest

from qcon_tui.tui.screens.browser import BrowserScreen


@pytest.fixture(autouse=True)
def no_read_marks_on_a_timer(monkeypatch: pytest.MonkeyPatch) -> None:
    """A talk on screen counts as read after a moment; in a snapshot, never (same picture every run)."""
    monkeypatch.setattr(BrowserScreen, "READ_DELAY", 3600.0)
