"""Topics: terms that recur across talks, each with the talks that mention it.

Computed offline from the text alone (the words themselves are `topic_words`): each
talk's title, track and notes are split into words; stop words are dropped; plurals
and -ing forms fold onto a base word when both occur; adjacent pairs of content words
("api gateway") are terms too. A term is a topic when it tells talks apart:

- at least two talks hold it, and no more than two in five (a word most talks use
  is the conference's theme, not one of its topics);
- a generic word ("service", "data", "api") is one only inside a phrase;
- a single word must be a name (written capitalised or in mixed case mid-sentence:
  Docker, GraalVM, AWS) or what some of its talks are about (in the title, or said
  far more often in the notes than elsewhere): one in ten, and at least one, not
  only mentioned in passing.

Topics are listed by how many talks hold them (most first, then by term); which
ones make a `limit` is decided by that count, then by a tf-idf score (how strongly
each talk holds the term, a title counting more than a passing mention, times how
rare the term is). Linear in the text. No UI imports.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from math import log
from typing import TYPE_CHECKING

from .model import Code, Day, Notebook, Talk, block_texts
from .topic_words import GENERIC_WORDS, STOP_WORDS, fold_map, is_content, tokens

if TYPE_CHECKING:
    from .library import Library

__all__ = ["STOP_WORDS", "TalkRef", "Topic", "fold_map", "iter_talks", "topics"]

#: How much one occurrence in a talk's title, or in its track, counts against one in the notes.
TITLE_WEIGHT = 3.0
TRACK_WEIGHT = 2.0
#: A pair of words ("api gateway") names a topic more precisely than either word does.
BIGRAM_BOOST = 1.5
#: A talk is about a word its notes say at least this often, and this many times more often
#: than if the word were spread evenly over all the notes (a passing word is not).
ABOUT_MENTIONS = 3
ABOUT_RATIO = 4.0
#: A word many talks hold must be what one in this many of them is about (a chance
#: outlier among hundreds of passing mentions is not enough).
ABOUT_SHARE = 10
#: A term held by more than this share of the talks is their common theme, not a topic.
THEME_SHARE = 0.4

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


#: A talk holding a term: (talk number, how strongly, in its title, times in its notes).
Holder = tuple[int, float, bool, int]
#: How much one occurrence of a word in each field counts.
_FIELD_WEIGHTS = {"title": TITLE_WEIGHT, "track": TRACK_WEIGHT, "notes": 1.0}


def _talk_fields(talk: Talk) -> Iterator[tuple[str, str]]:
    """(field, text) for each field of a talk that topics are read from: title, track, notes
    (code blocks aside)."""
    yield "title", talk.title
    if talk.track:
        yield "track", talk.track
    for block in talk.blocks:
        if not isinstance(block, Code):  # identifiers and keywords name no topic
            for text in block_texts(block):
                yield "notes", text


@dataclass
class _Counts:
    """What one pass over the talks gathers about every term (word root or pair of roots)."""

    #: Term → (talk number, how strongly it holds the term, in its title, times in its notes).
    postings: dict[str, list[Holder]] = field(default_factory=lambda: defaultdict(list))
    #: Talk number → how many words its notes have; and all of them together.
    lengths: list[int] = field(default_factory=list)
    total_length: int = 0
    #: Lower-case word → its root; root → its lower-case forms.
    roots: dict[str, str] = field(default_factory=dict)
    forms: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    #: Lower-case word → its writings in the notes → occurrences (titles are title-cased:
    #: they say nothing of how a word is written).
    writings: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    #: Lower-case word → uses in the notes inside a sentence, and how many of those were
    #: capitalised: a word mostly capitalised there is a name.
    inner: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    capital: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    #: Lower-case word → uses in titles.
    titles: dict[str, int] = field(default_factory=lambda: defaultdict(int))


#: What one talk says: (words and pairs of its notes → occurrences, the same for its
#: title, the words of its track, how many words its notes have).
_Said = tuple[dict[str, int], dict[str, int], list[str], int]


def _count_words(
    text: str, into: dict[str, int], written: dict[str, int], inner: dict[str, int] | None
) -> int:
    """Count the content words of `text` and its pairs of adjacent content words ("api
    gateway") into `into`; with `inner`, also how each word is written, in `written`, and
    inside a sentence, in `inner`. Returns how many words `text` has."""
    found = tokens(text)
    previous = ""
    for word, as_written, joined, opens in found:
        if (
            not word
            or word in STOP_WORDS
            or (len(word) < 3 and not (len(word) == 2 and as_written.isupper()))
        ):
            previous = ""
            continue
        into[word] = into.get(word, 0) + 1
        if previous and joined:
            pair = f"{previous} {word}"
            into[pair] = into.get(pair, 0) + 1
        previous = word
        if inner is not None:
            written[as_written] = written.get(as_written, 0) + 1
            if not opens:
                inner[as_written] = inner.get(as_written, 0) + 1
    return len(found)


def _read_talk(talk: Talk, written: dict[str, int], inner: dict[str, int]) -> _Said:
    """What one talk says (see `_Said`); how the notes write words is added to `written`, `inner`."""
    notes: dict[str, int] = {}
    title: dict[str, int] = {}
    length = 0
    for name, text in _talk_fields(talk):
        if name == "notes":
            length += _count_words(text, notes, written, inner)
        elif name == "title":
            _count_words(text, title, written, None)
    track = [word for word, as_written, *_ in tokens(talk.track or "") if is_content(word, as_written)]
    return notes, title, track, length


def _gather(refs: list[TalkRef]) -> _Counts:
    """Every term of the talks with the talks that hold it: one pass over the text, then
    one over each talk's distinct words, which fold onto their roots.

    A track is a label shared by many talks ("Architectures You've Always Wondered
    About"), so its words count only when the titles or notes use them too, never
    form pairs, and never make a talk about a word.
    """
    written: dict[str, int] = {}
    inner_written: dict[str, int] = {}
    said = [_read_talk(ref.talk, written, inner_written) for ref in refs]
    counts = _Counts()
    for as_written, n in written.items():
        lower = as_written.lower()
        counts.writings[lower][as_written] = n
        uses = inner_written.get(as_written, 0)
        counts.inner[lower] += uses
        if as_written[:1].isupper():
            counts.capital[lower] += uses
    for _notes, title, _track, _length in said:
        for key, n in title.items():
            if " " not in key:
                counts.titles[key] += n
    vocabulary = set(counts.writings) | set(counts.titles)
    counts.roots = roots = fold_map(vocabulary)
    for word, root in roots.items():
        counts.forms[root].append(word)

    def fold(key: str) -> str:
        """A word or pair's root term ("" for a form of a stop word: "findings")."""
        parts = [roots.get(part, part) for part in key.split(" ")]
        return "" if any(part in STOP_WORDS for part in parts) else " ".join(parts)

    keys: set[str] = set()
    for notes, title, _track, _length in said:
        keys.update(notes)
        keys.update(title)
    folded = {key: fold(key) for key in keys}
    postings = counts.postings
    for doc, (notes, title, track, length) in enumerate(said):
        noted: dict[str, int] = {}
        for key, n in notes.items():
            if term := folded[key]:
                noted[term] = noted.get(term, 0) + n
        heading: dict[str, float] = {}  # what the title and track add
        titled: set[str] = set()
        for key, n in title.items():
            if term := folded[key]:
                heading[term] = heading.get(term, 0.0) + TITLE_WEIGHT * n
                titled.add(term)
        for word in track:
            if word in vocabulary and (term := fold(word)):
                heading[term] = heading.get(term, 0.0) + TRACK_WEIGHT
        for term, n in noted.items():
            postings[term].append((doc, n + heading.pop(term, 0.0), term in titled, n))
        for term, weight in heading.items():
            postings[term].append((doc, weight, term in titled, 0))
        counts.lengths.append(length)
    counts.total_length = sum(counts.lengths)
    return counts


def _is_name(counts: _Counts, root: str) -> bool:
    """Whether the notes write the word as a name: mixed case (GraalVM), an acronym (AWS),
    or capitalised in most of its uses inside a sentence (Docker, Spring)."""
    forms = counts.forms.get(root, [root])
    inner = sum(counts.inner.get(form, 0) for form in forms)
    capital = sum(counts.capital.get(form, 0) for form in forms)
    if capital >= 2 and 3 * capital >= 2 * inner:
        return True
    written = _display(counts, root)
    if written.isupper():
        return 2 <= len(written) <= 5  # an acronym, not a shouted word
    return written[1:] != written[1:].lower()


def _display(counts: _Counts, root: str) -> str:
    """A word root as the notes most often write it (AWS, Docker), else its commonest form."""
    forms = counts.forms.get(root, [root])
    uses = {form: sum(counts.writings.get(form, {}).values()) + counts.titles.get(form, 0) for form in forms}
    lower = min(forms, key=lambda form: (-uses[form], len(form), form))
    writings = counts.writings.get(lower)
    if not writings:
        return lower
    return min(writings, key=lambda form: (-writings[form], form != lower, form))


def _is_topic(counts: _Counts, term: str, holders: list[Holder]) -> bool:
    """A single word is a topic when it is not generic, and is a name or what enough of its
    talks are about (one in `ABOUT_SHARE`, and at least one)."""
    if " " in term:
        return True
    if term in GENERIC_WORDS:
        return False
    if _is_name(counts, term):
        return True
    # About a talk: in its title, or said often in its notes, far more than its share of
    # all the notes would give it.
    mentions = sum(noted for *_, noted in holders)
    lengths = counts.lengths
    share = mentions / max(1, counts.total_length)
    about = sum(
        1
        for doc, _held, titled, noted in holders
        if titled or (noted >= ABOUT_MENTIONS and noted >= ABOUT_RATIO * share * lengths[doc])
    )
    return about >= max(1, len(holders) // ABOUT_SHARE)


def _covered(postings: dict[str, list[Holder]], kept: set[str]) -> set[str]:
    """Words that nearly always occur inside one kept pair ("gateway" of "api gateway").

    Such a word adds nothing the pair does not say better, so it is dropped.
    """
    covered: set[str] = set()
    for key in kept:
        if " " not in key:
            continue
        pair = postings[key]
        for word in key.split(" "):
            if word not in kept or len(postings[word]) != len(pair):
                continue
            pair_count = sum(holder[1] for holder in pair)
            word_count = sum(holder[1] for holder in postings[word])
            same_talks = {doc for doc, *_ in postings[word]} == {doc for doc, *_ in pair}
            if same_talks and pair_count >= 0.8 * word_count:
                covered.add(word)
    return covered


def topics(
    source: Notebook | Library | Iterable[Notebook], limit: int = 30, min_talks: int = 2
) -> list[Topic]:
    """The topics of `source` (a notebook or a library): most talks first, then by term.

    A term counts when at least `min_talks` talks hold it (see the module's rules);
    `limit` 0 gives every topic, else the `limit` held by most talks (the higher
    score first among equals). The order is deterministic.
    """
    refs = list(iter_talks(source))
    counts = _gather(refs)
    total = len(refs)
    most = max(min_talks, int(total * THEME_SHARE))
    postings = counts.postings
    kept = {
        term
        for term, holders in postings.items()
        if max(min_talks, 1) <= len(holders) <= most and _is_topic(counts, term, holders)
    }
    kept -= _covered(postings, kept)
    scored: list[tuple[str, float]] = []
    for term in kept:
        holders = postings[term]
        # Rarer terms weigh more, squared so that a word strewn thinly over many talks
        # ranks below one a few talks are about; +0.1 keeps it above zero.
        idf = (log(total / len(holders)) + 0.1) ** 2
        score = idf * sum(log(1.0 + holder[1]) for holder in holders)
        scored.append((term, round(score * (BIGRAM_BOOST if " " in term else 1.0), 4)))
    scored.sort(key=lambda item: (-len(postings[item[0]]), -item[1], item[0]))
    if limit > 0:
        scored = scored[:limit]
    found = [_topic(counts, refs, term, score) for term, score in scored]
    found.sort(key=lambda topic: (-len(topic.talks), topic.term.casefold(), topic.term))
    return found


def _topic(counts: _Counts, refs: list[TalkRef], term: str, score: float) -> Topic:
    """The `Topic` of a kept term: its display form, every form, its talks strongest first."""
    holders = sorted(counts.postings[term], key=lambda holder: (-holder[1], holder[0]))
    words = term.split(" ")
    display = " ".join(_display(counts, word) for word in words)
    forms = {""}
    for word in words:  # a pair's forms: each form of its first word, with each of its second's
        forms = {f"{head} {form}".lstrip() for head in forms for form in counts.forms.get(word, [word])}
    return Topic(
        term=display, score=score, talks=tuple(refs[doc] for doc, *_ in holders), forms=tuple(sorted(forms))
    )
