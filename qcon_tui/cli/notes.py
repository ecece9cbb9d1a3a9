"""The commands that read notes and print them: list, show, search, export, validate."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING, Any

from ..words import plural
from .common import (
    DEFAULT_NOTES_HELP,
    Handler,
    UsageError,
    add_json,
    add_layout,
    add_path,
    add_talk,
    console,
    cut_to,
    emit,
    find_talk,
    layout_of,
    load_notebook,
    load_notes,
    notes_path,
    own_copy_hint,
    terminal_width,
    write_output,
)

if TYPE_CHECKING:
    from ..library import Library
    from ..search import Hit


def cmd_list(args: argparse.Namespace) -> int:
    """Print the outline: days and their talks (for a directory, of each notes file)."""
    from ..model import Notebook

    notes = load_notes(args.path, layout_of(args))
    if args.json:
        from ..formats.serialize import notebook_to_dict

        if isinstance(notes, Notebook):
            data = notebook_to_dict(notes, notes=False, lines=False)
        else:
            data = {
                "title": notes.title,
                "notebooks": [
                    {**notebook_to_dict(nb, notes=False, lines=False), "path": nb.source}
                    for nb in notes.notebooks
                ],
            }
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0

    fit = terminal_width()

    def outline(notebook: Notebook, heading: str) -> list[str]:
        out: list[str] = [heading]
        # One id column for the whole notebook, so it does not move from day to day.
        width = max((len(talk.id) for talk in notebook.talks), default=0)
        for index, day in enumerate(notebook.days, 1):
            out.append(f"{day.title or f'day {index}'} ({plural(len(day.talks), 'talk')})")
            out.extend(f"  {talk.id:<{width}}  {talk.title}" for talk in day.talks)
        return [cut_to(line, fit) for line in out]

    if isinstance(notes, Notebook):
        print("\n".join(outline(notes, notes.title)))
        return 0
    count = len(notes.notebooks)
    out = [f"{notes.title} ({plural(count, 'notes file')})"]
    for nb in notes.notebooks:
        out.append("")
        out.extend(outline(nb, f"{nb.title}  ({os.path.basename(nb.source or '')})"))
    print("\n".join(out))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    """Print one talk, rendered the way the browser's note pane shows it."""
    notebook = load_notebook(args.path, layout_of(args))
    talk = find_talk(notebook, args.talk)
    from ..render import render_talk

    emit(render_talk(notebook, talk))
    return 0


#: `search` exits 1 when nothing matches, as grep does.
NO_HITS = 1


def cmd_search(args: argparse.Namespace) -> int:
    """Print ranked hits with snippets; over a directory, hits from every notes file.

    Exits 0 with hits and 1 without, like grep, so scripts can test for a match."""
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    from ..model import Notebook

    notes = load_notes(args.path, layout_of(args))
    found: list[tuple[Notebook | None, Hit]]
    if isinstance(notes, Notebook):
        from ..search import SearchIndex

        found = [(None, hit) for hit in SearchIndex(notes).search(args.query, limit=args.limit)]
    else:
        from ..library import LibraryIndex

        found = [(item.notebook, item.hit) for item in LibraryIndex(notes).search(args.query, args.limit)]
    if args.json:
        data = []
        for notebook, hit in found:
            entry = {
                "id": hit.talk.id,
                "title": hit.talk.title,
                "day": hit.day.title,
                "score": round(float(hit.score), 3),
                "snippet": hit.snippet,
                "day_index": hit.day_index + 1,
                "talk_index": hit.talk_index + 1,
            }
            if notebook is not None:
                entry["notebook"] = notebook.title
                entry["path"] = notebook.source
            data.append(entry)
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0 if found else NO_HITS
    if not found:
        print(f"no talks match {args.query!r}", file=sys.stderr)
        return NO_HITS
    from rich.text import Text

    out = console()
    for notebook, hit in found:
        line = Text()
        line.append(f"{hit.score:6.1f}  ", style="dim")
        if notebook is not None:
            line.append(f"{notebook.title} › ", style="dim")
        if hit.day.title:
            line.append(f"{hit.day.title} › ", style="dim")
        line.append(hit.talk.title, style="bold")
        line.append(f"  [{hit.talk.id}]", style="dim")
        out.print(line, soft_wrap=True)
        if hit.snippet and hit.snippet != hit.talk.title:
            snippet = Text("        " + hit.snippet)
            for start, end in hit.snippet_spans:
                snippet.stylize("reverse", start + 8, end + 8)
            out.print(snippet, soft_wrap=True)
    return 0


EXPORT_FORMATS = ("json", "yaml", "markdown", "text")


#: Export formats that can hold a whole library; the others describe one notes file.
LIBRARY_EXPORT_FORMATS = ("json", "yaml")


def cmd_export(args: argparse.Namespace) -> int:
    """Print or write the whole model in one of the export formats.

    A directory exports as `{"title", "notebooks": [...]}` in json or yaml, each
    notebook exactly as its own export. Markdown and text are one notes file each (a
    concatenation would not read back as notes), so a directory refuses them.
    """
    if args.path is not None and os.path.isdir(args.path) and args.format not in LIBRARY_EXPORT_FORMATS:
        raise UsageError(
            f"--format {args.format} exports one notes file, and {args.path} is a directory; "
            f"export each file, or use --format {' or '.join(LIBRARY_EXPORT_FORMATS)} for the whole directory"
        )
    from ..model import Notebook

    notes = load_notes(args.path, layout_of(args))
    if not isinstance(notes, Notebook):
        text = _export_library(notes, args.format)
    elif args.format == "json":
        from ..formats.serialize import notebook_to_dict

        text = json.dumps(notebook_to_dict(notes), indent=2, ensure_ascii=False) + "\n"
    elif args.format == "yaml":
        from ..formats.yamlfmt import write_yaml

        text = write_yaml(notes)
    elif args.format == "markdown":
        from ..formats.markdown_writer import write_markdown

        text = write_markdown(notes)
    else:
        from ..formats.text import write_text_notes

        text = write_text_notes(notes)
    write_output(text, args.output)
    return 0


def _export_library(library: Library, fmt: str) -> str:
    """A library as `{"title", "notebooks": [...]}` in json or yaml."""
    if fmt == "json":
        from ..formats.serialize import notebook_to_dict

        data = {"title": library.title, "notebooks": [notebook_to_dict(nb) for nb in library.notebooks]}
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    import yaml

    from ..formats.yamlfmt import write_yaml

    # Each notebook as its own YAML export, indented under a list item, so a notebook
    # reads the same alone and in the library (block scalars indent relatively).
    out = [yaml.safe_dump({"title": library.title}, allow_unicode=True, width=1_000_000), "notebooks:\n"]
    for notebook in library.notebooks:
        lines = write_yaml(notebook).splitlines()
        out.append("- " + lines[0] + "\n")
        out.extend(("  " + line if line else line) + "\n" for line in lines[1:])
    return "".join(out)


def cmd_validate(args: argparse.Namespace) -> int:
    """Print `PATH:LINE: severity: message` for each problem; exit 1 on any error."""
    from ..formats import NotesError, load
    from ..model import clean
    from ..validate import check

    errors = 0
    if not args.paths:  # PATH is optional everywhere: your copy of the bundled notes, or them
        args.paths = [notes_path(None)]  # each line below names it
    for path in args.paths:
        shown = clean(path)  # a name from outside is printed clean
        source = path
        if path.endswith((".schedule.yaml", ".schedule.yml")):
            # A schedule is checked against the notes it describes.
            from ..formats.schedule import notes_path_for, read_schedule

            found = notes_path_for(path)
            if found is None:
                try:
                    entries = read_schedule(path)
                except NotesError as error:
                    print(f"{shown}:{error.line or 1}: error: {error.message}")
                    errors += 1
                else:
                    print(f"{shown}:1: warning: no notes file beside it; {len(entries)} entries not matched")
                continue
            source = str(found)
        try:
            with own_copy_hint(source):
                notebook = load(source, layout=layout_of(args))
        except NotesError as error:
            print(f"{shown}:{error.line or 1}: error: {error.message}")
            errors += 1
            continue
        if notebook.reading:
            print(f"{shown}: read as: {'; '.join(notebook.reading)}")
        diagnostics = check(notebook)
        for d in diagnostics:
            print(f"{d.path or clean(source)}:{d.line}: {d.severity}: {d.message}")
        errors += sum(1 for d in diagnostics if d.severity == "error")
        if not diagnostics:
            counts = f"{plural(len(notebook.days), 'day')}, {plural(len(notebook.talks), 'talk')}"
            print(f"{shown}: ok ({counts})", file=sys.stderr)
    return 1 if errors else 0


def register(sub: Any) -> dict[str, Handler]:
    """Add the notes commands to `sub` (argparse subparsers); return their handlers."""
    handlers: dict[str, Handler] = {}

    p = sub.add_parser("list", help="outline: days and talks")
    add_path(p)
    add_json(p)
    handlers["list"] = cmd_list

    p = sub.add_parser("show", help="print one talk rendered")
    add_talk(p)
    add_path(p)
    handlers["show"] = cmd_show

    p = sub.add_parser("search", help="ranked hits with snippets")
    p.add_argument("query", metavar="QUERY")
    add_path(p)
    p.add_argument("--limit", type=int, default=20, metavar="N", help="at most N hits (default 20)")
    add_json(p)
    handlers["search"] = cmd_search

    p = sub.add_parser("export", help="the whole model as json, yaml, markdown or text")
    add_path(p)
    p.add_argument("--format", "-f", choices=EXPORT_FORMATS, default="json")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    handlers["export"] = cmd_export

    p = sub.add_parser(
        "validate", help="check notes files: how each was read, then PATH:LINE: message; exit 1 on errors"
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help=f"notes files (default: {DEFAULT_NOTES_HELP})")
    add_layout(p)
    handlers["validate"] = cmd_validate
    return handlers
