"""How the browser looks in the colour modes most SSH and tmux users get: the ANSI
themes, dark and light, and no colour at all (NO_COLOR)."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from qcon_tui.tui.widgets.search_input import SearchInput
from tests.tui_helpers import make_app, settle


async def _search(pilot: Pilot[object]) -> None:
    """A search typed, its best result highlighted, the tree's cursor still shown."""
    pilot.app.query_one(SearchInput).cursor_blink = False
    await settle(pilot)
    await pilot.press("slash", *"micro")
    await settle(pilot)


@pytest.mark.parametrize("theme", ["ansi-dark", "ansi-light"])
def test_ansi_themes_searching(snap_compare, theme: str) -> None:
    assert snap_compare(make_app(theme=theme), terminal_size=(80, 24), run_before=_search)


def test_no_color_searching(snap_compare, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(theme="ansi-dark")
    assert app.no_color
    assert snap_compare(app, terminal_size=(80, 24), run_before=_search)


def test_no_color_notes_focused_at_50_columns(snap_compare, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")

    async def narrow(pilot: Pilot[object]) -> None:
        pilot.app.query_one(SearchInput).cursor_blink = False
        await settle(pilot)
        await pilot.press("j", "j")

    assert snap_compare(make_app(theme="ansi-dark"), terminal_size=(50, 20), run_before=narrow)
