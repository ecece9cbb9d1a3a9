"""Topics: terms that recur across talks, read from the text alone."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import qcon_tui
from qcon_tui.library import Library
from qcon_tui.model import Day, Notebook, Paragraph, Talk
from qcon_tui.topic_words import GENERIC_WORDS
from qcon_tui.topics import STOP_WORDS, THEME_SHARE, Topic, fold_map, topics
from tests.helpers import run_cli


@pytest.fixture(scope="module")
def bundled() -> Notebook:
    return qcon_tui.load()


@pytest.fixture(scope="module")
def bundled_topics(bundled: Notebook) -> list[Topic]:
    return topics(bundled, limit=0)


def _talk_text(talk: Talk) -> str:
    return "\n".join([talk.title, talk.track or "", *talk.texts()]).lower()


def test_the_bundled_notes_have_the_expected_topics(bundled_topics: list[Topic]) -> None:
    terms = [topic.term for topic in bundled_topics]
    for term in ("serverless", "containers", "monitoring", "microservices", "api gateway", "javascript"):
        assert term in terms


def test_topics_are_listed_by_how_many_talks_hold_them_then_by_term(bundled_topics: list[Topic]) -> None:
    keys = [(-len(topic.talks), topic.term.casefold()) for topic in bundled_topics]
    assert keys == sorted(keys)
    assert len(bundled_topics[0].talks) > len(bundled_topics[-1].talks)


def test_stop_words_and_filler_are_never_topics(bundled_topics: list[Topic]) -> None:
    for topic in bundled_topics:
        for word in topic.term.lower().split():
            assert word not in STOP_WORDS, topic.term
    terms = {topic.term for topic in bundled_topics}
    assert not terms & {"talk", "speaker", "really", "lot", "thing", "stuff", "use", "need", "the"}


def test_each_topic_is_held_by_its_talks(bundled_topics: list[Topic]) -> None:
    for topic in bundled_topics:
        assert len(topic.talks) >= 2, topic.term
        assert len({ref.talk.id for ref in topic.talks}) == len(topic.talks)
        assert topic.term.lower() in topic.forms
        for ref in topic.talks:
            text = _talk_text(ref.talk)
            assert any(re.search(rf"\b{re.escape(form)}\b", text) for form in topic.forms), (
                topic.term,
                ref.talk.id,
            )


def test_order_is_deterministic(bundled: Notebook, bundled_topics: list[Topic]) -> None:
    again = topics(bundled, limit=0)
    assert [(t.term, t.score, [r.talk.id for r in t.talks]) for t in again] == [
        (t.term, t.score, [r.talk.id for r in t.talks]) for t in bundled_topics
    ]

    # A limit keeps the topics held by most talks (among equals, the higher score).
    five = topics(bundled, limit=5)
    rest = [topic for topic in bundled_topics if topic.term not in {t.term for t in five}]
    assert len(five) == 5
    assert min(len(t.talks) for t in five) >= max(len(t.talks) for t in rest)
    boundary = min(len(t.talks) for t in five)
    assert min(t.score for t in five if len(t.talks) == boundary) >= max(
        t.score for t in rest if len(t.talks) == boundary
    )


def test_a_dotted_name_is_one_word() -> None:
    from qcon_tui.topic_words import tokens

    words = [word for word, *_ in tokens("we moved org.example.app to node.js, see e.g. the docs.")]
    assert words == ["we", "moved", "org.example.app", "to", "node.js", "see", "e.g", "the", "docs"]


def test_plurals_fold_only_onto_words_that_occur() -> None:
    roots = fold_map(
        ["containers", "container", "stories", "story", "thing", "monitoring", "monitor", "news"]
    )
    assert roots["containers"] == "container"
    assert roots["stories"] == "story"
    assert roots["monitoring"] == "monitor"
    assert roots["thing"] == "thing"
    assert roots["news"] == "news"  # no "new" was seen
    assert fold_map(["gateways"])["gateways"] == "gateways"


def _notebook(title: str, talks: dict[str, str]) -> Notebook:
    return Notebook(
        title=title,
        days=(
            Day(
                "day 1",
                tuple(
                    Talk(id=f"t{n}", title=name, blocks=(Paragraph(text),))
                    for n, (name, text) in enumerate(talks.items())
                ),
            ),
        ),
    )


def test_topics_span_a_library_and_name_the_notebook() -> None:
    first = _notebook("Conf A", {"Edge Caching": "we cache at the edge with a CDN.", "Hiring": "interviews"})
    second = _notebook("Conf B", {"CDN Tricks": "edge caching rules. the CDN purges.", "Other": "unrelated"})
    library = Library("shelf", (first, second))
    found = {topic.term: topic for topic in topics(library)}
    assert {ref.notebook.title for ref in found["CDN"].talks} == {"Conf A", "Conf B"}
    assert "edge" in found or "edge caching" in found
    assert "unrelated" not in found  # held by one talk only


def test_a_word_seen_only_inside_a_pair_is_left_to_the_pair() -> None:
    notebook = _notebook(
        "Conf",
        {"One": "the chaos monkey ran.", "Two": "a chaos monkey again.", "Three": "no monkeys here"},
    )
    terms = [topic.term for topic in topics(notebook)]
    assert "chaos monkey" in terms
    assert "chaos" not in terms


def _talk(number: int, title: str, notes: str) -> Talk:
    return Talk(id=f"t{number}", title=title, blocks=(Paragraph(notes),))


def _conference(*talks: Talk, upto: int) -> Notebook:
    """One day of `talks`, then talks about nothing in particular up to `upto` talks."""
    fillers = (_talk(n, f"Filler {n}", "nothing to see") for n in range(len(talks), upto))
    return Notebook("Conf", days=(Day("d", (*talks, *fillers)),))


def test_a_term_most_talks_hold_is_their_theme_not_a_topic() -> None:
    # "kafka" is in every talk's notes, twice; "sharding" in two talks' titles.
    talks = [_talk(0, "Sharding at scale", "kafka here. kafka there.")]
    talks += [_talk(1, "Sharding again", "kafka here. kafka there.")]
    talks += [_talk(n, f"Other {n}", "kafka here. kafka there. unrelated") for n in range(2, 8)]
    notebook = Notebook("Conf", days=(Day("d", tuple(talks)),))
    found = {topic.term: topic for topic in topics(notebook)}
    assert "kafka" not in found
    assert len(found["sharding"].talks) == 2


def test_a_generic_word_is_a_topic_only_inside_a_phrase() -> None:
    notebook = _conference(
        _talk(0, "One", "the service mesh routes. the service mesh retries. the service mesh."),
        _talk(1, "Two", "our service mesh fails. a service mesh again. service mesh."),
        upto=6,
    )
    terms = [topic.term for topic in topics(notebook)]
    assert "service mesh" in terms
    assert "service" not in terms and "services" not in terms
    assert "service" in GENERIC_WORDS


def test_a_word_said_in_passing_is_no_topic_but_a_name_or_a_title_word_is() -> None:
    # "window" is said once in each of three talks, in passing; "Envoy" is written as a
    # name; "tracing" is in two titles.
    notebook = _conference(
        _talk(0, "Tracing one", "a window opened. we run Envoy in front."),
        _talk(1, "Tracing two", "the window closed. and then Envoy again."),
        _talk(2, "Three", "another window. later Envoy broke."),
        upto=10,
    )
    terms = [topic.term for topic in topics(notebook)]
    assert "window" not in terms
    assert "Envoy" in terms
    assert "tracing" in terms


def test_a_distinctive_term_held_by_more_talks_comes_first_and_ties_go_by_term() -> None:
    notebook = _conference(
        _talk(0, "Kubernetes operators", "zebra"),
        _talk(1, "Kubernetes upgrades", "zebra"),
        _talk(2, "Kubernetes costs", "notes"),
        _talk(3, "Graphql federation", "notes"),
        _talk(4, "Graphql schemas", "notes"),
        _talk(5, "Avro registries", "notes"),
        _talk(6, "Avro evolution", "notes"),
        upto=12,
    )
    found = topics(notebook)
    assert [(topic.term, len(topic.talks)) for topic in found] == [
        ("kubernetes", 3),
        ("avro", 2),
        ("graphql", 2),
    ]
    assert [t.term for t in topics(notebook)] == [t.term for t in found]  # stable


def _words_of(talk: Talk) -> str:
    """The talk's title, track and notes (code and links aside), lower-cased, one text per line."""
    from qcon_tui.model import Code, block_texts

    texts = [talk.title, talk.track or ""]
    texts += [text for block in talk.blocks if not isinstance(block, Code) for text in block_texts(block)]
    return re.sub(r"(?:https?://|www\.)\S+", " ", "\n".join(texts).lower())  # links aside


def _holds(text: str, forms: tuple[str, ...]) -> bool:
    """Whether `text` has one of `forms` as whole words (a pair: its two words, blanks between;
    not part of a hyphenated or dotted name)."""
    for form in forms:
        pattern = r"[ \t]+".join(re.escape(word) for word in form.split(" "))
        if re.search(rf"(?<!\w)(?<!\w[-'’.]){pattern}(?:['’]s)?(?!\w)(?![-'’.]\w)", text):
            return True
    return False


CORPUS = Path(__file__).resolve().parents[2] / "shared" / "notes-corpus"


def _corpus_notebooks() -> list[Notebook]:
    if not CORPUS.is_dir():
        return []
    return [qcon_tui.load(str(path)) for path in sorted(CORPUS.glob("*__*.md"))]


@pytest.mark.parametrize("which", ["bundled", "corpus"])
def test_each_count_is_the_number_of_talks_that_hold_the_term(which: str) -> None:
    """Counted again from the notes themselves: a talk holds a topic when its text has one of
    the topic's forms as whole words; the topic lists exactly those talks."""
    notebooks = [qcon_tui.load()] if which == "bundled" else _corpus_notebooks()
    if not notebooks:
        pytest.skip("no notes corpus here")
    for notebook in notebooks:
        texts = [(talk, _words_of(talk)) for talk in notebook.talks]
        for topic in topics(notebook, limit=0):
            holding = {id(talk) for talk, text in texts if _holds(text, topic.forms)}
            listed = {id(ref.talk) for ref in topic.talks}
            assert listed == holding, (notebook.title, topic.term)


def test_real_notes_give_topics_no_generic_word_or_theme_tops() -> None:
    notebooks = _corpus_notebooks()
    if not notebooks:
        pytest.skip("no notes corpus here")
    for notebook in notebooks:
        found = topics(notebook, limit=0)
        total = len(notebook.talks)
        for topic in found:
            assert 2 <= len(topic.talks) <= max(2, int(total * THEME_SHARE)), topic.term
            if " " not in topic.term:
                assert topic.term.lower() not in GENERIC_WORDS | STOP_WORDS, topic.term
        keys = [(-len(topic.talks), topic.term.casefold()) for topic in found]
        assert keys == sorted(keys)


# --------------------------------------------------------------------------- command line


def test_topics_json_shape() -> None:
    result = run_cli("topics", "--json", "--limit", "5")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert len(data) == 5
    for entry in data:
        assert {"term", "score", "talks"} <= set(entry)
        assert isinstance(entry["score"], float)
        for talk in entry["talks"]:
            assert set(talk) == {"id", "title", "day"}
    assert [entry["term"] for entry in data] == [topic.term for topic in topics(qcon_tui.load(), limit=5)]
    counts = [len(entry["talks"]) for entry in data]
    assert counts == sorted(counts, reverse=True)


def test_topics_text_lists_each_topic_with_its_talks() -> None:
    result = run_cli("topics", "--limit", "30")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    first = topics(qcon_tui.load(), limit=30)[0]
    assert lines[0] == f"{first.term}  ({len(first.talks)} talks)"
    assert "serverless  (2 talks)" in lines
    assert (
        "  the-hitchhikers-guide-to-serverless-javascript  The Hitchhiker's Guide to Serverless Javascript"
        in lines
    )


def test_topics_of_a_directory(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# A\n\n## Serverless at scale\n\n- serverless and queues\n")
    (tmp_path / "b.md").write_text("# B\n\n## Serverless queues\n\n- serverless queues everywhere\n")
    result = run_cli("topics", str(tmp_path), "--json")
    assert result.returncode == 0, result.stderr
    data = {entry["term"]: entry for entry in json.loads(result.stdout)}
    assert {talk["notebook"] for talk in data["serverless"]["talks"]} == {"A", "B"}
    assert all(Path(talk["path"]).parent == tmp_path for talk in data["serverless"]["talks"])


def test_topics_of_a_directory_tell_same_titled_conferences_apart(tmp_path: Path) -> None:
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text("# Same\n\n## Serverless at scale\n\n- serverless\n")
    result = run_cli("topics", str(tmp_path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    at = lines.index("serverless  (2 talks)")
    assert lines[at + 1].endswith("Serverless at scale  (Same · a.md)")
    assert lines[at + 2].endswith("Serverless at scale  (Same · b.md)")


def test_topics_usage_and_data_errors(tmp_path: Path) -> None:
    result = run_cli("topics", "--limit", "0")
    assert result.returncode == 2 and result.stderr.startswith("qcon-tui: error:")
    result = run_cli("topics", str(tmp_path))
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "no notes files" in result.stderr


def test_generic_words_are_no_topics() -> None:
    import qcon_tui
    from qcon_tui.topics import topics

    terms = {topic.term.casefold() for topic in topics(qcon_tui.load(), limit=0)}
    assert not terms & {"system", "systems", "logic", "ready", "state", "states"}
    assert {"serverless", "monitoring", "microservices"} <= terms
