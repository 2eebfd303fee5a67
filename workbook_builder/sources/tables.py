"""Find values in spreadsheet-like files by sheet, table title, header and row label.

Readers never use fixed coordinates: a table is found by its title (a cell whose text
is the title, with the header row below it) or, without a title, as the first row of a
sheet with two or more filled cells. A value is then the cell where a row label (in the
table's first column) meets a column header. The resolved cell is recorded, so the Audit
sheet can say exactly which cell was read.

Workbooks are read with python-calamine (fast, read-only); CSVs with the csv module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from .. import csvfile
from ..errors import UserError
from ..limits import WorkbookBudget, check_sheet_extent, formulas_without_results, open_input_workbook, shared_strings, sheet_parts
from ..observations import NO_DATA, NotFinite, Observation, describe_symbol, is_symbol, parse_number
from ..periods import FORMATS, period_end
from ..refs import col_letters as column_letter
from ..refs import sheet_ref

_SPACES_RE = re.compile(r"\s+")


@lru_cache(maxsize=1 << 16, typed=True)  # labels repeat across thousands of lookups; typed: 1, 1.0 and True differ
def norm(text: object) -> str:
    """Text for matching labels: case-folded, whitespace collapsed, curly quotes and dashes made plain."""
    value = "" if text is None else str(text)
    value = value.replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-").replace("\u2014", "-")
    return _SPACES_RE.sub(" ", value).strip().casefold()


def cell_ref(sheet: str, row: int, col: int) -> str:
    """The Audit's reference to a cell read: ``'Sheet'!C9``."""
    return sheet_ref(sheet, f"{column_letter(col)}{row}")


def clean(value: object) -> object:
    """Calamine/CSV cell -> int, float, str or None."""
    kind = type(value)  # exact types first: a LAIT download is ~400,000 cells, mostly floats and text
    if kind is float:
        return int(value) if value.is_integer() else value
    if kind is str:
        return value.strip() or None
    if value is None or isinstance(value, int):  # bool is an int: kept as True/False
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = str(value).strip()
    return text if text else None


@dataclass
class Grid:
    """The cells of one sheet (or CSV), row-major, 1-based coordinates."""

    path: Path
    sheet: str  # sheet name; for a CSV the file name
    rows: list[list[object]]
    is_csv: bool = False
    tables: dict = field(default_factory=dict, repr=False, compare=False)  # find_table's results, by title

    def ref(self, row: int, col: int) -> str:
        """Where a value was read: a sheet-qualified cell, or for a CSV its row and column numbers."""
        if self.is_csv:
            return f"row {row}, column {col}"
        return cell_ref(self.sheet, row, col)

    def where(self) -> str:
        """The grid as an error message names it: the file, and the sheet of a workbook."""
        return f"{self.path}" if self.is_csv else f"{self.path} sheet '{self.sheet}'"


@lru_cache(maxsize=16)
def _workbook(path: str, mtime_ns: int):
    """An input workbook opened for reading, after its bounds are checked: the calamine workbook, its
    worksheet names in order, and the part of each sheet (for checking its extent before it is read)."""
    import python_calamine

    archive = open_input_workbook(Path(path))  # kept open with the workbook: each sheet is checked from it
    parts = sheet_parts(archive, path)
    strings = shared_strings(archive, path)
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(path)
        names = [m.name for m in workbook.sheets_metadata if str(m.typ).lower().endswith("worksheet")] or list(workbook.sheet_names)
    except Exception as exc:  # noqa: BLE001 - calamine raises several error types for bad files
        archive.close()
        raise UserError(
            f"{path}: cannot be read as a workbook ({type(exc).__name__}: {exc})",
            hint="Check it is an .xlsx/.xlsm file that opens in Excel, not encrypted or corrupt.",
        ) from None
    return workbook, names, parts, archive, strings, WorkbookBudget()


@lru_cache(maxsize=128)
def _sheet_rows(path: str, mtime_ns: int, name: str) -> list[list[object]]:
    """One sheet's cells as a grid from A1, read only once its extent is known to be within the limit."""
    return [[clean(v) for v in row] for row in raw_rows(Path(path), name)]


def raw_rows(path: Path, sheet: str, nrows: int | None = None) -> list[list[object]]:
    """One sheet's cells as calamine gives them (dates as dates, numbers as floats, text unstripped), after the
    same bounds as :func:`read_grid`: for a reader that takes a few columns of a large sheet and cleans only those
    (``nrows``: only the first rows). An error never quotes a cell: the sheet may hold personal data."""
    workbook, _names, parts, archive, strings, budget = _workbook(str(path), path.stat().st_mtime_ns)
    part = parts.get(sheet)
    if not part:
        raise UserError(f"{path}: cannot tell where sheet '{sheet}' is stored, so it is not read",
                        hint="Open the workbook in Excel and save it again as an Excel Workbook (.xlsx).")
    check_sheet_extent(archive, part, path, sheet, strings, budget)
    try:
        rows = workbook.get_sheet_by_name(sheet)
        return rows.to_python(skip_empty_area=False, nrows=nrows) if nrows else rows.to_python(skip_empty_area=False)
    except Exception as exc:  # noqa: BLE001 - calamine raises several error types for bad sheets
        raise UserError(f"{path}: sheet '{sheet}' cannot be read ({type(exc).__name__}: a cell Excel would not write)",
                        hint="Open the workbook in Excel, let it repair the file and save a copy.") from None


def unsaved_formulas(path: Path, sheet: str) -> list[tuple[int, int]]:
    """The cells (row from 1, column from 0) of a workbook's sheet holding a formula whose result was
    not saved with it: calamine reads them as empty, so a reader can say so rather than count nothing."""
    _workbook_, _names, parts, archive, _strings, _budget = _workbook(str(path), path.stat().st_mtime_ns)
    part = parts.get(sheet)
    return formulas_without_results(archive, part, str(path), sheet) if part else []


def read_grid(path: Path, sheet: str | None = None) -> Grid:
    """Cells of ``sheet`` in a workbook, or of a CSV file (``sheet`` ignored).

    The same grid comes back for the same file version and sheet, so the tables found in it
    (and their row indexes) are found once however many measures read them."""
    return _read_grid(path, path.stat().st_mtime_ns, sheet)


@lru_cache(maxsize=256)
def _read_grid(path: Path, mtime_ns: int, sheet: str | None) -> Grid:
    if path.suffix.lower() == ".csv":
        return Grid(path=path, sheet=path.name, rows=_csv_rows(str(path), mtime_ns), is_csv=True)
    names = _workbook(str(path), mtime_ns)[1]
    if not names:
        raise UserError(f"{path}: the workbook has no worksheets")
    wanted = names[0] if sheet is None else sheet
    for name in names:
        if norm(name) == norm(wanted):
            return Grid(path=path, sheet=name, rows=_sheet_rows(str(path), mtime_ns, name))
    raise UserError(
        f"{path}: no sheet named '{sheet}'",
        hint=f"Sheets in this workbook: {', '.join(names)}",
    )


def sheet_names(path: Path) -> list[str]:
    """The names of a workbook's worksheets, in order (no sheet is read)."""
    return list(_workbook(str(path), path.stat().st_mtime_ns)[1])


@lru_cache(maxsize=64)
def _csv_rows(path: str, mtime_ns: int) -> list[list[object]]:
    """A CSV's cells, parsed as the file is decoded (never the whole text in memory at once)."""
    return [[clean(v) for v in row] for _line, row in csvfile.rows(Path(path), blank=True)]


@dataclass
class Table:
    """A rectangular table in a grid: header row, label column, and body rows."""

    grid: Grid
    title: str | None
    header_row: int  # 1-based
    columns: dict[str, int]  # normalised header -> 1-based column
    headers: list[str]
    label_col: int
    body: list[int]  # 1-based row numbers
    twice: dict[str, list[int]] = field(default_factory=dict)  # a normalised header given to several columns -> those columns
    _indexes: dict = field(default_factory=dict, repr=False, compare=False)  # columns -> body rows by their norm() values

    def column(self, header: str) -> int:
        """The column headed ``header`` (case, spacing and curly quotes ignored); unknown, an error listing the headers."""
        key = norm(header)
        if key in self.twice:
            columns = " and ".join(str(c) if self.grid.is_csv else column_letter(c) for c in self.twice[key])
            raise UserError(f"{self.grid.where()}: table {self._name()} has two or more columns headed '{header}' (columns {columns})",
                            hint="Rename or delete all but one of them: scorecard will not guess which holds the figures.")
        if key not in self.columns:
            raise UserError(
                f"{self.grid.where()}: table {self._name()} has no column '{header}'",
                hint=f"Columns: {', '.join(self.headers)}",
            )
        return self.columns[key]

    def row(self, label: str) -> int:
        """The one body row labelled ``label`` in the label column; none or several is an error listing the labels."""
        found = self._index((self.label_col,)).get((norm(label),), [])
        if len(found) != 1:
            labels = [str(self.value(r, self.label_col)) for r in self.body]
            problem = "no row" if not found else f"{len(found)} rows"
            raise UserError(
                f"{self.grid.where()}: table {self._name()} has {problem} labelled '{label}'",
                hint=f"Row labels: {'; '.join(labels)}",
            )
        return found[0]

    def value(self, row: int, col: int) -> object:
        """The cleaned value at (row, col), None beyond the sheet's cells; in a CSV, a body row too short to
        reach ``col`` is an error (a lost comma, not an empty value)."""
        cells = self.grid.rows[row - 1] if row - 1 < len(self.grid.rows) else []
        if col - 1 < len(cells):
            return cells[col - 1]
        if self.grid.is_csv and row in self._body and any(v not in (None, "") for v in cells):
            header = self.grid.rows[self.header_row - 1]
            raise UserError(f"{self.grid.where()}: row {row}: {len(cells)} field(s) where the header has {len(header)} "
                            f"(no field for column '{header[col - 1] if col - 1 < len(header) else col}')",
                            hint=csvfile.SHORT_ROW_HINT)
        return None

    def records(self, required: tuple[str, ...] = ()) -> list[tuple[int, dict[str, object]]]:
        """Body rows as (row number, {normalised header: value}); built once, read-only. In a CSV a row may stop
        before trailing columns (read as None) unless they are ``required``: a row too short to reach one is an error."""
        if required:
            for key in required:
                column = self.column(key)
                for r in self.body:
                    self.value(r, column)  # a short row is an error naming it
        return self._records

    def matching(self, filters: dict[str, str]) -> list[int]:
        """Body rows whose columns equal every filter (headers and values compared as :func:`norm` text)."""
        wanted = {self.column(k): norm(v) for k, v in filters.items()}  # an unknown column is an error naming the columns
        columns = tuple(sorted(wanted))
        return list(self._index(columns).get(tuple(wanted[c] for c in columns), ()))

    def _index(self, columns: tuple[int, ...]) -> dict[tuple[str, ...], list[int]]:
        """Body rows grouped by their :func:`norm` values in ``columns``, built once per set of columns."""
        if columns not in self._indexes:
            index: dict[tuple[str, ...], list[int]] = {}
            for r in self.body:
                index.setdefault(tuple(norm(self.value(r, c)) for c in columns), []).append(r)
            self._indexes[columns] = index
        return self._indexes[columns]

    @cached_property
    def _body(self) -> frozenset[int]:
        return frozenset(self.body)

    @cached_property
    def _records(self) -> list[tuple[int, dict[str, object]]]:
        for key in self.twice:  # every column is read: a header given twice is ambiguous wherever it is
            self.column(key)
        rows = self.grid.rows
        return [(r, {h: (rows[r - 1][c - 1] if c - 1 < len(rows[r - 1]) else None) for h, c in self.columns.items()}) for r in self.body]

    def _name(self) -> str:
        return f"'{self.title}'" if self.title else f"with header at row {self.header_row}"


def _filled(cells: list[object]) -> list[int]:
    return [i + 1 for i, v in enumerate(cells) if v not in (None, "")]


def find_table(grid: Grid, title: str | None = None) -> Table:
    """Locate a table by its title cell, or the first table on the sheet (once per grid and title)."""
    if title not in grid.tables:
        grid.tables[title] = _find_table(grid, title)
    return grid.tables[title]


def _find_table(grid: Grid, title: str | None) -> Table:
    rows = grid.rows
    start = 0
    if title:
        hits = [(r, c) for r, cells in enumerate(rows, 1) for c, v in enumerate(cells, 1) if v is not None and norm(v) == norm(title)]
        if len(hits) != 1:
            problem = "no cell" if not hits else f"{len(hits)} cells"
            raise UserError(
                f"{grid.where()}: {problem} with the table title '{title}'",
                hint="Table titles are the text in the cell above a table's header row.",
            )
        start = hits[0][0]  # search below the title
    header_row = next((r for r in range(start + 1, len(rows) + 1) if len(_filled(rows[r - 1])) >= 2), None)
    if header_row is None:
        raise UserError(f"{grid.where()}: no table{' under ' + repr(title) if title else ''} (no row with two or more filled cells)")
    header_cells = rows[header_row - 1]
    filled = _filled(header_cells)
    by_header: dict[str, list[int]] = {}
    for c in filled:
        by_header.setdefault(norm(header_cells[c - 1]), []).append(c)
    columns = {key: found[-1] for key, found in by_header.items()}
    twice = {key: found for key, found in by_header.items() if len(found) > 1}
    headers = [str(header_cells[c - 1]) for c in filled]
    label_col = filled[0]
    body = []
    for r in range(header_row + 1, len(rows) + 1):
        cells = rows[r - 1]
        if not any(v not in (None, "") for v in cells[label_col - 1 : filled[-1]]):
            break
        if grid.is_csv and len(cells) > len(header_cells) and any(v not in (None, "") for v in cells[len(header_cells):]):
            raise UserError(f"{grid.where()}: row {r}: more fields than the header has "
                            f"({', '.join(str(v) for v in cells[len(header_cells):] if v not in (None, ''))} left over)",
                            hint=csvfile.LONG_ROW_HINT)
        body.append(r)
    return Table(grid=grid, title=title, header_row=header_row, columns=columns, headers=headers, label_col=label_col, body=body,
                 twice=twice)


# --- observations from tables (the readers of ChAT exports and local reports share these) --------


def check_table_locator(locator) -> str | None:
    """What a table locator lacks: a ``column``, and a ``row`` label, ``filters`` or a ``period_column`` to find the row."""
    if locator.column is None:
        return "the locator needs `column` (the header of the column to read)"
    if locator.row is None and not locator.filters and locator.period_column is None:
        return "the locator needs `row` (a row label), or `filters` (column: value) and/or `period_column`, to find its row"
    return None


def locate_table(locator, context) -> Table:
    """The table a locator names: ``sheet`` (default: the first) and ``table`` (a title; default: the first table)."""
    return find_table(read_grid(context.file.path, locator.sheet), locator.table)


def observe_table(locator, context, *, period: str = "") -> Observation:
    """The value a table locator points at: the cell where its ``row`` label meets its ``column``, or, in a
    long table, the one row its ``filters`` (and ``period`` of ``period_column``) select. ``period`` is the
    period of every value in the file (a ChAT export's extract date) when the table has no period column."""
    table = locate_table(locator, context)
    col = table.column(locator.column)
    if locator.row is not None:
        row = table.row(locator.row)
        return _cell(table, row, col, context, period, f"row '{locator.row}', column '{locator.column}'")
    rows = table.matching(locator.filters)
    if not rows:
        raise UserError(f"{table.grid.where()}: no rows match {dict(locator.filters)}", hint="Check the filter values against the table.")
    if locator.period_column:
        pcol = table.column(locator.period_column)
        _check_periods(table, rows, pcol)
        period = context.pick(sorted({str(table.value(r, pcol)) for r in rows}), locator.period)
        rows = [r for r in rows if str(table.value(r, pcol)) == period]
    if len(rows) != 1:
        raise UserError(f"{table.grid.where()}: {len(rows)} rows match {locator.filters_text or 'the locator'} for period {period or '(none)'}",
                        hint="Add filters so exactly one row matches.")
    detail = "; ".join(filter(None, [locator.filters_text, f"{locator.period_column}={period}" if locator.period_column else ""]))
    return _cell(table, rows[0], col, context, period, detail)


def table_periods(locator, context) -> list[str]:
    """The values of the locator's ``period_column`` (default ``period``) in the rows its filters select."""
    table = locate_table(locator, context)
    pcol = table.column(locator.period_column or "period")
    rows = table.matching(locator.filters)
    _check_periods(table, rows, pcol)
    return [str(table.value(r, pcol)) for r in rows]


def _check_periods(table: Table, rows: list[int], pcol: int) -> None:
    """Every period label of ``rows`` is one that can be put in time order; the first that is not is named with its cell."""
    for r in rows:
        label = table.value(r, pcol)
        if label is None:
            raise UserError(f"{table.grid.where()}: {table.grid.ref(r, pcol)}: no period (the cell is empty)",
                            hint="Give the period of the row's value, e.g. 2026-27 Q1, or delete the row.")
        if period_end(label) is None:
            raise UserError(f"{table.grid.where()}: {table.grid.ref(r, pcol)}: period '{label}' cannot be put in time order",
                            hint=FORMATS)


def _cell(table: Table, row: int, col: int, context, period: str, detail: str) -> Observation:
    """One cell as an observation: a number, a symbol with its meaning, text, or "No data" for an empty cell."""
    raw = table.value(row, col)
    context.file.rows_read += 1
    if period:
        context.file.periods.add(period)
    place = table.grid.ref(row, col)
    provenance = context.provenance(place + (f" ({detail})" if detail else ""), period=period)
    if raw is None:
        return Observation(value=NO_DATA, note=f"empty cell {place} in source", provenance=provenance)
    if isinstance(raw, str):
        try:
            value = parse_number(raw)
        except NotFinite as exc:
            raise UserError(f"{table.grid.where()}: {place} ({detail or 'the value'}): {exc}",
                            hint="A figure must be a number, a symbol such as c, or empty (shown as No data).") from None
        if isinstance(value, str):  # a suppression symbol gets its meaning; other text (a position, a date) is plain text
            return Observation(value=value, note=describe_symbol(value) if is_symbol(value) else "", provenance=provenance)
        raw = value
    return Observation(value=raw, provenance=provenance)


def describe_tables(locators) -> list[str]:
    """What a file must hold for ``locators`` (all of one source), as Markdown lines for a workspace's
    inputs README: each table's sheet and title, the columns read, and an example row."""
    groups: dict[tuple, list] = {}
    for locator in locators:
        groups.setdefault((locator.sheet, locator.table), []).append(locator)
    lines = []
    for (sheet, title), group in groups.items():
        where = ", ".join(filter(None, [f"sheet `{sheet}`" if sheet else "", f"the table titled `{title}`" if title else ""])) or "the first table"
        labelled = [loc for loc in group if loc.row is not None]
        long = [loc for loc in group if loc.row is None]
        if labelled:
            rows = list(dict.fromkeys(loc.row for loc in labelled))
            columns = list(dict.fromkeys(loc.column for loc in labelled))
            shown = "; ".join(f"`{r}`" for r in rows[:3]) + (f" and {len(rows) - 3} more" if len(rows) > 3 else "")
            lines.append(f"- {where}: a row label in the first column and a header row; rows read: {shown}; "
                         f"columns read: {', '.join(f'`{c}`' for c in columns)}.")
        if long:
            columns = list(dict.fromkeys([k for loc in long for k in loc.filters]
                                         + [c for loc in long for c in [loc.period_column] if c]
                                         + [loc.column for loc in long]))
            first = long[0]
            example = {**{k: str(v) for k, v in first.filters.items()}, **({first.period_column: "<period>"} if first.period_column else {}),
                       first.column: "<value>"}
            values = sorted({str(v) for loc in long for k, v in loc.filters.items() if k == next(iter(first.filters), None)})
            lines.append(f"- {where}: one row per value, with the columns {', '.join(f'`{c}`' for c in columns)}; for example "
                         + ", ".join(f"{k} = `{example.get(k, '…')}`" for k in columns) + "."
                         + (f" Values of `{next(iter(first.filters))}` read: {', '.join(f'`{v}`' for v in values[:6])}"
                            + (f" and {len(values) - 6} more." if len(values) > 6 else ".") if values else ""))
    return lines
