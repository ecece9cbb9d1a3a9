"""The topics view: terms that recur across talks, best first, and the talks under each.

The topics list is on the left (or on top, when narrow); the highlighted topic's
talks are beside it. Enter chooses a topic (the screen is dismissed with it, and
the browser filters by it); Esc closes without choosing. Finding the topics takes
about a second for a big notebook, so it runs in a thread while a loading
indicator shows; `found` holds the result, which the browser keeps for next time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from ...model import Notebook
from ...words import plural

if TYPE_CHECKING:
    from ...topics import Topic

#: How many topics the view lists.
TOPIC_LIMIT = 30


def topic_prompt(topic: Topic, count_width: int) -> Text:
    """One row of the list: the number of talks (right-aligned, dim), then the term."""
    label = Text(f"{len(topic.talks):>{count_width}} ", style="dim", no_wrap=True, overflow="ellipsis")
    label.append(topic.term)
    return label


def topic_talks(topic: Topic) -> Text:
    """The topic's talks, strongest first: a bullet, the title, then its day (dim)."""
    heading = Text(topic.term, style="bold")
    heading.append(f"  {plural(len(topic.talks), 'talk')}", style="dim")
    lines = [heading, Text("")]
    for ref in topic.talks:
        line = Text()
        line.append("• ", style="dim")
        line.append(ref.talk.title)
        if ref.day.title:
            line.append(f"  {ref.day.title}", style="dim")
        lines.append(line)
    return Text("\n").join(lines)


class TopicsScreen(ModalScreen["Topic | None"]):
    """Lists the topics of a notebook; dismissed with the chosen topic, or None."""

    CSS_PATH = "topics.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (64, "-wide")]

    BINDINGS = [
        Binding("escape,q,t", "dismiss(None)", "Close topics", id="topics.close"),
        Binding("j", "cursor('down')", "Next topic", show=False, id="topics.down"),
        Binding("k", "cursor('up')", "Previous topic", show=False, id="topics.up"),
    ]

    topic_list = getters.query_one("#topics-list", OptionList)
    talks_text = getters.query_one("#topics-talks-text", Static)
    talks_scroll = getters.query_one("#topics-talks", VerticalScroll)

    @dataclass
    class Loaded(Message):
        """The topics of `notebook` were found (posted from the worker thread)."""

        notebook: Notebook
        topics: list[Topic]

    def __init__(self, notebook: Notebook, topics: Sequence[Topic] | None = None) -> None:
        """`topics`: already found for `notebook` (shown at once), or None to find them."""
        super().__init__()
        self.notebook = notebook
        self.topics: list[Topic] = list(topics) if topics is not None else []
        self._loaded = topics is not None

    def compose(self) -> ComposeResult:
        with Horizontal(id="topics-body") as body:
            body.border_title = "Topics"
            body.border_subtitle = "enter filters · esc closes"
            yield OptionList(id="topics-list")
            with VerticalScroll(id="topics-talks", can_focus=False):
                yield Static(id="topics-talks-text")

    def on_mount(self) -> None:
        if self._loaded:
            self._show_topics()
        else:
            self.topic_list.loading = True
            self.find_topics()

    @work(thread=True, exit_on_error=False, group="topics")
    def find_topics(self) -> None:
        """Find the topics off the UI thread; the list fills in when `Loaded` arrives."""
        from ...topics import topics

        self.post_message(self.Loaded(self.notebook, topics(self.notebook, limit=TOPIC_LIMIT)))

    @on(Loaded)
    def show_loaded_topics(self, message: Loaded) -> None:
        """Fill the list with the topics the worker found."""
        if message.notebook is self.notebook:
            self.topics = list(message.topics)
            self._loaded = True
            self._show_topics()

    @on(Worker.StateChanged)
    def report_failure(self, event: Worker.StateChanged) -> None:
        """Finding the topics failed: say why and close, rather than spin for ever."""
        if event.worker.group == "topics" and event.state is WorkerState.ERROR:
            self.notify(f"Could not find topics: {event.worker.error}", severity="error", markup=False)
            self.dismiss(None)

    def _show_topics(self) -> None:
        options = self.topic_list
        options.loading = False
        options.clear_options()
        if not self.topics:
            options.add_option(Option(Text("no term recurs across two talks", style="italic"), disabled=True))
            self.talks_text.update("")
            options.focus()
            return
        width = len(str(max(len(topic.talks) for topic in self.topics)))
        options.add_options([Option(topic_prompt(topic, width)) for topic in self.topics])
        options.highlighted = 0
        options.focus()

    @property
    def found(self) -> list[Topic] | None:
        """The notebook's topics once they are found (None while they are being looked for)."""
        return self.topics if self._loaded else None

    def highlighted_topic(self) -> Topic | None:
        """The topic under the list's cursor, if any."""
        index = self.topic_list.highlighted
        if index is None or not (0 <= index < len(self.topics)):
            return None
        return self.topics[index]

    @on(OptionList.OptionHighlighted, "#topics-list")
    def show_highlighted_talks(self, event: OptionList.OptionHighlighted) -> None:
        """The cursor moved: list the talks of the topic it is on."""
        topic = self.highlighted_topic()
        text = self.talks_text
        text.update(topic_talks(topic) if topic is not None else "")
        self.talks_scroll.scroll_home(animate=False)

    @on(OptionList.OptionSelected, "#topics-list")
    def choose_topic(self, event: OptionList.OptionSelected) -> None:
        """Enter (or a click) on a topic: close, handing the topic back."""
        if 0 <= event.option_index < len(self.topics):
            self.dismiss(self.topics[event.option_index])

    def action_cursor(self, direction: str) -> None:
        """`j` / `k`: move the list's cursor, as the arrow keys do."""
        options = self.topic_list
        if direction == "down":
            options.action_cursor_down()
        else:
            options.action_cursor_up()
