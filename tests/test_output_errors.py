"""Output that cannot be written (stdout closed, a full disk) is one plain error line."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.helpers import BUNDLED, qcon_command

PATH = str(BUNDLED)
COMMANDS = [
    ["list", PATH],
    ["list", PATH, "--json"],
    ["show", "security war stories", PATH],
    ["search", "security", PATH],
    ["search", "security", PATH, "--json"],
    ["export", PATH, "--format", "json"],
    ["export", PATH, "--format", "markdown"],
    ["validate", PATH + "-missing"],
    # argparse prints these itself, and would swallow the error.
    ["--version"],
    ["--help"],
    ["list", "--help"],
]


def _run(args: list[str], where: str) -> subprocess.CompletedProcess[bytes]:
    env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES")}
    if where == "closed":
        return subprocess.run(
            [*qcon_command(), *args],
            stdin=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            preexec_fn=lambda: os.close(1),
            timeout=60,
            env=env,
        )
    with open("/dev/full", "wb") as full:
        return subprocess.run(
            [*qcon_command(), *args],
            stdin=subprocess.DEVNULL,
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=60,
            env=env,
        )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("where", ["closed", "full"])
@pytest.mark.parametrize("args", COMMANDS, ids=lambda args: " ".join(args[:2]).replace(PATH, "PATH"))
def test_a_failed_write_is_one_plain_error_line(args: list[str], where: str) -> None:
    result = _run(args, where)
    lines = result.stderr.decode().strip().splitlines()
    assert result.returncode == 1
    assert len(lines) == 1, lines
    assert lines[0].startswith("qcon-tui: error: cannot write output: "), lines
    assert "internal error" not in lines[0]
