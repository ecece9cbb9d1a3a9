"""The app: the theme, the command palette, the read-only flag and the browser screen.

Everything the browser does lives in `screens/browser.py` (layout, keys, workers) over
a `BrowserSession` (what it knows, no Textual). The app only sets things up: the
command line hands it a resolved source and start talk, and it pushes the browser.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import App, SystemCommand

from ..library import Library, LibraryEntry
from ..model import Notebook, Talk
from .messages import IndexBuilt
from .reload import window_title
from .screens.browser import BrowserScreen
from .screens.browser_base import NARROW_WIDTH
from .themes import ANSI_DARK as ANSI_THEME
from .themes import TRUECOLOR_DARK as TRUECOLOR_THEME
from .themes import app_options, pick_theme, register_themes

__all__ = ["ANSI_THEME", "TRUECOLOR_THEME", "QconApp", "pick_theme"]

if TYPE_CHECKING:
    from textual.command import Provider
    from textual.screen import Screen

    from ..cache import Opened
    from ..formats.layout import Layout

#: Textual's palette commands that write files; read-only drops them.
WRITING_SYSTEM_COMMANDS = frozenset({"Screenshot"})


def _notes_commands() -> type[Provider]:
    """The palette provider, imported when the palette first opens rather than at start."""
    from .commands import NotesCommands

    return NotesCommands


class QconApp(App[int]):
    """Browse conference notes: a notebook, or a library of them, in the browser screen."""

    #: Textual reads a pushed screen's CSS_PATH but not the default screen's: the app
    #: reads the browser's (the file stays beside the screen it styles).
    CSS_PATH = ["themes.tcss", "screens/browser.tcss"]
    TITLE = "qcon-tui"
    COMMANDS = App.COMMANDS | {_notes_commands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW_WIDTH, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (12, "-tall")]

    def __init__(
        self,
        notebook: Notebook | Library,
        *,
        talk: Talk | None = None,
        search: str | None = None,
        theme: str | None = None,
        read_only: bool = False,
        loader: Iterable[LibraryEntry] | None = None,
        opened: Opened | Sequence[Opened] | None = None,
        on_first_frame: Callable[[], None] | None = None,
        on_index_built: Callable[[], None] | None = None,
        layout: Layout | None = None,
    ) -> None:
        """Browse `notebook`, or a library; `loader` yields the library's files still to read.

        `talk` is shown first, `search` starts typed, `theme` overrides the automatic
        choice, and `read_only` (for serving to others) writes nothing and never leaves
        to a shell or an editor. `opened` carries the cache's indexes of the notes, if any.
        `on_first_frame` is called once the first frame is on screen (the command line
        turns the garbage collector back on there); `on_index_built` each time the search
        index has been built (it freezes the long-lived index out of the collector).
        `layout` (`--days`/`--talks`) reads the notes again the same way when they change.
        """
        super().__init__(**app_options())
        register_themes(self)
        self._browser = BrowserScreen(
            notebook,
            talk=talk,
            search=search,
            read_only=read_only,
            loader=loader,
            opened=opened,
            layout=layout,
        )
        self.title = window_title(notebook)
        self._theme_request = theme
        self._on_first_frame = on_first_frame
        self._on_index_built = on_index_built
        self._choose_theme()

    @property
    def browser(self) -> BrowserScreen:
        """The browser screen (the bottom of the screen stack)."""
        return self._browser

    @property
    def read_only(self) -> bool:
        """Read-only (as served to others): no stars, notes, read marks, editing or suspending."""
        return self._browser.read_only

    async def on_event(self, event: events.Event) -> None:
        """Every key is noted first: work that can wait (writing the cache) waits while you type."""
        if isinstance(event, events.Key):
            self._browser.session.last_input = time.monotonic()
        await super().on_event(event)

    def get_default_screen(self) -> Screen:
        return self._browser

    def on_mount(self) -> None:
        self._apply_theme()

    def on_ready(self) -> None:
        """The first frame is up: whoever asked is told, and the browser starts its background work."""
        if self._on_first_frame is not None:
            self._on_first_frame()
        self._browser.start_background()

    @on(IndexBuilt)
    def _index_built(self, message: IndexBuilt) -> None:
        """The browser built its index (the message bubbles up from the screen): tell whoever asked."""
        if message.error is None and self._on_index_built is not None:
            self._on_index_built()

    def _choose_theme(self) -> None:
        """Set the theme before the first stylesheet pass, so it is not computed twice."""
        wanted = self._theme_request
        self.theme = wanted if wanted and wanted in self.available_themes else pick_theme()

    def _apply_theme(self) -> None:
        """Say so when the theme asked for does not exist (the default was used)."""
        wanted = self._theme_request
        if wanted and wanted not in self.available_themes:
            known = ", ".join(sorted(self.available_themes))
            self.notify(
                f"No theme called {wanted!r}; known themes: {known}", severity="warning", markup=False
            )

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's palette commands; read-only drops those that write files (Screenshot)."""
        for command in super().get_system_commands(screen):
            if not (self.read_only and command.title in WRITING_SYSTEM_COMMANDS):
                yield command
