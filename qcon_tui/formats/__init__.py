"""Readers and writers for notes files, and `load()`, which picks the reader.

Every reader takes decoded text and returns a `Notebook`; every failure is a
`NotesError` carrying the path and, where known, the line.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..fsutil import FileTooLargeError, NotRegularFileError, read_regular
from ..model import Notebook, clean

if TYPE_CHECKING:
    from .layout import Layout

#: Files larger than this are refused rather than read into memory.
MAX_BYTES = 256 * 1024 * 1024

#: Characters of notes one talk (or the introduction) may hold. Real talks hold a few
#: thousand; past this a talk could not be shown, searched or rendered in reasonable
#: time and memory, so the file is refused, saying which talk (docs/FORMATS.md).
MAX_TALK_CHARS = 1_000_000

SUFFIXES = {
    ".txt": "text",
    ".text": "text",
    ".notes": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".yaml": "yaml",
    ".yml": "yaml",
}


@dataclass
class NotesError(Exception):
    """A notes file that cannot be read: the one error type every reader raises."""

    message: str
    path: str | None = None
    line: int | None = None

    def __post_init__(self) -> None:
        # The path and message hold names from outside (file names, YAML keys): made
        # harmless here, so no way of printing an error can reach a terminal raw.
        self.message = " ".join(clean(self.message).split("\n"))  # one line, always
        self.path = None if self.path is None else clean(self.path)

    def __str__(self) -> str:
        where = self.path or "<notes>"
        if self.line:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"


@contextmanager
def os_errors(
    name: str,
    *,
    doing: str = "read file",
    missing: str = "no such file",
    wrong_kind: str = "is a directory, not a notes file",
    error: type[NotesError] = NotesError,
) -> Iterator[None]:
    """Turn the OS errors of reading (or listing) `name` into one clear `error`."""
    try:
        yield
    except FileNotFoundError:
        raise error(missing, name) from None
    except NotRegularFileError:
        raise error("not a regular file (a FIFO, device or socket)", name) from None
    except PermissionError:
        raise error("permission denied", name) from None
    except (IsADirectoryError, NotADirectoryError):
        raise error(wrong_kind, name) from None
    except OSError as os_error:
        raise error(f"cannot {doing}: {os_error.strerror or os_error}", name) from None


def read_text(path: str | os.PathLike[str]) -> str:
    """Read a notes file as UTF-8, refusing what is not a readable text file.

    Only a regular file is read (a FIFO or `/dev/zero` is refused without blocking),
    and never more than `MAX_BYTES` of it.

    Invalid UTF-8 is refused with the byte offset of the first bad byte rather than
    guessed at, so nothing is silently replaced; a BOM is dropped.
    """
    return decode(read_bytes(path), str(path))


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a notes file, refusing a directory or a file over `MAX_BYTES`."""
    name = str(path)
    try:
        with os_errors(name):
            _stat, data = read_regular(path, MAX_BYTES)
    except FileTooLargeError as error:
        raise NotesError(
            f"file is too large ({error.size / 2**20:.0f} MiB; the limit is {MAX_BYTES // 2**20} MiB)", name
        ) from None
    return data


def decode(data: bytes, name: str | None = None) -> str:
    """Decode file bytes as UTF-8 text, with clear errors for binary and empty input."""
    if b"\x00" in data[:8192]:
        raise NotesError("looks like a binary file (it contains NUL bytes), not notes", name)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise NotesError(
            f"not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}); "
            "convert it with: iconv -f LATIN1 -t UTF-8",
            name,
            line,
        ) from None
    if not text.strip():
        raise NotesError("the file is empty", name)
    return text


def detect_format(path: str | os.PathLike[str], text: str) -> str:
    """The reader to use: by suffix first, then by what the content looks like."""
    suffix = Path(path).suffix.lower()
    named = SUFFIXES.get(suffix)
    if named in ("yaml", "markdown"):  # a text suffix may still hold Markdown: the content decides
        return named
    from .sniff import looks_like_markdown

    if suffix not in SUFFIXES and text.lstrip().startswith(("days:", "title:")) and "\ndays:" in "\n" + text:
        return "yaml"
    if looks_like_markdown(text):
        return "markdown"
    return "text"


def parse(text: str, fmt: str, path: str | None = None, layout: Layout | None = None) -> Notebook:
    """Parse already-decoded `text` in format `fmt` ("text", "markdown" or "yaml").

    `layout` says which headings of a Markdown file are days and talks (the other
    formats say so themselves); None lets the reader guess.

    Structure nested deeper than Python's stack, or text too large for memory, is a
    `NotesError` like any other bad input, never an internal error.
    """
    try:
        return _check_talk_sizes(_parse(text, fmt, path, layout), path)
    except RecursionError:
        raise NotesError("the notes are nested too deeply to read", path) from None
    except MemoryError:
        raise NotesError("the notes are too large to read in the memory available", path) from None


def _check_talk_sizes(notebook: Notebook, path: str | None) -> Notebook:
    """`notebook`, unless one talk (or the introduction) holds more than `MAX_TALK_CHARS`."""
    from ..model import block_texts

    intro = sum(len(text) for block in notebook.intro for text in block_texts(block))
    if intro > MAX_TALK_CHARS:
        raise NotesError(_too_much("the introduction", intro), path)
    for talk in notebook.talks:
        size = sum(len(text) for text in talk.texts())
        if size > MAX_TALK_CHARS:
            raise NotesError(_too_much(f"talk {talk.title[:60]!r}", size), path, talk.line or None)
    return notebook


def _too_much(what: str, size: int) -> str:
    return (
        f"{what} holds {size / 1e6:.1f} million characters of notes; "
        f"the limit is {MAX_TALK_CHARS / 1e6:g} million per talk (split it into talks)"
    )


def _parse(text: str, fmt: str, path: str | None, layout: Layout | None) -> Notebook:
    if fmt == "yaml":
        from .yamlfmt import read_yaml

        return read_yaml(text, path)
    if fmt == "markdown":
        from .markdown import read_markdown

        return read_markdown(text, path, layout)
    from .text import read_text_notes

    return read_text_notes(text, path)


def load(path: str | os.PathLike[str], *, layout: Layout | None = None) -> Notebook:
    """Read a notes file of any supported format into a `Notebook`.

    A `NAME.schedule.yaml` beside `NAME.txt` adds speakers, times and rooms to the
    talks; a schedule that cannot be read only adds an error diagnostic. `layout`
    (`--days`/`--talks`) overrides the guess of a Markdown file's days and talks.
    """
    return load_data(path, read_bytes(path), layout)


def load_data(path: str | os.PathLike[str], data: bytes, layout: Layout | None = None) -> Notebook:
    """Like `load`, from the file's bytes already read (the schedule beside it is still read)."""
    from .sidecar import schedule_path_for

    text = decode(data, str(path))
    notebook = parse(text, detect_format(path, text), str(path), layout)
    schedule = schedule_path_for(path)
    if schedule is None:
        return notebook
    from .schedule import with_schedule

    return with_schedule(notebook, schedule)
