"""Editing the notes file from the browser, and live reload when it changes on disk."""

from __future__ import annotations

import os
from pathlib import Path

from textual.pilot import Pilot

from qcon_tui import load
from qcon_tui.model import Talk
from qcon_tui.tui.app import QconApp
from qcon_tui.tui.editor import editor_command
from qcon_tui.tui.reload import NotesWatcher, carry_selection
from qcon_tui.tui.widgets.note_pane import NotePane
from qcon_tui.tui.widgets.talk_tree import TalkTree
from tests.test_tui_state import record_notifications
from tests.tui_helpers import THEME, pane_text, settle

NOTES = """# Conf

## Day 1

### Talk A

- a note

### Talk B

{body}

### Talk C

- c note
"""


def write_notes(path: Path, text: str) -> None:
    """Write the notes and make sure the change is visible to a stat (mtime and size)."""
    path.write_text(text, encoding="utf-8")
    stamp = os.stat(path).st_mtime_ns + 1_000_000
    os.utime(path, ns=(stamp, stamp))


def app_on(path: Path) -> QconApp:
    return QconApp(load(str(path)), theme=THEME)


async def wait_until(pilot: Pilot[object], condition, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    """Poll `condition` while the app runs (reload polls every half second)."""
    for _ in range(int(timeout / 0.1)):
        if condition():
            return
        await pilot.pause(0.1)
    await settle(pilot)
    assert condition()


# --------------------------------------------------------------------------- the editor command


def test_editor_command_prefers_visual_then_editor_then_vi() -> None:
    assert editor_command("/n.txt", 12, {"VISUAL": "code --wait", "EDITOR": "nano"}) == [
        "code",
        "--wait",
        "+12",
        "/n.txt",
    ]
    assert editor_command("/n.txt", 3, {"EDITOR": "emacs -nw"}) == ["emacs", "-nw", "+3", "/n.txt"]
    assert editor_command("/n.txt", None, {}) == ["vi", "--", "/n.txt"]
    assert editor_command("/n.txt", 0, {"VISUAL": "  ", "EDITOR": ""}) == ["vi", "--", "/n.txt"]
    assert editor_command("/a b.txt", 5, {"EDITOR": "'/opt/my editor/ed' -x"}) == [
        "/opt/my editor/ed",
        "-x",
        "+5",
        "/a b.txt",
    ]


async def test_e_without_a_terminal_says_so(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    write_notes(notes, NOTES.format(body="- b note"))
    app = app_on(notes)
    seen = record_notifications(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")  # the headless test driver cannot hand the terminal over
        await settle(pilot)
        assert any(severity == "error" and "terminal" in message for message, severity in seen)
        assert app.is_running


# --------------------------------------------------------------------------- live reload


def test_carry_selection_by_id_then_by_place(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    write_notes(notes, NOTES.format(body="- b note"))
    old = load(str(notes))
    write_notes(notes, NOTES.replace("### Talk B", "### Talk Zero\n\n- new\n\n### Talk B").format(body="- b"))
    new = load(str(notes))
    talk_b = old.talks[1]
    assert carry_selection(old, new, talk_b) is new.talk(talk_b.id)
    write_notes(notes, NOTES.replace("### Talk B", "### Renamed").format(body="- b"))
    renamed = load(str(notes))
    assert carry_selection(old, renamed, talk_b) is renamed.talks[1]  # same place
    assert carry_selection(old, renamed, old.days[0]) is renamed.days[0]
    assert carry_selection(old, renamed, old) is renamed


def test_watcher_sees_each_change_once(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    write_notes(notes, "# A\n")
    watcher = NotesWatcher(str(notes))
    assert not watcher.changed()
    write_notes(notes, "# AB\n")
    assert watcher.changed()
    assert not watcher.changed()
    notes.unlink()
    assert watcher.changed()
    assert not watcher.changed()


async def test_live_reload_keeps_the_talk_and_the_scroll(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    long_body = "\n\n".join(f"- line {n} of talk B" for n in range(60))
    write_notes(notes, NOTES.format(body=long_body))
    app = app_on(notes)
    seen = record_notifications(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        talk_b = app.browser.notebook.talks[1]
        app.browser.selected = talk_b
        await settle(pilot)
        pane = app.query_one(NotePane)
        pane.scroll_to(y=10, animate=False)
        await pilot.pause()
        assert pane.scroll_y == 10

        text = NOTES.replace("### Talk B", "### Talk New\n\n- inserted before B\n\n### Talk B")
        write_notes(notes, text.format(body=long_body + "\n\n- added on disk"))
        await wait_until(pilot, lambda: len(app.browser.notebook.talks) == 4)
        await settle(pilot)

        assert isinstance(app.browser.selected, Talk)
        assert app.browser.selected.id == talk_b.id
        assert app.browser.selected is app.browser.notebook.talks[2]  # the new object, moved down one
        tree = app.query_one(TalkTree)
        assert tree.cursor_node is not None and tree.cursor_node.data is app.browser.selected
        assert "Talk New" in [talk.title for talk in tree.listed_talks()]
        assert "added on disk" in pane_text(app)
        assert pane.scroll_y == 10
        assert ("Reloaded notes", "information") in seen

        # The search index is rebuilt: the new talk is found.
        await pilot.press("slash", *"inserted")
        await settle(pilot)
        hits = app.browser.session.hits.values()
        assert "talk-new" in {hit.talk.id for hit in hits}  # keyed by the talk object


async def test_an_invalid_file_keeps_the_last_good_notes(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    write_notes(notes, NOTES.format(body="- b note"))
    app = app_on(notes)
    seen = record_notifications(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        good = app.browser.notebook
        notes.write_bytes(b"# Conf\n\x00\x00 binary\n")
        await wait_until(pilot, lambda: any(severity == "error" for _message, severity in seen))
        assert app.browser.notebook is good
        assert any("binary" in message for message, severity in seen if severity == "error")
        assert "Talk A" in pane_text(app)

        # Fixed on disk: reloaded again.
        write_notes(notes, NOTES.format(body="- b note, fixed"))
        await wait_until(pilot, lambda: app.browser.notebook is not good)
        assert [talk.title for talk in app.browser.notebook.talks] == ["Talk A", "Talk B", "Talk C"]
