"""Writers read back by their readers: plain text and Markdown keep the days and talks."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qcon_tui
from qcon_tui.formats import markdown
from qcon_tui.formats.markdown_writer import write_markdown
from qcon_tui.formats.text import read_text_notes, write_text_notes
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

needs_markdown_reader = pytest.mark.skipif(
    "placeholder" in (markdown.__doc__ or ""), reason="the Markdown reader is still the placeholder"
)


def _outline(nb: Notebook) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(day.title, [(talk.id, talk.title) for talk in day.talks]) for day in nb.days]


# --------------------------------------------------------------------------- plain text


def test_text_writer_round_trip_on_bundled_notes() -> None:
    nb = qcon_tui.load()
    again = read_text_notes(write_text_notes(nb), "again.txt")
    assert again.title == nb.title
    assert _outline(again) == _outline(nb)


# --------------------------------------------------------------------------- Markdown layout

SAMPLE = Notebook(
    "Conference notes",
    intro=(Paragraph("Before the first day."),),
    days=(
        Day(
            "day 1",
            (
                Talk(
                    "keynote-big-ideas",  # Markdown has no ids: they come from the titles
                    "Keynote: *Big* Ideas",
                    speakers=(Speaker("Ada Lovelace", "Analytical Engines"),),
                    track="Main",
                    start="09:00",
                    end="09:45",
                    blocks=(
                        Heading("Part one", 1),
                        ListBlock(
                            (
                                ListItem("first", children=(ListItem("nested"),)),
                                ListItem(
                                    "second", children=(ListItem("a"), ListItem("b")), ordered_children=True
                                ),
                            )
                        ),
                        ListBlock((ListItem("three"), ListItem("four")), ordered=True, start=3),
                        Code("def f():\n    return 1", "python"),
                        Quote("said it\ntwice"),
                    ),
                ),
                Talk("panel", "Panel", speakers=(Speaker("Bob"), Speaker("Eve", "Acme"))),
            ),
        ),
        Day("day 2"),
    ),
)


def test_markdown_layout() -> None:
    text = write_markdown(SAMPLE)
    assert text.startswith("# Conference notes\n\nBefore the first day.\n\n## day 1\n\n")
    # Facts end in hard breaks, so any CommonMark renderer keeps them on separate lines.
    facts = "Speaker: Ada Lovelace (Analytical Engines)\\\nTrack: Main\\\n"
    assert "### Keynote: \\*Big\\* Ideas\n\n" + facts in text
    assert "Time: 09:00 - 09:45\n" in text
    assert "#### Part one\n" in text
    assert "- first\n  - nested\n- second\n  1. a\n  2. b\n" in text
    assert "3. three\n4. four\n" in text
    assert "```python\ndef f():\n    return 1\n```\n" in text
    assert "> said it\n> twice\n" in text
    assert "### Panel\n\nSpeakers: Bob, Eve (Acme)\n" in text
    assert text.endswith("## day 2\n")


@needs_markdown_reader
def test_markdown_round_trip_keeps_structure_facts_and_notes() -> None:
    again = markdown.read_markdown(write_markdown(SAMPLE), "sample.md")
    assert again.title == SAMPLE.title
    assert _outline(again) == _outline(SAMPLE)
    assert without_lines(again.intro) == SAMPLE.intro
    for talk, back in zip(SAMPLE.talks, again.talks, strict=True):
        assert (back.speakers, back.track, back.start, back.end) == (
            talk.speakers,
            talk.track,
            talk.start,
            talk.end,
        )
        assert without_lines(back.blocks) == talk.blocks


@needs_markdown_reader
def test_markdown_round_trip_on_bundled_notes() -> None:
    nb = qcon_tui.load()
    again = markdown.read_markdown(write_markdown(nb), "again.md")
    assert again.title == nb.title
    assert _outline(again) == _outline(nb)
    assert again.diagnostics == ()
    assert without_lines(again.intro) == without_lines(nb.intro)
    for talk, back in zip(nb.talks, again.talks, strict=True):
        assert back.speakers == talk.speakers
        # Links are written as a "Links:" fact line, which reads back as the links.
        assert back.links == talk.links
        assert without_lines(back.blocks) == without_lines(talk.blocks)


@needs_markdown_reader
def test_day_like_title_goes_to_front_matter() -> None:
    nb = Notebook("Monday", days=(Day("day 1", (Talk("talk", "Talk"),)),))
    text = write_markdown(nb)
    assert text.startswith("---\ntitle: 'Monday'\n---\n")
    again = markdown.read_markdown(text, "x.md")
    assert again.title == "Monday" and _outline(again) == _outline(nb)


# --------------------------------------------------------------------------- escaping

# Pieces of text that Markdown would read as markup.
_PIECES = [
    *"ab Z9#*_[]()<>&`~\\!|:-=+.•",
    "&amp;",
    "&#96;",
    "<b>",
    "<br>",
    "**",
    "__",
    "~~",
    "`x`",
    "[a](b)",
    "![i](u)",
    "<http://x>",
    "1. ",
    "2) ",
    "- ",
    "* ",
    "# ",
    "> ",
    "---",
    "===",
    "```",
    "snake_case",
    "[ref]: http://x",
    "| --- | --- |",
]
_line = (
    st.lists(st.sampled_from(_PIECES), min_size=1, max_size=8)
    .map(lambda parts: " ".join("".join(parts).split()))
    # A title ending like a sentence is notes to the reader; a line ending in a
    # backslash is a Markdown hard line break.
    .filter(lambda text: text and text[-1] not in ".,;:\\")
)


@needs_markdown_reader
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_line, min_size=1, max_size=3), min_size=1, max_size=3), st.lists(_line, max_size=3))
def test_markup_in_titles_and_notes_reads_back_as_text(titles: list[list[str]], lines: list[str]) -> None:
    ids = iter(unique_ids([title for day in titles for title in day]))
    blocks = (Paragraph("\n".join(lines)), Quote("\n".join(lines)), ListBlock(tuple(map(ListItem, lines))))
    nb = Notebook(
        "Notes",
        days=tuple(
            Day(f"day {number}", tuple(Talk(next(ids), title, blocks if lines else ()) for title in day))
            for number, day in enumerate(titles, 1)
        ),
    )
    text = write_markdown(nb)
    again = markdown.read_markdown(text, "x.md")
    assert _outline(again) == _outline(nb), text
    for talk, back in zip(nb.talks, again.talks, strict=True):
        assert without_lines(back.blocks) == talk.blocks, text
