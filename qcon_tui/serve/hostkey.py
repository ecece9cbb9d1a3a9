"""The SSH server's host key: made once, kept, so clients can trust it across restarts.

The default file is `<user data dir>/ssh_host_ed25519_key` (platformdirs, so
`XDG_DATA_HOME` is honoured); `$QCON_TUI_STATE_DIR`, when set, is used as the folder
instead, which keeps tests away from the user's own key.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncssh

KEY_NAME = "ssh_host_ed25519_key"


class HostKeyError(Exception):
    """The host key file cannot be read or written."""


def default_host_key_path() -> Path:
    """Where the host key lives when `--host-key` is not given."""
    folder = os.environ.get("QCON_TUI_STATE_DIR")
    if folder:
        return Path(folder) / KEY_NAME
    import platformdirs

    return Path(platformdirs.user_data_dir("qcon-tui", appauthor=False)) / KEY_NAME


def _create_exclusive(path: Path, data: bytes) -> bool:
    """Write `data` to `path` only if no file is there; False if one already was.

    The bytes go to a 0600 temp file in the same folder, are fsynced, then linked
    into place: the key is never readable by others, never half written, and two
    servers starting at once end up sharing one key instead of overwriting it.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return True


def load_or_create_host_key(path: Path) -> tuple[asyncssh.SSHKey, bool]:
    """The private key at `path`, made (ed25519, mode 0600) if missing; and whether it was made."""
    import asyncssh

    created = False
    if not path.exists():
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            key = asyncssh.generate_private_key("ssh-ed25519")
            created = _create_exclusive(path, key.export_private_key("openssh"))
        except OSError as error:
            raise HostKeyError(f"cannot write host key {path}: {error.strerror or error}") from None
    try:
        return asyncssh.read_private_key(path), created
    except OSError as error:
        raise HostKeyError(f"cannot read host key {path}: {error.strerror or error}") from None
    except (asyncssh.KeyImportError, ValueError) as error:
        raise HostKeyError(f"{path}: not a usable private key: {error}") from None
