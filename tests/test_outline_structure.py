"""Days, talks and groups decided from the whole outline, one construct per fixture.

Each fixture in tests/fixtures/outline/ is written for this project and pins one rule
of `qcon_tui.formats.structure`; the corpus test at the end measures the rules on real
notes by others, read from ../shared/notes-corpus when it is there.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from qcon_tui.formats import load
from qcon_tui.formats.markdown import read_markdown, read_markdown_explained
from qcon_tui.model import Notebook, Paragraph, Speaker, Table, block_texts
from qcon_tui.paths import bundled_notes

FIXTURES = Path(__file__).parent / "fixtures" / "outline"
REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "notes-corpus"


def read(name: str) -> Notebook:
    return load(FIXTURES / name)


def outline(notebook: Notebook) -> list[tuple[str, list[str]]]:
    return [(day.title, [talk.title for talk in day.talks]) for day in notebook.days]


def intro_text(notebook: Notebook) -> str:
    return "\n".join(text for block in notebook.intro for text in block_texts(block))


def test_day_sections_numbered_in_roman_hold_the_talks_one_level_below() -> None:
    notebook = read("days-roman.md")
    assert notebook.title == "devsummit-notes"
    assert outline(notebook) == [
        (
            "Day I",
            ['1. "Opening" The Organisers', '2. "Type Systems for Humans" Ada Example', "SHORT TALKS :zap:"],
        ),
        ("Day 2", ['1. "Graphs Everywhere" Bo Sample']),
    ]
    assert notebook.intro == (Paragraph("Some words before the first day.", line=3),)


def test_a_heading_under_every_talk_does_not_turn_talks_into_groups() -> None:
    notebook = read("speaker-subheadings.md")
    assert outline(notebook) == [
        ("Day 1", ["Opening Keynote: Why We Build", "Caching at Scale"]),
        ("Day 2", ["Keynote"]),
    ]
    # The table of contents of anchor links is intro, and names no days.
    assert "Opening" in intro_text(notebook)
    # A names-only heading opening every talk gives the speakers, and leaves the notes.
    assert [[s.name for s in talk.speakers] for talk in notebook.talks] == [
        ["Grace Example"],
        ["Lin Sample", "Raj Example"],
        ["Someone Else"],
    ]
    assert notebook.talks[0].blocks == (Paragraph("notes on the keynote", line=10),)


def test_a_sub_heading_opening_only_some_talks_stays_a_sub_heading() -> None:
    text = "# C\n\n## One\n\n### Ann Example\n\nx\n\n## Two\n\ny\n\n## Three\n\n### The Problem\n\nz\n"
    notebook = read_markdown(text)
    assert [talk.speakers for talk in notebook.talks] == [(), (), ()]


def test_category_sections_become_tracks_not_talks() -> None:
    notebook = read("categories.md")
    assert outline(notebook) == [
        (
            "",
            [
                "Workshop 1: Building Parsers",
                "Workshop 2: Testing Well",
                "Keynote: The Future",
                "Talk: Small Functions",
                "Lightning talk: Ten Tips",
                "A Film Screening",
            ],
        )
    ]
    assert [talk.track for talk in notebook.talks] == [
        "Workshops",
        "Workshops",
        "Talks",
        "Talks",
        "Lightning Talks",
        None,
    ]
    # "General" and the words under "## Talks" are kept as intro text.
    assert "Great venue, good coffee." in intro_text(notebook)
    assert "These are the talks I saw:" in intro_text(notebook)


def test_only_groups_named_for_talks_hold_talks_when_some_are() -> None:
    notebook = read("blog-themes.md")
    assert notebook.title == "What I took home from BarConf"
    assert outline(notebook) == [("", ["Scaling Teams by Pat Example", "Green Code by Sam Example (Acme)"])]
    text = intro_text(notebook)
    for kept in ("Everybody builds one.", "Reading list", "Great noodles."):
        assert kept in text
    assert "{#" not in text


def test_repeated_sub_heading_names_mark_a_sub_level_even_at_talk_level() -> None:
    notebook = read("repeated-subheadings.md")
    assert notebook.title == "BazDays 2031"
    assert outline(notebook) == [("", ["First Talk", "Second Talk", "Third Talk"])]
    # The table of anchor links is not a talk; it stays in the intro as a table.
    assert any(isinstance(block, Table) and len(block.rows) == 3 for block in notebook.intro)
    third = notebook.talks[2]
    assert "a mis-levelled key-notes heading" in " ".join(third.texts())


def test_setext_headings_after_a_banner_and_a_list_of_links_that_is_not_a_talk() -> None:
    notebook = read("setext-banner.md")
    assert notebook.title == "Notes from WidgetCon"
    assert outline(notebook) == [("", ["First Talk", "Second Talk"])]
    assert "Widget Internals" in intro_text(notebook)
    # A line that starts with "Speaker" but has no colon is a note, not a fact.
    assert notebook.talks[0].speakers == ()


def test_headings_without_a_space_and_a_bare_title_line() -> None:
    notebook = read("no-space-headings.md")
    assert notebook.title == "Short Talks, Day Two"
    assert outline(notebook) == [
        ("", ["First Lightning Talk", "Second Lightning Talk", "Third Lightning Talk"])
    ]
    code = notebook.talks[2].blocks[0]
    assert code.text.startswith("#!shell")


def test_a_dated_day_and_titles_made_of_markup() -> None:
    notebook = read("dated-day-placeholder.md")
    assert outline(notebook) == [
        ("2031-09-20", ["Naming Things - Ann Example", "Small Objects, Bob Example"])
    ]


def test_validate_explanation_names_the_levels() -> None:
    _notebook, decided = read_markdown_explained((FIXTURES / "speaker-subheadings.md").read_text())
    assert decided.explain[:2] == [
        "days: level-1 headings that name a day (2)",
        "talks: level-2 headings (3)",
    ]
    assert "level-4 headings: sub-headings" in decided.explain


def test_day_words_in_other_languages() -> None:
    text = "# Notizen\n\n## Tag 1\n\n### Erster Vortrag\n\nx\n\n## Tag 2\n\n### Zweiter\n\ny\n"
    assert outline(read_markdown(text)) == [("Tag 1", ["Erster Vortrag"]), ("Tag 2", ["Zweiter"])]


def test_speaker_without_colon_is_not_a_fact_but_with_one_it_is() -> None:
    talk = read_markdown("## T\n\nSpeaker: Ann Example\n\nSpeaker one said hi\n").talks[0]
    assert talk.speakers == (Speaker("Ann Example"),)
    assert talk.blocks == (Paragraph("Speaker one said hi", line=5),)


# --------------------------------------------------------------------------- linear on long lines

PATHOLOGICAL = {
    "backticks": "a " + "`" * 100_000,
    "brackets": "[" * 100_000,
    "open tag": "<a" + " " * 100_000 + "x",
    "autolink": "<a@" + "." * 100_000,
    "digit bang": "1" + " " * 100_000 + "!",
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_long_pathological_lines_under_a_talk_are_read(name: str) -> None:
    """Each 100 KB line completes and keeps its text (benchmarks/bench_readers.py times them)."""
    line = PATHOLOGICAL[name]
    notebook = read_markdown(f"# Notes\n\n## A talk\n\n{line}\n\n## Next\n\nend\n")
    assert [talk.title for talk in notebook.talks] == ["A talk", "Next"]
    kept = "".join(notebook.talks[0].texts())
    assert len(kept) >= len(line.strip()) - 2


# --------------------------------------------------------------------------- import cost


def test_opening_the_bundled_text_notes_imports_no_markdown_parser() -> None:
    script = (
        "import io, contextlib, json, sys\n"
        "import qcon_tui\n"
        "from qcon_tui.cli import main\n"
        "qcon_tui.load()\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['list', {str(bundled_notes())!r}])\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    modules = json.loads(out.stdout.strip().splitlines()[-1])
    assert "qcon_tui.formats.text" in modules  # the check ran on the real reader
    assert not [m for m in modules if m.split(".")[0] in ("markdown_it", "mdit_py_plugins")]
    assert "qcon_tui.formats.markdown" not in modules


# --------------------------------------------------------------------------- real notes by others


def _bench():
    spec = importlib.util.spec_from_file_location("bench_readers", REPO / "benchmarks" / "bench_readers.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_readers", module)
    spec.loader.exec_module(module)
    return module


def test_scoring_matches_titles_one_to_one() -> None:
    bench = _bench()
    truth = [("A. Intro to Things", 0), ("Second talk", 0), ("Other day talk", 1)]
    predicted = [("Intro to things", 0), ("Other day talk", 0), ("Something else", 1)]
    result = bench.score("x", predicted, truth)
    assert (result.matched, result.day_agree) == (2, 1)
    assert result.precision == pytest.approx(2 / 3)
    assert result.day_accuracy == pytest.approx(0.5)


@pytest.mark.skipif(not (CORPUS / "truth").is_dir(), reason="no notes corpus beside the repository")
def test_real_notes_by_others_are_read_right() -> None:
    bench = _bench()
    scores = bench.score_corpus(CORPUS)
    assert len(scores) >= 8
    mean_f1, worst, day_accuracy = bench.means(scores)
    assert mean_f1 >= 0.95, [(s.name, round(s.f1, 2)) for s in scores]
    assert worst >= 0.85, [(s.name, round(s.f1, 2)) for s in scores]
    assert day_accuracy >= 0.95, [(s.name, round(s.day_accuracy, 2)) for s in scores]


# --------------------------------------------------------------------------- telling the layout


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qcon_tui", *args], capture_output=True, text=True, cwd=REPO, timeout=120
    )


def test_validate_says_how_a_file_was_read_and_warns_when_it_looks_wrong() -> None:
    result = run_cli("validate", str(FIXTURES / "one-section.md"))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].endswith(
        "read as: days: none named; one day; talks: level-2 headings (1); level-3 headings: sub-headings"
    )
    assert any("one talk holds 3 sub-headings" in line and "--talks" in line for line in lines)


def test_talks_override_on_the_command_line_fixes_a_wrong_guess() -> None:
    guessed = json.loads(run_cli("list", "--json", str(FIXTURES / "one-section.md")).stdout)
    assert [t["title"] for d in guessed["days"] for t in d["talks"]] == ["Backend"]
    told = run_cli("list", "--json", "--talks", "h3", str(FIXTURES / "one-section.md"))
    assert told.returncode == 0, told.stderr
    data = json.loads(told.stdout)
    assert [t["title"] for d in data["days"] for t in d["talks"]] == [
        "Queues Everywhere",
        "Boring Databases",
        "Caching Carefully",
    ]
    validated = run_cli("validate", "--talks", "h3", str(FIXTURES / "one-section.md"))
    assert "talks: level-3 headings (as told) (3)" in validated.stdout
    assert "warning" not in validated.stdout


def test_layout_in_front_matter_and_a_bad_value_on_the_command_line() -> None:
    text = "---\ntalks: h3\ndays: none\n---\n" + (FIXTURES / "one-section.md").read_text()
    notebook = read_markdown(text)
    assert [talk.title for talk in notebook.talks] == [
        "Queues Everywhere",
        "Boring Databases",
        "Caching Carefully",
    ]
    assert {talk.track for talk in notebook.talks} == {"Backend"}
    bad = run_cli("list", "--talks", "h9", str(FIXTURES / "one-section.md"))
    assert bad.returncode == 2
    assert bad.stderr.startswith("qcon-tui: error:") or "invalid choice" in bad.stderr


def test_days_override_names_the_day_level() -> None:
    text = "# Notes\n\n## Morning\n\n### First\n\na\n\n### Second\n\nb\n\n## Afternoon\n\n### Third\n\nc\n"
    from qcon_tui.formats.layout import Layout

    notebook = read_markdown(text, layout=Layout(days="h2"))
    assert outline(notebook) == [("Morning", ["First", "Second"]), ("Afternoon", ["Third"])]


def test_talks_made_only_of_two_sub_sections_are_still_talks() -> None:
    text = (
        "# Conf\n\n## Talk One\n\n### Problem\n\nx\n\n### Solution\n\ny\n\n"
        "## Talk Two\n\n### Background\n\nz\n\n### Results\n\nw\n"
    )
    notebook = read_markdown(text)
    assert outline(notebook) == [("", ["Talk One", "Talk Two"])]
    assert [block.text for block in notebook.talks[1].blocks][:1] == ["Background"]


def test_a_file_whose_sections_are_the_parts_of_one_talk_is_one_talk() -> None:
    notebook = read("one-talk.md")
    assert outline(notebook) == [("", ["Designing for Failure"])]
    talk = notebook.talks[0]
    headings = [block.text for block in talk.blocks if block.kind == "heading"]
    assert headings == ["Abstract", "Key takeaways", "Slides", "My thoughts"]
    _nb, decided = read_markdown_explained((FIXTURES / "one-talk.md").read_text())
    assert "talks: one, the whole file (its sections name the parts of one talk)" in decided.explain
    # Told otherwise, the sections are talks.
    from qcon_tui.formats.layout import Layout

    told = read_markdown((FIXTURES / "one-talk.md").read_text(), layout=Layout(talks="h2"))
    assert len(told.talks) == 4
