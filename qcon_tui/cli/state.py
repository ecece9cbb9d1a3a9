"""Commands for your own layer: star, unstar, annotate, takeaways, where.

Registered by `qcon_tui.cli`. Imports happen inside the handlers, so the browser's
start-up does not pay for them.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .common import (
    DataError,
    Handler,
    UsageError,
    add_path,
    add_talk,
    find_talk,
    layout_of,
    load_notebook,
    warn,
    write_output,
)

if TYPE_CHECKING:
    from ..formats.layout import Layout
    from ..model import Notebook
    from ..state import StateStore


TAKEAWAY_FORMATS = ("markdown", "json")


def _note(message: str) -> None:
    """Tell the user something that happened to their state (one line on stderr)."""
    print(f"qcon-tui: note: {message}", file=sys.stderr)


def _open(path: str | None, layout: Layout | None) -> tuple[Notebook, StateStore]:
    """Load the notes (read with `layout`) and their state, reconciled, printing warnings and moves."""
    from ..state import StateError, StateStore

    notebook = load_notebook(path, layout)
    store: StateStore | None = None
    try:
        store = StateStore.for_notebook(notebook)
        messages = store.reconcile(notebook)
    except StateError as error:
        raise DataError(str(error)) from None
    finally:
        # A corrupt file moved aside is told even when something fails after it.
        for warning in store.take_warnings() if store is not None else ():
            warn(warning)
    for message in messages:
        _note(message)
    return notebook, store


def _change(store: StateStore, action: Callable[[], Any]) -> Any:
    """Run one change, turning state errors into one-line data errors."""
    from ..state import StateError

    try:
        result = action()
    except StateError as error:
        raise DataError(str(error)) from None
    for warning in store.take_warnings():
        warn(warning)
    return result


def cmd_star(args: argparse.Namespace) -> int:
    """Star a talk."""

    notebook, store = _open(args.path, layout_of(args))
    talk = find_talk(notebook, args.talk)
    _change(store, lambda: store.star(talk))
    print(f"starred: {talk.title} [{talk.id}]")
    return 0


def cmd_unstar(args: argparse.Namespace) -> int:
    """Remove a talk's star."""

    notebook, store = _open(args.path, layout_of(args))
    talk = find_talk(notebook, args.talk)
    _change(store, lambda: store.unstar(talk))
    print(f"unstarred: {talk.title} [{talk.id}]")
    return 0


def _read_note_text(args: argparse.Namespace) -> str:
    """The note from --text, else from stdin when it is not a terminal."""

    if args.text is not None:
        return args.text
    if sys.stdin is None or sys.stdin.isatty():
        raise UsageError("give the note with --text TEXT or on stdin")
    try:
        return sys.stdin.read()
    except UnicodeDecodeError:

        raise DataError("the note on stdin is not valid UTF-8") from None


def cmd_annotate(args: argparse.Namespace) -> int:
    """Set (or with --append, extend) a talk's private note; --clear removes it."""

    if args.clear:
        if args.text is not None or args.append:
            raise UsageError("--clear takes no --text or --append")
        text = ""
    else:
        text = _read_note_text(args)
        if not text.strip():
            # An empty pipe (`</dev/null`, a failed command) must not wipe a note by accident.
            raise UsageError("the note text is empty; to remove the note, use --clear")
    notebook, store = _open(args.path, layout_of(args))
    talk = find_talk(notebook, args.talk)
    state = _change(store, lambda: store.set_annotation(talk, text, append=args.append))
    verb = "appended to note" if args.append else ("annotated" if state.annotation else "cleared note")
    print(f"{verb}: {talk.title} [{talk.id}]")
    return 0


def takeaway_entries(notebook: Notebook, store: StateStore) -> list[dict[str, Any]]:
    """The starred or annotated talks in notebook order, as plain dicts."""
    entries: list[dict[str, Any]] = []
    for day_index, day in enumerate(notebook.days, 1):
        for talk in day.talks:
            state = store.get(talk.id)
            if not (state.starred or state.annotation):
                continue
            entries.append(
                {
                    "id": talk.id,
                    "title": talk.title,
                    "day": day.title or f"day {day_index}",
                    "day_index": day_index,
                    "speakers": [speaker.label() for speaker in talk.speakers],
                    "starred": state.starred,
                    "annotation": state.annotation,
                    "read_at": state.read_at,
                    "updated_at": state.updated_at,
                }
            )
    return entries


_MARKDOWN_LINE_RE = re.compile(r"^\s*(?:[-*+]\s|\d{1,3}[.)]\s|#|>|```|~~~|\|)")


def _note_markdown(note: str) -> str:
    """A note as Markdown. Plain lines (appended one by one) become paragraphs, since
    Markdown would join them; a note that already uses Markdown is kept as written."""
    lines = note.splitlines()
    if any(_MARKDOWN_LINE_RE.match(line) for line in lines):
        return note
    return "\n\n".join(line.strip() for line in lines if line.strip())


def takeaways_markdown(title: str, entries: list[dict[str, Any]]) -> str:
    """Markdown for a blog post or wiki page: a heading per day, a section per talk."""
    out = [f"# Takeaways: {title}", ""]
    day = None
    for entry in entries:
        if entry["day"] != day:
            day = entry["day"]
            out += [f"## {day}", ""]
        star = " ★" if entry["starred"] else ""
        out += [f"### {entry['title']}{star}", ""]
        if entry["speakers"]:
            out += [f"*{', '.join(entry['speakers'])}*", ""]
        if entry["annotation"]:
            out += [_note_markdown(entry["annotation"]), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def cmd_takeaways(args: argparse.Namespace) -> int:
    """Print the starred or annotated talks with your notes, as Markdown or JSON."""
    import json


    notebook, store = _open(args.path, layout_of(args))
    entries = takeaway_entries(notebook, store)
    if args.format == "json":
        write_output(json.dumps(entries, indent=2, ensure_ascii=False) + "\n", args.output)
        return 0
    if not entries:
        print("no starred or annotated talks yet (try: qcon-tui star TALK)", file=sys.stderr)
        return 0
    write_output(takeaways_markdown(notebook.title, entries), args.output)
    return 0


def cmd_where(args: argparse.Namespace) -> int:
    """Print the path of the state file for the notes."""
    from ..state import state_path_for

    notebook = load_notebook(args.path, layout_of(args))
    if not notebook.source:
        raise DataError("the notes have no file path to keep state for")
    print(state_path_for(notebook.source))
    return 0


def register(sub: Any) -> dict[str, Handler]:
    """Add the state subcommands to `sub` (argparse subparsers); return their handlers."""
    handlers: dict[str, Handler] = {}

    p = sub.add_parser("star", help="star a talk")
    add_talk(p)
    add_path(p)
    handlers["star"] = cmd_star

    p = sub.add_parser("unstar", help="remove a talk's star")
    add_talk(p)
    add_path(p)
    handlers["unstar"] = cmd_unstar

    p = sub.add_parser(
        "annotate",
        help="set your private note on a talk",
        description="Set your private note on a talk: from --text, else from stdin. "
        "Replaces the note; --append adds a line; --clear removes it (empty text is refused).",
    )
    add_talk(p)
    add_path(p)
    p.add_argument("--text", "-t", metavar="TEXT", help="the note (default: read stdin)")
    p.add_argument("--append", "-a", action="store_true", help="add to the note on a new line")
    p.add_argument("--clear", action="store_true", help="remove the note")
    handlers["annotate"] = cmd_annotate

    p = sub.add_parser("takeaways", help="your starred and annotated talks, as Markdown or JSON")
    add_path(p)
    p.add_argument("--format", "-f", choices=TAKEAWAY_FORMATS, default="markdown")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    handlers["takeaways"] = cmd_takeaways

    p = sub.add_parser("where", help="print the path of the file holding your stars and notes")
    add_path(p)
    handlers["where"] = cmd_where
    return handlers
