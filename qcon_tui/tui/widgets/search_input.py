"""The search box: an `Input` whose up/down keys step through the results below it."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

#: Up and down share one footer entry.
PICK_GROUP = Binding.Group("pick", compact=True)


class SearchInput(Input):
    """Type to search; up/down move the highlighted result, Enter opens it."""

    #: Shown in the footer while typing: "↑↓ pick  enter open  esc clear".
    BINDINGS = [
        Binding("down", "step(1)", "Next result", id="search.result_down", group=PICK_GROUP),
        Binding("up", "step(-1)", "Previous result", id="search.result_up", group=PICK_GROUP),
        Binding("enter", "submit", "Open", key_display="enter", id="search.open"),
        Binding("escape", "screen.clear_search", "Clear", key_display="esc", id="search.clear_box"),
    ]

    @dataclass
    class Step(Message):
        """The user asked to move the highlighted result by `delta` rows."""

        delta: int

    def check_consume_key(self, key: str, character: str | None) -> bool:
        """Every printable key is typed, except `?`: no query needs it, and it opens the help."""
        return character != "?" and super().check_consume_key(key, character)

    def action_step(self, delta: int) -> None:
        """Announce a step through the results; the screen owns the list."""
        self.post_message(self.Step(delta))
