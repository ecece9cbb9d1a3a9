"""Search never blocks the UI: on a large notebook, keys are handled while a search runs.

Rather than timing anything, the search is held mid-flight on purpose (the index's
`search` waits on an event) and the test shows that the app keeps drawing and
answering keys meanwhile; released, the held search delivers its results.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

from qcon_tui.search import SearchIndex
from qcon_tui.tui.widgets.note_pane import NotePane
from qcon_tui.tui.widgets.results_list import ResultsList
from qcon_tui.tui.widgets.search_input import SearchInput
from qcon_tui.tui.widgets.talk_tree import TalkTree
from tests.tui_helpers import make_app

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture(scope="module")
def large_notes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated notebook of 10,000 talks in the bundled plain-text format."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from generate import generate  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(BENCHMARKS))
    path = tmp_path_factory.mktemp("large") / "large.txt"
    path.write_text(generate(10_000), encoding="utf-8")
    return path


async def test_keys_are_handled_while_a_search_is_in_flight(large_notes: Path, monkeypatch) -> None:
    started = threading.Event()
    release = threading.Event()
    real_search = SearchIndex.search

    def held_search(self: SearchIndex, query: str, limit: int = 20):
        started.set()
        assert release.wait(30), "the test never released the search"
        return real_search(self, query, limit)

    monkeypatch.setattr(SearchIndex, "search", held_search)
    app = make_app(large_notes)
    assert len(app.browser.notebook.talks) == 10_000
    async with app.run_test(size=(80, 24)) as pilot:
        first = app.browser.selected
        await pilot.press("slash", "s", "e", "r", "v")
        for _ in range(200):  # bounded wait for the worker thread to enter the search
            if started.is_set():
                break
            await pilot.pause(0.02)
        assert started.is_set(), "the search never started"

        # The search is now stuck in its thread. The UI must still answer keys:
        # the search box takes more typing and Esc moves focus back to the tree.
        search = app.query_one(SearchInput)
        await pilot.press("e", "r")
        assert search.value == "server"
        await pilot.press("escape")
        assert app.focused is app.query_one(TalkTree)
        await pilot.press("right_square_bracket")
        assert app.browser.selected is not first, "] moved to the next talk while the search was held"
        assert app.query_one(NotePane).display

        # Released, the (now stale) held searches finish without disturbing anything,
        # and a new search delivers results.
        release.set()
        await app.workers.wait_for_complete()
        await pilot.press("slash", *"cloud")
        await app.workers.wait_for_complete()
        await pilot.pause()
        results = app.query_one(ResultsList)
        assert results.display and results.option_count > 0
