"""Topics: terms that recur across talks, read from the text alone."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import qcon_tui
from qcon_tui.library import Library
from qcon_tui.model import Day, Notebook, Paragraph, Talk
from qcon_tui.topics import STOP_WORDS, Topic, fold_map, topics
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
    top = [topic.term for topic in bundled_topics[:10]]
    assert "serverless" in top
    assert "containers" in top or "container" in top
    assert "monitoring" in top
    assert "microservices" in top
    assert "api gateway" in [topic.term for topic in bundled_topics[:20]]


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
    keys = [(-topic.score, topic.term) for topic in bundled_topics]
    assert keys == sorted(keys)
    assert [t.term for t in topics(bundled, limit=5)] == [t.term for t in bundled_topics[:5]]


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
    assert data[0]["term"] == topics(qcon_tui.load(), limit=1)[0].term
    scores = [entry["score"] for entry in data]
    assert scores == sorted(scores, reverse=True)


def test_topics_text_lists_each_topic_with_its_talks() -> None:
    result = run_cli("topics", "--limit", "3")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("serverless  (2 talks)")
    assert (
        "  the-hitchhikers-guide-to-serverless-javascript  The Hitchhiker's Guide to Serverless Javascript"
        in lines
    )


def test_topics_of_a_directory(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# A\n\n## Day\n\n### Serverless\n\n- serverless and queues\n")
    (tmp_path / "b.md").write_text("# B\n\n## Day\n\n### Queues\n\n- serverless queues everywhere\n")
    result = run_cli("topics", str(tmp_path), "--json")
    assert result.returncode == 0, result.stderr
    data = {entry["term"]: entry for entry in json.loads(result.stdout)}
    assert {talk["notebook"] for talk in data["serverless"]["talks"]} == {"A", "B"}
    assert all(Path(talk["path"]).parent == tmp_path for talk in data["serverless"]["talks"])


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
