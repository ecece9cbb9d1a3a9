"""A disk cache of parsed notes and their search index, so a big file reopens in a moment.

One file per notes file, under the user cache folder (`qcon-tui where` style:
`$XDG_CACHE_HOME/qcon-tui/parsed`, or `QCON_TUI_CACHE_DIR`). An entry is used only
when the notes file (and its schedule beside it) hash to what the entry was built
from, read with the same layout (`--days`/`--talks`), and the entry was written by
this version of qcon-tui; anything else is a miss and is rebuilt. A file read with a
layout has an entry of its own, beside the one of its default reading. The format is flat data, never pickle:

    header  "<8sHHIQ32s": magic, format version, section count, 0, payload length,
            SHA-256 of the payload
    payload sections, each "<4sQ" (name, length) then its bytes:
            META  JSON: the key (path, size, hashes, layout, version), notebook title, days
            INTR  JSON: the intro blocks
            TIDS / TTLS  talk ids and titles, NUL-separated, zlib
            TLNS  talk lines (8-byte)
            TXTR  JSON: speakers, facts and links of the talks that have any, zlib
            BOFS  offsets (8-byte) of the zlib chunks of notes, 64 talks a chunk
            BLKS  the chunks: JSON lists of each talk's blocks, decoded on first use
            VOCB  the index vocabulary, one word a line, zlib
            OFFS / DOCS / CODE  the index's posting buffers (see `search.IndexParts`),
                  the codes zlib-compressed

Every read checks the magic, version and lengths before a byte is used, and
bounds-checks every decode; the checksum (and the notes' own hash) are computed in
threads meanwhile, and nothing decoded is handed out before both match. A damaged
entry is deleted; writes go to a temp file in the same folder,
fsynced, then renamed over the entry, so a reader never sees half a file and two
writers never mix. The folder is kept under `MAX_BYTES` by dropping the entries used
least recently. No UI imports. The rows inside the sections (blocks, talks) are
written and checked by `cache_rows`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import itertools
import json
import os
import re
import struct
import threading
import time
import zlib
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .cache_rows import (
    _SEP,
    CHUNK_TALKS,
    CacheError,
    _block,
    _block_row,
    _column,
    _int,
    _list,
    _Notes,
    _optional,
    _str,
    _talk_extras,
    _talks,
)
from .cache_rows import CachedTalk as CachedTalk  # offered here, as it always was
from .fsutil import atomic_write, read_regular
from .model import _CONTROL_RE, Day, Diagnostic, Notebook

if TYPE_CHECKING:
    from .formats.layout import Layout
    from .search import SearchIndex

#: Environment: a folder to use instead of the user cache folder, and a switch to turn it off.
CACHE_DIR_ENV = "QCON_TUI_CACHE_DIR"
NO_CACHE_ENV = "QCON_TUI_NO_CACHE"
MAGIC = b"QTUICACH"
#: 2: inline spans and table blocks. 3: the key holds the layout the file was read with.
FORMAT_VERSION = 3
HEADER = struct.Struct("<8sHHIQ32s")
SECTION = struct.Struct("<4sQ")
SUFFIX = ".qcache"
#: The cache folder's size limit; the entries used least recently go first.
MAX_BYTES = 1024 * 2**20
#: Notes files smaller than this parse faster than an entry could be checked: not cached.
MIN_SOURCE_BYTES = 512 * 1024
#: A schedule file larger than this is hashed as unreadable (the reader refuses it too).
MAX_SCHEDULE_BYTES = 64 * 2**20
#: The most a compressed section may grow to when read back.
MAX_INFLATED = 1024 * 2**20
#: Temp files older than this are left-overs of a writer that died; they are removed.
STALE_TEMP_SECONDS = 3600

#: The sections of an entry, in the order they are written.
SECTIONS = (
    *(b"META", b"INTR", b"TIDS", b"TTLS", b"TLNS", b"TXTR"),
    *(b"BOFS", b"BLKS", b"VOCB", b"OFFS", b"DOCS", b"CODE"),
)
#: A JSON escape other than those clean text needs (\" \\ \n \t) means the text was not clean.
_ESCAPE_RE = re.compile(r"\\(.)")


@dataclass(frozen=True)
class SourceKey:
    """What an entry is built from: the notes file and its schedule, by identity and content."""

    path: str
    size: int
    digest: str
    schedule: str | None = None
    schedule_digest: str | None = None
    #: The (`--days`, `--talks`) the file is read with; None: the guess.
    layout: tuple[str | None, str | None] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "size": self.size,
            "digest": self.digest,
            "schedule": self.schedule,
            "schedule_digest": self.schedule_digest,
            "layout": None if self.layout is None else {"days": self.layout[0], "talks": self.layout[1]},
            "version": __version__,
        }


class _Digest:
    """The SHA-256 of a buffer, computed in a thread while the caller goes on.

    hashlib lets go of the GIL on big buffers, so on a second core the hash costs
    the caller nothing until `value` waits for it.
    """

    def __init__(self, data: bytes | memoryview) -> None:
        self._value = b""
        self._thread = threading.Thread(target=self._run, args=(data,), name="qcon-tui-digest", daemon=True)
        self._thread.start()

    def _run(self, data: bytes | memoryview) -> None:
        self._value = hashlib.sha256(data).digest()

    def value(self) -> bytes:
        """The digest (waits for the thread)."""
        self._thread.join()
        return self._value


@dataclass(frozen=True)
class Cached:
    """A cache hit: the notebook, and its search index ready to query."""

    notebook: Notebook
    index: SearchIndex


def source_key(
    path: str | os.PathLike[str],
    data: bytes,
    schedule: str | os.PathLike[str] | None,
    layout: Layout | None = None,
    *,
    digest: str | None = None,
) -> SourceKey:
    """The key of notes `data` read from `path` with `layout`, and the schedule file beside it if any.

    `digest`, when given, is the SHA-256 of `data` already known (it is not hashed again).
    """
    schedule_digest = None
    if schedule is not None:
        try:
            schedule_digest = hashlib.sha256(read_regular(schedule, MAX_SCHEDULE_BYTES)[1]).hexdigest()
        except OSError:
            schedule_digest = "unreadable"
    return SourceKey(
        os.path.realpath(path),
        len(data),
        hashlib.sha256(data).hexdigest() if digest is None else digest,
        None if schedule is None else os.path.realpath(schedule),
        schedule_digest,
        (layout.days, layout.talks) if layout else None,
    )


def default_folder() -> Path | None:
    """The cache folder: `QCON_TUI_CACHE_DIR`, else the user cache folder; None when turned off."""
    if os.environ.get(NO_CACHE_ENV, "").strip() not in ("", "0"):
        return None
    chosen = os.environ.get(CACHE_DIR_ENV)
    if chosen:
        return Path(chosen)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("qcon-tui", appauthor=False)) / "parsed"


class ModelCache:
    """The entries of one cache folder: look one up, store one, keep the folder bounded."""

    def __init__(self, folder: str | os.PathLike[str], *, max_bytes: int = MAX_BYTES) -> None:
        self.folder = Path(folder)
        self.max_bytes = max_bytes

    def entry_path(self, key: SourceKey) -> Path:
        """Where the entry for the notes file of `key` lives (one entry per file, layout and version)."""
        told = "" if key.layout is None else "\0{}\0{}".format(*key.layout)
        name = hashlib.sha256(f"{key.path}\0{__version__}{told}".encode("utf-8", "surrogatepass")).hexdigest()
        return self.folder / f"{name[:40]}{SUFFIX}"

    def lookup(
        self, key: SourceKey, source: str | None = None, *, digest: _Digest | None = None
    ) -> Cached | None:
        """The notebook and index stored for `key`, or None (a damaged entry is removed).

        `source` is the path as the caller named it (the notebook's `source`). With
        `digest` (the notes' hash, still being computed), `key.digest` is not used:
        the entry is decoded meanwhile and used only if its digest is that one.
        """
        path = self.entry_path(key)
        try:
            # Only a regular file, and no more than the whole cache may hold: a FIFO or a
            # huge file put in its place is a miss, not a hang or a flood of memory.
            data = read_regular(path, self.max_bytes)[1]
        except OSError:
            return None
        try:
            cached = decode_entry(data, key, source, digest=digest)
        except _Changed:
            return None  # the entry is sound, the notes changed: it is replaced when they are stored
        except CacheError:
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # used: the last to be evicted
        return cached

    def store(
        self, key: SourceKey, notebook: Notebook, index: SearchIndex, pace: Callable[[], None] | None = None
    ) -> Path | None:
        """Write the entry for `key` atomically, then trim the folder; None if it cannot be written."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            payload = encode_entry(key, notebook, index, pace)
            if len(payload) > self.max_bytes:
                return None
            target = self.entry_path(key)
            atomic_write(target, payload, mode=0o600)  # entries hold your notes: yours alone
        except OSError:
            return None
        self.trim(keep=target)
        return target

    def trim(self, keep: Path | None = None) -> None:
        """Drop the entries used least recently until the folder is under `max_bytes`."""
        entries: list[tuple[float, int, Path]] = []
        now = time.time()
        try:
            children = list(self.folder.iterdir())
        except OSError:
            return
        for child in children:
            try:
                info = child.stat()
            except OSError:
                continue
            if child.name.endswith(".tmp") and now - info.st_mtime > STALE_TEMP_SECONDS:
                with contextlib.suppress(OSError):
                    child.unlink()
            elif child.name.endswith(SUFFIX):
                entries.append((info.st_mtime, info.st_size, child))
        total = sum(size for _mtime, size, _path in entries)
        for _mtime, size, path in sorted(entries, key=lambda e: (e[2] == keep, e[0])):
            if total <= self.max_bytes:
                break
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size


# --------------------------------------------------------------------------- blocks as lists

def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def encode_entry(
    key: SourceKey, notebook: Notebook, index: SearchIndex, pace: Callable[[], None] | None = None
) -> bytes:
    """The whole entry (header and sections) for `notebook` and its built `index`.

    `pace` is called between chunks of talks: the browser passes one that waits while
    the user types, so writing the cache in a thread never competes with a keystroke.
    """
    talks = notebook.talks
    chunk_offsets = array("Q", [0])
    chunks = bytearray()
    for first in range(0, len(talks), CHUNK_TALKS):
        rows = [[_block_row(block) for block in talk.blocks] for talk in talks[first : first + CHUNK_TALKS]]
        chunks += zlib.compress(_json(rows), 6)
        chunk_offsets.append(len(chunks))
        if pace is not None:
            pace()
    parts = index.parts()
    extras = {str(n): row for n, talk in enumerate(talks) if (row := _talk_extras(talk)) is not None}
    meta = {
        "key": key.to_json(),
        "title": notebook.title,
        "days": [[day.title, day.line, len(day.talks)] for day in notebook.days],
        "diagnostics": [[d.line, d.message, d.severity, d.path] for d in notebook.diagnostics],
        "talks": len(talks),
        "words": len(parts.vocab),
    }
    sections = [
        (b"META", _json(meta)),
        (b"INTR", _json([_block_row(block) for block in notebook.intro])),
        (b"TIDS", zlib.compress(_SEP.join(talk.id for talk in talks).encode(), 6)),
        (b"TTLS", zlib.compress(_SEP.join(talk.title for talk in talks).encode(), 6)),
        (b"TLNS", array("Q", [talk.line for talk in talks]).tobytes()),
        (b"TXTR", zlib.compress(_json(extras), 6)),
        (b"BOFS", chunk_offsets.tobytes()),
        (b"BLKS", bytes(chunks)),
        (b"VOCB", zlib.compress("\n".join(parts.vocab).encode("utf-8", "surrogatepass"), 6)),
        (b"OFFS", parts.offsets),
        (b"DOCS", bytes(parts.docs)),
        (b"CODE", zlib.compress(parts.codes, 6)),
    ]
    payload = b"".join(SECTION.pack(name, len(body)) + body for name, body in sections)
    digest = hashlib.sha256(payload).digest()
    return HEADER.pack(MAGIC, FORMAT_VERSION, len(sections), 0, len(payload), digest) + payload


class _Changed(CacheError):
    """A sound entry built from other contents of the notes file."""


def _sections(data: bytes) -> tuple[dict[bytes, memoryview], Callable[[], None]]:
    """The sections of an entry after checking its header and lengths, and a check of its checksum.

    The checksum is computed in a thread while the sections are decoded (every
    decode checks its bounds anyway); the entry is used only after `verify()`
    returns, which raises `CacheError` on a mismatch.
    """
    if len(data) < HEADER.size:
        raise CacheError("truncated header")
    magic, version, count, _zero, length, digest = HEADER.unpack_from(data)
    if magic != MAGIC or version != FORMAT_VERSION:
        raise CacheError("not an entry of this format")
    if length != len(data) - HEADER.size:
        raise CacheError("truncated or overlong")
    view = memoryview(data)[HEADER.size :]
    computed = _Digest(view)

    def verify() -> None:
        if computed.value() != digest:
            raise CacheError("checksum mismatch")

    sections: dict[bytes, memoryview] = {}
    at = 0
    for _ in range(count):
        if at + SECTION.size > len(view):
            raise CacheError("truncated section")
        name, size = SECTION.unpack_from(view, at)
        at += SECTION.size
        if at + size > len(view):
            raise CacheError("truncated section")
        sections[name] = view[at : at + size]
        at += size
    if at != len(view):
        raise CacheError("trailing bytes")
    return sections, verify


def _inflate(body: memoryview) -> bytes:
    """Decompress a zlib section, refusing one that would grow past `MAX_INFLATED`."""
    inflater = zlib.decompressobj()
    data = inflater.decompress(body, MAX_INFLATED)
    if inflater.unconsumed_tail or not inflater.eof:
        raise CacheError("a compressed section is damaged or too large")
    return data


def _clean_json(raw: bytes | memoryview) -> Any:
    """Decode a JSON section whose strings must already be clean (no control characters)."""
    text = str(raw, "utf-8")
    if _CONTROL_RE.search(text.replace("\n", "")) or not set(_ESCAPE_RE.findall(text)) <= {
        '"',
        "\\",
        "n",
        "t",
    }:
        raise CacheError("text that was not cleaned")
    return json.loads(text)


def decode_entry(
    data: bytes, key: SourceKey, source: str | None = None, *, digest: _Digest | None = None
) -> Cached:
    """The notebook and index in entry `data`, if it was built from `key`; else `CacheError`.

    `source` becomes the notebook's `source` (the path as the caller named it).
    With `digest`, the notes' hash is that one (awaited once the rest is decoded),
    not `key.digest`.
    """
    paused = gc.isenabled()
    gc.disable()  # the decode makes ~100k objects and no cycles: no collection passes meanwhile
    try:
        return _decode(data, key, source, digest)
    except CacheError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, zlib.error, RecursionError) as error:
        raise CacheError(f"damaged entry: {error}") from None
    finally:
        if paused:
            gc.enable()


def _decode(data: bytes, key: SourceKey, source: str | None, digest: _Digest | None) -> Cached:
    sections, verify = _sections(data)
    if set(sections) != set(SECTIONS):
        raise CacheError("missing sections")
    meta = json.loads(str(sections[b"META"], "utf-8"))
    stored, wanted = (meta.get("key") if type(meta) is dict else None), key.to_json()
    if type(stored) is not dict or {**stored, "digest": None} != {**wanted, "digest": None}:
        verify()  # a damaged entry is removed; a sound one from another build is only passed over
        raise _Changed("built from another file, size, schedule or version")
    if digest is None and stored["digest"] != wanted["digest"]:
        verify()
        raise _Changed("built from other contents")
    offsets = array("Q")
    offsets.frombytes(sections[b"BOFS"])
    count = _int(meta["talks"])
    lines = array("Q")
    lines.frombytes(sections[b"TLNS"])
    if len(lines) != count or len(offsets) != (count + CHUNK_TALKS - 1) // CHUNK_TALKS + 1:
        raise CacheError("talk count mismatch")
    ids = _column(_inflate(sections[b"TIDS"]), count)
    titles = _column(_inflate(sections[b"TTLS"]), count)
    blocks = sections[b"BLKS"]
    if offsets[0] != 0 or offsets[-1] != len(blocks) or any(a > b for a, b in itertools.pairwise(offsets)):
        raise CacheError("bad notes offsets")
    notes = _Notes(offsets, blocks, _inflate)
    talks = _talks(ids, titles, lines, _clean_json(_inflate(sections[b"TXTR"])), notes)
    days: list[Day] = []
    at = 0
    for row in _list(meta["days"]):
        title, line, count = _list(row)
        if _int(count) < 0 or at + count > len(talks):
            raise CacheError("day sizes do not add up")
        days.append(Day(_str(title), tuple(talks[at : at + count]), _int(line)))
        at += count
    if at != len(talks):
        raise CacheError("day sizes do not add up")
    diagnostics = tuple(
        Diagnostic(_int(line), _str(message), _str(severity), _optional(path))
        for line, message, severity, path in _list(meta["diagnostics"])
    )
    intro = tuple(_block(row) for row in _list(json.loads(str(sections[b"INTR"], "utf-8"))))
    notebook = Notebook(_str(meta["title"]), tuple(days), intro, source, diagnostics)
    words = _inflate(sections[b"VOCB"])
    vocab = str(words, "utf-8").split("\n") if words else []
    if len(vocab) != meta["words"]:
        raise CacheError("vocabulary size mismatch")
    from .search import IndexParts, SearchIndex  # not before a big file needs it (start-up)

    parts = IndexParts(vocab, bytes(sections[b"OFFS"]), sections[b"DOCS"], _inflate(sections[b"CODE"]))
    index = SearchIndex.from_parts(notebook, parts)
    # Nothing decoded is handed out before the entry's checksum and the notes' hash are known good.
    verify()
    if digest is not None and stored["digest"] != digest.value().hex():
        raise _Changed("built from other contents")
    return Cached(notebook, index)


# --------------------------------------------------------------------------- opening notes


@dataclass
class Opened:
    """A notes file as opened through the cache: its notebook, and its index if the cache had it.

    Without an index, build one and hand it to `remember` so the next open finds it.
    """

    notebook: Notebook
    index: SearchIndex | None = None
    cache: ModelCache | None = None
    key: SourceKey | None = None

    def remember(self, index: SearchIndex, pace: Callable[[], None] | None = None) -> None:
        """Store the notebook with its freshly built `index` (a no-op for a hit or no cache)."""
        if self.cache is not None and self.key is not None and self.index is None:
            self.cache.store(self.key, self.notebook, index, pace)
            self.index = index


def open_notes(
    path: str | os.PathLike[str],
    cache: ModelCache | Callable[[], ModelCache | None] | None,
    *,
    layout: Layout | None = None,
) -> Opened:
    """Read the notes at `path` with `layout` (as `formats.load`), from `cache` when it holds them unchanged.

    `cache` may be a function giving the cache, called only for a file big enough
    to use it. Raises `NotesError` like `formats.load`. Small files skip the cache
    (parsing them is quicker than checking an entry). A file read with a layout has
    an entry apart from its default reading: each is found again as it was read.
    """
    from .formats import load_data, read_bytes
    from .formats.schedule import schedule_path_for

    layout = layout or None  # an empty layout is the guess, and shares its entry
    data = read_bytes(path)
    if cache is None or len(data) < MIN_SOURCE_BYTES:
        return Opened(load_data(path, data, layout))
    if not isinstance(cache, ModelCache):
        cache = cache()
        if cache is None:
            return Opened(load_data(path, data, layout))
    # The notes are hashed on another core while the entry is read and decoded.
    digest = _Digest(data)
    key = source_key(path, data, schedule_path_for(path), layout, digest="")
    hit = cache.lookup(key, str(path), digest=digest)
    key = dataclasses.replace(key, digest=digest.value().hex())
    if hit is not None:
        return Opened(hit.notebook, hit.index, cache, key)
    return Opened(load_data(path, data, layout), None, cache, key)


def default_cache() -> ModelCache | None:
    """The cache in the default folder, or None when `QCON_TUI_NO_CACHE` turns it off."""
    folder = default_folder()
    return None if folder is None else ModelCache(folder)
