"""The search pipeline: a query typed over never runs, a search typed before the index
exists runs once it does, and a big notebook says that its index is being built.

Nothing is timed: searches and the index build are held on events, and the tests
count the searches that ran.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from textual.widgets import Static

from qcon_tui.library import LibraryIndex
from qcon_tui.search import SearchIndex
from qcon_tui.tui import session as session_module
from qcon_tui.tui.screens import browser_search
from qcon_tui.tui.screens.browser_search import SearchLayer
from qcon_tui.tui.widgets.results_list import ResultsList
from tests.tui_helpers import make_app, settle


class Gate:
    """An event a worker thread waits on, bounded so a broken test cannot hang."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.opened = threading.Event()

    def wait(self) -> None:
        self.reached.set()
        assert self.opened.wait(30), "the test never opened the gate"


@pytest.fixture
def searches(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[list[str], Gate]]:
    """Every query the index searched, in order; the first search waits at the gate."""
    ran: list[str] = []
    gate = Gate()
    real_search = SearchIndex.search

    def counted_search(self: SearchIndex, query: str, limit: int = 20):  # type: ignore[no-untyped-def]
        ran.append(query)
        if len(ran) == 1:
            gate.wait()
        return real_search(self, query, limit)

    monkeypatch.setattr(SearchIndex, "search", counted_search)
    yield ran, gate
    gate.opened.set()


@pytest.fixture
def held_index(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    """The search index is built only once the gate opens."""
    gate = Gate()

    def held(*args: object, **kwargs: object) -> LibraryIndex:
        gate.wait()
        return LibraryIndex(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(session_module, "LibraryIndex", held)
    yield gate
    gate.opened.set()


async def wait_until(pilot: object, check: object) -> None:
    """Let the app run until `check()` holds (bounded; it never asserts on time)."""
    for _ in range(300):
        if check():  # type: ignore[operator]
            return
        await pilot.pause(0.02)  # type: ignore[attr-defined]
    raise AssertionError("never happened")


def index_status(app: object) -> str:
    status = app.query_one("#index-status", Static)  # type: ignore[attr-defined]
    return str(status.content) if status.display else ""


async def test_a_query_typed_over_while_a_search_runs_never_runs(searches: tuple[list[str], Gate]) -> None:
    ran, gate = searches
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "s")
        await wait_until(pilot, gate.reached.is_set)  # "s" is being searched, held
        await pilot.press(*"erverless")
        gate.opened.set()
        results = app.query_one(ResultsList)
        await wait_until(pilot, lambda: len(ran) == 2 and results.display)
        await settle(pilot)
        # "se", "ser", ... "serverles" were typed over before their turn: never searched.
        assert ran == ["s", "serverless"]
        assert results.hits
        assert all("serverless" in " ".join(hit.talk.texts()).lower() for hit in results.hits)


async def test_a_search_typed_before_the_index_exists_runs_once_it_does(held_index: Gate) -> None:
    ran: list[str] = []
    real_search = SearchIndex.search

    def counted(self: SearchIndex, query: str, limit: int = 20):  # type: ignore[no-untyped-def]
        ran.append(query)
        return real_search(self, query, limit)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SearchIndex, "search", counted)
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_until(pilot, held_index.reached.is_set)
            first = app.browser.selected
            await pilot.press("right_square_bracket")  # the tree works meanwhile
            assert app.browser.selected is not first
            await pilot.press("slash", *"redis")
            await pilot.pause()
            assert "then your search" in index_status(app)
            assert not app.query_one(ResultsList).display
            held_index.opened.set()
            results = app.query_one(ResultsList)
            await wait_until(pilot, lambda: results.display)
            await settle(pilot)
            assert ran == ["redis"]  # once, for the query in the box, not for each key
            assert results.hits and "redis" in " ".join(results.hits[0].talk.texts()).lower()
            assert index_status(app) == ""


async def test_a_big_notebook_says_its_index_is_being_built(
    held_index: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(browser_search, "INDEX_NOTICE_TALKS", 5)
    monkeypatch.setattr(SearchLayer, "INDEX_NOTICE_DELAY", 0.01)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: "indexing" in index_status(app))
        count = len(app.browser.notebook.talks)
        assert index_status(app) == f"indexing {count} talks…"
        held_index.opened.set()
        await wait_until(pilot, lambda: index_status(app) == "")


async def test_a_small_notebook_never_mentions_its_index(held_index: Gate) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, held_index.reached.is_set)
        await pilot.pause(SearchLayer.INDEX_NOTICE_DELAY * 2)
        assert index_status(app) == ""
