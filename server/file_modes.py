"""Who may read the server's files: `var/` is 0700, and the SQLite database with its WAL and SHM
files and the secret key are 0600, when they are created and again on every start.

The database holds pupils' comments, author names and password hashes: with the umask of most
systems SQLite would create it 0644 (readable by every account on the machine). SQLite gives
its -wal and -shm files the mode of the database file, so creating that file 0600 before SQLite
opens it is enough for all three; the start-up pass repairs files made by older versions.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger("denkna.server")

DIR_MODE = 0o700
FILE_MODE = 0o600
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def _chmod(path: Path, mode: int) -> None:
    try:
        if stat.S_IMODE(path.stat().st_mode) != mode:
            path.chmod(mode)
    except FileNotFoundError:
        pass
    except PermissionError:
        log.warning("kan de rechten van %s niet op %o zetten (niet de eigenaar)", path, mode)


def private_dir(path: Path) -> None:
    """Create `path` (and its parents) if missing; the directory itself becomes 0700."""
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    _chmod(path, DIR_MODE)


def private_file(path: Path) -> None:
    """Create `path` empty with 0600 if missing, else set it to 0600."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        _chmod(path, FILE_MODE)


def sqlite_files(db_path: Path) -> None:
    """The database file (created 0600 when new: an empty file is an empty database) and its
    side files (0600 if present)."""
    private_file(db_path)
    for suffix in SQLITE_SIDE_FILES:
        _chmod(db_path.with_name(db_path.name + suffix), FILE_MODE)


def var_dir(path: Path) -> None:
    """`var/` 0700 and every database and secret file directly in it 0600 (the start-up pass)."""
    private_dir(path)
    for child in path.iterdir():
        if child.is_file() and (child.name == "secret_key" or ".sqlite" in child.name):
            _chmod(child, FILE_MODE)
