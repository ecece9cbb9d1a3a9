"""Keystroke to screen, end to end: the installed `qcon-tui` against interactive `fzf`.

Both programs run in a detached tmux session at 120x30 on the same generated corpus
(benchmarks/generate.py; fzf gets one line per talk, title then notes). Scripted
queries are typed one character at a time with `send-keys`, every prefix of each,
typos and one- and two-letter prefixes included. For each key the clock runs from
just before `send-keys` to the last change of the pane before it settles.

"Settled" means all of these, checked by polling `capture-pane` every few ms:

- the pane (text and colours, `capture-pane -e`) has not changed for QUIET seconds;
- no thread of the program was seen running or waiting for a CPU (state R in
  /proc/PID/task/*/stat) during that window, and it used less than IDLE_SHARE of
  one CPU over it, so a search or an index build still running in a worker
  thread, with nothing new on screen yet, does not count as settled, even on a
  machine so busy that the program waits for a CPU.

The key's time is when the last change was first seen (the end of that capture),
not the end of the quiet window. qcon-tui's search box blinks its cursor, so the
colours of the rows above the results (header and search box) are ignored; their
text still counts. Also printed: the time to first paint (the first talk's title
on screen; for fzf, every line read) and to ready (first paint, then settled: for
qcon-tui the search index is built, and stored in its cache, by then). qcon-tui
runs with a cache folder of its own, empty at first; after the typing it is
started once more to time a reopen with that cache.

    python benchmarks/bench_e2e.py                    # 10,000 and 100,000 talks
    python benchmarks/bench_e2e.py --sizes 10000      # one size
    python benchmarks/bench_e2e.py --quick            # 300 talks, 3 short queries (CI)
    python benchmarks/bench_e2e.py --no-fzf --app-args=--no-cache
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

SEED = 2017
WIDTH, HEIGHT = 120, 30
#: Seconds without a change (and without CPU use) before the pane counts as settled.
QUIET = 0.25
#: Share of one CPU the program may use during the quiet window and still count as idle.
IDLE_SHARE = 0.25
#: Seconds between two captures of the pane.
POLL = 0.004
#: Rows at the top of qcon-tui's screen (header, search box) compared as text only.
BLINK_ROWS = 4
KEY_TIMEOUT = 120.0
SIZE_ARGS = ("-x", str(WIDTH), "-y", str(HEIGHT))
SOCKET = f"qcon-e2e-{os.getpid()}"
TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

#: Typed one character at a time: real words, typos, two words, short words; and
#: long-tail words of the generated corpus (added by `session_queries`).
QUERIES = [
    "microservices",
    "facebok live",
    "serverless monitoring",
    "perfromance",
    "java 9",
    "deploy to production",
    "monitorng the services",
    "redis",
    "a",
    "containers state",
]
QUICK_QUERIES = ["micro", "facebok", "ja"]

_SGR_RE = re.compile(r"\x1b\[[0-9;:]*m")


def session_queries(quick: bool) -> list[str]:
    """The queries to type: `QUERIES` plus a rare and a misspelt word of the generated corpus."""
    if quick:
        return list(QUICK_QUERIES)
    tail = generate.Words(__import__("random").Random(SEED)).tail
    mid = tail[900]
    typo = mid[:2] + mid[3] + mid[2] + mid[4:] if len(mid) > 4 else mid + "x"
    return [*QUERIES, tail[60_000], typo]


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True).stdout


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process `pid` (every thread), 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def running(pid: int) -> bool:
    """Whether any thread of `pid` is running or runnable (state R in /proc)."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return False
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/stat", encoding="ascii") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] == "R":
                    return True
        except (OSError, IndexError):
            continue
    return False


@dataclass
class Program:
    """One program under test in its own tmux session."""

    name: str
    command: list[str]
    #: Text that shows once the program has painted its first useful screen.
    marker: str
    #: Rows at the top compared as text only (a blinking cursor lives there).
    text_only_rows: int = 0
    #: Environment variables set for the program (on top of this one's).
    env: dict[str, str] = field(default_factory=dict)
    pid: int = 0
    session: str = ""
    times: list[float] = field(default_factory=list)
    worst: tuple[str, float] = ("", 0.0)

    def env_args(self) -> list[str]:
        return [arg for name, value in self.env.items() for arg in ("-e", f"{name}={value}")]

    def capture(self) -> str:
        """The pane, normalised: colours kept except in the text-only rows."""
        screen = tmux("capture-pane", "-p", "-e", "-t", self.session)
        if not self.text_only_rows:
            return screen
        lines = screen.split("\n")
        top = [_SGR_RE.sub("", line) for line in lines[: self.text_only_rows]]
        return "\n".join(top + lines[self.text_only_rows :])

    def start(self) -> tuple[float, float]:
        """Launch; seconds to first paint (the marker) and to ready (then settled)."""
        self.session = f"e2e-{self.name}"
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "TMUX")}
        env["TERM"] = "xterm-256color"
        env.update(self.env)
        started = time.perf_counter()
        subprocess.run(
            # -e: a running tmux server gives new sessions its own environment, not ours.
            [
                "tmux",
                "-L",
                SOCKET,
                "new-session",
                "-d",
                "-s",
                self.session,
                *SIZE_ARGS,
                *self.env_args(),
                *self.command,
            ],
            check=True,
            env=env,
        )
        self.pid = int(tmux("display", "-p", "-t", self.session, "#{pane_pid}").strip() or 0)
        deadline = started + 600
        while time.perf_counter() < deadline:
            if self.marker in _SGR_RE.sub("", self.capture()):
                break
            time.sleep(POLL)
        else:
            raise RuntimeError(f"{self.name}: {self.marker!r} never appeared")
        painted = time.perf_counter() - started
        _changed, idle = self.settle(started)
        return painted, idle

    def settle(self, since: float) -> tuple[float, float]:
        """Wait until the pane settles: seconds from `since` to its last change, and to idle."""
        last = self.capture()
        changed_at = since
        quiet_from = time.perf_counter()
        cpu_from = cpu_seconds(self.pid)
        while True:
            time.sleep(POLL)
            screen = self.capture()
            now = time.perf_counter()
            if screen != last:
                last, changed_at, quiet_from = screen, now, now
                cpu_from = cpu_seconds(self.pid)
                continue
            if running(self.pid):  # a thread is on a CPU or waiting for one: not idle
                quiet_from, cpu_from = now, cpu_seconds(self.pid)
            elif now - quiet_from >= QUIET:
                cpu = cpu_seconds(self.pid)
                if cpu - cpu_from <= IDLE_SHARE * (now - quiet_from):
                    return changed_at - since, quiet_from - since
                quiet_from, cpu_from = now, cpu  # still working: wait another window
            if now - since > KEY_TIMEOUT:
                raise RuntimeError(f"{self.name}: the pane never settled")

    def key(self, keys: str, *, literal: bool = True, record: str | None = None) -> None:
        """Send `keys` and wait for the pane to settle; record the time under `record`."""
        started = time.perf_counter()
        tmux("send-keys", "-t", self.session, *(["-l", keys] if literal else [keys]))
        took, _idle = self.settle(started)
        if record is not None:
            self.times.append(took)
            if took > self.worst[1]:
                self.worst = (record, took)

    def stop(self) -> None:
        tmux("kill-session", "-t", self.session)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def type_queries(
    program: Program, queries: list[str], *, open_keys: list[str], clear_keys: list[str]
) -> None:
    """Type each query a character at a time (recording each key), then clear it."""
    for query in queries:
        for key in open_keys:
            program.key(key, literal=False)
        for end in range(1, len(query) + 1):
            program.key(query[end - 1], record=query[:end])
        for key in clear_keys:
            program.key(key, literal=False)


def fzf_input(notes: Path, folder: Path) -> Path:
    """The talks as fzf reads them: one line each, title then notes."""
    sys.path.insert(0, str(HERE.parent))
    import qcon_tui

    path = folder / f"fzf-e2e-{notes.stem}.txt"
    if not path.exists() or path.stat().st_mtime < notes.stat().st_mtime:
        with path.open("w", encoding="utf-8") as out:
            for talk in qcon_tui.load(str(notes)).talks:
                out.write(" ".join([talk.title, *talk.texts()]).replace("\n", " ") + "\n")
    return path


def qcon_command(notes: Path, extra: list[str]) -> list[str]:
    script = Path(sys.executable).with_name("qcon-tui")
    base = [str(script)] if script.exists() else [sys.executable, "-m", "qcon_tui"]
    return [*base, str(notes), *extra]


def first_title(notes: Path) -> str:
    """The first words of the first talk's title (a long title is cut in the tree)."""
    with notes.open(encoding="utf-8") as source:
        lines = [line.strip() for _, line in zip(range(12), source, strict=False)]
    title = next(line for line in lines[1:] if line and not line.lower().startswith("day "))
    return " ".join(title.split()[:2])


def summary(program: Program) -> str:
    times = program.times
    return (
        f"median {statistics.median(times) * 1000:7.0f} ms  p95 {percentile(times, 95) * 1000:7.0f} ms  "
        f"worst {max(times) * 1000:7.0f} ms ({program.worst[0]!r})"
    )


def bench_size(n: int, folder: Path, fzf: str | None, queries: list[str], app_args: list[str]) -> None:
    """Run qcon-tui (an empty cache, then reopened with it) and fzf on the `n`-talk corpus; print both."""
    notes = folder / f"notes-{n}-{SEED}.txt"
    if not notes.exists():
        notes.write_text(generate.generate(n, SEED), "utf-8")
    size = notes.stat().st_size
    keys = sum(len(q) for q in queries)
    print(
        f"\n== {n} talks ({size / 2**20:.1f} MiB), {keys} keys of {len(queries)} queries, "
        f"tmux {WIDTH}x{HEIGHT}"
    )
    cache = tempfile.TemporaryDirectory(prefix="qcon-e2e-cache-")
    ours = Program(
        "qcon-tui",
        qcon_command(notes, app_args),
        first_title(notes),
        text_only_rows=BLINK_ROWS,
        env={"QCON_TUI_CACHE_DIR": cache.name},
    )
    programs = [(ours, ["/"], ["Escape"])]
    if fzf:
        lines = fzf_input(notes, folder)
        total = sum(1 for _ in lines.open("rb"))
        command = ["sh", "-c", f"exec {shlex.quote(fzf)} < {shlex.quote(str(lines))}"]
        programs.append((Program("fzf", command, f"{total}/{total}"), [], ["C-u"]))
    results = []
    for program, open_keys, clear_keys in programs:
        try:
            painted, ready = program.start()
            type_queries(program, queries, open_keys=open_keys, clear_keys=clear_keys)
        finally:
            program.stop()
        results.append(program)
        print(f"  {program.name:<9} first paint {painted:6.2f} s  ready {ready:6.2f} s")
    reopen = Program("reopen", ours.command, ours.marker, text_only_rows=BLINK_ROWS, env=ours.env)
    try:
        painted, ready = reopen.start()
    finally:
        reopen.stop()
        stored = sum(path.stat().st_size for path in Path(cache.name).glob("*.qcache"))
        cache.cleanup()
    print(f"  qcon-tui  cache on disk {stored / 2**20:.1f} MiB = {stored / size:.2f}x the text")
    print(f"  qcon-tui  reopened with its cache: first paint {painted:6.2f} s  ready {ready:6.2f} s")
    for program in results:
        print(f"  {program.name:<9} keystroke -> screen  {summary(program)}")
    if len(results) == 2:
        ours, theirs = results
        print(
            "  ratio qcon-tui / fzf: median "
            f"{statistics.median(ours.times) / statistics.median(theirs.times):.2f}, "
            f"p95 {percentile(ours.times, 95) / percentile(theirs.times, 95):.2f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated talk counts")
    parser.add_argument("--quick", action="store_true", help="300 talks, 3 short queries (for CI)")
    parser.add_argument("--no-fzf", action="store_true", help="skip the fzf baseline")
    parser.add_argument("--app-args", default="", help="extra arguments for qcon-tui (one string)")
    parser.add_argument("--folder", default=None, help="where generated corpora are kept")
    args = parser.parse_args(argv)
    if shutil.which("tmux") is None:
        print("tmux is not installed: end-to-end benchmark skipped")
        return 0
    fzf = None if args.no_fzf else shutil.which("fzf")
    if fzf is None and not args.no_fzf:
        print("note: fzf is not installed; its baseline is skipped")
    sizes = [300] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    folder = Path(args.folder or Path(tempfile.gettempdir()) / "qcon-tui-bench")
    folder.mkdir(parents=True, exist_ok=True)
    queries = session_queries(args.quick)
    print(
        f"settled = pane unchanged for {QUIET * 1000:.0f} ms, no thread runnable and under "
        f"{IDLE_SHARE:.0%} of a CPU used meanwhile; a key's time is its last change"
    )
    # A session that outlives each program's own, so the server stays up between them.
    subprocess.run(["tmux", "-L", SOCKET, "new-session", "-d", "-s", "hold", "sleep", "86400"], check=True)
    try:
        for n in sizes:
            bench_size(n, folder, fzf, queries, shlex.split(args.app_args))
    finally:
        subprocess.run(["tmux", "-L", SOCKET, "kill-server"], capture_output=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
