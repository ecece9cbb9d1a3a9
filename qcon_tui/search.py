"""Search over a notebook: `SearchIndex(notebook).search(query)` → ranked `Hit`s.

Built once per load, queried per keystroke, so the work per query must not grow with
the size of the notes. The index is a sorted vocabulary of normalised words with
one posting list per word (which talks hold it, in which fields, how often), packed
into two flat buffers. A query word is matched against the vocabulary, not against
the notes: exactly, as a prefix (the word being typed) and with typos (rapidfuzz
over the vocabulary); then the posting lists of those words are combined. Spans and
snippets are worked out only for the hits returned. No UI imports.

The query language is in `search_query`, the posting storage in `search_postings`,
hits and snippets in `search_hits`; this module resolves words, scores and ranks.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import compress
from math import log
from operator import add, itemgetter
from typing import Literal

from .search_hits import SNIPPET_CHARS, Hit, Marker, Span, SpanField, make_hit, phrase_re, phrase_spans
from .search_postings import IndexParts, Postings, _texts
from .search_query import (
    _APOSTROPHES,
    ALL_FIELDS,
    MAX_QUERY_CHARS,
    MAX_TERMS,
    NOTES_TF,
    QUERY_HELP,
    SPEAKER,
    TITLE,
    TRACK,
    WORD_RE,
    Query,
    Term,
    normalise,
    parse_query,
    terms,
    tokens,
)

#: The names `qcon_tui.search` has always offered, wherever they now live.
__all__ = [
    "ALL_FIELDS",
    "LONG_POSTINGS",
    "MAX_EXPANSIONS",
    "MAX_PHRASE_CHECKS",
    "MAX_QUERY_CHARS",
    "MAX_TERMS",
    "NOTES_TF",
    "PREFIX_EXPANSIONS",
    "QUERY_HELP",
    "SNIPPET_CHARS",
    "SPEAKER",
    "TITLE",
    "TRACK",
    "WORD_RE",
    "Hit",
    "IndexParts",
    "MatchKind",
    "Query",
    "SearchIndex",
    "Span",
    "SpanField",
    "Term",
    "normalise",
    "parse_query",
    "terms",
    "tokens",
]

#: How many vocabulary words one prefix or typo may expand to (the most common win),
#: by the length of the typed prefix: a single letter starts too many words to use all.
MAX_EXPANSIONS = 24
PREFIX_EXPANSIONS = {1: 4, 2: 8}
#: Posting lists above this length have their distinct codes kept (for `_top_one`).
LONG_POSTINGS = 512
#: Phrase hits are checked against the text in rank order, at most this many.
MAX_PHRASE_CHECKS = 1000

def _combine(how: Callable[[int, int], int], keys: Iterable[int], one: dict, other: dict) -> dict[int, int]:
    """{key: how(one[key], other[key])} for `keys`, without a Python-level loop."""
    keys = list(keys)
    return dict(zip(keys, map(how, map(one.__getitem__, keys), map(other.__getitem__, keys)), strict=True))


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


class SearchIndex(Postings):
    """A query-per-keystroke index over one notebook's talks."""


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
            return [self._hit(key, 0, parsed, Marker([])) for key in keys[:limit]]
        matches = sorted((self._resolve(term) for term in parsed.terms), key=lambda m: m.size)
        if not matches[0].candidates:
            return []
        if len(matches) == 1 and not parsed.phrases:
            ranked = self._top_one(matches[0], ranges, limit)
            marker = Marker(matches)
            return [self._hit(key, score / 255.0, parsed, marker) for key, score in ranked]
        scores = self._scores(matches[0], ranges)
        for match in matches[1:]:
            if not scores or not match.candidates:
                return []
            other = self._scores_within(match, scores)
            scores = _combine(add, other.keys(), scores, other)
        ranked = self._rank(scores, limit, parsed)
        total = 255.0 * len(matches)
        marker = Marker(matches)
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
            phrase_re(phrase, parsed.open_phrase and n == len(parsed.phrases) - 1)
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
            if phrase_spans(talk, parsed, check=True):
                kept.append((key, score))
                if len(kept) >= limit:
                    break
        return kept

    # ----------------------------------------------------------------- spans and snippets
    def _hit(self, key: int, score: float, parsed: Query, marker: Marker) -> Hit:
        """Build the `Hit` for talk `key` (see `search_hits.make_hit`)."""
        doc = key >> 8
        d = self._day_of[doc]
        return make_hit(
            self._talks[doc], self.notebook.days[d], d, self._index_in_day[doc], score, parsed, marker
        )
