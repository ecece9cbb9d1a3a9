"""`qcon-tui serve --web`: the read-only browser in a web page, with textual-serve.

textual-serve's own page loads its font stylesheet from a font CDN. This server's
page is self-contained instead: the template (in `templates/`) loads Roboto Mono from
`static/` here, textual-serve's script and stylesheet from its installed package, and
a Content-Security-Policy tells the web browser to load nothing from anywhere else.
So it works with no network at all, and a visitor's browser talks to no third party.

Each page load starts one read-only browser process (`qcon-tui PATH --read-only`), at
most `max_sessions` at once. The browser runs as its own process group, with memory and
CPU-time limits, at a window size clamped to 1000x400 whatever the client asks; when its
websocket closes the whole group is ended (asked to quit, then SIGTERM, then SIGKILL),
and the session counts against the cap until its process is gone.
When listening on a loopback address, requests must name a loopback host (this stops
DNS rebinding), and the terminal's websocket must come from this server's own page
(a foreign page cannot drive it).
"""

from __future__ import annotations

import asyncio
import json
import shlex
import signal
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from . import (
    app_command,
    clamp_size,
    clean_for_log,
    end_process_group,
    is_loopback,
    limit_child,
    log_line,
)

DEFAULT_PORT = 8000
DEFAULT_MAX_SESSIONS = 8
HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"

#: Where this package's static files (fonts) are served; textual-serve's stay at /static.
QCON_STATIC_ROUTE = "/qcon-static"

#: Host names accepted in the Host header when the server listens on a loopback address.
_LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}

#: Everything the page needs comes from here. Inline script and style are the
#: template's own (textual-serve's page uses both), and xterm.js sets inline styles.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class WebServeError(Exception):
    """The web server cannot start (the port is taken, say)."""


class BrowserService(AppService):
    """textual-serve's per-visitor process, kept on a leash.

    The browser starts without a shell, in its own session (so its process group can
    be ended as one), with memory and CPU limits; every window size is clamped; and
    `stop()` returns only once the whole group is gone.
    """

    #: Seconds the browser gets to quit on its own before SIGTERM, then before SIGKILL.
    quit_grace = 2.0
    term_grace = 1.0

    async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
        width, height = clamp_size(width, height)
        self._process = process = await asyncio.create_subprocess_exec(
            *shlex.split(self.command),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width=width, height=height),
            start_new_session=True,
            preexec_fn=limit_child,
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    @property
    def pid(self) -> int | None:
        """The browser's pid (also its process group), once started."""
        return None if self._process is None else self._process.pid

    async def set_terminal_size(self, width: int, height: int) -> None:
        """Pass a resize on, clamped to what a real screen could be."""
        await super().set_terminal_size(*clamp_size(width, height))

    async def stop(self) -> None:
        """Ask the browser to quit; end its process group if it does not; wait until it is gone."""
        process = self._process
        if self._task is not None:
            await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
            await self.send_meta({"type": "quit"})
        if process is not None:
            await end_process_group(
                process.wait, process.pid, grace=self.quit_grace, term_grace=self.term_grace
            )
        if self._task is not None:
            await self._task
            self._task = None


def _host_name(host_header: str) -> str:
    """`example.org:8000` → `example.org`; `[::1]:8000` → `::1`."""
    return (urlsplit(f"//{host_header}").hostname or "").lower()


class OfflineServer(Server):
    """textual-serve's server with a self-contained page and a few guards added."""

    def __init__(
        self,
        command: str,
        host: str,
        port: int,
        *,
        max_sessions: int = DEFAULT_MAX_SESSIONS,
        title: str = "qcon-tui",
    ) -> None:
        super().__init__(command, host=host, port=port, title=title, templates_path=TEMPLATES)
        self.private = is_loopback(host)
        self.allowed_hosts = {*_LOOPBACK_NAMES, host.strip("[]").lower()}
        self.max_sessions = max_sessions
        self.sessions = 0

    def initialize_logging(self) -> None:
        """Log through our one-line format, not textual-serve's console banner."""

    async def on_startup(self, app: web.Application) -> None:
        """textual-serve prints a logo here; the runner prints one line instead."""

    async def _make_app(self) -> web.Application:
        """textual-serve's routes, with static folders that are never listed."""
        app = web.Application()
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.get("/download/{key}", self.handle_download, name="download"),
                web.static("/static", self.statics_path, show_index=False, name="static"),
            ]
        )
        app.router.add_static(QCON_STATIC_ROUTE, STATIC, show_index=False, name="qcon-static")
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        app.middlewares.append(self._guard)
        return app

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """Drive one browser from one websocket; return only when its process is gone."""
        websocket = web.WebSocketResponse(heartbeat=15)
        width, height = clamp_size(
            to_int(request.query.get("width", "80"), 80), to_int(request.query.get("height", "24"), 24)
        )
        service: BrowserService | None = None
        try:
            await websocket.prepare(request)
            service = BrowserService(
                self.command,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,  # type: ignore[arg-type]  # its keyword arguments have defaults
                download_manager=self.download_manager,
                debug=self.debug,
            )
            await service.start(width, height)
            await self._pump(websocket, service, str(request.remote))
        except asyncio.CancelledError:
            await websocket.close()
        except (OSError, ConnectionError) as error:
            log_line("web", f"{request.remote}: session failed: {clean_for_log(str(error), 120)}")
        finally:
            if service is not None:
                await service.stop()
        return websocket

    async def _pump(self, websocket: web.WebSocketResponse, app_service: AppService, peer: str) -> None:
        """Pass the page's frames to the browser; a frame that is not one is logged in one line."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
                if not isinstance(envelope, list) or not envelope:
                    raise ValueError("not a list")
                kind = envelope[0]
                data: Any = envelope[1] if len(envelope) > 1 else None
                if kind == "stdin":
                    await app_service.send_bytes(str(data).encode("utf-8"))
                elif kind == "resize":
                    await app_service.set_terminal_size(int(data["width"]), int(data["height"]))
                elif kind == "ping":
                    await websocket.send_json(["pong", data])
                elif kind == "blur":
                    await app_service.blur()
                elif kind == "focus":
                    await app_service.focus()
            except (ValueError, TypeError, KeyError, IndexError, OverflowError):
                log_line(
                    "web",
                    f"{peer}: ignored a malformed frame: "
                    f"{clean_for_log(str(message.data), 60)}",
                )

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Refuse foreign Host names (on loopback), foreign websocket origins and sessions
        over the cap; add the CSP to every page and file."""
        host = _host_name(request.host)
        if self.private and host not in self.allowed_hosts:
            log_line("web", f"{request.remote}: refused Host {clean_for_log(request.host)}")
            raise web.HTTPMisdirectedRequest(text="qcon-tui: unknown host name\n")
        if request.path == "/ws":
            origin = request.headers.get("Origin")
            if origin is not None and urlsplit(origin).netloc.lower() != request.host.lower():
                log_line("web", f"{request.remote}: refused websocket from {clean_for_log(origin)}")
                raise web.HTTPForbidden(text="qcon-tui: this terminal only talks to its own page\n")
            if self.sessions >= self.max_sessions:
                log_line("web", f"{request.remote}: refused: too many sessions")
                raise web.HTTPServiceUnavailable(text="qcon-tui: the server is busy; try again later\n")
            started = time.monotonic()
            self.sessions += 1
            try:
                return await handler(request)
            finally:
                self.sessions -= 1
                log_line(
                    "web", f"{request.remote}: browser session ended ({time.monotonic() - started:.1f}s)"
                )
        response = await handler(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        """The page, with every URL on this server as the visitor reached it.

        textual-serve builds absolute URLs from the listening address, which is wrong
        for `--host 0.0.0.0` or behind a forwarded port; the request's Host is right.
        """
        scheme = "wss" if request.secure else "ws"
        return {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": f"{scheme}://{request.host}/ws",
            "config": {"static": {"url": "/static/"}},
            "qcon_static_url": f"{QCON_STATIC_ROUTE}/",
            "application": {"name": self.title},
        }


async def _serve(server: OfflineServer) -> None:
    """Run until SIGINT or SIGTERM, then close every websocket (ending their browsers)."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    runner = web.AppRunner(await server._make_app(), handle_signals=False, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, server.host, server.port)
        try:
            await site.start()
        except OSError as error:
            raise WebServeError(
                f"cannot listen on {server.host}:{server.port}: {error.strerror or error}"
            ) from None
        addresses = []
        for address in runner.addresses:
            host, port = address[:2]
            addresses.append(f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/")
        log_line("web", f"listening on {', '.join(sorted(addresses))}; Ctrl-C stops")
        await stop.wait()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        await runner.cleanup()
    log_line("web", "stopped")


def run_web(
    path: str | None,
    *,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    max_sessions: int = DEFAULT_MAX_SESSIONS,
) -> int:
    """Serve the read-only browser for the notes at `path` until Ctrl-C; returns the exit code."""
    server = OfflineServer(shlex.join(app_command(path)), host=host, port=port, max_sessions=max_sessions)
    asyncio.run(_serve(server))
    return 0
