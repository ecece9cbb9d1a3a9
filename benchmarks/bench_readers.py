"""How well the readers find days and talks in real notes files written by others.

For each `NAME.md` in DIR with a truth in `DIR/truth/NAME.json`, the file is read as
`qcon-tui list --json` reads it, talks are flattened in order with their day index (days
with no talks skipped), and predicted titles are matched one to one with the true ones
(normalised, rapidfuzz similarity >= 85, best pairs first). It prints talk precision,
recall, F1 and day accuracy per file and their means; then how long the Markdown reader
takes on pathological lines of 10 KB and 100 KB under a talk (the ratio should stay
near 10: linear).

    python benchmarks/bench_readers.py [DIR] [--quick]

DIR defaults to ../shared/notes-corpus beside the repository; when it is absent the
corpus part is skipped.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "notes-corpus"
sys.path.insert(0, str(REPO))

from qcon_tui.formats import load  # noqa: E402
from qcon_tui.formats.markdown import read_markdown  # noqa: E402

THRESHOLD = 85

#: Lines that once made regex-based readers slow; each goes under one talk.
PATHOLOGICAL = {
    "backticks": lambda n: "a " + "`" * n,
    "brackets": lambda n: "[" * n,
    "open tag": lambda n: "<a" + " " * n + "x",
    "autolink": lambda n: "<a@" + "." * n,
    "digit bang": lambda n: "1" + " " * n + "!",
}


def normalise(title: str) -> str:
    """NFKC, lower case, punctuation to spaces, a leading `A.`-style letter dropped."""
    text = unicodedata.normalize("NFKC", title).lower()
    text = "".join(" " if unicodedata.category(ch).startswith(("P", "S")) else ch for ch in text)
    text = " ".join(text.split())
    return re.sub(r"^[a-z] (?=\S)", "", text) if re.match(r"^[a-z]\.", title.strip().lower()) else text


def similarity(a: str, b: str) -> float:
    """token_set_ratio, or plain ratio when either side is a single word."""
    if len(a.split()) <= 1 or len(b.split()) <= 1:
        return fuzz.ratio(a, b)
    return fuzz.token_set_ratio(a, b)


@dataclass
class Score:
    """The measures for one file."""

    name: str
    predicted: int
    true: int
    matched: int
    day_agree: int

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.true if self.true else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def day_accuracy(self) -> float:
        return self.day_agree / self.matched if self.matched else 0.0


def flatten(days: list[tuple[str | None, list[str]]]) -> list[tuple[str, int]]:
    """(title, day index) in order, days without talks skipped."""
    out: list[tuple[str, int]] = []
    index = 0
    for _name, talks in days:
        if not talks:
            continue
        out.extend((title, index) for title in talks)
        index += 1
    return out


def score(name: str, predicted: list[tuple[str, int]], truth: list[tuple[str, int]]) -> Score:
    """Match predicted and true talks one to one, best pairs first."""
    pairs = []
    for i, (p_title, _pd) in enumerate(predicted):
        for j, (t_title, _td) in enumerate(truth):
            s = similarity(normalise(p_title), normalise(t_title))
            if s >= THRESHOLD:
                pairs.append((-s, i, j))
    pairs.sort()
    used_p: set[int] = set()
    used_t: set[int] = set()
    agree = 0
    for _s, i, j in pairs:
        if i in used_p or j in used_t:
            continue
        used_p.add(i)
        used_t.add(j)
        agree += predicted[i][1] == truth[j][1]
    return Score(name, len(predicted), len(truth), len(used_p), agree)


def score_corpus(folder: Path) -> list[Score]:
    """One `Score` per notes file in `folder` that has a truth file."""
    scores = []
    for truth_path in sorted((folder / "truth").glob("*.json")):
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        notebook = load(folder / truth["file"])
        predicted = flatten([(day.title, [talk.title for talk in day.talks]) for day in notebook.days])
        expected = flatten([(day["name"], list(day["talks"])) for day in truth["days"]])
        scores.append(score(truth["file"], predicted, expected))
    return scores


def means(scores: list[Score]) -> tuple[float, float, float]:
    """(mean F1, worst F1, mean day accuracy)."""
    f1s = [s.f1 for s in scores]
    return sum(f1s) / len(f1s), min(f1s), sum(s.day_accuracy for s in scores) / len(scores)


def print_corpus(folder: Path) -> None:
    scores = score_corpus(folder)
    print(f"{'file':58} {'pred':>4} {'true':>4} {'P':>5} {'R':>5} {'F1':>5} {'day':>5}")
    for s in scores:
        print(
            f"{s.name[:58]:58} {s.predicted:4d} {s.true:4d} {s.precision:5.2f} {s.recall:5.2f}"
            f" {s.f1:5.2f} {s.day_accuracy:5.2f}"
        )
    mean_f1, worst, day = means(scores)
    p = sum(s.precision for s in scores) / len(scores)
    r = sum(s.recall for s in scores) / len(scores)
    print(f"{'mean':58} {'':4} {'':4} {p:5.2f} {r:5.2f} {mean_f1:5.2f} {day:5.2f}   (worst F1 {worst:.2f})")


def print_linearity(quick: bool) -> None:
    """Seconds to read each pathological line at 10 KB and 100 KB, and the ratio."""
    runs = 1 if quick else 3
    print(f"\n{'line under a talk':18} {'10 KB':>8} {'100 KB':>8} {'ratio':>6}")
    for label, make in PATHOLOGICAL.items():
        times = []
        for size in (10_000, 100_000):
            text = f"# Notes\n\n## A talk\n\n{make(size)}\n"
            best = float("inf")
            for _ in range(runs):
                start = time.perf_counter()
                read_markdown(text)
                best = min(best, time.perf_counter() - start)
            times.append(best)
        print(f"{label:18} {times[0]:8.4f} {times[1]:8.4f} {times[1] / max(times[0], 1e-9):6.1f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "dir", nargs="?", default=str(DEFAULT_CORPUS), help="folder of notes files and truth/"
    )
    parser.add_argument("--quick", action="store_true", help="one timing run instead of three")
    args = parser.parse_args(argv)
    folder = Path(args.dir)
    if (folder / "truth").is_dir():
        print_corpus(folder)
    else:
        print(f"no corpus at {folder}; skipped the reader scores")
    print_linearity(args.quick)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
