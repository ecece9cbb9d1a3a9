"""What every command shares: the errors and their exit codes, loading notes, finding a talk, output.

Exit codes: 0 fine, 1 bad data, 2 bad usage. Errors are one line on stderr that starts
`qcon-tui: error:`. Nothing here imports Rich, Textual or YAML at module level, so
start-up stays fast; each command imports what it needs.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, NoReturn, TextIO

if TYPE_CHECKING:
    from _typeshed import SupportsWrite
    from rich.console import Console

    from ..formats.layout import Layout
    from ..library import Library
    from ..model import Diagnostic, Notebook, Talk

PROG = "qcon-tui"

#: What PATH defaults to, as `--help` says it.
DEFAULT_NOTES_HELP = "your copy of the bundled notes if you made one, else the bundled notes"

#: A command's handler: the parsed arguments in, the exit code out.
Handler = Callable[[argparse.Namespace], int]


class UsageError(Exception):
    """Bad usage: exit 2."""


class DataError(Exception):
    """Bad data found by a command (not a NotesError): exit 1."""


class Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit code 2, and output errors at all.

    argparse prints help and the version through a helper that swallows `OSError`,
    so `--help >/dev/full` would exit 0 having printed nothing; here a failed write
    reaches `main`, which says so and exits 1.
    """

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")

    def print_help(self, file: SupportsWrite[str] | None = None) -> None:
        (file or sys.stdout).write(self.format_help())


class VersionAction(argparse.Action):
    """`--version`: print the version to stdout, where a failed write is an error (see `Parser`)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kwargs: object) -> None:
        super().__init__(
            option_strings, dest, nargs=0, default=argparse.SUPPRESS, help="print the version and exit"
        )

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> NoReturn:
        from .. import __version__

        sys.stdout.write(f"{PROG} {__version__}\n")
        parser.exit()


def add_version(parser: argparse.ArgumentParser) -> None:
    """The `--version` option."""
    parser.add_argument("--version", action=VersionAction)


def err(message: str) -> None:
    """Print one error line to stderr (cleaned: it may quote a name or argument from outside)."""
    from ..model import clean

    print(f"{PROG}: error: {clean(message)}", file=sys.stderr)


def warn(message: str) -> None:
    """Print one warning line to stderr (cleaned, as `err`)."""
    from ..model import clean

    print(f"{PROG}: warning: {clean(message)}", file=sys.stderr)


def add_path(parser: argparse.ArgumentParser) -> None:
    """The optional PATH argument of most commands, and the layout overrides that go with it."""
    parser.add_argument("path", nargs="?", metavar="PATH", help=f"notes file (default: {DEFAULT_NOTES_HELP})")
    add_layout(parser)


def add_layout(parser: argparse.ArgumentParser) -> None:
    """`--days LEVEL` and `--talks LEVEL`: say how a Markdown file is laid out when the guess is wrong."""
    from ..formats.layout import LAYOUT_VALUES

    for role in ("days", "talks"):
        parser.add_argument(
            f"--{role}",
            choices=LAYOUT_VALUES,
            metavar="LEVEL",
            help=f"Markdown: the {role} are these headings ({', '.join(LAYOUT_VALUES)}); default: guessed",
        )


def layout_of(args: argparse.Namespace) -> Layout | None:
    """The `--days`/`--talks` given on the command line, to pass to loading; None when neither was."""
    from ..formats.layout import Layout

    layout = Layout(getattr(args, "days", None), getattr(args, "talks", None))
    return layout or None


def add_talk(parser: argparse.ArgumentParser) -> None:
    """The TALK argument: an id or a fuzzy title."""
    parser.add_argument("talk", metavar="TALK", help="a talk id, or (part of) its title")


def add_json(parser: argparse.ArgumentParser) -> None:
    """The --json switch."""
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


# --------------------------------------------------------------------------- loading


@contextlib.contextmanager
def collector_paused() -> Iterator[Callable[[], None]]:
    """Pause the cyclic garbage collector while the notes are read, before any thread runs.

    A big file makes millions of small objects, and the collector's repeated passes
    over them take about as long as the parsing. Only the command line, which owns
    the process, decides this, and only around its first read (and the browser's first
    frame): the readers never touch the collector, so a reload in a browser worker
    never pauses it for the UI thread. Yields `resume`, which turns the collector back
    on before the block ends (the browser calls it once its first frame is up).
    """
    enabled = gc.isenabled()
    gc.disable()

    def resume() -> None:
        if enabled:
            gc.enable()

    try:
        yield resume
    finally:
        resume()


def warn_sidecar_errors(notebooks: Iterable[Notebook]) -> None:
    """One warning line per sidecar file that failed to read (the notes themselves loaded)."""
    for notebook in notebooks:
        for diagnostic in _sidecar_errors(notebook):
            warn(f"{diagnostic.path}:{diagnostic.line}: {diagnostic.message}")


def _sidecar_errors(notebook: Notebook) -> list[Diagnostic]:
    return [d for d in notebook.diagnostics if d.severity == "error" and d.path and d.path != notebook.source]


def notes_path(path: str | None) -> str:
    """PATH as given, or the default notes when it was left out: your copy of the bundled
    notes if you made one (`e` in the browser), else the bundled notes."""
    if path is not None:
        return path
    from ..paths import default_notes

    return str(default_notes())


@contextlib.contextmanager
def own_copy_hint(path: str) -> Iterator[None]:
    """A notes error in your copy of the bundled notes also says how to get the bundled notes back."""
    from ..formats import NotesError

    try:
        yield
    except NotesError as error:
        from ..paths import OWN_COPY_HINT, is_own_copy

        if is_own_copy(path):
            error.message = f"{error.message} ({OWN_COPY_HINT})"
        raise


def load_notebook(path: str | None, layout: Layout | None = None) -> Notebook:
    """Load `path` (the default notes when None, see `notes_path`) and report problems that do not stop it.

    `layout` is the command line's `--days`/`--talks` (see `layout_of`).

    A sidecar file that failed to read (an error diagnostic from another file) is
    worth one warning line; the notes themselves still loaded. A directory is refused
    with one line naming the commands that read one.
    """
    from .. import load
    from ..formats import NotesError

    path = notes_path(path)
    if os.path.isdir(path):
        reads = "list, search, export and topics read a directory"
        raise NotesError(f"is a directory; this command reads one notes file ({reads})", path)
    with collector_paused(), own_copy_hint(path):
        notebook = load(path, layout=layout)
    warn_sidecar_errors((notebook,))
    return notebook


def load_notes(path: str | None, layout: Layout | None = None) -> Notebook | Library:
    """A notebook for a notes file (as `load_notebook`: None is the default), a `Library` for a directory.

    Each file of the directory that fails to read is one warning line and is skipped;
    a directory with no readable notes file at all is bad data (exit 1).
    """
    if path is None or not os.path.isdir(path):
        return load_notebook(path, layout)
    from ..library import NOTES_SUFFIXES, load_library
    from ..words import plural

    with collector_paused():
        library = load_library(path, layout=layout)
    for failure in library.failures:
        warn(str(failure))
    warn_sidecar_errors(library.notebooks)
    if not library.notebooks:
        if library.failures:
            files = plural(len(library.failures), "notes file")
            raise DataError(f"{path}: none of its {files} could be read")
        raise DataError(f"{path}: no notes files in this directory (looked for {', '.join(NOTES_SUFFIXES)})")
    return library


def find_talk(notebook: Notebook, query: str) -> Talk:
    """The talk `query` names (an id or a fuzzy title); bad data when there is none."""
    from ..lookup import TalkNotFound
    from ..lookup import find_talk as lookup

    try:
        return lookup(notebook, query)
    except TalkNotFound as error:
        raise DataError(str(error)) from None


# --------------------------------------------------------------------------- output


def console(file: TextIO | None = None) -> Console:
    """A Rich console for printing notes: no markup, highlighting or emoji codes read from them."""
    from rich.console import Console

    return Console(file=file or sys.stdout, highlight=False, emoji=False, markup=False)


def emit(renderable: object) -> None:
    """Print a Rich renderable to stdout: to a terminal as Rich draws it, fitted to its
    width; piped, as plain lines with no padding after their last character."""
    out = console()
    if out.is_terminal:
        out.print(renderable)
        return
    with out.capture() as captured:
        out.print(renderable)
    sys.stdout.write("\n".join(line.rstrip() for line in captured.get().split("\n")))


def terminal_width() -> int | None:
    """The width of the terminal stdout is, or None when it is piped (lines then stay whole)."""
    if not sys.stdout.isatty():
        return None
    import shutil

    return shutil.get_terminal_size().columns


def cut_to(line: str, width: int | None) -> str:
    """`line`, cut with "…" to `width` cells (None: whole)."""
    if width is None or len(line) <= width:
        return line
    from rich.text import Text

    text = Text(line)
    text.truncate(max(1, width), overflow="ellipsis")
    return text.plain


def write_output(text: str, output: str | None) -> None:
    """Write to `output` atomically, or to stdout."""
    if output and output != "-":
        from ..fsutil import atomic_write

        try:
            atomic_write(output, text)
        except OSError as error:
            raise DataError(f"cannot write {output}: {error.strerror or error}") from None
    else:
        sys.stdout.write(text)
