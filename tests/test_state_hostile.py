"""State files made by someone hostile: deep JSON, huge numbers, FIFOs, devices, links."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

import qcon_tui
from qcon_tui.state import StateError, StateStore, state_path_for
from tests.test_state import write_notes


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    return write_notes(tmp_path / "conf.txt", [["Alpha Talk About Things", "Beta Talk On Microservices"]])


def _state_file(notes: Path) -> Path:
    path = state_path_for(notes)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize(
    "content",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"talks": {"a": ' * 50_000 + b"{}" + b"}}" * 50_000,
        b'{"version": ' + b"7" * 5000 + b', "talks": {}}',
    ],
    ids=["deep-list", "deep-object", "5000-digit-number"],
)
def test_json_no_parser_should_chew_is_moved_aside(notes: Path, content: bytes) -> None:
    path = _state_file(notes)
    path.write_bytes(content)
    store = StateStore.for_notebook(qcon_tui.load(str(notes)))
    warnings = store.take_warnings()
    assert len(warnings) == 1 and "moved it to" in warnings[0]
    assert [p.read_bytes() for p in path.parent.glob(path.name + ".corrupt-*")] == [content]
    store.star("alpha-talk-about-things")  # and the next change works
    assert json.loads(path.read_text())["talks"]["alpha-talk-about-things"]["starred"] is True


_OPEN_AND_STAR = """
import sys, qcon_tui
from qcon_tui.state import StateStore
store = StateStore.for_notebook(qcon_tui.load(sys.argv[1]))
print(store.take_warnings())
store.star("alpha-talk-about-things")
print("starred")
"""


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_state_file_that_is_no_file_is_never_read(notes: Path, kind: str) -> None:
    path = _state_file(notes)
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    env = {**os.environ, "QCON_TUI_STATE_DIR": str(path.parent)}
    result = subprocess.run(
        [sys.executable, "-c", _OPEN_AND_STAR, str(notes)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        preexec_fn=_limited,
    )
    assert result.returncode == 0, result.stderr
    assert "not a regular file" in result.stdout and "starred" in result.stdout
    assert path.is_file() and not path.is_symlink()  # replaced by a real state file
    aside = list(path.parent.glob(path.name + ".corrupt-*"))
    assert len(aside) == 1 and (aside[0].is_symlink() or not aside[0].is_file())


def test_the_lock_file_is_never_followed(notes: Path, tmp_path: Path) -> None:
    path = _state_file(notes)
    target = tmp_path / "elsewhere" / "made-by-the-link"
    target.parent.mkdir()
    Path(str(path) + ".lock").symlink_to(target)
    store = StateStore.for_notebook(qcon_tui.load(str(notes)))
    with pytest.raises(StateError):
        store.star("alpha-talk-about-things")
    assert not target.exists()


def test_state_fields_are_cleaned_as_they_are_loaded(notes: Path) -> None:
    path = _state_file(notes)
    record = {
        "title": "x\x1b]2;PWNED\x07",
        "read_at": "2017\x1b]52;c;SGVsbG8=\x07\u202e",
        "updated_at": "\x9b2J2017",
        "annotation": "\x1b[2J",
    }
    path.write_text(json.dumps({"format": "qcon-tui-state", "version": 1, "talks": {"ev\x1bil": record}}))
    store = StateStore.for_notebook(qcon_tui.load(str(notes)))
    assert store.take_warnings() == []
    [(talk_id, state)] = store.all().items()
    for text in (talk_id, state.title, state.read_at, state.updated_at, state.annotation):
        assert text is not None
        assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F or ch == "\u202e" for ch in text), text
