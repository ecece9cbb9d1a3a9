"""Reopening through the cache while the notes' hash and the entry's checksum are still computed.

The entry is decoded while both hashes run in threads; nothing is used before both
are known: changed notes are never served from the old entry, a damaged entry is
still refused and removed, and the index's stored parts are checked for order.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from qcon_tui import cache as cache_module
from qcon_tui.cache import ModelCache, open_notes
from qcon_tui.search import IndexParts, SearchIndex

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture
def generated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A generated notebook of 200 talks, cached whatever its size."""
    monkeypatch.setattr(cache_module, "MIN_SOURCE_BYTES", 0)
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from generate import generate  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(BENCHMARKS))
    path = tmp_path / "notes.txt"
    path.write_text(generate(200), encoding="utf-8")
    return path


def stored(path: Path, folder: Path) -> ModelCache:
    cache = ModelCache(folder)
    opened = open_notes(path, cache)
    assert opened.index is None
    opened.remember(SearchIndex(opened.notebook))
    assert open_notes(path, cache).index is not None
    return cache


def test_notes_changed_in_place_with_the_same_size_are_read_again(generated: Path, tmp_path: Path) -> None:
    cache = stored(generated, tmp_path / "cache")
    first = open_notes(generated, cache).notebook.talks[0].title
    text = generated.read_text("utf-8")
    changed = first[:-1] + ("X" if first[-1] != "X" else "Y")
    generated.write_text(text.replace(first, changed, 1), "utf-8")
    assert len(generated.read_bytes()) == len(text.encode())

    again = open_notes(generated, cache)
    assert again.index is None  # a miss: the old entry is not served for the new contents
    assert again.notebook.talks[0].title == changed
    assert again.key is not None and again.key.digest != ""
    again.remember(SearchIndex(again.notebook))
    hit = open_notes(generated, cache)
    assert hit.index is not None and hit.notebook.talks[0].title == changed


@pytest.mark.parametrize("where", [0.3, 0.5, 0.9])
def test_a_damaged_entry_is_refused_removed_and_rebuilt_on_reopen(
    generated: Path, tmp_path: Path, where: float
) -> None:
    cache = stored(generated, tmp_path / "cache")
    opened = open_notes(generated, cache)
    assert opened.key is not None
    entry = cache.entry_path(opened.key)
    data = bytearray(entry.read_bytes())
    data[int(len(data) * where)] ^= 0x01
    entry.write_bytes(bytes(data))

    again = open_notes(generated, cache)
    assert again.index is None
    assert not entry.exists()
    assert [t.title for t in again.notebook.talks] == [t.title for t in opened.notebook.talks]


def test_a_sound_entry_of_other_contents_is_passed_over_then_replaced(
    generated: Path, tmp_path: Path
) -> None:
    cache = stored(generated, tmp_path / "cache")
    generated.write_text(generated.read_text("utf-8").replace("a", "e", 1), "utf-8")
    again = open_notes(generated, cache)
    assert again.index is None
    again.remember(SearchIndex(again.notebook))
    assert again.key is not None
    assert cache.entry_path(again.key).exists()
    assert open_notes(generated, cache).index is not None


def test_stored_index_parts_out_of_order_or_with_an_empty_word_are_refused(generated: Path) -> None:
    opened = open_notes(generated, None)
    parts = SearchIndex(opened.notebook).parts()
    assert SearchIndex.from_parts(opened.notebook, parts).word_count == len(parts.vocab)
    swapped = [parts.vocab[1], parts.vocab[0], *parts.vocab[2:]]
    twice = [parts.vocab[0], *parts.vocab[:-1]]
    offsets = bytearray(parts.offsets)
    offsets[4:8] = bytes(4)  # the first word's postings end where they start: an empty list
    for bad in (
        IndexParts(swapped, parts.offsets, parts.docs, parts.codes),
        IndexParts(twice, parts.offsets, parts.docs, parts.codes),
        IndexParts(parts.vocab, bytes(offsets), parts.docs, parts.codes),
    ):
        with pytest.raises(ValueError):
            SearchIndex.from_parts(opened.notebook, bad)
