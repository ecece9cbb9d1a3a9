"""A directory of notes files opened as one library: loading, failures, search and the commands."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from qcon_tui import library as library_module
from qcon_tui.library import Library, LibraryIndex, iter_library, library_files, load_library
from tests.helpers import run_cli

TEXT_NOTES = """\
Ops Summit 2023

day 1

Monitoring Kubernetes Clusters

monitoring the cluster with prometheus and alerts.
serverless functions need monitoring too.

Chaos Engineering In Practice

  • break things on purpose
  • chaos monkey for containers

day 2

Serverless Cost Traps

serverless bills grow with invocations.
"""

MARKDOWN_NOTES = """\
# DevConf 2024

## Day one

### Serverless at scale

- we moved everything to lambda
- cold starts hurt; monitoring with traces

### Containers in production

- kubernetes everywhere
- containers need monitoring too
"""

#: The notes files of the fixture library, in the order the library holds them.
GOOD = ["a-devconf.md", "B-qcon.yaml", "d-ops.txt"]
BAD = ["c-broken.yml", "e-binary.txt"]


@pytest.fixture(scope="module")
def notes_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory with Markdown, YAML (written by `export`) and text notes, and things to skip."""
    root = tmp_path_factory.mktemp("conferences")
    result = run_cli("export", "--format", "yaml", "-o", str(root / "B-qcon.yaml"))
    assert result.returncode == 0, result.stderr
    (root / "a-devconf.md").write_text(MARKDOWN_NOTES, encoding="utf-8")
    (root / "d-ops.txt").write_text(TEXT_NOTES, encoding="utf-8")
    (root / "c-broken.yml").write_text("title: x\ndays: [\n", encoding="utf-8")
    (root / "e-binary.txt").write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)))
    # Skipped: hidden files, a schedule sidecar, other suffixes, subdirectories.
    (root / ".hidden.txt").write_text(TEXT_NOTES, encoding="utf-8")
    (root / "d-ops.schedule.yaml").write_text("- title: Serverless Cost Traps\n  room: A\n", encoding="utf-8")
    (root / "photo.png").write_bytes(b"\x89PNG\r\n")
    (root / "older").mkdir()
    (root / "older" / "notes.txt").write_text(TEXT_NOTES, encoding="utf-8")
    return root


# --------------------------------------------------------------------------- API


def test_library_files_are_the_notes_files_in_name_order(notes_dir: Path) -> None:
    assert [path.name for path in library_files(notes_dir)] == sorted(GOOD + BAD, key=str.casefold)


def test_load_library_keeps_the_good_files_and_reports_the_bad(notes_dir: Path) -> None:
    library = load_library(notes_dir)
    assert library.title == notes_dir.name
    assert [Path(nb.source).name for nb in library.notebooks] == GOOD
    assert [nb.title for nb in library.notebooks] == [
        "DevConf 2024",
        "QCon London 2017 takeaway points",
        "Ops Summit 2023",
    ]
    assert [Path(failure.path).name for failure in library.failures] == BAD
    broken, binary = library.failures
    assert "YAML" in broken.message and broken.line == 3
    assert "binary" in binary.message
    assert str(broken).startswith(f"{broken.path}:3: ")
    # The sidecar belongs to its notes file: its room reached the talk.
    ops = library.notebooks[2]
    assert ops.days[1].talks[0].room == "A"


def test_progress_is_called_once_per_file(notes_dir: Path) -> None:
    calls: list[tuple[int, int, str]] = []
    load_library(notes_dir, progress=lambda done, total, path: calls.append((done, total, path)))
    names = sorted(GOOD + BAD, key=str.casefold)
    assert [(done, total, Path(path).name) for done, total, path in calls] == [
        (n, len(names), name) for n, name in enumerate(names, 1)
    ]


def _count_loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the name of each file the library reads, in order."""
    loaded: list[str] = []
    real_load = library_module.load

    def counting_load(path, **options):
        loaded.append(Path(path).name)
        return real_load(path, **options)

    monkeypatch.setattr(library_module, "load", counting_load)
    return loaded


def test_iter_library_yields_each_file_as_it_is_read(
    notes_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded = _count_loads(monkeypatch)
    entries = iter_library(notes_dir)
    first = next(entries)
    assert loaded == ["a-devconf.md"]  # the first notebook is ready before the rest are read
    assert first.notebook is not None and first.notebook.title == "DevConf 2024"
    assert (first.index, first.total) == (0, 5)
    rest = list(entries)
    order = [Path(entry.path).name for entry in [first, *rest]]
    assert order == sorted(GOOD + BAD, key=str.casefold)
    assert [entry.index for entry in rest] == [1, 2, 3, 4]
    for entry in [first, *rest]:
        assert (entry.notebook is None) == (Path(entry.path).name in BAD)
        assert (entry.failure is None) == (entry.notebook is not None)


def test_missing_directory_is_a_notes_error(tmp_path: Path) -> None:
    from qcon_tui.formats import NotesError

    with pytest.raises(NotesError, match="no such directory"):
        load_library(tmp_path / "nope")


def test_library_of_one_notebook() -> None:
    import qcon_tui

    notebook = qcon_tui.load()
    library = Library.of(notebook)
    assert library.notebooks == (notebook,)
    assert len(list(library.talks())) == len(notebook.talks)


def test_library_index_merges_hits_by_score_and_names_the_notebook(notes_dir: Path) -> None:
    library = load_library(notes_dir)
    hits = LibraryIndex(library).search("serverless", limit=50)
    titles = {hit.notebook.title for hit in hits}
    assert titles == {"DevConf 2024", "QCon London 2017 takeaway points", "Ops Summit 2023"}
    scores = [hit.score for hit in hits]
    assert scores == sorted(scores, reverse=True)
    for hit in hits:
        assert library.notebooks[hit.notebook_index] is hit.notebook
        assert hit.notebook.talk(hit.talk.id) == hit.talk
    assert len(LibraryIndex(library).search("serverless", limit=2)) == 2
    assert LibraryIndex(library).search("serverless", limit=0) == []


# --------------------------------------------------------------------------- command line


def _warnings(stderr: str) -> list[str]:
    lines = stderr.strip().splitlines()
    assert all(line.startswith("qcon-tui: warning: ") for line in lines), lines
    return lines


def test_list_json_of_a_directory(notes_dir: Path) -> None:
    result = run_cli("list", "--json", str(notes_dir))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["title", "notebooks"]
    assert data["title"] == notes_dir.name
    assert [Path(nb["path"]).name for nb in data["notebooks"]] == GOOD
    # Each notebook is shaped as `list --json FILE` prints it (plus where it came from).
    single = json.loads(run_cli("list", "--json", str(notes_dir / "d-ops.txt")).stdout)
    ops = dict(data["notebooks"][2])
    assert ops.pop("path") == str(notes_dir / "d-ops.txt")
    assert ops == single
    warnings = _warnings(result.stderr)
    assert len(warnings) == 2
    assert str(notes_dir / "c-broken.yml") in warnings[0]
    assert str(notes_dir / "e-binary.txt") in warnings[1] and "binary" in warnings[1]


def test_list_text_of_a_directory(notes_dir: Path) -> None:
    result = run_cli("list", str(notes_dir))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"{notes_dir.name} (3 notes files)"
    assert "DevConf 2024  (a-devconf.md)" in lines
    # (the ids of a notebook share one column, so the gap after an id varies)
    assert any(re.fullmatch(r"  serverless-cost-traps +Serverless Cost Traps", line) for line in lines)


def test_search_json_spans_every_file_and_names_the_notebook(notes_dir: Path) -> None:
    result = run_cli("search", "serverless", str(notes_dir), "--json")
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert {Path(hit["path"]).name for hit in hits} == set(GOOD)
    by_notebook = {hit["notebook"]: hit for hit in hits}
    assert by_notebook["Ops Summit 2023"]["path"] == str(notes_dir / "d-ops.txt")
    scores = [hit["score"] for hit in hits]
    assert scores == sorted(scores, reverse=True)
    for hit in hits:
        assert {"id", "title", "day", "score", "snippet", "notebook", "path"} <= set(hit)
    assert len(_warnings(result.stderr)) == 2


def test_search_text_of_a_directory_names_the_notebook(notes_dir: Path) -> None:
    result = run_cli("search", "chaos monkey", str(notes_dir))
    assert result.returncode == 0, result.stderr
    assert "Ops Summit 2023 › day 1 › Chaos Engineering In Practice" in result.stdout


def test_export_json_and_yaml_of_a_directory(notes_dir: Path) -> None:
    result = run_cli("export", str(notes_dir), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["title"] == notes_dir.name
    single = json.loads(run_cli("export", str(notes_dir / "a-devconf.md")).stdout)
    assert data["notebooks"][0] == single
    assert [nb["title"] for nb in data["notebooks"]][1:] == [
        "QCon London 2017 takeaway points",
        "Ops Summit 2023",
    ]

    result = run_cli("export", str(notes_dir), "--format", "yaml")
    assert result.returncode == 0, result.stderr
    data = yaml.safe_load(result.stdout)
    assert list(data) == ["title", "notebooks"]
    # Each notebook is its own YAML export, indented into the list.
    qcon = yaml.safe_load((notes_dir / "B-qcon.yaml").read_text(encoding="utf-8"))
    assert data["notebooks"][1] == qcon


def test_export_markdown_of_a_directory_is_a_usage_error(notes_dir: Path) -> None:
    result = run_cli("export", str(notes_dir), "--format", "markdown")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("qcon-tui: error:")
    assert "one notes file" in lines[0] and result.stdout == ""


def test_empty_directory_is_one_error_line(tmp_path: Path) -> None:
    (tmp_path / "readme.rst").write_text("not notes")
    for args in (("list",), ("search", "x"), ("export",)):
        result = run_cli(*args, str(tmp_path))
        assert result.returncode == 1, (args, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, lines
        assert lines[0].startswith("qcon-tui: error:") and "no notes files" in lines[0]


def test_directory_where_no_file_loads(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("title: [\n")
    result = run_cli("list", str(tmp_path))
    assert result.returncode == 1
    *warnings, error = result.stderr.strip().splitlines()
    assert len(warnings) == 1 and warnings[0].startswith("qcon-tui: warning: ")
    assert error.startswith("qcon-tui: error:") and "could be read" in error


def test_show_still_wants_one_file(notes_dir: Path) -> None:
    result = run_cli("show", "x", str(notes_dir))
    assert result.returncode == 1
    assert "directory" in result.stderr and len(result.stderr.strip().splitlines()) == 1


# --------------------------------------------------------------------------- for the browser


def test_open_library_reads_up_to_the_first_good_file(
    notes_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qcon_tui.library import open_library

    loaded = _count_loads(monkeypatch)
    library, rest = open_library(notes_dir)
    assert loaded == ["a-devconf.md"]
    assert [nb.title for nb in library.notebooks] == ["DevConf 2024"]
    for entry in rest:
        library = library.adding(entry)
    assert [Path(nb.source).name for nb in library.notebooks] == GOOD
    assert [Path(failure.path).name for failure in library.failures] == BAD
    assert library.failures[0].label.startswith("c-broken.yml:3: ")


def test_open_library_refuses_an_empty_or_unreadable_directory(tmp_path: Path) -> None:
    from qcon_tui.formats import NotesError
    from qcon_tui.library import open_library

    with pytest.raises(NotesError, match="no notes files in this directory"):
        open_library(tmp_path)
    (tmp_path / "bad.yml").write_text("days: [\n", encoding="utf-8")
    with pytest.raises(NotesError, match="none of its 1 notes file could be read"):
        open_library(tmp_path)


def test_library_index_reuses_the_indexes_it_has(notes_dir: Path) -> None:
    library = load_library(notes_dir)
    first = LibraryIndex(Library(library.title, library.notebooks[:1]))
    grown = LibraryIndex(library, reuse=first)
    assert grown.indexes[0] is first.indexes[0]
    assert len(grown.indexes) == 3
    assert {hit.notebook.title for hit in grown.search("serverless", limit=50)} == {
        "DevConf 2024",
        "QCon London 2017 takeaway points",
        "Ops Summit 2023",
    }
    hit = grown.search("lambda")[0]
    assert hit.spans == hit.hit.spans and hit.snippet == hit.hit.snippet


def test_find_talk_in_several_notebooks(notes_dir: Path) -> None:
    from qcon_tui.lookup import TalkNotFound, find_talk_in

    library = load_library(notes_dir)
    ops = library.notebooks[2]
    assert find_talk_in(library.notebooks, "chaos engineering") is ops.talks[1]
    assert find_talk_in(library.notebooks, ops.talks[0].id) is ops.talks[0]
    with pytest.raises(TalkNotFound):
        find_talk_in(library.notebooks, "zzzz qqqq xxxx")
