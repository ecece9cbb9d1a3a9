"""Schedule sidecar files: reading, matching talks by title, and loading beside the notes."""

from __future__ import annotations

from pathlib import Path

import pytest

import qcon_tui
from qcon_tui.formats import load
from qcon_tui.formats.schedule import (
    ScheduleEntry,
    ScheduleError,
    apply_schedule,
    parse_schedule,
    read_schedule,
    schedule_path_for,
)
from qcon_tui.model import Day, Notebook, Speaker, Talk

NOTES = """\
Conference notes

day 1

Scaling Facebook Live Videos to a Billion Users

they stream to a billion people.

Real World Java 9

modules, finally.

Engineering You

be a better engineer.
"""

FACEBOOK = "Scaling Facebook Live Videos to a Billion Users"


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    """A small plain-text notes file in its own folder, with no schedule yet."""
    path = tmp_path / "conf.txt"
    path.write_text(NOTES, encoding="utf-8")
    return path


def write_schedule(notes: Path, text: str) -> Path:
    """Write `text` as the schedule beside `notes`."""
    path = notes.with_name(notes.stem + ".schedule.yaml")
    path.write_text(text, encoding="utf-8")
    return path


def talk(notebook: Notebook, title: str) -> Talk:
    (found,) = [t for t in notebook.talks if t.title == title]
    return found


def notebook(*titles: str, source: str = "notes.txt") -> Notebook:
    """A notebook with one day holding talks of `titles`."""
    talks = tuple(Talk(id=f"t{index}", title=title, line=index) for index, title in enumerate(titles))
    return Notebook("Notes", days=(Day("day 1", talks),), source=source)


# --------------------------------------------------------------------------- finding


def test_schedule_path_for_finds_the_same_stem(notes: Path) -> None:
    assert schedule_path_for(notes) is None
    schedule = write_schedule(notes, "[]\n")
    assert schedule_path_for(notes) == schedule
    assert schedule_path_for(notes.with_suffix(".md")) == schedule
    assert schedule_path_for(schedule) is None
    assert schedule_path_for("/") is None


def test_schedule_path_for_accepts_yml(notes: Path) -> None:
    schedule = notes.with_name("conf.schedule.yml")
    schedule.write_text("[]\n", encoding="utf-8")
    assert schedule_path_for(notes) == schedule


# --------------------------------------------------------------------------- matching


def test_exact_match_fills_the_talk(notes: Path) -> None:
    write_schedule(
        notes,
        f"""\
- title: {FACEBOOK}
  speakers:
  - name: Sachin Kulkarni
    company: Facebook
  track: Architectures
  date: 2017-03-07
  start: 11:50
  end: 12:40
  room: Fleming
  links: [https://example.com/fb]
""",
    )
    nb = load(notes)
    fb = talk(nb, FACEBOOK)
    assert fb.speakers == (Speaker("Sachin Kulkarni", "Facebook"),)
    # Plain YAML 1.1 would read 11:50 as the base-60 number 710 and the date as a date.
    assert (fb.track, fb.date, fb.start, fb.end, fb.room) == (
        "Architectures",
        "2017-03-07",
        "11:50",
        "12:40",
        "Fleming",
    )
    assert fb.links == ("https://example.com/fb",)
    assert nb.diagnostics == ()
    assert talk(nb, "Engineering You").speakers == ()


def test_exact_match_ignores_case_and_spacing(notes: Path) -> None:
    write_schedule(notes, "- title: '  real   WORLD java 9 '\n  room: Whittle\n")
    nb = load(notes)
    assert talk(nb, "Real World Java 9").room == "Whittle"
    assert nb.diagnostics == ()


def test_ids_and_titles_do_not_change(notes: Path) -> None:
    before = [(t.id, t.title) for t in load(notes).talks]
    write_schedule(notes, "- title: scaling facebok live videos to a billion users\n  room: Fleming\n")
    assert [(t.id, t.title) for t in load(notes).talks] == before


@pytest.mark.parametrize(
    "title",
    ["Scaling Facebok Live Video to a Billion Users", "SCALING FACEBOOK LIVE-VIDEOS TO A BILLION USERS!"],
)
def test_fuzzy_match_is_applied_and_reported(notes: Path, title: str) -> None:
    schedule = write_schedule(notes, f"# facts\n- title: '{title}'\n  room: Fleming\n")
    nb = load(notes)
    assert talk(nb, FACEBOOK).room == "Fleming"
    (diagnostic,) = nb.diagnostics
    assert diagnostic.path == str(schedule)
    assert diagnostic.line == 2
    assert diagnostic.severity == "warning"
    assert diagnostic.message.startswith(f'matched "{title}" to talk "{FACEBOOK}"')


def test_fuzzy_match_never_crosses_a_number() -> None:
    nb = apply_schedule(notebook("Real World Java 9"), [ScheduleEntry("Real World Java 8", line=3, room="X")])
    assert nb.talks[0].room is None
    (diagnostic,) = nb.diagnostics
    assert diagnostic.line == 3
    assert diagnostic.message.startswith('no talk titled "Real World Java 8" in notes.txt (closest: ')


def test_fuzzy_match_refuses_a_different_talk() -> None:
    nb = apply_schedule(notebook("Kafka Internals"), [ScheduleEntry("Rust Internals", line=1, room="X")])
    assert nb.talks[0].room is None
    assert [d.message[:28] for d in nb.diagnostics] == ['no talk titled "Rust Interna']


def test_each_talk_is_matched_at_most_once() -> None:
    entries = [
        ScheduleEntry("Engineering Yu", line=1, room="fuzzy"),
        ScheduleEntry("Engineering You", line=2, room="exact"),
        ScheduleEntry("engineering you", line=3, room="again"),
    ]
    nb = apply_schedule(notebook("Engineering You"), entries, "s.yaml")
    assert nb.talks[0].room == "exact"
    messages = {d.line: d.message for d in nb.diagnostics}
    assert messages[1].startswith('no talk titled "Engineering Yu" in notes.txt (closest: "Engineering You"')
    assert messages[3] == 'talk "engineering you" is already described by the entry on line 2'
    assert all(d.path == "s.yaml" and d.severity == "warning" for d in nb.diagnostics)


def test_repeated_titles_are_matched_in_order() -> None:
    entries = [ScheduleEntry("Keynote", line=1, room="A"), ScheduleEntry("Keynote", line=2, room="B")]
    nb = apply_schedule(notebook("Keynote", "Keynote"), entries)
    assert [t.room for t in nb.talks] == ["A", "B"]
    assert nb.diagnostics == ()


def test_a_close_tie_is_not_guessed() -> None:
    nb = apply_schedule(
        notebook("Streaming at Scale Part A", "Streaming at Scale Part B"),
        [ScheduleEntry("Streaming at Scale Part", line=4, room="X")],
    )
    assert [t.room for t in nb.talks] == [None, None]
    (diagnostic,) = nb.diagnostics
    assert "close to several talks" in diagnostic.message


def test_notes_facts_are_kept_unless_the_schedule_gives_them() -> None:
    original = Talk(
        id="t",
        title="Engineering You",
        speakers=(Speaker("From Notes"),),
        room="Notes room",
        track="Notes track",
        links=("https://notes.example",),
    )
    nb = Notebook("N", days=(Day("d", (original,)),))
    entry = ScheduleEntry(
        "Engineering You",
        speakers=(Speaker("Martin Thompson"),),
        room="Fleming",
        links=("https://s.example",),
    )
    merged = apply_schedule(nb, [entry]).talks[0]
    assert merged.speakers == (Speaker("Martin Thompson"),)
    assert merged.room == "Fleming"
    assert merged.track == "Notes track"
    assert merged.links == ("https://notes.example", "https://s.example")


def test_markdown_facts_meet_the_schedule(tmp_path: Path) -> None:
    notes = tmp_path / "conf.md"
    notes.write_text(
        "# Conference\n\n## Day 1\n\n### Engineering You\n\nSpeaker: Martin Thompson\nRoom: Notes Room\n\n"
        "be a better engineer.\n\n### Real World Java 9\n\nSpeaker: Trisha Gee\n\nmodules.\n",
        encoding="utf-8",
    )
    write_schedule(
        notes,
        "- title: Engineering You\n  room: Fleming\n"
        "- title: Real World Java 9\n  speakers: [{name: Trisha Gee, company: JetBrains}]\n",
    )
    nb = load(notes)
    engineering = talk(nb, "Engineering You")
    assert engineering.speakers == (Speaker("Martin Thompson"),)  # from the notes
    assert engineering.room == "Fleming"  # the schedule's, in place of the notes'
    assert talk(nb, "Real World Java 9").speakers == (Speaker("Trisha Gee", "JetBrains"),)
    assert nb.diagnostics == ()


# --------------------------------------------------------------------------- reading


def test_unmatched_entry_reports_its_line(notes: Path) -> None:
    schedule = write_schedule(
        notes,
        """\
# a comment
talks:
  - title: Engineering You
    room: Fleming

  - room: Churchill
    title: Something Else Entirely
""",
    )
    nb = load(notes)
    assert talk(nb, "Engineering You").room == "Fleming"
    (diagnostic,) = nb.diagnostics
    assert diagnostic.path == str(schedule)
    assert diagnostic.line == 6
    assert diagnostic.severity == "warning"
    assert diagnostic.message == 'no talk titled "Something Else Entirely" in conf.txt'


def test_read_schedule_entries(tmp_path: Path) -> None:
    path = tmp_path / "x.schedule.yaml"
    path.write_text(
        """\
- title: A Talk
  speakers: [Ada Lovelace, {name: Grace Hopper, company: US Navy}]
  start: 9:05
  links: https://example.com/a
- title: Another
  track: ~
""",
        encoding="utf-8",
    )
    assert read_schedule(path) == [
        ScheduleEntry(
            "A Talk",
            line=1,
            speakers=(Speaker("Ada Lovelace"), Speaker("Grace Hopper", "US Navy")),
            start="09:05",
            links=("https://example.com/a",),
        ),
        ScheduleEntry("Another", line=5),
    ]


def test_empty_schedule_is_no_entries(tmp_path: Path) -> None:
    path = tmp_path / "x.schedule.yaml"
    for text in ("", "# nothing yet\n", "talks:\n", "[]"):
        path.write_text(text, encoding="utf-8")
        assert read_schedule(path) == []


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("- title: A\n  room: [unclosed\n", 3, "invalid YAML"),
        ("- just a string\n- another\n", 1, "a talk entry is a mapping"),
        ("- !!python/object:os.system {title: A}\n", 1, "tagged tag:yaml.org,2002:python/object:os.system"),
        ("- title: A\n  room: !!python/name:os.system ''\n", 2, "must be text"),
        ("- title: A\n  date: 7 March 2017\n", 2, "must be a date YYYY-MM-DD"),
        ("- title: A\n  date: 2017-02-30\n", 2, "must be a date YYYY-MM-DD"),
        ("- title: A\n  start: 25:00\n", 2, "must be a time HH:MM"),
        ("- title: A\n  speaker: Ada\n", 2, 'unknown key "speaker"'),
        ("- title: A\n  title: B\n", 2, "given twice"),
        ("- title: A\n  speakers: Ada\n", 2, "speakers must be a list"),
        ("- title: A\n  speakers: [{company: X}]\n", 2, "a speaker needs a name"),
        ("- room: X\n", 1, "needs a title"),
        ("title: A\n", 1, 'needs a "talks:" list'),
        ("just text\n", 1, "a schedule is a list of talks"),
    ],
)
def test_malformed_schedule_is_one_error(notes: Path, text: str, line: int, words: str) -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_schedule(text, "s.yaml")
    assert words in caught.value.message
    assert caught.value.line == line

    schedule = write_schedule(notes, text)
    nb = load(notes)
    assert [t.title for t in nb.talks] == [FACEBOOK, "Real World Java 9", "Engineering You"]
    assert all(not t.speakers and t.room is None and t.date is None for t in nb.talks)
    (diagnostic,) = nb.diagnostics
    assert (diagnostic.severity, diagnostic.path, diagnostic.line) == ("error", str(schedule), line)
    assert "\n" not in diagnostic.message


def test_schedule_that_is_not_text_is_an_error(notes: Path) -> None:
    write_schedule(notes, "")
    notes.with_name("conf.schedule.yaml").write_bytes(b"- title: \xff\xfe\n")
    nb = load(notes)
    (diagnostic,) = nb.diagnostics
    assert diagnostic.severity == "error"
    assert "not valid UTF-8" in diagnostic.message


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    with pytest.raises(ScheduleError, match="invalid YAML"):
        parse_schedule("[" * 100_000 + "]" * 100_000)


def test_control_characters_are_made_harmless(notes: Path) -> None:
    write_schedule(notes, '- title: "Engineering You"\n  room: "\\e]2;pwned\\a"\n- title: "\\e[2JX"\n')
    nb = load(notes)
    assert "\x1b" not in talk(nb, "Engineering You").room
    assert all("\x1b" not in d.message for d in nb.diagnostics)


# --------------------------------------------------------------------------- the bundled notes


def test_bundled_notes_carry_the_schedule() -> None:
    nb = qcon_tui.load()
    assert nb.diagnostics == ()
    fb = talk(nb, FACEBOOK)
    assert fb.speakers == (Speaker("Sachin Kulkarni", "Facebook"),)
    assert fb.track == "Architectures You've Always Wondered About"
    assert (fb.date, fb.start, fb.end) == ("2017-03-07", "11:50", "12:40")
    assert fb.room == "Fleming, 3rd flr."
    assert fb.links

    uber = talk(nb, "Enabling Innovation at Uber Speed")
    assert uber.speakers == ()
    assert (uber.track, uber.date, uber.start, uber.end, uber.room) == (None,) * 5
    assert uber.links == ()


def test_every_bundled_entry_matches_exactly() -> None:
    from qcon_tui.paths import bundled_notes

    entries = read_schedule(schedule_path_for(bundled_notes()))
    assert len(entries) == len(qcon_tui.load().talks) == 20


def test_export_dict_has_speakers_and_omits_absent_facts() -> None:
    serialize = pytest.importorskip("qcon_tui.formats.serialize")
    data = serialize.notebook_to_dict(qcon_tui.load())
    talks = {t["title"]: t for day in data["days"] for t in day["talks"]}
    fb = talks[FACEBOOK]
    assert fb["speakers"] == [{"name": "Sachin Kulkarni", "company": "Facebook"}]
    assert fb["room"] == "Fleming, 3rd flr."
    assert (fb["date"], fb["start"], fb["end"]) == ("2017-03-07", "11:50", "12:40")
    uber = talks["Enabling Innovation at Uber Speed"]
    for key in ("speakers", "track", "date", "start", "end", "room", "links"):
        assert key not in uber


def test_yaml_round_trip_keeps_the_schedule_facts() -> None:
    yamlfmt = pytest.importorskip("qcon_tui.formats.yamlfmt")
    nb = qcon_tui.load()
    again = yamlfmt.read_yaml(yamlfmt.write_yaml(nb))
    fields = ("id", "title", "speakers", "track", "date", "start", "end", "room", "links")
    assert [[getattr(t, f) for f in fields] for t in again.talks] == [
        [getattr(t, f) for f in fields] for t in nb.talks
    ]
