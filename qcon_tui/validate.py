"""Checks on a loaded notebook, beyond what the readers already noticed."""

from __future__ import annotations

from collections import Counter

from .model import Diagnostic, Notebook


def check(notebook: Notebook) -> list[Diagnostic]:
    """Reader diagnostics plus structural problems: empty titles, duplicates, no talks.

    Errors are things a reader of the notes would call broken (a talk with no title);
    warnings are worth a look but do not stop anything (a duplicated talk title).
    """
    path = notebook.source
    found: list[Diagnostic] = [
        d if d.path else Diagnostic(d.line, d.message, d.severity, path) for d in notebook.diagnostics
    ]
    talks = notebook.talks
    if not talks:
        found.append(Diagnostic(1, "no talks found", "warning", path))
    counts = Counter(talk.title.strip().casefold() for talk in talks)
    reported: set[str] = set()
    for talk in talks:
        key = talk.title.strip().casefold()
        if not key:
            found.append(Diagnostic(talk.line, "talk has an empty title", "error", path))
        elif counts[key] > 1 and key not in reported:
            reported.add(key)
            lines = ", ".join(str(t.line) for t in talks if t.title.strip().casefold() == key)
            found.append(
                Diagnostic(talk.line, f"duplicate talk {talk.title!r} (lines {lines})", "warning", path)
            )
    for day in notebook.days:
        if not day.talks and day.title:
            found.append(Diagnostic(day.line, f"day {day.title!r} has no talks", "warning", path))
    return sorted(found, key=lambda d: (d.path or "", d.line))
