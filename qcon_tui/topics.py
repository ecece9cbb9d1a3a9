"""Topics: terms that recur across talks, each with the talks that mention it.

Computed offline from the text alone: each talk's title, track and notes are split
into words; stop words (English function words and note-taking filler) are dropped;
plurals and -ing forms fold onto a base word when both occur ("containers" and
"container" are one term); adjacent pairs of content words ("api gateway") are terms
too. A term is a topic when at least two talks hold it, and topics are ranked by a
tf-idf sum: how strongly each talk holds the term (a title or track counts for
more than a passing mention), times how rare the term is among talks. No UI imports.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from math import log
from typing import TYPE_CHECKING

from .model import Day, Notebook, Talk

if TYPE_CHECKING:
    from .library import Library

# --------------------------------------------------------------------------- words

#: English function words, and words that note-taking fills text with but that name no topic.
_FUNCTION_WORDS = """
a about above after again against all almost already also although always am an and another
any anyone anything anyway are aren around as at away back be became because become becomes
been before being below between both but by can cannot could did do does doing done down
during each either else enough even ever every everyone everything few for from further get
gets getting got had has have having he her here hers herself him himself his how however i
if in into is it its itself just least less let lets like likely made many may me might mine
more most much must my myself never no nobody none nor not nothing now of off often on once
one ones only onto or other others otherwise our ours ourselves out over own per perhaps
quite rather same several shall she should since so some somebody someone something
sometimes somewhat soon still such than that the their theirs them themselves then there
therefore these they this those though through thus till to too toward towards under until
up upon us very via was we well were what whatever when whenever where whereas wherever
whether which while who whoever whole whom whose why will with within without would yet you
your yours yourself yourselves
"""
_FILLER_WORDS = """
talk talks speaker speakers session sessions slide slides keynote presentation presenter
conference demo demos question questions answer answers takeaway takeaways
really lot lots thing things stuff use used uses using need needs needed want wants wanted
make makes making go goes going went gone come comes coming came take takes taking took
know knows knew see seen saw say says said think thinks thought look looks looking try
tries tried give gives given put puts keep keeps kept start starts started end ends work
works worked handle handles handled choose chose chosen choosing fix fixed fixes help helps
find finds found tell tells told ask asks asked call calls show shows happen happens
happened way ways kind sort bit part parts yes yeah okay ok etc basically actually probably
maybe pretty simply simple mainly mostly mean means example examples case cases point points
good better best great bad worse worst nice cool big small little large huge new old first
second third last next important different sure right wrong hard easy people person
everybody day days time times year years week weeks month months hour hours minute minutes
today tomorrow yesterday idea ideas fact course able possible
system systems logic ready state states thing approach approaches problem problems
"""
#: English function words, and words that note-taking fills text with but that name no topic.
STOP_WORDS: frozenset[str] = frozenset((_FUNCTION_WORDS + _FILLER_WORDS).split())

#: A word: starts with a letter; letters, digits and underscores (transaction_ids is one
#: word), joined by inner hyphens (multi-host) or apostrophes.
_WORD_RE = re.compile(r"[^\W\d_]\w*(?:[-'’]\w+)*")
_URL_RE = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
#: What may stand between two words of a pair: only blanks (punctuation ends a phrase).
_BLANK_RE = re.compile(r"[ \t]+")

#: How much one occurrence in a talk's title, or in its track, counts against one in the notes.
TITLE_WEIGHT = 3.0
TRACK_WEIGHT = 2.0
#: A pair of words ("api gateway") names a topic more precisely than either word does.
BIGRAM_BOOST = 1.5


def _words(text: str) -> Iterator[tuple[str, str, bool]]:
    """(lower-case word, word as written, joined to the previous word by blanks only)."""
    text = _URL_RE.sub(" . ", text)
    end = 0
    for match in _WORD_RE.finditer(text):
        joined = end > 0 and _BLANK_RE.fullmatch(text, end, match.start()) is not None
        end = match.end()
        written = match.group()
        if "'" in written or "’" in written:
            stem, _, tail = written.replace("’", "'").rpartition("'")
            if tail.lower() != "s" or "'" in stem:
                yield "", written, False  # a contraction (don't, it'll): a function word
                continue
            written = stem  # a possessive: uber's → uber
        yield written.lower(), written, joined


def _is_content(word: str, written: str) -> bool:
    """A word that can name a topic: not a stop word, and three letters or an acronym (CI)."""
    if not word or word in STOP_WORDS:
        return False
    return len(word) >= 3 or (len(word) == 2 and written.isupper())


# --------------------------------------------------------------------------- folding


def _candidates(word: str) -> Iterator[str]:
    """Base words `word` may be an inflection of, most specific first."""
    if word.endswith("ies"):
        yield word[:-3] + "y"
    if word.endswith("es") and word[:-2].endswith(("s", "x", "z", "ch", "sh")):
        yield word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        yield word[:-1]
    if word.endswith("ing"):  # not -ed: "headed" is no form of "head"
        base = word[:-3]
        yield base
        yield base + "e"
        if len(base) > 2 and base[-1] == base[-2]:
            yield base[:-1]  # running → run


def fold_map(vocabulary: Iterable[str]) -> dict[str, str]:
    """Map each word to its base word when that base also occurs: containers → container.

    Folding only onto words that occur keeps it safe: "thing" never becomes "th",
    and a word seen only in one form stays as written.
    """
    words = set(vocabulary)
    folded: dict[str, str] = {}
    for word in words:
        for base in _candidates(word):
            if len(base) >= 3 and base in words and base not in STOP_WORDS:
                folded[word] = base
                break
    # Follow chains (monitors → monitor, monitoring → monitor) to one root.
    roots: dict[str, str] = {}
    for word in words:
        root, steps = word, 0
        while root in folded and steps < 4:
            root, steps = folded[root], steps + 1
        roots[word] = root
    return roots


# --------------------------------------------------------------------------- topics


@dataclass(frozen=True)
class TalkRef:
    """A talk and where it sits: its notebook (a conference) and its day."""

    notebook: Notebook
    day: Day
    talk: Talk


@dataclass(frozen=True)
class Topic:
    """A term that recurs across talks, with those talks, strongest first.

    `term` is the form most often written; `forms` are every lower-case form that
    was folded into it (each talk holds at least one), for highlighting and search.
    """

    term: str
    score: float
    talks: tuple[TalkRef, ...]
    forms: tuple[str, ...] = ()

    @property
    def query(self) -> str:
        """A search query that finds the topic's talks: its shortest form (a prefix of the rest)."""
        return min(self.forms or (self.term,), key=lambda form: (len(form), form))


def iter_talks(source: Notebook | Library | Iterable[Notebook]) -> Iterator[TalkRef]:
    """Every talk of a notebook, or of several (a `Library`'s `notebooks`), in reading order."""
    notebooks: Iterable[Notebook]
    if isinstance(source, Notebook):
        notebooks = (source,)
    elif isinstance(source, Iterable):
        notebooks = source
    else:  # a Library
        notebooks = source.notebooks
    for notebook in notebooks:
        for day in notebook.days:
            for talk in day.talks:
                yield TalkRef(notebook, day, talk)


@dataclass
class _Term:
    """What is gathered about one folded term while reading the talks."""

    #: Talk number → how strongly that talk holds the term.
    weights: dict[int, float] = field(default_factory=dict)
    #: Lower-case form → occurrences anywhere; written form → occurrences in notes.
    forms: Counter[str] = field(default_factory=Counter)
    written: Counter[str] = field(default_factory=Counter)

    @property
    def count(self) -> int:
        """How often the term occurs, in every field of every talk."""
        return sum(self.forms.values())

    def display(self) -> str:
        """The form to show: the most frequent, written as the notes write it (AWS, Docker)."""
        lower = min(self.forms, key=lambda form: (-self.forms[form], len(form), form))
        writings = [(n, form) for form, n in self.written.items() if form.lower() == lower]
        if not writings:
            return lower
        return min(writings, key=lambda item: (-item[0], item[1] != lower, item[1]))[1]


def _talk_fields(talk: Talk) -> Iterator[tuple[str, str]]:
    """(field, text) for each field of a talk that topics are read from: title, track, notes."""
    yield "title", talk.title
    if talk.track:
        yield "track", talk.track
    for text in talk.texts():
        yield "notes", text


#: How much one occurrence of a word in each field counts.
_FIELD_WEIGHTS = {"title": TITLE_WEIGHT, "track": TRACK_WEIGHT, "notes": 1.0}


def _gather(refs: list[TalkRef]) -> dict[str, _Term]:
    """Every folded term (words and adjacent pairs of content words) of the talks.

    A track is a label shared by many talks ("Architectures You've Always Wondered
    About"), so its words count only when the titles or notes use them too, and
    never form pairs.
    """
    talk_words: list[list[tuple[str, str, bool, str]]] = []
    vocabulary: set[str] = set()
    for ref in refs:
        words = []
        for name, text in _talk_fields(ref.talk):
            for word, written, joined in _words(text):
                words.append((word, written, joined and name != "track", name))
                if name != "track":
                    vocabulary.add(word)
        talk_words.append(words)
    roots = fold_map(word for word in vocabulary if word)

    found: dict[str, _Term] = defaultdict(_Term)

    def add(key: str, written: str, doc: int, name: str) -> None:
        term = found[key]
        term.weights[doc] = term.weights.get(doc, 0.0) + _FIELD_WEIGHTS[name]
        term.forms[written.lower()] += 1
        if name == "notes":  # titles and tracks are title-cased: only notes say how a word is written
            term.written[written] += 1

    for doc, words in enumerate(talk_words):
        previous: tuple[str, str] | None = None
        for word, written, joined, name in words:
            if not _is_content(word, written) or (name == "track" and word not in vocabulary):
                previous = None
                continue
            root = roots.get(word, word)
            add(root, written, doc, name)
            if previous is not None and joined:
                add(f"{previous[0]} {root}", f"{previous[1]} {written}", doc, name)
            previous = (root, written)
    return found


def _covered(found: dict[str, _Term], kept: set[str]) -> set[str]:
    """Words that nearly always occur inside one kept pair ("gateway" of "api gateway").

    Such a word adds nothing the pair does not say better, so it is dropped.
    """
    covered: set[str] = set()
    for key in kept:
        if " " not in key:
            continue
        pair = found[key]
        for word in key.split(" "):
            same_talks = word in kept and set(found[word].weights) == set(pair.weights)
            if same_talks and pair.count >= 0.8 * found[word].count:
                covered.add(word)
    return covered


def topics(
    source: Notebook | Library | Iterable[Notebook], limit: int = 30, min_talks: int = 2
) -> list[Topic]:
    """The terms that recur across the talks of `source` (a notebook or a library), best first.

    A term counts when at least `min_talks` talks hold it; `limit` 0 gives every
    topic. The order is deterministic: by score, then by term.
    """
    refs = list(iter_talks(source))
    found = _gather(refs)
    kept = {key for key, term in found.items() if len(term.weights) >= max(min_talks, 1)}
    kept -= _covered(found, kept)
    total = len(refs)
    ranked: list[Topic] = []
    for key in kept:
        term = found[key]
        # Rarer terms weigh more, squared so that a word strewn thinly over many talks
        # ("services") ranks below one a few talks are about; +0.1 keeps it above zero.
        idf = (log(total / len(term.weights)) + 0.1) ** 2
        score = idf * sum(log(1.0 + weight) for weight in term.weights.values())
        if " " in key:
            score *= BIGRAM_BOOST
        docs = sorted(term.weights, key=lambda doc: (-term.weights[doc], doc))
        ranked.append(
            Topic(
                term=term.display(),
                score=round(score, 4),
                talks=tuple(refs[doc] for doc in docs),
                forms=tuple(sorted(term.forms)),
            )
        )
    ranked.sort(key=lambda topic: (-topic.score, topic.term))
    return ranked[:limit] if limit > 0 else ranked
