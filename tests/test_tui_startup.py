"""Start-up: the first frame already has the final layout, and what can wait is not done before it.

Timings live in `benchmarks/bench_startup.py`; these tests catch the regressions that
would make it slower: a footer that fills in frames later, or rebuilds for nothing.
"""

from __future__ import annotations

import pytest
from textual.widget import Widget

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
