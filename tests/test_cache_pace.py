"""Writing the cache yields to the user: it waits between chunks while keys come in."""

from __future__ import annotations

import pytest

from qcon_tui import cache
from qcon_tui.cache import CHUNK_TALKS, SourceKey, encode_entry
from qcon_tui.model import Day, Notebook, Paragraph, Talk
from qcon_tui.search import SearchIndex
from qcon_tui.tui import session as session_module
from qcon_tui.tui.session import BrowserSession
from tests.tui_helpers import make_app, settle


def _notebook(talks: int) -> Notebook:
    made = [Talk(f"t{n}", f"Talk {n}", blocks=(Paragraph(f"notes of talk {n}"),)) for n in range(talks)]
    return Notebook("Paced", days=[Day("Day 1", made)])


def test_the_entry_is_paced_once_per_chunk_of_talks() -> None:
    notebook = _notebook(CHUNK_TALKS * 3 + 1)
    calls: list[int] = []
    key = SourceKey("/notes.txt", 1, "0" * 64)
    paced = encode_entry(key, notebook, SearchIndex(notebook), pace=lambda: calls.append(1))
    assert len(calls) == 4
    assert paced == encode_entry(key, notebook, SearchIndex(notebook))  # the same bytes


class _Clock:
    """A fake monotonic clock that `sleep` moves forward."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.naps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.naps.append(seconds)
        self.now += seconds


def test_the_pace_waits_while_the_user_types_and_not_after(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = _Clock()
    monkeypatch.setattr(session_module.time, "monotonic", clock.monotonic)
    monkeypatch.setattr(session_module.time, "sleep", clock.sleep)
    session = BrowserSession(_notebook(2))
    pace = session.make_pace()
    pace()
    assert clock.naps == []  # nobody typed: no wait
    session.last_input = clock.now - 0.1
    pace()
    assert sum(clock.naps) == pytest.approx(BrowserSession.TYPING_PAUSE - 0.1)
    assert clock.now - session.last_input >= BrowserSession.TYPING_PAUSE


def test_the_pace_gives_up_waiting_after_its_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """A user who never stops typing delays the write, but does not lose it."""
    clock = _Clock()
    monkeypatch.setattr(session_module.time, "monotonic", clock.monotonic)

    def typing_sleep(seconds: float) -> None:
        clock.sleep(seconds)
        session.last_input = clock.now  # another key came in meanwhile

    monkeypatch.setattr(session_module.time, "sleep", typing_sleep)
    session = BrowserSession(_notebook(2))
    pace = session.make_pace()
    session.last_input = clock.now
    for _ in range(200):
        pace()
    assert sum(clock.naps) == pytest.approx(BrowserSession.TYPING_WAIT)


async def test_every_key_is_noted_for_the_pace() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.browser.session.last_input == 0.0
        await pilot.press("slash", "j")
        await settle(pilot)
        first = app.browser.session.last_input
        assert first > 0.0
        await pilot.press("a")  # typed into the search box: still seen
        await settle(pilot)
        assert app.browser.session.last_input > first


def test_the_session_hands_its_pace_to_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    notebook = _notebook(3)
    seen: list[object] = []

    class Store:
        def store(self, key: object, notebook: object, index: object, pace: object = None) -> None:
            seen.append(pace)

    opened = cache.Opened(notebook, cache=Store(), key=SourceKey("/n.txt", 1, "0" * 64))  # type: ignore[arg-type]
    session = BrowserSession(notebook, opened=opened)
    session.ensure_index()
    assert len(seen) == 1 and callable(seen[0])
