"""Topics benchmark: how long finding the topics takes by size, and what tops the list.

For each size a synthetic notebook (benchmarks/generate.py) is loaded, then
`topics()` runs on it. Baseline from the same run: building the search index over
the same notebook (`SearchIndex`), which reads every word once too. It prints the
time, the time per talk, the ratio to the baseline and, between sizes, how the time
grew against the number of talks (linear work grows like the talks). It also prints
the first topics of the bundled notes and of each real notes file in
../shared/notes-corpus when that folder is there. Nothing is asserted: it prints figures.

    .venv/bin/python benchmarks/bench_topics.py                 # 1000, 10000
    .venv/bin/python benchmarks/bench_topics.py --quick         # 200, 1000 (CI)
    .venv/bin/python benchmarks/bench_topics.py --sizes 10000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

import qcon_tui  # noqa: E402
from qcon_tui.model import Notebook  # noqa: E402
from qcon_tui.search import SearchIndex  # noqa: E402
from qcon_tui.topics import topics  # noqa: E402

CORPUS = REPO.parent / "shared" / "notes-corpus"
#: How many topics each top list shows.
TOP = 8


def timed(work: object) -> float:
    """Seconds one call of `work` takes."""
    start = time.perf_counter()
    work()  # type: ignore[operator]
    return time.perf_counter() - start


def top_terms(notebook: Notebook) -> str:
    """ "architecture (5), scale (4), ...": the first topics with their numbers of talks."""
    return ", ".join(f"{topic.term} ({len(topic.talks)})" for topic in topics(notebook, limit=TOP))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="sizes 200,1000 (for CI)")
    parser.add_argument("--sizes", default="1000,10000", help="numbers of talks, comma-separated")
    args = parser.parse_args(argv)
    sizes = [200, 1000] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]

    print(f"bundled notes: {top_terms(qcon_tui.load())}")
    if CORPUS.is_dir():
        for path in sorted(CORPUS.glob("*__*.md")):
            notebook = qcon_tui.load(str(path))
            print(f"{path.name[:48]} ({len(notebook.talks)} talks): {top_terms(notebook)}")

    previous: tuple[int, float] | None = None
    with tempfile.TemporaryDirectory() as folder:
        for n in sizes:
            path = Path(folder) / f"notes-{n}.txt"
            path.write_text(generate.generate(n), encoding="utf-8")
            notebook = qcon_tui.load(str(path))
            took = timed(lambda nb=notebook: topics(nb))
            index = timed(lambda nb=notebook: SearchIndex(nb))
            print(
                f"{n} talks: topics {took:.2f} s ({took / n * 1e3:.2f} ms a talk), "
                f"x{took / index:.1f} the search index build ({index:.2f} s)"
            )
            if previous is not None:
                talks, seconds = previous
                print(f"  {n / talks:.0f}x the talks took x{took / seconds:.1f} the time")
            previous = (n, took)
            print(f"  first: {top_terms(notebook)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
