"""Serving trusts nothing from the client: sizes, frames, keys, and the life of each process.

The web server runs in this process on a free loopback port, with a stand-in browser
(a small script that reports what it was given, ignores SIGTERM and leaves a child
behind) so that what the server does to its processes can be watched exactly.
"""

from __future__ import annotations

import asyncio
import json
import resource
import shlex
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

pytest.importorskip("textual_serve")
aiohttp = pytest.importorskip("aiohttp")
asyncssh = pytest.importorskip("asyncssh")

from aiohttp import web  # noqa: E402

from qcon_tui.serve import (  # noqa: E402
    CHILD_CPU_SECONDS,
    CHILD_MEMORY_BYTES,
    MAX_COLUMNS,
    MAX_ROWS,
    clamp_size,
)
from qcon_tui.serve.ssh import key_refusal  # noqa: E402
from qcon_tui.serve.web import BrowserService, OfflineServer  # noqa: E402

#: A stand-in browser: reports its size, limits and a child's pid, then ignores SIGTERM.
STUBBORN = """
import json, os, resource, signal, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
child = os.fork()
if child == 0:
    time.sleep(600)
    os._exit(0)
report = {
    "pid": os.getpid(),
    "child": child,
    "pgid": os.getpgid(0),
    "columns": os.environ.get("COLUMNS"),
    "rows": os.environ.get("ROWS"),
    "as": resource.getrlimit(resource.RLIMIT_AS),
    "cpu": resource.getrlimit(resource.RLIMIT_CPU),
}
with open(sys.argv[1] + ".tmp", "w") as handle:
    json.dump(report, handle)
os.replace(sys.argv[1] + ".tmp", sys.argv[1])
sys.stdout.write("__GANGLION__\\n")
sys.stdout.flush()
time.sleep(600)
"""


def process_gone(pid: int) -> bool:
    """Whether process `pid` no longer runs (gone, or only a zombie is left)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[-1].split()[0] == b"Z"
    except FileNotFoundError:
        return True


def _stubborn_command(tmp_path: Path) -> tuple[str, Path]:
    script = tmp_path / "stubborn.py"
    script.write_text(STUBBORN)
    report = tmp_path / "report.json"
    return shlex.join([sys.executable, str(script), str(report)]), report


async def _wait_for(check, timeout: float = 20.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not (value := check()):
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)
    return value


def _report(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


async def _with_server(server: OfflineServer, body) -> None:  # type: ignore[no-untyped-def]
    runner = web.AppRunner(await server._make_app(), handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        await body(f"http://127.0.0.1:{port}")
    finally:
        await runner.cleanup()


@pytest.fixture(autouse=True)
def _short_graces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(BrowserService, "quit_grace", 0.3)
    monkeypatch.setattr(BrowserService, "term_grace", 0.3)


def test_a_session_counts_until_its_whole_process_group_is_gone(tmp_path: Path) -> None:
    command, report_path = _stubborn_command(tmp_path)
    server = OfflineServer(command, "127.0.0.1", 0, max_sessions=1)
    seen: dict = {}

    async def body(base: str) -> None:
        async with aiohttp.ClientSession() as session:
            ws = await session.ws_connect(f"{base.replace('http', 'ws')}/ws?width=20000&height=20000")
            seen.update(await _wait_for(lambda: _report(report_path)))
            assert server.sessions == 1
            await ws.close()
            # The moment the session stops counting, nothing of its browser may be left.
            await _wait_for(lambda: server.sessions == 0)
            seen["leader_gone"] = process_gone(seen["pid"])
            seen["child_gone"] = process_gone(seen["child"])

    asyncio.run(_with_server(server, body))
    assert seen["pgid"] == seen["pid"]  # its own process group
    assert seen["leader_gone"] and seen["child_gone"]
    # The absurd size the client asked for was clamped before the browser saw it.
    assert (int(seen["columns"]), int(seen["rows"])) == (MAX_COLUMNS, MAX_ROWS)
    assert seen["as"][0] <= CHILD_MEMORY_BYTES and seen["as"][0] != resource.RLIM_INFINITY
    assert seen["cpu"][0] <= CHILD_CPU_SECONDS and seen["cpu"][0] != resource.RLIM_INFINITY


def test_a_frame_that_is_not_json_is_one_log_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    command, report_path = _stubborn_command(tmp_path)
    server = OfflineServer(command, "127.0.0.1", 0)

    async def body(base: str) -> None:
        async with aiohttp.ClientSession() as session:
            ws = await session.ws_connect(f"{base.replace('http', 'ws')}/ws")
            await _wait_for(lambda: _report(report_path))
            for frame in ("not json\n{", '{"a": 1}', "[]", '["resize", {"width": "x"}]', '["ping", 1]'):
                await ws.send_str(frame)
            pong = await ws.receive(timeout=10)  # the frames before it were skipped, not fatal
            assert json.loads(pong.data) == ["pong", 1]
            await ws.close()
            await _wait_for(lambda: server.sessions == 0)

    asyncio.run(_with_server(server, body))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    malformed = [line for line in err.splitlines() if "ignored a malformed frame" in line]
    assert len(malformed) == 4
    assert "not?json?{" in malformed[0]  # the newline it held is not a second log line


class _Pipe:
    """What a browser's stdin received."""

    def __init__(self) -> None:
        self.data = b""

    def write(self, data: bytes) -> None:
        self.data += data

    async def drain(self) -> None:
        return None


def test_a_resize_frame_is_clamped() -> None:
    async def resize() -> bytes:
        async def ignore(*_args: object) -> None:
            return None

        service = BrowserService(
            "true", write_bytes=ignore, write_str=ignore, close=ignore, download_manager=None  # type: ignore[arg-type]
        )
        pipe = _Pipe()
        service._stdin = pipe  # type: ignore[assignment]
        await service.set_terminal_size(100_000, 100_000)
        await service.set_terminal_size(-5, 0)
        return pipe.data

    data = asyncio.run(resize())
    packets = []
    while data:
        size = int.from_bytes(data[1:5], "big")
        packets.append(json.loads(data[5 : 5 + size]))
        data = data[5 + size :]
    assert [(p["width"], p["height"]) for p in packets] == [(MAX_COLUMNS, MAX_ROWS), (80, 24)]


def test_clamp_size() -> None:
    assert clamp_size(20000, 20000) == (MAX_COLUMNS, MAX_ROWS)
    assert clamp_size(120, 40) == (120, 40)
    assert clamp_size(0, -1) == (80, 24)


# --------------------------------------------------------------------------- authorized_keys options

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("options", "refused"),
    [
        ({}, None),
        ({"from": ["127.0.0.1"]}, None),
        ({"no-port-forwarding": True, "no-agent-forwarding": True, "no-x11-forwarding": True}, None),
        ({"expiry-time": "20300101"}, None),
        ({"expiry-time": "20200101"}, "expired"),
        ({"expiry-time": "202606011159Z"}, "expired"),
        ({"expiry-time": "tomorrow"}, "unreadable expiry-time"),
        ({"no-pty": True}, "no-pty"),
        ({"restrict": True}, "restrict"),
        ({"restrict": True, "pty": True}, "restrict"),
        ({"command": "/bin/true"}, "option command is not supported"),
        ({"environment": {"A": "1"}}, "option environment is not supported"),
        ({"permitopen": {("h", 1)}}, "option permitopen is not supported"),
    ],
)
def test_authorized_keys_options_are_honoured_or_refuse_the_key(options: dict, refused: str | None) -> None:
    reason = key_refusal(options, NOW)
    if refused is None:
        assert reason is None
    else:
        assert reason is not None and refused in reason and "\n" not in reason


def test_the_options_are_read_as_asyncssh_reads_them(tmp_path: Path) -> None:
    key = asyncssh.generate_private_key("ssh-ed25519")
    public = key.export_public_key().decode().strip()
    for prefix, expected in (
        ('expiry-time="20200101" ', "expired"),
        ("no-pty ", "no-pty"),
        ("restrict ", "restrict"),
        ('command="id" ', "command"),
        ("", None),
    ):
        keys = asyncssh.import_authorized_keys(f"{prefix}{public}\n")
        options = keys.validate(key.convert_to_public(), "127.0.0.1", "127.0.0.1")
        assert options is not None
        reason = key_refusal(options)
        assert (reason is None) if expected is None else (expected in (reason or ""))


def test_limits_apply_to_a_child_before_it_runs() -> None:
    import subprocess

    from qcon_tui.serve import limit_child

    script = "import resource as r; print(r.getrlimit(r.RLIMIT_AS)[0], r.getrlimit(r.RLIMIT_CPU)[0])"
    before = resource.getrlimit(resource.RLIMIT_AS)
    result = subprocess.run(
        [sys.executable, "-c", script], preexec_fn=limit_child, capture_output=True, text=True, timeout=30
    )
    memory, cpu = (int(value) for value in result.stdout.split())
    assert 0 < memory <= CHILD_MEMORY_BYTES and 0 < cpu <= CHILD_CPU_SECONDS
    assert resource.getrlimit(resource.RLIMIT_AS) == before  # the server itself keeps its own
