"""How the browser looks: the start screen, a search with results, the help and topics screens.

Each at the design size (80x24), a roomy one (120x40) and a narrow one (50x20).
Update with `pytest tests/snapshot_tests --snapshot-update` after checking the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from qcon_tui.tui.widgets.search_input import SearchInput
from tests.tui_helpers import library_app, make_app, settle, type_search, write_library

SIZES = [(80, 24), (120, 40), (50, 20)]
IDS = ["80x24", "120x40", "50x20"]


async def _steady(pilot: Pilot[object]) -> None:
    """No blinking cursor, no pending work: the same picture every run."""
    pilot.app.query_one(SearchInput).cursor_blink = False
    await settle(pilot)


async def _open_topics(pilot: Pilot[object]) -> None:
    """`t`, then wait until the view lists its topics: they are found in a worker that
    may not have started when the first `settle` looks, on a busy machine."""
    await pilot.press("t")
    for _ in range(400):
        await settle(pilot)
        if getattr(pilot.app.screen, "topics", None):
            break
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_start_screen(snap_compare, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(), terminal_size=size, run_before=_steady)


def test_header_without_schedule_facts(snap_compare) -> None:
    """A talk the schedule does not know: title and position, then straight to the notes."""

    async def open_uber(pilot: Pilot[object]) -> None:
        await _steady(pilot)
        await pilot.press("right_square_bracket", "right_square_bracket", "right_square_bracket")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=open_uber)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_search_with_results(snap_compare, size: tuple[int, int]) -> None:
    async def search(pilot: Pilot[object]) -> None:
        await _steady(pilot)
        await type_search(pilot, "serverless")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=search)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_opened_hit_with_matches(snap_compare, size: tuple[int, int]) -> None:
    async def open_hit(pilot: Pilot[object]) -> None:
        await _steady(pilot)
        await type_search(pilot, "facebok live")
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=open_hit)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_help_screen(snap_compare, size: tuple[int, int]) -> None:
    async def help_(pilot: Pilot[object]) -> None:
        await _steady(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=help_)


def test_ansi_theme_start_screen(snap_compare) -> None:
    assert snap_compare(make_app(theme="ansi-dark"), terminal_size=(80, 24), run_before=_steady)


@pytest.mark.parametrize("size", [(80, 24), (50, 20)], ids=["80x24", "50x20"])
def test_topics_view(snap_compare, size: tuple[int, int]) -> None:
    async def topics(pilot: Pilot[object]) -> None:
        await _steady(pilot)
        await _open_topics(pilot)
        await pilot.press("j", "j")  # the third topic: three talks, long titles wrap
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=topics)


def test_topic_chosen_filters_the_tree(snap_compare) -> None:
    async def choose(pilot: Pilot[object]) -> None:
        await _steady(pilot)
        await _open_topics(pilot)
        await pilot.press("enter")  # the first topic
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=choose)


def test_library_topics_view(snap_compare, tmp_path: Path) -> None:
    """A library's topics: each topic's talks under their conference."""
    directory = write_library(tmp_path / "conferences")

    async def topics(pilot: Pilot[object]) -> None:
        await _steady(pilot)
        await _open_topics(pilot)
        screen = pilot.app.screen
        index = [topic.term for topic in screen.topics].index("serverless")  # type: ignore[attr-defined]
        await pilot.press(*["j"] * index)
        await settle(pilot)

    assert snap_compare(library_app(directory), terminal_size=(80, 24), run_before=topics)


def test_library_tree(snap_compare, tmp_path: Path) -> None:
    """A directory as a library: its conferences in the tree (the first folded up), the
    library's overview in the pane, and the file that could not be read told in a toast."""
    directory = write_library(tmp_path / "conferences")
    assert snap_compare(
        library_app(directory), terminal_size=(80, 24), press=["g", "down", "h", "up"], run_before=_steady
    )
