"""The search index's storage: talks numbered in reading order, and one posting list per word.

`Postings(notebook)` builds the sorted vocabulary and packs the postings into flat
buffers; `parts`/`from_parts` hand them to and take them back from the cache.
Querying lives in `search.SearchIndex`, built on this. No UI imports.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice, repeat
from operator import lt
from typing import Self

from .model import Notebook, Paragraph, Talk, block_texts
from .search_query import NOTES_TF, SPEAKER, TITLE, TRACK, terms


def _texts(talk: Talk) -> Iterator[str]:
    """`talk.texts()`, with a fast path for paragraphs (most blocks)."""
    for block in talk.blocks:
        if type(block) is Paragraph:
            yield block.text
        else:
            yield from block_texts(block)


def _new_posting() -> array:
    return array("I")


@dataclass(frozen=True)
class IndexParts:
    """A built index as flat data: the sorted vocabulary, and its postings as raw buffers.

    `offsets` (4-byte unsigned, native order) bound word n's postings; `docs` holds
    `talk number << 8` per posting (4-byte unsigned), `codes` its field bits and count.
    """

    vocab: list[str]
    offsets: bytes
    docs: bytes | memoryview
    codes: bytes


class Postings:
    """One notebook's talks and its vocabulary's posting lists, packed into flat buffers."""

    def __init__(self, notebook: Notebook) -> None:
        self._place(notebook)
        postings: defaultdict[str, array] = defaultdict(_new_posting)
        find = postings.__getitem__
        append = array.append
        doc = 0
        for day in notebook.days:
            for talk in day.talks:
                counts = Counter(terms("\n".join(_texts(talk))))
                # Notes counts, capped to the five low bits; then the field bits on top.
                codes: dict[str, int] = counts
                if counts and max(counts.values()) > NOTES_TF:
                    codes = dict(zip(counts, map(min, counts.values(), repeat(NOTES_TF)), strict=True))
                for bit, text in ((TITLE, talk.title), (SPEAKER, talk.speaker_label), (TRACK, talk.track)):
                    if text:
                        for word in set(terms(text)):
                            codes[word] = codes.get(word, 0) | bit
                # One posting per word of the talk, appended without a Python-level loop.
                deque(map(append, map(find, codes), map((doc << 8).__or__, codes.values())), maxlen=0)
                doc += 1
        self._finish(postings)

    def _place(self, notebook: Notebook) -> None:
        """Number the talks in reading order and note where each day's talks start and end."""
        self.notebook = notebook
        self._talks: list[Talk] = []
        #: Per talk number, its day index and its index within the day.
        self._day_of = array("I")
        self._index_in_day = array("I")
        #: Per day, the first and one-past-last talk number.
        self._day_ranges: list[tuple[int, int]] = []
        self._day_words: list[set[str]] = []
        for d, day in enumerate(notebook.days):
            first = len(self._talks)
            self._day_words.append(set(terms(day.title)))
            self._talks.extend(day.talks)
            self._day_of.extend(repeat(d, len(day.talks)))
            self._index_in_day.extend(range(len(day.talks)))
            self._day_ranges.append((first, len(self._talks)))
        self._count = len(self._talks)
        self._cache: dict[tuple, dict[int, int]] = {}
        self._expansions: dict[tuple[str, bool], list[tuple[int, float]]] = {}
        self._tables: dict[tuple[int, int], bytes] = {}
        #: Word index → the distinct code bytes in its postings (long lists, on first use).
        self._present: dict[int, bytes] = {}

    def parts(self) -> IndexParts:
        """The built index as flat buffers, to be stored and given back to `from_parts`."""
        return IndexParts(list(self._vocab), self._offsets.tobytes(), self._docs.tobytes(), self._codes)

    @classmethod
    def from_parts(cls, notebook: Notebook, parts: IndexParts) -> Self:
        """The index of `notebook` from stored `parts` (of this notebook), without re-reading a talk.

        Raises ValueError when the parts do not fit together or do not fit the notebook.
        """
        index = cls.__new__(cls)
        index._place(notebook)
        offsets = array("I")
        offsets.frombytes(parts.offsets)
        vocab, codes = parts.vocab, parts.codes
        if offsets.itemsize != 4 or len(parts.docs) % 4 or len(offsets) != len(vocab) + 1:
            raise ValueError("index parts do not fit together")
        if offsets[0] != 0 or offsets[-1] != len(codes) or len(parts.docs) != 4 * len(codes):
            raise ValueError("index parts do not fit together")
        # Every word has a posting (offsets rise strictly) and the words are sorted and
        # distinct; checked pairwise in C (`map` over two views) rather than a Python loop.
        if not all(map(lt, offsets, offsets[1:])) or not all(map(lt, vocab, islice(vocab, 1, None))):
            raise ValueError("index parts are out of order")
        docs = memoryview(parts.docs).cast("I")
        # Each posting list is in talk order, so its last entry is its highest talk.
        last = map(docs.__getitem__, map((-1).__add__, islice(offsets, 1, None)))
        if max(last, default=0) >> 8 >= index._count:
            raise ValueError("index parts name talks the notebook does not have")
        index._vocab, index._offsets, index._codes, index._docs = vocab, offsets, codes, docs
        return index

    def _finish(self, postings: defaultdict[str, array]) -> None:
        """Pack the per-word posting arrays into flat buffers, word by word in sorted order.

        `_docs[i]` is `talk number << 8` (the key used everywhere inside), `_codes[i]`
        the field bits and notes count; word `n`'s postings are `_offsets[n]:_offsets[n+1]`.
        """
        self._vocab: list[str] = sorted(postings)
        packed = array("I")
        offsets = array("I", [0])
        for word in self._vocab:
            packed.extend(postings.pop(word))
            offsets.append(len(packed))
        if packed.itemsize != 4:  # pragma: no cover - every supported platform has 4-byte "I"
            raise RuntimeError("array('I') must be 4 bytes")
        raw = bytearray(packed)
        del packed
        low = 0 if sys.byteorder == "little" else 3
        self._codes = bytes(raw[low::4])
        raw[low::4] = bytes(len(self._codes))
        self._docs = memoryview(raw).cast("I")
        self._offsets = offsets

    # ----------------------------------------------------------------- facts

    @property
    def talk_count(self) -> int:
        """How many talks are indexed."""
        return self._count

    @property
    def word_count(self) -> int:
        """How many distinct words the vocabulary holds."""
        return len(self._vocab)

    @property
    def posting_count(self) -> int:
        """How many (word, talk) pairs the index holds."""
        return len(self._codes)

    # ----------------------------------------------------------------- resolving words

    def _find(self, word: str) -> int:
        """Vocabulary index of `word`, or -1."""
        i = bisect_left(self._vocab, word)
        return i if i < len(self._vocab) and self._vocab[i] == word else -1

    def _df(self, i: int) -> int:
        return self._offsets[i + 1] - self._offsets[i]
