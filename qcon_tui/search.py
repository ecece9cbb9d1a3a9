"""Search over a notebook: `SearchIndex(notebook).search(query)` → ranked `Hit`s.

Built once per load, queried per keystroke, so the work per query must not grow with
the size of the notes. The index is a sorted vocabulary of normalised words with
one posting list per word (which talks hold it, in which fields, how often), packed
into two flat buffers. A query word is matched against the vocabulary, not against
the notes: exactly, as a prefix (the word being typed) and with typos (rapidfuzz
over the vocabulary); then the posting lists of those words are combined. Spans and
snippets are worked out only for the hits returned. No UI imports.
"""

from __future__ import annotations

import heapq
import re
import sys
import unicodedata
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import compress, pairwise, repeat
from math import log
from operator import add, itemgetter
from typing import Literal

from .model import Day, Notebook, Paragraph, Talk, block_texts

QUERY_HELP = """\
words          every word must match (title, notes, speaker, track); best first
partial words  the word being typed matches as a prefix: micro → microservices
typos          words of 4+ letters forgive one typo, 8+ letters two (not in the
               first letter): facebok → facebook
"a phrase"     these words, next to each other, in this order
day:2          talks of the second day; day:tuesday matches the day's title
in:title       match words in titles only
who:NAME       a speaker's name or company
track:WORD     a word of the talk's track"""

# --------------------------------------------------------------------------- words

#: A word: letters and digits, with inner apostrophes ("it's" is one word, "its").
WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_APOSTROPHES = str.maketrans("", "", "'’")
_ASCII_WORDS = str.maketrans(
    {chr(c): chr(c).lower() if chr(c).isalnum() else ("" if chr(c) == "'" else " ") for c in range(128)}
)

#: Field bits in a posting's code byte; the low five bits count the word in the notes.
TITLE, SPEAKER, TRACK = 0x80, 0x40, 0x20
NOTES_TF = 0x1F
ALL_FIELDS = 0xFF

#: Longest query (characters) and most words considered; the rest is ignored.
MAX_QUERY_CHARS = 1000
MAX_TERMS = 16
#: How many vocabulary words one prefix or typo may expand to (the most common win),
#: by the length of the typed prefix: a single letter starts too many words to use all.
MAX_EXPANSIONS = 24
PREFIX_EXPANSIONS = {1: 4, 2: 8}
#: Posting lists above this length have their distinct codes kept (for `_top_one`).
LONG_POSTINGS = 512
#: Phrase hits are checked against the text in rank order, at most this many.
MAX_PHRASE_CHECKS = 1000


def normalise(word: str) -> str:
    """The vocabulary form of a word: lower case, no apostrophes, no accents."""
    word = word.lower()
    if "'" in word or "’" in word:
        word = word.translate(_APOSTROPHES)
    if not word.isascii():
        word = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    return word


def terms(text: str) -> list[str]:
    """The normalised words of `text`, in order: the words `tokens` finds, without offsets."""
    if text.isascii() and "''" not in text:
        # One C pass: letters and digits lower-cased, apostrophes dropped, the rest a space.
        return text.translate(_ASCII_WORDS).split()
    return [normalise(word) for word in WORD_RE.findall(text)]


def tokens(text: str) -> Iterator[tuple[str, int, int]]:
    """(normalised word, start, end) for each word of `text`, offsets into `text`."""
    for match in WORD_RE.finditer(text):
        yield normalise(match.group()), match.start(), match.end()


def _texts(talk: Talk) -> Iterator[str]:
    """`talk.texts()`, with a fast path for paragraphs (most blocks)."""
    for block in talk.blocks:
        if type(block) is Paragraph:
            yield block.text
        else:
            yield from block_texts(block)


def _combine(how: Callable[[int, int], int], keys: Iterable[int], one: dict, other: dict) -> dict[int, int]:
    """{key: how(one[key], other[key])} for `keys`, without a Python-level loop."""
    keys = list(keys)
    return dict(zip(keys, map(how, map(one.__getitem__, keys), map(other.__getitem__, keys)), strict=True))


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


# --------------------------------------------------------------------------- query


@dataclass(frozen=True)
class Term:
    """One word to match. `prefix`: also match words it starts; `mask`: allowed fields."""

    text: str
    prefix: bool = False
    fuzzy: bool = True
    mask: int = ALL_FIELDS


@dataclass(frozen=True)
class Query:
    """A parsed query: free words, phrases and filters (see `QUERY_HELP`)."""

    terms: tuple[Term, ...] = ()
    #: Each phrase is its words in order; they are also in `terms`, unfuzzed.
    phrases: tuple[tuple[str, ...], ...] = ()
    #: `day:` values: day numbers (1-based, as strings) or words of a day title.
    days: tuple[str, ...] = ()
    title_only: bool = False
    #: True while the last phrase's closing quote is not typed yet: its last word is a prefix.
    open_phrase: bool = False

    @property
    def empty(self) -> bool:
        """True when there is nothing to search for or filter by."""
        return not self.terms and not self.days


_QUERY_RE = re.compile(
    r"""(?P<key>day|in|who|track):(?:"(?P<qval>[^"]*)"?|(?P<val>\S*))
      | "(?P<phrase>[^"]*)(?P<close>"?)
      | (?P<word>[^\s"]+)""",
    re.VERBOSE | re.IGNORECASE,
)


def parse_query(query: str) -> Query:
    """Parse the query syntax of `QUERY_HELP` into a `Query` (pure, never raises).

    The last free word is a prefix unless the query ends in a space. Unknown
    `key:value` pairs and stray quotes are read as plain words.
    """
    query = query[:MAX_QUERY_CHARS]
    open_end = bool(query) and not query[-1].isspace()
    found: list[Term] = []
    phrases: list[tuple[str, ...]] = []
    days: list[str] = []
    title_only = False
    open_phrase = False
    matches = list(_QUERY_RE.finditer(query))
    for n, match in enumerate(matches):
        last = n == len(matches) - 1
        key = (match["key"] or "").lower()
        if key:
            value = match["qval"] if match["qval"] is not None else match["val"]
            if key == "in":
                if value.lower() in ("title", "titles"):
                    title_only = True
                continue
            if key == "day":
                days.extend(terms(value))
                continue
            mask = SPEAKER if key == "who" else TRACK
            found.extend(Term(word, prefix=True, mask=mask) for word in terms(value))
        elif match["phrase"] is not None:
            words = tuple(terms(match["phrase"]))
            typing = last and open_end and not match["close"]
            if len(words) > 1:
                phrases.append(words)
                open_phrase = typing
            found.extend(
                Term(w, prefix=typing and i == len(words) - 1, fuzzy=len(words) == 1)
                for i, w in enumerate(words)
            )
        else:
            word_terms = terms(match["word"])
            found.extend(
                Term(w, prefix=last and open_end and i == len(word_terms) - 1)
                for i, w in enumerate(word_terms)
            )
    if title_only:
        found = [t if t.mask != ALL_FIELDS else Term(t.text, t.prefix, t.fuzzy, TITLE) for t in found]
    # The same word twice counts once (keeping the stricter form).
    unique: dict[tuple[str, int], Term] = {}
    for term in found:
        seen = unique.get((term.text, term.mask))
        if seen is None or (seen.prefix and not term.prefix):
            unique[(term.text, term.mask)] = term
    return Query(tuple(unique.values())[:MAX_TERMS], tuple(phrases), tuple(days), title_only, open_phrase)


# --------------------------------------------------------------------------- hits


#: Which string of a talk a span is in.
SpanField = Literal["title", "speaker", "track", "notes"]


@dataclass(frozen=True)
class Span:
    """Where a query term matched: which string of the talk, and the character range.

    `field` is "title", "speaker", "track" or "notes". For "notes", `block` is the
    index into `talk.blocks` and `item` the index of the string within
    `model.block_texts(block)` (0 for anything but lists). For "speaker" the range is
    within `talk.speaker_label`; for "track", within `talk.track`.
    """

    field: SpanField
    start: int
    end: int
    block: int = -1
    item: int = 0


@dataclass(frozen=True)
class Hit:
    """One talk that matched, with its score (higher is better) and where it matched."""

    talk: Talk
    day: Day
    day_index: int
    talk_index: int
    score: float
    spans: tuple[Span, ...]
    snippet: str
    #: (start, end) ranges within `snippet` to highlight.
    snippet_spans: tuple[tuple[int, int], ...] = ()


# --------------------------------------------------------------------------- scoring


def _field_weight(code: int) -> float:
    """How much a match in the fields of `code` is worth: title > speaker > track > notes."""
    parts = []
    if code & TITLE:
        parts.append(1.0)
    if code & SPEAKER:
        parts.append(0.85)
    if code & TRACK:
        parts.append(0.7)
    tf = code & NOTES_TF
    if tf:
        parts.append(0.3 + 0.05 * min(tf, 6))
    if not parts:
        return 0.0
    best = max(parts)
    return min(1.0, best + 0.04 * (len(parts) - 1))


_WEIGHTS = [_field_weight(code) for code in range(256)]


#: How a vocabulary word came to stand for a query word (see `_quality`).
MatchKind = Literal["exact", "prefix", "fuzzy", "typo-prefix"]


def _quality(word: str, candidate: str, kind: MatchKind, distance: int = 0) -> float:
    """How well vocabulary word `candidate` stands for query word `word` (0..1)."""
    if kind == "exact":
        return 1.0
    if kind == "prefix":
        return 0.7 + 0.22 * len(word) / len(candidate)
    if kind == "fuzzy":
        return 0.8 * (1 - distance / max(len(word), len(candidate)))
    return 0.6 * (1 - distance / max(len(word), 1))  # a typo in the word being typed


@dataclass
class _Match:
    """A query term resolved against the vocabulary: (word index, quality) pairs."""

    term: Term
    candidates: list[tuple[int, float]]
    words: frozenset[str]
    size: int = 0


class SearchIndex:
    """A query-per-keystroke index over one notebook's talks."""

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
    def from_parts(cls, notebook: Notebook, parts: IndexParts) -> SearchIndex:
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
        if any(a > b for a, b in pairwise(offsets)) or any(a >= b for a, b in pairwise(vocab)):
            raise ValueError("index parts are out of order")
        docs = memoryview(parts.docs).cast("I")
        # Each posting list is in talk order, so its last entry is its highest talk.
        last = (docs[end - 1] for start, end in pairwise(offsets) if end > start)
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

    def _most_common(self, lo: int, hi: int, n: int) -> list[int]:
        """The `n` vocabulary indexes in `lo:hi` with the longest posting lists."""
        if hi - lo <= n:
            return list(range(lo, hi))
        offsets = self._offsets
        return heapq.nlargest(n, range(lo, hi), key=lambda i: offsets[i + 1] - offsets[i])

    def _prefixed(self, word: str) -> list[tuple[int, float]]:
        """Vocabulary words that start with `word` (not `word` itself), most common first."""
        key = (word, True)
        found = self._expansions.get(key)
        if found is None:
            lo = bisect_left(self._vocab, word)
            if lo < len(self._vocab) and self._vocab[lo] == word:
                lo += 1
            hi = bisect_left(self._vocab, word + "\U0010ffff", lo)
            found = [
                (i, _quality(word, self._vocab[i], "prefix"))
                for i in self._most_common(lo, hi, PREFIX_EXPANSIONS.get(len(word), MAX_EXPANSIONS))
            ]
            self._remember(self._expansions, key, found)
        return found

    def _typos(self, word: str, prefix: bool) -> list[tuple[int, float]]:
        """Vocabulary words within a few typos of `word` (of its start, for a prefix).

        Only words with the same first letter are compared: it keeps the comparison
        to a slice of the vocabulary, and a wrong first letter is the rarest typo.
        """
        key = ("~" + word, prefix)
        cached = self._expansions.get(key)
        if cached is not None:
            return cached
        # Imported here: an index that only ever sees exact words never loads rapidfuzz.
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        limit = 1 if len(word) < 8 else 2
        lo = bisect_left(self._vocab, word[0])
        hi = bisect_left(self._vocab, word[0] + "\U0010ffff", lo)
        choices = self._vocab[lo:hi]
        if prefix:
            n = len(word) + 1
            choices = [w[:n] if len(w) > n else w for w in choices]
        matches = process.extract(word, choices, scorer=OSA.distance, score_cutoff=limit, limit=None)
        best: dict[int, float] = {}
        for choice, distance, offset in matches:
            if distance == 0 and not prefix:
                continue  # the word itself: handled as exact
            i = lo + offset
            if prefix:
                # Compare the typed start with the candidate cut to the same length, too.
                distance = min(distance, OSA.distance(word, self._vocab[i][: len(word)]))
                quality = _quality(word, self._vocab[i], "typo-prefix", distance)
            else:
                quality = _quality(word, choice, "fuzzy", distance)
            best[i] = max(best.get(i, 0.0), quality)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], -self._df(kv[0])))[:MAX_EXPANSIONS]
        self._remember(self._expansions, key, ranked)
        return ranked

    def _resolve(self, term: Term) -> _Match:
        """Candidates for one query term: exact, prefix and typo matches in the vocabulary."""
        word = term.text
        candidates: dict[int, float] = {}
        exact = self._find(word)
        if exact >= 0:
            candidates[exact] = 1.0
        if term.prefix:
            for i, quality in self._prefixed(word):
                candidates.setdefault(i, quality)
        if term.fuzzy and len(word) >= 4 and not word.isdigit():
            for i, quality in self._typos(word, prefix=False):
                if quality > candidates.get(i, 0.0):
                    candidates[i] = quality
            if term.prefix and len(candidates) == 0 and len(word) >= 5:
                for i, quality in self._typos(word, prefix=True):
                    if quality > candidates.get(i, 0.0):
                        candidates[i] = quality
        pairs = sorted(candidates.items())
        size = sum(self._df(i) for i, _q in pairs)
        return _Match(term, pairs, frozenset(self._vocab[i] for i, _q in pairs), size)

    # ----------------------------------------------------------------- scoring

    def _idf(self, i: int) -> float:
        """Rarity of vocabulary word `i`, 0.55 (in every talk) .. 1.0 (in one)."""
        n = self._count
        return 0.55 + 0.45 * log(1 + n / self._df(i)) / log(1 + n)

    def _table(self, quality: float, mask: int) -> bytes:
        """Code byte → score byte (0 = no match) for a word of this quality, in these fields."""
        level = max(1, min(255, round(quality * 255)))
        key = (level, mask)
        table = self._tables.get(key)
        if table is None:
            table = bytes(
                (max(1, round(level * weight)) if weight and code & mask else 0)
                for code, weight in enumerate(_WEIGHTS)
            )
            self._tables[key] = table
        return table

    def _slices(self, i: int, ranges: list[tuple[int, int]] | None) -> Iterator[tuple[int, int]]:
        """Posting positions of word `i`, narrowed to the talk-number `ranges` if given."""
        a, b = self._offsets[i], self._offsets[i + 1]
        if ranges is None:
            yield a, b
            return
        docs = self._docs
        for first, end in ranges:
            lo = bisect_left(docs, first << 8, a, b)
            hi = bisect_left(docs, end << 8, lo, b)
            if lo < hi:
                yield lo, hi

    def _scores(self, match: _Match, ranges: list[tuple[int, int]] | None) -> dict[int, int]:
        """Talk key → score byte for one term: the best of its candidate words per talk."""
        key = (match.term, None if ranges is None else tuple(ranges))
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        docs, codes = self._docs, self._codes
        mask = match.term.mask
        result: dict[int, int] = {}
        for i, quality in sorted(match.candidates, key=lambda c: c[1] * self._idf(c[0])):
            table = self._table(quality * self._idf(i), mask)
            for a, b in self._slices(i, ranges):
                scores = codes[a:b].translate(table)
                pairs = zip(docs[a:b], scores, strict=True)
                part = dict(pairs) if mask == ALL_FIELDS else dict(compress(pairs, scores))
                if not result:
                    result = part
                    continue
                common = part.keys() & result.keys()
                fix = _combine(max, common, result, part)
                result.update(part)
                result.update(fix)
        self._remember(self._cache, key, result, size=8)
        return result

    def _scores_within(self, match: _Match, within: dict[int, int]) -> dict[int, int]:
        """Like `_scores`, but only for the talks in `within` (the other terms' talks).

        Few talks: binary search in each posting list. Many: one pass over the posting
        lists keeping only talks in `within`, still without a Python-level loop.
        """
        docs, codes, offsets = self._docs, self._codes, self._offsets
        mask = match.term.mask
        result: dict[int, int] = {}
        if len(within) * len(match.candidates) * 16 < match.size:
            keys = sorted(within)
            for i, quality in match.candidates:
                table = self._table(quality * self._idf(i), mask)
                a, b = offsets[i], offsets[i + 1]
                for k in keys:
                    p = bisect_left(docs, k, a, b)
                    if p >= b:
                        break
                    a = p
                    if docs[p] == k:
                        score = table[codes[p]]
                        if score > result.get(k, 0):
                            result[k] = score
            return result
        for i, quality in match.candidates:
            table = self._table(quality * self._idf(i), mask)
            a, b = offsets[i], offsets[i + 1]
            span_docs = docs[a:b]
            pairs = zip(span_docs, codes[a:b].translate(table), strict=True)
            part = dict(compress(pairs, map(within.__contains__, span_docs)))
            if mask != ALL_FIELDS:
                part = {k: v for k, v in part.items() if v}
            if not result:
                result = part
                continue
            fix = _combine(max, part.keys() & result.keys(), result, part)
            result.update(part)
            result.update(fix)
        return result

    @staticmethod
    def _remember(cache: dict, key: object, value: object, size: int = 4096) -> None:
        """Store in a small cache, forgetting the oldest entry when it is full.

        Caches only memoise, so two searches in different threads may race here
        harmlessly: at worst an entry is computed twice or forgotten early.
        """
        if len(cache) >= size:
            cache.pop(next(iter(cache), None), None)
        cache[key] = value

    # ----------------------------------------------------------------- searching

    def _day_filter(self, days: tuple[str, ...]) -> list[tuple[int, int]]:
        """Talk-number ranges of the days a `day:` filter names (by number or title word)."""
        chosen: set[int] = set()
        for value in days:
            if value.isdigit() and 1 <= int(value) <= len(self._day_ranges):
                chosen.add(int(value) - 1)
            for d, words in enumerate(self._day_words):
                if value in words or any(w.startswith(value) for w in words if not value.isdigit()):
                    chosen.add(d)
        return [self._day_ranges[d] for d in sorted(chosen)]

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        """Talks matching `query`, best first, at most `limit` of them."""
        parsed = parse_query(query)
        if parsed.empty or limit <= 0:
            return []
        ranges = self._day_filter(parsed.days) if parsed.days else None
        if ranges is not None and not ranges:
            return []
        if not parsed.terms and ranges is not None:  # only a day filter: that day's talks in order
            keys = [doc << 8 for first, end in ranges for doc in range(first, min(end, first + limit))]
            return [self._hit(key, 0, parsed, _Marker([])) for key in keys[:limit]]
        matches = sorted((self._resolve(term) for term in parsed.terms), key=lambda m: m.size)
        if not matches[0].candidates:
            return []
        if len(matches) == 1 and not parsed.phrases:
            ranked = self._top_one(matches[0], ranges, limit)
            marker = _Marker(matches)
            return [self._hit(key, score / 255.0, parsed, marker) for key, score in ranked]
        scores = self._scores(matches[0], ranges)
        for match in matches[1:]:
            if not scores or not match.candidates:
                return []
            other = self._scores_within(match, scores)
            scores = _combine(add, other.keys(), scores, other)
        ranked = self._rank(scores, limit, parsed)
        total = 255.0 * len(matches)
        marker = _Marker(matches)
        return [self._hit(key, score / total, parsed, marker) for key, score in ranked]

    def _codes_of(self, i: int) -> bytes:
        """The distinct code bytes in word `i`'s postings, kept once computed."""
        present = self._present.get(i)
        if present is None:
            a, b = self._offsets[i], self._offsets[i + 1]
            present = self._present[i] = bytes(set(self._codes[a:b]))
        return present

    def _top_one(
        self, match: _Match, ranges: list[tuple[int, int]] | None, limit: int
    ) -> list[tuple[int, int]]:
        """The best `limit` talks for a single term, without scoring every talk.

        Scores are bytes, so the talks are found level by level from the top with
        `bytes.find` over each candidate's translated codes, stopping once `limit`
        talks are known; ties go in reading order. A talk's first level is its best.
        """
        docs, codes = self._docs, self._codes
        mask = match.term.mask
        by_level: dict[int, list[tuple[bytes, int]]] = {}
        for i, quality in match.candidates:
            table = self._table(quality * self._idf(i), mask)
            for a, b in self._slices(i, ranges):
                scores = codes[a:b].translate(table)
                levels = {table[c] for c in self._codes_of(i)} if b - a > LONG_POSTINGS else set(scores)
                for level in levels:
                    if level:
                        by_level.setdefault(level, []).append((scores, a))
        chosen: dict[int, int] = {}
        for level in sorted(by_level, reverse=True):
            need = limit - len(chosen)
            needle = bytes((level,))
            found: set[int] = set()
            for scores, a in by_level[level]:
                taken = 0
                pos = scores.find(needle)
                while pos >= 0 and taken < need:
                    key = docs[a + pos]
                    if key not in chosen and key not in found:
                        found.add(key)
                        taken += 1
                    pos = scores.find(needle, pos + 1)
            for key in sorted(found)[:need]:
                chosen[key] = level
            if len(chosen) >= limit:
                break
        return list(chosen.items())

    def _rank(self, scores: dict[int, int], limit: int, parsed: Query) -> list[tuple[int, int]]:
        """The best `limit` (key, score) pairs, ties in reading order; phrases checked."""
        if not parsed.phrases:
            best = heapq.nlargest(limit, scores.items(), key=itemgetter(1))
            return sorted(best, key=lambda kv: (-kv[1], kv[0]))
        ordered = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_PHRASE_CHECKS]
        patterns = [
            _phrase_re(phrase, parsed.open_phrase and n == len(parsed.phrases) - 1)
            for n, phrase in enumerate(parsed.phrases)
        ]
        kept = []
        for key, score in ordered:
            talk = self._talks[key >> 8]
            text = "\n".join([talk.title, talk.speaker_label, talk.track or "", *_texts(talk)])
            if text.isascii():
                text = text.translate(_APOSTROPHES).lower()
                if not all(pattern.search(text) for pattern in patterns):
                    continue  # a quick no; a yes is confirmed word by word below
            if self._phrase_spans(talk, parsed, check=True):
                kept.append((key, score))
                if len(kept) >= limit:
                    break
        return kept

    # ----------------------------------------------------------------- spans and snippets

    def _fields(self, talk: Talk, mask: int) -> Iterator[tuple[Span, str]]:
        """Each searchable string of a talk (as an empty `Span` naming it) allowed by `mask`."""
        if mask & TITLE:
            yield Span("title", 0, 0), talk.title
        if mask & SPEAKER and talk.speakers:
            yield Span("speaker", 0, 0), talk.speaker_label
        if mask & TRACK and talk.track:
            yield Span("track", 0, 0), talk.track
        if mask & NOTES_TF:
            for b, block in enumerate(talk.blocks):
                for i, text in enumerate(block_texts(block)):
                    yield Span("notes", 0, 0, b, i), text

    def _phrase_spans(self, talk: Talk, parsed: Query, check: bool = False) -> list[Span]:
        """Spans of every phrase occurrence; with `check`, [] unless every phrase occurs."""
        mask = TITLE if parsed.title_only else ALL_FIELDS
        found: list[Span] = []
        for p, phrase in enumerate(parsed.phrases):
            typing = parsed.open_phrase and p == len(parsed.phrases) - 1
            seen = False
            for where, text in self._fields(talk, mask):
                words = list(tokens(text))
                n = len(phrase)
                for s in range(len(words) - n + 1):
                    if all(words[s + j][0] == phrase[j] for j in range(n - 1)) and (
                        words[s + n - 1][0] == phrase[-1]
                        or (typing and words[s + n - 1][0].startswith(phrase[-1]))
                    ):
                        seen = True
                        found.append(
                            Span(where.field, words[s][1], words[s + n - 1][2], where.block, where.item)
                        )
            if check and not seen:
                return []
        return found

    def _hit(self, key: int, score: float, parsed: Query, marker: _Marker) -> Hit:
        """Build the `Hit` for talk `key`: spans everywhere, a snippet from the best note."""
        doc = key >> 8
        talk = self._talks[doc]
        d, t = self._day_of[doc], self._index_in_day[doc]
        phrase_spans = self._phrase_spans(talk, parsed) if parsed.phrases else []
        spans: list[Span] = list(phrase_spans)
        best: tuple[int, str, list[Span]] | None = None  # (weight, text, spans) of the best note
        for where, text in self._fields(talk, ALL_FIELDS):
            bit = _FIELD_BITS[where.field]
            here = [
                s
                for s in phrase_spans
                if (s.field, s.block, s.item) == (where.field, where.block, where.item)
            ]
            weight = 3 * len(here)
            which: set[int] = set()
            for start, end, rule in marker.find(text, bit):
                here.append(Span(where.field, start, end, where.block, where.item))
                which.add(rule)
            if not here:
                continue
            spans.extend(here[weight // 3 :])
            weight += 2 * len(which)
            if where.field == "notes" and (best is None or weight > best[0]):
                best = (weight, text, here)
        if best is not None:
            _weight, text, here = best
            snippet, snippet_spans = _snippet(text, here[0], here)
        else:
            snippet, snippet_spans = _snippet(next(talk.texts(), ""), None, [])
        spans.sort(key=lambda s: (_FIELD_ORDER[s.field], s.block, s.item, s.start, -s.end))
        return Hit(talk, self.notebook.days[d], d, t, score, tuple(_dedupe(spans)), snippet, snippet_spans)


class _Marker:
    """Finds the words a query matched in one string of a talk, for spans.

    Plain ASCII text (most notes) is scanned with one regex of the matched words;
    anything else word by word, normalising each like the index does.
    """

    def __init__(self, matches: Iterable[_Match]) -> None:
        self.rules = [(m.words, m.term.text if m.term.prefix else None, m.term.mask) for m in matches]
        self._patterns: dict[int, re.Pattern[str] | None] = {}

    def _pattern(self, bit: int) -> re.Pattern[str] | None:
        if bit not in self._patterns:
            groups = []
            for r, (words, prefix, mask) in enumerate(self.rules):
                if not mask & bit:
                    continue
                options = [re.escape(w) for w in sorted(words, key=len, reverse=True) if w.isascii()]
                if prefix is not None:
                    options.append(re.escape(prefix) + r"[^\W_]*")
                if options:
                    groups.append(f"(?P<r{r}>{'|'.join(options)})")
            body = "|".join(groups)
            self._patterns[bit] = re.compile(rf"(?<![^\W_])(?:{body})(?![^\W_])") if groups else None
        return self._patterns[bit]

    def find(self, text: str, bit: int) -> list[tuple[int, int, int]]:
        """(start, end, rule number) of each matched word of `text`, a string of field `bit`."""
        if text.isascii() and "'" not in text:
            pattern = self._pattern(bit)
            if pattern is None:
                return []
            return [(m.start(), m.end(), int(str(m.lastgroup)[1:])) for m in pattern.finditer(text.lower())]
        found = []
        for word, start, end in tokens(text):
            for r, (words, prefix, mask) in enumerate(self.rules):
                if mask & bit and (word in words or (prefix is not None and word.startswith(prefix))):
                    found.append((start, end, r))
                    break
        return found


_FIELD_BITS = {"title": TITLE, "speaker": SPEAKER, "track": TRACK, "notes": NOTES_TF}
_FIELD_ORDER = {"title": 0, "speaker": 1, "track": 2, "notes": 3}
SNIPPET_CHARS = 100


def _phrase_re(words: tuple[str, ...], typing: bool) -> re.Pattern[str]:
    """A regex that any lower-cased, apostrophe-free text holding the phrase matches."""
    body = r"[\W_]+".join(re.escape(word) for word in words)
    return re.compile(r"(?<![^\W_])" + body + ("" if typing else r"(?![^\W_])"))


def _dedupe(spans: list[Span]) -> Iterator[Span]:
    """Sorted spans without exact repeats."""
    last = None
    for span in spans:
        if span != last:
            yield span
        last = span


def _snippet(text: str, focus: Span | None, spans: list[Span]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """About `SNIPPET_CHARS` of `text` on one line around `focus`, and the spans inside it."""
    size = SNIPPET_CHARS
    start = 0
    if focus is not None and focus.end > size - 10:
        start = max(0, focus.start - size // 3)
        while start > 0 and not text[start - 1].isspace() and focus.start - start < size // 2:
            start -= 1
    end = min(len(text), start + size)
    if end < len(text):
        cut = text.rfind(" ", start + size // 2, end)
        end = cut if cut > 0 and (focus is None or cut >= focus.end) else end
    piece = text[start:end].replace("\n", " ").replace("\t", " ")
    lead = "…" if start > 0 else ""
    tail = "…" if end < len(text) else ""
    shift = len(lead) - start
    ranges = sorted(
        {
            (max(s.start, start) + shift, min(s.end, end) + shift)
            for s in spans
            if s.start < end and s.end > start
        }
    )
    return lead + piece + tail, tuple(ranges)
