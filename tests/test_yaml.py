"""YAML notes: safe reading with clear errors, the hand-writing shorthand, and exact round trips."""

from __future__ import annotations

import json
import textwrap

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qcon_tui
from qcon_tui.formats import NotesError, detect_format, parse
from qcon_tui.formats.serialize import notebook_to_dict
from qcon_tui.formats.yamlfmt import read_yaml, write_yaml
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
    unique_ids,
    without_lines,
)


def _read_error(text: str) -> NotesError:
    with pytest.raises(NotesError) as info:
        read_yaml(textwrap.dedent(text), "notes.yaml")
    return info.value


# --------------------------------------------------------------------------- bad input


def test_list_document_is_refused() -> None:
    error = _read_error("- title: a\n- title: b\n")
    assert "must be a mapping" in error.message and "not a list" in error.message
    assert error.path == "notes.yaml"


def test_scalar_document_is_refused() -> None:
    error = _read_error("just some words\n")
    assert "must be a mapping" in error.message and "not text" in error.message


def test_empty_document_is_refused() -> None:
    assert "empty" in _read_error("# only a comment\n").message


def test_python_tag_is_refused_and_nothing_runs(tmp_path, monkeypatch) -> None:
    marker = tmp_path / "ran"
    calls: list[object] = []
    monkeypatch.setattr("os.system", lambda *args: calls.append(args) or 0)
    for text in (
        '!!python/object/apply:os.system ["echo hi"]\n',
        f'title: x\ndays: !!python/object/apply:os.system ["touch {marker}"]\n',
        f'!!python/object/apply:subprocess.check_call [["touch", "{marker}"]]\n',
        "title: !!python/name:os.system\n",
    ):
        error = _read_error(text)
        assert error.message.startswith("unsupported YAML tag !!python/"), error.message
        assert error.line in (1, 2)
    assert calls == []
    assert not marker.exists()


def test_unknown_local_tag_is_refused() -> None:
    error = _read_error("title: !shout hello\n")
    assert error.message.startswith("unsupported YAML tag !shout")
    assert error.line == 1


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("title: x\ndays:\n  - title: d\n   bad: indent\n", 4),
        ("title: x\ndays:\n  - title: 'unclosed\n  - title: e\n", 3),
        ("title: x\n\n\ndays: [a, b\nmore: 1\n", 5),
        ("title: x\n\t- tab\n", 2),
    ],
)
def test_malformed_yaml_names_the_line(text: str, line: int) -> None:
    error = _read_error(text)
    assert error.message.startswith("malformed YAML: ")
    assert error.line == line, error
    assert str(error).startswith(f"notes.yaml:{line}: malformed YAML")


@pytest.mark.parametrize(
    ("text", "where", "words", "line"),
    [
        ("days: []\n", "", "the notebook has no 'title'", 1),
        ("title: [a]\n", "title", "must be text, not a list", 1),
        ("title: x\ndays:\n  title: d\n", "days", "must be a list of days, not a mapping", 3),
        ("title: x\ndays:\n  - title: d\n    talks: a talk\n", "days[0].talks", "must be a list", 4),
        ("title: x\ndays:\n  - just a title\n", "days[0]", "a day must be a mapping", 3),
        ("title: x\ndays:\n  - talks:\n      - id: t\n", "days[0].talks[0]", "has no 'title'", 4),
        ("title: x\ndays:\n  - talks:\n      - title: 42\n", "days[0].talks[0].title", "put it in quotes", 4),
        (
            "title: x\ndays:\n  - talks:\n      - title: t\n        notes:\n          - type: video\n",
            "days[0].talks[0].notes[0].type",
            "unknown block type 'video'",
            6,
        ),
        (
            "title: x\ndays:\n  - talks:\n      - title: t\n        notes:\n          - text: hi\n",
            "days[0].talks[0].notes[0]",
            "has no 'type'",
            6,
        ),
        (
            "title: x\nintro:\n  - type: heading\n    text: h\n    level: nine\n",
            "intro[0].level",
            "whole number from 1 to 6",
            5,
        ),
        (
            "title: x\nintro:\n  - type: list\n    ordered: 'yes'\n    items: [a]\n",
            "intro[0].ordered",
            "true or false",
            4,
        ),
        ("title: x\nintro:\n  - type: list\n", "intro[0]", "has no 'items'", 3),
        (
            "title: x\ndays:\n  - talks:\n      - title: t\n        speakers:\n          - company: Acme\n",
            "days[0].talks[0].speakers[0]",
            "has no 'name'",
            6,
        ),
        (
            "title: x\ndays:\n  - talks:\n      - title: t\n        links: {a: b}\n",
            "days[0].talks[0].links",
            "list",
            5,
        ),
    ],
)
def test_wrong_types_are_told_with_place_and_line(
    text: str, where: str, words: str, line: int | None
) -> None:
    error = _read_error(text)
    assert error.message.startswith(f"{where}: " if where else words), error.message
    assert words in error.message
    assert error.line == line


def test_self_referring_and_exploding_aliases_are_refused() -> None:
    assert "aliases" in _read_error("title: x\ndays: &d [*d]\n").message
    bomb = ["title: x", "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    bomb += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    bomb.append("days: *a8")
    assert "aliases" in _read_error("\n".join(bomb) + "\n").message


def test_unknown_keys_are_warnings_with_lines() -> None:
    nb = read_yaml("title: x\ndays:\n  - title: d\n    talks:\n      - title: t\n        speaker: Bob\n")
    [warning] = nb.diagnostics
    assert warning.severity == "warning" and warning.line == 5
    assert "unknown key 'speaker'" in warning.message


# --------------------------------------------------------------------------- hand-written YAML


def test_shorthand_and_yaml_scalars() -> None:
    nb = read_yaml(
        textwrap.dedent(
            """\
            title: My conference
            intro: A line of intro.
            days:
              - title: 2017-03-06
                talks:
                  - title: "Keynote: The Future"
                    speakers: Ada Lovelace
                    start: 9:30
                    end: '10:15'
                    date: 2017-03-06
                    links: https://example.org/keynote
                    notes: It was good.
                  - title: Lists
                    speakers:
                      - Grace Hopper
                      - name: Alan Kay
                        company: Xerox PARC
                    notes:
                      - first point
                      - - nested a
                        - nested b
                      - second point
                  - title: Mixed
                    notes:
                      - A paragraph.
                      - type: code
                        language: python
                        text: |
                          print("hi")
                  - title: Nothing yet
                    notes:
              - title: Empty day
            """
        ),
        "conf.yaml",
    )
    assert nb.intro == (Paragraph("A line of intro.", line=2),)
    day, empty = nb.days
    assert day.title == "2017-03-06" and empty.talks == ()
    keynote, lists, mixed, nothing = day.talks
    assert keynote.id == "keynote-the-future"
    assert keynote.speakers == (Speaker("Ada Lovelace"),)
    assert (keynote.start, keynote.end, keynote.date) == ("09:30", "10:15", "2017-03-06")
    assert keynote.links == ("https://example.org/keynote",)
    assert keynote.blocks == (Paragraph("It was good.", line=12),)
    assert lists.speakers == (Speaker("Grace Hopper"), Speaker("Alan Kay", "Xerox PARC"))
    [bullets] = without_lines(lists.blocks)
    assert bullets == ListBlock(
        (
            ListItem("first point", children=(ListItem("nested a"), ListItem("nested b"))),
            ListItem("second point"),
        )
    )
    assert without_lines(mixed.blocks) == (Paragraph("A paragraph."), Code('print("hi")\n', "python"))
    assert nothing.blocks == ()
    assert (keynote.line, day.line) == (6, 4)


def test_ids_given_are_kept_unless_repeated_or_empty() -> None:
    nb = read_yaml(
        "title: x\ndays:\n  - talks:\n"
        "      - {id: keep-me, title: One}\n"
        "      - {id: keep-me, title: Two}\n"
        "      - {id: '', title: Three}\n"
        "      - {title: Four}\n"
        "      - {id: four, title: Another}\n"
    )
    assert [talk.id for talk in nb.talks] == ["keep-me", "two", "three", "four-2", "four"]
    assert any("already taken" in d.message and d.line == 5 for d in nb.diagnostics)


def test_yaml_without_suffix_is_detected() -> None:
    text = "title: x\ndays:\n  - title: d\n"
    assert detect_format("notes", text) == "yaml"
    assert parse(text, "yaml").days[0].title == "d"


# --------------------------------------------------------------------------- writer


def test_writer_output_is_diff_friendly() -> None:
    nb = Notebook(
        "Café — notes",
        days=(
            Day(
                "day 1",
                (
                    Talk(
                        "t",
                        "Talk",
                        (Paragraph("line one\nline two"), ListBlock((ListItem("a"),))),
                        speakers=(Speaker("Zoë"),),
                    ),
                ),
            ),
        ),
    )
    text = write_yaml(nb)
    assert "Café — notes" in text and "Zoë" in text  # unicode as is, not \u escapes
    assert "text: |-\n" in text  # multi-line text as a literal block
    assert "line:" not in text and "ordered" not in text and "intro" not in text
    assert text.index("title:") < text.index("days:")  # keys in model order, not sorted
    assert text.index("id: t") < text.index("title: Talk") < text.index("speakers:") < text.index("notes:")
    assert "{" not in text and "[" not in text  # block style throughout
    assert yaml.safe_load(text)["days"][0]["talks"][0]["notes"][0] == {
        "type": "paragraph",
        "text": "line one\nline two",
    }


def test_bundled_notes_round_trip() -> None:
    nb = qcon_tui.load()
    text = write_yaml(nb)
    again = read_yaml(text, "bundled.yaml")
    assert without_lines(again) == without_lines(nb)
    assert again.diagnostics == ()
    assert write_yaml(again) == text


# Text that YAML likes to misread: quotes, colons, comment marks, leading and trailing
# spaces, indicators, YAML 1.1 booleans and numbers, line breaks of every kind, unicode.
_TRICKY = [
    "",
    " ",
    "yes",
    "No",
    "null",
    "~",
    "1.0",
    "0o17",
    "12:30",
    "2017-03-06",
    "- item",
    "key: value",
    "# not a comment",
    "a # b",
    "'quoted'",
    '"double"',
    "&anchor",
    "*alias",
    "!tag",
    "|",
    ">",
    "%",
    "@",
    "`",
    "---",
    "...",
    "  leading",
    "trailing  ",
    "\n",
    "\n\n",
    "a\n\n b\n",
    " \nx",
    "\t",
    "\u2028",
    "\u2029",
    "\x85",
    "\ufeff",
    "\r\n",
    "😀",
    "日本語",
    "\u200b",
]
_characters = st.characters(exclude_categories=("Cs",))
_text = st.one_of(
    st.text(_characters, max_size=30),
    st.sampled_from(_TRICKY),
    st.lists(st.sampled_from(_TRICKY) | st.text(_characters, max_size=8), max_size=5).map("".join),
)
_line_free = _text.map(lambda text: text.replace("\n", " ").replace("\r", " "))


def _items(depth: int) -> st.SearchStrategy[tuple[ListItem, ...]]:
    children = _items(depth - 1) if depth else st.just(())
    return st.lists(
        st.builds(ListItem, text=_text, children=children, ordered_children=st.booleans()),
        min_size=1,
        max_size=3,
    ).map(tuple)


_blocks = st.one_of(
    st.builds(Paragraph, text=_text),
    st.builds(Heading, text=_text, level=st.integers(1, 6)),
    st.builds(Code, text=_text, language=_line_free),
    st.builds(Quote, text=_text),
    st.builds(ListBlock, items=_items(2), ordered=st.just(False)),
    st.builds(ListBlock, items=_items(2), ordered=st.just(True), start=st.integers(0, 10**6)),
)
_speakers = st.builds(Speaker, name=_text, company=st.none() | _text)
_optional = st.none() | _text


@st.composite
def notebooks(draw: st.DrawFn) -> Notebook:
    """Notebooks with awkward text everywhere, empty days, talks without notes, repeated titles."""
    day_specs = draw(st.lists(st.lists(st.fixed_dictionaries({"title": _text}), max_size=4), max_size=4))
    titles = [talk["title"] for talks in day_specs for talk in talks]
    ids = iter(unique_ids(titles))
    days = []
    for talks in day_specs:
        built = []
        for spec in talks:
            talk_id = next(ids) if draw(st.booleans()) else draw(_line_free.filter(str.strip))
            built.append(
                Talk(
                    id=talk_id,
                    title=spec["title"],
                    blocks=tuple(draw(st.lists(_blocks, max_size=3))),
                    speakers=tuple(draw(st.lists(_speakers, max_size=2))),
                    track=draw(_optional),
                    date=draw(_optional),
                    start=draw(_optional),
                    end=draw(_optional),
                    room=draw(_optional),
                    links=tuple(draw(st.lists(_text, max_size=2))),
                )
            )
        days.append(Day(draw(_text), tuple(built)))
    # Ids are unique within a notebook; the reader would rename a repeat.
    seen: set[str] = set()
    for day_index, day in enumerate(days):
        fixed = []
        for talk in day.talks:
            if talk.id in seen:
                talk = Talk(**{**talk.__dict__, "id": f"{talk.id}-{len(seen)}-x"})
            seen.add(talk.id)
            fixed.append(talk)
        days[day_index] = Day(day.title, tuple(fixed))
    return Notebook(draw(_text), days=tuple(days), intro=tuple(draw(st.lists(_blocks, max_size=3))))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notebooks())
def test_generated_notebooks_round_trip(nb: Notebook) -> None:
    text = write_yaml(nb)
    assert without_lines(read_yaml(text)) == without_lines(nb), text


def test_json_export_reads_as_yaml_with_escaped_characters() -> None:
    nb = Notebook("Emoji 😀", days=(Day("day 1", (Talk("a", "Café 😀 \u2028 talk"),)),))
    again = read_yaml(json.dumps(notebook_to_dict(nb)), "export.json")
    assert again == nb
    bundled = qcon_tui.load()
    assert read_yaml(json.dumps(notebook_to_dict(bundled))) == bundled


def test_lone_surrogate_escape_becomes_a_replacement_character() -> None:
    nb = read_yaml('title: "half \\ud800 a character"\n')
    assert nb.title == "half \ufffd a character"
    nb.title.encode("utf-8")  # printable: no lone surrogate left
