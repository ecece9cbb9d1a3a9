"""The search box: an `Input` whose up/down keys step through the results below it."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class SearchInput(Input):
    """Type to search; up/down move the highlighted result, Enter opens it."""

    BINDINGS = [
        Binding("down", "step(1)", "Next result", show=False, id="search.result_down"),
        Binding("up", "step(-1)", "Previous result", show=False, id="search.result_up"),
    ]

    @dataclass
    class Step(Message):
        """The user asked to move the highlighted result by `delta` rows."""

        delta: int

    def action_step(self, delta: int) -> None:
        """Announce a step through the results; the screen owns the list."""
        self.post_message(self.Step(delta))
