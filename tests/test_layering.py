"""The layering rules of the package, checked on every module's imports (lazy ones included).

1. The core (model, formats, search, render, state, library, ... and the browser
   session) never imports Textual, nor the browser.
2. The browser (`qcon_tui.tui`) never imports the command line.
3. The model imports nothing of the package.
4. `serve` runs the browser only as a child process: it never imports the browser or
   Textual's App, and the command it runs is `python -m qcon_tui ... --read-only`.

Imports are read from the source (every `import` statement, also those inside
functions), and the core is also imported for real in a fresh interpreter.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "qcon_tui"

#: Modules of the core, as paths under the package (a folder means every module in it).
CORE = [
    "__init__.py",
    "model.py",
    "formats",
    "search.py",
    "render.py",
    "lookup.py",
    "validate.py",
    "library.py",
    "topics.py",
    "state.py",
    "statefile.py",
    "fsutil.py",
    "ordering.py",
    "paths.py",
    "words.py",
    "cache.py",
    "tui/session.py",
]


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _files(relative: str) -> list[Path]:
    target = PACKAGE / relative
    return sorted(target.rglob("*.py")) if target.is_dir() else [target]


def imports_of(path: Path) -> set[str]:
    """Every module `path` imports, absolute names, relative imports resolved."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def _violations(files: list[Path], forbidden: list[str]) -> list[str]:
    return sorted(
        f"{_module_name(path)} imports {module}"
        for path in files
        for module in imports_of(path)
        if any(_within(module, prefix) for prefix in forbidden)
    )


def test_layering_rules() -> None:
    core = [path for relative in CORE for path in _files(relative)]
    browser = _files("tui")
    serve = _files("serve")
    assert len(core) > 15 and len(browser) > 15 and len(serve) >= 4  # the rules see the real tree

    # 1. The core never imports Textual (nor the browser, which is Textual).
    ui = ["textual", "qcon_tui.tui.app", "qcon_tui.tui.screens", "qcon_tui.tui.widgets"]
    assert _violations(core, ui) == []
    imports = "\n".join(f"import {_module_name(path)}" for path in core)
    code = f"{imports}\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"
    loaded = json.loads(
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    )
    assert "qcon_tui.tui.session" in loaded and "qcon_tui.search" in loaded
    assert [m for m in loaded if _within(m, "textual")] == []

    # 2. The browser never imports the command line.
    assert _violations(browser, ["qcon_tui.cli"]) == []

    # 3. The model imports nothing of the package.
    assert _violations([PACKAGE / "model.py"], ["qcon_tui"]) == []

    # 4. Serving runs the browser only as a child process.
    assert _violations(serve, ["qcon_tui.tui", "qcon_tui.cli", "textual.app"]) == []
    from qcon_tui.serve import app_command

    command = app_command("notes.md")
    assert command[:3] == [sys.executable, "-m", "qcon_tui"] and command[-1] == "--read-only"


def test_the_import_reader_sees_relative_and_lazy_imports(tmp_path: Path) -> None:
    """The rules above are only as good as `imports_of`: it must see every kind of import."""
    module = PACKAGE / "tui" / "screens" / "browser.py"
    seen = imports_of(module)
    assert "qcon_tui.tui.session" in seen  # `from ..session import ...`
    assert "qcon_tui.tui.screens.help" in seen  # imported inside a method
    assert "textual.app" in seen
    assert imports_of(PACKAGE / "cli" / "browse.py") >= {"qcon_tui.tui.app", "qcon_tui.cli.common"}
