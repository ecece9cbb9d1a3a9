"""Your own layer over a notes file: stars, private notes, read marks.

State is kept per notes file, in one JSON file under the user's data folder
(`platformdirs.user_data_dir("qcon-tui")/state`, so `XDG_DATA_HOME` is honoured;
`QCON_TUI_STATE_DIR` overrides the folder), and keyed by talk id. Ids are title
slugs, so state follows its talk when other talks are added, removed or
reordered; a renamed talk is found again by fuzzy title in `reconcile`.

Safety: every change takes an exclusive `flock` on a sibling lock file,
re-reads the file, applies that one change and writes atomically (temp file,
fsync, `os.replace`, fsync of the folder), so two running instances never lose
each other's changes and a crash never leaves a partial file. Reads take no
lock. A corrupt file is moved aside (`NAME.corrupt-YYYYmmddTHHMMSS`), never
silently dropped, and a warning says so. Corrupt includes what no JSON parser should
be made to chew on (nesting thousands deep, a number of thousands of digits) and
what is not a regular file at all (a FIFO, a link to `/dev/zero`), which is never
read from; the lock file is opened without following a symbolic link. Every string
read from the file is cleaned of control characters as it is loaded.

No Textual or Rich here: the command line and the browser share this module.
Changes fsync, so the browser should make them from a thread worker.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .fsutil import Stamp, file_stamp, stamp_of
from .model import Talk, clean
from .statefile import (
    FORMAT,
    STATE_DIR_ENV,
    VERSION,
    Corrupt,
    StateError,
    empty_data,
    locked,
    notes_key,
    now,
    parse,
    read_locked,
    read_state,
    state_dir,
    state_path_for,
    write_data,
)

if TYPE_CHECKING:
    from .model import Notebook

__all__ = [
    "STATE_DIR_ENV",
    "StateError",
    "StateStore",
    "TalkState",
    "notes_key",
    "state_dir",
    "state_path_for",
]

#: A stored title matches a new title when the better of `ratio` and
#: `token_sort_ratio` (after lower-casing and dropping punctuation) reaches this.
RENAME_THRESHOLD = 82.0
#: Two candidates scoring within this of each other make a match ambiguous: no move.
RENAME_MARGIN = 3.0

_NUMBER_RE = re.compile(r"\d+")
_RECORD_KEYS = ("title", "starred", "annotation", "read_at", "updated_at")

T = TypeVar("T")
TalkRef = Talk | str


@dataclass(frozen=True)
class TalkState:
    """What you added to one talk. Timestamps are ISO 8601 UTC strings."""

    starred: bool = False
    annotation: str | None = None
    read_at: str | None = None
    #: The talk's title when the state was last written: used to find renamed talks.
    title: str = ""
    updated_at: str | None = None

    @property
    def read(self) -> bool:
        """True once the talk has been marked read."""
        return self.read_at is not None

    @property
    def is_empty(self) -> bool:
        """True when nothing worth keeping is left (no star, note or read mark)."""
        return not self.starred and not self.annotation and self.read_at is None

    @classmethod
    def from_record(cls, record: dict[str, Any] | None) -> TalkState:
        """Build from a stored record; text is cleaned, since the file may be hand-edited."""
        if not record:
            return EMPTY
        annotation = record.get("annotation")
        return cls(
            starred=bool(record.get("starred", False)),
            annotation=None if annotation is None else clean(annotation),
            read_at=_clean_optional(record.get("read_at")),
            title=clean(record.get("title") or ""),
            updated_at=_clean_optional(record.get("updated_at")),
        )


EMPTY = TalkState()


def _clean_optional(text: str | None) -> str | None:
    return None if text is None else clean(text)


# --------------------------------------------------------------------------- matching renamed talks


def _title_key(title: str) -> str:
    from rapidfuzz import utils

    return utils.default_process(title)


def _rename_score(old: str, new: str) -> float:
    """How alike two processed titles are (0-100); titles whose numbers differ never match."""
    if _NUMBER_RE.findall(old) != _NUMBER_RE.findall(new):
        return 0.0
    from rapidfuzz import fuzz

    return max(fuzz.ratio(old, new), fuzz.token_sort_ratio(old, new))


# --------------------------------------------------------------------------- the store


class StateStore:
    """Stars, notes and read marks for the talks of one notes file.

    Reads (`get`, `all`, `starred_ids`) come from memory and never block; call
    `refresh()` to pick up changes other instances made. Every change is one
    locked read-modify-write of the file, safe on disk when the method returns.
    """

    def __init__(
        self,
        notes_path: str | os.PathLike[str],
        *,
        title: str | None = None,
        folder: str | os.PathLike[str] | None = None,
    ) -> None:
        self.notes_path = str(Path(notes_path).expanduser().resolve())
        self.path = state_path_for(notes_path, Path(folder) if folder is not None else None)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.title = title
        #: Warnings for the user (a corrupt file moved aside); see `take_warnings`.
        self.warnings: list[str] = []
        self._titles: dict[str, str] = {}
        self._data: dict[str, Any] = empty_data()
        self._stamp: Stamp | None = None
        self._mutex = threading.RLock()
        self.refresh(force=True)

    @classmethod
    def for_notebook(cls, notebook: Notebook, *, folder: str | os.PathLike[str] | None = None) -> StateStore:
        """The store for a loaded notebook (its `source` path names the state file)."""
        if not notebook.source:
            raise StateError("the notes have no file path to keep state for")
        store = cls(notebook.source, title=notebook.title, folder=folder)
        store.bind(notebook)
        return store

    # ------------------------------------------------------------------ reading

    def bind(self, notebook: Notebook) -> None:
        """Remember the notebook's titles, so changes by id record the talk's title too."""
        self.title = notebook.title
        self._titles = {talk.id: talk.title for talk in notebook.talks}

    def get(self, talk_id: str) -> TalkState:
        """The state of one talk (an empty `TalkState` when there is none)."""
        return TalkState.from_record(self._data["talks"].get(talk_id))

    def all(self) -> dict[str, TalkState]:
        """Every stored record by talk id, orphans included."""
        return {talk_id: TalkState.from_record(record) for talk_id, record in self._data["talks"].items()}

    def starred_ids(self) -> set[str]:
        """Ids of the starred talks."""
        return {talk_id for talk_id, record in self._data["talks"].items() if record.get("starred")}

    def orphans(self, notebook: Notebook) -> dict[str, TalkState]:
        """Records whose talk is not in `notebook` (kept, never dropped)."""
        ids = {talk.id for talk in notebook.talks}
        return {talk_id: state for talk_id, state in self.all().items() if talk_id not in ids}

    def take_warnings(self) -> list[str]:
        """Return and forget the pending warnings (for the CLI to print or the TUI to notify)."""
        with self._mutex:
            warnings, self.warnings = self.warnings, []
        return warnings

    def _file_stamp(self) -> Stamp | None:
        return file_stamp(self.path)

    def refresh(self, *, force: bool = False) -> bool:
        """Re-read the file if it changed on disk (another instance wrote); True if it did.

        Cheap when nothing changed (one `stat`), so it can run on a timer.
        """
        with self._mutex:
            stamp = self._file_stamp()
            if not force and stamp == self._stamp:
                return False
            try:
                st, raw = read_state(self.path)  # the stamp of exactly what is read
                stamp = stamp_of(st)
            except (FileNotFoundError, NotADirectoryError):
                data, stamp = empty_data(), None
            except OSError as error:
                raise StateError(f"cannot read {self.path}: {error.strerror or error}") from None
            except Corrupt:
                with self._locked():
                    data = self._read_locked()
                stamp = self._file_stamp()
            else:
                try:
                    data = parse(raw)
                except Corrupt:
                    # Set it aside under the lock, so a writer's fresh file is never moved.
                    with self._locked():
                        data = self._read_locked()
                    stamp = self._file_stamp()
            changed = data != self._data
            self._data, self._stamp = data, stamp
        return changed or force

    # ------------------------------------------------------------------ locking

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the in-process mutex and an exclusive `flock` on the sibling lock file."""
        with self._mutex, locked(self.path, self.lock_path):
            yield

    def _read_locked(self) -> dict[str, Any]:
        """Read the file while holding the lock; a corrupt one is moved aside and reported."""
        return read_locked(self.path, self.warnings)

    def _mutate(self, operation: Callable[[dict[str, Any]], T]) -> T:
        """Lock, re-read, apply one operation to the data, write atomically if it changed.

        `operation` edits the data in place and returns a result; the file is only
        written when the data differs afterwards.
        """
        with self._locked():
            data = self._read_locked()
            before = json.dumps(data, sort_keys=True)
            result = operation(data)
            if json.dumps(data, sort_keys=True) != before:
                data["format"], data["version"] = FORMAT, VERSION
                data["notes_path"] = self.notes_path
                if self.title is not None:
                    data["title"] = self.title
                data["updated_at"] = now()
                write_data(self.path, data)
            self._data, self._stamp = data, self._file_stamp()
        return result

    # ------------------------------------------------------------------ changes

    def _ref(self, talk: TalkRef) -> tuple[str, str | None]:
        if isinstance(talk, Talk):
            return talk.id, talk.title
        return talk, self._titles.get(talk)

    def _update(self, talk: TalkRef, change: Callable[[dict[str, Any]], None]) -> TalkState:
        """Apply `change` to one talk's record (created if missing, dropped when empty)."""
        talk_id, title = self._ref(talk)

        def operation(data: dict[str, Any]) -> TalkState:
            talks = data["talks"]
            record = dict(talks.get(talk_id) or {})
            before = dict(record)
            change(record)
            if record == before and talk_id in talks:
                return TalkState.from_record(record)
            if title is not None:
                record["title"] = title
            record.pop("orphaned_at", None)
            record["updated_at"] = now()
            if TalkState.from_record(record).is_empty:
                talks.pop(talk_id, None)
                return EMPTY
            if not talks and not data.get("seen") and self._titles:
                # The first record: remember which talks exist, so later renames can be told apart.
                data["seen"] = sorted(self._titles)
            talks[talk_id] = {key: record[key] for key in _RECORD_KEYS if key in record} | {
                key: value for key, value in record.items() if key not in _RECORD_KEYS
            }
            return TalkState.from_record(record)

        return self._mutate(operation)

    def star(self, talk: TalkRef) -> TalkState:
        """Star a talk."""
        return self._update(talk, lambda record: record.__setitem__("starred", True))

    def unstar(self, talk: TalkRef) -> TalkState:
        """Remove a talk's star."""
        return self._update(talk, lambda record: record.__setitem__("starred", False))

    def toggle_star(self, talk: TalkRef) -> TalkState:
        """Flip a talk's star, deciding on the freshly read file (not on a stale view)."""
        return self._update(talk, lambda record: record.__setitem__("starred", not record.get("starred")))

    def set_annotation(self, talk: TalkRef, text: str | None, *, append: bool = False) -> TalkState:
        """Replace a talk's private note, or with `append` add `text` on a new line.

        Empty text clears the note (or, appending, changes nothing). Control
        characters are made visible, as for notes files.
        """
        text = clean(text or "").rstrip()

        def change(record: dict[str, Any]) -> None:
            current = record.get("annotation")
            if append:
                if text:
                    record["annotation"] = f"{current}\n{text}" if current else text
            else:
                record["annotation"] = text or None

        return self._update(talk, change)

    def mark_read(self, talk: TalkRef, *, at: str | None = None) -> TalkState:
        """Mark a talk read (once: the first time is kept, so repeated calls write nothing)."""
        talk_id, _title = self._ref(talk)
        if self._data["talks"].get(talk_id, {}).get("read_at") and at is None:
            return self.get(talk_id)  # fast path: no lock, no write
        stamp = at or now()

        def change(record: dict[str, Any]) -> None:
            if at is not None or not record.get("read_at"):
                record["read_at"] = stamp

        return self._update(talk, change)

    def mark_unread(self, talk: TalkRef) -> TalkState:
        """Forget that a talk was read."""
        return self._update(talk, lambda record: record.__setitem__("read_at", None))

    def move(self, old_id: str, new_talk: TalkRef) -> bool:
        """Move the record of `old_id` to another talk that has none; False if it cannot."""
        new_id, new_title = self._ref(new_talk)

        def operation(data: dict[str, Any]) -> bool:
            talks = data["talks"]
            if old_id not in talks or new_id in talks or old_id == new_id:
                return False
            record = talks.pop(old_id)
            record.pop("orphaned_at", None)
            if new_title is not None:
                record["title"] = new_title
            talks[new_id] = record
            return True

        return self._mutate(operation)

    # ------------------------------------------------------------------ reconcile

    def reconcile(self, notebook: Notebook) -> list[str]:
        """Match stored state to the notebook as it is now; one message per thing to tell.

        State whose id is gone moves to a renamed talk (a talk not seen before,
        without state, with a clearly similar title, one to one). What matches
        nothing is kept and reported once. Writes only when something changed;
        the common case is a check in memory.
        """
        self.bind(notebook)
        messages: list[str] = []
        if not self._reconcile_plan(self._data, notebook):
            return messages
        self._mutate(lambda data: messages.extend(self._reconcile_apply(data, notebook)))
        return messages

    def _reconcile_plan(self, data: dict[str, Any], notebook: Notebook) -> bool:
        """True when `reconcile` has something to write (cheap, no fuzzy matching)."""
        talks = data["talks"]
        ids = {talk.id: talk.title for talk in notebook.talks}
        if not talks:
            return False  # nothing to match; no file for a notebook you never marked
        if not set(ids) <= set(data.get("seen", [])):
            return True
        for talk_id, record in talks.items():
            if talk_id in ids:
                if record.get("orphaned_at") or record.get("title") != ids[talk_id]:
                    return True
            elif not record.get("orphaned_at"):
                return True
        return False

    def _reconcile_apply(self, data: dict[str, Any], notebook: Notebook) -> list[str]:
        talks: dict[str, dict[str, Any]] = data["talks"]
        current = {talk.id: talk.title for talk in notebook.talks}
        seen = set(data.get("seen", []))
        messages: list[str] = []

        for talk_id, record in talks.items():
            if talk_id in current:
                record.pop("orphaned_at", None)
                record["title"] = current[talk_id]

        # Orphans from earlier runs may still find their talk (renamed in two edits).
        lost = [talk_id for talk_id in talks if talk_id not in current]
        targets = [talk_id for talk_id in current if talk_id not in talks and talk_id not in seen]
        for old_id, new_id in _match_renames(
            {talk_id: talks[talk_id].get("title") or "" for talk_id in lost},
            {talk_id: current[talk_id] for talk_id in targets},
        ):
            record = talks.pop(old_id)
            old_title = record.get("title") or old_id
            record["title"] = current[new_id]
            talks[new_id] = record
            lost.remove(old_id)
            what = _describe(record)
            messages.append(f"{what} for {old_title!r} moved to renamed talk {current[new_id]!r}")

        for talk_id in lost:
            record = talks[talk_id]
            if record.get("orphaned_at"):
                continue  # told already
            record["orphaned_at"] = now()
            title = record.get("title") or talk_id
            messages.append(
                f"{_describe(record)} for {title!r} kept: no talk in the notes matches it any more"
            )
        data["seen"] = sorted(seen | set(current))
        return messages


def _describe(record: dict[str, Any]) -> str:
    """'note', 'star' or 'read mark': the most telling thing a record holds."""
    if record.get("annotation"):
        return "note"
    if record.get("starred"):
        return "star"
    return "read mark"


def _match_renames(old: dict[str, str], new: dict[str, str]) -> list[tuple[str, str]]:
    """One-to-one (old id, new id) pairs whose titles are clearly alike and unambiguous."""
    if not old or not new:
        return []
    old_keys = {talk_id: _title_key(title) for talk_id, title in old.items()}
    new_keys = {talk_id: _title_key(title) for talk_id, title in new.items()}
    scores = {
        (o, n): _rename_score(ok, nk) for o, ok in old_keys.items() if ok for n, nk in new_keys.items() if nk
    }
    candidates = sorted(
        ((score, o, n) for (o, n), score in scores.items() if score >= RENAME_THRESHOLD),
        key=lambda item: (-item[0], item[1], item[2]),
    )
    pairs: list[tuple[str, str]] = []
    used_old: set[str] = set()
    used_new: set[str] = set()
    for score, o, n in candidates:
        if o in used_old or n in used_new:
            continue
        rivals = [
            other
            for other, o2, n2 in candidates
            if (o2, n2) != (o, n) and (o2 == o or n2 == n) and o2 not in used_old and n2 not in used_new
        ]
        # Matched or ambiguous, both sides are decided: a close rival means no move at all.
        used_old.add(o)
        used_new.add(n)
        if not any(other >= score - RENAME_MARGIN for other in rivals):
            pairs.append((o, n))
    return pairs
