"""The Markdown reader: days and talks come from the document's structure.

Each fixture in tests/fixtures/ is shaped like a real conference-notes file and covers
one construct; the tests assert the exact structure the reader must produce.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qcon_tui.formats import detect_format, load
from qcon_tui.formats.markdown import looks_like_markdown, parse_speakers, read_markdown
from qcon_tui.formats.text import title_from_path
from qcon_tui.model import (
    Code,
    Heading,
    ListBlock,
    Notebook,
    Paragraph,
    Quote,
    Span,
    Speaker,
    Table,
    iter_items,
)
from qcon_tui.paths import bundled_notes

FIXTURES = Path(__file__).parent / "fixtures"


def read(name: str) -> Notebook:
    """Load a fixture through the public loader, as the app does."""
    return load(FIXTURES / name)


def outline(notebook: Notebook) -> list[tuple[str, list[str]]]:
    """(day title, [talk titles]) for every day."""
    return [(day.title, [talk.title for talk in day.talks]) for day in notebook.days]


def all_strings(notebook: Notebook) -> list[str]:
    """Every string the model holds, for checks that no word was dropped."""
    out = [notebook.title]
    blocks = list(notebook.intro)
    for day in notebook.days:
        out.append(day.title)
        for talk in day.talks:
            out.append(talk.title)
            out.extend(s.label() for s in talk.speakers)
            out.extend(v for v in (talk.start, talk.end, talk.track, talk.room, talk.date) if v)
            blocks.extend(talk.blocks)
    for block in blocks:
        if isinstance(block, ListBlock):
            out.extend(item.text for _depth, item in iter_items(block.items))
            out.extend(s.target for _d, item in iter_items(block.items) for s in item.spans if s.target)
        else:
            out.append(block.text)
            out.extend(s.target for s in getattr(block, "spans", ()) if s.target)
        if isinstance(block, Code) and block.language:
            out.append(block.language)
    return out


def source_line(name: str, number: int) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8").split("\n")[number - 1]


# --------------------------------------------------------------------------- days and talks


def test_blog_post_with_day_headings_and_talk_subheadings() -> None:
    notebook = read("qcon-london-2019-notes.md")
    assert notebook.title == "qcon london 2019 notes"  # no title heading: from the file name
    assert outline(notebook) == [
        ("Day 1", ["Keynote: The Future of Software Engineering", "Serverless in Production"]),
        ("Day 2", ["Observability Beyond Logs"]),
    ]
    # Notes between a day heading and its first talk are not a talk: they join the
    # intro, under the day's name, so no word is lost.
    assert notebook.intro == (
        Heading("Day 1", level=1, line=1),
        Paragraph("Notes from the first day, written on the train home.", line=3),
    )


def test_a_day_with_notes_and_no_talks_keeps_them_as_one_talk() -> None:
    notebook = read_markdown("# Notes\n\n## Day 1\n\nall day long\n\n## Day 2\n\n### A Talk\n\nx\n")
    assert outline(notebook) == [("Day 1", ["Day 1"]), ("Day 2", ["A Talk"])]


def test_speaker_lines_become_metadata_and_leave_the_notes() -> None:
    notebook = read("qcon-london-2019-notes.md")
    keynote, serverless = notebook.days[0].talks
    assert keynote.speakers == (Speaker("Jane Doe", "Acme Corp"),)
    assert (keynote.start, keynote.end) == ("09:00", "09:50")
    assert serverless.speakers == (Speaker("John Smith"), Speaker("Ana Lopez", "Cloudy Ltd"))
    assert notebook.days[1].talks[0].speakers == (Speaker("Sam Lee"),)
    texts = [text for talk in notebook.talks for text in talk.texts()]
    assert not any("Speaker" in text or "09:00" in text for text in texts)


def test_deeper_headings_inside_a_talk_are_sub_headings() -> None:
    serverless = read("qcon-london-2019-notes.md").days[0].talks[1]
    assert serverless.blocks == (
        Paragraph("Lessons learned from running FaaS at scale.", line=18, spans=(Span(29, 33, "bold"),)),
        Heading("Cold starts", level=1, line=20),
        Paragraph("Keep functions small; warm them if you must.", line=22, spans=(Span(22, 26, "italic"),)),
    )


def test_dated_day_headings_at_the_level_of_the_document_title() -> None:
    notebook = read("conference-same-level.md")
    assert notebook.title == "Conference"
    assert notebook.intro == (Paragraph("My notes from DevConf.", line=3),)
    assert outline(notebook) == [
        ("Wednesday, April 5th, 2017", ["Opening Keynote", "Kotlin for Java Developers"]),
        ("Thursday, April 6th, 2017", ["Chaos Engineering"]),
    ]
    assert [day.line for day in notebook.days] == [5, 15]


def test_bold_lines_are_talks_when_no_heading_level_holds_talks() -> None:
    notebook = read("bold-talks.md")
    assert notebook.title == "QCon New York 2018 Recap"
    assert outline(notebook) == [
        ("Day 1", ["1. Building Resilient Systems", "2. Rust in Production"]),
        ("Day 2", ["1. Data Mesh Principles", "2. Closing Keynote"]),
    ]
    first = notebook.days[0].talks[0]
    assert first.speakers == (Speaker("Nora Jones", "Slack"),)
    assert first.line == 5
    (notes,) = first.blocks
    assert isinstance(notes, ListBlock)
    assert [item.text for item in notes.items] == ["failures are normal", "practice incident response"]
    assert notebook.days[0].talks[1].speakers == (Speaker("Alice Ryhl"), Speaker("Carl Lerche"))
    assert notebook.days[1].talks[1].blocks == (Paragraph("thanks everyone", line=21),)
    # Ids are slugs of the titles; the repeated numbering does not collide.
    assert [t.id for t in notebook.talks][:2] == ["1-building-resilient-systems", "2-rust-in-production"]


def test_bold_lines_under_talk_headings_are_sub_headings() -> None:
    text = "## Talk One\n\nintro\n\n**Key points**\n\n- a\n\n## Talk Two\n\n**Q&A**\n\nquestions"
    notebook = read_markdown(text)
    assert outline(notebook) == [("", ["Talk One", "Talk Two"])]
    assert notebook.talks[0].blocks[1] == Heading("Key points", level=1, line=5, spans=(Span(0, 10, "bold"),))
    assert notebook.talks[1].blocks[0] == Heading("Q&A", level=1, line=11, spans=(Span(0, 3, "bold"),))


def test_setext_headings() -> None:
    notebook = read("setext-days.md")
    assert notebook.title == "GOTO Berlin Notes"
    assert outline(notebook) == [
        ("Day 1", ["Microservices Patterns", "Event Sourcing in Practice"]),
        ("Day 2", ["Team Topologies"]),
    ]
    # A Setext heading's line is its text line, not the underline.
    talk = notebook.days[0].talks[0]
    assert talk.line == 7
    assert source_line("setext-days.md", talk.line) == "Microservices Patterns"


def test_bare_day_lines_split_days() -> None:
    text = "# Notes\n\nDay 1\n\n## First Talk\n\nnotes one\n\nDay 2\n\n## Second Talk\n\nnotes two\n"
    notebook = read_markdown(text)
    assert notebook.title == "Notes"
    assert outline(notebook) == [("Day 1", ["First Talk"]), ("Day 2", ["Second Talk"])]


def test_a_grouping_level_without_day_headings_sets_the_track_not_the_days() -> None:
    text = (
        "# Summit Notes\n\n## Architecture Track\n\n### Cell-Based Architecture\n\ncells\n\n"
        "### Event Storming\n\nstickies\n\n## Culture Track\n\n### Psychological Safety\n\ntrust\n"
    )
    notebook = read_markdown(text)
    assert notebook.title == "Summit Notes"
    assert outline(notebook) == [("", ["Cell-Based Architecture", "Event Storming", "Psychological Safety"])]
    assert [t.track for t in notebook.talks] == ["Architecture Track", "Architecture Track", "Culture Track"]


def test_a_grouping_level_under_days_sets_the_track() -> None:
    text = "# Day 1\n\n## Track: Performance\n\n### Mechanical Sympathy\n\ncaches\n\n### GC Tuning\n\nheap\n"
    notebook = read_markdown(text)
    assert outline(notebook) == [("Day 1", ["Mechanical Sympathy", "GC Tuning"])]
    assert {talk.track for talk in notebook.talks} == {"Track: Performance"}


def test_a_day_like_talk_title_inside_a_day_is_still_a_talk() -> None:
    text = "# Day 1\n\n## Day 2 Operations with Kubernetes\n\nupgrades\n\n## Other Talk\n\nmore\n"
    notebook = read_markdown(text)
    assert outline(notebook) == [("Day 1", ["Day 2 Operations with Kubernetes", "Other Talk"])]


def test_no_day_headings_gives_one_untitled_day() -> None:
    notebook = read("code-and-quotes.md")
    assert outline(notebook) == [("", ["Infrastructure as Code", "Second Talk"])]
    assert notebook.title == "code and quotes"


def test_a_file_without_any_structure_is_one_talk() -> None:
    notebook = read_markdown("just some thoughts\nabout the conference.\n", "/notes/random-thoughts.md")
    assert notebook.title == "random thoughts"
    assert outline(notebook) == [("", ["random thoughts"])]
    assert notebook.talks[0].blocks == (Paragraph("just some thoughts\nabout the conference.", line=1),)


def test_plain_paragraph_notes_read_as_markdown_find_title_lines() -> None:
    """The bundled plain-text notes, read as Markdown, still give the same talks."""
    text = bundled_notes().read_text(encoding="utf-8")
    notebook = read_markdown(text)
    assert [day.title for day in notebook.days] == ["day 1", "day 2", "day 3"]
    assert [t.title for t in notebook.talks] == [t.title for t in load(bundled_notes()).talks]


# --------------------------------------------------------------------------- front matter


def test_front_matter_title_and_body() -> None:
    notebook = read("front-matter.md")
    assert notebook.title == "Craft Conference 2018: my notes"
    assert notebook.intro == (Paragraph("These are my notes.", line=7),)
    assert outline(notebook) == [
        ("", ["Designing Data-Intensive Applications", "Domain-Driven Design Today"])
    ]
    assert notebook.talks[0].speakers == (Speaker("Martin Kleppmann", "University of Cambridge"),)
    assert notebook.talks[0].line == 9
    assert notebook.diagnostics == ()


def test_bad_front_matter_is_a_warning_not_a_crash() -> None:
    notebook = read("bad-front-matter.md")
    assert notebook.title == "bad front matter"
    assert outline(notebook) == [("", ["A Talk"])]
    assert notebook.talks[0].blocks == (Paragraph("Still readable.", line=8),)
    (warning,) = notebook.diagnostics
    assert warning.severity == "warning"
    assert "front matter" in warning.message
    assert warning.path == str(FIXTURES / "bad-front-matter.md")
    # Its text is not lost: it stays in the intro, verbatim.
    assert notebook.intro == (Code("title: [unclosed\ndate: : :", language="yaml", line=2),)


@pytest.mark.parametrize(
    "front", ["---\n- a list\n- not a mapping\n---\n", "---\n!!python/object:os.system x\n---\n"]
)
def test_front_matter_that_is_not_a_safe_mapping_is_refused(front: str) -> None:
    notebook = read_markdown(front + "\n## Talk\n\nbody\n")
    assert [t.title for t in notebook.talks] == ["Talk"]
    assert len(notebook.diagnostics) == 1


def test_unclosed_front_matter_is_read_as_notes() -> None:
    notebook = read_markdown("---\ntitle: x\n\n## Talk\n\nbody")
    assert [t.title for t in notebook.talks] == ["Talk"]
    assert [d.line for d in notebook.diagnostics] == [1]


# --------------------------------------------------------------------------- blocks


def test_nested_lists_with_two_and_four_space_indents() -> None:
    talk = read("lists.md").talks[0]
    bullets, numbers = talk.blocks
    assert isinstance(bullets, ListBlock) and not bullets.ordered
    tree = [(depth, item.text, item.line) for depth, item in iter_items(bullets.items)]
    assert tree == [
        (0, "top one", 3),
        (1, "two-space child", 4),
        (2, "grandchild with +", 5),
        (1, "star child", 6),
        (0, "top two", 7),
        (1, "four-space child", 8),
        (2, "four-space grandchild", 9),
        (0, "top three\ncontinued on the next line", 10),
    ]
    assert isinstance(numbers, ListBlock) and numbers.ordered and numbers.start == 1
    assert [item.text for item in numbers.items] == ["first step", "second step", "third step"]
    assert numbers.items[1].children[0].text == "detail under step two"
    assert numbers.line == 13


def test_list_item_lines_point_at_their_source() -> None:
    talk = read("lists.md").talks[0]
    for block in talk.blocks:
        assert isinstance(block, ListBlock)
        for _depth, item in iter_items(block.items):
            first = item.text.split("\n")[0]
            assert first in source_line("lists.md", item.line)


def test_fenced_code_keeps_comments_out_of_the_headings() -> None:
    notebook = read("code-and-quotes.md")
    assert [t.title for t in notebook.talks] == ["Infrastructure as Code", "Second Talk"]
    blocks = notebook.talks[0].blocks
    assert blocks[1] == Code("# comment that is not a heading\nterraform plan", language="bash", line=5)
    assert blocks[2] == Code(
        "def handler(event):\n    # also not a heading\n    return 42", "python", line=10
    )
    assert not any(isinstance(b, Heading) for b in blocks)


def test_blockquote_becomes_a_quote() -> None:
    blocks = read("code-and-quotes.md").talks[0].blocks
    assert blocks[3] == Quote("The best code is no code at all.\nWrite less of it.", line=16)


def test_unclosed_fence_reads_to_the_end_with_a_warning() -> None:
    notebook = read_markdown("## Talk\n\n```\n# not a heading\n## nor this\n")
    assert [t.title for t in notebook.talks] == ["Talk"]
    assert notebook.talks[0].blocks == (Code("# not a heading\n## nor this", line=3),)
    assert [d.line for d in notebook.diagnostics] == [3]


def test_indented_code_block() -> None:
    blocks = read_markdown("## Talk\n\nrun:\n\n    make test\n      -v\n\nafter\n").talks[0].blocks
    assert blocks == (
        Paragraph("run:", line=3),
        Code("make test\n  -v", line=5),
        Paragraph("after", line=8),
    )


# --------------------------------------------------------------------------- inline text


def test_entities_and_inline_markup_become_text_and_spans() -> None:
    notebook = read("entities-inline.md")
    first = notebook.talks[0]
    assert first.title == "Café & Code"
    assert [b.text for b in first.blocks] == [
        "Tom & Jerry’s talk about <html> tags.",
        "Use bold and emphasis and code_with_underscores and strong and em and snake_case_name.",
        "Read the docs and see diagram of the system.",
        "Autolink https://example.org and a <b>tag</b>.",  # HTML is shown, never interpreted
    ]
    markup = first.blocks[1]
    assert [(markup.text[s.start : s.end], s.style) for s in markup.spans] == [
        ("bold", "bold"),
        ("emphasis", "italic"),
        ("code_with_underscores", "code"),
        ("strong", "bold"),
        ("em", "italic"),
    ]
    links = first.blocks[2]
    assert [(links.text[s.start : s.end], s.target) for s in links.spans] == [
        ("the docs", "https://example.com/docs"),
        ("diagram of the system", "https://example.com/d.png"),
    ]
    # An image is its alt text, and its URL is among the talk's sources.
    assert first.links == ("https://example.com/d.png",)
    assert notebook.talks[1].blocks[0].text == "Escaped *not emphasis* stays."


def test_code_spans_keep_their_markup_and_entities() -> None:
    talk = read_markdown("## T\n\nuse `**kwargs` and `a &amp; b`").talks[0]
    assert talk.blocks[0].text == "use **kwargs and a &amp; b"


def test_reference_links_and_their_definitions_are_kept() -> None:
    notebook = read("references.md")
    assert outline(notebook) == [("", ["Links Talk", "Last Talk"])]
    links, last = notebook.talks
    assert links.blocks[0].text == "See the slides and video."
    assert [s.target for s in links.blocks[0].spans] == ["https://example.com/slides", "https://example.com/video"]
    assert last.blocks == (Paragraph("Wrap up.", line=7),)


def test_no_final_newline() -> None:
    raw = (FIXTURES / "references.md").read_bytes()
    assert not raw.endswith(b"\n")
    assert read("references.md").talks[-1].blocks[-1] == Paragraph("Wrap up.", line=7)


def test_markup_free_words_are_all_kept() -> None:
    for name in [
        "qcon-london-2019-notes.md",
        "bold-talks.md",
        "lists.md",
        "code-and-quotes.md",
        "references.md",
    ]:
        notebook = read(name)
        text = " ".join(all_strings(notebook)).lower()
        source = (FIXTURES / name).read_text(encoding="utf-8").lower()
        source = re.sub(r"\b(speakers?|time|track|room)\s*:", " ", source)
        for word in re.findall(r"[a-z]{2,}", source):
            assert word in text, (name, word)


# --------------------------------------------------------------------------- metadata


def test_time_slots_from_heading_prefixes_lines_and_fields() -> None:
    notebook = read("time-slots.md")
    assert notebook.title == "DevOps Days Notes"
    talks = notebook.days[0].talks
    assert [(t.title, t.start, t.end) for t in talks] == [
        ("Welcome and Keynote", "09:00", "09:45"),
        ("Scaling CI Pipelines", "10:35", "11:25"),
        ("Lightning Talks", "10:00", "10:30"),
        ("Monitoring Matters", "14:30", "15:15"),
    ]
    assert (talks[3].track, talks[3].room) == ("Operations", "Hall A")
    assert talks[3].blocks == (Paragraph("Graphs!", line=29),)
    # The slot line before "Lightning Talks" left the previous talk's notes.
    assert talks[1].blocks == (Paragraph("Parallelise everything.", line=13),)


def test_a_time_slot_heading_groups_the_talks_under_it() -> None:
    text = (
        "# Day 1\n\n## 10:35 - 11:25\n\n### Talk A\n\na\n\n### Talk B\n\nb\n\n"
        "## 11:50 - 12:40\n\n### Talk C\n\nc"
    )
    notebook = read_markdown(text)
    assert [(t.title, t.start, t.end) for t in notebook.talks] == [
        ("Talk A", "10:35", "11:25"),
        ("Talk B", "10:35", "11:25"),
        ("Talk C", "11:50", "12:40"),
    ]


@pytest.mark.parametrize(
    ("label", "names", "expected"),
    [
        ("Speaker", "Jane Doe (Acme)", (Speaker("Jane Doe", "Acme"),)),
        ("Speaker", "Jane Doe, Acme", (Speaker("Jane Doe", "Acme"),)),
        ("Speakers", "A (X, Inc), B and C", (Speaker("A", "X, Inc"), Speaker("B"), Speaker("C"))),
        ("Speakers", "Ann Lee & Bo Kim", (Speaker("Ann Lee"), Speaker("Bo Kim"))),
        ("Speaker", "Ian Cooper @ Just Eat", (Speaker("Ian Cooper", "Just Eat"),)),
    ],
)
def test_parse_speakers(label: str, names: str, expected: tuple[Speaker, ...]) -> None:
    assert parse_speakers(label, names) == expected


def test_bold_speaker_label_in_a_heading_talk() -> None:
    talk = read_markdown("## Talk\n\n**Speaker:** Ann Lee (Monzo)\n\nnotes").talks[0]
    assert talk.speakers == (Speaker("Ann Lee", "Monzo"),)
    assert talk.blocks == (Paragraph("notes", line=5),)


def test_a_speaker_line_later_in_the_notes_stays_a_note() -> None:
    talk = read_markdown("## Talk\n\nfirst note\n\nSpeaker: Bo\n").talks[0]
    assert talk.speakers == ()
    assert [b.text for b in talk.blocks] == ["first note", "Speaker: Bo"]


# --------------------------------------------------------------------------- lines and detection


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.md")))
def test_every_block_points_at_its_source_line(name: str) -> None:
    notebook = read(name)
    lines = (FIXTURES / name).read_text(encoding="utf-8").split("\n")
    blocks = list(notebook.intro) + [b for t in notebook.talks for b in t.blocks]
    assert blocks
    for block in blocks:
        assert 1 <= block.line <= len(lines)
        source = lines[block.line - 1]
        if isinstance(block, Code):
            assert source.lstrip().startswith(("```", "~~~", "    ")) or block.language == "yaml"
        elif isinstance(block, ListBlock):
            assert re.findall(r"\w+", block.items[0].text)[0] in source
        elif isinstance(block, Table):
            assert block.header[0].text in source
        else:
            first_word = re.findall(r"\w+", block.text)[0]
            assert first_word in source, (name, block)
    for talk in notebook.talks:
        assert re.findall(r"\w+", talk.title)[-1] in lines[talk.line - 1]


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.md")))
def test_fixtures_look_like_markdown_without_the_suffix(name: str) -> None:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    assert detect_format("notes.txt", text) == "markdown" or name in {"lists.md", "code-and-quotes.md"}
    assert looks_like_markdown(text) or name in {"lists.md", "code-and-quotes.md"}


def test_plain_text_notes_do_not_look_like_markdown() -> None:
    assert not looks_like_markdown(bundled_notes().read_text(encoding="utf-8"))
    assert not looks_like_markdown((FIXTURES / "devoxx-day-1.txt").read_text(encoding="utf-8"))
    assert not looks_like_markdown("title\n\n# one hash comment\n\nmore text\n")
    assert looks_like_markdown("# A\n\ntext\n\n## B\n")
    assert looks_like_markdown("Title\n=====\n\nDay 1\n=====\n")


def test_crlf_line_endings() -> None:
    notebook = read_markdown("# Day 1\r\n\r\n## Talk\r\n\r\nnotes\r\n")
    assert outline(notebook) == [("Day 1", ["Talk"])]
    assert notebook.talks[0].blocks == (Paragraph("notes", line=5),)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "# Day 1",
                "## Talk",
                "**Bold**",
                "- item",
                "  - child",
                "1. one",
                "```",
                "~~~",
                "> q",
                "---",
                "===",
                "text line",
                "",
                "Speaker: A (B)",
                "10:00 - 11:00",
                "[1]: http://x",
                "    code",
                "Day 2",
            ]
        )
        | st.text(max_size=20),
        max_size=30,
    )
)
def test_any_input_reads_without_crashing(lines: list[str]) -> None:
    notebook = read_markdown("\n".join(lines))
    for talk in notebook.talks:
        assert talk.id
    assert len({t.id for t in notebook.talks}) == len(notebook.talks)


def test_private_use_characters_in_text_are_kept_literally() -> None:
    """The reader's internal slot markers, if present in the input, stay plain text."""
    text = "# T\n\n## day 1\n\n### Talk\n\nx \ue0007\ue001 y `code` and \ue0000\ue001\n"
    notebook = read_markdown(text)
    (paragraph,) = notebook.talks[0].blocks
    assert paragraph.text == "x \ue0007\ue001 y code and \ue0000\ue001"


@pytest.mark.parametrize(
    ("path", "title"),
    [
        (None, "Notes"),
        ("", "Notes"),
        ("/notes/qcon-london_2017.md", "qcon london 2017"),
        ("goto--berlin__day.notes.md", "goto berlin day.notes"),
        ("/x/-_-.md", "Notes"),
        ("/x/.md", ".md"),
        ("/x/ spaced name .markdown", "spaced name"),
    ],
)
def test_a_file_without_a_title_is_named_after_its_file_like_plain_text(path: str | None, title: str) -> None:
    """Markdown and plain text both take a missing title from the file name, the same way."""
    assert read_markdown("- a bullet, no heading\n", path).title == title
    assert title_from_path(path) == title
