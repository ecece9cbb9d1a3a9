"""Pathological lines of 20-100 KB under a talk, in every reader: read, never a hang.

The lines are those that once made the Markdown reader backtrack for minutes. Each
must give a model or one NotesError; how the time grows with the length is measured
by `benchmarks/bench_linear.py`, which asserts the 10 KB to 100 KB ratio.
"""

from __future__ import annotations

import pytest

from qcon_tui.formats import NotesError, parse
from qcon_tui.model import Notebook
from tests.test_fuzz_readers import _within_proportional_time


@pytest.mark.parametrize(
    "line",
    [
        "a " + "`" * 2000,
        "[" * 20000,
        "<a" + " " * 20000 + "x",
        "<a@" + "." * 100_000,
        "1" + " " * 100_000 + "!",
        "*" * 50_000 + "a",
        "_" * 50_000,
        "![" * 20000,
        "[a](" * 20000,
        "**a" * 20000,
        "| " * 50_000,
        "> " * 20000 + "x",
        "  " * 20000 + "- x",
    ],
    ids=lambda line: f"{line[:6]!r}x{len(line)}",
)
def test_pathological_lines_under_a_talk_are_read(line: str) -> None:
    """The Markdown, text and YAML readers each handle one long pathological line."""
    for fmt, text in (
        ("markdown", f"# Day 1\n\n## A Talk\n\n{line}\n"),
        ("text", f"Notes\n\nday 1\n\nA Talk\n\n{line}\n"),
        ("yaml", f"title: t\ndays:\n  - title: d\n    talks:\n      - title: a\n        notes: [{line!r}]\n"),
    ):
        try:
            notebook = _within_proportional_time(lambda fmt=fmt, text=text: parse(text, fmt, "p"), len(text))
        except NotesError:
            continue
        assert isinstance(notebook, Notebook)
