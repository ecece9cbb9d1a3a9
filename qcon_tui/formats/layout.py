"""How the user says a Markdown file is laid out, when the guess is wrong: `--days h1 --talks h2`.

Kept apart from the structure step so the command line can hold a layout without
importing the Markdown parser. A layout is an argument of loading (`formats.load(path,
layout=...)`), passed from the command line to the Markdown reader, and part of the
cache key of a file read with it; front matter `days:`/`talks:` does the same per file.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The pseudo-level of a whole-line bold title: deeper than any ATX heading.
BOLD_LEVEL = 7
#: The pseudo-level of a lone title-like line, used only when nothing else marks talks.
LINE_LEVEL = 8

LAYOUT_VALUES = ("h1", "h2", "h3", "h4", "h5", "h6", "bold", "none")


@dataclass(frozen=True)
class Layout:
    """Which level holds the days and which the talks: `h1`..`h6`, `bold` or `none`; None to guess."""

    days: str | None = None
    talks: str | None = None

    def __bool__(self) -> bool:
        return self.days is not None or self.talks is not None

def layout_level(value: str | None) -> int | None:
    """The heading level a layout value names (`bold` is the bold-title level); 0 for none."""
    if value is None:
        return None
    if value == "none":
        return 0
    if value == "bold":
        return BOLD_LEVEL
    return int(value[1])

