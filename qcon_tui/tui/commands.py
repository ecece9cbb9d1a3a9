"""The command palette's commands: jump to a talk by fuzzy title, topics, toggle the tree, switch theme."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

if TYPE_CHECKING:
    from .app import QconApp


def highlight(candidate: str, query: str, style: str = "bold underline") -> Content:
    """`candidate` as plain content (never markup) with the query's letters lit in order."""
    content = Content(candidate)
    folded = candidate.casefold()
    position = 0
    for char in query.casefold():
        if char.isspace():
            continue
        found = folded.find(char, position)
        if found < 0:
            break
        content = content.stylize(style, found, found + 1)
        position = found + 1
    return content


class NotesCommands(Provider):
    """Every talk ("Open: <title>"), plus the browser's own commands."""

    @property
    def qcon(self) -> QconApp:
        return cast("QconApp", self.app)

    def _commands(self) -> Iterator[tuple[str, Callable[[], object], str]]:
        app = self.qcon
        browser = app.browser
        for notebook, day, talk in browser.library.talks():  # every notebook of a library
            where = " › ".join(t for t in (notebook.title if browser.in_library else "", day.title) if t)
            yield f"Open: {talk.title}", partial(browser.open_talk, talk), where
        yield "Topics", browser.action_topics, "Terms that recur across talks; choose one to filter by it"
        yield "Toggle the talk tree", browser.action_toggle_tree, "Show or hide the day/talk tree"
        yield "Switch theme…", app.action_change_theme, f"Now: {app.theme}"
        for name in sorted(app.available_themes):
            if name != "textual-ansi":
                yield f"Theme: {name}", partial(setattr, app, "theme", name), "Use this colour theme"

    async def discover(self) -> Hits:
        """The talks and browser commands, shown before anything is typed."""
        for text, callback, help_text in self._commands():
            if text.startswith("Theme: "):
                continue
            yield DiscoveryHit(Content(text), callback, text=text, help=escape(help_text))

    async def search(self, query: str) -> Hits:
        """Talks and commands whose names fuzzily match `query`, best first."""
        matcher = self.matcher(query)
        for text, callback, help_text in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, highlight(text, query), callback, text=text, help=escape(help_text))
