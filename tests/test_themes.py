"""The colour modes: which theme the terminal's environment picks, and what the ANSI themes mark."""

from __future__ import annotations

import pytest

from qcon_tui.tui import themes


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "ansi-dark"),
        ({"TERM": "xterm-256color"}, "ansi-dark"),
        ({"COLORTERM": "truecolor"}, "textual-dark"),
        ({"COLORTERM": "24bit"}, "textual-dark"),
        ({"COLORTERM": "truecolor", "COLORFGBG": "0;15"}, "textual-light"),
        ({"COLORFGBG": "0;15"}, "ansi-light"),
        ({"COLORFGBG": "15;0"}, "ansi-dark"),
        ({"COLORFGBG": "0;default;15"}, "ansi-light"),  # rxvt's three fields
        ({"COLORFGBG": "7;8"}, "ansi-dark"),  # 8, bright black, is dark
        ({"COLORFGBG": "garbage"}, "ansi-dark"),
        # NO_COLOR: the ANSI theme, whose marks need no colour, even on a 24-bit terminal.
        ({"COLORTERM": "truecolor", "NO_COLOR": "1"}, "ansi-dark"),
        ({"NO_COLOR": "", "COLORFGBG": "0;15"}, "ansi-light"),
    ],
)
def test_the_environment_picks_the_theme(environ: dict[str, str], expected: str) -> None:
    assert themes.pick_theme(environ) == expected


def test_light_background_is_none_when_the_terminal_does_not_say() -> None:
    assert themes.light_background({}) is None
    assert themes.light_background({"COLORFGBG": "0;15"}) is True
    assert themes.light_background({"COLORFGBG": "15;0"}) is False


def test_no_color_asks_textual_for_its_colourless_filter() -> None:
    """Native ANSI colour makes Textual strip colours (NoColor), not turn them black (Monochrome)."""
    assert themes.app_options({"NO_COLOR": "1"}) == {"ansi_color": True}
    assert themes.app_options({}) == {}


@pytest.mark.parametrize("theme", themes.ANSI_THEMES, ids=lambda theme: theme.name)
def test_ansi_themes_mark_the_cursor_by_attributes_on_the_default_colours(theme: object) -> None:
    variables = theme.to_color_system().generate()  # type: ignore[attr-defined]
    assert theme.ansi  # type: ignore[attr-defined]
    assert {"reverse", "bold"} <= set(variables["block-cursor-text-style"].split())
    assert "underline" in variables["block-cursor-blurred-text-style"].split()
    assert "reverse" in variables["input-cursor-text-style"].split()
    for name in ("block-cursor", "block-cursor-blurred", "input-cursor"):
        assert variables[f"{name}-foreground"] == variables[f"{name}-background"] == "ansi_default"
    # No black slab behind a scrollbar, on a light terminal or a dark one.
    assert variables["scrollbar-background"] == "ansi_default"


def test_the_ansi_themes_replace_textuals_under_the_same_names() -> None:
    from textual.app import App

    app: App[None] = App()
    themes.register_themes(app)
    for theme in themes.ANSI_THEMES:
        assert app.get_theme(theme.name) is theme


async def test_no_color_strips_colours_rather_than_blackening_them(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.filter import Monochrome, NoColor

    from qcon_tui.tui.app import QconApp
    from tests.tui_helpers import notebook

    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLORTERM", "truecolor")
    app = QconApp(notebook())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        filters = app.get_line_filters()
        assert any(isinstance(line_filter, NoColor) for line_filter in filters)
        assert not any(isinstance(line_filter, Monochrome) for line_filter in filters)
        assert app.theme == "ansi-dark"


async def test_a_light_terminal_gets_the_light_ansi_theme(monkeypatch: pytest.MonkeyPatch) -> None:
    from qcon_tui.tui.app import QconApp
    from tests.tui_helpers import notebook

    monkeypatch.delenv("COLORTERM", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("COLORFGBG", "0;15")
    app = QconApp(notebook())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "ansi-light"
        assert not app.current_theme.dark
