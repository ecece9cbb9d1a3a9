"""Opening the notes file in the user's editor, at a talk's line.

Kept apart from the app so the command it builds can be tested without a terminal.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping

__all__ = ["FALLBACK_EDITOR", "editor_command"]

#: The editor used when neither $VISUAL nor $EDITOR is set.
FALLBACK_EDITOR = "vi"

#: Editors known to take `--` as the end of their options, with `+LINE` before it.
_TAKES_DOUBLE_DASH = frozenset({"vi", "vim", "nvim", "gvim", "view", "ex", "vim.basic", "vim.tiny"})


def editor_command(path: str, line: int | None = None, environ: Mapping[str, str] | None = None) -> list[str]:
    """The argv that opens `path` in $VISUAL, else $EDITOR, else `vi`, at `line` if known.

    The variable may hold arguments (`code --wait`), so it is split like a shell
    would. `+LINE` before the file is understood by vi, vim, nano, emacs, micro
    and others. The file is passed as an absolute path, after `--` for the editors
    known to take it: a file named `+!cmd` or `-x` can be neither a command nor an
    option to the editor.
    """
    environ = os.environ if environ is None else environ
    raw = (environ.get("VISUAL") or "").strip() or (environ.get("EDITOR") or "").strip() or FALLBACK_EDITOR
    try:
        argv = shlex.split(raw)
    except ValueError:
        argv = [raw]  # an unbalanced quote: take the value as one program name
    argv = argv or [FALLBACK_EDITOR]
    if line and line > 0:
        argv.append(f"+{line}")
    if os.path.basename(argv[0]) in _TAKES_DOUBLE_DASH:
        argv.append("--")
    argv.append(os.path.abspath(path))
    return argv
