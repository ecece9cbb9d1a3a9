"""The core (model, formats, search, render, CLI helpers) never imports Textual."""

from __future__ import annotations

import json
import subprocess
import sys

CORE = [
    "qcon_tui",
    "qcon_tui.model",
    "qcon_tui.formats",
    "qcon_tui.formats.text",
    "qcon_tui.formats.markdown",
    "qcon_tui.search",
    "qcon_tui.render",
    "qcon_tui.lookup",
    "qcon_tui.validate",
]


def _modules_after(code: str) -> list[str]:
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_core_imports_no_textual() -> None:
    imports = "\n".join(f"import {name}" for name in CORE)
    code = (
        f"{imports}\nimport qcon_tui\nnb = qcon_tui.load()\nqcon_tui.search.SearchIndex(nb).search('redis')"
    )
    modules = _modules_after(code)
    assert "qcon_tui.search" in modules  # the check ran on the real modules
    assert not [m for m in modules if m == "textual" or m.startswith("textual.")]


def test_model_imports_neither_rich_nor_yaml() -> None:
    modules = _modules_after("import qcon_tui.model")
    assert "qcon_tui.model" in modules
    assert not [m for m in modules if m.split(".")[0] in ("textual", "rich", "yaml", "rapidfuzz")]


def test_cli_module_is_light() -> None:
    """Importing the command line must not pull in the UI (start-up speed)."""
    modules = _modules_after("import qcon_tui.cli")
    assert "qcon_tui.cli" in modules
    assert not [m for m in modules if m.split(".")[0] in ("textual", "rich", "rapidfuzz")]
