"""The disk cache of parsed notes and their index: hits, misses, damage, atomic writes, bounds."""

from __future__ import annotations

import hashlib
import json
import os
import struct
import sys
import threading
import zlib
from pathlib import Path

import pytest

import qcon_tui
from qcon_tui import cache as cache_module
from qcon_tui.cache import (
    HEADER,
    SECTION,
    CachedTalk,
    CacheError,
    ModelCache,
    decode_entry,
    default_cache,
    default_folder,
    encode_entry,
    open_notes,
    source_key,
)
from qcon_tui.formats.serialize import notebook_to_dict
from qcon_tui.search import SearchIndex

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
QUERIES = ["facebok live", "micro", "a", "day:2 java", '"live video"', "who:wells", "in:title serverless"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated notebook of 300 talks (several chunks of notes), over the size the cache skips."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from generate import generate  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(BENCHMARKS))
    path = tmp_path_factory.mktemp("generated") / "notes.txt"
    path.write_text(generate(300), encoding="utf-8")
    return path


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    """A copy of the bundled notes with their schedule beside them, in a folder of the test's own."""
    from qcon_tui.paths import data_dir

    for name in ("qcon-london-2017.txt", "qcon-london-2017.schedule.yaml"):
        (tmp_path / name).write_bytes((data_dir() / name).read_bytes())
    return tmp_path / "qcon-london-2017.txt"


def key_for(path: Path):
    from qcon_tui.formats.schedule import schedule_path_for

    return source_key(path, path.read_bytes(), schedule_path_for(path))


def stored(path: Path, folder: Path) -> tuple[ModelCache, qcon_tui.model.Notebook, SearchIndex]:
    notebook = qcon_tui.load(str(path))
    index = SearchIndex(notebook)
    cache = ModelCache(folder)
    assert cache.store(key_for(path), notebook, index) is not None
    return cache, notebook, index


def results(index: SearchIndex) -> list[list[tuple]]:
    return [
        [(h.talk.id, h.score, h.spans, h.snippet, h.snippet_spans) for h in index.search(q)] for q in QUERIES
    ]


def test_a_hit_gives_back_the_same_notebook_and_the_same_search_results(notes: Path, tmp_path: Path) -> None:
    cache, notebook, index = stored(notes, tmp_path / "cache")
    hit = cache.lookup(key_for(notes), str(notes))
    assert hit is not None
    assert notebook_to_dict(hit.notebook) == notebook_to_dict(notebook)
    assert hit.notebook.source == str(notes)
    assert any(talk.speakers for talk in hit.notebook.talks), "the schedule's speakers were kept"
    assert results(hit.index) == results(index)
    assert results(index)[0], "the queries find something"


def test_cached_talks_decode_their_notes_on_first_use_and_equal_the_parsed_ones(
    notes: Path, tmp_path: Path
) -> None:
    cache, notebook, _index = stored(notes, tmp_path / "cache")
    hit = cache.lookup(key_for(notes), str(notes))
    assert hit is not None
    talk = hit.notebook.talks[3]
    assert isinstance(talk, CachedTalk)
    assert "_blocks" not in talk.__dict__
    assert talk.blocks == notebook.talks[3].blocks and talk.blocks
    assert talk == notebook.talks[3] and notebook.talks[3] == talk
    assert hash(talk) == hash(notebook.talks[3])
    assert talk != notebook.talks[4]


def test_many_chunks_of_notes_round_trip(generated: Path, tmp_path: Path) -> None:
    cache, notebook, index = stored(generated, tmp_path / "cache")
    hit = cache.lookup(key_for(generated), str(generated))
    assert hit is not None
    assert [t.blocks for t in hit.notebook.talks] == [t.blocks for t in notebook.talks]
    assert results(hit.index) == results(index)


def test_the_entry_on_disk_is_at_most_one_and_a_half_times_the_text(generated: Path, tmp_path: Path) -> None:
    cache, _notebook, _index = stored(generated, tmp_path / "cache")
    entry = cache.entry_path(key_for(generated))
    assert entry.stat().st_size <= 1.5 * generated.stat().st_size


def test_changed_content_is_a_miss(notes: Path, tmp_path: Path) -> None:
    cache, _notebook, _index = stored(notes, tmp_path / "cache")
    notes.write_text(notes.read_text("utf-8") + "\nA Late Talk Title\n\nnew notes here\n", "utf-8")
    assert cache.lookup(key_for(notes), str(notes)) is None


def test_a_changed_schedule_is_a_miss(notes: Path, tmp_path: Path) -> None:
    cache, _notebook, _index = stored(notes, tmp_path / "cache")
    schedule = notes.with_name("qcon-london-2017.schedule.yaml")
    schedule.write_text(schedule.read_text("utf-8") + "\n# edited\n", "utf-8")
    assert cache.lookup(key_for(notes), str(notes)) is None


def test_another_version_is_a_miss(notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache, _notebook, _index = stored(notes, tmp_path / "cache")
    data = cache.entry_path(key_for(notes)).read_bytes()
    monkeypatch.setattr(cache_module, "__version__", "99.0")
    with pytest.raises(CacheError):
        decode_entry(data, key_for(notes))
    assert cache.lookup(key_for(notes), str(notes)) is None


def damaged(data: bytes) -> list[tuple[str, bytes]]:
    """Ways an entry can be damaged: each must be refused."""
    middle = len(data) // 2
    flipped = bytearray(data)
    flipped[middle] ^= 0x40
    magic = b"XXXXXXXX" + data[8:]
    version = data[:8] + struct.pack("<H", 7) + data[10:]
    return [
        ("empty", b""),
        ("header only, cut", data[:20]),
        ("truncated", data[:middle]),
        ("one byte short", data[:-1]),
        ("one byte more", data + b"\0"),
        ("a flipped bit", bytes(flipped)),
        ("another magic", magic),
        ("another format version", version),
        ("zeros", bytes(len(data))),
    ]


def test_damaged_entries_are_refused_and_removed(notes: Path, tmp_path: Path) -> None:
    cache, _notebook, _index = stored(notes, tmp_path / "cache")
    key = key_for(notes)
    entry = cache.entry_path(key)
    good = entry.read_bytes()
    for what, data in damaged(good):
        with pytest.raises(CacheError):
            decode_entry(data, key)
        entry.write_bytes(data)
        assert cache.lookup(key, str(notes)) is None, what
        assert not entry.exists(), f"{what}: the damaged entry was left in place"
    entry.write_bytes(good)
    assert cache.lookup(key, str(notes)) is not None


def test_an_entry_that_is_not_a_regular_file_or_too_big_is_a_miss(notes: Path, tmp_path: Path) -> None:
    cache, _notebook, _index = stored(notes, tmp_path / "cache")
    key = key_for(notes)
    entry = cache.entry_path(key)
    good = entry.read_bytes()
    entry.unlink()
    os.mkfifo(entry)  # read as a file, it would block this test forever
    assert cache.lookup(key, str(notes)) is None
    entry.unlink()
    entry.write_bytes(good)
    small = ModelCache(cache.folder, max_bytes=len(good) - 1)
    assert small.lookup(key, str(notes)) is None
    assert cache.lookup(key, str(notes)) is not None


def resealed(data: bytes, change) -> bytes:
    """`data` with its sections changed by `change(name, body)` and a correct checksum again."""
    _magic, version, count, zero, _length, _digest = HEADER.unpack_from(data)
    view = data[HEADER.size :]
    out = b""
    at = 0
    for _ in range(count):
        name, size = SECTION.unpack_from(view, at)
        at += SECTION.size
        body = change(name, view[at : at + size])
        at += size
        out += SECTION.pack(name, len(body)) + body
    return HEADER.pack(b"QTUICACH", version, count, zero, len(out), hashlib.sha256(out).digest()) + out


def test_an_entry_with_a_right_checksum_but_bad_contents_is_refused(
    notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_module, "MAX_INFLATED", 2**20)
    cache, _notebook, _index = stored(notes, tmp_path / "cache")
    key = key_for(notes)
    good = cache.entry_path(key).read_bytes()

    def escape_in_title(name: bytes, body: bytes) -> bytes:
        if name != b"TTLS":
            return body
        return zlib.compress(b"Title \x1b]2;pwned\x07" + zlib.decompress(body))

    def escape_in_speaker(name: bytes, body: bytes) -> bytes:
        if name != b"TXTR":
            return body
        extras = json.loads(zlib.decompress(body))
        first = next(iter(extras))
        extras[first][0] = [["Name \x1b[2J", None]]
        return zlib.compress(json.dumps(extras, ensure_ascii=False).encode())

    def extras_out_of_range(name: bytes, body: bytes) -> bytes:
        if name != b"TXTR":
            return body
        extras = json.loads(zlib.decompress(body))
        return zlib.compress(json.dumps({"-1": next(iter(extras.values()))}).encode())

    def bomb(name: bytes, body: bytes) -> bytes:
        return zlib.compress(bytes(2 * cache_module.MAX_INFLATED), 9) if name == b"CODE" else body

    def wrong_count(name: bytes, body: bytes) -> bytes:
        return body[:-8] if name == b"OFFS" else body

    def strange_block(name: bytes, body: bytes) -> bytes:
        return json.dumps([["zz", 1]]).encode() if name == b"INTR" else body

    def talk_out_of_range(name: bytes, body: bytes) -> bytes:
        if name != b"DOCS":
            return body
        return body[:-4] + struct.pack("=I", 10_000 << 8)

    changes = [escape_in_title, escape_in_speaker, extras_out_of_range, wrong_count, strange_block]
    for change in [*changes, talk_out_of_range, bomb]:
        with pytest.raises(CacheError):
            decode_entry(resealed(good, change), key)
    assert decode_entry(resealed(good, lambda _name, body: body), key).notebook.talks


def test_writes_are_atomic_and_leave_no_temp_files(notes: Path, tmp_path: Path, monkeypatch) -> None:
    cache, notebook, index = stored(notes, tmp_path / "cache")
    key = key_for(notes)
    entry = cache.entry_path(key)
    before = entry.read_bytes()

    def failing_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache_module.os, "replace", failing_replace)
    assert cache.store(key, notebook, index) is None  # told, not raised
    assert entry.read_bytes() == before
    assert [p.name for p in entry.parent.iterdir()] == [entry.name]


def test_two_writers_at_once_leave_one_whole_entry(generated: Path, tmp_path: Path) -> None:
    notebook = qcon_tui.load(str(generated))
    index = SearchIndex(notebook)
    key = key_for(generated)
    cache = ModelCache(tmp_path / "cache")
    threads = [threading.Thread(target=cache.store, args=(key, notebook, index)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [p.suffix for p in cache.folder.iterdir()] == [".qcache"]
    assert cache.lookup(key, str(generated)) is not None


def test_a_half_written_entry_from_another_process_is_not_trusted(notes: Path, tmp_path: Path) -> None:
    cache, notebook, index = stored(notes, tmp_path / "cache")
    key = key_for(notes)
    whole = encode_entry(key, notebook, index)
    cache.entry_path(key).write_bytes(whole[: len(whole) * 2 // 3])  # a writer not using the temp file
    assert cache.lookup(key, str(notes)) is None
    assert cache.store(key, notebook, index) is not None
    assert cache.lookup(key, str(notes)) is not None


def test_the_folder_is_bounded_least_recently_used_first(
    generated: Path, notes: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "cache"
    paths = []
    for n in range(3):
        copy = tmp_path / f"copy-{n}.txt"
        copy.write_bytes(generated.read_bytes())
        paths.append(copy)
    cache = ModelCache(folder)
    notebook = qcon_tui.load(str(paths[0]))
    index = SearchIndex(notebook)
    for n, path in enumerate(paths):
        cache.store(key_for(path), notebook, index)
        os.utime(cache.entry_path(key_for(path)), (1_000_000 + n, 1_000_000 + n))
    size = cache.entry_path(key_for(paths[0])).stat().st_size
    cache.lookup(key_for(paths[0]), str(paths[0]))  # used: now the most recent
    small = ModelCache(folder, max_bytes=int(size * 2.5))
    small.trim()
    left = {p.name for p in folder.iterdir()}
    assert left == {cache.entry_path(key_for(paths[n])).name for n in (0, 2)}


def test_an_entry_larger_than_the_whole_cache_is_not_written(notes: Path, tmp_path: Path) -> None:
    notebook = qcon_tui.load(str(notes))
    cache = ModelCache(tmp_path / "cache", max_bytes=100)
    assert cache.store(key_for(notes), notebook, SearchIndex(notebook)) is None
    assert not any(cache.folder.iterdir())


def test_open_notes_misses_then_hits(generated: Path, isolated_cache: Path, monkeypatch) -> None:
    monkeypatch.setattr(cache_module, "MIN_SOURCE_BYTES", 0)
    cache = default_cache()
    assert cache is not None and cache.folder == isolated_cache
    first = open_notes(generated, cache)
    assert first.index is None
    first.remember(SearchIndex(first.notebook))
    second = open_notes(generated, cache)
    assert second.index is not None
    assert notebook_to_dict(second.notebook) == notebook_to_dict(first.notebook)


def test_small_files_and_no_cache_skip_it(notes: Path, generated: Path, monkeypatch) -> None:
    cache = default_cache()
    small = open_notes(notes, cache)
    assert small.index is None and small.key is None  # the bundled notes parse faster than a lookup
    monkeypatch.setenv("QCON_TUI_NO_CACHE", "1")
    assert default_folder() is None and default_cache() is None
    assert open_notes(generated, None).key is None


def test_the_user_cache_folder_follows_xdg(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("QCON_TUI_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    folder = default_folder()
    assert folder is not None and folder.is_relative_to(tmp_path / "xdg")


def test_the_browser_reads_a_big_file_through_the_cache_and_stores_its_index(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qcon_tui.cli import browse
    from qcon_tui.cli.browse import resolve_start
    from qcon_tui.tui.session import BrowserSession

    assert browse.CACHE_FROM_BYTES == cache_module.MIN_SOURCE_BYTES
    monkeypatch.setattr(cache_module, "MIN_SOURCE_BYTES", 0)
    monkeypatch.setattr(browse, "CACHE_FROM_BYTES", 0)
    first = resolve_start(str(generated))
    assert first.opened is not None and first.opened.index is None
    session = BrowserSession(first.source, opened=first.opened)
    built = session.ensure_index()  # as the browser's first-frame worker does
    second = resolve_start(str(generated))
    assert second.opened is not None and second.opened.index is not None
    reopened = BrowserSession(second.source, opened=second.opened).ensure_index()
    assert reopened.indexes == (second.opened.index,), "the cache's index is used, not rebuilt"
    assert [h.talk.id for h in reopened.search("micro")] == [h.talk.id for h in built.search("micro")]
    assert resolve_start(str(generated), cache=False).opened is None  # --no-cache


def test_a_library_reads_its_big_files_through_the_cache_and_stores_their_indexes(
    generated: Path, tmp_path: Path, isolated_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qcon_tui.cli.browse import resolve_start
    from qcon_tui.library import Library
    from qcon_tui.tui.session import BrowserSession

    monkeypatch.setattr(cache_module, "MIN_SOURCE_BYTES", 0)
    library = tmp_path / "conferences"
    library.mkdir()
    for name in ("a.txt", "b.txt"):
        (library / name).write_bytes(generated.read_bytes())

    def browse() -> tuple[BrowserSession, list[object]]:
        """Open the library as the browser does: the first file now, the rest as they load."""
        start = resolve_start(str(library))
        assert isinstance(start.source, Library) and start.loader is not None
        session = BrowserSession(start.source, opened=start.opened)
        entries = list(start.loader)
        for entry in entries:
            session.add_entry(entry)
        assert isinstance(start.opened, list)
        return session, [*start.opened, *(entry.opened for entry in entries)]

    session, opened = browse()
    assert len(opened) == 2 and all(file is not None and file.index is None for file in opened)
    built = session.ensure_index()
    assert len(list(isolated_cache.glob("*.qcache"))) == 2  # each file's index stored

    session, opened = browse()
    cached = tuple(file.index for file in opened)  # type: ignore[attr-defined]
    assert all(index is not None for index in cached)
    reopened = session.ensure_index()
    assert reopened.indexes == cached, "the cache's indexes are used, not rebuilt"
    assert [h.talk.id for h in reopened.search("micro")] == [h.talk.id for h in built.search("micro")]

    plain = resolve_start(str(library), cache=False)  # --no-cache
    assert plain.opened == [] and plain.loader is not None
    assert all(entry.opened is None for entry in plain.loader)


def test_a_reloaded_notebook_does_not_store_the_old_index(generated: Path, monkeypatch) -> None:
    from qcon_tui.cli import browse
    from qcon_tui.cli.browse import resolve_start
    from qcon_tui.tui.session import BrowserSession

    monkeypatch.setattr(cache_module, "MIN_SOURCE_BYTES", 0)
    monkeypatch.setattr(browse, "CACHE_FROM_BYTES", 0)
    start = resolve_start(str(generated))
    session = BrowserSession(start.source, opened=start.opened)
    session.replace_notebook(qcon_tui.load(str(generated)))
    session.ensure_index()
    assert start.opened is not None and start.opened.cache is not None
    assert not any(start.opened.cache.folder.glob("*.qcache"))


def test_serving_over_ssh_passes_the_cache_settings_to_each_session(monkeypatch, tmp_path: Path) -> None:
    pytest.importorskip("asyncssh")
    from qcon_tui.serve.ssh import child_environment

    monkeypatch.setenv("QCON_TUI_NO_CACHE", "1")
    env = child_environment("xterm")
    assert env["QCON_TUI_CACHE_DIR"] == os.environ["QCON_TUI_CACHE_DIR"]
    assert env["QCON_TUI_NO_CACHE"] == "1"


def test_inline_spans_and_tables_survive_the_cache(tmp_path: Path) -> None:
    path = tmp_path / "spans.md"
    path.write_text(
        "# Conf\n\n## Talk\n\nSome **bold** and [a link](https://example.org) text.\n\n"
        "- item with `code`\n\n> a *quoted* word\n\n### Sub with ~~strike~~\n\n"
        "| A | B |\n|:--|--:|\n| **x** | y |\n",
        encoding="utf-8",
    )
    cache, notebook, _index = stored(path, tmp_path / "cache")
    hit = cache.lookup(key_for(path), str(path))
    assert hit is not None
    blocks = hit.notebook.talks[0].blocks
    assert blocks == notebook.talks[0].blocks
    assert sum(len(getattr(block, "spans", ())) for block in blocks) >= 4
    assert any(block.kind == "table" for block in blocks)


def test_a_big_file_says_it_is_being_read_on_a_terminal(tmp_path: Path, monkeypatch, capsys) -> None:
    from qcon_tui.cli import browse

    hostile = tmp_path / "notes\x1b]2;x\x07.txt"
    hostile.write_text("Title\n\nday 1\n\nA Talk Title\n\nsome notes\n", "utf-8")
    with browse._reading_note(str(hostile)):
        pass
    assert capsys.readouterr().err == ""  # small, or not a terminal: nothing said
    monkeypatch.setattr(browse, "PROGRESS_BYTES", 0)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with browse._reading_note(str(hostile)):
        said = capsys.readouterr().err
    assert said.startswith("qcon-tui: reading notes␛]2;x␇.txt (")
    assert capsys.readouterr().err == "\r\x1b[K"  # wiped before the browser draws


def test_the_bundled_notes_start_without_the_cache_module() -> None:
    import subprocess

    code = (
        "import sys; from qcon_tui.cli.browse import resolve_start; s = resolve_start(None); "
        "print(s.opened is None, 'qcon_tui.cache' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "False"]
