"""The query language of search: its words, its syntax (`QUERY_HELP`) and `parse_query`.

Pure text work shared by the index (which normalises words the same way) and the
hits (which find the matched words again). No UI imports.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

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
