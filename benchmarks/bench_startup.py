"""Time to first paint in a real pty (tmux), qcon-tui against a bare Textual app.

Each run starts the program in a fresh detached tmux session at 80x24 and polls
`capture-pane` until the first talk's title is on screen; peak RSS comes from the
kernel's accounting of the finished child. Runs of the two programs alternate, so
drift on a shared machine hits both alike; the ratio is the figure that matters.

    python benchmarks/bench_startup.py [--runs 10] [--quick] [--large 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
MARKER = "Security War Stories"
SOCKET = f"qcon-bench-{os.getpid()}"

#: Runs the command as a child and writes its peak RSS (KiB) to a file when it ends.
RSS_WRAPPER = """
import json, resource, subprocess, sys
out = sys.argv[1]
code = subprocess.call(sys.argv[2:])
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
open(out, "w").write(json.dumps({"maxrss_kib": usage.ru_maxrss, "code": code}))
"""


def tmux(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True)


def first_paint(command: list[str], marker: str, timeout: float = 30.0) -> tuple[float, float]:
    """Seconds until `marker` shows in the pane, and the program's peak RSS in MiB."""
    with tempfile.TemporaryDirectory() as tmp:
        rss_file = Path(tmp) / "rss.json"
        wrapper = Path(tmp) / "wrap.py"
        wrapper.write_text(RSS_WRAPPER)
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        env["TERM"] = "xterm-256color"
        full = [sys.executable, str(wrapper), str(rss_file), *command]
        start = time.perf_counter()
        subprocess.run(
            ["tmux", "-L", SOCKET, "new-session", "-d", "-s", "bench", "-x", "80", "-y", "24", *full],
            check=True,
            env=env,
        )
        elapsed = None
        while time.perf_counter() - start < timeout:
            screen = tmux("capture-pane", "-p", "-t", "bench").stdout
            if marker in screen:
                elapsed = time.perf_counter() - start
                break
            time.sleep(0.005)
        tmux("send-keys", "-t", "bench", "q")
        deadline = time.perf_counter() + 10
        while not rss_file.exists() and time.perf_counter() < deadline:
            time.sleep(0.02)
        tmux("kill-session", "-t", "bench")
        if elapsed is None:
            raise RuntimeError(f"{marker!r} never appeared for {' '.join(command)}")
        rss = json.loads(rss_file.read_text())["maxrss_kib"] / 1024 if rss_file.exists() else float("nan")
        return elapsed, rss


def qcon_command(*args: str) -> list[str]:
    script = Path(sys.executable).with_name("qcon-tui")
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "qcon_tui", *args]


def summarise(name: str, times: list[float], rss: list[float]) -> tuple[float, float]:
    median = statistics.median(times)
    print(
        f"  {name:<10} first paint median {median * 1000:7.1f} ms  "
        f"min {min(times) * 1000:7.1f} ms  max {max(times) * 1000:7.1f} ms  "
        f"peak RSS median {statistics.median(rss):6.1f} MiB"
    )
    return median, statistics.median(rss)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="runs of each program (alternated)")
    parser.add_argument("--quick", action="store_true", help="3 runs, no large-file run (for CI)")
    parser.add_argument("--large", type=int, default=10_000, help="talks in the large-file run (0: skip)")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("tmux is not installed: start-up benchmark skipped")
        return 0
    runs = 3 if args.quick else args.runs

    bare = [sys.executable, str(HERE / "bare_app.py"), MARKER]
    ours = qcon_command()
    first_paint(ours, MARKER)  # warm the file cache and bytecode for both
    first_paint(bare, MARKER)
    results: dict[str, tuple[list[float], list[float]]] = {"bare": ([], []), "qcon-tui": ([], [])}
    for _ in range(runs):
        for name, command in (("bare", bare), ("qcon-tui", ours)):
            elapsed, rss = first_paint(command, MARKER)
            results[name][0].append(elapsed)
            results[name][1].append(rss)

    print(f"start-up, bundled notes, {runs} alternated runs each, tmux 80x24:")
    bare_t, bare_rss = summarise("bare", *results["bare"])
    ours_t, ours_rss = summarise("qcon-tui", *results["qcon-tui"])
    print(
        f"  ratio qcon-tui / bare: time {ours_t / bare_t:.2f} (target <= 1.15), "
        f"peak RSS {ours_rss / bare_rss:.2f} (target <= 1.2)"
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
            times = [first_paint(qcon_command(str(path)), marker)[0] for _ in range(3)]
            print(
                f"  {args.large}-talk file ({path.stat().st_size / 2**20:.1f} MiB): first paint median "
                f"{statistics.median(times) * 1000:.0f} ms (target <= 2000 ms), "
                f"{statistics.median(times) / bare_t:.1f}x the bare app"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
