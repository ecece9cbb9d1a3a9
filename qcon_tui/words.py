"""Small helpers for the words the program prints: counts with their nouns."""

from __future__ import annotations

__all__ = ["plural"]


def plural(count: int, noun: str) -> str:
    """ "1 talk", "3 talks": `count` and `noun`, with an s unless the count is one."""
    return f"{count} {noun}{'s' if count != 1 else ''}"
