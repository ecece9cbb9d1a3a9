"""The command line as scripts and people meet it: grep-like exit codes, no silent guesses,
browser options in --help, PATH optional, no note wiped by an empty pipe, right plurals."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import run_cli


def test_search_exits_0_with_hits_and_1_without_like_grep() -> None:
    assert run_cli("search", "facebook").returncode == 0
    missed = run_cli("search", "zzzqqqxxx")
    assert missed.returncode == 1 and "no talks match" in missed.stderr
    as_json = run_cli("search", "zzzqqqxxx", "--json")
    assert as_json.returncode == 1 and as_json.stdout.strip() == "[]"


def test_an_ambiguous_talk_lists_its_candidates_and_exits_1() -> None:
    result = run_cli("show", "serverless")
    assert result.returncode == 1 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("qcon-tui: error:")
    candidates = ("the-hitchhikers-guide-to-serverless-javascript", "monitoring-serverless-architectures")
    assert all(candidate in lines[0] for candidate in candidates)
    # One title containing the words is that talk.
    assert run_cli("show", "monitoring serverless").returncode == 0


def test_suggestions_only_when_close() -> None:
    unrelated = run_cli("show", "no such talk")
    assert unrelated.returncode == 1 and "did you mean" not in unrelated.stderr
    close = run_cli("show", "Real World Jav 8")
    assert close.returncode in (0, 1)
    if close.returncode == 1:
        assert "Real World Java 9" in close.stderr


def test_help_documents_the_browser_options() -> None:
    out = run_cli("--help").stdout
    for option in ("--theme", "--read-only", "--no-mouse", "--talk", "--search"):
        assert option in out, option


def test_validate_without_path_checks_the_bundled_notes() -> None:
    result = run_cli("validate")
    assert result.returncode == 0
    assert "qcon-london-2017.txt" in result.stdout + result.stderr


def test_annotate_refuses_empty_stdin_unless_clear() -> None:
    talk = "real-world-java-9"
    assert run_cli("annotate", talk, "--text", "try jlink").returncode == 0
    empty = run_cli("annotate", talk, stdin="")
    assert empty.returncode == 2 and "--clear" in empty.stderr
    assert "try jlink" in run_cli("takeaways").stdout  # the note is still there
    cleared = run_cli("annotate", talk, "--clear")
    assert cleared.returncode == 0 and "cleared" in cleared.stdout
    assert "try jlink" not in run_cli("takeaways").stdout


def test_counts_are_singular_for_one(tmp_path: Path) -> None:
    notes = tmp_path / "one.md"
    notes.write_text("# Tiny\n\n## Day one\n\n### Only talk\n\n- a note\n", encoding="utf-8")
    listing = run_cli("list", str(notes)).stdout
    assert "(1 talk)" in listing and "1 talks" not in listing
    checked = run_cli("validate", str(notes))
    assert "1 day, 1 talk" in checked.stderr


def test_piped_output_has_no_trailing_padding_and_list_columns_stay_put() -> None:
    shown = run_cli("show", "real world java").stdout
    assert shown.strip() and all(line == line.rstrip() for line in shown.splitlines())
    listing = run_cli("list").stdout.splitlines()
    talk_rows = [line for line in listing if line.startswith("  ")]
    title_columns = {len(line) - len(line[2:].split(" ", 1)[1].lstrip()) for line in talk_rows}
    assert len(title_columns) == 1  # every title starts in one column, whatever the day
