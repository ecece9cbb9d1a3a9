"""Time to first paint in a real pty (tmux), qcon-tui against a bare Textual app.

Each run starts the program in a fresh detached tmux session at 80x24. The clock
starts when the program's process is spawned (a small wrapper notes the moment, so
neither tmux's start nor the wrapper's is counted) and stops when `capture-pane` first
shows the first talk's title and the last line's keys (a frame without its footer is not
the first full frame). The CPU time the program had used by then is read from /proc: on
a shared machine it varies much less than the time, though it counts in 10 ms ticks and
may include a few milliseconds of work done just after the paint. The run then waits
until the program has settled (no CPU used for a while), so work deferred past the
first frame still counts in the peak RSS, which comes from the kernel's accounting of
the finished child. The screen at the first paint is compared with the settled one:
lines that changed after the first frame are a layout that shifted (or marks filled
in late).

Runs of the two programs alternate, so drift on a shared machine hits both alike;
medians are reported, and the ratio is the figure that matters. The package's
bytecode is compiled first, as `pip install` does: an environment with
PYTHONDONTWRITEBYTECODE would otherwise recompile every module of ours on each start
while Textual's bytecode is already there.

    python benchmarks/bench_startup.py [--runs 15] [--quick] [--large 10000]
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
MARKER = "Security War Stories"
#: Text that only a full first frame shows: the first talk's title, and the last line's
#: keys (the bare app's search box is its last widget). A frame without its footer is
#: not the first frame the user waits for.
OURS_MARKERS = (MARKER, "Quit")
BARE_MARKERS = (MARKER, "search")
SOCKET = f"qcon-bench-{os.getpid()}"
#: A program has settled when it used no CPU over this long (seconds).
QUIET = 0.3
#: ...or after this long past the first paint, whatever it is still doing.
SETTLE_LIMIT = 5.0

#: Spawns the command, writes the spawn moment and the child's pid at once, and its
#: peak RSS (KiB) when it ends. `time.monotonic` is one clock for every process.
RSS_WRAPPER = """
import json, os, resource, subprocess, sys, time
out = sys.argv[1]
start = time.monotonic()
child = subprocess.Popen(sys.argv[2:])
with open(out + ".tmp", "w") as f:
    f.write(json.dumps({"start": start, "pid": child.pid}))
os.replace(out + ".tmp", out)
code = child.wait()
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(out + ".tmp", "w") as f:
    f.write(json.dumps({"start": start, "pid": child.pid, "maxrss_kib": usage.ru_maxrss, "code": code}))
os.replace(out + ".tmp", out)
"""


@dataclass
class Run:
    """One start of a program: seconds to the first paint, the CPU it had used by then (ms),
    peak RSS, lines changed after it."""

    seconds: float
    cpu_ms: float
    rss_mib: float
    shifted_lines: int


def tmux(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True)


def cpu_ticks(pid: int) -> int | None:
    """User plus system CPU ticks of `pid` so far (None once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rpartition(")")[2].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])


def settle(pid: int) -> None:
    """Wait until `pid` used no CPU for QUIET seconds (or SETTLE_LIMIT passed)."""
    deadline = time.monotonic() + SETTLE_LIMIT
    last = cpu_ticks(pid)
    quiet_since = time.monotonic()
    while time.monotonic() < deadline and last is not None:
        time.sleep(0.05)
        now = cpu_ticks(pid)
        if now != last:
            last, quiet_since = now, time.monotonic()
        elif time.monotonic() - quiet_since >= QUIET:
            return


def read_json(path: Path) -> dict[str, float]:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


#: The benchmark's own state, config and cache folders (set in `main`), never the user's.
HOMES: dict[str, str] = {}


def first_paint(command: list[str], markers: tuple[str, ...], timeout: float = 30.0) -> Run:
    """Start `command` in tmux; time its first paint of all `markers`, then settle and quit it."""
    with tempfile.TemporaryDirectory() as tmp:
        info_file = Path(tmp) / "run.json"
        wrapper = Path(tmp) / "wrap.py"
        wrapper.write_text(RSS_WRAPPER)
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        env["TERM"] = "xterm-256color"
        env.update(HOMES)
        full = [sys.executable, str(wrapper), str(info_file), *command]
        subprocess.run(
            ["tmux", "-L", SOCKET, "new-session", "-d", "-s", "bench", "-x", "80", "-y", "24", *full],
            check=True,
            env=env,
        )
        begun = time.monotonic()
        painted: float | None = None
        first_screen = ""
        while time.monotonic() - begun < timeout:
            screen = tmux("capture-pane", "-p", "-t", "bench").stdout
            if all(marker in screen for marker in markers):
                painted, first_screen = time.monotonic(), screen
                break
            time.sleep(0.003)
        info = read_json(info_file)
        ticks = cpu_ticks(int(info["pid"])) if "pid" in info else None
        if painted is not None and "pid" in info:
            settle(int(info["pid"]))
        settled_screen = tmux("capture-pane", "-p", "-t", "bench").stdout
        tmux("send-keys", "-t", "bench", "q")
        deadline = time.monotonic() + 10
        while "maxrss_kib" not in info and time.monotonic() < deadline:
            time.sleep(0.02)
            info = read_json(info_file)
        tmux("kill-session", "-t", "bench")
        if painted is None or "start" not in info:
            raise RuntimeError(f"{markers!r} never appeared for {' '.join(command)}")
        shifted = sum(a != b for a, b in zip_longest(first_screen.splitlines(), settled_screen.splitlines()))
        rss = info["maxrss_kib"] / 1024 if "maxrss_kib" in info else float("nan")
        cpu_ms = float("nan") if ticks is None else ticks * 1000 / os.sysconf("SC_CLK_TCK")
        return Run(painted - info["start"], cpu_ms, rss, shifted)


def qcon_command(*args: str) -> list[str]:
    script = Path(sys.executable).with_name("qcon-tui")
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "qcon_tui", *args]


def compile_package() -> None:
    """Write the package's bytecode, as an install does, whatever PYTHONDONTWRITEBYTECODE says."""
    import qcon_tui

    compileall.compile_dir(Path(qcon_tui.__file__).parent, quiet=1)


def summarise(name: str, runs: list[Run]) -> tuple[float, float, float]:
    """Print one program's figures; return its median time (ms), CPU (ms) and peak RSS (MiB)."""
    times = sorted(run.seconds * 1000 for run in runs)
    quartiles = statistics.quantiles(times, n=4) if len(times) > 1 else [times[0]] * 3
    median, rss = statistics.median(times), statistics.median(run.rss_mib for run in runs)
    cpu = statistics.median(run.cpu_ms for run in runs)
    print(
        f"  {name:<10} first paint median {median:6.1f} ms  "
        f"(quartiles {quartiles[0]:.0f}-{quartiles[2]:.0f}, min {times[0]:.0f}, max {times[-1]:.0f})  "
        f"CPU by then {cpu:4.0f} ms  peak RSS median {rss:5.1f} MiB  "
        f"lines changed after the first paint: {max(run.shifted_lines for run in runs)}"
    )
    return median, cpu, rss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each program (alternated)")
    parser.add_argument("--quick", action="store_true", help="5 runs, no large-file run (for CI)")
    parser.add_argument("--large", type=int, default=10_000, help="talks in the large-file run (0: skip)")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("tmux is not installed: start-up benchmark skipped")
        return 0
    runs = 5 if args.quick else args.runs
    compile_package()
    with tempfile.TemporaryDirectory() as homes:
        for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            HOMES[name] = os.path.join(homes, name.lower())
        return measure(args, runs)


def measure(args: argparse.Namespace, runs: int) -> int:
    """The runs themselves, with HOMES set."""

    bare = [sys.executable, str(HERE / "bare_app.py"), MARKER]
    ours = qcon_command()
    programs = {"bare": (bare, BARE_MARKERS), "qcon-tui": (ours, OURS_MARKERS)}
    for command, markers in programs.values():  # warm the file cache and a first start's writes
        first_paint(command, markers)
    results: dict[str, list[Run]] = {name: [] for name in programs}
    for index in range(runs):
        # Alternate which goes first too, so neither always follows the other.
        order = list(programs.items())
        for name, (command, markers) in order if index % 2 == 0 else order[::-1]:
            results[name].append(first_paint(command, markers))

    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"start-up, bundled notes, {runs} alternated runs each, tmux 80x24, from process spawn:")
    print(f"  (load average now {load} on {os.cpu_count()} CPUs: other work skews the figures)")
    bare_t, bare_cpu, bare_rss = summarise("bare", results["bare"])
    ours_t, ours_cpu, ours_rss = summarise("qcon-tui", results["qcon-tui"])
    print(
        f"  ratio qcon-tui / bare: time {ours_t / bare_t:.2f} (target <= 1.15), "
        f"peak RSS {ours_rss / bare_rss:.2f} (target <= 1.15); CPU used by the first paint "
        f"{ours_cpu / bare_cpu:.2f} (steadier than time on a busy machine; 10 ms ticks)"
    )

    if args.large and not args.quick:
        sys.path.insert(0, str(HERE))
        try:
            from generate import generate  # type: ignore[import-not-found]
        except ImportError:
            print("benchmarks/generate.py not available: large-file run skipped")
            return 0
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"notes-{args.large}.txt"
            path.write_text(generate(args.large), encoding="utf-8")
            from qcon_tui import load

            # The first two words: a long title wraps in the pane and is cut in the tree.
            marker = " ".join(load(path).talks[0].title.split()[:2])
            times = [first_paint(qcon_command(str(path)), (marker, "Quit")).seconds for _ in range(3)]
            print(
                f"  {args.large}-talk file ({path.stat().st_size / 2**20:.1f} MiB): first paint median "
                f"{statistics.median(times) * 1000:.0f} ms (target <= 2000 ms), "
                f"{statistics.median(times) * 1000 / bare_t:.1f}x the bare app"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
