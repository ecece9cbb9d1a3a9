"""The command line: `qcon-tui [PATH]` opens the browser; subcommands print.

Exit codes: 0 fine, 1 bad data, 2 bad usage. Errors are one line on stderr that
starts `qcon-tui: error:`; never a traceback. Heavy imports (Textual, Rich,
rapidfuzz, PyYAML) happen inside the command that needs them, so start-up stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NoReturn

from . import __version__

if TYPE_CHECKING:
    from .library import Library
    from .model import Notebook

PROG = "qcon-tui"

#: Modules that add subcommands: each has `register(subparsers)`.
COMMAND_MODULES: tuple[str, ...] = ("qcon_tui.cli_state", "qcon_tui.cli_topics", "qcon_tui.cli_serve")


class UsageError(Exception):
    """Bad usage: exit 2."""


class DataError(Exception):
    """Bad data found by a command (not a NotesError): exit 1."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def err(message: str) -> None:
    """Print one error line to stderr."""
    print(f"{PROG}: error: {message}", file=sys.stderr)


def warn(message: str) -> None:
    """Print one warning line to stderr."""
    print(f"{PROG}: warning: {message}", file=sys.stderr)


# --------------------------------------------------------------------------- helpers


def load_notebook(path: str | None) -> Notebook:
    """Load `path` (the bundled notes when None) and report problems that do not stop it.

    A sidecar file that failed to read (an error diagnostic from another file) is
    worth one warning line; the notes themselves still loaded. A directory is refused
    with one line naming the commands that read one.
    """
    from . import load
    from .formats import NotesError

    if path is not None and os.path.isdir(path):
        reads = "list, search, export and topics read a directory"
        raise NotesError(f"is a directory; this command reads one notes file ({reads})", path)
    notebook = load(path)
    for diagnostic in notebook.diagnostics:
        if diagnostic.severity == "error" and diagnostic.path and diagnostic.path != notebook.source:
            warn(f"{diagnostic.path}:{diagnostic.line}: {diagnostic.message}")
    return notebook


def load_notes(path: str | None) -> Notebook | Library:
    """A notebook for a notes file (as `load_notebook`), a `Library` for a directory.

    Each file of the directory that fails to read is one warning line and is skipped;
    a directory with no readable notes file at all is bad data (exit 1).
    """
    if path is None or not os.path.isdir(path):
        return load_notebook(path)
    from .library import NOTES_SUFFIXES, load_library

    library = load_library(path)
    for failure in library.failures:
        warn(str(failure))
    for notebook in library.notebooks:
        for diagnostic in notebook.diagnostics:
            if diagnostic.severity == "error" and diagnostic.path and diagnostic.path != notebook.source:
                warn(f"{diagnostic.path}:{diagnostic.line}: {diagnostic.message}")
    if not library.notebooks:
        if library.failures:
            count = len(library.failures)
            raise DataError(f"{path}: none of its {count} notes file{'s' * (count != 1)} could be read")
        raise DataError(f"{path}: no notes files in this directory (looked for {', '.join(NOTES_SUFFIXES)})")
    return library


def _console(file=None):
    from rich.console import Console

    return Console(file=file or sys.stdout, highlight=False, emoji=False, markup=False)


def _write_output(text: str, output: str | None) -> None:
    """Write to `output` atomically, or to stdout."""
    if output and output != "-":
        from .fsutil import atomic_write

        try:
            atomic_write(output, text)
        except OSError as error:
            raise DataError(f"cannot write {output}: {error.strerror or error}") from None
    else:
        sys.stdout.write(text)


def _find_talk(notebook: Notebook, query: str):
    from .lookup import TalkNotFound, find_talk

    try:
        return find_talk(notebook, query)
    except TalkNotFound as error:
        raise DataError(str(error)) from None


# --------------------------------------------------------------------------- commands


def cmd_list(args: argparse.Namespace) -> int:
    """Print the outline: days and their talks (for a directory, of each notes file)."""
    from .model import Notebook

    notes = load_notes(args.path)
    if args.json:
        from .formats.serialize import notebook_to_dict

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

    def outline(notebook: Notebook, heading: str) -> list[str]:
        out: list[str] = [heading]
        for index, day in enumerate(notebook.days, 1):
            out.append(f"{day.title or f'day {index}'} ({len(day.talks)} talks)")
            width = max((len(talk.id) for talk in day.talks), default=0)
            out.extend(f"  {talk.id:<{width}}  {talk.title}" for talk in day.talks)
        return out

    if isinstance(notes, Notebook):
        print("\n".join(outline(notes, notes.title)))
        return 0
    count = len(notes.notebooks)
    out = [f"{notes.title} ({count} notes file{'s' * (count != 1)})"]
    for nb in notes.notebooks:
        out.append("")
        out.extend(outline(nb, f"{nb.title}  ({os.path.basename(nb.source or '')})"))
    print("\n".join(out))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    """Print one talk, rendered the way the browser's note pane shows it."""
    notebook = load_notebook(args.path)
    talk = _find_talk(notebook, args.talk)
    from .render import render_talk

    _console().print(render_talk(notebook, talk))
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    """Print ranked hits with snippets; over a directory, hits from every notes file."""
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    from .model import Notebook

    notes = load_notes(args.path)
    if isinstance(notes, Notebook):
        from .search import SearchIndex

        found = [(None, hit) for hit in SearchIndex(notes).search(args.query, limit=args.limit)]
    else:
        from .library import LibraryIndex

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
        return 0
    if not found:
        print(f"no talks match {args.query!r}", file=sys.stderr)
        return 0
    from rich.text import Text

    console = _console()
    for notebook, hit in found:
        line = Text()
        line.append(f"{hit.score:6.1f}  ", style="dim")
        if notebook is not None:
            line.append(f"{notebook.title} › ", style="dim")
        if hit.day.title:
            line.append(f"{hit.day.title} › ", style="dim")
        line.append(hit.talk.title, style="bold")
        line.append(f"  [{hit.talk.id}]", style="dim")
        console.print(line, soft_wrap=True)
        if hit.snippet and hit.snippet != hit.talk.title:
            snippet = Text("        " + hit.snippet)
            for start, end in hit.snippet_spans:
                snippet.stylize("reverse", start + 8, end + 8)
            console.print(snippet, soft_wrap=True)
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
    from .model import Notebook

    notes = load_notes(args.path)
    if not isinstance(notes, Notebook):
        text = _export_library(notes, args.format)
    elif args.format == "json":
        from .formats.serialize import notebook_to_dict

        text = json.dumps(notebook_to_dict(notes), indent=2, ensure_ascii=False) + "\n"
    elif args.format == "yaml":
        from .formats.yamlfmt import write_yaml

        text = write_yaml(notes)
    elif args.format == "markdown":
        from .formats.markdown_writer import write_markdown

        text = write_markdown(notes)
    else:
        from .formats.text import write_text_notes

        text = write_text_notes(notes)
    _write_output(text, args.output)
    return 0


def _export_library(library: Library, fmt: str) -> str:
    """A library as `{"title", "notebooks": [...]}` in json or yaml."""
    if fmt == "json":
        from .formats.serialize import notebook_to_dict

        data = {"title": library.title, "notebooks": [notebook_to_dict(nb) for nb in library.notebooks]}
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    import yaml

    from .formats.yamlfmt import write_yaml

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
    from .formats import NotesError, load
    from .validate import check

    errors = 0
    for path in args.paths:
        notes_path = path
        if path.endswith((".schedule.yaml", ".schedule.yml")):
            # A schedule is checked against the notes it describes.
            from .formats.schedule import notes_path_for, read_schedule

            found = notes_path_for(path)
            if found is None:
                try:
                    entries = read_schedule(path)
                except NotesError as error:
                    print(f"{path}:{error.line or 1}: error: {error.message}")
                    errors += 1
                else:
                    print(f"{path}:1: warning: no notes file beside it; {len(entries)} entries not matched")
                continue
            notes_path = str(found)
        try:
            notebook = load(notes_path)
        except NotesError as error:
            print(f"{path}:{error.line or 1}: error: {error.message}")
            errors += 1
            continue
        diagnostics = check(notebook)
        for d in diagnostics:
            print(f"{d.path or notes_path}:{d.line}: {d.severity}: {d.message}")
        errors += sum(1 for d in diagnostics if d.severity == "error")
        if not diagnostics:
            talks = len(notebook.talks)
            print(f"{path}: ok ({len(notebook.days)} days, {talks} talks)", file=sys.stderr)
    return 1 if errors else 0


def cmd_tui(args: argparse.Namespace) -> int:
    """Open the browser on a notes file, or a directory of them (a library).

    The notes (a library's first readable file) load before any screen is drawn, so
    errors are one line; a library's other files load while the browser runs.
    """
    path = args.path
    if path is not None and not os.path.exists(path) and os.sep not in path and "." not in path:
        commands = ", ".join(build_parser()[1])
        raise UsageError(f"no such command or file: {path!r} (commands: {commands})")
    from .tui.app import run_app

    return run_app(
        path,
        talk=args.talk,
        search=args.search,
        theme=args.theme,
        mouse=not args.no_mouse,
        read_only=args.read_only,
    )


# --------------------------------------------------------------------------- parser


def _add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def _add_path(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", metavar="PATH", help="notes file (default: the bundled notes)")


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Callable[[argparse.Namespace], int]]]:
    """The subcommand parser, and the handler for each subcommand."""
    parser = _Parser(
        prog=PROG,
        description="Browse, search and export conference notes. Without a command, opens the browser.",
        epilog="Run 'qcon-tui [PATH]' for the browser; 'qcon-tui COMMAND --help' for a command.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {}

    p = sub.add_parser("list", help="outline: days and talks")
    _add_path(p)
    _add_json(p)
    handlers["list"] = cmd_list

    p = sub.add_parser("show", help="print one talk rendered")
    p.add_argument("talk", metavar="TALK", help="a talk id, or (part of) its title")
    _add_path(p)
    handlers["show"] = cmd_show

    p = sub.add_parser("search", help="ranked hits with snippets")
    p.add_argument("query", metavar="QUERY")
    _add_path(p)
    p.add_argument("--limit", type=int, default=20, metavar="N", help="at most N hits (default 20)")
    _add_json(p)
    handlers["search"] = cmd_search

    p = sub.add_parser("export", help="the whole model as json, yaml, markdown or text")
    _add_path(p)
    p.add_argument("--format", "-f", choices=EXPORT_FORMATS, default="json")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    handlers["export"] = cmd_export

    p = sub.add_parser("validate", help="check notes files: PATH:LINE: message; exit 1 on errors")
    p.add_argument("paths", nargs="+", metavar="PATH")
    handlers["validate"] = cmd_validate

    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            continue
        handlers.update(module.register(sub))
    return parser, handlers


def build_tui_parser() -> argparse.ArgumentParser:
    """The parser for the default command: the browser."""
    parser = _Parser(
        prog=PROG,
        usage="%(prog)s [PATH] [--talk ID] [--search QUERY] [--theme NAME] [--no-mouse] [--read-only]\n"
        "       %(prog)s COMMAND ... (list, show, search, export, validate, ...; see --help)",
        description="Browse conference notes in the terminal.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "path",
        nargs="?",
        metavar="PATH",
        help="notes file, or a directory of them to browse as a library (default: the bundled notes)",
    )
    parser.add_argument("--talk", metavar="ID", help="open this talk (id or title)")
    parser.add_argument("--search", metavar="QUERY", help="start with this search")
    parser.add_argument("--theme", metavar="NAME", help="colour theme (default: picked for the terminal)")
    parser.add_argument("--no-mouse", action="store_true", help="do not capture the mouse")
    parser.add_argument(
        "--read-only",
        action="store_true",
        help="hide editing, annotating and anything that starts an editor or a shell (as `serve` runs it)",
    )
    return parser


def _dispatch(argv: Sequence[str]) -> int:
    parser, handlers = build_parser()
    first = next((arg for arg in argv if not arg.startswith("-")), None)
    wants_help = any(arg in ("-h", "--help") for arg in argv)
    if first in handlers or (wants_help and first is None):
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 0
        return handlers[args.command](args)
    if argv and argv[0] == "--version":
        parser.parse_args(["--version"])
    args = build_tui_parser().parse_args(argv)
    return cmd_tui(args)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    from .formats import NotesError

    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        return _dispatch(argv)
    except UsageError as error:
        err(str(error))
        return 2
    except NotesError as error:
        err(str(error))
        return 1
    except DataError as error:
        err(str(error))
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`qcon-tui list | head`): not an error worth a word.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except SystemExit as exit_:  # argparse --help / --version
        return exit_.code if isinstance(exit_.code, int) else 0
    except Exception as error:
        # A bug of ours: still one line, with a way to see the details.
        if os.environ.get("QCON_TUI_DEBUG"):
            raise
        err(f"internal error: {type(error).__name__}: {error} (set QCON_TUI_DEBUG=1 to see the traceback)")
        return 1
