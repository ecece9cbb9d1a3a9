"""How your own layer looks: stars and unread dots in the tree, your note in the pane, the dialog.

At the design size, 80x24. State is written before the app starts (into the
test's own state folder), so every run paints the same marks.
"""

from __future__ import annotations

from textual.pilot import Pilot

from qcon_tui.state import StateStore
from qcon_tui.tui.widgets.search_input import SearchInput
from tests.tui_helpers import make_app, notebook, settle


async def _steady(pilot: Pilot[object]) -> None:
    pilot.app.query_one(SearchInput).cursor_blink = False
    await settle(pilot)


def _some_state() -> None:
    """Two stars, three talks read and a note on the first talk."""
    nb = notebook()
    store = StateStore.for_notebook(nb)
    talks = nb.talks
    for talk in (talks[0], talks[2]):
        store.star(talk)
    for talk in (talks[0], talks[1], talks[3]):
        store.mark_read(talk, at="2017-03-06T10:00:00Z")
    store.set_annotation(talks[0], "Ask about the webcam demo.\nFollow up: [IoT] security checklist.")


def test_tree_marks_and_your_note(snap_compare) -> None:
    _some_state()
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_steady)


def test_annotation_dialog(snap_compare) -> None:
    _some_state()

    async def annotate(pilot: Pilot[object]) -> None:
        await _steady(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("enter", *"more to read")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=annotate)


def test_starred_filter_by_time_with_speakers(snap_compare) -> None:
    _some_state()

    async def filtered(pilot: Pilot[object]) -> None:
        await _steady(pilot)
        await pilot.press("f", "o", "w")
        await settle(pilot)
        pilot.app.clear_notifications()
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=filtered)
