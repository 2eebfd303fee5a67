"""Reader for DfE Local Authority Interactive Tool (LAIT) downloads (source kind ``lait``).

A LAIT download is a workbook with one indicator per sheet: the indicator's title above a
header row, then one row per area — England, the regions, every LA, and the statistical
neighbour average of the LA the download was made for — and one column per year::

    Children looked after: rate per 10,000 children            <- title (first text cell)
    Source: DfE, SSDA903                                        <- notes (any number of rows)
    LA number | LA name     | Region        | 2019 | 2020 | …   <- header: code, name, years
              | England     |               |   65 |   67 | …
              | <a region>  |               |   84 |   86 | …
    <number>  | <an LA>     | <its region>  |   …
              | Statistical neighbours      |   …               <- the average of the downloading LA's neighbours

The header row is found by its cells (an "LA number"/"LA code" column, an "LA name" column
and at least one year), not by position. LAs are matched by code (old three-digit code or
new E-code, whichever the sheet carries), never by name; England, regions and the
statistical-neighbour row are rows without a code, matched by their label. Year headers may
be 2024, "2023-24" or "2023/24". Values keep DfE's symbols (``c``, ``x``, ``:`` …); an empty
cell is "No data", never 0. Every value comes back with its cell reference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..errors import UserError
from ..observations import NO_DATA, NotFinite, Observation, describe_symbol, parse_number
from .base import Context
from .locator import Locator
from .tables import Grid, norm, read_grid, sheet_names

KIND = "lait"
SCOPE = "local"  # a download is made for one LA: its statistical-neighbour row is that LA's


def check(locator: Locator) -> str | None:
    if locator.sheet is None:
        return "a LAIT locator needs `sheet` (the indicator sheet or its title)"
    if locator.column is not None or locator.row is not None or locator.filters:
        return "a LAIT locator names the indicator `sheet` and a `period` (year column); its row comes from the area, so give no `column`, `row` or `filters`"
    return None


def observe(locator: Locator, area: str, context: Context) -> Observation:
    """The LA's row (by old or new code), England's, or the download's statistical-neighbour row, in the
    year column ``period`` names ('latest', 'previous' or a year such as 2024 or 2023-24)."""
    record, la = context.file, context.la
    indicator = workbook(record.path).indicator(locator.sheet)
    year = indicator.latest(1) if locator.period == "previous" else indicator.latest() if locator.period == "latest" else locator.period
    row = indicator.row_of(area, set(la.codes))
    record.periods.add(year)
    label = {"la": f"{la.name} ({la.old_code})", "sn": "statistical neighbours", "england": "England"}.get(area, area)
    if row is None:
        return Observation(value=NO_DATA, note=f"no {label} row in LAIT sheet '{indicator.grid.sheet}'", provenance=context.provenance(
            f"sheet '{indicator.grid.sheet}': no {label} row", period=year, transformation="not found"))
    value, cell = indicator.value(row, year)
    record.rows_read += 1
    note = describe_symbol(value) if isinstance(value, str) and value != NO_DATA else ("empty cell in source" if value == NO_DATA else "")
    how = "as published in LAIT" + (" (DfE's statistical-neighbour average row)" if area == "sn" else "")
    return Observation(value=value, note=note, provenance=context.provenance(
        f"{cell} (row '{indicator.names.get(row, label)}', year {year})", period=year, transformation=how))


def describe(locators: list[Locator]) -> list[str]:
    """The indicator sheets the mapping reads."""
    sheets = list(dict.fromkeys(loc.sheet for loc in locators))
    return ["A LAIT download made for your LA (`.xlsx`): one indicator per sheet, a header row with `LA number`, `LA name` "
            "and one column per year, then England, the regions, every LA and the statistical-neighbour average row.",
            f"Indicator sheets read (by sheet name or title): {', '.join(f'`{s}`' for s in sheets)}."]


def workbook(path: Path) -> "LaitWorkbook":
    """Every indicator sheet of a download, read once per version of the file."""
    return _workbook(path, path.stat().st_mtime_ns)

CODE_HEADERS = ("la number", "la code", "la", "code", "old la code", "new la code", "la_code")
NAME_HEADERS = ("la name", "local authority", "area", "name", "la_name")
SN_LABELS = ("statistical neighbours", "statistical neighbour average", "statistical neighbours average", "sn average", "stat neighbours")
_YEAR = re.compile(r"^(\d{4})(?:\s*[-/]\s*(\d{2}|\d{4}))?$")


def year_label(value: object) -> str | None:
    """'2024', '2023-24' for a year header (2024, 2024.0, '2023/24', '2023-2024'); None for anything else."""
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value or "").strip()
    match = _YEAR.match(text)
    if not match:
        return None
    start, end = match.groups()
    if not 1990 <= int(start) <= 2100:
        return None
    return f"{start}-{end[-2:]}" if end else start


class NotAnIndicator(UserError):
    """A sheet without a LAIT header row (a contents or notes sheet)."""


@dataclass
class LaitIndicator:
    """One indicator sheet: areas by row, years by column."""

    grid: Grid
    title: str
    header_row: int  # 1-based
    years: dict[str, int]  # year label -> 1-based column, oldest first
    by_code: dict[str, int] = field(default_factory=dict)  # LA code -> row
    by_label: dict[str, int] = field(default_factory=dict)  # norm(label) of uncoded rows (England, regions, SN) -> row
    names: dict[int, str] = field(default_factory=dict)  # row -> area name as printed

    def latest(self, back: int = 0) -> str:
        """The latest year column (``back`` = 1: the year before it)."""
        years = list(self.years)
        if len(years) <= back:
            raise UserError(f"{self.grid.where()}: only {len(years)} year(s), so no year {back} before the latest")
        return years[-1 - back]

    def row_of(self, area: str, codes: set[str] = frozenset()) -> int | None:
        """Row of an LA (by any of ``codes``), or of 'england', 'sn' or a region by name."""
        if area == "la":
            return next((self.by_code[c] for c in codes if c in self.by_code), None)
        if area == "sn":
            return next((self.by_label[norm(label)] for label in SN_LABELS if norm(label) in self.by_label), None)
        return self.by_label.get(norm(area))

    def value(self, row: int, year: str) -> tuple[object, str]:
        """The cell at ``row`` in the column of ``year``: a number, DfE's symbol, or 'No data'; and its reference."""
        if year not in self.years:
            raise UserError(f"{self.grid.where()}: no year '{year}'", hint=f"Years in this sheet: {', '.join(self.years)}")
        col = self.years[year]
        cells = self.grid.rows[row - 1]
        raw = cells[col - 1] if col - 1 < len(cells) else None
        if raw is None:
            value: object = NO_DATA
        elif isinstance(raw, str):
            try:
                value = parse_number(raw)
            except NotFinite as exc:
                raise UserError(f"{self.grid.where()}: {self.grid.ref(row, col)}: {exc}",
                                hint="A figure must be a number, a DfE symbol (c, x, :) or empty.") from None
        else:
            value = raw
        return value, self.grid.ref(row, col)


def read_indicator(grid: Grid) -> LaitIndicator:
    """Find the header row (code, name and year columns) and index the rows below it."""
    title = next((str(c) for row in grid.rows[:10] for c in row if isinstance(c, str)), grid.sheet)
    for r, cells in enumerate(grid.rows[:40], 1):
        headers = [norm(c) for c in cells]
        code_col = next((i for i, h in enumerate(headers) if h in CODE_HEADERS), None)
        name_col = next((i for i, h in enumerate(headers) if h in NAME_HEADERS), None)
        years = {y: i + 1 for i, c in enumerate(cells) if (y := year_label(c))}
        if name_col is not None and years:
            break
    else:
        raise NotAnIndicator(f"{grid.where()}: no LAIT header row (an 'LA name' column and year columns) in the first 40 rows",
                        hint="Is this a LAIT download? Each indicator sheet needs LA number, LA name and one column per year.")
    indicator = LaitIndicator(grid=grid, title=title, header_row=r, years=dict(sorted(years.items())))
    for row_number, cells in enumerate(grid.rows[r:], r + 1):
        name = cells[name_col] if name_col < len(cells) else None
        code = cells[code_col] if code_col is not None and code_col < len(cells) else None
        if code is not None:
            code = str(int(code)) if isinstance(code, (int, float)) else str(code).strip()
            if code in indicator.by_code:
                raise UserError(f"{grid.where()}: LA code {code} appears twice (rows {indicator.by_code[code]} and {row_number})")
            indicator.by_code[code] = row_number
        elif name is not None:
            indicator.by_label.setdefault(norm(name), row_number)
        if name is not None:
            indicator.names[row_number] = str(name)
    return indicator


@dataclass
class LaitWorkbook:
    """Every indicator sheet of a LAIT download, read once (python-calamine)."""

    path: Path
    indicators: dict[str, LaitIndicator]

    @classmethod
    def read(cls, path: Path, sheets: list[str] | None = None) -> "LaitWorkbook":
        """Every indicator sheet of a download (or the named ``sheets``), skipping contents and notes sheets."""
        path = Path(path)
        names = sheets if sheets is not None else sheet_names(path)
        indicators = {}
        for name in names:
            grid = read_grid(path, name)
            try:
                indicators[grid.sheet] = read_indicator(grid)
            except NotAnIndicator:
                if sheets is not None:
                    raise
                continue  # a contents or notes sheet: not an indicator
        if not indicators:
            raise UserError(f"{path}: no LAIT indicator sheets found", hint="Each indicator sheet needs LA number, LA name and year columns.")
        return cls(path=path, indicators=indicators)

    def indicator(self, sheet: str) -> LaitIndicator:
        """The indicator on sheet ``sheet``, found by the sheet's name or by its title (case and spacing ignored)."""
        for name, indicator in self.indicators.items():
            if norm(name) == norm(sheet) or norm(indicator.title) == norm(sheet):
                return indicator
        raise UserError(f"{self.path}: no indicator sheet '{sheet}'", hint=f"Indicator sheets: {', '.join(self.indicators)}")


@lru_cache(maxsize=8)
def _workbook(path: Path, mtime_ns: int) -> LaitWorkbook:
    return LaitWorkbook.read(path)


__all__ = ["LaitWorkbook", "LaitIndicator", "read_indicator", "year_label"]
