"""Random and mutated notes files through every reader: a model or one NotesError, never another
exception, and never time out of proportion to the input.

Examples are derandomized so CI sees the same inputs every run; set
`QCON_TUI_FUZZ_EXAMPLES` to run more (and random ones) by hand. The time bound is
deliberately loose (seconds, plus a millisecond per character): it only catches work
that grows out of proportion with the input (backtracking, cubic loops), which takes
minutes on inputs this size; the benchmark `bench_linear.py` measures the ratios.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qcon_tui.formats import NotesError, decode, parse
from qcon_tui.formats.schedule import parse_schedule
from qcon_tui.model import Notebook
from tests.helpers import BUNDLED

EXAMPLES = int(os.environ.get("QCON_TUI_FUZZ_EXAMPLES", "0"))
SETTINGS = settings(
    max_examples=EXAMPLES or 40,
    deadline=None,
    derandomize=not EXAMPLES,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = [BUNDLED.read_text(encoding="utf-8")[:6000]] + [
    path.read_text(encoding="utf-8")[:6000] for path in sorted(FIXTURES.glob("*.md"))[:8]
]

#: Pieces of every format's syntax, and of what breaks readers.
TOKENS = [
    "day 1", "Day 2:", "# ", "## ", "### ", "#### ", "- ", "* ", "+ ", "  • ", "1. ", "2) ", "> ",
    "---", "...", "===", "```", "~~~", "    ", "\t", "|", "| a | b |", "|---|", "**", "__", "*", "_",
    "`", "[", "]", "(", ")", "](", "<", ">", "<a", "@", "!", ":", "title:", "days:", "talks:",
    "notes:", "- title: ", "&a ", "*a", "!!python/object:os.system", "{", "}", "'", '"', "\\",
    "\x1b]2;x\x07", "\x1b[2J", "\x9b", "\u202e", "\x00", "\r", "\r\n", "\ufeff", "\ud800", "é", "𝄞",
    "speaker:", "Speaker: ", "09:30", "2pm", " ", "  ", "\n", "\n\n", "x", "Talk Title",
]

text_inputs = st.one_of(
    st.text(max_size=1500),
    st.lists(st.sampled_from(TOKENS), max_size=300).map("".join),
    st.lists(
        st.tuples(st.sampled_from(TOKENS), st.text(max_size=30)).map("".join), max_size=80
    ).map("\n".join),
)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A real notes file with pieces cut, repeated, swapped and inserted."""
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 8))):
        if not text:
            break
        start = draw(st.integers(0, len(text) - 1))
        end = min(len(text), start + draw(st.integers(0, 400)))
        kind = draw(st.sampled_from(["cut", "repeat", "insert", "swap"]))
        if kind == "cut":
            text = text[:start] + text[end:]
        elif kind == "repeat":
            text = text[:end] + text[start:end] * draw(st.integers(1, 4)) + text[end:]
        elif kind == "insert":
            text = text[:start] + draw(st.sampled_from(TOKENS)) * draw(st.integers(1, 50)) + text[start:]
        else:
            text = text[start:end] + text[:start] + text[end:]
    return text


def _within_proportional_time(run: Callable[[], object], size: int) -> object:
    """Run `run`; fail if it took out of all proportion to `size` characters."""
    started = time.perf_counter()
    result = run()
    elapsed = time.perf_counter() - started
    assert elapsed < 10.0 + size / 1000, f"{elapsed:.1f}s for {size} characters"
    return result


def _read_every_way(text: str) -> None:
    for fmt in ("text", "markdown", "yaml"):
        try:
            result = _within_proportional_time(lambda fmt=fmt: parse(text, fmt, "fuzz"), len(text))
        except NotesError as error:
            assert str(error) and "\n" not in error.message, repr(error.message)
        else:
            assert isinstance(result, Notebook)
    try:
        entries = _within_proportional_time(lambda: parse_schedule(text, "fuzz.schedule.yaml"), len(text))
    except NotesError as error:
        assert str(error)
    else:
        assert isinstance(entries, list)


@SETTINGS
@given(text_inputs)
def test_random_text_gives_a_model_or_one_notes_error(text: str) -> None:
    _read_every_way(text)


@SETTINGS
@given(mutated())
def test_mutated_notes_give_a_model_or_one_notes_error(text: str) -> None:
    _read_every_way(text)


@SETTINGS
@given(st.binary(max_size=2000))
def test_random_bytes_decode_to_text_or_one_notes_error(data: bytes) -> None:
    try:
        text = decode(data, "fuzz")
    except NotesError as error:
        assert "\n" not in error.message
        return
    _read_every_way(text)
