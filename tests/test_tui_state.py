"""Your own layer in the browser: stars, notes, read marks, filters, orderings, read-only."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import TextArea

from qcon_tui.model import Talk
from qcon_tui.ordering import schedule_order, start_minutes
from qcon_tui.state import StateStore
from qcon_tui.tui.app import QconApp
from qcon_tui.tui.screens.annotate import AnnotateScreen
from qcon_tui.tui.screens.confirm import ConfirmScreen
from qcon_tui.tui.widgets.talk_tree import TalkTree
from tests.tui_helpers import TESTS, make_app, notebook, pane_text, settle, widget_text

TIME_SLOTS = TESTS / "fixtures" / "time-slots.md"


def record_notifications(app: QconApp) -> list[tuple[str, str]]:
    """Wrap `app.notify` to keep (message, severity) of every notification."""
    seen: list[tuple[str, str]] = []
    original = app.notify

    def notify(message: str, *, severity: str = "information", **kwargs: object) -> None:
        seen.append((str(message), severity))
        original(message, severity=severity, **kwargs)  # type: ignore[arg-type]

    app.notify = notify  # type: ignore[method-assign]
    return seen


def leaf_label(app: QconApp, talk: Talk) -> str:
    tree = app.query_one(TalkTree)
    node = tree.node_for(talk)
    assert node is not None
    return tree.row_label(node).plain


def store_for(app: QconApp) -> StateStore:
    return StateStore.for_notebook(app.browser.notebook)


# --------------------------------------------------------------------------- stars


async def test_s_stars_marks_the_tree_and_persists() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        third = app.browser.notebook.talks[2]
        await pilot.press("j", "j", "s")  # the keys arrive before the highlight messages
        await settle(pilot)
        assert app.browser.selected is third
        assert store_for(app).get(third.id).starred
        assert leaf_label(app, third).startswith("★ ")
        assert "★ The Hitchhiker's" in widget_text(app.query_one(TalkTree))

    again = make_app()
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        talk = again.browser.notebook.talks[2]
        assert leaf_label(again, talk).startswith("★ ")
        again.browser.selected = talk
        await pilot.press("s")
        await settle(pilot)
        assert not store_for(again).get(talk.id).starred
        assert not leaf_label(again, talk).startswith("★")


async def test_s_is_disabled_on_a_day() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.browser.selected = app.browser.notebook.days[0]
        await pilot.pause()
        assert app.browser.check_action("toggle_star", ()) is None
        await pilot.press("s")
        await settle(pilot)
        assert store_for(app).starred_ids() == set()


# --------------------------------------------------------------------------- notes


async def test_a_opens_the_dialog_and_ctrl_s_saves_the_note() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        talk = app.browser.notebook.talks[0]
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AnnotateScreen)
        await pilot.press(*"ask [bold] about it")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, AnnotateScreen)
        assert store_for(app).get(talk.id).annotation == "ask [bold] about it"
        text = pane_text(app)
        assert "Your note" in text
        assert "ask [bold] about it" in text  # shown as written, never as markup

        # Opening it again shows the saved note; the Save button saves an edit.
        await pilot.press("a")
        await pilot.pause()
        assert app.screen.query_one(TextArea).text == "ask [bold] about it"
        await pilot.press("end", "!")
        await pilot.click("#annotate-save")
        await settle(pilot)
        assert store_for(app).get(talk.id).annotation == "ask [bold] about it!"


async def test_escape_without_changes_just_closes() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert len(app.screen_stack) == 1
        assert store_for(app).get(app.browser.notebook.talks[0].id).annotation is None


async def test_escape_after_typing_asks_before_discarding() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"draft")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep editing
        await pilot.pause()
        assert isinstance(app.screen, AnnotateScreen)
        assert app.screen.query_one(TextArea).text == "draft"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")  # discard
        await settle(pilot)
        assert len(app.screen_stack) == 1
        assert store_for(app).get(app.browser.notebook.talks[0].id).annotation is None
        assert "Your note" not in pane_text(app)


# --------------------------------------------------------------------------- read marks


class FakeTimers:
    """Stands in for `set_timer`: records each callback, fires only when told.

    The read delay is about time on screen; a loaded machine stretches the gap
    between two keys, so the test drives the clock itself instead of sleeping.
    """

    def __init__(self) -> None:
        self.pending: list[FakeTimers.Timer] = []

    class Timer:
        def __init__(self, callback: Callable[[], object]) -> None:
            self.callback = callback
            self.stopped = False

        def stop(self) -> None:
            self.stopped = True

    def set_timer(self, delay: float, callback: Callable[[], object], **_: object) -> FakeTimers.Timer:
        timer = FakeTimers.Timer(callback)
        self.pending.append(timer)
        return timer

    def fire(self) -> int:
        """Run every timer that was not stopped; how many ran."""
        due = [timer for timer in self.pending if not timer.stopped]
        self.pending.clear()
        for timer in due:
            timer.callback()
        return len(due)


async def test_a_talk_becomes_read_after_a_moment_on_screen() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        timers = FakeTimers()
        app.browser.set_timer = timers.set_timer  # type: ignore[method-assign,assignment]
        first, second, third = app.browser.notebook.talks[:3]
        assert leaf_label(app, second).startswith("• ")  # unread
        # The second talk is left before its delay is up; the third stays on screen.
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(pilot)
        assert app.browser.selected is third
        assert timers.fire() == 1  # only the third talk's timer is still running
        await app.workers.wait_for_complete()
        await settle(pilot)
        store = store_for(app)
        assert store.get(third.id).read
        assert not store.get(second.id).read
        assert leaf_label(app, third).startswith("  ")
        assert leaf_label(app, second).startswith("• ")
        assert first.id  # the first talk may or may not have been read: its timer ran at start


# --------------------------------------------------------------------------- filters and orderings


async def test_f_cycles_filters_that_hide_talks() -> None:
    app = make_app()
    seen = record_notifications(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        talks = app.browser.notebook.talks
        store = store_for(app)
        store.star(talks[2])
        store.star(talks[9])
        store.mark_read(talks[4])
        await pilot.pause(0.7)  # the state poll picks the changes up
        await settle(pilot)
        tree = app.query_one(TalkTree)

        await pilot.press("f")
        await settle(pilot)
        assert app.browser.talk_filter == "starred"
        assert tree.listed_talks() == [talks[2], talks[9]]
        assert "starred" in str(tree.border_title)
        assert any("2 starred" in message for message, _ in seen)
        app.browser.selected = talks[2]
        await pilot.press("right_square_bracket")
        assert app.browser.selected is talks[9]  # `]` steps through the listed talks only

        await pilot.press("f")
        await settle(pilot)
        assert app.browser.talk_filter == "unread"
        listed = tree.listed_talks()
        assert talks[4] not in listed and talks[5] in listed

        await pilot.press("f")
        await settle(pilot)
        assert app.browser.talk_filter == "all"
        assert len(tree.listed_talks()) == len(talks)
        assert tree.border_title is None


async def test_w_shows_speakers_in_the_tree() -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        talk = next(t for t in app.browser.notebook.talks if t.speaker_label)
        assert "—" not in leaf_label(app, talk)
        await pilot.press("w")
        await pilot.pause()
        assert leaf_label(app, talk).endswith(f" — {talk.speaker_label}")
        await pilot.press("w")
        await pilot.pause()
        assert "—" not in leaf_label(app, talk)


async def test_o_sorts_each_day_by_start_time() -> None:
    app = make_app(TIME_SLOTS)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        tree = app.query_one(TalkTree)
        titles = [talk.title for talk in tree.listed_talks()]
        assert titles[1:3] == ["Scaling CI Pipelines", "Lightning Talks"]
        await pilot.press("o")
        await settle(pilot)
        titles = [talk.title for talk in tree.listed_talks()]
        assert titles == [
            "Welcome and Keynote",
            "Lightning Talks",
            "Scaling CI Pipelines",
            "Monitoring Matters",
        ]
        assert "by time" in str(tree.border_title)
        day = tree.root.children[0]
        assert [node.data.title for node in day.children] == titles


def test_schedule_order_keeps_untimed_talks_in_place() -> None:
    nb = notebook()
    day = nb.days[1]  # a keynote without a time, then timed and untimed talks
    ordered = schedule_order(day.talks)
    for original, now in zip(day.talks, ordered, strict=True):
        if start_minutes(original.start) is None:
            assert now is original
    assert [start_minutes("9:05"), start_minutes("2:30pm"), start_minutes("12am"), start_minutes("soon")] == [
        545,
        870,
        0,
        None,
    ]


# --------------------------------------------------------------------------- warnings and read-only


async def test_store_warnings_become_notifications(isolated_state: Path) -> None:
    nb = notebook()
    store = StateStore.for_notebook(nb)
    store.star(nb.talks[0])
    store.path.write_text("{ not json", encoding="utf-8")
    app = make_app()
    seen = record_notifications(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert any("moved it to" in message and severity == "warning" for message, severity in seen)


async def test_read_only_hides_writing_keys_and_the_screenshot_command(isolated_state: Path) -> None:
    app = make_app(read_only=True)
    app.browser.READ_DELAY = 0.05
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for action in ("toggle_star", "annotate", "edit", "cycle_filter", "suspend_process"):
            assert app.browser.check_action(action, ()) is False
        keys = {active.binding.key for active in app.active_bindings.values() if active.enabled}
        assert not keys & {"s", "a", "e", "f"}
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Screenshot" not in titles
        assert {"Theme", "Quit"} <= set(titles)
        await pilot.press("s", "a", "e")
        await pilot.pause(0.2)
        await settle(pilot)
        assert len(app.screen_stack) == 1
        assert "•" not in widget_text(app.query_one(TalkTree))
        help_sections = dict(app.browser.binding_sections())
        assert not [b for b in help_sections["Anywhere"] if getattr(b, "key", "") in ("s", "a", "e")]
    assert not list(isolated_state.glob("*.json")) if isolated_state.exists() else True


@pytest.mark.parametrize("read_only", [False, True])
def test_the_browse_command_takes_read_only(read_only: bool) -> None:
    from qcon_tui.cli.browse import build_browse_parser

    args = build_browse_parser().parse_args(["--read-only"] if read_only else [])
    assert args.read_only is read_only
    assert QconApp(notebook(), read_only=read_only).read_only is read_only


def test_state_file_is_json_after_a_star() -> None:
    nb = notebook()
    store = StateStore.for_notebook(nb)
    store.star(nb.talks[0])
    assert json.loads(store.path.read_text())["talks"][nb.talks[0].id]["starred"] is True
