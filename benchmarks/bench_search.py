"""Search benchmark: load, index build, index memory and per-keystroke latency by size.

For each size a synthetic notebook (benchmarks/generate.py) is loaded and indexed,
then a scripted typing session runs every prefix of ~30 queries (some misspelt)
through `SearchIndex.search`. Baselines from the same run: reading the file (for
load), one `str.split` pass over the text (for build), the text size (for memory)
and `fzf --filter` over the same talks, one line each (for latency). It also
reports top-1 accuracy and MRR of the relevance set on the bundled notes. Nothing
is asserted: it prints figures.

    /tmp/venv/bin/python benchmarks/bench_search.py                 # 1000, 10000, 100000
    /tmp/venv/bin/python benchmarks/bench_search.py --quick         # 200, 1000; well under a minute
    /tmp/venv/bin/python benchmarks/bench_search.py --sizes 10000
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

import qcon_tui  # noqa: E402
from qcon_tui.formats import read_text  # noqa: E402
from qcon_tui.search import SearchIndex, parse_query  # noqa: E402

RELEVANCE = REPO / "tests" / "data" / "search_relevance.json"
SEED = 2017

#: Typed one character at a time. Words of the real notes, typos, syntax, and a few
#: long-tail words of the generated corpus (filled in by `session_queries`).
QUERIES = [
    "microservices",
    "serverless monitoring",
    "facebook live video",
    "facebok live",
    "redis",
    "java 9 jigsaw",
    "monitoring alerts",
    "continuous performance testing",
    "microservcies architecture",
    "serverles architectur",
    "monitorng the services",
    "perfromance",
    "the app",
    "deploy to production",
    "api gateway lambda",
    "in:title serverless",
    "day:2 java",
    '"live video"',
    "containers state",
    "netflix chaos monkey",
    "scaling agile",
    "response times",
    "decentralised storage",
    "innovation",
    "a",
]


def session_queries(seed: int) -> list[str]:
    """`QUERIES` plus long-tail words (and a misspelling of one) from the generated corpus."""
    tail = generate.Words(random.Random(seed)).tail
    rare, common, mid = tail[60_000], tail[3], tail[900]
    typo = mid[:2] + mid[3] + mid[2] + mid[4:] if len(mid) > 4 else mid + "x"
    return [*QUERIES, common, f"{mid} {rare}", typo, f"microservices {common}", f"{common} {tail[40]}"]


def corpus_file(n: int, seed: int, folder: Path) -> Path:
    """The generated notebook of `n` talks, written once and reused."""
    path = folder / f"notes-{n}-{seed}.txt"
    if not path.exists():
        started = time.perf_counter()
        path.write_text(generate.generate(n, seed), "utf-8")
        print(f"  generated {path} in {time.perf_counter() - started:.1f} s")
    return path


def fzf_lines(notebook: qcon_tui.model.Notebook, folder: Path, n: int) -> Path:
    """The same talks for fzf: one line each, title then notes."""
    path = folder / f"fzf-{n}.txt"
    with path.open("w", encoding="utf-8") as out:
        for talk in notebook.talks:
            text = " ".join([talk.title, *talk.texts()]).replace("\n", " ")
            out.write(text + "\n")
    return path


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def ensure_fzf() -> str | None:
    """Path of fzf, installing it with apt-get if missing; None (with a note) if that fails."""
    found = shutil.which("fzf")
    if found:
        return found
    for command in (
        ["apt-get", "install", "-y", "fzf"],
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "fzf"],
    ):
        try:
            subprocess.run(command, capture_output=True, timeout=300, check=False)
        except (OSError, subprocess.TimeoutExpired):
            break
        if shutil.which("fzf"):
            return shutil.which("fzf")
    print("note: fzf is not installed and could not be installed; the fzf baseline is skipped")
    return None


def time_fzf(fzf: str, lines: Path, queries: list[str], repeat: int) -> list[float]:
    """Seconds per `fzf --filter` run for each query (best of `repeat`)."""
    times = []
    for query in queries:
        parsed = parse_query(query)
        words = " ".join(term.text for term in parsed.terms) or query
        best = float("inf")
        for _ in range(repeat):
            with lines.open("rb") as source:
                started = time.perf_counter()
                subprocess.run([fzf, "--filter", words], stdin=source, stdout=subprocess.DEVNULL, check=False)
                best = min(best, time.perf_counter() - started)
        times.append(best)
    return times


def corpus_chars(notebook: qcon_tui.model.Notebook) -> int:
    """UTF-8 bytes of every indexed string: titles, notes, speakers, tracks."""
    total = 0
    for talk in notebook.talks:
        total += (
            len(talk.title.encode()) + len(talk.speaker_label.encode()) + len((talk.track or "").encode())
        )
        total += sum(len(text.encode()) for text in talk.texts())
    return total


def bench_size(n: int, folder: Path, fzf: str | None, quick: bool) -> dict[str, float]:
    """Run every measurement for one corpus size and print it."""
    print(f"\n== {n} talks")
    path = corpus_file(n, SEED, folder)

    started = time.perf_counter()
    text = read_text(path)
    read_s = time.perf_counter() - started
    started = time.perf_counter()
    notebook = qcon_tui.load(str(path))
    load_s = time.perf_counter() - started
    print(f"  load           {load_s:8.2f} s   ({load_s / read_s:.0f}x reading the file: {ms(read_s)})")

    started = time.perf_counter()
    words = sum(len(s.lower().split()) for talk in notebook.talks for s in (talk.title, *talk.texts()))
    split_s = time.perf_counter() - started
    gc.collect()
    started = time.perf_counter()
    index = SearchIndex(notebook)
    build_s = time.perf_counter() - started
    print(
        f"  index build    {build_s:8.2f} s   ({build_s / split_s:.1f}x one str.split pass: {ms(split_s)}; "
        f"{words} words, {index.word_count} distinct, {index.posting_count} postings)"
    )
    del index
    gc.collect()

    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    index = SearchIndex(notebook)
    gc.collect()
    after, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    memory = after - before
    text_bytes = corpus_chars(notebook)
    print(
        f"  index memory   {memory / 2**20:8.1f} MiB ({memory / text_bytes:.2f}x the text, "
        f"{text_bytes / 2**20:.1f} MiB; peak while building {(peak - before) / 2**20:.1f} MiB)"
    )

    queries = session_queries(SEED)
    latencies: list[float] = []
    cpu: list[float] = []
    worst = ("", 0.0)
    keystrokes = 0
    for query in queries:
        for end in range(1, len(query) + 1):
            typed = query[:end]
            started, started_cpu = time.perf_counter(), time.process_time()
            index.search(typed, limit=20)
            took = time.perf_counter() - started
            cpu.append(time.process_time() - started_cpu)
            latencies.append(took)
            keystrokes += 1
            if took > worst[1]:
                worst = (typed, took)
    full = []
    for query in queries:
        started = time.perf_counter()
        index.search(query + " ", limit=20)  # a finished query, caches warm
        full.append(time.perf_counter() - started)
    p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
    print(
        f"  per keystroke  p50 {ms(p50)}  p95 {ms(p95)}  max {ms(worst[1])} ({worst[0]!r})  "
        f"over {keystrokes} keystrokes of {len(queries)} queries"
    )
    print(
        f"  ... CPU time   p50 {ms(percentile(cpu, 50))}  p95 {ms(percentile(cpu, 95))}  max {ms(max(cpu))}  "
        "(wall time above includes waiting for the CPU on a busy machine)"
    )
    result = {
        "talks": n,
        "load_s": load_s,
        "build_s": build_s,
        "memory_ratio": memory / text_bytes,
        "p95_ms": p95 * 1e3,
    }
    if fzf:
        lines = fzf_lines(notebook, folder, n)
        fzf_times = time_fzf(fzf, lines, queries, repeat=1 if n >= 50_000 or quick else 3)
        fzf_median = statistics.median(fzf_times)
        print(
            f"  fzf --filter   median {ms(fzf_median)}  p95 {ms(percentile(fzf_times, 95))}  per full query; "
            f"ours per keystroke p95 / fzf median = {p95 / fzf_median:.3f}; "
            f"ours per full query median {ms(statistics.median(full))}"
        )
        result["fzf_median_ms"] = fzf_median * 1e3
    del text
    return result


def relevance() -> tuple[float, float]:
    """Top-1 accuracy and mean reciprocal rank of the relevance set on the bundled notes."""
    cases = json.loads(RELEVANCE.read_text("utf-8"))["queries"]
    index = SearchIndex(qcon_tui.load())
    top1 = 0
    reciprocal = 0.0
    for case in cases:
        found = [hit.talk.id for hit in index.search(case["query"], limit=10)]
        if found[:1] == [case["expect"]]:
            top1 += 1
        if case["expect"] in found:
            reciprocal += 1 / (found.index(case["expect"]) + 1)
    print(
        f"\nrelevance: {len(cases)} queries, top-1 {top1 / len(cases):.1%}, MRR {reciprocal / len(cases):.3f}"
    )
    return top1 / len(cases), reciprocal / len(cases)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated talk counts")
    parser.add_argument("--quick", action="store_true", help="sizes 200,1000 (for CI)")
    parser.add_argument(
        "--folder", default=None, help="where generated corpora are kept (default: a temp dir)"
    )
    args = parser.parse_args(argv)
    sizes = [200, 1000] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    folder = Path(args.folder or Path(tempfile.gettempdir()) / "qcon-tui-bench")
    folder.mkdir(parents=True, exist_ok=True)
    print(f"python {sys.version.split()[0]}, corpora in {folder}")
    fzf = ensure_fzf()
    for n in sizes:
        bench_size(n, folder, fzf, args.quick)
    relevance()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
