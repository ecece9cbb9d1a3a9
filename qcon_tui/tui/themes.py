"""Colour modes: which theme the browser starts with, and ANSI themes you can read anywhere.

Three modes, from what the terminal says it can show:

- 24-bit colour (`COLORTERM=truecolor`): Textual's own dark or light theme.
- Otherwise (SSH forwards `TERM` but not `COLORTERM`; tmux often drops it): an ANSI
  theme in the terminal's own 16 colours. The cursor, the highlighted search result
  and the focused pane are marked by reverse video, bold or underline, never by
  colour alone, and no text is drawn in colour 0 (which is the background in many
  palettes). A light variant is chosen when `COLORFGBG` says the background is light.
- `NO_COLOR`: no colour at all on any `TERM`; the same attributes carry the emphasis.

Textual picks its `NO_COLOR` filter once, from the theme current when the app is
built. For any theme that is not ANSI it picks `Monochrome`, which turns every ANSI
colour (they carry no RGB value) into black, so text and background both come out
black. `app_options` therefore asks for native ANSI colour under `NO_COLOR`, which
makes Textual pick the `NoColor` filter: default colours, attributes kept.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from textual.theme import BUILTIN_THEMES, Theme

TRUECOLOR_DARK = "textual-dark"
TRUECOLOR_LIGHT = "textual-light"
ANSI_DARK = "ansi-dark"
ANSI_LIGHT = "ansi-light"

#: The attributes that mark where you are. Colour is left to the terminal's default
#: pair, so reverse video shows on every palette and with no colour at all.
_CURSOR_MARKS = {
    "block-cursor-foreground": "ansi_default",
    "block-cursor-background": "ansi_default",
    "block-cursor-text-style": "reverse bold",
    # The tree's cursor while the notes have focus: still there, plainly second.
    "block-cursor-blurred-foreground": "ansi_default",
    "block-cursor-blurred-background": "ansi_default",
    "block-cursor-blurred-text-style": "bold underline",
    "input-cursor-foreground": "ansi_default",
    "input-cursor-background": "ansi_default",
    "input-cursor-text-style": "reverse",
    # No black slabs on a light terminal, no black-on-black on a dark one.
    "scrollbar-background": "ansi_default",
    "scrollbar-background-hover": "ansi_default",
    "scrollbar-background-active": "ansi_default",
    "scrollbar-corner-color": "ansi_default",
}

#: Colour 0 (black) and colour 7 or 15 (white) vanish into one background or the other:
#: the dark theme draws nothing in black, the light one nothing in white.
_DARK_COLOURS = {
    **_CURSOR_MARKS,
    "border-blurred": "ansi_bright_black",
    "scrollbar": "ansi_bright_black",
    "scrollbar-hover": "ansi_blue",
    "scrollbar-active": "ansi_bright_blue",
    "input-selection-foreground": "ansi_default",
    "input-selection-background": "ansi_blue",
    "screen-selection-foreground": "ansi_default",
    "screen-selection-background": "ansi_blue",
}
_LIGHT_COLOURS = {
    **_CURSOR_MARKS,
    "border-blurred": "ansi_bright_black",
    "scrollbar": "ansi_bright_black",
    "scrollbar-hover": "ansi_blue",
    "scrollbar-active": "ansi_blue",
    "input-selection-foreground": "ansi_default",
    "input-selection-background": "ansi_cyan",
    "screen-selection-foreground": "ansi_default",
    "screen-selection-background": "ansi_cyan",
}


def _ansi_theme(name: str, variables: Mapping[str, str]) -> Theme:
    """Textual's ANSI theme `name`, with the marks and colours above."""
    base = BUILTIN_THEMES[name]
    return replace(base, variables={**base.variables, **variables})


#: The ANSI themes, under Textual's names so `--theme ansi-light` and the palette find them.
ANSI_THEMES: tuple[Theme, ...] = (
    _ansi_theme(ANSI_DARK, _DARK_COLOURS),
    _ansi_theme(ANSI_LIGHT, _LIGHT_COLOURS),
)


def no_color(environ: Mapping[str, str] | None = None) -> bool:
    """Whether `NO_COLOR` is set (as Textual reads it: present, whatever its value)."""
    environ = os.environ if environ is None else environ
    return "NO_COLOR" in environ


def light_background(environ: Mapping[str, str] | None = None) -> bool | None:
    """What `COLORFGBG` ("15;0": white on black) says of the background: light, dark, or None if unset.

    As vim reads it: background colours 0-6 and 8 are dark, the others light.
    """
    environ = os.environ if environ is None else environ
    value = environ.get("COLORFGBG", "")
    last = value.rsplit(";", 1)[-1].strip()
    if not last.isdigit():
        return None
    return int(last) not in (0, 1, 2, 3, 4, 5, 6, 8)


def truecolor(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the terminal says it shows 24-bit colour (`COLORTERM`)."""
    environ = os.environ if environ is None else environ
    return environ.get("COLORTERM", "").strip().lower() in ("truecolor", "24bit")


def pick_theme(environ: Mapping[str, str] | None = None) -> str:
    """The theme to start with when none is asked for.

    24-bit colour only when the terminal says so, otherwise ANSI; under `NO_COLOR`
    always ANSI (its marks do not depend on colour); light when `COLORFGBG` says
    the background is light.
    """
    environ = os.environ if environ is None else environ
    light = bool(light_background(environ))
    if truecolor(environ) and not no_color(environ):
        return TRUECOLOR_LIGHT if light else TRUECOLOR_DARK
    return ANSI_LIGHT if light else ANSI_DARK


def app_options(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Keyword arguments for `App.__init__`: native ANSI colour under `NO_COLOR` (see above)."""
    return {"ansi_color": True} if no_color(environ) else {}


def register_themes(app: Any) -> None:
    """Put the readable ANSI themes in place of Textual's, under the same names."""
    for theme in ANSI_THEMES:
        app.register_theme(theme)
