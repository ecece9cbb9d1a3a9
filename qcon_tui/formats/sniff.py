"""Cheap checks on a file's text that pick its reader, without importing the readers.

Kept apart from the Markdown reader so that opening a plain-text file never pays
for importing it.
"""

from __future__ import annotations

import re

_ATX_LINE_RE = re.compile(r"^ {0,3}#{1,6}[ \t]+\S")
_HR_RE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_ITEM_RE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<marker>[-*+•]|(?P<number>\d{1,9})[.)])(?:[ \t]+(?P<text>.*))?$"
)
#: A whole-line bold title. The spaces after it are taken whole (`[ \t]*+`): shared with
#: the `[ \t]*` after the optional colon, a long run of them was split every way, quadratic.
_BOLD_RE = re.compile(r"^ {0,3}(?P<d>\*\*|__)(?P<text>(?:(?!(?P=d)).)+)(?P=d)[ \t]*+(?P<colon>:?)[ \t]*$")


def looks_like_markdown(text: str) -> bool:
    """True when `text` has Markdown structure: front matter, headings or bold titles.

    Kept conservative so plain-text notes (which have none of these) stay plain text.
    """
    lines = text[:200_000].replace("\r\n", "\n").split("\n")
    if lines and lines[0].strip() == "---" and any(line.strip() in ("---", "...") for line in lines[1:100]):
        return True
    atx = bold = setext = 0
    for above, line in zip(["", *lines], lines, strict=False):
        if _ATX_LINE_RE.match(line):
            atx += 1
        elif _BOLD_RE.match(line):
            bold += 1
        elif (
            above.strip()
            and not _ITEM_RE.match(above)
            and re.match(r"^ {0,3}(?:={3,}|-{3,})[ \t]*$", line)
            and not _HR_RE.match(above)
        ):
            setext += 2 if line.strip().startswith("=") else 1
    return atx >= 2 or setext >= 2 or bold >= 3 or (atx >= 1 and bool(bold or setext))
