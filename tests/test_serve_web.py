"""`qcon-tui serve --web`: the page is self-contained and the browser runs behind it.

The server listens on 127.0.0.1 on a port the kernel picks; every request goes there,
every wait is bounded, and the server is stopped in teardown.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from tests.helpers import qcon_command

pytest.importorskip("textual_serve")
aiohttp = pytest.importorskip("aiohttp")

FIRST_TALK = "Security War Stories"


@dataclass
class WebServer:
    """A running `qcon-tui serve --web`."""

    process: subprocess.Popen[bytes]
    base: str
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def children(self) -> list[int]:
        """Pids of the server's child processes (the browsers)."""
        found: list[int] = []
        for task in Path(f"/proc/{self.process.pid}/task").glob("*"):
            with contextlib.suppress(OSError):
                found.extend(int(pid) for pid in (task / "children").read_text().split())
        return found


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """GET `url` (always this machine's server): status, headers, body."""
    assert urlsplit(url).hostname == "127.0.0.1"
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@contextlib.contextmanager
def running_server(folder: Path, *extra: str) -> Iterator[WebServer]:
    """Start `serve --web` on a free loopback port; stop it afterwards, whatever happened."""
    env = dict(os.environ)
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    env["QCON_TUI_STATE_DIR"] = str(folder / "state")
    env["XDG_DATA_HOME"] = str(folder / "xdg-data")
    log = folder / "server.log"
    with open(log, "wb") as log_file:
        process = subprocess.Popen(
            [*qcon_command(), "serve", "--web", "--host", "127.0.0.1", "--port", "0", *extra],
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=log_file,
            env=env,
        )
    try:
        deadline = time.monotonic() + 30
        while not (found := re.search(r"listening on (http://127\.0\.0\.1:\d+/)", log.read_text())):
            assert process.poll() is None, f"server exited: {log.read_text()}"
            assert time.monotonic() < deadline, f"server did not start: {log.read_text()}"
            time.sleep(0.1)
        yield WebServer(process, found.group(1), log)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebServer]:
    with running_server(tmp_path_factory.mktemp("web")) as running:
        yield running


def _references(html: str) -> list[str]:
    """Every URL the page refers to: attributes, CSS url(...), websocket addresses."""
    found = re.findall(r"""(?:src|href|data-[a-z-]*url)\s*=\s*["']([^"']*)["']""", html)
    found += re.findall(r"""url\(\s*["']?([^"')]+)""", html)
    return [url for url in found if url]


def test_the_page_refers_to_nothing_outside_the_server(server: WebServer) -> None:
    status, headers, body = fetch(server.base)
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    html = body.decode()
    assert "textual.js" in html
    own = urlsplit(server.base).netloc
    for scheme, netloc in re.findall(r"\b(https?|wss?)://([^/\"'\s<>)]+)", html):
        assert netloc == own, f"{scheme}://{netloc} is not this server"
    assert not re.search(r"""["'(]\s*//""", html), "a protocol-relative URL leaves the server"
    assert "googleapis" not in html and "cdn" not in html.lower()
    # The web browser is told so too: nothing may load from anywhere else.
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "font-src 'self'" in csp


def test_every_asset_the_page_needs_is_served(server: WebServer) -> None:
    _status, _headers, body = fetch(server.base)
    assets = [url for url in _references(body.decode()) if not url.startswith("ws")]
    assert any(url.endswith(".css") for url in assets)
    assert any(url.endswith(".js") for url in assets)
    seen: set[str] = set()
    queue = [urljoin(server.base, url) for url in assets]
    fonts = []
    while queue and len(seen) < 50:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        status, _headers, content = fetch(url)
        assert status == 200, url
        assert content, url
        if url.endswith(".css"):
            # Follow what a stylesheet loads in turn (the fonts).
            queue += [urljoin(url, ref) for ref in _references(content.decode())]
        if url.endswith((".ttf", ".woff", ".woff2")):
            fonts.append(url)
    assert fonts, "no font is served"
    assert all(urlsplit(url).netloc == urlsplit(server.base).netloc for url in seen)


def test_a_foreign_host_name_is_refused(server: WebServer) -> None:
    port = urlsplit(server.base).port
    status, _headers, _body = fetch(server.base, {"Host": f"attacker.example:{port}"})
    assert status == 421
    status, _headers, _body = fetch(server.base, {"Host": f"localhost:{port}"})
    assert status == 200


async def _terminal_output(server: WebServer, origin: str | None, seconds: float) -> bytes:
    """Open the terminal's websocket as the page would and collect what the browser draws."""
    url = urljoin(server.base.replace("http://", "ws://"), "ws?width=100&height=30")
    headers = {"Origin": origin} if origin else {}
    received = b""
    async with aiohttp.ClientSession() as session, session.ws_connect(url, headers=headers) as ws:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and FIRST_TALK.encode() not in received:
            try:
                message = await ws.receive(timeout=max(0.1, deadline - time.monotonic()))
            except TimeoutError:
                break
            if message.type == aiohttp.WSMsgType.BINARY:
                received += message.data
            elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                break
    return received


def test_the_page_s_terminal_runs_the_read_only_browser(server: WebServer) -> None:
    before = set(server.children())
    output = asyncio.run(_terminal_output(server, server.base.rstrip("/"), seconds=30))
    assert FIRST_TALK.encode() in output
    # The websocket is closed: its browser process goes too.
    deadline = time.monotonic() + 20
    while set(server.children()) - before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not set(server.children()) - before


def test_a_foreign_page_cannot_open_the_terminal(server: WebServer) -> None:
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        asyncio.run(_terminal_output(server, "http://attacker.example", seconds=5))
    assert refused.value.status == 403
    assert "refused websocket" in server.log_text()


async def _two_sessions(server: WebServer) -> int:
    """Hold one terminal open and try a second: the second's handshake status."""
    url = urljoin(server.base.replace("http://", "ws://"), "ws?width=80&height=24")
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as first:
        await first.receive(timeout=30)  # the first browser is running
        try:
            async with session.ws_connect(url):
                return 101
        except aiohttp.WSServerHandshakeError as error:
            return error.status


def test_sessions_are_capped(tmp_path: Path) -> None:
    with running_server(tmp_path, "--max-sessions", "1") as server:
        assert asyncio.run(_two_sessions(server)) == 503
        assert "too many sessions" in server.log_text()


def test_ctrl_c_stops_the_web_server(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    with open(log, "wb") as log_file:
        process = subprocess.Popen(
            [*qcon_command(), "serve", "--web", "--port", "0"],
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=log_file,
        )
    try:
        deadline = time.monotonic() + 30
        while "listening on" not in log.read_text():
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
        assert "stopped" in log.read_text()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=15)


def test_static_folders_are_not_listed(server: WebServer) -> None:
    for folder in ("static/", "static", "qcon-static/", "static/js/", "static/css/"):
        status, _headers, body = fetch(urljoin(server.base, folder))
        assert status in (403, 404), folder
        assert b"Index of" not in body and b"<ul>" not in body


def test_the_browser_runs_with_limits_in_its_own_group(server: WebServer) -> None:
    async def hold() -> tuple[bool, str]:
        url = urljoin(server.base.replace("http://", "ws://"), "ws?width=20000&height=20000")
        before = set(server.children())
        async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
            await ws.receive(timeout=30)
            deadline = time.monotonic() + 20
            while not (new := set(server.children()) - before) and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            pid = next(iter(new))
            facts = Path(f"/proc/{pid}/limits").read_text() + Path(f"/proc/{pid}/environ").read_text()
            return os.getpgid(pid) == pid, facts

    own_group, facts = asyncio.run(hold())
    assert own_group
    assert re.search(r"Max address space\s+\d+", facts)
    assert re.search(r"Max cpu time\s+\d+", facts)
    assert "COLUMNS=1000\0" in facts and "ROWS=400\0" in facts
    assert "unlimited" not in re.search(r"Max address space.*", facts).group()  # type: ignore[union-attr]
