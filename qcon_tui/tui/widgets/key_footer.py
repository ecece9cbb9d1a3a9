"""The footer of keys: Textual's `Footer`, drawn with its keys from the first frame and
rebuilt only when the keys it shows change.

Textual's footer starts empty and rebuilds all its key widgets after the next refresh
each time any binding may have changed (focus, a `check_action` answer), and the browser
refreshes its bindings often (the selection, search matches, state), so a start-up paid
for several rebuilds of ~20 widgets, and the keys showed up frames after the first. Here
the keys are composed with the footer, rebuilds are coalesced to one per refresh, and a
rebuild that would draw the same keys is skipped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.screen import Screen

#: What the footer draws, as data: one row per key shown, then the palette key.
KeysShown = tuple[tuple[object, ...], ...]


class KeyFooter(Footer):
    """The keys that work here, at the foot of the screen (see the module's docstring)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        # Ready from the start: the first compose draws the keys, not an empty line.
        self.set_reactive(Footer._bindings_ready, True)
        self._shown: KeysShown | None = None
        self._rebuild_pending = False

    def keys_shown(self) -> KeysShown:
        """Everything `Footer.compose` reads to draw the keys, for comparing two moments."""
        app = self.app
        rows: list[tuple[object, ...]] = [
            (
                binding.key,
                binding.action,
                binding.description,
                app.get_key_display(binding),
                binding.group,
                enabled,
                tooltip,
            )
            for _, binding, enabled, tooltip in self.screen.active_bindings.values()
            if binding.show
        ]
        rows.append((self.show_command_palette, app.ENABLE_COMMAND_PALETTE, app.COMMAND_PALETTE_BINDING))
        return tuple(rows)

    def compose(self) -> ComposeResult:
        self._shown = self.keys_shown()
        yield from super().compose()

    def bindings_changed(self, screen: Screen) -> None:
        """Some binding may have changed: check once after the next refresh, rebuild if drawn keys differ."""
        if self._rebuild_pending or not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild_if_changed)

    async def _rebuild_if_changed(self) -> None:
        self._rebuild_pending = False
        if self.is_attached and self.keys_shown() != self._shown:
            await self.recompose()
