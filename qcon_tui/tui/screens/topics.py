"""The topics view: terms that recur across talks, most talks first, and the talks under each.

The topics list is on the left (or on top, when narrow), each topic with how many
talks hold it; the highlighted topic's talks are beside it, and in a library they
are grouped under their conference. Enter chooses a topic (the screen is dismissed
with it, and the browser's tree lists only its talks); while a topic filters the
tree, the list starts with "all talks", which ends the filter. Esc closes without
choosing. Finding the topics takes seconds for a big library, so it runs in a
thread while a loading indicator shows; `found` holds the result, which the
browser keeps for next time.
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

from ...library import Library, same_title_names
from ...model import Notebook
from ...words import plural
from ..session import NO_TOPIC

if TYPE_CHECKING:
    from ...topics import TalkRef, Topic
    from ..session import NoTopic

#: How many topics the view lists.
TOPIC_LIMIT = 30


def topic_prompt(topic: Topic, count_width: int) -> Text:
    """One row of the list: the number of talks (right-aligned, dim), then the term."""
    label = Text(f"{len(topic.talks):>{count_width}} ", style="dim", no_wrap=True, overflow="ellipsis")
    label.append(topic.term)
    return label


def topic_talks(topic: Topic, names: dict[int, str] | None = None) -> Text:
    """The topic's talks, strongest first: a bullet, the title, then its day (dim).

    With `names` (a library: id(notebook) → file name for notebooks that share a
    title) the talks are grouped under their conference, in the library's order.
    """
    heading = Text(topic.term, style="bold")
    heading.append(f"  {plural(len(topic.talks), 'talk')}", style="dim")
    lines = [heading]
    if names is None:
        lines.append(Text(""))
        lines += [_talk_line(ref) for ref in topic.talks]
        return Text("\n").join(lines)
    groups: dict[int, list[TalkRef]] = {}
    for ref in topic.talks:
        groups.setdefault(id(ref.notebook), []).append(ref)
    for refs in groups.values():
        notebook = refs[0].notebook
        conference = Text(notebook.title or "untitled notes", style="bold")
        if name := names.get(id(notebook)):
            conference.append(f" · {name}", style="dim")
        conference.append(f"  {len(refs)}", style="dim")
        lines += [Text(""), conference, *(_talk_line(ref) for ref in refs)]
    return Text("\n").join(lines)


def _talk_line(ref: TalkRef) -> Text:
    line = Text()
    line.append("• ", style="dim")
    line.append(ref.talk.title)
    if ref.day.title:
        line.append(f"  {ref.day.title}", style="dim")
    return line


class TopicsScreen(ModalScreen["Topic | NoTopic | None"]):
    """Lists the topics of a notebook or library; dismissed with the chosen topic, with
    `NO_TOPIC` when "all talks" was chosen, or with None when closed."""

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
        """The topics of `source` were found (posted from the worker thread)."""

        source: Notebook | Library
        topics: list[Topic]

    def __init__(
        self,
        source: Notebook | Library,
        topics: Sequence[Topic] | None = None,
        *,
        active: Topic | None = None,
    ) -> None:
        """`topics`: already found for `source` (shown at once), or None to find them;
        `active`: the topic filtering the tree now, if any (the list starts on it)."""
        super().__init__()
        self.source = source
        self.topics: list[Topic] = list(topics) if topics is not None else []
        self.active = active
        self._loaded = topics is not None
        #: In a library: file names that tell apart notebooks of the same title (else None).
        self.names = same_title_names(source.notebooks) if isinstance(source, Library) else None

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

        self.post_message(self.Loaded(self.source, topics(self.source, limit=TOPIC_LIMIT)))

    @on(Loaded)
    def show_loaded_topics(self, message: Loaded) -> None:
        """Fill the list with the topics the worker found."""
        if message.source is self.source:
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
        if self.active is not None:
            options.add_option(Option(Text("all talks (no topic)", style="italic"), id=NO_TOPIC))
        options.add_options(
            [Option(topic_prompt(topic, width), id=f"topic-{n}") for n, topic in enumerate(self.topics)]
        )
        start = self._index_of(self.active)
        options.highlighted = start if start is not None else 0
        options.focus()

    def _index_of(self, topic: Topic | None) -> int | None:
        """The option that shows `topic` (the same term, if found again), if any."""
        if topic is None:
            return None
        for option_index in range(self.topic_list.option_count):
            option_id = self.topic_list.get_option_at_index(option_index).id or ""
            if option_id.startswith("topic-") and self.topics[int(option_id[6:])].term == topic.term:
                return option_index
        return None

    @property
    def found(self) -> list[Topic] | None:
        """The notebook's topics once they are found (None while they are being looked for)."""
        return self.topics if self._loaded else None

    def highlighted_topic(self) -> Topic | None:
        """The topic under the list's cursor, if any ("all talks" is none)."""
        index = self.topic_list.highlighted
        if index is None:
            return None
        return self._topic_at(index)

    def _topic_at(self, option_index: int) -> Topic | None:
        options = self.topic_list
        if not (0 <= option_index < options.option_count):
            return None
        option_id = options.get_option_at_index(option_index).id or ""
        return self.topics[int(option_id[6:])] if option_id.startswith("topic-") else None

    @on(OptionList.OptionHighlighted, "#topics-list")
    def show_highlighted_talks(self, event: OptionList.OptionHighlighted) -> None:
        """The cursor moved: list the talks of the topic it is on."""
        topic = self.highlighted_topic()
        text = self.talks_text
        if topic is not None:
            text.update(topic_talks(topic, self.names))
        elif self.active is not None:
            text.update(Text(f"Every talk, as before {self.active.term} was chosen.", style="italic"))
        else:
            text.update("")
        self.talks_scroll.scroll_home(animate=False)

    @on(OptionList.OptionSelected, "#topics-list")
    def choose_topic(self, event: OptionList.OptionSelected) -> None:
        """Enter (or a click) on a topic: close, handing the topic back ("all talks": `NO_TOPIC`)."""
        chosen: Topic | NoTopic | None = (
            NO_TOPIC if event.option.id == NO_TOPIC else self._topic_at(event.option_index)
        )
        if chosen is not None:
            self.dismiss(chosen)

    def action_cursor(self, direction: str) -> None:
        """`j` / `k`: move the list's cursor, as the arrow keys do."""
        options = self.topic_list
        if direction == "down":
            options.action_cursor_down()
        else:
            options.action_cursor_up()
