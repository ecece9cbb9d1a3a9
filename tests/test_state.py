"""The state layer: stars, notes and read marks kept per notes file, following their talks."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import qcon_tui
from qcon_tui.state import STATE_DIR_ENV, StateError, StateStore, state_dir, state_path_for


def write_notes(path: Path, days: list[list[str]], title: str = "My Conference Notes") -> Path:
    """Write a plain-text notes file: one `day N` per list, each talk with a line of notes."""
    out = [title, ""]
    for number, talks in enumerate(days, 1):
        out += [f"day {number}", ""]
        for talk in talks:
            out += [talk, "", f"some notes about {talk.lower()} go here.", ""]
    path.write_text("\n".join(out), encoding="utf-8")
    return path


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    return write_notes(
        tmp_path / "conf.txt",
        [["Alpha Talk About Things", "Beta Talk On Microservices"], ["Gamma Talk With Kafka"]],
    )


def open_store(path: Path) -> tuple[qcon_tui.model.Notebook, StateStore, list[str]]:
    notebook = qcon_tui.load(str(path))
    store = StateStore.for_notebook(notebook)
    return notebook, store, store.reconcile(notebook)


def test_star_note_and_read_mark_survive_a_reload(notes: Path) -> None:
    _nb, store, messages = open_store(notes)
    assert messages == []
    store.star("alpha-talk-about-things")
    store.set_annotation("beta-talk-on-microservices", "remember this")
    store.mark_read("gamma-talk-with-kafka")

    _nb, again, _messages = open_store(notes)
    assert again.get("alpha-talk-about-things").starred
    assert again.get("alpha-talk-about-things").title == "Alpha Talk About Things"
    assert again.get("beta-talk-on-microservices").annotation == "remember this"
    assert not again.get("beta-talk-on-microservices").starred
    assert again.get("gamma-talk-with-kafka").read
    assert again.get("gamma-talk-with-kafka").read_at.endswith("Z")
    assert again.get("no-such-talk").is_empty
    assert again.starred_ids() == {"alpha-talk-about-things"}
    data = json.loads(store.path.read_text())
    assert data["title"] == "My Conference Notes"
    assert data["notes_path"] == str(notes.resolve())


def test_changes_are_operations(notes: Path) -> None:
    """Two stores on one file (two running instances): neither overwrites the other."""
    _nb, first, _ = open_store(notes)
    _nb, second, _ = open_store(notes)
    first.star("alpha-talk-about-things")
    second.set_annotation("gamma-talk-with-kafka", "from the second")  # its view is stale
    second.toggle_star("alpha-talk-about-things")  # decided on the fresh file: unstars
    assert not second.get("alpha-talk-about-things").starred
    assert first.refresh() is True
    assert first.get("gamma-talk-with-kafka").annotation == "from the second"
    assert first.refresh() is False  # nothing new: one stat, no read


def test_annotation_append_clear_and_cleaning(notes: Path) -> None:
    _nb, store, _ = open_store(notes)
    talk = "beta-talk-on-microservices"
    store.set_annotation(talk, "first\n")
    store.set_annotation(talk, "second", append=True)
    assert store.get(talk).annotation == "first\nsecond"
    store.set_annotation(talk, "", append=True)
    assert store.get(talk).annotation == "first\nsecond"
    store.set_annotation(talk, "evil \x1b]52;c;aGk=\x07 text")
    assert "\x1b" not in store.get(talk).annotation
    store.set_annotation(talk, "")
    assert store.get(talk).annotation is None
    assert talk not in store.all()  # nothing left: no empty record kept
    store.star(talk)
    store.unstar(talk)
    assert talk not in json.loads(store.path.read_text())["talks"]


def test_mark_read_keeps_the_first_time(notes: Path) -> None:
    _nb, store, _ = open_store(notes)
    store.mark_read("alpha-talk-about-things", at="2017-03-06T09:00:00Z")
    store.mark_read("alpha-talk-about-things")
    assert store.get("alpha-talk-about-things").read_at == "2017-03-06T09:00:00Z"
    store.mark_unread("alpha-talk-about-things")
    assert not store.get("alpha-talk-about-things").read


def test_state_follows_talks_when_others_are_added_removed_reordered(notes: Path) -> None:
    _nb, store, _ = open_store(notes)
    store.star("beta-talk-on-microservices")
    store.set_annotation("gamma-talk-with-kafka", "kafka note")

    write_notes(
        notes,
        [
            ["Gamma Talk With Kafka", "A Brand New Keynote"],
            ["Delta Talk On Serverless", "Beta Talk On Microservices"],
        ],
    )
    notebook, again, messages = open_store(notes)
    assert messages == []
    assert again.get("beta-talk-on-microservices").starred
    assert again.get("gamma-talk-with-kafka").annotation == "kafka note"
    assert again.get("a-brand-new-keynote").is_empty
    assert again.orphans(notebook) == {}


def test_renamed_talk_is_matched_by_fuzzy_title_and_reported(notes: Path) -> None:
    _nb, store, _ = open_store(notes)
    store.set_annotation("beta-talk-on-microservices", "beta note")
    store.star("beta-talk-on-microservices")

    write_notes(
        notes,
        [
            ["Alpha Talk About Things", "Something Else Entirely", "Beta Talks on the Microservices"],
            ["Gamma Talk With Kafka"],
        ],
    )
    _nb, again, messages = open_store(notes)
    assert messages == [
        "note for 'Beta Talk On Microservices' moved to renamed talk 'Beta Talks on the Microservices'"
    ]
    moved = again.get("beta-talks-on-the-microservices")
    assert moved.annotation == "beta note" and moved.starred
    assert moved.title == "Beta Talks on the Microservices"
    assert "beta-talk-on-microservices" not in again.all()
    assert again.get("something-else-entirely").is_empty
    _nb, _store, messages = open_store(notes)
    assert messages == []  # told once


def test_rename_is_not_guessed_when_unsure(tmp_path: Path) -> None:
    """Different numbers, weak likeness, or two equally likely talks: the note stays put."""
    path = write_notes(tmp_path / "n.txt", [["Kafka In Production Part 1", "Serverless Patterns"]])
    _nb, store, _ = open_store(path)
    store.star("kafka-in-production-part-1")
    store.star("serverless-patterns")
    write_notes(
        path, [["Kafka In Production Part 2", "Serverless Patterns Again A", "Serverless Patterns Again B"]]
    )
    notebook, again, messages = open_store(path)
    assert set(again.orphans(notebook)) == {"kafka-in-production-part-1", "serverless-patterns"}
    assert len(messages) == 2 and all("kept" in message for message in messages)


def test_existing_talks_without_state_are_not_rename_targets(tmp_path: Path) -> None:
    """Only talks not seen before can be a renamed talk; an old neighbour never takes a note."""
    path = write_notes(
        tmp_path / "n.txt", [["Scaling Microservices At Uber", "Scaling Microservices At Lyft"]]
    )
    _nb, store, _ = open_store(path)
    store.set_annotation("scaling-microservices-at-uber", "uber note")
    write_notes(path, [["Scaling Microservices At Lyft"]])
    notebook, again, messages = open_store(path)
    assert again.get("scaling-microservices-at-lyft").is_empty
    assert "scaling-microservices-at-uber" in again.orphans(notebook)
    assert messages == [
        "note for 'Scaling Microservices At Uber' kept: no talk in the notes matches it any more"
    ]


def test_orphans_are_kept_reported_once_and_come_back(notes: Path) -> None:
    _nb, store, _ = open_store(notes)
    store.set_annotation("gamma-talk-with-kafka", "kafka note")
    original = notes.read_text()

    write_notes(notes, [["Alpha Talk About Things", "Beta Talk On Microservices"]])
    notebook, again, messages = open_store(notes)
    assert messages == ["note for 'Gamma Talk With Kafka' kept: no talk in the notes matches it any more"]
    assert again.orphans(notebook)["gamma-talk-with-kafka"].annotation == "kafka note"
    assert "gamma-talk-with-kafka" in json.loads(again.path.read_text())["talks"]
    _nb, _store, messages = open_store(notes)
    assert messages == []

    notes.write_text(original)
    notebook, back, messages = open_store(notes)
    assert messages == []
    assert back.get("gamma-talk-with-kafka").annotation == "kafka note"
    assert back.orphans(notebook) == {}
    assert "orphaned_at" not in json.loads(back.path.read_text())["talks"]["gamma-talk-with-kafka"]


def test_orphan_finds_its_talk_renamed_in_a_later_edit(notes: Path) -> None:
    _nb, store, _ = open_store(notes)
    store.star("gamma-talk-with-kafka")
    write_notes(notes, [["Alpha Talk About Things", "Beta Talk On Microservices"]])
    _nb, _store, messages = open_store(notes)
    assert "kept" in messages[0]
    write_notes(
        notes, [["Alpha Talk About Things", "Beta Talk On Microservices"], ["Gamma Talks With Kafka"]]
    )
    _nb, again, messages = open_store(notes)
    assert messages == ["star for 'Gamma Talk With Kafka' moved to renamed talk 'Gamma Talks With Kafka'"]
    assert again.get("gamma-talks-with-kafka").starred


@pytest.mark.parametrize(
    "content",
    [b"{not json", b'{"talks": []}', b'{"talks": {"a": {"starred": "yes"}}}', b"[1, 2]", b"\xff\xfe"],
)
def test_corrupt_file_is_moved_aside_and_reported(notes: Path, content: bytes) -> None:
    path = state_path_for(notes)
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    notebook = qcon_tui.load(str(notes))
    store = StateStore.for_notebook(notebook)
    warnings = store.take_warnings()
    assert len(warnings) == 1
    assert "moved it to" in warnings[0] and ".corrupt-" in warnings[0]
    aside = list(path.parent.glob(path.name + ".corrupt-*"))
    assert len(aside) == 1
    assert aside[0].read_bytes() == content
    assert len(aside[0].name.rsplit(".corrupt-", 1)[1]) == len("20170306T093000")
    assert store.all() == {}
    store.star("alpha-talk-about-things")
    assert StateStore.for_notebook(notebook).get("alpha-talk-about-things").starred
    assert store.take_warnings() == []


def test_corrupt_file_found_by_a_change_is_moved_aside(notes: Path) -> None:
    _nb, store, _ = open_store(notes)
    store.star("alpha-talk-about-things")
    store.path.write_text("garbage")
    store.star("beta-talk-on-microservices")
    assert len(store.take_warnings()) == 1
    assert store.starred_ids() == {"beta-talk-on-microservices"}
    assert len(list(store.path.parent.glob("*.corrupt-*"))) == 1


def test_newer_format_is_refused_not_moved(notes: Path) -> None:
    path = state_path_for(notes)
    path.parent.mkdir(parents=True)
    path.write_text('{"version": 99, "talks": {}}')
    with pytest.raises(StateError, match="newer"):
        StateStore(notes)
    assert path.exists()


def test_xdg_data_home_is_honoured(notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STATE_DIR_ENV)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert state_dir() == tmp_path / "xdg" / "qcon-tui" / "state"
    _nb, store, _ = open_store(notes)
    store.star("alpha-talk-about-things")
    assert store.path.parent == tmp_path / "xdg" / "qcon-tui" / "state"
    assert store.path.is_file()


def test_state_file_name_and_permissions(notes: Path, tmp_path: Path) -> None:
    _nb, store, _ = open_store(notes)
    store.star("alpha-talk-about-things")
    assert store.path.name.startswith("conf-") and store.path.suffix == ".json"
    assert store.path.stat().st_mode & 0o077 == 0  # private notes are private
    (tmp_path / "elsewhere").mkdir()
    other = write_notes(tmp_path / "elsewhere" / "conf.txt", [["Alpha Talk About Things"]])
    assert state_path_for(other) != store.path  # same name, other folder: other state
    assert state_path_for(qcon_tui.load().source).name.startswith("qcon-london-2017-")


def test_writes_leave_no_temp_files(notes: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _nb, store, _ = open_store(notes)
    for index in range(20):
        store.set_annotation("alpha-talk-about-things", f"note {index}")
    assert sorted(p.name for p in store.path.parent.iterdir()) == [store.path.name, store.path.name + ".lock"]
    before = store.path.read_bytes()

    def failing_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(StateError, match="No space left"):
        store.set_annotation("alpha-talk-about-things", "lost")
    assert store.path.read_bytes() == before
    assert sorted(p.name for p in store.path.parent.iterdir()) == [store.path.name, store.path.name + ".lock"]


def test_stale_temp_files_from_a_killed_writer_are_removed(notes: Path) -> None:
    _nb, store, _ = open_store(notes)
    store.star("alpha-talk-about-things")
    stale = store.path.with_name(f".{store.path.name}.abc123.tmp")
    stale.write_text('{"half": ')
    store.star("beta-talk-on-microservices")
    assert not stale.exists()


def test_unwritable_folder_is_a_state_error(
    notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv(STATE_DIR_ENV, str(blocker / "state"))
    _nb, store, _ = open_store(notes)
    with pytest.raises(StateError, match="cannot write state"):
        store.star("alpha-talk-about-things")


def test_state_modules_import_no_ui() -> None:
    """The browser and the CLI share the state layer; it pulls in no Textual or Rich."""
    import subprocess
    import sys

    code = "import qcon_tui.state, qcon_tui.cli.state, sys; print(' '.join(sorted(sys.modules)))"
    modules = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    names = modules.stdout.split()
    assert "qcon_tui.state" in names
    assert not [name for name in names if name.split(".")[0] in ("textual", "rich", "rapidfuzz", "yaml")]
