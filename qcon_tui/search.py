"""Search over a notebook: `SearchIndex(notebook).search(query)` → ranked `Hit`s.

Built once per load, queried per keystroke. No UI imports.
(First version: a plain case-insensitive substring scan behind the final API.)
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Day, Notebook, Talk, block_texts


@dataclass(frozen=True)
class Span:
    """Where a query term matched: which string of the talk, and the character range.

    `field` is "title", "speaker", "track" or "notes". For "notes", `block` is the
    index into `talk.blocks` and `item` the index of the string within
    `model.block_texts(block)` (0 for anything but lists).
    """

    field: str
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


class SearchIndex:
    """A query-per-keystroke index over one notebook's talks."""

    def __init__(self, notebook: Notebook) -> None:
        self.notebook = notebook
        self._entries: list[tuple[int, int, Day, Talk]] = [
            (d, t, day, talk) for d, day in enumerate(notebook.days) for t, talk in enumerate(day.talks)
        ]

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        """Talks matching `query`, best first, at most `limit` of them."""
        needle = query.strip().lower()
        if not needle:
            return []
        hits: list[Hit] = []
        for d, t, day, talk in self._entries:
            spans: list[Span] = []
            score = 0.0
            pos = talk.title.lower().find(needle)
            if pos >= 0:
                spans.append(Span("title", pos, pos + len(needle)))
                score += 100
            snippet, snippet_spans = talk.title, ((pos, pos + len(needle)),) if pos >= 0 else ()
            for b, block in enumerate(talk.blocks):
                for i, text in enumerate(block_texts(block)):
                    pos = text.lower().find(needle)
                    if pos >= 0:
                        spans.append(Span("notes", pos, pos + len(needle), b, i))
                        if score < 100 and not snippet_spans:
                            snippet, snippet_spans = text, ((pos, pos + len(needle)),)
                        score += 10
            if spans:
                hits.append(Hit(talk, day, d, t, score, tuple(spans), snippet, snippet_spans))
        hits.sort(key=lambda hit: -hit.score)
        return hits[:limit]
