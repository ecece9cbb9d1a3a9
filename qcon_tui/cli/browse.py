"""The default command, `qcon-tui [PATH]`: resolve the notes and the start talk, then run the browser.

Everything that can fail on the command line fails here, before any screen is drawn,
as one error line: an unreadable file, a directory with nothing to read, a `--talk`
that names no talk. The browser receives a notebook (or a library and a loader for
its other files) and the talk to show first.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .common import (
    DEFAULT_NOTES_HELP,
    PROG,
    Parser,
    UsageError,
    add_layout,
    add_version,
    collector_paused,
    layout_of,
    notes_path,
    own_copy_hint,
)

if TYPE_CHECKING:
    from ..cache import ModelCache, Opened
    from ..formats.layout import Layout
    from ..library import Library, LibraryEntry
    from ..model import Notebook, Talk


@dataclass
class Start:
    """What the browser opens: the notes, the files still to load, the talk shown first."""

    source: Notebook | Library
    loader: Iterable[LibraryEntry] | None = None
    talk: Talk | None = None
    #: How the notes files read so far went through the cache (None: no cache).
    opened: Opened | list[Opened] | None = None


def resolve_start(
    path: str | None, talk: str | None = None, *, cache: bool = True, layout: Layout | None = None
) -> Start:
    """Load the notes at `path` (None: the default notes, see `notes_path`); find the `talk` to show first.

    A directory opens as a library: its first readable file now (a directory with
    nothing to read is `NotesError`), the rest while the browser runs, unless a talk
    was asked for, which may be in any file, so then all are read first. A talk that
    cannot be found is bad usage (`UsageError`). Notes files (a library's too) are
    read through the disk cache (see `qcon_tui.cache`) unless `cache` is False.
    """
    from ..library import Library, start_library
    from ..lookup import TalkNotFound, find_talk_in

    source: Notebook | Library
    loader: Iterable[LibraryEntry] | None = None
    opened: Opened | list[Opened] | None = None
    if path is not None and os.path.isdir(path):
        source, first, loader = start_library(path, _default_cache if cache else None, layout=layout)
        opened = [first.opened] if first.opened is not None else []
        if talk:
            for entry in loader:
                source = source.adding(entry)
                if entry.opened is not None:
                    opened.append(entry.opened)
            loader = None
    else:
        target = notes_path(path)
        with own_copy_hint(target):
            if cache and _worth_caching(target):
                from ..cache import default_cache, open_notes

                opened = open_notes(target, default_cache, layout=layout)
                source = opened.notebook
            else:
                from .. import load

                source = load(target, layout=layout)
    start: Talk | None = None
    if talk:
        notebooks = source.notebooks if isinstance(source, Library) else (source,)
        try:
            start = find_talk_in(notebooks, talk)
        except TalkNotFound as error:
            raise UsageError(str(error)) from None
    return Start(source, loader, start, opened)


def _default_cache() -> ModelCache | None:
    """The cache in its default folder, imported only once a library file is big enough for it."""
    from ..cache import default_cache

    return default_cache()


#: Smaller notes files parse faster than the cache could be checked (`cache.MIN_SOURCE_BYTES`);
#: for them the cache module is not even imported, so start-up stays at the floor.
CACHE_FROM_BYTES = 512 * 1024


def _worth_caching(path: str) -> bool:
    try:
        return os.path.getsize(path) >= CACHE_FROM_BYTES
    except OSError:
        return False  # `load` says what is wrong with it


#: A notes file this big takes a moment to read without the cache: the terminal is told.
PROGRESS_BYTES = 8 * 2**20


@contextmanager
def _reading_note(path: str | None) -> Iterator[None]:
    """Say "reading NAME (73 MiB)…" on a terminal while a big notes file loads, then wipe it.

    The browser's screen cannot show anything before the notes are read; without
    this a first open of a very large file is a blank terminal for seconds.
    """
    try:
        size = os.path.getsize(path) if path is not None and os.path.isfile(path) else 0
    except OSError:
        size = 0
    if size < PROGRESS_BYTES or not sys.stderr.isatty():
        yield
        return
    from ..model import clean

    name = clean(os.path.basename(path or ""))
    sys.stderr.write(f"{PROG}: reading {name} ({size / 2**20:.0f} MiB)…")
    sys.stderr.flush()
    try:
        yield
    finally:
        sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()


def cmd_browse(args: argparse.Namespace, commands: Iterable[str] = ()) -> int:
    """Open the browser on a notes file, or a directory of them (a library).

    The notes (a library's first readable file) load before any screen is drawn, so
    errors are one line; a library's other files load while the browser runs.
    """
    path = args.path
    if path is not None and not os.path.exists(path) and os.sep not in path and "." not in path:
        raise UsageError(f"no such command or file: {path!r} (commands: {', '.join(commands)})")
    # The collector stays off until the browser's first frame is up: the imports, the
    # notes and the first frame's widgets are all kept, so its passes would find
    # nothing to free and only delay the frame.
    layout = layout_of(args)
    with collector_paused() as resume:
        with _reading_note(path):
            start = resolve_start(path, args.talk, cache=not args.no_cache, layout=layout)
        from ..tui.app import QconApp

        app = QconApp(
            start.source,
            talk=start.talk,
            search=args.search,
            theme=args.theme,
            read_only=args.read_only,
            loader=start.loader,
            opened=start.opened,
            layout=layout,
            on_first_frame=resume,
            # A big notebook's index is hundreds of thousands of objects that live as
            # long as the notes: frozen once built, the collector's full passes (which
            # otherwise pause typing for 30-450 ms at 10,000 talks) never walk them.
            on_index_built=gc.freeze,
        )
        # Everything made so far (the modules, the notes) lives as long as the process:
        # frozen out of the collector's sight, its full passes never walk it again.
        gc.freeze()
        result = app.run(mouse=not args.no_mouse)
    return result if isinstance(result, int) else (app.return_code or 0)


def build_browse_parser() -> argparse.ArgumentParser:
    """The parser for the default command: the browser."""
    parser = Parser(
        prog=PROG,
        usage="%(prog)s [PATH] [--talk ID] [--search QUERY] [--theme NAME] [--no-mouse] [--read-only]\n"
        "       %(prog)s COMMAND ... (list, show, search, export, validate, ...; see --help)",
        description="Browse conference notes in the terminal.",
    )
    add_version(parser)
    parser.add_argument(
        "path",
        nargs="?",
        metavar="PATH",
        help=f"notes file, or a directory of them to browse as a library (default: {DEFAULT_NOTES_HELP})",
    )
    parser.add_argument("--talk", metavar="ID", help="open this talk (id or title)")
    add_layout(parser)
    parser.add_argument("--search", metavar="QUERY", help="start with this search")
    parser.add_argument("--theme", metavar="NAME", help="colour theme (default: picked for the terminal)")
    parser.add_argument("--no-mouse", action="store_true", help="do not capture the mouse")
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="neither read nor write the cache of parsed notes (also: QCON_TUI_NO_CACHE=1)",
    )
    parser.add_argument(
        "--read-only",
        action="store_true",
        help="hide editing, annotating and anything that starts an editor or a shell (as `serve` runs it)",
    )
    return parser
