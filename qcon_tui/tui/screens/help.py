"""The help screen: every key binding, read from the bindings themselves, and the search syntax."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def query_help() -> str:
    """The search syntax, as the search module documents it."""
    from ...search import QUERY_HELP

    return QUERY_HELP


def _bindings(bindings: Iterable[BindingType]) -> list[Binding]:
    """Only full `Binding`s with a description: tuples and silent keys are skipped."""
    return [b for b in bindings if isinstance(b, Binding) and b.description]


def bindings_table(
    sections: Sequence[tuple[str, Iterable[BindingType]]], key_display: Callable[[Binding], str]
) -> RenderableType:
    """A table of keys and what they do, one titled section per place they work."""
    table = Table.grid(padding=(0, 2))
    table.add_column(justify="right", style="bold", no_wrap=True)
    table.add_column(ratio=1)
    for number, (title, bindings) in enumerate(sections):
        if number:
            table.add_row("", "")
        table.add_row("", Text(title, style="bold underline"))
        for binding in _bindings(bindings):
            keys = " ".join(
                key_display(Binding(key.strip(), binding.action)) for key in binding.key.split(",")
            )
            table.add_row(Text(keys), Text(binding.description))
    return table


class HelpScreen(ModalScreen[None]):
    """Lists the keys of the browser, grouped by where they work, then the search syntax."""

    CSS_PATH = "help.tcss"
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close"),
        Binding("j,down", "scroll('down')", "Scroll down", show=False, id="help.down"),
        Binding("k,up", "scroll('up')", "Scroll up", show=False, id="help.up"),
    ]

    def __init__(self, sections: Sequence[tuple[str, Iterable[BindingType]]]) -> None:
        super().__init__()
        self.sections = [(title, list(bindings)) for title, bindings in sections]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Keys"
            body.border_subtitle = "esc closes"
            yield Static(self.help_renderable(), id="help-text")

    def help_renderable(self) -> RenderableType:
        """The bindings table followed by the search syntax."""
        table = bindings_table(self.sections, self.app.get_key_display)
        syntax = Text("Search syntax", style="bold underline")
        return Group(table, Text(""), syntax, Text(query_help()))

    def action_scroll(self, direction: str) -> None:
        """Scroll the help text a line."""
        body = self.query_one("#help-body", VerticalScroll)
        if direction == "down":
            body.scroll_down()
        else:
            body.scroll_up()
