"""Observations: values read from a source, each carrying its provenance.

An :class:`Observation` is what every reader returns and every writer consumes. Its
``value`` is a number, or a symbol standing for a value that must never be shown as 0:
DfE suppression symbols (``c``, ``z``, ``x``, ``k``, ``low``, ``u``, ``:``), "No data" or
"Not yet available". The :class:`Provenance` says exactly where the value came from.
"""

from __future__ import annotations

import hashlib
import math
import os
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

#: DfE open-data symbols and their meanings (DfE data guidance, "symbols used in the release").
SYMBOLS: dict[str, str] = {
    "c": "suppressed to protect confidentiality",
    "z": "not applicable",
    "x": "not available",
    "k": "rounds to zero but is not zero",
    "low": "a low figure, shown as 'low'",
    "u": "low reliability",
    ":": "not available",
}

NO_DATA = "No data"
NOT_AVAILABLE = "Not yet available"
IN_DEVELOPMENT = "In development"


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@lru_cache(maxsize=256)
def _sha256(path: str, mtime_ns: int, size: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, cached per (path, mtime, size) so a build hashes each input once."""
    stat = path.stat()
    return _sha256(os.path.abspath(path), stat.st_mtime_ns, stat.st_size)  # abspath: no symlink walk per call


@dataclass(frozen=True)
class Provenance:
    """Where a value came from: file, fingerprint, place in the file, period, and what was done to it."""

    source_id: str
    path: Path
    display_path: str  # path as shown to people: relative to the project where possible
    sha256: str
    locator: str  # resolved place: "'Comparison'!C9" or "filters new_la_code=<the LA's code>, time_period=2025; column percentage"
    period: str = ""
    transformation: str = "as published"
    mapping_ref: str = ""  # file:line of the mapping entry that asked for it


@dataclass(frozen=True)
class Observation:
    """One value (a number, a symbol, text, or None for a cell left blank by design) with its provenance
    and a note for people (why a value is missing, what a symbol means)."""

    value: float | int | str | None
    provenance: Provenance | None
    note: str = ""

    @property
    def is_number(self) -> bool:
        return is_number(self.value)

    def with_(self, **changes) -> "Observation":
        return replace(self, **changes)


def parse_number(text: str) -> float | int | str:
    """A cell's text as a number, or the text itself (stripped) when it is not one: a DfE symbol such as
    ``c`` stays ``c``, never 0; an empty cell is "No data". Thousands separators are allowed (``1,234``).
    Text that reads as NaN or infinity (``nan``, ``inf``, ``1e400``) raises :class:`NotFinite`."""
    text = (text or "").strip()
    if not text:
        return NO_DATA  # an empty cell: never 0, and not DfE's 'x' either
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        return text
    if not math.isfinite(number):  # 'NaN', 'inf', '1e400': never a figure; the reader names where it was
        raise NotFinite(text)
    return int(number) if number.is_integer() and "." not in text else number


class NotFinite(ValueError):
    """A cell that reads as a number but is NaN or infinite; readers turn it into an error naming the file and cell."""

    def __init__(self, text: str):
        super().__init__(f"'{text}' is not a finite number")
        self.text = text


def unavailable(reason: str, *, label: str = NOT_AVAILABLE) -> Observation:
    """A value that is not yet available: shown as such, with the reason, never as 0."""
    return Observation(value=label, provenance=None, note=reason)


def is_symbol(value: object) -> bool:
    """True for DfE symbols and for the words that stand for a missing value ('No data', 'Not yet available', 'In development')."""
    return isinstance(value, str) and (value.strip().lower() in SYMBOLS or value in (NO_DATA, NOT_AVAILABLE, IN_DEVELOPMENT))


def describe_symbol(symbol: str) -> str:
    meaning = SYMBOLS.get(symbol.strip().lower())
    return f"'{symbol}' in source: {meaning}" if meaning else f"'{symbol}' in source"
