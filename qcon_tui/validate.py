"""Checks on a loaded notebook, beyond what the readers already noticed."""

from __future__ import annotations

from collections import Counter

from .model import Diagnostic, Heading, Notebook

#: A lone talk holding at least this many sub-headings probably holds the talks.
MANY_HEADINGS = 3


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
        found.extend(_looks_wrong(day.talks, path))
    return sorted(found, key=lambda d: (d.path or "", d.line))


def _looks_wrong(talks: tuple, path: str | None) -> list[Diagnostic]:
    """Warnings for a structure that looks misread: what to look at, and the flags that fix it."""
    found = []
    if len(talks) == 1:
        headings = sum(1 for block in talks[0].blocks if isinstance(block, Heading))
        if headings >= MANY_HEADINGS:
            found.append(
                Diagnostic(
                    talks[0].line,
                    f"one talk holds {headings} sub-headings: if they are the talks, "
                    "say so with --talks LEVEL (h1..h6) or `talks:` in front matter",
                    "warning",
                    path,
                )
            )
    for index, talk in enumerate(talks):
        neighbours = talks[max(0, index - 1) : index] + talks[index + 1 : index + 2]
        if not talk.blocks and neighbours and all(other.blocks for other in neighbours):
            found.append(
                Diagnostic(
                    talk.line,
                    f"talk {talk.title!r} has no notes while the talks beside it do: "
                    "a sub-heading or a placeholder?",
                    "warning",
                    path,
                )
            )
    return found
