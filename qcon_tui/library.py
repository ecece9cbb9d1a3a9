"""A library: every notes file of one directory, opened together and searched as one.

`load_library(dir)` reads each notes file beside each other (not in subdirectories);
a file that cannot be read, for whatever reason, is kept as a failure with its message
and never stops the rest. File and directory names come from outside: every one
that is shown (titles, failures, progress) is cleaned of control characters here.
`iter_library(dir)` does the same one file at a time, so a browser can show the
first notebook before the last has loaded. Given a `cache`, big files are read
through the disk cache of parsed notes (`qcon_tui.cache`), as a single file is.
`LibraryIndex(library)` searches every notebook and merges the hits by score. No UI
imports.
"""

from __future__ import annotations

import heapq
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import count
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .formats import SUFFIXES, NotesError, load, os_errors
from .model import Day, Notebook, Talk, clean
from .words import plural

if TYPE_CHECKING:
    from .cache import ModelCache, Opened
    from .formats.layout import Layout
    from .search import Hit, SearchIndex

    #: A cache, or a function giving it (called only once a file is big enough to use one).
    CacheSource = ModelCache | Callable[[], ModelCache | None]

#: Suffixes of the notes files a library opens: every suffix `formats.load()` reads.
NOTES_SUFFIXES: tuple[str, ...] = tuple(SUFFIXES)

#: Sidecar files that belong to a notes file of the same stem, never notes themselves.
SIDECAR_SUFFIXES: tuple[str, ...] = (".schedule.yaml", ".schedule.yml")

#: `progress(done, total, path)`: called after each file is read (or fails).
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class LoadFailure:
    """A notes file of the library that could not be read, and why (one line)."""

    path: str
    message: str
    line: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", clean(self.path))
        object.__setattr__(self, "message", clean(self.message))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"

    @property
    def label(self) -> str:
        """Like `str()`, with the file's name for its path: what a view of its library shows."""
        name = os.path.basename(self.path) or self.path
        return f"{name}:{self.line}: {self.message}" if self.line else f"{name}: {self.message}"


@dataclass(frozen=True)
class LibraryEntry:
    """One file of `iter_library`: its notebook, or its failure; `index` counts from 0 of `total`.

    `path` is the file's path cleaned for display.
    """

    path: str
    index: int
    total: int
    notebook: Notebook | None = None
    failure: LoadFailure | None = None
    #: How the file was read through the cache (its index, if the cache had one), if it was.
    opened: Opened | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", clean(self.path))


@dataclass(frozen=True)
class Library:
    """The notebooks of one directory in file-name order, and the files that failed."""

    title: str
    notebooks: tuple[Notebook, ...] = ()
    failures: tuple[LoadFailure, ...] = ()
    #: The directory the library was read from (None for a library built in memory).
    source: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", clean(self.title))
        object.__setattr__(self, "notebooks", tuple(self.notebooks))
        object.__setattr__(self, "failures", tuple(self.failures))

    @classmethod
    def of(cls, notebook: Notebook) -> Library:
        """A library of one notebook, so code can treat a file and a directory alike."""
        return cls(notebook.title, (notebook,), source=notebook.source)

    def adding(self, entry: LibraryEntry) -> Library:
        """This library with one more file read: its notebook, or its failure, at the end."""
        if entry.notebook is not None:
            return replace(self, notebooks=(*self.notebooks, entry.notebook))
        if entry.failure is not None:
            return replace(self, failures=(*self.failures, entry.failure))
        return self

    @property
    def talk_count(self) -> int:
        """How many talks the library's notebooks hold in all."""
        return sum(len(notebook.talks) for notebook in self.notebooks)

    def talks(self) -> Iterator[tuple[Notebook, Day, Talk]]:
        """Every talk of every notebook, in reading order, with where it sits."""
        for notebook in self.notebooks:
            for day in notebook.days:
                for talk in day.talks:
                    yield notebook, day, talk


def same_title_names(notebooks: Sequence[Notebook]) -> dict[int, str]:
    """File names that tell apart notebooks of the same title: id(notebook) → "qcon-2018.md".

    Only notebooks whose title another one shares (ignoring case) are named.
    """
    seen: dict[str, int] = {}
    for notebook in notebooks:
        key = notebook.title.casefold()
        seen[key] = seen.get(key, 0) + 1
    return {
        id(notebook): clean(os.path.basename(notebook.source))
        for notebook in notebooks
        if notebook.source and seen[notebook.title.casefold()] > 1
    }


def is_notes_file(path: Path) -> bool:
    """True for a visible regular file with a notes suffix that is not a schedule sidecar."""
    name = path.name.lower()
    if name.startswith(".") or name.endswith(SIDECAR_SUFFIXES):
        return False
    return name.endswith(NOTES_SUFFIXES) and path.is_file()


def library_files(directory: str | os.PathLike[str]) -> list[Path]:
    """The notes files directly in `directory`, sorted by name (case-insensitively).

    Subdirectories are not entered: a directory is one shelf of notes, and a deep walk
    of a home directory would be slow and surprising. Raises `NotesError` when the
    directory itself cannot be listed.
    """
    name = str(directory)
    root = Path(directory)
    with os_errors(
        name, doing="list directory", missing="no such directory", wrong_kind="is not a directory"
    ):
        children = list(root.iterdir())
    files = [child for child in children if is_notes_file(child)]
    return sorted(files, key=lambda path: (path.name.casefold(), path.name))


def library_title(directory: str | os.PathLike[str]) -> str:
    """The title of the library in `directory`: the directory's own name."""
    path = Path(directory)
    return clean(path.name or path.resolve().name or str(path))


def iter_library(
    directory: str | os.PathLike[str], cache: CacheSource | None = None, *, layout: Layout | None = None
) -> Iterator[LibraryEntry]:
    """Read the notes files of `directory` one by one, in name order, each with `layout`.

    Each file gives one `LibraryEntry` holding its notebook or, when it cannot be
    read, its failure; a failure never stops the files after it. With a `cache`,
    each file is read through it (small files skip it, see `cache.open_notes`).
    """
    files = library_files(directory)
    total = len(files)
    for index, path in enumerate(files):
        opened: Opened | None = None
        try:
            if cache is None:
                notebook = load(path, layout=layout)
            else:
                from .cache import open_notes

                opened = open_notes(path, cache, layout=layout)
                notebook = opened.notebook
        except NotesError as error:
            failure = LoadFailure(str(path), error.message, error.line)
        except Exception as error:  # one bad file, whatever went wrong, never stops a library
            failure = LoadFailure(str(path), f"cannot be read ({type(error).__name__}: {error})")
        else:
            yield LibraryEntry(str(path), index, total, notebook=notebook, opened=opened)
            continue
        yield LibraryEntry(str(path), index, total, failure=failure)


def load_library(
    directory: str | os.PathLike[str], progress: Progress | None = None, *, layout: Layout | None = None
) -> Library:
    """Read every notes file of `directory` (each with `layout`) into a `Library` titled after the directory.

    `progress(done, total, path)` is called after each file, read or failed.
    """
    notebooks: list[Notebook] = []
    failures: list[LoadFailure] = []
    for entry in iter_library(directory, layout=layout):
        if entry.notebook is not None:
            notebooks.append(entry.notebook)
        elif entry.failure is not None:
            failures.append(entry.failure)
        if progress is not None:
            progress(entry.index + 1, entry.total, entry.path)
    return Library(library_title(directory), tuple(notebooks), tuple(failures), str(directory))


def open_library(directory: str | os.PathLike[str]) -> tuple[Library, Iterator[LibraryEntry]]:
    """Read `directory` up to its first readable notes file; the rest is left to the caller.

    Returns the library so far (that notebook, and the files that failed before it)
    and an iterator over the entries still to read, so a browser can start on the
    first notebook and load the others while it runs. Raises `NotesError` when the
    directory holds no notes file, or none of them can be read.
    """
    library, _first, rest = start_library(directory)
    return library, rest


def start_library(
    directory: str | os.PathLike[str], cache: CacheSource | None = None, *, layout: Layout | None = None
) -> tuple[Library, LibraryEntry, Iterator[LibraryEntry]]:
    """Like `open_library`, reading through `cache` with `layout`, and also giving the
    first readable file's entry (how the cache read it)."""
    name = str(directory)
    entries = iter_library(directory, cache, layout=layout)
    failures: list[LoadFailure] = []
    for entry in entries:
        if entry.notebook is not None:
            library = Library(library_title(directory), (entry.notebook,), tuple(failures), name)
            return library, entry, entries
        if entry.failure is not None:
            failures.append(entry.failure)
    if failures:
        raise NotesError(f"none of its {plural(len(failures), 'notes file')} could be read", name)
    raise NotesError(f"no notes files in this directory (looked for {', '.join(NOTES_SUFFIXES)})", name)


# --------------------------------------------------------------------------- search


@dataclass(frozen=True)
class LibraryHit:
    """A search hit and the notebook (by position in the library) it came from."""

    notebook_index: int
    notebook: Notebook
    hit: Hit

    @property
    def talk(self) -> Talk:
        """The talk that matched."""
        return self.hit.talk

    @property
    def day(self) -> Day:
        """The day of the talk that matched."""
        return self.hit.day

    @property
    def score(self) -> float:
        """The hit's score within its notebook (higher is better)."""
        return self.hit.score

    @property
    def spans(self) -> tuple[Any, ...]:
        """Where the talk matched (see `Hit.spans`), so a viewer can light the matches."""
        return self.hit.spans

    @property
    def snippet(self) -> str:
        """The line of the talk that best shows the match."""
        return self.hit.snippet

    @property
    def snippet_spans(self) -> tuple[tuple[int, int], ...]:
        """(start, end) ranges within `snippet` to highlight."""
        return self.hit.snippet_spans


class LibraryIndex:
    """Search across every notebook of a library: one `SearchIndex` each, hits merged by score.

    Scores come from each notebook's own index; equal scores keep library order and
    then each notebook's own ranking, so results are deterministic.
    """

    def __init__(
        self, library: Library, *, reuse: LibraryIndex | None = None, prebuilt: Sequence[SearchIndex] = ()
    ) -> None:
        """Index every notebook of `library`; those `reuse` already indexed are not indexed again.

        `reuse` lets a library that grows one notebook at a time (a browser loading a
        directory) index only the new notebook each time; `prebuilt` holds indexes
        already built for some of its notebooks (read from the cache).
        """
        from .search import SearchIndex

        known: dict[int, SearchIndex] = {id(index.notebook): index for index in prebuilt}
        if reuse is not None:
            known.update(
                {id(nb): index for nb, index in zip(reuse.library.notebooks, reuse.indexes, strict=True)}
            )
        self.library: Library = library
        self.indexes: tuple[SearchIndex, ...] = tuple(
            known[id(nb)] if id(nb) in known else SearchIndex(nb) for nb in library.notebooks
        )

    def search(self, query: str, limit: int = 20) -> list[LibraryHit]:
        """Hits from every notebook for `query`, best first, at most `limit` of them."""
        if limit <= 0:
            return []
        ranked: list[tuple[float, int, int, LibraryHit]] = []
        order = count()
        for index, (notebook, search_index) in enumerate(
            zip(self.library.notebooks, self.indexes, strict=True)
        ):
            for hit in search_index.search(query, limit=limit):
                ranked.append((-float(hit.score), index, next(order), LibraryHit(index, notebook, hit)))
        return [item[-1] for item in heapq.nsmallest(limit, ranked, key=lambda item: item[:3])]
