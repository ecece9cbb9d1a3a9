"""The browser app: the tree on the left, the notes on the right, search on top.

State lives here and flows down: `selected` (the notebook, a day or a talk) and
`match_index` (the search match stepped to) decide what the tree's cursor and the
note pane show. Widgets report up with messages; the search runs in a thread worker.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.actions import SkipAction
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import var
from textual.widgets import Footer, Header, Input, OptionList, Tree
from textual.worker import get_current_worker

from ..model import Day, Notebook, Talk
from ..render import position_label
from .widgets.note_pane import NotePane, NoteView
from .widgets.results_list import ResultsList
from .widgets.search_input import SearchInput
from .widgets.talk_tree import TalkTree

if TYPE_CHECKING:
    from textual.command import Provider
    from textual.widget import Widget

    from ..search import Hit, SearchIndex
    from ..topics import Topic

#: Themes for terminals that can show 24-bit colour, and for those that cannot.
TRUECOLOR_THEME = "textual-dark"
ANSI_THEME = "ansi-dark"
#: Below this many columns the tree hides (and `b` brings it back).
NARROW_WIDTH = 70
#: How many hits a search lists.
RESULT_LIMIT = 50

Item = Notebook | Day | Talk

# Paired keys share one footer entry: "[ ] talk", "n N match".
TALK_GROUP = Binding.Group("talk", compact=True)
MATCH_GROUP = Binding.Group("match", compact=True)


def pick_theme(environ: Mapping[str, str] | None = None) -> str:
    """The theme to start with: a 24-bit one only when the terminal says it can show it.

    OpenSSH forwards `TERM` but not `COLORTERM`, and tmux often drops it, so most
    remote and multiplexed sessions get the ANSI theme, which uses the terminal's
    own palette instead of colours squeezed into 256 or 16.
    """
    environ = os.environ if environ is None else environ
    colorterm = environ.get("COLORTERM", "").strip().lower()
    return TRUECOLOR_THEME if colorterm in ("truecolor", "24bit") else ANSI_THEME


def _notes_commands() -> type[Provider]:
    """The palette provider, imported when the palette first opens rather than at start."""
    from .commands import NotesCommands

    return NotesCommands


@dataclass
class SearchDone(Message):
    """A search finished: `hits` for `query`, best first (posted from the worker thread)."""

    query: str
    hits: list[Any] = field(default_factory=list)


class QconApp(App[int]):
    """Browse a notebook: pick talks in the tree, read them, search them."""

    CSS_PATH = "app.tcss"
    TITLE = "qcon-tui"
    COMMANDS = App.COMMANDS | {_notes_commands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW_WIDTH, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (12, "-tall")]

    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        # A priority binding acts as the key arrives, so letters typed straight after
        # `/` land in the search box rather than in the widget focused before it.
        Binding("slash,ctrl+f", "focus_search", "Search", key_display="/", priority=True, id="search.focus"),
        Binding("escape", "clear_search", "Clear search", show=False, id="search.clear"),
        Binding(
            "left_square_bracket",
            "step_talk(-1)",
            "Previous talk",
            id="talk.previous",
            group=TALK_GROUP,
        ),
        Binding(
            "right_square_bracket",
            "step_talk(1)",
            "Next talk",
            id="talk.next",
            group=TALK_GROUP,
        ),
        Binding(
            "n", "step_match(1)", "Next match", id="match.next", group=Binding.Group("match", compact=True)
        ),
        Binding(
            "N",
            "step_match(-1)",
            "Previous match",
            id="match.previous",
            group=Binding.Group("match", compact=True),
        ),
        Binding("space,pagedown", "page_notes(1)", "Page the notes down", show=False, id="notes.page_down"),
        Binding("pageup", "page_notes(-1)", "Page the notes up", show=False, id="notes.page_up"),
        Binding("tab", "focus_next", "Next pane", show=False, id="focus.next"),
        Binding("shift+tab", "focus_previous", "Previous pane", show=False, id="focus.previous"),
        Binding("b", "toggle_tree", "Tree", tooltip="Show or hide the tree", id="tree.toggle"),
        Binding("t", "topics", "Topics", tooltip="Terms that recur across talks", id="topics.open"),
        Binding("question_mark", "help", "Help", key_display="?", id="help.open"),
    ]

    selected: var[Item | None] = var(None)
    """What the pane shows and the tree's cursor is on."""
    match_index: var[int | None] = var(None)
    """The search match (index into the shown talk's spans) stepped to, if any."""

    def __init__(
        self,
        notebook: Notebook,
        *,
        talk: Talk | None = None,
        search: str | None = None,
        theme: str | None = None,
    ) -> None:
        super().__init__()
        self.notebook = notebook
        self.title = notebook.title or "qcon-tui"
        self._start_talk = talk
        self._start_search = search or ""
        self._theme_request = theme
        self._index: SearchIndex | None = None
        self._index_lock = threading.Lock()
        self._hits: dict[str, Hit] = {}
        self._query = ""
        #: The topics found for a notebook (computed once, in the topics view).
        self._topics: tuple[Notebook, list[Topic]] | None = None
        #: The topic the browser is filtered by, while its query is in the search box.
        self._topic: Topic | None = None

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield SearchInput(placeholder="/ search the notes — try: facebok live", id="search")
        with Horizontal(id="body"):
            with Vertical(id="sidebar"):
                yield TalkTree(self.notebook, id="tree")
            with Vertical(id="main"):
                yield ResultsList(id="results")
                yield NotePane(self.notebook, id="notes")
        yield Footer()

    def on_mount(self) -> None:
        self._apply_theme()
        talks = self.notebook.talks
        first: Item = self._start_talk or (talks[0] if talks else self.notebook)
        self.selected = first
        self.query_one(TalkTree).focus()  # mount-time: nothing typed yet
        if self._start_search:
            search = self.query_one(SearchInput)
            search.value = self._start_search
            search.focus()

    def on_ready(self) -> None:
        """The first frame is up: build the search index now, off the UI thread."""
        self.run_worker(self._ensure_index, thread=True, group="index", exit_on_error=False)

    def _apply_theme(self) -> None:
        wanted = self._theme_request
        if wanted and wanted in self.available_themes:
            self.theme = wanted
            return
        if wanted:
            known = ", ".join(sorted(self.available_themes))
            self.notify(
                f"No theme called {wanted!r}; known themes: {known}", severity="warning", markup=False
            )
        self.theme = pick_theme()

    # ------------------------------------------------------------------ state → widgets

    def watch_selected(self, item: Item | None) -> None:
        if item is None:
            return
        self.match_index = None
        self._show()
        self.query_one(TalkTree).show_item(item)
        self.sub_title = position_label(self.notebook, item) if isinstance(item, Talk) else ""
        self.refresh_bindings()

    def watch_match_index(self) -> None:
        self._show()

    def _spans_for(self, item: Item | None) -> tuple[Any, ...]:
        if isinstance(item, Talk) and item.id in self._hits:
            return tuple(self._hits[item.id].spans)
        return ()

    def _show(self) -> None:
        """Hand the pane what to show: the selection, its matches, the current one."""
        item = self.selected
        if item is None:
            return
        spans = self._spans_for(item)
        current = self.match_index if spans and self.match_index is not None else None
        self.query_one(NotePane).view = NoteView(item, spans, current)

    @property
    def tree_visible(self) -> bool:
        """Whether the tree is showing: by default on wide screens, flipped by `b`."""
        narrow = (
            self.screen.has_class("-narrow") if self.screen.is_current else self.size.width < NARROW_WIDTH
        )
        toggled = self.query_one("#body").has_class("-tree-toggled")
        return narrow == toggled

    # ------------------------------------------------------------------ widgets → state

    @on(Tree.NodeHighlighted, "#tree")
    def follow_tree_cursor(self, event: Tree.NodeHighlighted[object]) -> None:
        """The tree's cursor moved: show what it is on (stale messages are ignored)."""
        if event.node is event.control.cursor_node and isinstance(event.node.data, Notebook | Day | Talk):
            self.selected = event.node.data

    @on(Tree.NodeSelected, "#tree")
    def read_selected_talk(self, event: Tree.NodeSelected[object]) -> None:
        """Enter on a talk moves to its notes, ready to scroll."""
        if isinstance(event.node.data, Talk):
            self.selected = event.node.data
            self.focus_now(self.query_one(NotePane))

    @on(Input.Changed, "#search")
    def search_as_you_type(self, event: Input.Changed) -> None:
        """Every keystroke starts a search; the newest one wins."""
        self._query = event.value
        if event.value.strip():
            self.run_search(event.value)
        else:
            self.workers.cancel_group(self, "search")
            self._end_search()

    @on(SearchInput.Step)
    def step_results(self, event: SearchInput.Step) -> None:
        self.query_one(ResultsList).step(event.delta)

    @on(Input.Submitted, "#search")
    def open_highlighted_result(self) -> None:
        hit = self.query_one(ResultsList).highlighted_hit()
        if hit is not None:
            self.open_hit(hit)

    @on(OptionList.OptionSelected, "#results")
    def open_selected_result(self, event: OptionList.OptionSelected) -> None:
        results = self.query_one(ResultsList)
        if 0 <= event.option_index < len(results.hits):
            self.open_hit(results.hits[event.option_index])

    # ------------------------------------------------------------------ search

    def _ensure_index(self) -> SearchIndex:
        """The search index, built on first need (thread-safe; built once)."""
        with self._index_lock:
            if self._index is None:
                from ..search import SearchIndex

                self._index = SearchIndex(self.notebook)
            return self._index

    @work(exclusive=True, group="search", thread=True, exit_on_error=False)
    def run_search(self, query: str) -> None:
        """Search in a thread; post the hits back unless a newer query took over."""
        hits = self._ensure_index().search(query, limit=RESULT_LIMIT)
        if not get_current_worker().is_cancelled:
            self.post_message(SearchDone(query, list(hits)))

    @on(SearchDone)
    def show_results(self, message: SearchDone) -> None:
        """Show fresh results; results for a query that is no longer typed are dropped."""
        if message.query != self._query:
            return
        hits = self._within_topic(message.query, message.hits)
        self._hits = {hit.talk.id: hit for hit in hits}
        results = self.query_one(ResultsList)
        results.show_hits(hits, message.query)
        results.display = True
        self.query_one(TalkTree).mark_hits(set(self._hits))
        self._show()
        self.refresh_bindings()

    def _within_topic(self, query: str, hits: list[Hit]) -> list[Hit]:
        """While a topic filters the browser, only its talks, in the topic's order (strongest first).

        Its query alone also finds near misses ("monitor" finds "monitornig").
        """
        topic = self._topic if self._topic is not None and query == self._topic.query else None
        results = self.query_one(ResultsList)
        results.border_subtitle = Content(f"topic: {topic.term}") if topic is not None else None
        if topic is None:
            return hits
        order = {ref.talk.id: number for number, ref in enumerate(topic.talks)}
        return sorted((hit for hit in hits if hit.talk.id in order), key=lambda hit: order[hit.talk.id])

    def _end_search(self) -> None:
        self._hits = {}
        results = self.query_one(ResultsList)
        results.clear_options()
        results.hits = []
        results.display = False
        self.query_one(TalkTree).mark_hits(None)
        self.match_index = None
        self._show()
        self.refresh_bindings()

    def open_hit(self, hit: Hit) -> None:
        """Show the hit's talk with its matches lit, scrolled to the first one."""
        self._hits.setdefault(hit.talk.id, hit)
        self.selected = hit.talk
        self.match_index = 0
        self.focus_now(self.query_one(NotePane))

    def open_talk(self, talk: Talk) -> None:
        """Show `talk` (from the palette) and move to its notes."""
        self.selected = talk
        self.focus_now(self.query_one(NotePane))

    # ------------------------------------------------------------------ actions

    def focus_now(self, widget: Widget) -> None:
        """Move focus at once, not on the next loop turn as `Widget.focus` does.

        Keys typed right after `/` (or Enter, Esc) arrive in the same burst; they
        must land in the widget this key just moved to.
        """
        widget.screen.set_focus(widget)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Match stepping only shows while the talk on screen has matches."""
        if action == "step_match":
            return bool(self._spans_for(self.selected))
        return True

    def action_focus_search(self) -> None:
        """`/`: to the search box; typed into any text box (or over another screen) it is just a key."""
        if isinstance(self.focused, Input) or len(self.screen_stack) > 1:
            raise SkipAction()
        self.focus_now(self.query_one(SearchInput))

    def action_clear_search(self) -> None:
        """Esc: forget the search and go back to the tree; the selection stays."""
        search = self.query_one(SearchInput)
        if search.value:
            search.value = ""  # Input.Changed ends the search
        self._query = ""
        self.workers.cancel_group(self, "search")
        self._end_search()
        if self.tree_visible:
            self.focus_now(self.query_one(TalkTree))
        else:
            self.focus_now(self.query_one(NotePane))

    def action_step_talk(self, delta: int) -> None:
        """`]` / `[`: the next or previous talk, across days."""
        talks = self.notebook.talks
        if not talks:
            return
        item = self.selected
        if isinstance(item, Talk) and item in talks:
            index = talks.index(item) + delta
        elif isinstance(item, Day):
            days = self.notebook.days
            later = [t for d in days[days.index(item) :] for t in d.talks]
            earlier = [t for d in days[: days.index(item)] for t in d.talks]
            target = (later[:1] if delta > 0 else earlier[-1:]) or [talks[0] if delta > 0 else talks[-1]]
            index = talks.index(target[0])
        else:
            index = 0 if delta > 0 else len(talks) - 1
        self.selected = talks[max(0, min(len(talks) - 1, index))]

    def action_step_match(self, delta: int) -> None:
        """`n` / `N`: the next or previous match in the talk on screen, wrapping round."""
        spans = self._spans_for(self.selected)
        if not spans:
            return
        if self.match_index is None:
            self.match_index = 0 if delta > 0 else len(spans) - 1
        else:
            self.match_index = (self.match_index + delta) % len(spans)

    def action_page_notes(self, direction: int) -> None:
        pane = self.query_one(NotePane)
        if direction > 0:
            pane.scroll_page_down()
        else:
            pane.scroll_page_up()

    def action_toggle_tree(self) -> None:
        """Show or hide the tree (hidden by default below NARROW_WIDTH columns)."""
        self.query_one("#body").toggle_class("-tree-toggled")
        tree = self.query_one(TalkTree)
        if self.tree_visible:
            self.focus_now(tree)
            self.call_after_refresh(tree.reveal_cursor)
        elif tree.has_focus:
            self.focus_now(self.query_one(NotePane))

    def action_topics(self) -> None:
        """`t`: the topics view (found once per notebook); choosing one filters the browser."""
        if len(self.screen_stack) > 1:
            raise SkipAction()
        from .screens.topics import TopicsScreen

        known = self._topics
        cached = known[1] if known is not None and known[0] is self.notebook else None
        self.push_screen(TopicsScreen(self.notebook, cached), self.filter_by_topic)

    def on_topics_screen_loaded(self, message: Any) -> None:
        """The topics view found the notebook's topics: keep them for next time."""
        self._topics = (message.notebook, list(message.topics))

    def filter_by_topic(self, topic: Topic | None) -> None:
        """Show `topic`'s talks: its query goes in the search box, so Esc clears it like any search."""
        if topic is None:
            return
        self._topic = topic
        search = self.query_one(SearchInput)
        if search.value == topic.query:
            self.run_search(topic.query)  # no Input.Changed: search again to apply the topic
        else:
            search.value = topic.query
        self._query = topic.query
        if topic.talks and topic.talks[0].notebook is self.notebook:
            self.selected = topic.talks[0].talk  # its strongest talk, not whatever was on screen
        target: Widget = self.query_one(TalkTree) if self.tree_visible else self.query_one(ResultsList)
        self.focus_now(target)

    @on(Input.Changed, "#search")
    def forget_topic_when_edited(self, event: Input.Changed) -> None:
        """Editing the search box (or clearing it) ends the topic filter."""
        if self._topic is not None and event.value != self._topic.query:
            self._topic = None

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        self.push_screen(HelpScreen(self.binding_sections()))

    def binding_sections(self) -> list[tuple[str, list[Any]]]:
        """Every key of the browser, grouped by where it works (for the help screen)."""
        palette = Binding(self.COMMAND_PALETTE_BINDING, "command_palette", "Command palette", id="palette")
        quit_ = Binding("ctrl+q", "quit", "Quit", id="app.quit_ctrl")
        return [
            ("Anywhere", [*self.BINDINGS, palette, quit_]),
            ("Tree", [*Tree.BINDINGS, *TalkTree.BINDINGS]),
            ("Notes", list(NotePane.BINDINGS)),
            ("Search box", list(SearchInput.BINDINGS)),
        ]


def run_app(
    path: str | None,
    *,
    talk: str | None = None,
    search: str | None = None,
    theme: str | None = None,
    mouse: bool = True,
) -> int:
    """Load the notes at `path` (the bundled notes if None) and run the browser.

    `talk` (an id or a fuzzy title) picks the talk shown first, `search` starts
    with that query typed, `theme` overrides the automatic theme choice. Returns
    the exit code.
    """
    from .. import load
    from ..lookup import TalkNotFound, find_talk

    notebook = load(path)
    start: Talk | None = None
    if talk:
        try:
            start = find_talk(notebook, talk)
        except TalkNotFound as error:
            import sys

            print(f"qcon-tui: error: {error}", file=sys.stderr)
            return 2
    app = QconApp(notebook, talk=start, search=search, theme=theme)
    result = app.run(mouse=mouse)
    return result if isinstance(result, int) else (app.return_code or 0)
