"""Start-up: the first frame already has the final layout, and what can wait is not done before it.

Timings live in `benchmarks/bench_startup.py`; these tests catch the regressions that
would make it slower: a footer that fills in frames later, or rebuilds for nothing.
"""

from __future__ import annotations

import gc

import pytest
from textual.widget import Widget

from qcon_tui.cli.common import collector_paused
from qcon_tui.tui.screens.browser import BrowserScreen
from qcon_tui.tui.widgets.key_footer import KeyFooter
from tests.tui_helpers import make_app, settle


def _keys(app) -> list[Widget]:
    """The footer's key widgets (Textual's `FooterKey`), left to right."""
    return list(app.screen.query_one(KeyFooter).query("FooterKey"))


async def test_the_first_frame_has_the_footer_keys_of_the_talk_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    """`start_background` runs once the first frame is up: by then the keys are drawn, star enabled."""
    seen: dict[str, bool] = {}
    real = BrowserScreen.start_background

    def first_frame_up(self: BrowserScreen) -> None:
        keys = {str(key.description): not key.disabled for key in _keys(self.app)}
        seen.update(keys)
        real(self)

    monkeypatch.setattr(BrowserScreen, "start_background", first_frame_up)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
    assert seen.get("Quit") is True and seen.get("Help") is True
    assert seen.get("Star") is True and seen.get("Note") is True  # the first talk is selected


async def test_the_footer_is_rebuilt_only_when_its_keys_change() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = _keys(app)
        for _ in range(3):
            app.screen.refresh_bindings()
        await settle(pilot)
        assert _keys(app) == before, "the same keys were rebuilt"
        assert all(key.is_attached for key in before)
        await pilot.press("slash")  # the search box has keys of its own
        await settle(pilot)
        after = _keys(app)
        assert after != before
        assert {"Open", "Clear"} <= {str(key.description) for key in after}


async def test_the_app_tells_its_first_frame_once_before_the_background_work_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    events: list[str] = []
    real = BrowserScreen.start_background

    def background(self: BrowserScreen) -> None:
        events.append("background")
        real(self)

    monkeypatch.setattr(BrowserScreen, "start_background", background)
    app = make_app(on_first_frame=lambda: events.append("first frame"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "k")
        await settle(pilot)
    assert events == ["first frame", "background"]


def test_the_collector_pause_can_end_early_and_never_turns_on_a_collector_that_was_off() -> None:
    was_enabled = gc.isenabled()
    try:
        gc.enable()
        with collector_paused() as resume:
            assert not gc.isenabled()
            resume()  # the browser's first frame is up
            assert gc.isenabled()
        assert gc.isenabled()
        gc.disable()
        with collector_paused() as resume:
            resume()
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        (gc.enable if was_enabled else gc.disable)()


async def test_the_app_tells_when_the_index_is_built_and_not_when_it_failed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The command line freezes the built index out of the collector: the hook runs once it exists."""
    built: list[bool] = []
    app = make_app(on_index_built=lambda: built.append(app.browser.session.index_ready()))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "j", "a", "v", "a")
        await settle(pilot)
    assert built == [True]

    from qcon_tui.tui.session import BrowserSession

    def broken(self: BrowserSession) -> None:
        raise MemoryError("no room")

    monkeypatch.setattr(BrowserSession, "ensure_index", broken)
    failed: list[str] = []
    app = make_app(on_index_built=lambda: failed.append("told"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "j", "a", "v", "a")
        await settle(pilot)
    assert failed == []


def test_the_browser_command_freezes_the_built_index(monkeypatch: pytest.MonkeyPatch) -> None:
    """`qcon-tui` hands `gc.freeze` to the app as its index hook (and runs nothing here)."""
    from qcon_tui.cli import main
    from qcon_tui.tui import app as app_module

    seen: dict[str, object] = {}

    class Recorder:
        return_code = 0

        def __init__(self, *args: object, **options: object) -> None:
            seen.update(options)

        def run(self, **options: object) -> int:
            return 0

    frozen: list[str] = []
    monkeypatch.setattr(app_module, "QconApp", Recorder)
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append("freeze"))  # the test process keeps its collector
    assert main([]) == 0
    hook = seen["on_index_built"]
    assert callable(hook)
    frozen.clear()
    hook()
    assert frozen == ["freeze"]
