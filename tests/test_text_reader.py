"""The plain-text reader: the bundled QCon notes, paragraph notes and outlines."""

from __future__ import annotations

import re
from pathlib import Path

import qcon_tui
from qcon_tui.formats import detect_format, load
from qcon_tui.formats.text import read_text_notes
from qcon_tui.model import Code, ListBlock, Notebook, Paragraph, iter_items
from qcon_tui.paths import bundled_notes
from tests.helpers import BUNDLED_TITLES

FIXTURES = Path(__file__).parent / "fixtures"


def bundled() -> Notebook:
    return qcon_tui.load()


def bundled_lines() -> list[str]:
    return bundled_notes().read_text(encoding="utf-8").split("\n")


def all_blocks(notebook: Notebook) -> list:
    return list(notebook.intro) + [block for talk in notebook.talks for block in talk.blocks]


# --------------------------------------------------------------------------- the bundled notes


def test_bundled_notes_are_read_as_plain_text() -> None:
    path = bundled_notes()
    assert detect_format(path, path.read_text(encoding="utf-8")) == "text"


def test_bundled_title_days_and_talks() -> None:
    notebook = bundled()
    assert notebook.title == "QCon London 2017 takeaway points"
    assert [day.title for day in notebook.days] == ["day 1", "day 2", "day 3"]
    assert [len(day.talks) for day in notebook.days] == [7, 7, 6]
    assert [talk.title for talk in notebook.talks] == BUNDLED_TITLES
    assert notebook.diagnostics == ()


def test_bundled_intro_comes_before_day_one() -> None:
    notebook = bundled()
    first = notebook.intro[0]
    assert isinstance(first, Paragraph)
    assert first.text.split("\n")[:4] == ["qcon london 2017"] * 4
    assert first.line == 3
    assert all(block.line < notebook.days[0].line for block in notebook.intro)
    assert notebook.days[0].line == 19


def test_bundled_bullets_are_an_unordered_list() -> None:
    bullets = bundled().intro[-1]
    assert isinstance(bullets, ListBlock) and not bullets.ordered
    assert [item.text for item in bullets.items][:2] == [
        "key topic: performance",
        "keywords: serverless, automation, scaling, iot, containers, git, devops, ci, mobile, javascript",
    ]
    assert len(bullets.items) == 5
    assert bullets.line == 13


def test_bundled_numbered_items_are_ordered_lists() -> None:
    talk = bundled().talk("avoiding-alerts-overload-from-microservices")
    assert talk is not None
    ordered = [b for b in talk.blocks if isinstance(b, ListBlock) and b.ordered]
    assert [b.items[0].text for b in ordered] == [
        "build a system that you can support.",
        "concentrate on the stuff that matters",
        "cultivate your alerts",
    ]
    assert all(b.start == 1 for b in ordered)
    assert any(isinstance(b, ListBlock) and not b.ordered for b in talk.blocks)


def test_bundled_line_ending_in_a_colon_is_kept_as_is() -> None:
    talk = bundled().talk("continuous-performance-testing")
    assert talk is not None
    assert talk.blocks[-1] == Paragraph("different types of benchmarks and when they make sense:", line=105)


def test_bundled_talk_without_notes_and_last_paragraph() -> None:
    notebook = bundled()
    empty = notebook.days[2].talks[0]
    assert empty.title == "Our Concurrent Past; Our Distributed Future"
    assert empty.blocks == ()
    last = notebook.talks[-1]
    assert last.blocks[-1] == Paragraph("Simons stuff", line=359)


def test_bundled_every_line_number_points_at_its_source_line() -> None:
    notebook = bundled()
    lines = bundled_lines()
    for day in notebook.days:
        assert lines[day.line - 1] == day.title
    for talk in notebook.talks:
        assert lines[talk.line - 1] == talk.title
    for block in all_blocks(notebook):
        if isinstance(block, ListBlock):
            for _depth, item in iter_items(block.items):
                assert lines[item.line - 1].strip().endswith(item.text.split("\n")[0])
        else:
            assert lines[block.line - 1].strip() == block.text.split("\n")[0].strip()


def test_bundled_every_word_is_kept() -> None:
    notebook = bundled()
    texts = [notebook.title, *(d.title for d in notebook.days)]
    texts += [t.title for t in notebook.talks]
    for block in all_blocks(notebook):
        if isinstance(block, ListBlock):
            texts += [item.text for _d, item in iter_items(block.items)]
        else:
            texts.append(block.text)
    kept = "\n".join(texts).split()
    # Bullets and item numbers are markup; every other word must survive.
    source = " ".join(re.sub(r"^\s*(?:•|\d+\.)\s", " ", line) for line in bundled_lines()).split()
    assert sorted(kept) == sorted(source)


# --------------------------------------------------------------------------- paragraph notes


def test_weekday_days_and_title_lines() -> None:
    notebook = load(FIXTURES / "devoxx-2018.txt")
    assert notebook.title == "Devoxx Notes"
    assert [(d.title, [t.title for t in d.talks]) for d in notebook.days] == [
        ("Monday", ["Monday", "Java Performance Tuning"]),
        ("Tuesday", ["Reactive Streams Explained"]),
    ]
    # Notes between a day line and its first talk stay in that day.
    assert notebook.intro == ()
    assert notebook.days[0].talks[0].blocks == (Paragraph("It rained all morning.", line=5),)


def test_nested_bullets_and_numbers_in_paragraph_notes() -> None:
    notebook = load(FIXTURES / "devoxx-2018.txt")
    java = notebook.days[0].talks[1]
    bullets = java.blocks[1]
    assert isinstance(bullets, ListBlock) and not bullets.ordered
    assert [(d, i.text, i.line) for d, i in iter_items(bullets.items)] == [
        (0, "measure first", 11),
        (1, "use jmh", 12),
        (0, "then optimise", 13),
    ]
    numbers = notebook.days[1].talks[0].blocks[1]
    assert isinstance(numbers, ListBlock) and numbers.ordered
    assert [i.text for i in numbers.items] == ["publisher", "subscriber"]


def test_notes_without_day_lines_give_one_untitled_day() -> None:
    notebook = read_text_notes("Notes Title\n\nFirst Talk\n\na note.\n\nSecond Talk\n\nanother note.")
    assert notebook.title == "Notes Title"
    assert [(d.title, [t.title for t in d.talks]) for d in notebook.days] == [
        ("", ["First Talk", "Second Talk"])
    ]


# --------------------------------------------------------------------------- outlines


def test_tab_outline_one_file_per_day() -> None:
    path = FIXTURES / "devoxx-day-1.txt"
    assert detect_format(path, path.read_text(encoding="utf-8")) == "text"
    notebook = load(path)
    assert notebook.title == "devoxx day 1"
    assert [(d.title, [t.title for t in d.talks]) for d in notebook.days] == [
        ("", ["Opening Keynote", "Microservices Migration", "Closing Panel"])
    ]
    assert notebook.intro == ()
    assert [t.line for t in notebook.talks] == [1, 5, 10]


def test_tab_outline_notes_nest_by_indentation() -> None:
    first, second, _third = load(FIXTURES / "devoxx-day-1.txt").talks
    (notes,) = first.blocks
    assert isinstance(notes, ListBlock)
    assert [(d, i.text, i.line) for d, i in iter_items(notes.items)] == [
        (0, "the future is distributed", 2),
        (1, "consensus is hard", 3),
        (0, "latency matters", 4),
    ]
    (notes,) = second.blocks
    assert [(d, i.text) for d, i in iter_items(notes.items)] == [
        (0, "start small"),
        (0, "measure everything"),
        (1, "latency"),
        (1, "errors"),
    ]


def test_outline_with_day_lines() -> None:
    notebook = read_text_notes("Day 1\nKeynote\n\tinspiring\n\tfunny\nDay 2\nPanel\n\tdebate\n\tconsensus\n")
    assert [(d.title, [t.title for t in d.talks]) for d in notebook.days] == [
        ("Day 1", ["Keynote"]),
        ("Day 2", ["Panel"]),
    ]


def test_outline_without_a_path_is_titled_notes() -> None:
    notebook = read_text_notes("Talk A\n\tone\n\ttwo\nTalk B\n\tthree\n")
    assert notebook.title == "Notes"
    assert [t.title for t in notebook.talks] == ["Talk A", "Talk B"]
    assert not any(isinstance(b, Code) for t in notebook.talks for b in t.blocks)


def test_an_outline_whose_first_line_is_a_talk_keeps_it_as_a_talk() -> None:
    """Indented notes after the first line make it a talk, not the notebook's title."""
    notebook = load(Path(__file__).parent / "fixtures" / "tab-outline.txt")
    assert notebook.title == "tab outline"
    assert [talk.title for talk in notebook.talks] == ["Opening Keynote", "Storage Engines", "Closing Panel"]
    assert [item.text for item in notebook.talks[0].blocks[0].items] == ["first note", "second note"]


def test_a_lone_first_line_followed_by_indented_notes_is_a_talk_in_paragraph_notes() -> None:
    text = "Opening Keynote\n\n    an indented note\n\nSecond Talk\n\nplain words\nand more words\nand more\n"
    notebook = read_text_notes(text, "conf.txt")
    assert notebook.title == "conf"
    assert notebook.talks[0].title == "Opening Keynote"
