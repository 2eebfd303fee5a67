"""Writing files safely: the one way every output of the project reaches the disk.

A workbook, a report, a JSON file, the add-in or a settings file is written to a temporary
file in the destination folder and moved over the old file in one step (``os.replace``),
so a reader never sees half a file and a failed write leaves the old one as it was; the files
of one run (every workbook of a build, every pack of a batch) are moved together by
:class:`Outputs`, so either all of them are replaced or none is. A workbook open in Excel (its
``~$`` lock file beside it) is never written. The temporary file is created with the ordinary
mode (0666 less the umask, as any other new file gets: not the 0600 of ``tempfile.mkstemp``,
which ``os.replace`` would keep).
"""

from __future__ import annotations

import os
import secrets
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from .errors import UserError

TEMP_PREFIX = ".~scorecard-"
_MOVED: list[Path] = []  # every target this process has moved into place, so an interrupt can say what was written


def moved_into_place() -> list[Path]:
    """The files this process has written in full and moved into place (for what an interrupted command says)."""
    return list(_MOVED)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block ends (they arrive as soon as it does): the moves of a
    commit and the clean-up after them are never cut short half-way."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield  # Windows has no signal mask: its moves are as short as they can be
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


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


def check_suffix(path: Path, option: str, suffixes: tuple[str, ...], what: str) -> Path:
    """Refuse an output whose name does not say what it holds (``--json report.xlsx``): a program that
    opens it by its extension would refuse it, or read it as what it is not."""
    path = Path(path)
    if path.suffix.lower() not in suffixes:
        raise UserError(f"{option} {path}: {what}, so its name must end {' or '.join(suffixes)}",
                        hint=f"Give a file name ending in {suffixes[0]}.")
    return path


def resolved(path: Path) -> Path:
    """``path`` made absolute with its links followed; a link that leads back to itself is an error naming it."""
    try:
        return Path(path).resolve()
    except (RuntimeError, OSError) as exc:  # Python 3.11 raises RuntimeError for a loop of symbolic links
        raise UserError(f"{path}: cannot tell which file or folder this is ({exc})",
                        hint="It is a symbolic link that leads back to itself: delete it or give another file name.") from None


def refuse_overwriting(target: Path, inputs, *, what: str = "an input file") -> None:
    """Refuse to write ``target`` when it is one of ``inputs`` (the same path, or the same file by another
    name): a run never writes over what it reads."""
    target = Path(target)
    where = resolved(target)
    for source in inputs:
        source = Path(source)
        same = resolved(source) == where
        if not same and target.exists() and source.exists():
            try:
                same = os.path.samefile(target, source)
            except OSError:
                pass
        if same:
            raise UserError(f"Refusing to write {target}: it is {what} ({source}).",
                            hint="Choose a different output path so the original is never overwritten.")


def check_output(path: Path, inputs, option: str, suffixes: tuple[str, ...], what: str) -> Path:
    """An output path a run may write: not one of its ``inputs`` (checked first, as the graver mistake), and
    named for what it holds (:func:`check_suffix`)."""
    refuse_overwriting(Path(path), inputs)
    return check_suffix(path, option, suffixes, what)


class Outputs:
    """Files a run writes together: all of them replace their targets, or none does.

    Each :meth:`stage` writes its content to a temporary file beside the target, so a failure while
    writing (a full disk, a workbook open in Excel, Ctrl-C) leaves every target as it was. Leaving the
    ``with`` block normally moves them all into place (a single file in one atomic replace; of several,
    each old one is kept under a second name first, so that a failure half-way puts the ones already
    moved back); leaving it by an exception removes the temporary files.
    """

    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path]] = []

    def __enter__(self) -> "Outputs":
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()

    def stage(self, path: Path, content: bytes | Callable[[BinaryIO], None], *,
              hint: str = "Check that the folder exists and you may write to it.",
              locked_hint: str = "If the file is open in another program, close it and try again.") -> Path:
        """Write ``content`` (bytes, or a function that writes into an open binary file) for ``path``; it
        replaces ``path`` when the run ends well. The folder must exist."""
        path = Path(path)
        folder = path.parent
        if not folder.is_dir():
            raise UserError(f"cannot write {path}: folder {folder} does not exist", hint=hint)
        if path.is_dir():
            raise UserError(f"cannot write {path}: it is a folder", hint="Give a file name, not a folder.")
        for lock in {folder / ("~$" + path.name), folder / ("~$" + path.name[2:])}:  # Excel's lock file (long names lose 2 letters)
            if len(lock.name) > 2 and lock.exists():
                raise UserError(f"{path} is open in Excel (lock file {lock.name} exists).", hint="Close it in Excel and try again.")
        if any(resolved(target) == resolved(path) for target, _tmp in self._staged):
            raise UserError(f"two outputs of this run are the same file: {path}",
                            hint="Give each output its own file name (for a build, the mappings' `output:`).")
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
        except PermissionError as exc:
            _unlink_quietly(tmp)
            raise UserError(f"cannot write {path}: {exc.strerror or exc}", hint=locked_hint) from None
        except OSError as exc:
            _unlink_quietly(tmp)
            raise UserError(f"cannot write {path}: {exc.strerror or exc}", hint=hint) from None
        except BaseException:
            _unlink_quietly(tmp)
            raise
        self._staged.append((path, tmp))
        return path

    def discard(self) -> None:
        """Remove every temporary file: no target is touched."""
        for _target, tmp in self._staged:
            _unlink_quietly(tmp)
        self._staged = []

    def commit(self) -> None:
        """Move every staged file into place; if one cannot be moved, put back the ones already moved.
        Ctrl-C and SIGTERM are held until the moves and their clean-up are done."""
        with _signals_held():
            self._commit()

    def _commit(self) -> None:
        moved: list[tuple[Path, Path | None]] = []  # (target, the old file set aside, if there was one)
        try:
            for target, tmp in self._staged:
                aside, linked = None, False
                if len(self._staged) > 1 and target.exists():  # kept, to put back if a later move fails
                    aside = target.with_name(f"{TEMP_PREFIX}{secrets.token_hex(8)}.old")
                    try:
                        os.link(target, aside)  # a second name: the target itself is never missing
                        linked = True
                    except OSError:
                        os.replace(target, aside)  # a file system without hard links
                try:
                    os.replace(tmp, target)  # one atomic step: a single output never goes through a moment without a file
                except BaseException:
                    if aside is not None and linked:  # this target is still the old file: drop its second name
                        _unlink_quietly(aside)
                    elif aside is not None:  # set aside by name: it goes back
                        os.replace(aside, target)
                    raise
                moved.append((target, aside))
        except BaseException as exc:
            for target, aside in reversed(moved):
                try:
                    if aside is not None:
                        os.replace(aside, target)
                    elif target.exists():
                        os.unlink(target)
                except OSError:
                    pass
            self.discard()
            if isinstance(exc, OSError):
                raise UserError(f"cannot move the new files into place ({exc.strerror or exc}); every output was left as it was",
                                hint="If a workbook is open in Excel, close it and try again.") from None
            raise
        for _target, aside in moved:
            if aside is not None:
                _unlink_quietly(aside)
        _MOVED.extend(target for target, _aside in moved)
        self._staged = []


def write_atomic(path: Path, content: bytes | Callable[[BinaryIO], None], *,
                 hint: str = "Check that the folder exists and you may write to it.",
                 locked_hint: str = "If the file is open in another program, close it and try again.",
                 outputs: Outputs | None = None) -> Path:
    """Write ``content`` to ``path`` through a temporary file beside it, then move it into place (at once,
    or with the other files of ``outputs`` when the run ends well). The folder must exist."""
    if outputs is not None:
        return outputs.stage(path, content, hint=hint, locked_hint=locked_hint)
    with Outputs() as single:
        single.stage(path, content, hint=hint, locked_hint=locked_hint)
    return Path(path)


def _unlink_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
