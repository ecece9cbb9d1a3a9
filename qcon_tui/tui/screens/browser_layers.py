"""Two layers of the browser screen, each a concern of its own.

`YourLayer`: your stars, notes and read marks, changed in a worker (the store locks
and fsyncs) and shown in the tree and the pane. `LiveNotes`: the notes file opened in
your editor, and the files polled from a worker, so a changed notes file reloads and
a state file another process wrote is read again, without blocking the UI thread.
"""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

from textual import on, work
from textual.worker import get_current_worker

from ...model import Day, Talk
from ...paths import OWN_COPY_HINT, copy_bundled, is_bundled, is_own_copy, own_copy, shown_path
from ..messages import NotesReloadFailed, StateChanged
from ..personal import Change, apply_change, mark_read, save_annotation, toggle_star
from ..reload import NotesWatcher, poll, run_editor
from ..session import Item
from .browser_base import BrowserBase


class YourLayer(BrowserBase):
    """Stars (`s`), your notes (`a`) and read marks, kept in the state file of the notes."""

    @work(thread=True, group="state", exit_on_error=False)
    def change_state(self, change: Change) -> None:
        """Make one change to your state, off the UI thread (it locks and fsyncs); report back."""
        self.post_message(apply_change(self._state, change))

    @on(StateChanged)
    def show_state(self, message: StateChanged) -> None:
        """Stars, notes or read marks changed: mark the tree, redraw the pane, tell what to tell."""
        self.talk_tree.marks = self._state.marks()
        self._show()
        self.refresh_bindings()
        for text in message.info:
            self.notify(text, timeout=3, markup=False)
        for text in message.warnings:
            self.notify(text, severity="warning", timeout=8, markup=False)
        if message.error:
            self.notify(message.error, title="Stars and notes", severity="error", markup=False)

    def action_toggle_star(self) -> None:
        """`s`: star the talk, or take its star away."""
        talk = self._target()
        if isinstance(talk, Talk):
            self.change_state(toggle_star(talk))

    def action_annotate(self) -> None:
        """`a`: write your own note on the talk, in a dialog prefilled with the current one."""
        talk = self._target()
        if not isinstance(talk, Talk):
            return
        from .annotate import AnnotateScreen

        # Open the store now if the first-frame worker has not yet: saving over a
        # note the dialog did not show would lose it.
        store = self._state.open()
        current = store.get(talk.id).annotation if store is not None else None
        self.app.push_screen(AnnotateScreen(talk.title, current), partial(self._save_annotation, talk))

    def _save_annotation(self, talk: Talk, text: str | None) -> None:
        """The dialog closed: store what was saved (None: closed without saving)."""
        if text is not None:
            self.change_state(save_annotation(talk, text))

    def _start_read_timer(self, item: Item | None) -> None:
        """A talk counts as read once it has been on screen for READ_DELAY seconds."""
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None
        if self.read_only or not isinstance(item, Talk) or self._state.is_read(item.id):
            return
        self._read_timer = self.set_timer(self.READ_DELAY, partial(self._mark_read, item))

    def _mark_read(self, talk: Talk) -> None:
        self._read_timer = None
        if self.selected is talk:
            self.change_state(mark_read(talk))



class LiveNotes(BrowserBase):
    """`e` edits the notes file; a timer looks for changes to it and to your state file."""

    def action_edit(self) -> None:
        """`e`: open the notes file in $VISUAL / $EDITOR at this talk, then reload it.

        The bundled notes live inside the installed package, which a reinstall
        replaces: they are never edited there, but copied to your data folder first.
        """
        path = self.notebook.source
        if not path:
            self.notify("These notes have no file to edit", severity="error")
            return
        if is_bundled(path):
            self._edit_own_copy()
        else:
            self._edit(path)

    def _edit(self, path: str) -> None:
        """Hand the terminal to the editor on `path`, at the talk on screen; then look for changes."""
        from ..editor import editor_command

        item = self._target()
        told = run_editor(self.app, editor_command(path, item.line if isinstance(item, Talk | Day) else None))
        if told is not None:
            text, severity = told
            self.notify(text, severity="error" if severity == "error" else "warning", markup=False)
        self.check_for_changes()

    def _edit_own_copy(self) -> None:
        """`e` on the bundled notes: edit your copy of them, offering to make it if there is none."""
        copy = own_copy()
        if os.path.lexists(copy):
            self._edit_copy(copy, made=False)
            return
        from .confirm import ConfirmScreen

        question = (
            "These are the bundled notes, inside the installed package: a reinstall replaces them.\n\n"
            f"Copy them to {shown_path(copy)} and edit the copy? Later runs without a PATH open it."
        )
        self.app.push_screen(ConfirmScreen(question, yes="Copy and edit", no="Cancel"), self._copy_answered)

    def _copy_answered(self, yes: bool | None) -> None:
        """The offer to copy the bundled notes was answered: on yes, copy them and edit the copy."""
        if not yes:
            self.notify("Nothing copied or edited", timeout=3)
            return
        try:
            copy, made = copy_bundled()
        except OSError as error:
            where = shown_path(own_copy())
            self.notify(
                f"Cannot copy the notes to {where}: {error.strerror or error}",
                title="Not copied",
                severity="error",
                markup=False,
            )
            return
        self._edit_copy(copy, made=made)

    def _edit_copy(self, copy: Path, *, made: bool) -> None:
        """Edit your copy of the bundled notes; the browser then shows it (and watches it) instead."""
        said = "Copied the bundled notes to" if made else "Editing your copy of the bundled notes:"
        self.notify(
            f"{said} {shown_path(copy)}\nLater runs without a PATH open it.",
            title="Your copy",
            timeout=10,
            markup=False,
        )
        # The notes on screen were read from the bundled file: the next look reads the copy.
        self._watcher = NotesWatcher(str(copy), shown=False, layout=self._layout)
        self._edit(str(copy))

    def check_for_changes(self) -> None:
        """Every POLL_INTERVAL (and after editing): look at the notes and state files, in a worker.

        One look at a time: a slow reload is not abandoned for the next tick.
        """
        if not self._polling:
            self._polling = True
            self.poll_files()

    @work(thread=True, group="poll", exit_on_error=False)
    def poll_files(self) -> None:
        """Off the UI thread: reload changed notes, re-read a changed state file; post what changed."""
        try:
            for message in poll(self._watcher, None if self.read_only else self._state):
                if not get_current_worker().is_cancelled:
                    self.post_message(message)
        finally:
            self._polling = False

    @on(NotesReloadFailed)
    def keep_last_good_notes(self, message: NotesReloadFailed) -> None:
        """The changed file cannot be read: say why, keep showing the last good notes."""
        hint = f"\n({OWN_COPY_HINT})" if is_own_copy(getattr(message.error, "path", None)) else ""
        self.notify(
            f"{message.error}\nShowing the notes as they were; fix the file to reload.{hint}",
            title="Notes not reloaded",
            severity="error",
            timeout=10,
            markup=False,
        )
