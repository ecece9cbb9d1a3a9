"""Scrolling that keeps up with key repeat: every key of a burst moves the view."""

from __future__ import annotations

from textual.widget import Widget


def scroll_lines(widget: Widget, lines: int) -> None:
    """Scroll `widget` by `lines` from where its last scroll was headed, at once.

    Textual's `scroll_down` adds one to a target it only updates after the next
    refresh, so ten keys read in one loop turn (key repeat over SSH) would scroll
    one line.
    """
    widget.scroll_to(y=widget.scroll_target_y + lines, animate=False, immediate=True)
