"""Linearity benchmark: every reader, and every pattern that sees user text, on pathological lines.

Each pathological line (runs of backticks, brackets, spaces, emphasis markers...) is
timed at a small and a ten times larger size, through:

- every reader (text, Markdown, YAML notes under a talk; a schedule field), the
  search index build and a query, rendering a talk, model cleaning and slugs;
- the speaker-name and time-slot helpers on the whole line (their callers cut it short);
- every compiled regular expression at module level in `qcon_tui` (found by walking
  the package), with `search`, which is how patterns meet user text.

It prints the time at each size and the ratio; linear work gives about 10. It asserts
that no ratio passes `MAX_RATIO` (30): a ratio, measured in one run, not a time. A
case is first run at sizes doubling from 256 characters; one that already takes over
`SLOW_SMALL` seconds on the way is reported as superlinear without running the larger
sizes (which could take hours).

    .venv/bin/python benchmarks/bench_linear.py            # 10 KB vs 100 KB
    .venv/bin/python benchmarks/bench_linear.py --quick    # 5 KB vs 50 KB, readers only (CI)
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import re
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import qcon_tui  # noqa: E402
from qcon_tui.formats import NotesError, parse  # noqa: E402

MAX_RATIO = 30.0

SLOW_SMALL = 2.0
#: Below this a time is set by caches and allocation, not by the algorithm: the ratio is
#: taken against at least this much (a quadratic case still shows: it passes it quickly).
FLOOR = 1e-4


def pathological(size: int) -> dict[str, str]:
    """Lines of about `size` characters, each of a kind known to make matchers backtrack."""
    n = size
    return {
        "backticks": "a " + "`" * n,
        "brackets": "[" * n,
        "tag-spaces": "<a" + " " * n + "x",
        "autolink-dots": "<a@" + "." * n,
        "digit-spaces": "1" + " " * n + "!",
        "stars": "*" * n + "a",
        "underscores": "_" * n,
        "image-opens": "![" * (n // 2),
        "link-opens": "[a](" * (n // 4),
        "bold-runs": "**a" * (n // 3),
        "pipes": "| " * (n // 2),
        "quotes": "> " * (n // 2) + "x",
        "indent": "  " * (n // 2) + "- x",
        "tabs": "\t" * n + "x",
        "time-spaces": "9" + " " * n + "pm",
        "clock-spaces": "9" + " " * n + "x",
        "name-spaces": "Ann" + " " * n + "x",
        "bold-spaces": "**a**" + " " * n + "x",
        "colons": ":" * n,
        "escapes": "\x1b[" * (n // 2),
        "word": "a" * n,
    }


def readers() -> dict[str, Callable[[str], object]]:
    """Every reader and transformation a line of notes goes through, by name."""
    from qcon_tui.formats.schedule import parse_schedule
    from qcon_tui.formats.sniff import looks_like_markdown
    from qcon_tui.model import clean, slugify
    from qcon_tui.ordering import start_minutes
    from qcon_tui.render import render_talk
    from qcon_tui.search import SearchIndex

    def parsed(fmt: str, text: str) -> object:
        try:
            return parse(text, fmt, "bench")
        except NotesError as error:
            return error

    def yaml_notes(line: str) -> object:
        quoted = line.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\x1b", "\\e")
        head = "title: t\ndays:\n  - title: d\n    talks:\n      - title: a\n"
        return parsed("yaml", f'{head}        notes: ["{quoted}"]\n')

    def schedule(line: str) -> object:
        quoted = line.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\x1b", "\\e")
        try:
            return parse_schedule(f'- title: a\n  room: "{quoted}"\n  start: "{quoted}"\n', "bench")
        except NotesError as error:
            return error

    def search(line: str) -> object:
        notebook = parse(f"Notes\n\nday 1\n\nA Talk\n\n{line}\n", "text", "bench")
        index = SearchIndex(notebook)
        return index.search(line[:40]), index.search("talk")

    def render(line: str) -> object:
        from rich.console import Console

        notebook = parse(f"Notes\n\nday 1\n\nA Talk\n\n{line}\n", "text", "bench")
        console = Console(file=open("/dev/null", "w"), width=100, color_system=None)  # noqa: SIM115
        console.print(render_talk(notebook, notebook.talks[0]))
        console.file.close()
        return None

    return {
        **uncut_calls(),
        "read text": lambda line: parsed("text", f"Notes\n\nday 1\n\nA Talk\n\n{line}\n"),
        "read markdown": lambda line: parsed("markdown", f"# Day 1\n\n## A Talk\n\n{line}\n"),
        "read markdown title": lambda line: parsed("markdown", f"# {line}\n\n## A Talk\n\nnotes\n"),
        "read yaml": yaml_notes,
        "read schedule": schedule,
        "sniff": looks_like_markdown,
        "search": search,
        "render": render,
        "clean": clean,
        "slugify": slugify,
        "start time": start_minutes,
    }


def uncut_calls() -> dict[str, Callable[[str], object]]:
    """The helpers for speaker names and time slots, called as they are used but on the whole line.

    Their callers cut a line to `MAX_FACT` (300) or 80 characters first; these must be
    linear without that cut.
    """
    from qcon_tui.formats import markdown, markdown_meta

    return {
        "names split uncut": markdown._NAME_SEP_RE.split,
        "company split uncut": lambda line: markdown_meta._COMPANY_SEP_RE.split(line, maxsplit=1),
        "time slot uncut": markdown_meta._TIME_ONLY_RE.match,
        "time prefix uncut": markdown_meta._TIME_PREFIX_RE.match,
        "speakers uncut": lambda line: markdown_meta.parse_speakers("speakers", line),
    }


def module_patterns() -> Iterator[tuple[str, re.Pattern[str]]]:
    """Every compiled `str` pattern held at module level by a module of `qcon_tui`."""
    seen: set[int] = set()
    for info in pkgutil.walk_packages(qcon_tui.__path__, "qcon_tui."):
        if info.name.endswith("__main__"):
            continue  # importing it runs the program
        try:
            module = importlib.import_module(info.name)
        except ImportError:
            continue
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern) and isinstance(value.pattern, str) and id(value) not in seen:
                seen.add(id(value))
                yield f"{info.name.removeprefix('qcon_tui.')}.{name}", value


def per_call(run: Callable[[], object], repeats: int, budget: float) -> float:
    """Seconds per call of `run`: calls are batched until a batch takes `budget`, best of `repeats`.

    Batching makes the time of a call of a few microseconds as exact as one of a second.
    """
    calls = 1
    while True:
        started = time.perf_counter()
        for _ in range(calls):
            run()
        elapsed = time.perf_counter() - started
        if elapsed >= budget or calls >= 4096:
            break
        calls *= 2 if elapsed > budget / 4 else 8
    best = elapsed / calls
    for _ in range(repeats - 1):
        started = time.perf_counter()
        for _ in range(calls):
            run()
        best = min(best, (time.perf_counter() - started) / calls)
    return best


Result = tuple[str, str, float, float | None]


def too_slow_early(run: Callable[[str], object], kind: str, small: int) -> float | None:
    """Climb to the small size by doubling from 256 characters; the time if a step passes `SLOW_SMALL`.

    Each step costs at most a few times the one before unless the case is badly
    superlinear, which this catches before a single call could take hours.
    """
    size = 256
    while size < small:
        started = time.perf_counter()
        run(pathological(size)[kind])
        elapsed = time.perf_counter() - started
        if elapsed > SLOW_SMALL:
            return elapsed
        size *= 2
    return None


def measure(
    cases: dict[str, Callable[[str], object]],
    small: int,
    repeats: int,
    budget: float,
    kinds: list[str] | None = None,
) -> list[Result]:
    """(case, line kind, small time, large time or None if the small one was already too slow)."""
    results: list[Result] = []
    lines_small, lines_large = pathological(small), pathological(small * 10)
    for case, run in cases.items():
        for kind in kinds or list(lines_small):
            if (t_early := too_slow_early(run, kind, small)) is not None:
                results.append((case, kind, t_early, None))
                continue
            t_small = per_call(lambda run=run, kind=kind: run(lines_small[kind]), repeats, budget)
            if t_small > SLOW_SMALL:
                results.append((case, kind, t_small, None))
                continue
            t_large = per_call(lambda run=run, kind=kind: run(lines_large[kind]), repeats, budget)
            results.append((case, kind, t_small, t_large))
    return results


def ratio_of(result: Result) -> float:
    """The large time over the small one (the small one floored at `FLOOR`); inf if too slow."""
    _case, _kind, t_small, t_large = result
    return float("inf") if t_large is None else t_large / max(t_small, FLOOR)


def remeasure_outliers(
    results: list[Result], cases: dict[str, Callable[[str], object]], small: int, repeats: int, budget: float
) -> list[Result]:
    """Measure a case over `MAX_RATIO` twice more and keep its best ratio.

    On a shared machine one measurement can be slowed by a neighbour; an algorithm that
    grows too fast is too fast every time, a disturbed measurement is not.
    """
    kept = []
    for result in results:
        case, kind = result[:2]
        for _ in range(2):
            if ratio_of(result) <= MAX_RATIO or result[3] is None:
                break
            [again] = measure({case: cases[case]}, small, repeats, budget, kinds=[kind])
            result = min(result, again, key=ratio_of)
        kept.append(result)
    return kept


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="5 KB vs 50 KB, readers only, one repeat (CI)")
    args = parser.parse_args()
    small = 5_000 if args.quick else 10_000
    repeats, budget = (2, 0.005) if args.quick else (3, 0.05)
    cases = readers()
    if not args.quick:
        for name, pattern in module_patterns():
            cases[f"re {name}"] = pattern.search
    lines = len(pathological(10))
    print(f"linearity: {len(cases)} cases x {lines} lines, {small // 1000} KB vs {small // 100} KB")
    results = measure(cases, small, repeats, budget)
    results = remeasure_outliers(results, cases, small, repeats, budget)
    worst: list[tuple[float, str]] = []
    for case, kind, t_small, t_large in results:
        if t_large is None:
            worst.append((float("inf"), f"{case} / {kind}: {t_small:.2f}s at the small size"))
            continue
        ratio = ratio_of((case, kind, t_small, t_large))
        if t_large > FLOOR:
            figures = f"{t_small * 1e3:.3f} ms -> {t_large * 1e3:.3f} ms, x{ratio:.1f}"
            worst.append((ratio, f"{case} / {kind}: {figures}"))
    worst.sort(reverse=True)
    print("slowest growth (ratio of the large to the small time; linear is about 10):")
    for _ratio, line in worst[:15]:
        print(f"  {line}")
    total_small = sum(r[2] for r in results)
    total_large = sum(r[3] or 0.0 for r in results)
    overall = total_large / max(total_small, FLOOR)
    print(f"all cases, one call each: {total_small:.2f}s small, {total_large:.2f}s large, x{overall:.1f}")
    failing = [line for ratio, line in worst if ratio > MAX_RATIO]
    if failing:
        print(f"FAIL: {len(failing)} case(s) grow faster than x{MAX_RATIO:g}:")
        for line in failing:
            print(f"  {line}")
        return 1
    print(f"ok: every ratio is under x{MAX_RATIO:g}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
