"""The floor for start-up: a bare Textual app with a Tree, a Static and an Input.

It shows the same first talk title that qcon-tui shows, so the start-up benchmark
can wait for the same text on both.
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.widgets import Input, Static, Tree


class BareApp(App[None]):
    """Tree on the left, a Static and an Input on the right; nothing else."""

    BINDINGS = [("q", "quit", "Quit")]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.first_title = title

    def compose(self) -> ComposeResult:
        tree: Tree[None] = Tree("notes")
        tree.root.expand()
        tree.root.add_leaf(self.first_title)
        yield tree
        yield Static(self.first_title)
        yield Input(placeholder="search")


if __name__ == "__main__":
    BareApp(sys.argv[1] if len(sys.argv) > 1 else "Security War Stories").run()
