"""Markdown notes reader (placeholder until the full reader lands)."""

from __future__ import annotations

import re

from ..model import Notebook

_ATX_RE = re.compile(r"^#{1,6}\s+\S", re.MULTILINE)


def looks_like_markdown(text: str) -> bool:
    """True when text has Markdown structure: front matter or several ATX headings."""
    return text.startswith("---\n") or len(_ATX_RE.findall(text[:200_000])) >= 2


def read_markdown(text: str, path: str | None = None) -> Notebook:
    from .text import read_text_notes

    return read_text_notes(text, path)
