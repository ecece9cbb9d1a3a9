"""Every command, and the browser in a real terminal, over the hostile corpus.

No C0 control byte (but newline and tab), no C1 control and no bidi override may
reach the output, whether it came from a notes file's text, a schedule, the state
file, or the name of a file or folder. JSON is checked after decoding as well, since
JSON escapes (`\\u001b`) carry a control character just as well as the raw byte.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import hostile_corpus as hc
from tests.helpers import qcon_command


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> hc.Corpus:
    return hc.build(tmp_path_factory.mktemp("hostile"))


def _env(corpus: hc.Corpus) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES", "TMUX")}
    env["QCON_TUI_STATE_DIR"] = str(corpus.state_dir)
    env["QCON_TUI_CACHE_DIR"] = str(corpus.state_dir / "cache")
    return env


def _commands(corpus: hc.Corpus) -> list[list[str]]:
    lib, txt, md, yml = map(str, (corpus.library, corpus.text_file, corpus.markdown_file, corpus.yaml_file))
    every_file = sorted(str(path) for path in corpus.library.iterdir())
    commands = [
        ["list", lib],
        ["list", lib, "--json"],
        ["search", "PWNED", lib],
        ["search", "pwned", lib, "--json"],
        ["search", "kafka", txt],
        ["topics", lib],
        ["topics", lib, "--json"],
        ["validate", *every_file],
        ["validate", lib],
        ["export", lib, "--format", "json"],
        ["show", "Hostile Talk", txt],
        ["show", "Markdown Talk", md],
        ["show", "PWNED", yml],
        ["show", f"no such talk {hc.ALL}", txt],
        ["list", str(corpus.library / f"missing {hc.OSC_TITLE}.txt")],
        ["takeaways", txt],
        ["takeaways", txt, "--format", "json"],
        ["where", txt],
        ["star", corpus.talk_id, txt],
        ["annotate", corpus.talk_id, txt, "--text", f"new {hc.ALL}"],
        ["unstar", corpus.talk_id, txt],
    ]
    for path in (txt, md, yml):
        commands += [["list", path], ["list", path, "--json"]]
        commands += [["export", path, "--format", fmt] for fmt in ("json", "yaml", "markdown", "text")]
    return commands


def test_no_command_lets_a_control_character_through(corpus: hc.Corpus) -> None:
    problems: list[str] = []
    for number, args in enumerate(_commands(corpus)):
        result = subprocess.run(
            [*qcon_command(), *args],
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=120,
            env=_env(corpus),
        )
        shown = f"command {number} ({args[0]})"
        for stream, data in (("stdout", result.stdout), ("stderr", result.stderr)):
            text = data.decode("utf-8")  # never a broken byte either
            if bad := hc.unsafe_in(text):
                problems.append(f"{shown}: {stream} holds {sorted(set(bad))}")
            if any(signature in data for signature in hc.RAW_SIGNATURES):
                problems.append(f"{shown}: {stream} holds a raw payload")
        errors = result.stderr.decode()
        assert "Traceback" not in errors and "internal error" not in errors, (number, errors)
        wants_json = "--json" in args or args[-2:] == ["--format", "json"]
        if wants_json and result.returncode == 0 and (bad := hc.unsafe_in_json(json.loads(result.stdout))):
            problems.append(f"{shown}: decoded JSON holds {sorted(set(bad))}")
    assert not problems, "\n".join(problems)


def test_the_corpus_reaches_every_field(corpus: hc.Corpus) -> None:
    """The corpus is hostile where it should be: its payloads are read, cleaned, not lost."""
    from qcon_tui import load
    from qcon_tui.library import load_library

    notebook = load(corpus.text_file)
    assert "PWNED-TITLE" in notebook.title and "␛" in notebook.title
    talk = notebook.talks[0]
    assert "PWNED-TITLE" in talk.speaker_label  # from the schedule
    library = load_library(corpus.library)
    assert "PWNED-TITLE" in library.title and "␛" in library.title
    names = " ".join(failure.label for failure in library.failures)
    assert "broken.yaml:1:" in names and "binary.txt:" in names and len(library.failures) == 2
    assert len(library.notebooks) == 4  # deep front matter is kept as text; a FIFO is no notes file
    assert not hc.unsafe_in(names + library.title + "".join(nb.source or "" for nb in library.notebooks))


# --------------------------------------------------------------------------- the browser in tmux

pytestmark_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class _Pane:
    """A private tmux server with one 100x30 pane whose raw output goes to a file."""

    def __init__(self, env: dict[str, str], raw: Path) -> None:
        self.socket = f"qcon-hostile-{uuid.uuid4().hex[:8]}"
        self.env = env
        self.raw = raw

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, "-f", os.devnull, *args],
            capture_output=True,
            text=True,
            timeout=20,
            env=self.env,
        )
        return result.stdout

    def start(self, command: list[str]) -> None:
        # The pane's shell waits for a go file, so its output is piped before the browser draws.
        go = self.raw.with_name("go")
        wait = f"while [ ! -e {shlex.quote(str(go))} ]; do sleep 0.05; done; exec {shlex.join(command)}"
        self.tmux("new-session", "-d", "-s", "main", "-x", "100", "-y", "30", wait)
        self.tmux("set-option", "-t", "main", "remain-on-exit", "on")
        self.tmux("pipe-pane", "-t", "main", f"cat >> {shlex.quote(str(self.raw))}")
        go.touch()

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "main")

    def wait_for(self, text: str, timeout: float = 40) -> str:
        deadline = time.monotonic() + timeout
        while text not in (screen := self.screen()):
            assert time.monotonic() < deadline, f"{text!r} never appeared:\n{screen}"
            time.sleep(0.2)
        return screen

    def wait_for_output(self, text: bytes, timeout: float = 40) -> None:
        """Wait until `text` has been written to the pane at some point (it may be gone now)."""
        deadline = time.monotonic() + timeout
        while text not in (self.raw.read_bytes() if self.raw.exists() else b""):
            assert time.monotonic() < deadline, f"{text!r} was never written:\n{self.screen()}"
            time.sleep(0.2)

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "main", *keys)

    def title(self) -> str:
        return self.tmux("display-message", "-p", "-t", "main", "#{pane_title}")

    def kill(self) -> None:
        self.tmux("kill-server")


@pytest.fixture
def pane(corpus: hc.Corpus, tmp_path: Path) -> Iterator[_Pane]:
    env = _env(corpus)
    env["TERM"] = "xterm-256color"
    box = _Pane(env, tmp_path / "raw.bin")
    try:
        yield box
    finally:
        box.kill()


@pytestmark_tmux
def test_the_browser_draws_the_corpus_without_a_raw_payload(corpus: hc.Corpus, pane: _Pane) -> None:
    pane.start([*qcon_command(), str(corpus.library)])
    pane.wait_for("PWNED-TITLE")
    # The loader's label (with the last file's name) and the failures: the label goes
    # once every file is read, so wait for it in what was written, not on the screen.
    pane.wait_for_output(b"Loaded")
    for keys in (["j"], ["j"], ["Enter"], ["j"], ["j"], ["Enter"], ["/"]):
        pane.keys(*keys)
        time.sleep(0.3)
    pane.keys("-l", "pwned")
    time.sleep(1.5)
    pane.keys("Escape")
    time.sleep(0.5)
    title = pane.title()
    pane.keys("q")
    time.sleep(1.0)
    raw = pane.raw.read_bytes()
    assert len(raw) > 1000, "the pane's output was not captured"
    found = [signature for signature in hc.RAW_SIGNATURES if signature in raw]
    assert not found, f"raw payloads reached the terminal: {found}"
    assert "PWNED" not in title
    text = raw.decode("utf-8", errors="replace")
    for char in ("\u202e", "\u2067", "\u202c", "\u2069"):
        assert char not in text, f"U+{ord(char):04X} reached the terminal"
    # C1 controls as characters: the program itself writes only 7-bit escape sequences.
    assert not any(0x80 <= ord(ch) <= 0x9F for ch in text)
