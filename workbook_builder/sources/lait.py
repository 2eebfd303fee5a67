"""Reader for DfE Local Authority Interactive Tool (LAIT) downloads.

A LAIT download is a workbook with one indicator per sheet: the indicator's title above a
header row, then one row per area — England, the regions, every LA, and the statistical
neighbour average of the LA the download was made for — and one column per year::

    Children looked after: rate per 10,000 children            <- title (first text cell)
    Source: DfE, SSDA903                                        <- notes (any number of rows)
    LA number | LA name     | Region        | 2019 | 2020 | …   <- header: code, name, years
              | England     |               |   65 |   67 | …
              | West Midlands               |   84 |   86 | …
    893       | Shropshire  | West Midlands |   …
              | Statistical neighbours      |   …

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
from pathlib import Path

from ..errors import UserError
from ..observations import NO_DATA
from .dfe import parse_number
from .tables import Grid, norm, read_grid, sheet_names

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
            value = parse_number(raw)
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
        for name, indicator in self.indicators.items():
            if norm(name) == norm(sheet) or norm(indicator.title) == norm(sheet):
                return indicator
        raise UserError(f"{self.path}: no indicator sheet '{sheet}'", hint=f"Indicator sheets: {', '.join(self.indicators)}")


__all__ = ["LaitWorkbook", "LaitIndicator", "read_indicator", "year_label"]
