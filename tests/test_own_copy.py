"""Your copy of the bundled notes: `e` offers to make it and edits it; without PATH, every
command opens it; your stars and notes stay with it; a broken copy says how to go back."""

from __future__ import annotations

import contextlib
import json
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from qcon_tui.cli.browse import resolve_start
from qcon_tui.model import Notebook, Talk
from qcon_tui.paths import OWN_COPY_HINT, bundled_notes, copy_bundled, own_copy
from qcon_tui.state import StateStore, notes_key, state_path_for
from qcon_tui.tui.app import QconApp
from qcon_tui.tui.screens.confirm import ConfirmScreen
from tests.helpers import BUNDLED, run_cli
from tests.test_tui_state import record_notifications
from tests.tui_helpers import THEME, notebook, settle

#: The fake editor: records its arguments and the file as it found it, then retitles the notes.
EDITOR = """import json, sys
with open(sys.argv[-1], encoding="utf-8") as notes:
    before = notes.read()
with open({record!r}, "w", encoding="utf-8") as record:
    json.dump({{"argv": sys.argv[1:], "before": before}}, record)
with open(sys.argv[-1], "w", encoding="utf-8") as notes:
    notes.write("Edited In My Copy" + before[before.index("\\n"):])
"""


@pytest.fixture
def fake_editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """$EDITOR is a script that records its argv and what it found (in the returned file), and edits."""
    record = tmp_path / "editor-argv.json"
    script = tmp_path / "editor.py"
    script.write_text(EDITOR.format(record=str(record)), encoding="utf-8")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}")
    return record


def terminal_handed_over(app: QconApp) -> None:
    """The headless test driver cannot suspend; pretend it did, so the editor really runs."""
    app.suspend = contextlib.nullcontext  # type: ignore[method-assign,assignment]


def bundled_app(**kwargs: object) -> QconApp:
    return QconApp(notebook(), theme=THEME, **kwargs)  # type: ignore[arg-type]


@contextlib.contextmanager
def no_copy_yet() -> Iterator[Path]:
    copy = own_copy()
    assert not copy.exists()
    yield copy


# --------------------------------------------------------------------------- `e` in the browser


async def test_e_on_the_bundled_notes_copies_them_on_yes_and_edits_the_copy(fake_editor: Path) -> None:
    copy = own_copy()
    assert not copy.exists()
    app = bundled_app()
    terminal_handed_over(app)
    seen = record_notifications(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = app.browser.selected
        assert isinstance(shown, Talk)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "bundled" in app.screen.question
        assert not copy.exists()  # nothing happens before the answer

        await pilot.press("y")
        await settle(pilot)
        record = json.loads(fake_editor.read_text(encoding="utf-8"))
        assert record["argv"][-1] == str(copy)
        assert record["argv"][0] == f"+{shown.line}"  # the talk on screen, at its line in the copy
        # The editor found the bundled notes, exactly; the bundled file itself is untouched.
        assert record["before"] == bundled_notes().read_text(encoding="utf-8")
        assert copy.read_text(encoding="utf-8").startswith("Edited In My Copy\n")
        assert not bundled_notes().read_text(encoding="utf-8").startswith("Edited")
        assert any(copy.name in message and severity == "information" for message, severity in seen)

        # The browser now shows (and watches) the copy.
        for _ in range(50):
            if app.browser.notebook.source == str(copy):
                break
            await pilot.pause(0.1)
        assert app.browser.notebook.source == str(copy)
        assert app.browser.notebook.title == "Edited In My Copy"
        assert app.title == "Edited In My Copy (your copy)"


async def test_e_on_the_bundled_notes_answered_no_copies_nothing(fake_editor: Path) -> None:
    app = bundled_app()
    terminal_handed_over(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert app.browser.notebook.source == str(bundled_notes())
    assert not own_copy().exists()
    assert not own_copy().parent.exists() or not any(own_copy().parent.glob("*.txt"))
    assert not fake_editor.exists()  # the editor never ran


async def test_e_with_a_copy_already_made_edits_it_and_never_overwrites_it(fake_editor: Path) -> None:
    copy = own_copy()
    copy.parent.mkdir(parents=True, exist_ok=True)
    mine = "My Own Notes\n\nday 1\n\nA Talk Of Mine\n\nwhat I wrote\n"
    copy.write_text(mine, encoding="utf-8")
    app = bundled_app()  # the bundled notes opened, by their path, say
    terminal_handed_over(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)  # nothing to offer: the copy is edited
    record = json.loads(fake_editor.read_text(encoding="utf-8"))
    assert record["argv"][-1] == str(copy)
    assert record["before"] == mine


def test_copy_bundled_never_overwrites_a_copy() -> None:
    copy, made = copy_bundled()
    assert made and copy.read_bytes() == bundled_notes().read_bytes()
    copy.write_text("edited\n", encoding="utf-8")
    again, made_again = copy_bundled()
    assert again == copy and not made_again
    assert copy.read_text(encoding="utf-8") == "edited\n"


async def test_read_only_e_on_the_bundled_notes_says_why_and_copies_nothing() -> None:
    app = bundled_app(read_only=True)
    seen = record_notifications(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
    assert any(message.startswith("Read-only: no editing") for message, _severity in seen)
    assert not own_copy().exists()


# --------------------------------------------------------------------------- no PATH: your copy


def write_copy(text: str) -> Path:
    copy = own_copy()
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_text(text, encoding="utf-8")
    return copy


def test_without_path_every_command_opens_your_copy() -> None:
    bundled_text = BUNDLED.read_text(encoding="utf-8")
    first_line = bundled_text.split("\n", 1)[0]
    copy = write_copy(bundled_text.replace(first_line, "My Copy Of The Notes", 1))

    listed = json.loads(run_cli("list", "--json").stdout)
    assert listed["title"] == "My Copy Of The Notes"
    exported = json.loads(run_cli("export", "--format", "json").stdout)
    assert exported["title"] == "My Copy Of The Notes"
    validated = run_cli("validate")
    assert validated.returncode == 0
    assert str(copy) in validated.stdout + validated.stderr  # it says which file it read
    assert run_cli("show", "security war stories").returncode == 0

    start = resolve_start(None)
    assert isinstance(start.source, Notebook)
    assert start.source.source == str(copy)
    # A PATH given is still what opens.
    assert json.loads(run_cli("list", str(BUNDLED), "--json").stdout)["title"] == first_line.strip()


def test_without_a_copy_the_bundled_notes_open() -> None:
    assert not own_copy().exists()
    start = resolve_start(None)
    assert isinstance(start.source, Notebook)
    assert start.source.source == str(bundled_notes())


def test_a_broken_copy_is_one_error_line_that_says_how_to_go_back() -> None:
    write_copy("My Notes\n\nday 1\n\n\x00\x00 not text\n")
    for args in (["list"], ["search", "security"], ["show", "security"]):
        result = run_cli(*args)
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 1, args
        assert len(lines) == 1 and lines[0].startswith("qcon-tui: error: "), lines
        assert OWN_COPY_HINT in lines[0]
    validated = run_cli("validate")
    assert validated.returncode == 1 and OWN_COPY_HINT in validated.stdout


def test_help_says_what_path_defaults_to() -> None:
    assert "your copy of the bundled notes" in run_cli("list", "--help").stdout
    main_help = " ".join(run_cli("--help").stdout.split())
    assert "default: your copy of the bundled notes" in main_help
    assert "qcon-tui/qcon-london-2017.txt" in main_help and "move your copy away" in main_help


# --------------------------------------------------------------------------- your state


def test_your_copy_keeps_the_bundled_notes_stars_and_notes() -> None:
    copy, _made = copy_bundled()
    assert notes_key(copy) == notes_key(bundled_notes())
    assert state_path_for(copy) == state_path_for(bundled_notes())

    bundled = notebook()
    talk = bundled.talks[0]
    store = StateStore.for_notebook(bundled)
    store.toggle_star(talk)
    store.set_annotation(talk, "remember this")

    mine = notebook(copy)
    again = StateStore.for_notebook(mine).get(talk.id)
    assert again.starred and again.annotation == "remember this"
