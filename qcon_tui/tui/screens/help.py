"""The help screen: every key binding, read from the bindings themselves, and the search syntax."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..widgets.scrolling import scroll_lines
from ..widgets.talk_tree import NOTED, STAR, UNREAD


def query_help() -> str:
    """The search syntax, as the search module documents it."""
    from ...search import QUERY_HELP

    return QUERY_HELP


#: How each key is named in the help: words in lower case, arrows as arrows, ctrl spelled out.
KEY_NAMES = {
    "escape": "esc",
    "pagedown": "pgdn",
    "pageup": "pgup",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "question_mark": "?",
    "slash": "/",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
}


def key_name(key: str) -> str:
    """ "ctrl+f", "shift+←", "esc", "pgdn", "G": one key as the help names it."""
    *modifiers, last = key.strip().split("+")
    return "+".join([*modifiers, KEY_NAMES.get(last, last)])


def describe(description: str) -> str:
    """A description in sentence case ("Cursor Up" → "Cursor up"), as the browser's own are written."""
    return description[:1].upper() + description[1:].lower() if description else description


def merged(bindings: Iterable[BindingType], seen: set[str] | None = None) -> list[tuple[str, str]]:
    """(keys, description) rows: one per action, its keys together ("q ctrl+q  Quit").

    A key bound twice counts once, for its first binding (a widget's own binding comes
    before the one it overrides). An action already listed in `seen` (an earlier
    section) is left out, and the actions listed here are added to it.
    """
    seen = set() if seen is None else seen
    taken: set[str] = set()
    rows: dict[str, tuple[list[str], str]] = {}
    for binding in bindings:
        if not isinstance(binding, Binding) or not binding.description:
            continue
        action = binding.action.removeprefix("screen.").removeprefix("app.")
        keys = [key.strip() for key in binding.key.split(",") if key.strip() not in taken]
        taken.update(keys)
        if not keys or action in seen:
            continue
        names = rows.setdefault(action, ([], describe(binding.description)))[0]
        names.extend(key_name(key) for key in keys)
    seen.update(rows)
    return [(" ".join(names), description) for names, description in rows.values()]


def _section(table: Table, title: str, rows: Iterable[tuple[str, str]], first: bool) -> None:
    if not first:
        table.add_row("", "")
    table.add_row("", Text(title, style="bold underline"))
    for left, right in rows:
        table.add_row(Text(left), Text(right))


def help_table(sections: Sequence[tuple[str, Iterable[BindingType]]], syntax: str) -> Table:
    """Keys and what they do, one titled section per place they work; then the tree's marks
    and the search syntax, in the same two columns so every explanation wraps in its own."""
    table = Table.grid(padding=(0, 2))
    table.add_column(justify="right", style="bold", no_wrap=True)
    table.add_column(ratio=1)
    seen: set[str] = set()
    for number, (title, bindings) in enumerate(sections):
        _section(table, title, merged(bindings, seen), first=number == 0)
    _section(table, "Marks in the tree", MARKS, first=False)
    _section(table, "Search syntax", syntax_rows(syntax), first=False)
    return table


#: What the marks before a talk's title in the tree mean.
MARKS = [
    (STAR, "Starred (s)"),
    (UNREAD, "Not read yet: a talk counts as read once open for a moment"),
    (NOTED, "You wrote a note on it (a); a starred talk shows its star"),
    ("(2 of 7)", "A search or a filter shows 2 of the day's 7 talks"),
]


def syntax_rows(text: str) -> list[tuple[str, str]]:
    """The search syntax as (what you type, what it does) rows, from its two-column text.

    A line that starts with spaces continues the row above, so each explanation
    wraps as one phrase in the table rather than where the text broke it.
    """
    rows: list[tuple[str, str]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if line[:1].isspace() and rows:
            term, said = rows[-1]
            rows[-1] = (term, f"{said} {line.strip()}")
            continue
        term, _, said = line.strip().partition("  ")
        rows.append((term, said.strip()))
    return rows


class HelpScreen(ModalScreen[None]):
    """Lists the keys of the browser, grouped by where they work, then the search syntax."""

    CSS_PATH = "help.tcss"
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close"),
        Binding("j,down", "scroll(1)", "Scroll down", show=False, id="help.down"),
        Binding("k,up", "scroll(-1)", "Scroll up", show=False, id="help.up"),
        Binding("space,pagedown", "page(1)", "Page down", show=False, id="help.page_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="help.page_up"),
        Binding("g,home", "to_end(False)", "Top", show=False, id="help.top"),
        Binding("G,end", "to_end(True)", "Bottom", show=False, id="help.bottom"),
    ]

    def __init__(self, sections: Sequence[tuple[str, Iterable[BindingType]]]) -> None:
        super().__init__()
        self.sections = [(title, list(bindings)) for title, bindings in sections]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Keys"
            body.border_subtitle = "esc closes · j k g G scroll"
            yield Static(self.help_renderable(), id="help-text")

    def help_renderable(self) -> RenderableType:
        """The keys, what the marks in the tree mean, then the search syntax."""
        return help_table(self.sections, query_help())

    @property
    def _body(self) -> VerticalScroll:
        return self.query_one("#help-body", VerticalScroll)

    def action_scroll(self, lines: int) -> None:
        """j / k: a line, at once, so every key of a burst counts."""
        scroll_lines(self._body, lines)

    def action_page(self, direction: int) -> None:
        """Space / PgDn / PgUp: a pageful."""
        scroll_lines(self._body, direction * self._body.scrollable_content_region.height)

    def action_to_end(self, bottom: bool) -> None:
        """g / G: the top or the bottom."""
        body = self._body
        body.scroll_to(y=body.max_scroll_y if bottom else 0, animate=False, immediate=True)
