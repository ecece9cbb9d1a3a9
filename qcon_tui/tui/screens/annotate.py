"""The annotation dialog: write or edit your own note on a talk.

Dismisses with the new text when saved (ctrl+s or Save), or None when closed
without saving. Esc with unsaved changes asks first, so typing is never lost by
one stray key.
"""

from __future__ import annotations

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static, TextArea

from .confirm import ConfirmScreen


class AnnotateScreen(ModalScreen[str | None]):
    """A text area prefilled with the talk's note; Save stores it, Esc leaves it as it was."""

    CSS_PATH = "annotate.tcss"

    text_area = getters.query_one(TextArea)

    BINDINGS = [
        Binding("ctrl+s", "save", "Save note", id="annotate.save", priority=True),
        Binding("escape", "cancel", "Close", id="annotate.cancel"),
    ]

    def __init__(self, talk_title: str, text: str | None) -> None:
        super().__init__()
        self.talk_title = talk_title
        self.initial = text or ""

    def compose(self) -> ComposeResult:
        with Vertical(id="annotate-dialog") as dialog:
            dialog.border_title = Content("Your note")
            dialog.border_subtitle = Content("ctrl+s saves · esc closes")
            yield Static(Content(self.talk_title), id="annotate-talk")
            yield TextArea(self.initial, soft_wrap=True, show_line_numbers=False, id="annotate-text")
            with Horizontal(id="annotate-buttons"):
                yield Button("Cancel", id="annotate-cancel")
                yield Button("Save", variant="primary", id="annotate-save")

    def on_mount(self) -> None:
        area = self.text_area
        area.focus()
        area.move_cursor(area.document.end)

    @property
    def text(self) -> str:
        """What is in the text area now."""
        return self.text_area.text

    @property
    def changed(self) -> bool:
        """True when the text differs from what the dialog opened with."""
        return self.text != self.initial

    @on(Button.Pressed, "#annotate-save")
    def action_save(self) -> None:
        """Save: dismiss with the text (the app writes it)."""
        self.dismiss(self.text)

    @on(Button.Pressed, "#annotate-cancel")
    def action_cancel(self) -> None:
        """Close without saving; ask first if something was typed."""
        if not self.changed:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)
            else:
                self.text_area.focus()

        self.app.push_screen(
            ConfirmScreen("Discard the changes to your note?", yes="Discard", no="Keep editing"), answered
        )
