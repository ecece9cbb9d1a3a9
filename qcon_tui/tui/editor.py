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


def editor_command(path: str, line: int | None = None, environ: Mapping[str, str] | None = None) -> list[str]:
    """The argv that opens `path` in $VISUAL, else $EDITOR, else `vi`, at `line` if known.

    The variable may hold arguments (`code --wait`), so it is split like a shell
    would. `+LINE` before the file is understood by vi, vim, nano, emacs, micro
    and others.
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
    argv.append(path)
    return argv
