"""Safe file access: a crash mid-write never leaves a partial or empty file, and a
read never blocks on a FIFO nor runs off into a device."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

#: What tells one version of a file from the next: inode, mtime (ns) and size.
Stamp = tuple[int, int, int]


def file_stamp(path: str | os.PathLike[str]) -> Stamp | None:
    """The file's `Stamp` now (one `stat`); None if it cannot be stat'ed (missing, say)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def stamp_of(st: os.stat_result) -> Stamp:
    """The `Stamp` of a stat result already in hand (of exactly the bytes read)."""
    return (st.st_ino, st.st_mtime_ns, st.st_size)


class NotRegularFileError(OSError):
    """The path names a FIFO, a device or a socket: nothing a file of ours can be."""

    def __init__(self, path: str) -> None:
        super().__init__(errno.EINVAL, "not a regular file (a FIFO, device or socket)", path)


class FileTooLargeError(OSError):
    """The file holds more bytes than the caller will read."""

    def __init__(self, path: str, size: int, limit: int) -> None:
        super().__init__(errno.EFBIG, f"file is too large ({size} bytes; the limit is {limit})", path)
        self.size = size
        self.limit = limit


def read_regular(path: str | os.PathLike[str], limit: int) -> tuple[os.stat_result, bytes]:
    """The bytes of the regular file at `path` (and its stat), reading at most `limit` bytes.

    Opened without blocking, so a FIFO cannot hang the caller; anything but a regular
    file (a FIFO, `/dev/zero`, a socket) is refused before a byte is read, and a file
    that holds more than `limit` bytes, even one that grows while it is read, is
    refused. Raises OSError (IsADirectoryError, NotRegularFileError, FileTooLargeError).
    """
    name = os.fspath(path)
    fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a directory", name)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFileError(str(name))
        if st.st_size > limit:
            raise FileTooLargeError(str(name), st.st_size, limit)
        chunks: list[bytes] = []
        total = 0
        # The first read asks for the whole file (one copy, no join for a file that
        # does not change meanwhile); later reads catch a file that grows.
        ask = st.st_size + 1
        while chunk := os.read(fd, min(ask, limit + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise FileTooLargeError(str(name), total, limit)
            ask = 1 << 20
        return st, chunks[0] if len(chunks) == 1 else b"".join(chunks)
    finally:
        os.close(fd)


def atomic_write(path: str | os.PathLike[str], data: str | bytes, *, mode: int | None = None) -> None:
    """Write `data` (text as UTF-8, or bytes) to `path` atomically: temp file in the same folder,
    fsync, `os.replace`.

    Readers see either the old file or the new one, whole. The folder is fsynced
    too, so the rename itself survives a power cut.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        elif target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(folder)


def fsync_dir(folder: str | os.PathLike[str]) -> None:
    """Flush a folder's entries to disk, so a rename or unlink in it survives a power cut."""
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
