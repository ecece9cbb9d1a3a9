"""The state file on disk: where it lives, its shape, and safe reading and writing.

Kept apart from the store (`state.py`), which only edits the data in memory: this
module locks (`flock` on a sibling lock file, never through a symbolic link), reads
without following a non-regular file or a huge one, checks the shape, sets a corrupt
file aside (`NAME.corrupt-YYYYmmddTHHMMSS`) with a warning, and writes atomically.
No Textual or Rich here.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .fsutil import FileTooLargeError, NotRegularFileError, atomic_write, fsync_dir, read_regular
from .model import clean, slugify

#: Environment variable naming the folder that holds state files (tests use it).
STATE_DIR_ENV = "QCON_TUI_STATE_DIR"
FORMAT = "qcon-tui-state"
VERSION = 1

#: A state file larger than this is not read (it is set aside as corrupt); real ones
#: are a few kilobytes, a thousand long annotations a few megabytes.
MAX_STATE_BYTES = 64 * 1024 * 1024


class StateError(Exception):
    """State that cannot be read or written (an unwritable folder, a newer format)."""


def now() -> str:
    """The current UTC time as ISO 8601 with seconds, e.g. `2017-03-06T09:30:00Z`."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- paths


def state_dir() -> Path:
    """The folder holding state files: `$QCON_TUI_STATE_DIR`, else `<user data dir>/state`."""
    override = os.environ.get(STATE_DIR_ENV)
    if override:
        return Path(override).expanduser()
    from .paths import user_data_dir

    return user_data_dir() / "state"


def notes_key(notes_path: str | os.PathLike[str]) -> str:
    """What identifies a notes file: its resolved path.

    The bundled notes get a fixed key instead, so their state survives a
    reinstall or a Python upgrade that moves the package; your copy of them (made
    by `e` in the browser) shares that key, so your stars, notes and read marks
    stay with the talks when you start editing the copy.
    """
    from .paths import BUNDLED_NAME, is_bundled, is_own_copy

    if is_bundled(notes_path) or is_own_copy(notes_path):
        return f"bundled:{BUNDLED_NAME}"
    return str(Path(notes_path).expanduser().resolve())


def state_path_for(notes_path: str | os.PathLike[str], folder: Path | None = None) -> Path:
    """The state file for a notes file: `<slug of stem>-<short sha of its key>.json`."""
    key = notes_key(notes_path)
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    stem = slugify(Path(notes_path).stem)[:40].rstrip("-") or "notes"
    return (folder or state_dir()) / f"{stem}-{digest}.json"


# --------------------------------------------------------------------------- file shape


class Corrupt(Exception):
    """The state file exists but is not a state file we can use."""


def empty_data() -> dict[str, Any]:
    return {"format": FORMAT, "version": VERSION, "talks": {}}


def check_shape(data: Any) -> dict[str, Any]:
    """Return `data` if it has the shape of a state file, else raise `Corrupt` saying why."""
    if not isinstance(data, dict):
        raise Corrupt("the top level is not an object")
    version = data.get("version", VERSION)
    if not isinstance(version, int):
        raise Corrupt("'version' is not a number")
    if version > VERSION:
        raise StateError(f"it was written by a newer qcon-tui (format version {version}); upgrade to use it")
    talks = data.get("talks", {})
    if not isinstance(talks, dict):
        raise Corrupt("'talks' is not an object")
    for talk_id, record in talks.items():
        if not isinstance(record, dict):
            raise Corrupt(f"the record for {talk_id!r} is not an object")
        if not isinstance(record.get("starred", False), bool):
            raise Corrupt(f"'starred' of {talk_id!r} is not true or false")
        for key in ("annotation", "read_at", "updated_at", "orphaned_at"):
            if not isinstance(record.get(key), str | None):
                raise Corrupt(f"'{key}' of {talk_id!r} is not text")
        if not isinstance(record.get("title", ""), str):
            raise Corrupt(f"'title' of {talk_id!r} is not text")
    seen = data.get("seen", [])
    if not isinstance(seen, list) or not all(isinstance(item, str) for item in seen):
        raise Corrupt("'seen' is not a list of ids")
    # Ids are slugs; one holding control characters came from outside and is made harmless.
    data["talks"] = {clean(talk_id): record for talk_id, record in talks.items()}
    if "seen" in data:
        data["seen"] = [clean(item) for item in seen]
    return data


def parse(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise Corrupt("it is not UTF-8") from None
    except json.JSONDecodeError as error:
        raise Corrupt(f"bad JSON at line {error.lineno}") from None
    except RecursionError:
        raise Corrupt("values are nested too deeply") from None
    except ValueError as error:  # a number with more digits than Python will convert
        raise Corrupt(f"bad JSON ({str(error).split(';')[0]})") from None
    return check_shape(data)


def read_state(path: Path) -> tuple[os.stat_result, bytes]:
    """The state file's stat and bytes; `Corrupt` when it is not a regular file or too large."""
    try:
        return read_regular(path, MAX_STATE_BYTES)
    except NotRegularFileError:
        raise Corrupt("it is not a regular file") from None
    except FileTooLargeError as error:
        raise Corrupt(f"it is too large ({error.size} bytes)") from None


# --------------------------------------------------------------------------- locking and writing


@contextlib.contextmanager
def locked(path: Path, lock_path: Path) -> Iterator[None]:
    """Hold an exclusive `flock` on `lock_path`, the sibling lock file of the state file `path`."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Never through a symbolic link: it could make a file wherever it points.
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
    except OSError as error:
        raise StateError(f"cannot write state in {path.parent}: {error.strerror or error}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock; so does the process dying


def read_locked(path: Path, warnings: list[str]) -> dict[str, Any]:
    """Read the file while holding the lock; a corrupt one is moved aside, a warning appended."""
    try:
        return parse(read_state(path)[1])
    except (FileNotFoundError, NotADirectoryError):
        return empty_data()
    except OSError as error:
        raise StateError(f"cannot read {path}: {error.strerror or error}") from None
    except Corrupt as why:
        warnings.append(set_aside(path, str(why)))
        return empty_data()


def set_aside(path: Path, why: str) -> str:
    """Move a corrupt state file to `NAME.corrupt-STAMP`; return the warning that says so."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    count = 1
    while target.exists():
        count += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{count}")
    try:
        os.replace(path, target)
        fsync_dir(path.parent)
    except OSError as error:
        raise StateError(
            f"state file {path} is unreadable ({why}) and cannot be moved aside: "
            f"{error.strerror or error}"
        ) from None
    return (
        f"state file {path} was unreadable ({why}); moved it to {target.name} "
        "and started with no stars or notes"
    )


def remove_stale_temps(path: Path) -> None:
    """Delete temp files a killed writer left (only writers holding the lock make them)."""
    prefix = f".{path.name}."
    with contextlib.suppress(OSError), os.scandir(path.parent) as entries:
        for entry in entries:
            if entry.name.startswith(prefix) and entry.name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def write_data(path: Path, data: dict[str, Any]) -> None:
    """Write the data atomically (under the lock), keys in a readable order."""
    remove_stale_temps(path)
    text = json.dumps(ordered(data), indent=2, ensure_ascii=False) + "\n"
    try:
        atomic_write(path, text, mode=0o600)
    except OSError as error:
        raise StateError(f"cannot write {path}: {error.strerror or error}") from None


def ordered(data: dict[str, Any]) -> dict[str, Any]:
    """The file's keys in a readable order: header first, then talks, then the seen list."""
    head = ("format", "version", "title", "notes_path", "updated_at")
    out = {key: data[key] for key in head if key in data}
    out["talks"] = data["talks"]
    out.update((key, value) for key, value in data.items() if key not in out)
    return out

