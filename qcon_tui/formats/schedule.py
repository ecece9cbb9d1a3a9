"""Schedule sidecar files: who spoke, when and where, kept beside the notes.

`NAME.schedule.yaml` next to `NAME.txt` (or `.md`, `.yaml`) lists facts about the
talks: speakers, track, date, start and end time, room and links. `formats.load()`
reads it with the notes and copies the facts onto the talks they name. The format is
documented in docs/SCHEDULE.md.

The file is composed into YAML nodes with the safe loader (`safe_yaml`, which bounds
what aliases expand to) and never constructed into
Python objects: the nodes carry the line of every value, so each problem can be reported
where it is, and plain scalars keep the text the author wrote (`11:50` stays a time
rather than YAML 1.1's base-60 integer 710). A schedule that cannot be read never stops
the notes from loading: `with_schedule()` turns the failure into an error diagnostic.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date as _date
from pathlib import Path

import yaml

from ..fsutil import FileTooLargeError, read_regular
from ..model import Diagnostic, Notebook, Speaker, clean
from . import NotesError, decode, os_errors
from .safe_yaml import YAMLLimitError, compose
from .schedule_match import FUZZY_MARGIN as FUZZY_MARGIN
from .schedule_match import FUZZY_THRESHOLD as FUZZY_THRESHOLD
from .schedule_match import HINT_THRESHOLD as HINT_THRESHOLD
from .schedule_match import apply_schedule as apply_schedule
from .schedule_match import exact_key as exact_key
from .schedule_match import fuzzy_key as fuzzy_key
from .schedule_match import match_entries as match_entries
from .schedule_match import merge as merge
from .schedule_match import one_line, short
from .sidecar import SCHEDULE_SUFFIXES as SCHEDULE_SUFFIXES
from .sidecar import schedule_path_for as schedule_path_for

#: A schedule larger than this is refused; real ones are a few kilobytes.
MAX_SCHEDULE_BYTES = 8 * 1024 * 1024

ENTRY_KEYS = ("title", "speakers", "track", "date", "start", "end", "room", "links")
SPEAKER_KEYS = ("name", "company")

_YAML = "tag:yaml.org,2002:"
#: Scalar tags whose text is taken as written (`room: 101` is the text "101").
_TEXT_TAGS = {f"{_YAML}{name}" for name in ("str", "int", "float", "bool", "timestamp")}
_NULL_TAG = f"{_YAML}null"
_KNOWN_TAGS = {*_TEXT_TAGS, _NULL_TAG, f"{_YAML}map", f"{_YAML}seq"}
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME_RE = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


class ScheduleError(NotesError):
    """A schedule file that cannot be used: bad YAML, a wrong type, an unknown key."""


@dataclass(frozen=True)
class ScheduleEntry:
    """One talk's facts as the schedule gives them; None or () where it gives none."""

    title: str
    line: int = 0
    speakers: tuple[Speaker, ...] = ()
    track: str | None = None
    date: str | None = None
    start: str | None = None
    end: str | None = None
    room: str | None = None
    links: tuple[str, ...] = ()


# --------------------------------------------------------------------------- finding


def notes_path_for(schedule_path: str | os.PathLike[str]) -> Path | None:
    """The notes file a schedule belongs to (`NAME.txt` for `NAME.schedule.yaml`), or None."""
    schedule = Path(schedule_path)
    for suffix in SCHEDULE_SUFFIXES:
        if schedule.name.endswith(suffix):
            stem = schedule.name[: -len(suffix)]
            break
    else:
        return None
    from . import SUFFIXES

    for notes_suffix in SUFFIXES:
        candidate = schedule.with_name(stem + notes_suffix)
        if candidate.is_file():
            return candidate
    return None


# --------------------------------------------------------------------------- reading


def read_schedule(path: str | os.PathLike[str]) -> list[ScheduleEntry]:
    """Read a schedule file into entries, in file order; raise `ScheduleError` if unusable."""
    name = str(path)
    try:
        with os_errors(
            name, doing="read schedule", wrong_kind="is a directory, not a schedule", error=ScheduleError
        ):
            _stat, data = read_regular(path, MAX_SCHEDULE_BYTES)
    except FileTooLargeError as error:
        raise ScheduleError(
            f"schedule is too large ({error.size // 1024} KiB; "
            f"the limit is {MAX_SCHEDULE_BYTES // 2**20} MiB)",
            name,
        ) from None
    if not data.strip():
        return []
    try:
        text = decode(data, name)
    except NotesError as error:
        raise ScheduleError(error.message, name, error.line) from None
    return parse_schedule(text, name)


def parse_schedule(text: str, path: str | None = None) -> list[ScheduleEntry]:
    """Parse schedule YAML text into entries; raise `ScheduleError` with the line if unusable."""
    try:
        root = compose(text)
    except YAMLLimitError as error:
        raise ScheduleError(f"invalid YAML: {error.message}", path, error.line) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        raise ScheduleError(f"invalid YAML: {problem}", path, mark.line + 1 if mark else None) from None
    except yaml.YAMLError as error:
        raise ScheduleError(f"invalid YAML: {one_line(str(error))}", path) from None
    except RecursionError:
        raise ScheduleError("invalid YAML: nested too deeply", path) from None
    if root is None or _is_null(root):
        return []
    items = _entry_nodes(root, path)
    return [_entry(node, index, path) for index, node in enumerate(items, 1)]


def _entry_nodes(root: yaml.Node, path: str | None) -> list[yaml.Node]:
    """The entry nodes: the top-level list, or the `talks:` list of a top-level mapping."""
    if isinstance(root, yaml.MappingNode) and root.tag == f"{_YAML}map":
        keys = [key.value for key, _value in root.value if isinstance(key, yaml.ScalarNode)]
        if "talks" not in keys:
            raise ScheduleError('a schedule mapping needs a "talks:" list', path, _line(root))
        fields = _mapping(root, ("talks",), "the schedule", path)
        talks = fields["talks"]
        if _is_null(talks):
            return []
        root = talks
    if not isinstance(root, yaml.SequenceNode) or root.tag != f"{_YAML}seq":
        raise ScheduleError(
            f'a schedule is a list of talks (or a mapping with a "talks:" list), not {_kind(root)}',
            path,
            _line(root),
        )
    return list(root.value)


def _entry(node: yaml.Node, index: int, path: str | None) -> ScheduleEntry:
    """One entry mapping, checked key by key."""
    where = f"entry {index}"
    if not isinstance(node, yaml.MappingNode) or node.tag != f"{_YAML}map":
        raise ScheduleError(
            f"{where}: a talk entry is a mapping with a title, not {_kind(node)}", path, _line(node)
        )
    fields = _mapping(node, ENTRY_KEYS, where, path)
    title = _text(fields.get("title"), f"{where}: title", path)
    if not title or not title.strip():
        raise ScheduleError(f"{where}: a talk entry needs a title", path, _line(node))
    where = f'entry "{short(title)}"'
    values: dict[str, str | None] = {
        key: _text(fields.get(key), f"{where}: {key}", path) for key in ("track", "room")
    }
    values["date"] = _date_text(fields.get("date"), f"{where}: date", path)
    for key in ("start", "end"):
        values[key] = _time_text(fields.get(key), f"{where}: {key}", path)
    return ScheduleEntry(
        title=clean(title.strip()),
        line=_line(node) or 0,
        speakers=_speakers(fields.get("speakers"), where, path),
        links=_links(fields.get("links"), where, path),
        **{key: None if value is None else clean(value) for key, value in values.items()},
    )


def _speakers(node: yaml.Node | None, where: str, path: str | None) -> tuple[Speaker, ...]:
    """`speakers:` as a list of `{name, company}` mappings (a bare name also works)."""
    speakers: list[Speaker] = []
    for item in _list(node, f"{where}: speakers", path):
        if isinstance(item, yaml.ScalarNode):
            name, company = _text(item, f"{where}: speaker", path), None
        elif isinstance(item, yaml.MappingNode) and item.tag == f"{_YAML}map":
            fields = _mapping(item, SPEAKER_KEYS, f"{where}: speaker", path)
            name = _text(fields.get("name"), f"{where}: speaker name", path)
            company = _text(fields.get("company"), f"{where}: speaker company", path)
        else:
            raise ScheduleError(
                f"{where}: a speaker is a mapping with a name (and a company), not {_kind(item)}",
                path,
                _line(item),
            )
        if not name or not name.strip():
            raise ScheduleError(f"{where}: a speaker needs a name", path, _line(item))
        speakers.append(Speaker(name.strip(), company.strip() if company and company.strip() else None))
    return tuple(speakers)


def _links(node: yaml.Node | None, where: str, path: str | None) -> tuple[str, ...]:
    """`links:` as a list of strings (a single string also works), duplicates dropped."""
    items: list[yaml.Node]
    if isinstance(node, yaml.ScalarNode) and not _is_null(node):
        items = [node]
    else:
        items = _list(node, f"{where}: links", path)
    links: list[str] = []
    for item in items:
        link = _text(item, f"{where}: link", path)
        if link and link.strip() and link.strip() not in links:
            links.append(link.strip())
    return tuple(links)


# --------------------------------------------------------------------------- node helpers


def _line(node: yaml.Node | None) -> int | None:
    return node.start_mark.line + 1 if node is not None else None


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG


def _kind(node: yaml.Node) -> str:
    """How a node reads in an error message: `a list`, `the text "x"`, `a !!set`."""
    if node.tag not in _KNOWN_TAGS:
        return f"a value tagged {node.tag}"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if _is_null(node):
        return "an empty value"
    return f'the text "{short(node.value)}"'


def _mapping(
    node: yaml.MappingNode, allowed: Iterable[str], where: str, path: str | None
) -> dict[str, yaml.Node]:
    """A mapping node's values by key, refusing unknown, repeated and non-text keys."""
    allowed = tuple(allowed)
    fields: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _TEXT_TAGS:
            raise ScheduleError(
                f"{where}: a key must be plain text, not {_kind(key_node)}", path, _line(key_node)
            )
        key = key_node.value
        if key not in allowed:
            expected = ", ".join(allowed)
            raise ScheduleError(
                f'{where}: unknown key "{short(key)}" (expected {expected})', path, _line(key_node)
            )
        if key in fields:
            raise ScheduleError(f'{where}: "{key}" is given twice', path, _line(key_node))
        fields[key] = value_node
    return fields


def _list(node: yaml.Node | None, where: str, path: str | None) -> list[yaml.Node]:
    """A sequence node's items; an absent or empty value is an empty list."""
    if node is None or _is_null(node):
        return []
    if not isinstance(node, yaml.SequenceNode) or node.tag != f"{_YAML}seq":
        raise ScheduleError(f"{where} must be a list, not {_kind(node)}", path, _line(node))
    return list(node.value)


def _text(node: yaml.Node | None, where: str, path: str | None) -> str | None:
    """A scalar's text as written; None when absent or empty (`~`, `null`, nothing)."""
    if node is None or _is_null(node):
        return None
    if not isinstance(node, yaml.ScalarNode) or node.tag not in _TEXT_TAGS:
        raise ScheduleError(f"{where} must be text, not {_kind(node)}", path, _line(node))
    return node.value


def _date_text(node: yaml.Node | None, where: str, path: str | None) -> str | None:
    """A calendar date as `YYYY-MM-DD`."""
    text = _text(node, where, path)
    if text is None:
        return None
    text = text.strip()
    try:
        if not _DATE_RE.fullmatch(text):
            raise ValueError
        return _date.fromisoformat(text).isoformat()
    except ValueError:
        message = f'{where} must be a date YYYY-MM-DD, not "{short(text)}"'
        raise ScheduleError(message, path, _line(node)) from None


def _time_text(node: yaml.Node | None, where: str, path: str | None) -> str | None:
    """A time of day as `HH:MM` (24-hour; `9:05` becomes `09:05`)."""
    text = _text(node, where, path)
    if text is None:
        return None
    match = _TIME_RE.fullmatch(text.strip())
    if not match:
        raise ScheduleError(f'{where} must be a time HH:MM, not "{short(text)}"', path, _line(node))
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def with_schedule(notebook: Notebook, schedule_path: str | os.PathLike[str]) -> Notebook:
    """`notebook` with the schedule at `schedule_path` applied.

    A schedule that cannot be read leaves the talks as they are and adds one error
    diagnostic naming the schedule file, so the notes still open.
    """
    try:
        entries = read_schedule(schedule_path)
    except ScheduleError as error:
        problem = Diagnostic(error.line or 1, error.message, "error", str(schedule_path))
        return replace(notebook, diagnostics=(*notebook.diagnostics, problem))
    return apply_schedule(notebook, entries, schedule_path)
