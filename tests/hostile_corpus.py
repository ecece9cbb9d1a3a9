"""A corpus of hostile input, built at test time: escape sequences, C1 controls, bidi
overrides and Rich markup in every field of every format, and in file and directory
names (which cannot live in git).

Each payload carries a marker (`PWNED-...`), so a test can tell the payload reaching
a terminal raw from the program's own escape sequences.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

#: Payloads that act on a terminal (or a reader) if they reach it raw.
OSC_TITLE = "\x1b]2;PWNED-TITLE\x07"
OSC_CLIPBOARD = "\x1b]52;c;UFdORUQtQ0xJUA==\x07"
CSI_CLEAR = "\x1b[2JPWNED-CLEAR"
C1_CSI = "\x9b2JPWNED-C1CSI"
C1_OSC = "\x9d0;PWNED-C1OSC\x9c"
BIDI = "\u202ePWNED-RLO\u202c"
ISOLATE = "\u2067PWNED-RLI\u2069"
OTHER = "\x7f\x07\x08\x0b\x0c\x0e"
MARKUP = "[bold red]PWNED-MARKUP[/] [/bold] [link=https://evil.example]x[/link]"

PAYLOADS = (OSC_TITLE, OSC_CLIPBOARD, CSI_CLEAR, C1_CSI, C1_OSC, BIDI, ISOLATE, OTHER, MARKUP)
ALL = "".join(PAYLOADS)

#: What must never appear in output bytes: each payload's raw start with its marker.
RAW_SIGNATURES = (
    b"\x1b]2;PWNED",
    b"\x1b]52;c;UFdORUQ",
    b"\x1b[2JPWNED",
    "\x9b2JPWNED".encode(),
    "\x9d0;PWNED".encode(),
    "\u202ePWNED".encode(),
    "\u2067PWNED".encode(),
)


def is_unsafe(char: str) -> bool:
    """A character that must not reach a terminal: C0 but tab and newline, DEL, C1, bidi controls."""
    code = ord(char)
    return (
        (code < 0x20 and char not in "\n\t")
        or 0x7F <= code <= 0x9F
        or 0x202A <= code <= 0x202E
        or 0x2066 <= code <= 0x2069
    )


def unsafe_in(text: str) -> list[str]:
    """The unsafe characters of `text`, as their code points (for a readable failure)."""
    return [f"U+{ord(ch):04X}" for ch in text if is_unsafe(ch)]


def unsafe_in_json(value: object) -> list[str]:
    """Unsafe characters in any string (key or value) of decoded JSON."""
    found: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found += unsafe_in(item)
        elif isinstance(item, dict):
            stack += list(item.keys()) + list(item.values())
        elif isinstance(item, list):
            stack += item
    return found


@dataclass
class Corpus:
    """Where the corpus is: a library folder, its files, and a state folder."""

    library: Path
    text_file: Path
    markdown_file: Path
    yaml_file: Path
    state_dir: Path
    talk_id: str


def _text_notes() -> str:
    return (
        f"Hostile {OSC_TITLE} Notes {BIDI}\n\n"
        f"day 1 {CSI_CLEAR}\n\n"
        "Hostile Talk\n\n"
        f"clipboard {OSC_CLIPBOARD} grab and {ALL}\n"
        f"  • bullet {C1_OSC} {ISOLATE}\n"
        f"  • markup {MARKUP}\n\n"
        f"Second Talk {ISOLATE}\n\n"
        f"kafka notes {CSI_CLEAR} {OTHER}\n"
    )


def _markdown_notes() -> str:
    return (
        '---\ntitle: "Front \\e]2;PWNED-TITLE\\a \\u202ePWNED-RLO"\n'
        'speaker: "x\\e]52;c;UFdORUQ=\\a"\n---\n\n'
        f"# Day One {BIDI}\n\n"
        f"## Markdown Talk {CSI_CLEAR}\n\n"
        f"Paragraph with `code {OSC_TITLE}` and **bold {C1_CSI}** and "
        f"[link {BIDI}](http://x.example/{ISOLATE}).\n\n"
        f"- item {MARKUP}\n  - nested {C1_OSC}\n\n"
        f"```\ncode block {ALL}\n```\n\n"
        f"| a {OSC_TITLE} | b |\n|---|---|\n| {CSI_CLEAR} | {BIDI} |\n"
    )


def _yaml_notes() -> str:
    escaped = '"\\e]2;PWNED-TITLE\\a \\x9b2JPWNED-C1CSI \\u202ePWNED-RLO \\e[2JPWNED-CLEAR"'
    return (
        f"title: {escaped}\n"
        f"days:\n"
        f"  - title: {escaped}\n"
        f"    talks:\n"
        f"      - title: {escaped}\n"
        f"        speakers: [{{name: {escaped}, company: {escaped}}}]\n"
        f"        room: {escaped}\n"
        f"        links: [{escaped}]\n"
        f"        notes:\n"
        f"          - {escaped}\n"
        f"          - {{type: list, items: [{escaped}, {{text: {escaped}, items: [{escaped}]}}]}}\n"
        f"          - {{type: code, text: {escaped}, language: {escaped}}}\n"
    )


def _schedule() -> str:
    escaped = '"\\e]2;PWNED-TITLE\\a \\u202ePWNED-RLO \\x9b2JPWNED-C1CSI"'
    return (
        f"- title: Hostile Talk\n"
        f"  speakers: [{escaped}, {{name: {escaped}, company: {escaped}}}]\n"
        f"  room: {escaped}\n"
        f"  track: {escaped}\n"
        f"  links: [{escaped}]\n"
    )


def _bad_schedule() -> str:
    escaped = '"\\e]2;PWNED-TITLE\\a \\u202ePWNED-RLO"'
    return f"- title: {escaped}\n  {escaped}: {escaped}\n"


def build(root: Path) -> Corpus:
    """Write the corpus under `root`; names with control characters are made here, never kept in git."""
    library = root / f"lib {OSC_TITLE}{BIDI}"
    library.mkdir(parents=True)
    text_file = library / f"{OSC_TITLE}talks {C1_CSI}.txt"
    text_file.write_text(_text_notes(), encoding="utf-8")
    (library / f"{OSC_TITLE}talks {C1_CSI}.schedule.yaml").write_text(_schedule(), encoding="utf-8")
    markdown_file = library / f"{CSI_CLEAR}{ISOLATE}.md"
    markdown_file.write_text(_markdown_notes(), encoding="utf-8")
    (library / f"{CSI_CLEAR}{ISOLATE}.schedule.yaml").write_text(_bad_schedule(), encoding="utf-8")
    yaml_file = library / f"{C1_OSC}{BIDI}.yaml"
    yaml_file.write_text(_yaml_notes(), encoding="utf-8")
    # Files that fail, so their names and messages are shown as failures.
    (library / f"{OSC_CLIPBOARD}broken.yaml").write_text(f"title: [unclosed {BIDI}\n", encoding="utf-8")
    deep = "x: " + "[" * 5000 + "]" * 5000
    (library / f"{OSC_TITLE}deep.md").write_text(
        f"---\ntitle: Deep\n{deep}\n---\n\n# Day\n\n## Talk\n\nnotes\n", encoding="utf-8"
    )
    os.mkfifo(library / f"{CSI_CLEAR}pipe.txt")
    (library / f"{C1_CSI}binary.txt").write_bytes(b"\x00\x01\x1b]2;PWNED-TITLE\x07")
    state_dir = root / "state"
    talk_id = _write_state(state_dir, text_file)
    return Corpus(library, text_file, markdown_file, yaml_file, state_dir, talk_id)


def _write_state(state_dir: Path, notes: Path) -> str:
    """A hand-edited state file for `notes`, hostile in every field; returns the starred talk's id."""
    from qcon_tui import load
    from qcon_tui.state import state_path_for

    notebook = load(notes)
    talk_id = notebook.talks[0].id

    record = {
        "title": f"Hostile Talk {OSC_TITLE}",
        "starred": True,
        "annotation": f"my note {ALL}",
        "read_at": f"2017-03-06T09:30:00Z{OSC_CLIPBOARD}{BIDI}",
        "updated_at": f"{C1_CSI}2017",
    }
    data = {
        "format": "qcon-tui-state",
        "version": 1,
        "talks": {talk_id: record, f"gone{OSC_TITLE}": dict(record)},
    }
    assert notebook.source is not None
    path = state_path_for(notebook.source, state_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return talk_id
