"""The speaker, time-slot and bold-title patterns on 100 KB lines, uncut: right answers.

Their callers cut a line short before trying them, but each must stand on its own:
these are the lines that made the former patterns backtrack over every way of
splitting a long run of spaces (hours on 100 KB). How the time grows is measured by
`benchmarks/bench_linear.py`; here only the results are checked.
"""

from __future__ import annotations

import pytest

from qcon_tui.formats.markdown import _NAME_SEP_RE
from qcon_tui.formats.markdown_meta import (
    _COMPANY_SEP_RE,
    _TIME_ONLY_RE,
    _TIME_PREFIX_RE,
    _name_and_company,
    _split_outside_parens,
    parse_speakers,
)
from qcon_tui.formats.sniff import _BOLD_RE
from qcon_tui.model import Speaker

RUN = " " * 100_000


def _names(text: str) -> list[str]:
    """The parts `_NAME_SEP_RE` splits `text` into, as the name check uses them."""
    return [part for part in map(str.strip, _NAME_SEP_RE.split(text)) if part]


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Ann" + RUN + "Bo", ["Ann" + RUN + "Bo"]),
        (RUN + "x", ["x"]),
        ("Ann" + RUN + "," + RUN + "Bo", ["Ann", "Bo"]),
        ("Ann" + RUN + "and" + RUN + "Bo" + RUN + "&" + RUN + "Cy", ["Ann", "Bo", "Cy"]),
        ("Brand" + RUN + "Andy", ["Brand" + RUN + "Andy"]),
    ],
    ids=["no-separator", "leading-run", "comma", "and-ampersand", "and-inside-words"],
)
def test_name_separator_on_a_long_run_of_spaces(text: str, parts: list[str]) -> None:
    assert _names(text) == parts


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("Ann" + RUN + "x", ["Ann" + RUN + "x"]),
        ("Ann" + RUN + "@" + RUN + "Co", ["Ann", "Co"]),
        ("Ann" + RUN + "from" + RUN + "Co" + RUN + "at" + RUN + "Lab", ["Ann", f"Co{RUN}at{RUN}Lab"]),
        ("Ann" + RUN + "@Co", ["Ann" + RUN + "@Co"]),
    ],
    ids=["no-separator", "at-sign", "first-only", "unspaced"],
)
def test_company_separator_on_a_long_run_of_spaces(text: str, pieces: list[str]) -> None:
    assert [piece.strip() for piece in _COMPANY_SEP_RE.split(text, maxsplit=1)] == pieces


@pytest.mark.parametrize(
    ("text", "slot"),
    [
        ("9" + RUN + "x", None),
        ("9" + RUN, ("9", None)),
        ("9:30" + RUN + "-" + RUN + "10:15", ("9:30", "10:15")),
        ("time:" + RUN + "(9" + RUN + "am" + RUN + "to 11" + RUN + ")", ("9" + RUN + "am", "11")),
        ("9" + RUN + "-" + RUN + "x", None),
        ("9" + RUN + "pm" + RUN, None),
    ],
    ids=["trailing-word", "trailing-run", "range", "labelled", "range-no-end", "space-after-pm"],
)
def test_time_slot_on_a_long_run_of_spaces(text: str, slot: tuple[str, str | None] | None) -> None:
    m = _TIME_ONLY_RE.match(text)
    assert (m and (m["a"].strip(), m["b"] and m["b"].strip())) == slot


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("9" + RUN, None),
        ("9:00" + RUN + "Title", "Title"),
        ("9:00" + RUN + "-" + RUN + "10:00" + RUN + "Title", "Title"),
        ("(9:00" + RUN + ")Title", ")Title"),
        ("9:00" + RUN + "|" + RUN + "Title" + RUN + "x", "Title" + RUN + "x"),
    ],
    ids=["no-title", "spaced", "range", "bracket-unspaced", "bar"],
)
def test_time_prefix_on_a_long_run_of_spaces(text: str, rest: str | None) -> None:
    m = _TIME_PREFIX_RE.match(text)
    assert (m and m["rest"]) == rest


def test_speakers_on_a_long_run_of_spaces() -> None:
    assert _split_outside_parens("Ann" + RUN + "x") == ["Ann" + RUN + "x"]
    assert _split_outside_parens("Ann" + RUN + "and" + RUN + "Bo (X" + RUN + "and Y)") == [
        "Ann",
        "Bo (X" + RUN + "and Y)",
    ]
    assert _name_and_company("Ann" + RUN + "x") is None
    assert _name_and_company("Ann" + RUN + "(Co" + RUN + ")") == ("Ann", "Co" + RUN)
    assert parse_speakers("speakers", "Ann" + RUN + "(Co), Bo" + RUN + "@" + RUN + "Lab") == (
        Speaker("Ann", "Co"),
        Speaker("Bo", "Lab"),
    )


@pytest.mark.parametrize(
    ("line", "colon"),
    [("**Title**" + RUN + "x", None), ("**Title**" + RUN, ""), ("__Title__" + RUN + ":" + RUN, ":")],
    ids=["trailing-word", "trailing-run", "colon"],
)
def test_bold_title_line_on_a_long_run_of_spaces(line: str, colon: str | None) -> None:
    m = _BOLD_RE.match(line)
    assert (m and m["colon"]) == colon
    assert m is None or m["text"] == "Title"
