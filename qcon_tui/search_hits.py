"""Search hits: `Span`, `Hit`, and how a hit's spans and snippet are found in its talk.

Worked out only for the hits a search returns, from the talk's text and the words
the query matched. No UI imports: the results list cuts its rows with `snippet_window`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from .model import Day, Talk, block_texts
from .search_query import ALL_FIELDS, NOTES_TF, SPEAKER, TITLE, TRACK, Query, tokens

if TYPE_CHECKING:
    from .search import _Match

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



def fields(talk: Talk, mask: int) -> Iterator[tuple[Span, str]]:
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

def phrase_spans(talk: Talk, parsed: Query, check: bool = False) -> list[Span]:
    """Spans of every phrase occurrence; with `check`, [] unless every phrase occurs."""
    mask = TITLE if parsed.title_only else ALL_FIELDS
    found: list[Span] = []
    for p, phrase in enumerate(parsed.phrases):
        typing = parsed.open_phrase and p == len(parsed.phrases) - 1
        seen = False
        for where, text in fields(talk, mask):
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

def make_hit(talk: Talk, day: Day, d: int, t: int, score: float, parsed: Query, marker: Marker) -> Hit:
    """The `Hit` for `talk` (day `d`, talk `t` in it): spans everywhere, a snippet from the best note."""
    found = phrase_spans(talk, parsed) if parsed.phrases else []
    spans: list[Span] = list(found)
    best: tuple[int, str, list[Span]] | None = None  # (weight, text, spans) of the best note
    for where, text in fields(talk, ALL_FIELDS):
        bit = _FIELD_BITS[where.field]
        here = [
            s
            for s in found
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
        snippet, snippet_spans = cut_snippet(text, here[0], here)
    else:
        snippet, snippet_spans = cut_snippet(next(talk.texts(), ""), None, [])
    spans.sort(key=lambda s: (_FIELD_ORDER[s.field], s.block, s.item, s.start, -s.end))
    return Hit(talk, day, d, t, score, tuple(_dedupe(spans)), snippet, snippet_spans)


class Marker:
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


def phrase_re(words: tuple[str, ...], typing: bool) -> re.Pattern[str]:
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


def cut_snippet(text: str, focus: Span | None, spans: list[Span]) -> tuple[str, tuple[tuple[int, int], ...]]:
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


def snippet_window(
    snippet: str, spans: Sequence[tuple[int, int]], width: int
) -> tuple[str, list[tuple[int, int]]]:
    """A one-line excerpt of `snippet` at most `width` long, around its first match.

    Whitespace runs (line breaks included) become one space so each row stays one
    line; the span offsets are carried over to the excerpt.
    """
    width = max(8, width)
    flat: list[str] = []
    mapping: list[int] = []  # original index → index in the flattened text
    previous_space = False
    for char in snippet:
        mapping.append(len(flat))
        if char.isspace():
            if not previous_space:
                flat.append(" ")
            previous_space = True
        else:
            flat.append(char)
            previous_space = False
    mapping.append(len(flat))
    text = "".join(flat)
    moved = [(mapping[min(s, len(snippet))], mapping[min(e, len(snippet))]) for s, e in spans if e > s]
    start = 0
    if moved and len(text) > width:
        start = max(0, min(moved[0][0] - width // 4, len(text) - width))
    end = min(len(text), start + width)
    excerpt = text[start:end]
    if start > 0:
        excerpt = "…" + excerpt[1:]
    if end < len(text):
        excerpt = excerpt[:-1] + "…"
    shifted = [(max(0, s - start), min(len(excerpt), e - start)) for s, e in moved if e > start and s < end]
    return excerpt, shifted
