"""A notes file's name can never become an editor option or command (`e` in the browser)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from qcon_tui.tui.editor import editor_command

HOSTILE_NAMES = ["+!touch PWNED;.txt", "-x.txt", "--cmd=!touch PWNED.txt", "+:!touch PWNED.txt"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
@pytest.mark.parametrize("editor", ["vi", "vim -n", "nano", "emacs -nw", "/opt/other/editor --wait"])
def test_the_file_is_an_absolute_path_that_no_editor_reads_as_an_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, editor: str
) -> None:
    monkeypatch.chdir(tmp_path)
    argv = editor_command(name, 7, {"EDITOR": editor})
    assert argv[-1] == str(tmp_path / name)
    assert argv[-1].startswith("/")
    if os.path.basename(argv[0]) in ("vi", "vim"):
        assert argv[-3:-1] == ["+7", "--"]
    assert not any(arg.startswith(("+!", "+:", "-x", "--cmd")) for arg in argv)


@pytest.mark.skipif(shutil.which("vim") is None, reason="needs vim")
@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_vim_opens_a_hostile_name_as_a_file_and_runs_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.chdir(tmp_path)  # the name is relative, as a library read from `.` gives it
    (tmp_path / name).write_text("notes\n")
    # Ex mode reading its commands from stdin: it opens the file, then quits.
    environ = {"EDITOR": "vim -es -u NONE -i NONE -n"}
    argv = editor_command(name, 1, environ)
    result = subprocess.run(
        argv,
        cwd=tmp_path,
        input="put ='edited'\nwq\n",
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "HOME": str(tmp_path), "SHELL": "/bin/sh"},
    )
    assert not any(tmp_path.glob("PWNED*")), (argv, result.stderr)
    assert (tmp_path / name).read_text() == "notes\nedited\n", (argv, result.returncode, result.stderr)
