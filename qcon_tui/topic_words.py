"""The words topics are made of: splitting text into words, stop words, generic words, folding.

`topics.py` decides which terms are topics; this module only says what a word is,
which words can never name a topic (function words and note-taking filler), which
name one only inside a phrase (generic nouns of English and of software talk:
"service" alone says nothing, "service mesh" does), and which words are forms of
one another ("containers" and "container"). No UI imports.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

__all__ = ["GENERIC_WORDS", "STOP_WORDS", "Token", "fold_map", "is_content", "tokens"]

#: English function words.
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
#: Words that note-taking fills text with: verbs of saying and doing, vague adjectives,
#: time, and the conference itself.
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
today tomorrow yesterday idea ideas fact course able possible ready real actual main
understand understanding based involved early late fast slow lose lost matter matters
anymore instead whole certain usually often across along lunch coffee break breaks todo
e.g i.e
interesting useful awesome amazing nice cool easy quick long short create include improve
provide allow require required write read run share learn learned usage
"""
#: Nouns and verbs that any software talk is full of: a topic only inside a phrase
#: ("api gateway", "type system", "state machine", "data products").
_GENERIC_WORDS = """
api apis app apps application applications service services system systems software code
data tool tools team teams user users developer developers development feature features
change changes build builds building process processes problem problems
solution solutions project projects product products model models level levels value values
type types file files version versions issue issues number numbers result results logic
state states approach approaches practice practices pattern patterns way design designing
company companies business customer customers world thinking language languages program
programs programming environment environments production support client clients server
servers
"""
#: Words that never name a topic, and end any phrase they stand in.
STOP_WORDS: frozenset[str] = frozenset((_FUNCTION_WORDS + _FILLER_WORDS).split())
#: Words that name a topic only as part of a phrase.
GENERIC_WORDS: frozenset[str] = frozenset(_GENERIC_WORDS.split()) - STOP_WORDS

#: A word: starts with a letter (not inside a run such as 4XX); letters, digits and
#: underscores (transaction_ids is one word), joined by inner hyphens (multi-host),
#: apostrophes or dots (a dotted name is one word: node.js, org.example.app, file.txt).
_WORD_RE = re.compile(r"(?<!\w)[^\W\d_]\w*(?:[-'’.]\w+)*")
_URL_RE = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
#: Splits text into gaps and words: gap, word, gap, word, ..., gap.
_SPLIT_RE = re.compile(f"({_WORD_RE.pattern})")
#: Marks after which a capital says nothing (a sentence, a clause or a quote begins).
_OPENERS = frozenset(".!?:;\"'“‘([*•>-—–")

#: (lower-case word, word as written, joined to the previous word by blanks only,
#: first word of a sentence). A contraction ("don't") has "" as its lower-case word.
Token = tuple[str, str, bool, bool]


def tokens(text: str) -> list[Token]:
    """The words of `text`, in order, with how each stands (see `Token`); linear in `text`."""
    parts = _SPLIT_RE.split(_URL_RE.sub(" . ", text))
    out: list[Token] = []
    append = out.append
    for number in range(1, len(parts), 2):
        gap, written = parts[number - 1], parts[number]
        if number == 1:
            joined, opens = False, True
        elif gap and not gap.strip(" \t"):
            joined, opens = True, False
        else:
            rest = gap.rstrip()
            joined, opens = False, not rest or rest[-1] in _OPENERS
        if "'" in written or "’" in written:
            stem, _, tail = written.replace("’", "'").rpartition("'")
            if tail.lower() != "s" or "'" in stem:
                append(("", written, False, opens))  # a contraction (don't, it'll): a function word
                continue
            written = stem  # a possessive: uber's → uber
        append((written.lower(), written, joined, opens))
    return out


def is_content(word: str, written: str) -> bool:
    """A word that can be part of a topic: not a stop word, and three letters or an acronym (CI)."""
    if not word or word in STOP_WORDS:
        return False
    return len(word) >= 3 or (len(word) == 2 and written.isupper())


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
    and a word seen only in one form stays as written. An -ing form of a stop word maps
    to that stop word ("finding" → "find"), so it is no topic either.
    """
    words = set(vocabulary)
    folded: dict[str, str] = {}
    for word in words:
        for base in _candidates(word):
            # finding → find (but news stays news, and thing never becomes "the")
            stop = base in STOP_WORDS and word.endswith("ing") and len(base) >= 4
            if len(base) >= 3 and (base in words or stop):
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
