"""Reader for DfE open-data CSVs ("explore education statistics" format).

Real files have traits a reader must handle (see the DfE data guidance):

* a byte-order mark on some files, and header case that differs between files;
* symbols instead of numbers (``c``, ``z``, ``x``, ``k``, ``low``, ``u``, ``:``) which are
  kept as symbols, never read as 0;
* exact duplicate rows (England rows appear twice in some files), which are tolerated;
* the same LA named differently in different files, so LAs are matched by code
  (``new_la_code`` like E06000051, or ``old_la_code`` like 893), never by name.

The whole file is read once as text (``dtype=str``) and filtered with vectorised pandas.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import UserError
from ..observations import SYMBOLS

def parse_number(text: str) -> float | int | str:
    """A DfE cell as a number, or the symbol itself (stripped) when it is not a number."""
    text = (text or "").strip()
    if not text:
        return "No data"  # an empty cell: never 0, and not DfE's 'x' either
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        return text
    return int(number) if number.is_integer() and "." not in text else number


def format_period(time_period: str) -> str:
    """DfE time periods: 2024 -> '2024'; 202425 -> '2024-25'."""
    text = str(time_period)
    if len(text) == 6 and text.isdigit():
        return f"{text[:4]}-{text[4:]}"
    return text


@dataclass
class DfeTable:
    """One DfE open-data CSV, headers lower-cased, every cell as text.

    Geography columns are stripped when the file is read; any other column is stripped and
    case-folded the first time a filter uses it (not every column of a 24,000-row file up front).
    """

    path: Path
    frame: pd.DataFrame
    _folded: dict = field(default_factory=dict, repr=False)
    cache: dict = field(default_factory=dict, repr=False)  # results derived from the frame (selections, benchmark slices)

    @classmethod
    def read(cls, path: Path) -> "DfeTable":
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except UnicodeDecodeError:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="cp1252")
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise UserError(f"{path}: not a readable CSV ({exc})", hint="Download the file again from DfE.") from exc
        frame.columns = [str(c).strip().lower() for c in frame.columns]
        missing = [c for c in ("time_period", "geographic_level") if c not in frame.columns]
        if missing:
            raise UserError(
                f"{path}: not a DfE open-data CSV (no column {', '.join(missing)})",
                hint="Expected the 'explore education statistics' format: time_period, time_identifier, geographic_level, ...",
            )
        for column in ("new_la_code", "old_la_code", "la_name", "region_code", "region_name"):
            if column not in frame.columns:
                frame[column] = ""
        # Geography columns hold few distinct values: clean each distinct value once, and only map
        # a column whose values need it (most files need no stripping at all).
        for column, clean in (("time_period", str.strip), ("new_la_code", str.strip), ("old_la_code", str.strip),
                              ("geographic_level", lambda v: v.strip().casefold())):
            cleaned = {v: clean(v) for v in frame[column].unique()}
            if any(k != v for k, v in cleaned.items()):
                frame[column] = frame[column].map(cleaned)
        return cls(path=path, frame=frame)

    def column(self, name: str) -> str:
        key = name.strip().lower()
        if key not in self.frame.columns:
            raise UserError(
                f"{self.path}: no column '{name}'",
                hint=f"Columns in this file: {', '.join(self.frame.columns)}",
            )
        return key

    def select(self, filters: dict[str, str]) -> pd.DataFrame:
        """Rows matching every filter (column names case-insensitive, values compared case-insensitively)."""
        mask = pd.Series(True, index=self.frame.index)
        for name, wanted in filters.items():
            mask &= self.folded(self.column(name)) == str(wanted).strip().casefold()
        return self.frame[mask]

    def folded(self, column: str) -> pd.Series:
        """A column stripped and case-folded, for matching; computed once per column."""
        if column not in self._folded:
            self._folded[column] = self.frame[column].str.strip().str.casefold()
        return self._folded[column]

    def periods(self, rows: pd.DataFrame) -> list[str]:
        """Time periods present in ``rows``, oldest first."""
        return sorted(set(rows["time_period"]), key=lambda p: (len(p), p))


def area_filter(frame: pd.DataFrame, *, level: str, codes: set[str] | None = None) -> pd.Series:
    """Mask for England (level 'national') or LAs matched by new or old code (never by name)."""
    if level == "national":
        return frame["geographic_level"] == "national"
    codes = list(codes or ())
    return (frame["geographic_level"] == "local authority") & (frame["new_la_code"].isin(codes) | frame["old_la_code"].isin(codes))


def values_by_code(rows: pd.DataFrame, column: str) -> dict[str, set[str]]:
    """LA-level rows' values of ``column`` by LA code (new and old), exact duplicates counting once."""
    las = rows[rows["geographic_level"] == "local authority"]
    found: dict[str, set[str]] = {}
    for new, old, text in las[["new_la_code", "old_la_code", column]].itertuples(index=False):
        for code in (new, old):
            if code:
                found.setdefault(code, set()).add(text.strip())
    return found


def unique_value(rows: pd.DataFrame, column: str, *, describe: str, path: Path) -> tuple[str, int]:
    """The one value in ``column`` across ``rows``, tolerating exact duplicate rows.

    Returns the text and the number of duplicate rows dropped. Raises if rows disagree.
    """
    distinct = rows.drop_duplicates()
    values = set(distinct[column].str.strip())
    if len(values) > 1:
        raise UserError(
            f"{path}: {describe} matches {len(distinct)} different rows ({', '.join(sorted(values))})",
            hint="Add filters in the mapping so the locator picks exactly one row.",
        )
    return distinct[column].iloc[0].strip(), len(rows) - len(distinct)


__all__ = ["DfeTable", "SYMBOLS", "parse_number", "format_period", "area_filter", "unique_value"]
