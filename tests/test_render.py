"""The Rich rendering of talks, days and the intro (shared by the pane and `qcon-tui show`)."""

from __future__ import annotations

import io

import pytest
from rich.console import Console, RenderableType

import qcon_tui
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
)
from qcon_tui.render import (
    CURRENT_STYLE,
    MATCH_STYLE,
    URL_STYLE,
    current_match_line,
    date_label,
    position_label,
    render_day,
    render_intro,
    render_talk,
    when_label,
)
from qcon_tui.search import SearchIndex, Span


def plain(renderable: RenderableType, width: int = 60) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None, record=True)
    console.print(renderable)
    return "\n".join(line.rstrip() for line in console.export_text().splitlines())


def segments(renderable: RenderableType, width: int = 60) -> list[tuple[str, object]]:
    console = Console(width=width, file=io.StringIO(), color_system="truecolor")
    return [(seg.text, seg.style) for seg in console.render(renderable, console.options.update_width(width))]


def full_talk() -> Talk:
    return Talk(
        id="scaling",
        title="Scaling Facebook Live",
        speakers=(Speaker("Sachin Kulkarni", "Facebook"), Speaker("Ann Other")),
        track="Architectures You've Always Wondered About",
        date="2017-03-07",
        start="11:50",
        end="12:40",
        room="Fleming, 3rd flr.",
        links=("https://example.com/slides",),
        blocks=(
            Paragraph("first line\nsecond line kept as the author wrote it"),
            Heading("Lessons", level=2),
            ListBlock(
                (
                    ListItem(
                        "top item that is long enough to wrap onto a second line at this width",
                        children=(ListItem("nested one"), ListItem("nested two")),
                    ),
                    ListItem("another top item"),
                )
            ),
            ListBlock((ListItem("first"), ListItem("second")), ordered=True, start=3),
            Code("print('[bold]')\nx = 1", language="python"),
            Quote("a quote from the talk"),
            Paragraph("see https://example.com/page, and more."),
        ),
    )


def wrap(*talks: Talk, day_title: str = "day 2") -> Notebook:
    return Notebook("Notes", days=(Day(day_title, talks),))


def test_header_shows_title_position_and_every_known_fact() -> None:
    talk = full_talk()
    other = Talk(id="x", title="Other")
    text = plain(render_talk(wrap(other, talk, other), talk), width=80)
    lines = text.splitlines()
    assert lines[0] == "Scaling Facebook Live"
    assert lines[1] == "day 2 · talk 2 of 3"
    assert "Sachin Kulkarni (Facebook), Ann Other" in text
    assert "Architectures You've Always Wondered About" in text
    assert "Tuesday 7 March 2017 · 11:50–12:40 · Fleming, 3rd flr." in text
    assert "Sources" in text and "https://example.com/slides" in text


def test_unknown_facts_show_nothing() -> None:
    talk = Talk(id="bare", title="Bare Talk", blocks=(Paragraph("words"),))
    text = plain(render_talk(wrap(talk, day_title=""), talk))
    assert "None" not in text
    assert "Sources" not in text
    assert text.splitlines()[:4] == ["Bare Talk", "talk 1 of 1", "", "words"]


def test_title_is_bold() -> None:
    talk = full_talk()
    first = segments(render_talk(wrap(talk), talk))[0]
    assert first[0].startswith("Scaling") and first[1].bold


def test_paragraph_keeps_the_authors_line_breaks() -> None:
    talk = full_talk()
    text = plain(render_talk(wrap(talk), talk), width=80)
    assert "first line\nsecond line kept as the author wrote it" in text


def test_lists_hang_their_wrapped_lines_and_nest() -> None:
    talk = full_talk()
    lines = plain(render_talk(wrap(talk), talk), width=50).splitlines()
    top = next(i for i, line in enumerate(lines) if "top item" in line)
    assert lines[top].startswith("  • top item")
    assert lines[top + 1].startswith("    ") and not lines[top + 1].strip().startswith("•")
    nested = next(line for line in lines if "nested one" in line)
    assert nested.startswith("     ◦ nested one")
    assert any(line.startswith("  3. first") for line in lines)
    assert any(line.startswith("  4. second") for line in lines)


def test_code_quote_and_heading() -> None:
    talk = full_talk()
    text = plain(render_talk(wrap(talk), talk), width=60)
    assert "print('[bold]')" in text  # code is literal, in a box
    assert "python" in text and "╭" in text
    assert "▌ a quote from the talk" in text
    assert "Lessons" in text


def test_urls_look_like_links_but_are_not_hyperlinks() -> None:
    talk = full_talk()
    segs = segments(render_talk(wrap(talk), talk), width=100)
    url = [style for text, style in segs if "example.com/page" in text]
    assert url and url[0].underline and url[0].color == URL_STYLE.color
    assert all(style is None or not style.link for _text, style in segs)
    # trailing punctuation is not part of the link
    comma = [style for text, style in segs if text.startswith(",")]
    assert not comma or not comma[0].underline
    out = io.StringIO()
    Console(file=out, width=100, force_terminal=True, color_system="truecolor").print(
        render_talk(wrap(talk), talk)
    )
    assert "\x1b]8;" not in out.getvalue()  # no OSC 8 hyperlinks


def test_highlights_spans_and_the_current_one_more_strongly() -> None:
    talk = Talk(id="t", title="Redis talk", blocks=(Paragraph("redis and more redis"),))
    spans = (
        Span("title", 0, 5),
        Span("notes", 0, 5, block=0, item=0),
        Span("notes", 15, 20, block=0, item=0),
    )
    segs = segments(render_talk(wrap(talk), talk, spans=spans, current=1))
    matched = [(text, style) for text, style in segs if text.lower() == "redis"]
    assert len(matched) == 3
    # Reversed, so a match stands out without colour too; `color` is the background shown.
    assert all(style.reverse for _, style in matched)
    assert matched[0][1].color == MATCH_STYLE.color
    assert matched[1][1].color == CURRENT_STYLE.color != MATCH_STYLE.color and matched[1][1].bold
    assert matched[2][1].color == MATCH_STYLE.color


def test_highlights_list_items_by_item_index() -> None:
    block = ListBlock((ListItem("alpha", children=(ListItem("beta"),)), ListItem("gamma")))
    talk = Talk(id="t", title="T", blocks=(block,))
    spans = (Span("notes", 0, 4, block=0, item=1), Span("notes", 0, 5, block=0, item=2))
    segs = segments(render_talk(wrap(talk), talk, spans=spans))
    lit = {text for text, style in segs if style is not None and style.color == MATCH_STYLE.color}
    assert lit == {"beta", "gamma"}


def test_spans_out_of_range_are_ignored() -> None:
    talk = Talk(id="t", title="T", blocks=(Paragraph("short"),))
    spans = (Span("notes", 3, 99, block=0), Span("notes", 0, 2, block=7), Span("speaker", 0, 3))
    assert "short" in plain(render_talk(wrap(talk), talk, spans=spans, current=0))


def test_current_match_line_finds_the_line() -> None:
    nb = qcon_tui.load()
    hit = SearchIndex(nb).search("chaos snail")[0]
    renderable = render_talk(nb, hit.talk, spans=hit.spans, current=len(hit.spans) - 1)
    line = current_match_line(renderable, 60)
    assert line is not None
    assert "snail" in plain(renderable, 60).splitlines()[line].lower()
    assert current_match_line(render_talk(nb, hit.talk, spans=hit.spans), 60) is None


def test_note_text_is_never_markup() -> None:
    talk = Talk(
        id="h",
        title="A [bold]x[/bold] [/]",
        speakers=(Speaker("[red]Eve[/red]", "[/b]"),),
        blocks=(Paragraph("[link=https://evil]click[/link] [/bold]"), Heading("[i]h[/i]")),
    )
    text = plain(render_talk(wrap(talk), talk))
    for needle in (
        "A [bold]x[/bold] [/]",
        "[red]Eve[/red] ([/b])",
        "[link=https://evil]click[/link] [/bold]",
    ):
        assert needle in text


@pytest.mark.parametrize("width", [1, 5, 20, 200])
def test_any_width_renders(width: int) -> None:
    talk = full_talk()
    assert plain(render_talk(wrap(talk), talk), width=width)


def test_long_words_wrap_instead_of_being_cut() -> None:
    url = "https://example.com/" + "a" * 150
    talk = Talk(id="u", title="U", blocks=(Paragraph(url),))
    text = plain(render_talk(wrap(talk), talk), width=40)
    assert "".join(line.strip() for line in text.splitlines()).count("a" * 150) == 1


def test_intro_and_day_views() -> None:
    nb = qcon_tui.load()
    intro = plain(render_intro(nb))
    assert intro.startswith("QCon London 2017 takeaway points")
    assert "3 days · 20 talks" in intro
    assert "day 2 — 7 talks" in intro
    assert "what is qcon?" in intro
    day = plain(render_day(nb, nb.days[1]), width=80)
    assert "day 2 of 3 · 7 talks" in day
    assert "3. Scaling Facebook Live Videos to a Billion Users" in day


def test_position_and_when_labels() -> None:
    talk = full_talk()
    assert position_label(wrap(talk), talk) == "day 2 · talk 1 of 1"
    assert position_label(wrap(talk, day_title=""), talk) == "talk 1 of 1"
    assert position_label(Notebook("n"), talk) == ""
    assert when_label(Talk(id="a", title="A")) == ""
    assert when_label(Talk(id="a", title="A", start="10:00")) == "10:00"
    assert when_label(Talk(id="a", title="A", room="Room 1")) == "Room 1"
    assert date_label("2017-03-08") == "Wednesday 8 March 2017"
    assert date_label("8 March") == "8 March"


def test_every_bundled_talk_renders() -> None:
    nb = qcon_tui.load()
    for talk in nb.talks:
        text = plain(render_talk(nb, talk), width=80)
        assert text.startswith(talk.title[:20])
        assert "None" not in text
