"""Two layers of the browser screen about what the tree lists.

`LibraryLoading`: a library's files, read in a thread after the first frame, join the
tree one by one (a file that cannot be read is told and skipped). `TreeListing`: which
talks the tree lists and how: a topic chosen in the topics view (`t`), all, starred or
unread talks (`f`), speakers beside the titles (`w`), schedule or file order (`o`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from textual import on, work
from textual.actions import SkipAction
from textual.content import Content
from textual.worker import get_current_worker

from ...formats import NotesError
from ...library import LibraryEntry, same_title_names
from ...words import plural
from ..messages import LibraryEntryLoaded, LibraryLoaded
from ..session import NO_TOPIC, NoTopic, TalkFilter
from .browser_search import SearchLayer

if TYPE_CHECKING:
    from textual.widget import Widget

    from ...topics import Topic
    from .topics import TopicsScreen


def loading_label(entry: LibraryEntry) -> Content:
    """ "Loaded 3/40 · qcon-2017.md": how far the loader is, and the file it read last."""
    return Content.assemble(
        f"Loaded {entry.index + 1}/{entry.total}",
        (f" · {os.path.basename(entry.path)}", "dim"),
    )


class LibraryLoading(SearchLayer):
    """A library's remaining files, read in a thread; each notebook joins the tree as it is read."""

    @work(thread=True, group="library", exit_on_error=False)
    def load_library(self, entries: Iterable[LibraryEntry]) -> None:
        """Read the library's remaining files in a thread; each is posted up as it is read."""
        worker = get_current_worker()
        error: str | None = None
        try:
            for entry in entries:
                if worker.is_cancelled:
                    return
                self.post_message(LibraryEntryLoaded(entry))
        except NotesError as problem:  # the directory itself could not be listed
            error = str(problem)
        self.post_message(LibraryLoaded(error))

    @on(LibraryEntryLoaded)
    def add_loaded_notebook(self, message: LibraryEntryLoaded) -> None:
        """A file of the library was read: its conference joins the tree (or its failure is told)."""
        entry = message.entry
        if self.session.directory is None:
            return
        select = self.session.add_entry(entry)
        self.loading_line.update(loading_label(entry))
        if entry.notebook is None:
            self._report_failure(entry.failure.label if entry.failure else entry.path)
            return
        self.talk_tree.add_notebook(entry.notebook)
        self.results_list.names = same_title_names(self.library.notebooks)
        if select is not None:
            self.selected = select
        if self.session.query.strip():
            self.run_search(self.session.query)  # the results take in the new notebook

    @on(LibraryLoaded)
    def finish_loading(self, message: LibraryLoaded) -> None:
        """Every file is read: the progress line goes and the search index is completed."""
        self.loading_line.display = False
        if message.error:
            self._report_failure(message.error)
        self.build_index()

    def _report_failure(self, text: str) -> None:
        self.notify(text, title="Skipped: cannot read", severity="warning", timeout=8, markup=False)


class TreeListing(SearchLayer):
    """Which talks the tree lists (a topic, a star or read filter) and how (speakers, order)."""

    def watch_talk_filter(self, talk_filter: TalkFilter) -> None:
        self.session.talk_filter = talk_filter

    def action_topics(self) -> None:
        """`t`: the topics view (found once for the notes browsed); choosing one filters the tree."""
        if len(self.app.screen_stack) > 1:
            raise SkipAction()
        from .topics import TopicsScreen

        source = self.session.topic_source
        screen = TopicsScreen(source, self.session.cached_topics(), active=self.topic)
        self.app.push_screen(screen, partial(self._topics_closed, screen))

    def _topics_closed(self, screen: TopicsScreen, chosen: Topic | NoTopic | None) -> None:
        """The topics view closed: keep what it found for next time; filter by the topic
        chosen, or show every talk again when "all talks" was (None: closed, no change)."""
        if screen.found is not None:
            self.session.topics = (screen.source, list(screen.found))
        if chosen is not None and (chosen == NO_TOPIC or chosen is not self.topic):
            self.filter_by_topic(None if isinstance(chosen, str) else chosen)

    def filter_by_topic(self, topic: Topic | None) -> None:
        """List only `topic`'s talks in the tree (None: every talk again).

        The talk shown stays if the topic holds it, else the topic's first talk is shown.
        The search box is left as it was: a search then looks inside the topic.
        """
        if topic is None:
            ended = self.session.clear_topic()
            self.topic = None
            if ended is not None:
                self.notify(f"Showing all talks (no longer only {ended.term})", timeout=3, markup=False)
        else:
            first = self.session.choose_topic(topic)
            self.topic = topic
            if first is not None:
                self.selected = first
            self.notify(
                f"Showing the {plural(len(topic.talks), 'talk')} on {topic.term} (esc shows all)",
                timeout=4,
                markup=False,
            )
        self._show_count(len(self.results_list.hits) if self.results_list.display else None)
        if self.session.query.strip():
            self.run_search(self.session.query)  # the results keep to the topic
        self.talk_tree.show_item(self.selected)
        target: Widget = self.talk_tree if self.tree_visible else self.note_pane
        self.focus_now(target)

    def action_cycle_filter(self) -> None:
        """`f`: list all talks, only starred ones, or only unread ones, in turn."""
        self.talk_filter = self.session.next_filter()
        count = len(self.talk_tree.listed_talks())
        if self.talk_filter == "all":
            self.notify("Showing all talks", timeout=2)
        elif count:
            self.notify(f"Showing {plural(count, f'{self.talk_filter} talk')} (f for more)", timeout=3)
        else:
            hint = " (s stars a talk)" if self.talk_filter == "starred" else ""
            self.notify(f"No {self.talk_filter} talks{hint}", severity="warning", timeout=3)

    def action_toggle_speakers(self) -> None:
        """`w`: show who gives each talk beside its title in the tree, or not."""
        self.show_speakers = not self.show_speakers

    def action_toggle_order(self) -> None:
        """`o`: list each day's talks by start time (where known), or as the file has them."""
        self.schedule_order = not self.schedule_order
        if self.schedule_order:
            self.notify("Schedule order: timed talks by start time, the rest where they are", timeout=3)
        else:
            self.notify("File order", timeout=2)
