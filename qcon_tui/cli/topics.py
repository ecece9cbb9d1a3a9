"""The `topics` command: terms that recur across talks, each with its talks.

Registered by `qcon_tui.cli`. Imports happen inside the handler, so the browser's
start-up does not pay for them.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from ..words import plural
from .common import DEFAULT_NOTES_HELP, Handler, UsageError, add_json, layout_of, load_notes

if TYPE_CHECKING:
    from ..topics import TalkRef, Topic

def _talk_json(ref: TalkRef, library: bool) -> dict[str, Any]:
    """One talk of a topic: id, title, day; from a directory also its notebook and file."""
    out: dict[str, Any] = {"id": ref.talk.id, "title": ref.talk.title, "day": ref.day.title}
    if library:
        out["notebook"] = ref.notebook.title
        out["path"] = ref.notebook.source
    return out


def topics_json(found: list[Topic], library: bool = False) -> list[dict[str, Any]]:
    """Topics as `[{"term", "score", "forms", "talks": [{"id", "title", "day"}]}]`, best first."""
    return [
        {
            "term": topic.term,
            "score": round(topic.score, 3),
            "forms": list(topic.forms),
            "talks": [_talk_json(ref, library) for ref in topic.talks],
        }
        for topic in found
    ]


def topics_text(found: list[Topic], library: bool = False) -> str:
    """Each topic on a line with its number of talks, then its talks indented (id, title);
    from a directory each talk also names its conference (and its file, when two share a title)."""
    from ..library import same_title_names

    notebooks = {id(ref.notebook): ref.notebook for topic in found for ref in topic.talks}
    names = same_title_names(list(notebooks.values())) if library else {}
    out: list[str] = []
    for topic in found:
        out.append(f"{topic.term}  ({plural(len(topic.talks), 'talk')})")
        width = max(len(ref.talk.id) for ref in topic.talks)
        for ref in topic.talks:
            where = ""
            if library:
                name = names.get(id(ref.notebook))
                where = f"  ({ref.notebook.title}{f' · {name}' if name else ''})"
            out.append(f"  {ref.talk.id:<{width}}  {ref.talk.title}{where}")
    return "\n".join(out)


def cmd_topics(args: argparse.Namespace) -> int:
    """Print the terms that recur across talks, best first, each with its talks."""
    from ..model import Notebook
    from ..topics import topics

    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    notes = load_notes(args.path, layout_of(args))
    library = not isinstance(notes, Notebook)
    found = topics(notes, limit=args.limit)
    if args.json:
        print(json.dumps(topics_json(found, library), indent=2, ensure_ascii=False))
        return 0
    if not found:
        print("no term recurs in two or more talks", file=sys.stderr)
        return 0
    print(topics_text(found, library))
    return 0


def register(sub: Any) -> dict[str, Handler]:
    """Add the `topics` subcommand to `sub` (argparse subparsers); return its handler."""
    p = sub.add_parser(
        "topics",
        help="terms that recur across talks, each with its talks",
        description="Terms that recur across talks (in two or more), best first, each with the "
        "talks that mention it. PATH may be a directory of notes files.",
    )
    p.add_argument(
        "path", nargs="?", metavar="PATH", help=f"notes file or directory (default: {DEFAULT_NOTES_HELP})"
    )
    p.add_argument("--limit", type=int, default=30, metavar="N", help="at most N topics (default 30)")
    add_json(p)
    return {"topics": cmd_topics}
