"""Find a talk by what a user types: its id, or a fuzzy version of its title."""

from __future__ import annotations

from collections.abc import Sequence

from .model import Notebook, Talk


class TalkNotFound(LookupError):
    """No talk matches; carries the closest titles as suggestions."""

    def __init__(self, query: str, suggestions: list[str]) -> None:
        self.query = query
        self.suggestions = suggestions
        hint = f"; did you mean: {', '.join(repr(s) for s in suggestions)}" if suggestions else ""
        super().__init__(f"no talk matches {query!r}{hint}")


class TalkAmbiguous(TalkNotFound):
    """Several talk titles contain the query and none is it: which one is for the user to say."""

    def __init__(self, query: str, candidates: list[Talk]) -> None:
        self.query = query
        self.candidates = candidates
        self.suggestions = [talk.title for talk in candidates]
        listed = "; ".join(f"{talk.title} [{talk.id}]" for talk in candidates[:MAX_CANDIDATES])
        more = f"; and {len(candidates) - MAX_CANDIDATES} more" if len(candidates) > MAX_CANDIDATES else ""
        said = f"{query!r} matches {len(candidates)} talks: {listed}{more}"
        LookupError.__init__(self, f"{said}; give more of the title or its id")


#: How many candidates an ambiguous query lists.
MAX_CANDIDATES = 5
#: A fuzzy title this close (rapidfuzz WRatio) is taken as the talk meant.
TAKEN_SCORE = 75
#: A title this close is offered as "did you mean"; below it, suggestions mislead.
SUGGESTED_SCORE = 60


def find_talk(notebook: Notebook, query: str) -> Talk:
    """The talk whose id is `query`, else whose title matches it best.

    Order of preference: exact id, exact title (case-insensitive), the one title that
    contains the query, then a fuzzy match good enough not to surprise. Several titles
    containing the query raise `TalkAmbiguous`, which lists them.
    """
    talks = notebook.talks
    wanted = query.strip()
    folded = wanted.casefold()
    for talk in talks:
        if talk.id == wanted:
            return talk
    for talk in talks:
        if talk.title.casefold() == folded:
            return talk
    containing = [talk for talk in talks if folded and folded in talk.title.casefold()]
    if len(containing) == 1:
        return containing[0]
    if len(containing) > 1:
        raise TalkAmbiguous(query, containing)

    from rapidfuzz import fuzz, process, utils

    titles = [talk.title for talk in talks]
    ranked = process.extract(wanted, titles, scorer=fuzz.WRatio, processor=utils.default_process, limit=3)
    if ranked and ranked[0][1] >= TAKEN_SCORE:
        return talks[ranked[0][2]]
    raise TalkNotFound(query, [title for title, score, _index in ranked if score >= SUGGESTED_SCORE])


def find_talk_in(notebooks: Sequence[Notebook], query: str) -> Talk:
    """`find_talk` across several notebooks (a library), as if they were one.

    An exact id anywhere beats an exact title anywhere, which beats a title that
    contains the query, which beats a fuzzy match; ties go to the earlier notebook.
    """
    days = tuple(day for notebook in notebooks for day in notebook.days)
    return find_talk(Notebook("", days), query)
