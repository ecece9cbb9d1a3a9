"""Inline spans and tables: read from Markdown, rendered by Rich, written and read back."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console, RenderableType

from qcon_tui.formats import load
from qcon_tui.formats.markdown import read_markdown
from qcon_tui.formats.markdown_writer import write_markdown
from qcon_tui.formats.serialize import notebook_from_dict, notebook_to_dict
from qcon_tui.formats.yamlfmt import read_yaml, write_yaml
from qcon_tui.model import ListBlock, Paragraph, Span, Table, without_lines
from qcon_tui.render import render_talk
from qcon_tui.search import SearchIndex

FIXTURE = Path(__file__).parent / "fixtures" / "inline-spans.md"


def segments(renderable: RenderableType, width: int = 80) -> list[tuple[str, object]]:
    console = Console(width=width, file=io.StringIO(), color_system="truecolor")
    return [(seg.text, seg.style) for seg in console.render(renderable, console.options.update_width(width))]


def plain(renderable: RenderableType, width: int = 80) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]


def test_spans_are_data_over_the_text() -> None:
    talk = load(FIXTURE).talks[0]
    assert talk.title == "Fast Builds with make"
    para = talk.blocks[0]
    assert isinstance(para, Paragraph)
    assert para.text == "Keep builds fast, repeatable and slow cached; see the guide."
    assert [(para.text[s.start : s.end], s.style, s.target) for s in para.spans] == [
        ("fast", "bold", None),
        ("repeatable", "italic", None),
        ("slow", "strike", None),
        ("the guide", "link", "https://example.org/guide"),
    ]
    items = talk.blocks[1]
    assert isinstance(items, ListBlock)
    nested = items.items[1]
    assert [(nested.text[s.start : s.end], s.style) for s in nested.spans] == [
        ("the whole log", "bold"),
        ("whole", "italic"),
    ]
    table = talk.blocks[2]
    assert isinstance(table, Table)
    assert [cell.text for cell in table.header] == ["Tool", "Time"]
    assert table.align == ("left", "right")
    assert [[cell.text for cell in row] for row in table.rows] == [["make", "3 s"], ["ninja", "1 s"]]
    assert table.rows[1][0].spans == (Span(0, 5, "link", "https://example.org/ninja"),)
    # The image is its alt text, and its URL is among the talk's sources.
    assert talk.blocks[3] == Paragraph(
        "a build graph", line=21, spans=(Span(0, 13, "link", "https://example.org/graph.png"),)
    )
    assert talk.links == ("https://example.org/graph.png",)


def test_show_renders_bold_code_links_and_tables() -> None:
    notebook = load(FIXTURE)
    talk = notebook.talks[0]
    segs = segments(render_talk(notebook, talk), width=120)
    styled = {text: style for text, style in segs}
    assert styled["fast"].bold
    assert styled["repeatable"].italic
    assert styled["slow"].strike
    text = "".join(t for t, _s in segs)
    assert "the guide (https://example.org/guide)" in text
    assert any(t == "make -j8" and s.color is not None for t, s in segs)
    assert "ninja (https://example.org/ninja)" in text
    assert "**" not in text and "|" not in text


def test_a_table_wraps_in_a_narrow_pane() -> None:
    text = "## T\n\n| Name | Notes |\n|---|---|\n| alpha | " + "word " * 30 + "|\n"
    talk = read_markdown(text).talks[0]
    shown = plain(render_talk(read_markdown(text), talk), width=32)
    assert all(len(line) <= 32 for line in shown.splitlines())
    assert shown.count("word") == 30


def test_search_finds_words_inside_spans_and_highlights_them() -> None:
    notebook = load(FIXTURE)
    hits = SearchIndex(notebook).search("repeatable")
    assert hits and hits[0].talk.id == notebook.talks[0].id
    span = next(s for s in hits[0].spans if s.field == "notes")
    para = notebook.talks[0].blocks[span.block]
    assert para.text[span.start : span.end].lower() == "repeatable"
    cell_hits = SearchIndex(notebook).search("ninja")
    cell = next(s for s in cell_hits[0].spans if s.field == "notes")
    assert isinstance(notebook.talks[0].blocks[cell.block], Table)


def test_markdown_export_reads_back_to_the_same_model() -> None:
    notebook = load(FIXTURE)
    again = read_markdown(write_markdown(notebook), "again.md")
    assert without_lines(again.days) == without_lines(notebook.days)
    assert without_lines(again.intro) == without_lines(notebook.intro)


def test_yaml_and_json_round_trips_keep_spans_and_tables() -> None:
    notebook = load(FIXTURE)
    from_yaml = read_yaml(write_yaml(notebook), "x.yaml")
    assert without_lines(from_yaml.days) == without_lines(notebook.days)
    data = json.loads(json.dumps(notebook_to_dict(notebook)))
    assert without_lines(notebook_from_dict(data).days) == without_lines(notebook.days)


@pytest.mark.parametrize(
    "spans",
    [
        [{"start": 0, "end": 99, "style": "bold"}],
        [{"start": 0, "end": 1, "style": "blink"}],
        [{"start": 3, "end": 1, "style": "bold"}],
    ],
)
def test_bad_spans_in_structured_notes_are_refused(spans: list[dict]) -> None:
    from qcon_tui.formats import NotesError

    data = {"title": "T", "days": [{"title": "", "talks": [{"title": "x", "notes": []}]}]}
    data["days"][0]["talks"][0]["notes"] = [{"type": "paragraph", "text": "abc", "spans": spans}]
    with pytest.raises(NotesError):
        notebook_from_dict(data)


def test_markdown_export_keeps_facts_on_separate_lines() -> None:
    notebook = load(FIXTURE)
    text = write_markdown(notebook)
    assert "Speaker: Ann Example (Acme)\\\nTrack: Tooling\\\nRoom: Hall B\\\n" in text
    again = read_markdown(text)
    first = again.talks[0]
    assert (first.speakers[0].name, first.track, first.room) == ("Ann Example", "Tooling", "Hall B")


def test_written_spans_survive_markup_characters_in_the_text() -> None:
    para = Paragraph("a *star* and `tick` in [code] x", spans=(Span(14, 18, "code"), Span(23, 29, "bold")))
    from qcon_tui.model import Day, Notebook, Talk

    nb = Notebook("N", days=(Day("", (Talk("t", "T", blocks=(para,)),)),))
    back = read_markdown(write_markdown(nb)).talks[0].blocks[0]
    assert without_lines(back) == para
