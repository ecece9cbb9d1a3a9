"""Read what a real terminal shows: the cells of `tmux capture-pane -e -p`, with their colours.

`capture-pane -e` writes each line's text with the SGR sequences (`ESC [ ... m`) that
give its colours and attributes. `parse_screen` turns that into rows of `Cell`s, so
a test can ask what a user sees: which text is drawn in which colour on which
background, and which rows are bold or reversed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

#: A colour as the terminal gets it: "default", "ansi:N" (0-15), "256:N" or "rgb:R,G,B".
Colour = str
DEFAULT: Colour = "default"

_SGR = re.compile(r"\x1b\[([0-9;:]*)m")
_OTHER_ESCAPE = re.compile(r"\x1b[^\[]|\x1b\[[0-9;?]*[A-Za-ln-z]")

#: The 256-colour cube and grey ramp numbers that are the same as ANSI black and white.
_SAME_AS = {"256:16": "black", "256:0": "black", "ansi:0": "black", "rgb:0,0,0": "black"}


@dataclass(frozen=True)
class Style:
    """One cell's colours and attributes."""

    fg: Colour = DEFAULT
    bg: Colour = DEFAULT
    bold: bool = False
    dim: bool = False
    italic: bool = False
    underline: bool = False
    reverse: bool = False
    strike: bool = False

    @property
    def shown_fg(self) -> Colour:
        """The colour the glyph is drawn in (reverse swaps the two)."""
        return self.bg if self.reverse else self.fg

    @property
    def shown_bg(self) -> Colour:
        """The colour behind the glyph."""
        return self.fg if self.reverse else self.bg

    @property
    def marks(self) -> frozenset[str]:
        """The attributes that stand out without colour."""
        names = ("bold", "underline", "reverse")
        return frozenset(name for name in names if getattr(self, name))

    @property
    def coloured(self) -> bool:
        """Whether any colour other than the terminal's own default is asked for."""
        return self.fg != DEFAULT or self.bg != DEFAULT


@dataclass(frozen=True)
class Cell:
    """One character cell."""

    char: str
    style: Style = field(default_factory=Style)


#: SGR codes that switch an attribute on or off, or reset a colour.
_SWITCHES: dict[int, dict[str, object]] = {
    1: {"bold": True},
    2: {"dim": True},
    3: {"italic": True},
    4: {"underline": True},
    7: {"reverse": True},
    9: {"strike": True},
    22: {"bold": False, "dim": False},
    23: {"italic": False},
    24: {"underline": False},
    27: {"reverse": False},
    29: {"strike": False},
    39: {"fg": DEFAULT},
    49: {"bg": DEFAULT},
}


def _basic(number: int) -> Colour:
    return f"ansi:{number}"


def _apply(style: Style, params: list[int]) -> Style:
    """The style after one SGR sequence's parameters."""
    index = 0
    while index < len(params):
        code = params[index]
        index += 1
        if code == 0:
            style = Style()
        elif code in _SWITCHES:
            style = replace(style, **_SWITCHES[code])
        elif 30 <= code <= 37:
            style = replace(style, fg=_basic(code - 30))
        elif 40 <= code <= 47:
            style = replace(style, bg=_basic(code - 40))
        elif 90 <= code <= 97:
            style = replace(style, fg=_basic(code - 90 + 8))
        elif 100 <= code <= 107:
            style = replace(style, bg=_basic(code - 100 + 8))
        elif code in (38, 48) and index < len(params):
            kind = params[index]
            colour: Colour | None = None
            if kind == 5 and index + 1 < len(params):
                number = params[index + 1]
                colour = _basic(number) if number < 16 else f"256:{number}"
                index += 2
            elif kind == 2 and index + 3 < len(params):
                colour = "rgb:{},{},{}".format(*params[index + 1 : index + 4])
                index += 4
            else:
                index = len(params)
            if colour is not None:
                style = replace(style, fg=colour) if code == 38 else replace(style, bg=colour)
    return style


def parse_line(line: str, style: Style | None = None) -> tuple[list[Cell], Style]:
    """The cells of one captured line, and the style in force at its end."""
    style = style or Style()
    cells: list[Cell] = []
    position = 0
    for match in _SGR.finditer(line):
        text = _OTHER_ESCAPE.sub("", line[position : match.start()])
        cells.extend(Cell(char, style) for char in text)
        params = [int(part) if part else 0 for part in re.split("[;:]", match.group(1))] or [0]
        style = _apply(style, params)
        position = match.end()
    cells.extend(Cell(char, style) for char in _OTHER_ESCAPE.sub("", line[position:]))
    return cells, style


def parse_screen(captured: str) -> list[list[Cell]]:
    """Every line of a `capture-pane -e -p` capture as cells (tmux carries styles across lines)."""
    rows: list[list[Cell]] = []
    style = Style()
    for line in captured.split("\n"):
        cells, style = parse_line(line, style)
        rows.append(cells)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def row_text(row: list[Cell]) -> str:
    """The characters of a row."""
    return "".join(cell.char for cell in row)


def same_colour(one: Colour, other: Colour) -> bool:
    """Whether two colours are the same on the terminal (ANSI 0, 256-colour 16 and #000 are black)."""
    return one == other or (_SAME_AS.get(one, one) == _SAME_AS.get(other, other))


def invisible_text(rows: list[list[Cell]], dark: bool = True) -> Iterator[tuple[int, int, Cell]]:
    """Visible characters a user cannot see: (row, column, cell).

    Either drawn in the colour of their own background, or on the terminal's own
    background in the colour that background most likely is: black when the
    terminal is `dark`, white (or light grey) when it is light.
    """
    lost = ("ansi:0",) if dark else ("ansi:7", "ansi:15", "256:15", "256:231", "256:255", "rgb:255,255,255")
    for y, row in enumerate(rows):
        for x, cell in enumerate(row):
            if not cell.char.strip():
                continue
            fg, bg = cell.style.shown_fg, cell.style.shown_bg
            if fg == DEFAULT and bg == DEFAULT:
                continue  # the terminal's own pair, reversed or not
            if same_colour(fg, bg) or (bg == DEFAULT and any(same_colour(fg, colour) for colour in lost)):
                yield y, x, cell
