"""The command line: `qcon-tui [PATH]` opens the browser; subcommands print.

Exit codes: 0 fine, 1 bad data, 2 bad usage. Errors are one line on stderr that
starts `qcon-tui: error:`; never a traceback. Each group of commands has its module
(`notes`, `state`, `topics`, `serve`; the browser in `browse`), sharing `common`.
Heavy imports (Textual, Rich, rapidfuzz, PyYAML) happen inside the command that
needs them, so start-up stays fast.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import io
import os
import sys
from collections.abc import Sequence

from .browse import build_browse_parser, cmd_browse
from .common import PROG, DataError, Handler, Parser, UsageError, add_version, err

__all__ = ["COMMANDS", "build_parser", "main"]

#: Each command, in the order `--help` lists them, and its group's module. The browser
#: (no command) imports none of them and builds none of their parsers: that is most of
#: the command line's start-up time. A test checks this against what the groups register.
COMMANDS: dict[str, str] = {
    **dict.fromkeys(("list", "show", "search", "export", "validate"), "notes"),
    **dict.fromkeys(("star", "unstar", "annotate", "takeaways", "where"), "state"),
    "topics": "topics",
    "serve": "serve",
}


#: The browser's own options (`qcon-tui [PATH] ...`), told in the main --help.
BROWSER_HELP = """\
the browser: qcon-tui [PATH] [options]
  PATH               a notes file or a directory of them (default: your copy
                     of the bundled notes if `e` made one, else the bundled
                     notes); move your copy away to open the bundled notes:
                     ~/.local/share/qcon-tui/qcon-london-2017.txt
  --talk TALK        start at this talk (its id, or part of its title)
  --search QUERY     start with this search typed
  --theme NAME       a colour theme (default: from COLORTERM, COLORFGBG, NO_COLOR)
  --read-only        no stars, notes, read marks, editing or shell
  --no-mouse         do not take over the mouse

Run 'qcon-tui COMMAND --help' for a command. Exit codes: 0 fine, 1 bad data or no
match, 2 bad usage."""


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Handler]]:
    """The subcommand parser, and the handler for each subcommand."""
    parser = Parser(
        prog=PROG,
        description="Browse, search and export conference notes. Without a command, opens the browser.",
        epilog=BROWSER_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_version(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    handlers: dict[str, Handler] = {}
    for name in dict.fromkeys(COMMANDS.values()):
        group = importlib.import_module(f"{__name__}.{name}")
        handlers.update(group.register(sub))
    return parser, handlers


def _dispatch(argv: Sequence[str]) -> int:
    first = next((arg for arg in argv if not arg.startswith("-")), None)
    wants_help = any(arg in ("-h", "--help") for arg in argv)
    if first in COMMANDS or (wants_help and first is None):
        parser, handlers = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 0
        return handlers[args.command](args)
    if argv and argv[0] == "--version":
        build_parser()[0].parse_args(["--version"])
    args = build_browse_parser().parse_args(argv)
    return cmd_browse(args, commands=COMMANDS)


#: Errors of writing to standard output: told as such, not as a bug.
_OUTPUT_ERRNOS = frozenset({errno.EBADF, errno.ENOSPC, errno.EIO, errno.EFBIG, errno.EDQUOT})


class _ClosedOutput(io.TextIOBase):
    """Standard output for a process started with it closed: every write fails, clearly."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")


def _silence_stdout() -> None:
    """After a failed write, send what is still buffered nowhere, so exit does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        sys.stdout = _ClosedOutput()
        sys.stdout.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    from ..formats import NotesError

    argv = list(sys.argv[1:] if argv is None else argv)
    if sys.stdout is None:  # started with `>&-`: a write must fail, not vanish
        sys.stdout = _ClosedOutput()
    try:
        try:
            code = _dispatch(argv)
        except SystemExit as exit_:  # argparse --help / --version: their output is checked too
            code = exit_.code if isinstance(exit_.code, int) else 0
        sys.stdout.flush()  # a full disk is found here, while it can still be told
        return code
    except UsageError as error:
        err(str(error))
        return 2
    except (NotesError, DataError) as error:
        err(str(error))
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`qcon-tui list | head`): not an error worth a word.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as error:
        if error.errno not in _OUTPUT_ERRNOS:
            return _internal_error(error)
        err(f"cannot write output: {error.strerror or error}")
        _silence_stdout()
        return 1
    except Exception as error:
        return _internal_error(error)


def _internal_error(error: Exception) -> int:
    """A bug of ours: still one line, with a way to see the details."""
    if os.environ.get("QCON_TUI_DEBUG"):
        raise error
    err(f"internal error: {type(error).__name__}: {error} (set QCON_TUI_DEBUG=1 to see the traceback)")
    return 1
