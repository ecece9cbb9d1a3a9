"""Write a synthetic notebook of N talks in the bundled plain-text format.

Words come from the bundled QCon notes (at their real frequencies) mixed with a long
tail of made-up words drawn with Zipf-like weights, so the vocabulary grows with the
corpus as real notes do. Talk lengths are sampled from the real talks. The output
depends only on N and the seed.

    /tmp/venv/bin/python benchmarks/generate.py 100000 -o /tmp/notes-100k.txt
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import Counter
from itertools import accumulate
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from qcon_tui.formats.text import SMALL_WORDS, is_day_line, looks_like_title  # noqa: E402

SOURCE = REPO / "data" / "qcon-london-2017.txt"
TALKS_PER_DAY = 40
#: Share of words taken from the long tail rather than the real notes.
TAIL_SHARE = 0.3
TAIL_WORDS = 150_000
SYLLABLES = [c + v for c in "bcdfghjklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai", "ou")] + [
    "ex",
    "in",
    "on",
    "ar",
    "er",
    "ly",
    "tion",
    "ment",
    "ing",
]


class Words:
    """Draws words: real ones by their frequency in the bundled notes, or from the tail."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        text = SOURCE.read_text("utf-8").lower()
        counts = Counter(re.findall(r"[a-z0-9][a-z0-9'.+#-]*[a-z0-9+#]|[a-z]", text))
        self.real = list(counts)
        self.real_cum = list(accumulate(counts.values()))
        self.tail = self._tail_words()
        self.tail_cum = list(accumulate(1.0 / (rank + 8) for rank in range(len(self.tail))))
        self.real_lengths = self._real_lengths()

    def _tail_words(self) -> list[str]:
        seen: set[str] = set()
        words: list[str] = []
        while len(words) < TAIL_WORDS:
            word = "".join(self.rng.choices(SYLLABLES, k=self.rng.choice((2, 2, 3, 3, 3, 4))))
            if word not in seen:
                seen.add(word)
                words.append(word)
        return words

    @staticmethod
    def _real_lengths() -> list[int]:
        """Characters of notes per talk in the bundled file."""
        sys.path.insert(0, str(REPO))
        import qcon_tui

        lengths = [sum(len(t) for t in talk.texts()) for talk in qcon_tui.load(str(SOURCE)).talks]
        return [n for n in lengths if n] or [400]

    def draw(self, k: int) -> list[str]:
        """`k` words, mixing the real vocabulary and the tail."""
        tail_k = sum(1 for _ in range(k) if self.rng.random() < TAIL_SHARE)
        words = self.rng.choices(self.real, cum_weights=self.real_cum, k=k - tail_k)
        words += self.rng.choices(self.tail, cum_weights=self.tail_cum, k=tail_k)
        self.rng.shuffle(words)
        return words


def _title(words: Words) -> str:
    rng = words.rng
    while True:
        picked = words.draw(rng.randint(2, 8))
        title = " ".join(
            w if (i and w in SMALL_WORDS) else w[:1].upper() + w[1:] for i, w in enumerate(picked)
        ).rstrip(".,;:")
        if looks_like_title(title) and not is_day_line(title):
            return title


def _sentence(words: Words) -> str:
    rng = words.rng
    picked = words.draw(rng.randint(5, 22))
    if rng.random() < 0.3:
        picked[rng.randrange(len(picked))] += ","
    return " ".join(picked).rstrip(",") + rng.choice((".", ".", ".", ":", "!", "?"))


def _talk(words: Words, out: list[str]) -> None:
    rng = words.rng
    out += [_title(words), ""]
    budget = int(rng.choice(words.real_lengths) * rng.uniform(0.5, 1.5))
    while budget > 0:
        if rng.random() < 0.3:
            items = [" ".join(words.draw(rng.randint(2, 10))) for _ in range(rng.randint(2, 6))]
            lines = [f"  • {item}" for item in items]
        else:
            lines = [_sentence(words) for _ in range(rng.randint(1, 3))]
            while is_day_line(lines[0]) or looks_like_title(lines[0]):
                lines[0] = _sentence(words)
        out += [*lines, ""]
        budget -= sum(len(line) for line in lines)


def generate(n: int, seed: int = 2017) -> str:
    """The text of a notebook with `n` talks."""
    words = Words(random.Random(seed))
    out = [f"Generated Notes ({n} Talks)", ""]
    for i in range(n):
        if i % TALKS_PER_DAY == 0:
            out += [f"day {i // TALKS_PER_DAY + 1}", ""]
        _talk(words, out)
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("talks", type=int)
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("--seed", type=int, default=2017)
    args = parser.parse_args(argv)
    text = generate(args.talks, args.seed)
    Path(args.output).write_text(text, "utf-8")
    print(f"{args.output}: {args.talks} talks, {len(text) / 2**20:.1f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
