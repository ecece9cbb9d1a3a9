"""Search behaviour: matching rules, query syntax, spans, snippets and odd input."""

from __future__ import annotations

import pytest

import qcon_tui
from qcon_tui.model import Day, ListBlock, ListItem, Notebook, Paragraph, Speaker, Talk, block_texts
from qcon_tui.search import QUERY_HELP, Hit, SearchIndex, Span, parse_query


def _talk(title: str, *notes: str, speakers: tuple[Speaker, ...] = (), track: str | None = None) -> Talk:
    blocks = tuple(Paragraph(text) for text in notes)
    return Talk(
        id=title.lower().replace(" ", "-"), title=title, blocks=blocks, speakers=speakers, track=track
    )


@pytest.fixture
def notebook() -> Notebook:
    day1 = Day(
        "day 1 Monday",
        (
            _talk("Scaling Kafka Streams", "we moved from rabbitmq to kafka.", "partitions matter a lot"),
            _talk(
                "Java Modules In Practice",
                "jigsaw modules were painful to adopt.",
                speakers=(Speaker("Trisha Gee", "JetBrains"),),
                track="JVM Languages",
            ),
            _talk("Serverless Pitfalls", "cold starts hurt; kafka consumers are hard on lambda."),
        ),
    )
    items = ListBlock(
        (ListItem("first point"), ListItem("logging with kafka connect", children=(ListItem("deep"),)))
    )
    day2 = Day(
        "day 2 Tuesday",
        (
            Talk(id="observability", title="Observability For Everyone", blocks=(Paragraph("intro"), items)),
            _talk("Kafka", "a talk titled with one word."),
            _talk(
                "Streams Of Data",
                "stream processing with flink, not kafka streams.",
                "exactly once semantics",
            ),
        ),
    )
    return Notebook("Test notes", (day1, day2))


@pytest.fixture
def index(notebook: Notebook) -> SearchIndex:
    return SearchIndex(notebook)


def ids(hits: list[Hit]) -> list[str]:
    return [hit.talk.id for hit in hits]


def span_text(hit: Hit, span: Span) -> str:
    """The characters a span points at, looked up the way a UI would."""
    talk = hit.talk
    if span.field == "title":
        text = talk.title
    elif span.field == "speaker":
        text = talk.speaker_label
    elif span.field == "track":
        text = talk.track or ""
    else:
        text = list(block_texts(talk.blocks[span.block]))[span.item]
    return text[span.start : span.end]


def test_empty_and_blank_queries_find_nothing(index: SearchIndex) -> None:
    assert index.search("") == []
    assert index.search("   ") == []
    assert index.search("in:title") == []


def test_punctuation_only_query_finds_nothing(index: SearchIndex) -> None:
    assert index.search("!?.,;:()--//") == []
    assert index.search('"') == []


def test_regex_and_markup_characters_are_plain_text(index: SearchIndex) -> None:
    assert ids(index.search("[kafka]"))[:2] == ["scaling-kafka-streams", "kafka"]  # equal: reading order
    assert index.search("[bold]kafka[/bold]") == []  # "bold" is a word, and no talk has it
    assert ids(index.search("kafka.*")) == ids(index.search("kafka"))
    for query in ("(", "[", "\\", "^$", "*", "[/]", "(?P<x>", "{1,2}"):
        assert index.search(query) == []


def test_very_long_query_is_handled(index: SearchIndex) -> None:
    assert index.search("kafka " * 5000) != []
    assert index.search("x" * 100_000) == []
    assert index.search(" ".join(f"word{i}" for i in range(500))) == []


def test_all_words_must_match(index: SearchIndex) -> None:
    assert set(ids(index.search("kafka lambda"))) == {"serverless-pitfalls"}
    assert index.search("kafka jigsaw") == []


def test_title_hit_ranks_above_body_hit(index: SearchIndex) -> None:
    found = ids(index.search("kafka"))
    assert found[0] in {"kafka", "scaling-kafka-streams"}
    assert set(found[:2]) == {"kafka", "scaling-kafka-streams"}
    assert set(found[2:]) == {"serverless-pitfalls", "observability", "streams-of-data"}


def test_scores_descend(index: SearchIndex) -> None:
    hits = index.search("kafka")
    assert hits[0].score >= hits[1].score > hits[2].score


def test_prefix_matches_the_word_being_typed_only(index: SearchIndex) -> None:
    assert "java-modules-in-practice" in ids(index.search("jig"))
    assert index.search("jig ") == []  # a finished word is not a prefix
    assert "observability" in ids(index.search("kafka obser"))


def test_typos_are_forgiven(index: SearchIndex) -> None:
    assert ids(index.search("kafak streams "))[0] == "scaling-kafka-streams"
    assert ids(index.search("obsrevability "))[0] == "observability"
    assert "java-modules-in-practice" in ids(index.search("jigsaww "))


def test_short_words_need_no_typo_budget(index: SearchIndex) -> None:
    assert index.search("jav ") == []


def test_exact_phrase(index: SearchIndex) -> None:
    assert ids(index.search('"kafka streams"')) == ["scaling-kafka-streams", "streams-of-data"]
    assert ids(index.search('"streams kafka"')) == []
    hit = index.search('"kafka connect"')[0]
    assert "kafka connect" in [span_text(hit, span) for span in hit.spans]


def test_day_filter_by_number_and_title_word(index: SearchIndex) -> None:
    assert set(ids(index.search("kafka day:2"))) == {"kafka", "observability", "streams-of-data"}
    assert set(ids(index.search("day:monday kafka"))) == {"scaling-kafka-streams", "serverless-pitfalls"}
    assert ids(index.search("day:2")) == ["observability", "kafka", "streams-of-data"]
    assert index.search("kafka day:9") == []


def test_in_title_filter(index: SearchIndex) -> None:
    assert set(ids(index.search("in:title kafka"))) == {"kafka", "scaling-kafka-streams"}
    assert ids(index.search("in:title lambda")) == []


def test_who_and_track_filters(index: SearchIndex) -> None:
    assert ids(index.search("who:trisha")) == ["java-modules-in-practice"]
    assert ids(index.search("who:jetbrains modules")) == ["java-modules-in-practice"]
    assert ids(index.search("track:jvm")) == ["java-modules-in-practice"]
    assert index.search("who:kafka") == []


def test_speaker_and_track_words_are_searched(index: SearchIndex) -> None:
    hit = index.search("trisha")[0]
    assert hit.talk.id == "java-modules-in-practice"
    assert [span_text(hit, s) for s in hit.spans if s.field == "speaker"] == ["Trisha"]


def test_spans_point_at_the_matched_characters(index: SearchIndex) -> None:
    hit = index.search("kafka")[0]
    assert hit.spans
    for span in hit.spans:
        assert span_text(hit, span).lower() == "kafka"
    obs = next(h for h in index.search("kafka") if h.talk.id == "observability")
    (span,) = obs.spans
    assert (span.field, span.block, span.item) == ("notes", 1, 1)
    assert span_text(obs, span) == "kafka"


def test_typo_and_prefix_spans_cover_the_whole_word(index: SearchIndex) -> None:
    hit = index.search("partit")[0]
    assert [span_text(hit, s) for s in hit.spans] == ["partitions"]
    hit = index.search("jigsw ")[0]
    assert [span_text(hit, s) for s in hit.spans] == ["jigsaw"]


def test_snippet_is_one_short_line_around_the_body_match(index: SearchIndex) -> None:
    long_note = "intro words " * 30 + "the needle is here\nand a second line " + "trailing words " * 30
    notebook = Notebook("n", (Day("d", (_talk("Haystack", long_note),)),))
    hit = SearchIndex(notebook).search("needle")[0]
    assert "\n" not in hit.snippet
    assert len(hit.snippet) <= 110
    (start, end) = hit.snippet_spans[0]
    assert hit.snippet[start:end] == "needle"


def test_snippet_spans_mark_query_words(index: SearchIndex) -> None:
    hit = index.search("kafka lambda")[0]
    marked = {hit.snippet[a:b].lower() for a, b in hit.snippet_spans}
    assert marked == {"kafka", "lambda"}


def test_hit_carries_day_and_positions(index: SearchIndex, notebook: Notebook) -> None:
    hit = index.search("flink")[0]
    assert (hit.day_index, hit.talk_index) == (1, 2)
    assert hit.day is notebook.days[1]
    assert notebook.days[hit.day_index].talks[hit.talk_index] is hit.talk


def test_limit_is_respected(index: SearchIndex) -> None:
    assert len(index.search("kafka", limit=2)) == 2
    assert index.search("kafka", limit=0) == []


def test_accents_and_apostrophes_fold(index: SearchIndex) -> None:
    notebook = Notebook("n", (Day("d", (_talk("Café Culture", "it's the team's choice"),)),))
    small = SearchIndex(notebook)
    assert small.search("cafe")
    assert small.search("teams choice")
    hit = small.search("its ")[0]
    assert [span_text(hit, s) for s in hit.spans] == ["it's"]


def test_empty_notebook() -> None:
    assert SearchIndex(Notebook("empty")).search("anything") == []


def test_parse_query() -> None:
    parsed = parse_query('in:title who:"Trisha Gee" "real world" java day:2 track:jvm mod')
    assert parsed.title_only
    assert parsed.days == ("2",)
    assert parsed.phrases == (("real", "world"),)
    texts = [term.text for term in parsed.terms]
    assert texts == ["trisha", "gee", "real", "world", "java", "jvm", "mod"]
    assert parsed.terms[-1].prefix
    assert not parse_query("java ").terms[0].prefix
    assert parse_query("foo:bar").terms[0].text == "foo"
    assert parse_query("").empty


def test_query_help_documents_the_syntax() -> None:
    for token in ('"', "day:", "in:title", "who:", "track:"):
        assert token in QUERY_HELP


def test_bundled_notes_smoke() -> None:
    index = SearchIndex(qcon_tui.load())
    assert index.search("redis")[0].talk.id == "microservices-at-the-heart-of-bbc-iplayer"
    assert index.word_count > 500 and index.posting_count > index.word_count
