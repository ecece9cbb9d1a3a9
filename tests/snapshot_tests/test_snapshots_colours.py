"""How the browser looks in the colour modes most SSH and tmux users get: the ANSI
themes, dark and light, and no colour at all (NO_COLOR)."""

from __future__ import annotations

import pytest
import rich.console
from textual.color import Color
from textual.pilot import Pilot

from qcon_tui.tui.app import QconApp
from qcon_tui.tui.widgets.search_input import SearchInput
from tests.tui_helpers import make_app, settle


async def _search(pilot: Pilot[object]) -> None:
    """A search typed, its best result highlighted, the tree's cursor still shown."""
    pilot.app.query_one(SearchInput).cursor_blink = False
    await settle(pilot)
    await pilot.press("slash", *"micro")
    await settle(pilot)


def drawn_on_a_light_terminal(app: QconApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """Export the screenshot on the light terminal palette Textual uses for a light theme.

    An ANSI theme leaves the background and the text in the terminal's default
    colours, and `export_screenshot` draws those with Rich's SVG export palette, which
    is dark: a light theme's snapshot would show a dark terminal. Rich's export falls
    back to that module-level palette when given none, so it is swapped for the
    palette Textual itself maps ANSI colours with under a light theme (`ansi_theme`).
    """
    palette = app.ansi_theme
    assert Color(*palette.background_color).brightness > 0.5
    monkeypatch.setattr(rich.console, "SVG_EXPORT_THEME", palette)


@pytest.mark.parametrize("theme", ["ansi-dark", "ansi-light"])
def test_ansi_themes_searching(snap_compare, theme: str, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(theme=theme)
    if theme == "ansi-light":
        drawn_on_a_light_terminal(app, monkeypatch)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_search)


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
