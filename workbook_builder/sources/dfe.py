"""Reader for DfE open-data CSVs ("explore education statistics" format; source kind ``dfe_csv``).

Real files have traits a reader must handle (see the DfE data guidance):

* a byte-order mark on some files, and header case that differs between files;
* symbols instead of numbers (``c``, ``z``, ``x``, ``k``, ``low``, ``u``, ``:``) which are
  kept as symbols, never read as 0;
* exact duplicate rows (England rows appear twice in some files), which are tolerated;
* the same LA named differently in different files, so LAs are matched by code
  (``new_la_code``, nine characters, or ``old_la_code``, three digits), never by name.

The whole file is read once as text (``dtype=str``) and filtered with vectorised pandas; the
rows one set of filters selects are then kept as plain tuples by period and geographic level
(:class:`DfeRecords`), so the many lookups by area that follow are dictionary lookups.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..errors import UserError
from ..limits import check_text_file, not_utf8, text_encoding
from ..observations import NO_DATA, NotFinite, Observation, describe_symbol, parse_number
from ..periods import FORMATS, ordered, period_end
from .base import Context
from .locator import Locator
from .neighbours import neighbour_mean

KIND = "dfe_csv"
VERSION_ORDER = {"provisional": 0, "revised": 1, "final": 2}  # DfE's versions of one year's figures, in the order published
SCOPE = "national"  # every LA's rows: the same file serves any council


def check(locator: Locator) -> str | None:
    if locator.column is None:
        return "a DfE locator needs `column` (the indicator column to read) and `filters` for the rows"
    if locator.row is not None or locator.sheet is not None or locator.table is not None:
        return "a DfE locator finds rows by `filters` (column: value), not by `sheet`, `table` or `row`"
    return None


def describe(locators: list[Locator]) -> list[str]:
    """The open-data columns the mapping reads."""
    columns = list(dict.fromkeys([k for loc in locators for k in loc.filters] + [loc.column for loc in locators]))
    return ["A DfE open-data CSV as downloaded from explore-education-statistics.service.gov.uk: `time_period`, "
            "`geographic_level`, `new_la_code`, `old_la_code`, `la_name` and the columns "
            + ", ".join(f"`{c}`" for c in columns) + ". It holds every LA, so it is the same file for any council."]


def observe(locator: Locator, area: str, context: Context) -> Observation:
    """The LA's value (its row matched by new or old code), England's (the national row), or the mean
    of the LA's statistical neighbours' values (their rows matched by code; suppressed ones left out
    and named), for the locator's filters, column and period (DfE's years are never capped by --period)."""
    record = context.file
    table = DfeTable.load(record.path)  # read once per file version, shared by every workbook and LA
    column = table.value_column(locator.column)
    rows = table.records(locator.filters)
    if not rows.rows:
        raise UserError(f"{record.path}: no rows match filters {locator.filters}", hint="Check the filter values against the file.")
    period = context.pick(rows.periods(level="national" if area == "england" else None), locator.period,
                          capped=False, shown=format_period)
    record.periods.add(format_period(period))
    shown_period, filters_text, la = format_period(period), locator.filters_text, context.la

    if area in ("la", "england"):
        if area == "england":
            selected, where, label = rows.at_level(period, "national"), "geographic_level=National", "England"
        else:
            selected, where, label = rows.las(period, set(la.codes)), f"new_la_code={la.code}", f"{la.name} ({la.code})"
        record.rows_read += len(selected)
        if not selected:
            value, rows_note = NO_DATA, "no row"
        else:
            text, dropped = rows.unique_text(selected, column, describe=f"{label} {filters_text} {period}")
            value = parse_number(text)
            rows_note = f"{len(selected)} row(s)" + (f", {dropped} exact duplicate(s) ignored" if dropped else "")
        note = describe_symbol(value) if isinstance(value, str) and value != NO_DATA else ("no row in source" if value == NO_DATA else "")
        return Observation(value=value, note=note, provenance=context.provenance(
            f"{where}; {filters_text}; time_period={period}; column {column} ({rows_note})", period=shown_period,
            transformation="as published"))

    neighbours = context.neighbours()
    selected = rows.las(period, {c for n in neighbours for c in n.codes})
    record.rows_read += len(selected)
    sn = neighbour_mean(rows.texts_by_code(selected, column), neighbours, where=f"{record.path}: {filters_text} {period}",
                        hint="Add filters in the mapping so the locator picks exactly one row per LA.", joint=rows.joint(selected),
                        method=context.sn_method or "mean")
    locator_text = f"new_la_code in [{','.join(n.code for n in neighbours)}]; {filters_text}; time_period={period}; column {column}"
    return Observation(value=sn.value, note=sn.note, provenance=context.provenance(locator_text, period=shown_period,
                                                                                   transformation=sn.transformation))


def split_codes(text: str) -> list[str]:
    """An LA code cell's codes: one, or each of a joint return's (two codes joined by `` / ``, new or old)."""
    return [part.strip() for part in text.split("/") if part.strip()] if "/" in text else ([text] if text else [])


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
        """Read a DfE open-data CSV as text (BOM, header case and padded codes tidied); not one is a UserError naming the file."""
        check_text_file(path)
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=text_encoding(path))
        except UnicodeDecodeError as exc:
            raise not_utf8(path, exc) from None
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
            raise UserError(f"{path}: not a readable CSV ({exc})", hint="Download the file again from DfE.") from None
        if not isinstance(frame.index, pd.RangeIndex):  # pandas takes a first row one field longer than the header as an index
            raise UserError(f"{path}:2: more fields than the header has", hint="Download the file again from DfE.")
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
        for period in frame["time_period"].unique():  # a period that cannot be ordered: said now, with its line
            if period_end(str(period).strip()) is None:
                line = frame["time_period"].tolist().index(period) + 2  # (numpy's == ignores a trailing NUL)
                raise UserError(f"{path}:{line}: time_period '{period}' cannot be put in time order", hint=FORMATS)
        # Geography columns hold few distinct values: clean each distinct value once, and only map
        # a column whose values need it (most files need no stripping at all).
        for column, clean in (("time_period", str.strip), ("new_la_code", str.strip), ("old_la_code", str.strip),
                              ("geographic_level", lambda v: v.strip().casefold())):
            cleaned = {v: clean(v) for v in frame[column].unique()}
            if any(k != v for k, v in cleaned.items()):
                frame[column] = frame[column].map(cleaned)
        return cls(path=path, frame=frame)

    @classmethod
    def load(cls, path: Path) -> "DfeTable":
        """The table for ``path``, read once per version of the file (its size and modification
        time) and shared: the workbooks of one build, and every LA of a batch, use the same file
        and the selections already made from it."""
        stat = path.stat()
        return _load(str(path), stat.st_mtime_ns, stat.st_size)

    def column(self, name: str) -> str:
        """The file's name for column ``name`` (any case); an unknown column is an error listing the file's columns."""
        key = name.strip().lower()
        if key not in self.frame.columns:
            raise UserError(
                f"{self.path}: no column '{name}'",
                hint=f"Columns in this file: {', '.join(self.frame.columns)}",
            )
        return key

    def has_column(self, name: str) -> bool:
        """Whether the file has column ``name`` (any case)."""
        return name.strip().lower() in self.frame.columns

    def values(self, name: str) -> list[str]:
        """The distinct values of a column, as written (for messages)."""
        return sorted(set(self.frame[self.column(name)].str.strip()) - {""})

    def value_column(self, name: str) -> str:
        """:meth:`column` for a column read as figures: the first time, every cell of it is checked, and one
        that reads as NaN or infinity is an error naming the file, its line and the column."""
        column = self.column(name)
        if ("finite", column) not in self.cache:
            cells = self.frame[column].str.strip()
            suspect = cells.str.contains(r"^[+-]?(?:nan|inf|infinity)$|[eE][+-]?\d{3,}", case=False, regex=True)
            for index in cells.index[suspect]:
                try:
                    parse_number(cells[index])
                except NotFinite as exc:
                    raise UserError(f"{self.path}:{index + 2}: column {column}: {exc}",
                                    hint="A figure must be a number, a DfE symbol (c, z, x, …) or empty: download the file again.") from None
            self.cache[("finite", column)] = True
        return column

    def select(self, filters: dict[str, str]) -> pd.DataFrame:
        """Rows matching every filter (column names case-insensitive, values compared case-insensitively)."""
        mask = pd.Series(True, index=self.frame.index)
        for column, value in self._filter_key(filters):
            mask &= self.folded(column) == value
        return self.frame[mask]

    def records(self, filters: dict[str, str]) -> "DfeRecords":
        """The rows :meth:`select` picks, as plain tuples grouped by period and level; made once per
        selection and kept on the table.

        One measure looks up a handful of rows (the LA's, England's, its neighbours') in a
        selection many times over, and a batch does so for every LA; dictionaries and short
        lists answer those lookups in microseconds where a pandas mask costs a millisecond."""
        key = ("records", self._filter_key(filters))
        if key not in self.cache:
            rows = self.latest_version(self.select(filters), filters)
            # to_numpy(object).tolist(): plain str cells in one C pass (itertuples boxes every cell)
            self.cache[key] = DfeRecords(self.path, list(rows.columns), list(map(tuple, rows.to_numpy(dtype=object).tolist())))
        return self.cache[key]

    def latest_version(self, rows: pd.DataFrame, filters: dict[str, str]) -> pd.DataFrame:
        """Where the file has a ``version`` column (DfE's Provisional / Revised / Final) and the filters do
        not name one, each area's rows for a period in their latest version only: two versions are never
        summed or mixed, and an area published in one version only keeps it."""
        if "version" not in rows.columns or "version" in {self.column(k) for k in filters} or rows.empty:
            return rows
        rank = self.folded("version").loc[rows.index].map(VERSION_ORDER).fillna(-1)
        area = [rows[c] for c in ("time_period", "geographic_level", "region_code", "new_la_code", "old_la_code")]
        return rows[rank == rank.groupby(area).transform("max")]

    def _filter_key(self, filters: dict[str, str]) -> tuple[tuple[str, str], ...]:
        """Filters as (column, folded value) pairs in a fixed order: what they select, whatever their spelling."""
        return tuple(sorted((self.column(name), str(value).strip().casefold()) for name, value in filters.items()))

    def folded(self, column: str) -> pd.Series:
        """A column stripped and case-folded, for matching; computed once per column."""
        if column not in self._folded:
            self._folded[column] = self.frame[column].str.strip().str.casefold()
        return self._folded[column]


@dataclass
class DfeRecords:
    """Rows of one DfE selection (every column, as text), indexed by period for lookups by area."""

    path: Path
    columns: list[str]
    rows: list[tuple[str, ...]]

    def __post_init__(self) -> None:
        self.position = {name: i for i, name in enumerate(self.columns)}
        level, period = self.position["geographic_level"], self.position["time_period"]
        self._levels: dict[tuple[str, str], list[tuple[str, ...]]] = {}  # (period, level) -> rows
        for row in self.rows:
            self._levels.setdefault((row[period], row[level]), []).append(row)

    def periods(self, *, level: str | None = None) -> list[str]:
        """Time periods present (only those with a row at ``level``, e.g. 'national'), oldest first."""
        found = {p for p, lvl in self._levels if level is None or lvl == level}
        return ordered(found)

    def count(self, period: str) -> int:
        """Rows in one period, every geographic level."""
        return sum(len(rows) for (p, _), rows in self._levels.items() if p == period)

    def at_level(self, period: str, level: str) -> list[tuple[str, ...]]:
        """Rows of one period at one geographic level ('national', 'regional', 'local authority')."""
        return self._levels.get((period, level), [])

    def las(self, period: str, codes: set[str]) -> list[tuple[str, ...]]:
        """LA rows of one period matched by new or old LA code (never by name)."""
        new, old = self.position["new_la_code"], self.position["old_la_code"]
        return [r for r in self.at_level(period, "local authority") if not codes.isdisjoint((*split_codes(r[new]), *split_codes(r[old])))]

    def texts_by_code(self, rows: list[tuple[str, ...]], column: str) -> dict[str, set[str]]:
        """Values of ``column`` in LA ``rows`` (from :meth:`las` or :meth:`at_level`) by LA code, new
        and old; exact duplicates count once."""
        new, old, at = self.position["new_la_code"], self.position["old_la_code"], self.position[column]
        found: dict[str, set[str]] = {}
        for row in rows:
            for code in (*split_codes(row[new]), *split_codes(row[old])):
                found.setdefault(code, set()).add(row[at].strip())
        return found

    def joint(self, rows: list[tuple[str, ...]]) -> dict[str, str]:
        """The LA codes of ``rows`` that DfE publishes one figure for (a joint return), each to that return's name."""
        new, old, name = self.position["new_la_code"], self.position["old_la_code"], self.position["la_name"]
        return {code: row[name].strip() for row in rows if "/" in row[new] or "/" in row[old]
                for code in (*split_codes(row[new]), *split_codes(row[old]))}

    def unique_text(self, rows: list[tuple[str, ...]], column: str, *, describe: str) -> tuple[str, int]:
        """The one value of ``column`` across ``rows``, tolerating exact duplicate rows.

        Returns the text and the number of duplicate rows dropped. Raises if rows disagree."""
        at = self.position[column]
        distinct = list(dict.fromkeys(rows))
        values = {row[at].strip() for row in distinct}
        if len(values) > 1:
            raise UserError(
                f"{self.path}: {describe} matches {len(distinct)} different rows ({', '.join(sorted(values))})",
                hint="Add filters in the mapping so the locator picks exactly one row.",
            )
        return distinct[0][at].strip(), len(rows) - len(distinct)


@lru_cache(maxsize=32)
def _load(path: str, mtime_ns: int, size: int) -> DfeTable:
    return DfeTable.read(Path(path))


__all__ = ["DfeTable", "DfeRecords", "format_period", "split_codes"]
