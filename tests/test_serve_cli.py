"""`qcon-tui serve` on the command line: usage errors and the missing optional extra."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.helpers import run_cli

EXTRA_LINE = "qcon-tui: error: serving needs extra packages: pip install 'qcon-tui[serve]'"


def test_serve_needs_a_mode() -> None:
    result = run_cli("serve")
    assert result.returncode == 2
    assert result.stderr.startswith("qcon-tui: error:")
    assert "--ssh" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_ssh_needs_authorized_keys() -> None:
    result = run_cli("serve", "--ssh")
    assert result.returncode == 2
    assert "--authorized-keys" in result.stderr


def test_web_takes_no_ssh_options(tmp_path) -> None:
    result = run_cli("serve", "--web", "--authorized-keys", str(tmp_path / "keys"))
    assert result.returncode == 2


def test_ssh_and_web_are_exclusive() -> None:
    assert run_cli("serve", "--ssh", "--web").returncode == 2


@pytest.mark.parametrize(
    ("blocked", "args"),
    [
        ("asyncssh", ["serve", "--ssh", "--authorized-keys", "/dev/null"]),
        ("textual_serve", ["serve", "--web"]),
    ],
)
def test_a_missing_extra_is_one_line(blocked: str, args: list[str]) -> None:
    # The package is made unimportable in the child, as if it were not installed.
    code = (
        f"import sys; sys.modules[{blocked!r}] = None; "
        f"from qcon_tui.cli import main; sys.exit(main({args!r}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [EXTRA_LINE]
