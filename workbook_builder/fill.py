"""``scorecard fill``: set listed cells in any .xlsx/.xlsm without damaging anything else.

Officers use it for manual overrides and corrections. The values CSV has the columns
``sheet,cell,value`` and optionally ``type`` (number, text, date, formula, blank). Without
a type, a value that parses as a number is a number, anything else is text. Each cell keeps
its existing style. Every row is checked before anything is written, so a bad row leaves no
half-written output; the output is written to a temporary file and moved into place.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path

from . import __version__, csvfile
from .errors import UserError
from .files import check_suffix, refuse_overwriting
from .limits import MAX_FILL_ROWS
from .observations import file_sha256
from .refs import col_letters, parse_cell, sheet_ref
from .sources.base import display_path
from .writers.ooxml import Formula, WorkbookPackage

TYPES = ("number", "text", "date", "formula", "blank")
CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?([1-9][0-9]{0,6})$")


@dataclass(frozen=True)
class Change:
    row: int  # line of the values CSV
    sheet: str
    cell: str
    kind: str
    value: object  # what is written
    before: object


def _number(text: str) -> float | int | None:
    text = text.strip()
    if "," in text and not re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?", text):
        return None  # commas only as thousands separators: 1,234.5 is a number, 1,2,3 is not
    try:
        number = float(text.replace(",", "")) if text else None
    except ValueError:
        return None
    if number is None or not math.isfinite(number):
        return None
    return int(number) if number.is_integer() and re.fullmatch(r"[-+]?[\d,]+", text.strip()) else number


def _excel_date(text: str, date1904: bool, where: str) -> float:
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"{where}: '{text}' is not a date", hint="Write dates as YYYY-MM-DD (or YYYY-MM-DDTHH:MM).") from None
    first = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1900, 1, 1)
    if moment.tzinfo is not None or moment < first:
        raise UserError(f"{where}: '{text}' is not a date Excel can show (Excel's dates run from {first:%Y-%m-%d} to 9999-12-31, "
                        "without a time zone)", hint="Give type text if it should be shown as written.")
    epoch = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
    if not date1904 and moment < dt.datetime(1900, 3, 1):
        epoch = dt.datetime(1899, 12, 31)  # Excel counts a 29 February 1900 that never was: its serials before it are one less
    days = (moment - epoch).total_seconds() / 86400
    return int(days) if days.is_integer() else days


def read_changes(values_csv: Path, package: WorkbookPackage) -> list[Change]:
    """Parse and check every row of the values CSV against the workbook; raise on the first bad row."""
    if not values_csv.is_file():
        raise UserError(f"values file not found: {values_csv}")
    header, rows = csvfile.records(values_csv, required=("sheet", "cell", "value"), what="values file",
                                   columns_hint="The header must be sheet,cell,value (and optionally type).")
    if len(rows) > MAX_FILL_ROWS:
        raise UserError(f"{values_csv}: more than {MAX_FILL_ROWS:,} values to fill",
                        hint="Split the values over several files and fill them in turn.")
    changes, sheets, seen = [], {}, {}
    for line, row in rows:
        where = f"{values_csv}:{line}"
        sheet_name, cell, text = row["sheet"].strip(), row["cell"].strip(), row["value"]
        kind = row.get("type", "").strip().lower()
        if kind and kind not in TYPES:
            raise UserError(f"{where}: unknown type '{kind}'", hint=f"Use one of: {', '.join(TYPES)}.")
        if not CELL.match(cell):
            raise UserError(f"{where}: '{cell}' is not a cell reference", hint="Use A1-style references such as D7.")
        try:
            parse_cell(cell)  # inside Excel's grid: XFD is the last column, 1048576 the last row
        except UserError as exc:
            raise UserError(f"{where}: {exc.message}", hint="Use a cell inside Excel's grid (A1 to XFD1048576).") from None
        if sheet_name not in sheets:
            sheets[sheet_name] = package.worksheet(sheet_name) if sheet_name in package.sheet_names else None
        sheet = sheets[sheet_name]
        if sheet is None:
            raise UserError(f"{where}: no sheet '{sheet_name}' in {package.path.name}", hint=f"Sheets: {', '.join(package.sheet_names)}")
        ref = cell.replace("$", "").upper()
        if (sheet_name, ref) in seen:  # which of two values the officer meant is not for fill to guess
            raise UserError(f"{where}: cell {sheet_ref(sheet_name, ref)} is given a value twice (lines {seen[sheet_name, ref]} and {line})",
                            hint="Keep one row per cell: delete the row whose value is wrong.")
        seen[sheet_name, ref] = line
        if not kind:
            kind = "number" if _number(text) is not None else "text"
        if kind == "number":
            value = _number(text)
            if value is None:
                raise UserError(f"{where}: '{text}' is not a number", hint="Give type text if it should be text.")
        elif kind == "date":
            value = _excel_date(text, package.date1904, where)
        elif kind == "formula":
            body = text.strip().lstrip("=")
            if not body.strip():
                raise UserError(f"{where}: empty formula", hint="Give the formula's text, e.g. =SUM(B2:B9), or type blank to empty the cell.")
            value = Formula(_formula(body, where))
        elif kind == "blank":
            value = None
        else:
            value = text
        changes.append(Change(row=line, sheet=sheet_name, cell=ref, kind=kind, value=value, before=None))
    return changes


MAX_FORMULA = 8192  # Excel's limit on the length of a formula's text


SPILLING = frozenset({"FILTER", "SORT", "SORTBY", "UNIQUE", "SEQUENCE", "RANDARRAY", "TOCOL", "TOROW", "HSTACK", "VSTACK",
                      "WRAPCOLS", "WRAPROWS", "TAKE", "DROP", "EXPAND", "CHOOSECOLS", "CHOOSEROWS", "TEXTSPLIT", "MAKEARRAY",
                      "BYROW", "BYCOL", "MAP", "SCAN", "ANCHORARRAY"})  # Excel's dynamic-array functions


class _FutureFunctions:
    use_future_functions = True  # what XlsxWriter's formula preparation reads: prefix every newer function


def _formula(text: str, where: str) -> str:
    """A formula's text as a workbook stores it, once it is one Excel can open: brackets and quotes that
    close, no operator left hanging, ',' between arguments, within Excel's length; functions newer than
    Excel 2007 get the ``_xlfn.`` prefix Excel stores them with (XlsxWriter's list), else Excel shows #NAME?.
    Excel "repairs" a workbook holding a formula it cannot read by deleting it, so any other is refused
    here, naming its line, before anything is written."""
    from openpyxl.formula.tokenizer import Token, Tokenizer, TokenizerError
    from xlsxwriter.worksheet import Worksheet

    hint = "Check the formula in Excel's formula bar, then copy it here (with or without its leading =)."

    def refuse(problem: str, how: str = hint):
        return UserError(f"{where}: '={text}' is not a formula fill can write ({problem})", hint=how)

    if len(text) + 1 > MAX_FORMULA:
        raise UserError(f"{where}: the formula is {len(text) + 1:,} characters long; Excel allows {MAX_FORMULA:,}", hint=hint)
    try:
        tokens = Tokenizer("=" + text)
    except IndexError:  # a bracket closed that never opened
        raise refuse("a bracket closed that never opened") from None
    except TokenizerError as exc:
        if "Invalid error code" in str(exc):
            raise refuse("an error value other than #NULL!, #DIV/0!, #VALUE!, #REF!, #NAME?, #NUM! and #N/A") from None
        at = re.search(r"position (\d+)", str(exc))
        if at and ("=" + text)[int(at.group(1)):].startswith("#"):
            raise refuse("a spilled-range reference such as A1#",
                         "Fill writes ordinary formulas: enter a formula that reads a spilled range in Excel itself.") from None
        raise refuse("a quote or bracket that never closes") from None
    if tokens.token_stack:
        raise refuse("a bracket that never closes")
    items = tokens.items
    if items and items[-1].type in (Token.OP_IN, Token.OP_PRE):
        raise refuse(f"it ends with the operator {items[-1].value}")
    arrays, future = 0, _FutureFunctions()
    for token in items:
        if token.type == Token.ARRAY:  # an array constant {1,2;3,4}, where ';' separates its rows
            arrays += 1 if token.subtype == Token.OPEN else -1
        elif token.type == Token.SEP and token.subtype == Token.ROW and not arrays:
            raise refuse("';' between arguments", "A workbook stores ',' between a function's arguments, whatever Excel shows: "
                                                  "write SUM(A1,A2), not SUM(A1;A2).")
        elif token.type == Token.OPERAND and token.value.startswith("@"):
            raise refuse("the implicit-intersection operator @", "Drop the @: a formula fill writes is already read as one value.")
        elif token.type == Token.FUNC and token.subtype == Token.OPEN:
            name = token.value[:-1]
            bare = name.upper().split(".")[-1]  # without a prefix such as _xlfn.
            if bare in SPILLING:
                raise refuse(f"{name} returns a spilled range", "Fill writes ordinary formulas: enter a dynamic-array formula in Excel itself.")
            if bare in ("LET", "LAMBDA") and "_xlpm." not in text:
                raise refuse(f"{name}'s names are stored as _xlpm.name",
                             "Write each name with _xlpm. before it, as Excel stores it, or enter the formula in Excel itself.")
            if not name.startswith("_xl"):  # the function's name alone, so that text in quotes is never touched
                token.value = Worksheet._prepare_formula(future, token.value, expand_future_functions=True)
    return tokens.render()[1:]


def fill_workbook(template: Path, values_csv: Path, out: Path, *, audit: bool = False, built_at: str | None = None,
                  root: Path | None = None) -> list[Change]:
    """Fill ``template`` with the cells listed in ``values_csv`` and write ``out``; returns what changed."""
    from .build import build_time

    template, values_csv, out = Path(template), Path(values_csv), Path(out)
    refuse_overwriting(out, [template], what="the template")  # first: writing over an input is the graver mistake
    refuse_overwriting(out, [values_csv])
    if template.suffix.lower() in (".xlsx", ".xlsm"):  # a template of another kind is refused, naming it, when opened
        check_suffix(out, "--out", (template.suffix.lower(),), f"the filled workbook is a {template.suffix.lower()} like its template")
    package = WorkbookPackage.open(template)
    changes = read_changes(values_csv, package)
    date_style: dict[int | None, int] = {}
    done = []
    written: dict[tuple[str, tuple[int, int]], object] = {}  # for a later row of the same cell
    for change in changes:
        sheet = package.worksheet(change.sheet)
        position = parse_cell(change.cell)
        # Only the cells filled are read (every cell of a 6.6-million-cell template sheet took 5.5 GB).
        key = (change.sheet, position)
        before = written[key] if key in written else sheet.value_of(change.cell)
        style = None
        if change.kind == "date" and not sheet.style_of(change.cell):
            base = sheet.style_of(change.cell)
            if base not in date_style:
                date_style[base] = package.add_cell_style(num_fmt="yyyy-mm-dd", base_style=base)
            style = date_style[base]
        sheet.set_value(change.cell, change.value, style=style)
        written[key] = change.value.cached if isinstance(change.value, Formula) else change.value
        done.append(Change(change.row, change.sheet, change.cell, change.kind, change.value, before))
    if audit:
        _write_audit(package, done, values_csv, build_time(built_at), root or Path.cwd())
    package.save(out, refuse_paths=[values_csv])
    return done


def _write_audit(package: WorkbookPackage, changes: list[Change], values_csv: Path, built_at: str, root: Path) -> None:
    name, n = "Fill Audit", 1
    while name in package.sheet_names:
        n += 1
        name = f"Fill Audit {n}"
    sheet = package.add_worksheet(name)
    header = package.add_cell_style(bold=True, font_color="FFFFFF", fill_color="1F3864")
    link = package.add_cell_style(font_color="0563C1", underline=True)
    columns = [("Cell", 18), ("Type", 9), ("Value written", 18), ("Value before", 18), ("Values file", 36), ("Row", 6),
               ("SHA-256", 20), ("Built at", 22), ("Tool version", 12)]
    for c, (title, width) in enumerate(columns, 1):
        sheet.set_value(f"{col_letters(c)}1", title, style=header)
        sheet.set_column_width(c, c, width)
    sha, shown = file_sha256(values_csv), display_path(values_csv, root)
    targets = [sheet_ref(ch.sheet, ch.cell) for ch in changes]
    # A row at a time, and the links in one pass: a cell at a time made a 100,000-row fill take minutes.
    sheet.append_rows(2, ([target, ch.kind, "=" + ch.value.text if isinstance(ch.value, Formula) else ch.value, ch.before, shown,
                           ch.row, sha, built_at, __version__] for target, ch in zip(targets, changes)), styles={1: link})
    sheet.add_hyperlinks((f"A{r}", target, None) for r, target in enumerate(targets, 2))
    sheet.freeze_panes(2, 1)
