"""The dict/JSON shape of the model: the contract `list --json` and `export --format json` print."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from typing import Any

import pytest

import qcon_tui
from qcon_tui.formats import NotesError
from qcon_tui.formats.serialize import notebook_from_dict, notebook_to_dict
from qcon_tui.formats.text import BULLET_RE, NUMBER_RE
from qcon_tui.model import (
    Code,
    Day,
    Heading,
    ListBlock,
    ListItem,
    Notebook,
    Paragraph,
    Quote,
    Speaker,
    Talk,
    block_texts,
    without_lines,
)
from qcon_tui.paths import bundled_notes


def _talks(talks: list) -> dict:
    """A notebook dict with one day holding `talks`."""
    return {"title": "x", "days": [{"talks": talks}]}


def _strings(value: Any) -> list[str]:
    """Every string value (not key) in loaded JSON, depth first."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def _source_lines() -> list[str]:
    """The bundled source, each line without its list marker (`•`, `-`, `1.`): markup, not words."""
    lines = []
    for line in bundled_notes().read_text(encoding="utf-8").splitlines():
        match = BULLET_RE.match(line) or NUMBER_RE.match(line)
        lines.append(match["text"] if match else line)
    return lines


def _missing_words(nb: Notebook) -> Counter[str]:
    """Words of the bundled source (with repeats) that no string of the JSON export holds."""
    source = Counter(word for line in _source_lines() for word in line.split())
    exported = json.loads(json.dumps(notebook_to_dict(nb)))
    found = Counter(word for text in _strings(exported) for word in text.split())
    return source - found


def test_json_export_of_bundled_notes_loses_no_word() -> None:
    assert _missing_words(qcon_tui.load()) == Counter()


def test_word_check_notices_a_dropped_block() -> None:
    nb = qcon_tui.load()
    day = nb.days[1]
    talk = day.talks[2]
    dropped_block, *kept = talk.blocks
    days = list(nb.days)
    days[1] = replace(day, talks=(*day.talks[:2], replace(talk, blocks=tuple(kept)), *day.talks[3:]))
    missing = _missing_words(replace(nb, days=tuple(days)))
    assert missing, "dropping a block must make the word check fail"
    assert set(missing) <= set(" ".join(block_texts(dropped_block)).split())


SAMPLE = Notebook(
    "Sample",
    intro=(Paragraph("Intro", line=2),),
    days=(
        Day(
            "day 1",
            line=4,
            talks=(
                Talk(
                    "keynote",
                    "Keynote",
                    line=6,
                    speakers=(Speaker("Ada", "Analytical"), Speaker("Bob")),
                    track="Main",
                    date="2017-03-06",
                    start="09:00",
                    end="09:50",
                    room="Hall",
                    links=("https://example.org",),
                    blocks=(
                        Heading("Part", 2, line=8),
                        ListBlock(
                            (ListItem("a", 9, (ListItem("a.1", 10),)), ListItem("b", 11)),
                            line=9,
                        ),
                        ListBlock((ListItem("one", 12),), ordered=True, start=3, line=12),
                        ListBlock((ListItem("x", 13, (ListItem("y", 14),), ordered_children=True),), line=13),
                        Code("print()", "python", line=15),
                        Code("plain", line=17),
                        Quote("said", line=19),
                    ),
                ),
                Talk("bare", "Bare", line=21),
            ),
        ),
        Day("day 2", line=23),
    ),
)


def test_shape_with_notes_and_lines() -> None:
    data = notebook_to_dict(SAMPLE)
    assert list(data) == ["title", "intro", "days"]
    assert data["intro"] == [{"type": "paragraph", "text": "Intro", "line": 2}]
    day = data["days"][0]
    assert (day["title"], day["line"]) == ("day 1", 4)
    keynote, bare = day["talks"]
    assert keynote["speakers"] == [{"name": "Ada", "company": "Analytical"}, {"name": "Bob"}]
    assert {key: keynote[key] for key in ("track", "date", "start", "end", "room", "links")} == {
        "track": "Main",
        "date": "2017-03-06",
        "start": "09:00",
        "end": "09:50",
        "room": "Hall",
        "links": ["https://example.org"],
    }
    assert keynote["notes"] == [
        {"type": "heading", "text": "Part", "level": 2, "line": 8},
        {
            "type": "list",
            "ordered": False,
            "items": [
                {"text": "a", "items": [{"text": "a.1", "line": 10}], "line": 9},
                {"text": "b", "line": 11},
            ],
            "line": 9,
        },
        {"type": "list", "ordered": True, "start": 3, "items": [{"text": "one", "line": 12}], "line": 12},
        {
            "type": "list",
            "ordered": False,
            "items": [{"text": "x", "items": [{"text": "y", "line": 14}], "items_ordered": True, "line": 13}],
            "line": 13,
        },
        {"type": "code", "text": "print()", "language": "python", "line": 15},
        {"type": "code", "text": "plain", "line": 17},
        {"type": "quote", "text": "said", "line": 19},
    ]
    # Optional facts appear only when known.
    assert bare == {"id": "bare", "title": "Bare", "line": 21, "notes": []}
    assert data["days"][1] == {"title": "day 2", "line": 23, "talks": []}
    json.dumps(data)  # plain JSON types only


def test_outline_shape_has_no_notes_and_no_lines() -> None:
    data = notebook_to_dict(SAMPLE, notes=False, lines=False)
    assert data == {
        "title": "Sample",
        "days": [
            {
                "title": "day 1",
                "talks": [
                    {
                        "id": "keynote",
                        "title": "Keynote",
                        "speakers": [{"name": "Ada", "company": "Analytical"}, {"name": "Bob"}],
                        "track": "Main",
                        "date": "2017-03-06",
                        "start": "09:00",
                        "end": "09:50",
                        "room": "Hall",
                        "links": ["https://example.org"],
                    },
                    {"id": "bare", "title": "Bare"},
                ],
            },
            {"title": "day 2", "talks": []},
        ],
    }


def test_dict_round_trip_keeps_lines_and_everything_else() -> None:
    assert notebook_from_dict(json.loads(json.dumps(notebook_to_dict(SAMPLE)))) == SAMPLE
    bundled = qcon_tui.load()
    again = notebook_from_dict(json.loads(json.dumps(notebook_to_dict(bundled))))
    assert again == bundled
    assert [talk.line for talk in again.talks] == [talk.line for talk in bundled.talks]
    without = notebook_from_dict(notebook_to_dict(bundled, lines=False))
    assert without_lines(without) == without_lines(bundled)


def test_outline_reads_back_as_talks_without_notes() -> None:
    nb = notebook_from_dict(notebook_to_dict(SAMPLE, notes=False))
    assert [talk.id for talk in nb.talks] == ["keynote", "bare"]
    assert nb.intro == () and all(talk.blocks == () for talk in nb.talks)


def test_ids_are_derived_when_missing() -> None:
    nb = notebook_from_dict(
        {"title": "x", "days": [{"title": "d", "talks": [{"title": "Hello, World"}] * 2}]}
    )
    assert [talk.id for talk in nb.talks] == ["hello-world", "hello-world-2"]


def test_control_characters_are_cleaned_on_the_way_in() -> None:
    nb = notebook_from_dict({"title": "a\x1b]52;c;evil\x07", "days": []})
    assert "\x1b" not in nb.title and "\x07" not in nb.title


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ([], "must be a mapping"),
        ({}, "has no 'title'"),
        ({"title": None}, "title: is empty"),
        ({"title": "x", "days": "none"}, "days: must be a list of days"),
        ({"title": "x", "days": [{"title": "d", "talks": {"title": "t"}}]}, "days[0].talks: must be a list"),
        (
            _talks([{"title": "t", "notes": [{"type": "image"}]}]),
            "unknown block type",
        ),
        (_talks([{"title": "t", "notes": [7]}]), "a block must be a mapping"),
        (
            _talks([{"title": "t", "track": 3}]),
            "track: must be text, not a number",
        ),
        (_talks([{"title": "t", "start": 540}]), "start: must be text"),
        (
            _talks([{"title": "t", "line": "one"}]),
            "line: must be a whole number",
        ),
        ({"title": "x", "intro": [{"type": "list", "items": [["a"]]}]}, "nested list must follow"),
        ({"title": "x", "intro": [{"type": "list", "ordered": True, "start": -1, "items": []}]}, "start"),
        (
            {"title": "x", "intro": [{"type": "heading", "text": "h", "level": True}]},
            "level: must be a whole",
        ),
    ],
)
def test_wrong_shapes_raise_one_clear_error(data: object, words: str) -> None:
    with pytest.raises(NotesError) as info:
        notebook_from_dict(data, "export.json")
    assert words in info.value.message
    assert info.value.path == "export.json"
    assert str(info.value).startswith("export.json: ")
