"""`qcon-tui serve`: the read-only browser for others, over SSH or in a web browser.

Registered by `qcon_tui.cli`. asyncssh and textual-serve
are an optional extra (`pip install 'qcon-tui[serve]'`), imported only in the handler.
"""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path
from typing import Any

from .common import DEFAULT_NOTES_HELP, DataError, Handler, UsageError, load_notebook, notes_path


def _positive(text: str) -> int:
    """argparse type: an integer of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _port(text: str) -> int:
    """argparse type: a TCP port (0 picks a free one)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("must be 0-65535")
    return value


def _require(*modules: str) -> None:
    """Stop with one line when the `serve` extra is not installed."""
    from ..serve import MISSING_EXTRA

    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError:
            raise DataError(MISSING_EXTRA) from None


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the read-only browser over SSH or the web until Ctrl-C."""

    if args.web and (args.authorized_keys or args.host_key):
        raise UsageError("--authorized-keys and --host-key go with --ssh")
    if args.ssh and not args.authorized_keys:
        raise UsageError("serve --ssh needs --authorized-keys FILE (the public keys allowed in)")
    _require(*(("asyncssh",) if args.ssh else ("textual_serve", "aiohttp")))
    # Read the notes once now, so a bad file is one error here, not one per visitor;
    # each visitor's browser then opens that same file.
    args.path = notes_path(args.path)
    load_notebook(args.path)

    if args.ssh:
        from ..serve.hostkey import default_host_key_path
        from ..serve.ssh import DEFAULT_MAX_SESSIONS, DEFAULT_PORT, ServeError, SSHServeOptions, run

        options = SSHServeOptions(
            path=args.path,
            authorized_keys=Path(args.authorized_keys),
            host_key=Path(args.host_key) if args.host_key else default_host_key_path(),
            host=args.host,
            port=DEFAULT_PORT if args.port is None else args.port,
            max_sessions=args.max_sessions or DEFAULT_MAX_SESSIONS,
        )
        try:
            return run(options)
        except ServeError as error:
            raise DataError(str(error)) from None

    from ..serve.web import DEFAULT_MAX_SESSIONS as WEB_MAX_SESSIONS
    from ..serve.web import DEFAULT_PORT as WEB_PORT
    from ..serve.web import WebServeError, run_web

    try:
        return run_web(
            args.path,
            host=args.host,
            port=WEB_PORT if args.port is None else args.port,
            max_sessions=args.max_sessions or WEB_MAX_SESSIONS,
        )
    except WebServeError as error:
        raise DataError(str(error)) from None


def register(sub: Any) -> dict[str, Handler]:
    """Add `serve` to `sub` (argparse subparsers); return its handler."""
    p = sub.add_parser(
        "serve",
        help="serve the read-only browser over SSH or the web",
        description="Serve the browser, read-only, to others: over SSH (public keys only; each "
        "session gets its own browser, never a shell) or in a web browser. Listens on "
        "127.0.0.1 unless --host says otherwise. Needs: pip install 'qcon-tui[serve]'.",
    )
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--ssh", action="store_true", help="serve over SSH (default port 2222)")
    mode.add_argument("--web", action="store_true", help="serve a web page (default port 8000)")
    p.add_argument("path", nargs="?", metavar="PATH", help=f"notes file (default: {DEFAULT_NOTES_HELP})")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=_port, metavar="PORT", help="port (default 2222 for --ssh, 8000 for --web)")
    p.add_argument(
        "--authorized-keys", metavar="FILE", help="--ssh: OpenSSH authorized_keys file of the keys allowed in"
    )
    p.add_argument(
        "--host-key",
        metavar="FILE",
        help="--ssh: the server's private key (made on first run; default: in the user data folder)",
    )
    p.add_argument(
        "--max-sessions", type=_positive, metavar="N", help="at most N browsers at once (default 8)"
    )
    return {"serve": cmd_serve}
