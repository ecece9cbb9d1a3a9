"""Ranking quality on the bundled notes: the expected talk comes first for most queries.

The query list lives in tests/data/search_relevance.json; benchmarks/bench_search.py
reports top-1 accuracy and MRR over the same list.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import qcon_tui
from qcon_tui.search import SearchIndex

CASES = json.loads((Path(__file__).parent / "data" / "search_relevance.json").read_text("utf-8"))["queries"]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(qcon_tui.load())


def _rank(index: SearchIndex, query: str, expect: str) -> int | None:
    ids = [hit.talk.id for hit in index.search(query, limit=10)]
    return ids.index(expect) + 1 if expect in ids else None


def test_the_set_is_big_enough_and_names_real_talks(index: SearchIndex) -> None:
    ids = {talk.id for talk in index.notebook.talks}
    assert len(CASES) >= 25
    assert {case["expect"] for case in CASES} <= ids
    required = {"facebok", "redis", "jigsaw", "facebok live"}
    assert required <= {case["query"] for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=[case["query"] for case in CASES])
def test_expected_talk_in_top_three(index: SearchIndex, case: dict[str, str]) -> None:
    rank = _rank(index, case["query"], case["expect"])
    assert rank is not None and rank <= 3, f"{case['query']!r}: {case['expect']} ranked {rank}"


def test_top_one_for_nine_in_ten(index: SearchIndex) -> None:
    misses = [case["query"] for case in CASES if _rank(index, case["query"], case["expect"]) != 1]
    assert len(misses) <= len(CASES) * 0.1, f"not first: {misses}"
