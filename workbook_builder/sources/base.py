"""What every source reader shares: the input file it reads and the record of what it read.

A build reads each input file once. :class:`InputFile` fingerprints it (SHA-256, size) and
collects what the Sources sheet reports: rows read and periods covered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UserError
from ..observations import file_sha256


def display_path(path: Path, root: Path | None = None, inputs: Path | None = None) -> str:
    """A path as people should see it, the same whatever the current folder: relative to the project
    ``root`` when inside it, else to the parent of the ``inputs`` folder, else just the file name."""
    path = Path(path).resolve()
    for base in filter(None, [root, inputs.resolve().parent if inputs else None]):
        try:
            return path.relative_to(Path(base).resolve()).as_posix()
        except ValueError:
            continue
    return path.name


@dataclass
class InputFile:
    """One input file of a build, with the facts the Sources sheet shows about it."""

    source_id: str
    kind: str
    path: Path
    display_path: str
    description: str = ""
    sample: bool = False
    sample_note: str = ""
    rows_read: int = 0
    periods: set[str] = field(default_factory=set)

    @property
    def sha256(self) -> str:
        return file_sha256(self.path)

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def require_file(path: Path, what: str) -> Path:
    if not path.is_file():
        raise UserError(
            f"{what} not found: {path}",
            hint="Check the path in the mapping's `sources:` section and the --inputs folder.",
        )
    return path
