"""Writing files safely: the one way every output of the project reaches the disk.

A workbook, a report, a JSON file, the add-in or a settings file is written to a temporary
file in the destination folder and moved over the old file in one step (``os.replace``),
so a reader never sees half a file and a failed write leaves the old one as it was. The
temporary file is created with the ordinary mode (0666 less the umask, as any other new
file gets: not the 0600 of ``tempfile.mkstemp``, which ``os.replace`` would keep).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from .errors import UserError

TEMP_PREFIX = ".~scorecard-"


def make_folder(path: Path, *, hint: str = "Choose a folder you can write to.") -> Path:
    """Create ``path`` (and its parents) if missing; a failure is a :class:`UserError` naming the folder."""
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise UserError(f"cannot create the folder {path}: a file of that name is in the way", hint=hint) from None
    except OSError as exc:
        raise UserError(f"cannot create the folder {path}: {exc.strerror or exc}", hint=hint) from None
    return path


def write_atomic(path: Path, content: bytes | Callable[[BinaryIO], None], *,
                 hint: str = "Check that the folder exists and you may write to it.",
                 locked_hint: str = "If the file is open in another program, close it and try again.") -> Path:
    """Write ``content`` (bytes, or a function that writes into an open binary file) to ``path``
    through a temporary file beside it, then move it into place. The folder must exist."""
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        raise UserError(f"cannot write {path}: folder {folder} does not exist", hint=hint)
    if path.is_dir():
        raise UserError(f"cannot write {path}: it is a folder", hint="Give a file name, not a folder.")
    tmp = folder / f"{TEMP_PREFIX}{secrets.token_hex(8)}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc} in folder {folder}", hint=hint) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            if callable(content):
                content(handle)
            else:
                handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except PermissionError as exc:
        _unlink_quietly(tmp)
        raise UserError(f"cannot write {path}: {exc.strerror or exc}", hint=locked_hint) from None
    except OSError as exc:
        _unlink_quietly(tmp)
        raise UserError(f"cannot write {path}: {exc.strerror or exc}", hint=hint) from None
    except BaseException:
        _unlink_quietly(tmp)
        raise
    return path


def _unlink_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
