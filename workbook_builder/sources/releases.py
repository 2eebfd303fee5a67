"""Where DfE's releases are: the folders given with ``--published`` (each searched through its
subfolders), and the files of one publication found in them.

DfE publishes a file again with every release (``cla_number_and_rate_per_10k_children.csv`` in the
2024 release holds 2020-2024, in the 2025 release 2021-2025, with earlier years revised), and
some file names carry the years they cover (``c1_…_2013_to_2025.csv``), so a published measure
names its file as a pattern and every file matching it, in any folder given, is a release of it.
Which release serves which period is decided by the measure (the newest serves every period it
holds); this module only finds them, in a fixed order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

from ..errors import UserError
from ..files import resolved

MAX_DEPTH = 6  # folders below a --published folder that are searched
MAX_FILES = 20_000  # files looked at under one --published folder


@dataclass(frozen=True)
class PublishedFolders:
    """The folders of DfE releases a run reads, in the order given."""

    folders: tuple[Path, ...]
    _listings: dict = field(default_factory=dict, compare=False, repr=False)  # each folder listed once per run
    memo: dict = field(default_factory=dict, compare=False, repr=False)  # what readers derive from the files found, kept for the run

    @classmethod
    def of(cls, folders, *, check: bool = True) -> "PublishedFolders":
        """The folders, each once, resolved; one that is not a folder is an error naming it, now or (with
        ``check=False``, for a default folder that may never be read) when it is first searched."""
        found = cls(tuple(dict.fromkeys(resolved(f) for f in folders)))
        if check:
            for path in found.folders:
                _check_folder(path)
        return found

    @classmethod
    def for_run(cls, cache: dict, folders, *, check: bool = True) -> "PublishedFolders":
        """:meth:`of`, made once per run in ``cache`` (the workspace's): every LA of a batch shares one
        listing of each folder and the releases found in it."""
        paths = tuple(Path(f) for f in folders)
        key = ("published folders", paths)
        if key not in cache:
            cache[key] = cls.of(paths, check=check)
        return cache[key]

    def __bool__(self) -> bool:
        return bool(self.folders)

    def describe(self) -> str:
        """The folders, for messages."""
        return ", ".join(str(f) for f in self.folders)

    def find(self, pattern: str) -> list[Path]:
        """Every CSV whose name matches ``pattern`` (case-insensitive; ``*`` and ``?`` as in a shell) in
        the folders and their subfolders, each once, ordered by path."""
        wanted = pattern.lower()
        found: dict[Path, None] = {}
        for folder in self.folders:
            if folder not in self._listings:
                self._listings[folder] = _csv_files(folder)
            for path in self._listings[folder]:
                if fnmatchcase(path.name.lower(), wanted):
                    found.setdefault(resolved(path), None)
        return sorted(found)


def _check_folder(path: Path) -> None:
    if not path.is_dir():
        raise UserError(f"published-data folder not found: {path}",
                        hint="Pass --published with a folder of DfE open-data CSVs (it may be given more than once).")


def _csv_files(folder: Path) -> list[Path]:
    """The CSV files under ``folder`` (hidden folders and files skipped), at most MAX_DEPTH folders down."""
    _check_folder(folder)
    files: list[Path] = []
    stack = [(folder, 0)]
    seen = 0
    while stack:
        current, depth = stack.pop()
        try:
            entries = sorted(current.iterdir())
        except OSError as exc:
            raise UserError(f"cannot read published-data folder {current}: {exc.strerror or exc}") from None
        for entry in entries:
            seen += 1
            if seen > MAX_FILES:
                raise UserError(f"{folder} holds more than {MAX_FILES:,} files; refusing to search it for DfE releases",
                                hint="Pass the folders that hold the DfE files (--published may be given more than once).")
            if entry.name.startswith("."):
                continue
            if entry.is_dir() and depth < MAX_DEPTH:
                stack.append((entry, depth + 1))
            elif entry.suffix.lower() == ".csv" and entry.is_file():
                files.append(entry)
    return sorted(files)


__all__ = ["PublishedFolders"]
