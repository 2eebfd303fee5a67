"""Editing one worksheet part (xl/worksheets/sheetN.xml) in place."""

from __future__ import annotations

import bisect
import copy
import datetime as _dt
import decimal
import math
import numbers
import re

from lxml import etree

from workbook_builder.errors import UserError

from ... import refs as R
from . import xml as X
from .model import CFRule, Formula
from .package import string_item_text
from .xml import NS_MAIN, NS_R, NS_XML, q

SHEET_ORDER = [
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
    "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState", "dataConsolidate",
    "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting", "dataValidations",
    "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks",
    "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing", "legacyDrawing",
    "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts",
    "extLst",
]
SHEET_PR_ORDER = ["tabColor", "outlinePr", "pageSetUpPr"]
SHEET_VIEW_ORDER = ["pane", "selection", "pivotSelection", "extLst"]
CELL_ORDER = ["f", "v", "is", "extLst"]

EXCEL_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"}
MAX_CELL_TEXT = 32767
MAX_FORMULA = 8192
_INT_RE = re.compile(r"^[+-]?[0-9]+$")
_REF_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]+)$")
_MISSING = object()
# Text of a <t> written as XML source: markup escaped, and a carriage return kept as a
# character reference (a literal one would be read back as a line feed).
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_TEXT_SPECIAL_RE = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
_FRAGMENT_PARSER = etree.XMLParser(huge_tree=True, remove_blank_text=False, resolve_entities=False)


def new_sheet_tree() -> etree._ElementTree:
    """A minimal worksheet that Excel and LibreOffice open without complaint."""
    root = etree.Element(q("worksheet"), nsmap={None: NS_MAIN, "r": NS_R})
    etree.SubElement(root, q("dimension")).set("ref", "A1")
    views = etree.SubElement(root, q("sheetViews"))
    etree.SubElement(views, q("sheetView")).set("workbookViewId", "0")
    etree.SubElement(root, q("sheetFormatPr")).set("defaultRowHeight", "15")
    etree.SubElement(root, q("sheetData"))
    _page_margins(root)
    return etree.ElementTree(root)


def _page_margins(root):
    pm = etree.Element(q("pageMargins"))
    for k, v in (("left", "0.7"), ("right", "0.7"), ("top", "0.75"), ("bottom", "0.75"),
                 ("header", "0.3"), ("footer", "0.3")):
        pm.set(k, v)
    return X.insert_in_order(root, pm, SHEET_ORDER)


def format_number(value, where: str) -> str:
    """Number text for <v>: shortest round-trip form, integral values without '.0'."""
    if isinstance(value, numbers.Integral):
        iv = int(value)
        if abs(iv) > 9.99999999999999e307:
            raise UserError(f"{where}: {iv} is too large for Excel.")
        return str(iv)
    try:
        f = float(value)
    except (TypeError, ValueError, OverflowError):
        raise UserError(f"{where}: cannot write {value!r} as a number.") from None
    if not math.isfinite(f):
        raise UserError(f"{where}: {value!r} is not a finite number; Excel cannot store NaN or infinity.",
                        hint="Write None (blank) or a text such as 'n/a' instead.")
    if f.is_integer() and abs(f) < 2**53:
        return str(int(f))
    return repr(f).replace("e", "E")


def excel_serial(value, date1904: bool, where: str) -> float:
    """date/datetime -> Excel serial day number (1900 or 1904 date system)."""
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            raise UserError(f"{where}: {value!r} has a time zone; Excel dates have none.",
                            hint="Convert it to local time and drop the tzinfo first.")
        d = value
    else:
        d = _dt.datetime.combine(value, _dt.time())
    if date1904:
        epoch = _dt.datetime(1904, 1, 1)
    elif d >= _dt.datetime(1900, 3, 1):
        epoch = _dt.datetime(1899, 12, 30)  # Excel counts the non-existent 29 Feb 1900
    else:
        epoch = _dt.datetime(1899, 12, 31)
    delta = d - epoch
    serial = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
    if serial < 0 or (not date1904 and serial < 1):
        raise UserError(f"{where}: {value!r} is before the first date Excel can store.")
    return serial


class Worksheet:
    """One worksheet of a :class:`WorkbookPackage`; obtain it from ``package.worksheet(name)``."""

    def __init__(self, package, name: str, part_name: str, tree: etree._ElementTree, *, new: bool = False):
        self._pkg = package
        self.name = name
        self.part_name = part_name
        self._tree = tree
        self._root = tree.getroot()
        self._is_new = new
        self._rows: dict[int, etree._Element] | None = None
        self._row_keys: list[int] = []
        self._cells: dict[int, dict[int, etree._Element]] = {}
        self._arrays: list[tuple[R.Range, str]] | None = None
        self._has_f = False
        self._headers: dict[tuple[int, int], tuple[str, str]] | None = None
        self._empty = False
        # Rows a new sheet was given by append_rows, kept as their XML text until something needs them as
        # elements (nothing does, for an Audit sheet): a 100,000-row Audit then costs its text, not a tree.
        self._tail: list[str] = []
        self._tail_last = 0

    def __repr__(self) -> str:
        return f"<Worksheet {self.name!r} ({self.part_name})>"

    @property
    def _where(self) -> str:
        return f"{self._pkg._label}, sheet {self.name!r}"

    def _touch(self) -> None:
        self._pkg._touch(self.part_name)

    def _before_save(self) -> None:
        pass

    def serialized(self) -> bytes:
        """The sheet's XML as it is saved: the tree, with rows still held as text written inside sheetData."""
        data = X.serialize(self._tree)
        if not self._tail:
            return data
        rows = "".join(self._tail).encode("utf-8")
        end = data.rfind(b"</sheetData>")
        if end >= 0:
            return data[:end] + rows + data[end:]
        empty = data.index(b"<sheetData/>")
        return data[:empty] + b"<sheetData>" + rows + b"</sheetData>" + data[empty + len(b"<sheetData/>"):]

    def _materialise(self) -> None:
        """Turn rows held as text into elements, for an operation that reads or changes rows."""
        if not self._tail:
            return
        text, self._tail = "".join(self._tail), []
        sd = self._root.find(q("sheetData"))
        for row in list(etree.fromstring(f'<sheetData xmlns="{NS_MAIN}">{text}</sheetData>'.encode("utf-8"), _FRAGMENT_PARSER)):
            sd.append(row)
            if self._rows is not None:
                rn = int(row.get("r"))
                self._rows[rn] = row
                self._row_keys.append(rn)
                self._cells.pop(rn, None)

    # ------------------------------------------------------------------ reading

    def _parse_ref(self, ref: str) -> int:
        m = _REF_RE.match(ref)
        if not m:
            raise UserError(f"{self._where} is damaged: bad cell reference {ref!r} in the sheet XML.",
                            hint="Open it in Excel, let it repair the file and save a copy.")
        return R.col_number(m.group(1))

    def _iter_cells(self):
        self._materialise()
        sd = self._root.find(q("sheetData"))
        if sd is None:
            return
        prev_r = 0
        for row in sd.iterchildren(q("row")):
            r = row.get("r")
            rn = int(r) if r else prev_r + 1
            prev_r = rn
            prev_c = 0
            for c in row.iterchildren(q("c")):
                ref = c.get("r")
                cn = self._parse_ref(ref) if ref else prev_c + 1
                prev_c = cn
                yield rn, cn, c

    def _cell_value(self, c):
        t = c.get("t", "n")
        if t == "inlineStr":
            is_el = c.find(q("is"))
            return string_item_text(is_el) if is_el is not None else _MISSING
        v = c.find(q("v"))
        if v is None:
            return _MISSING
        text = v.text or ""
        if t == "s":
            strings = self._pkg.shared_strings()
            try:
                return strings[int(text)]
            except (ValueError, IndexError):
                raise UserError(f"{self._where} is damaged: cell {c.get('r')} points at missing shared string {text!r}.",
                                hint="Open it in Excel, let it repair the file and save a copy.") from None
        if t == "str":
            return X.unescape_xstring(text)
        if t == "b":
            return text.strip().lower() in ("1", "true")
        if t in ("e", "d"):
            return text
        text = text.strip()
        if _INT_RE.match(text):
            return int(text)
        try:
            return float(text)
        except ValueError:
            return text

    def values(self) -> dict[tuple[int, int], object]:
        """(row, col) -> value for every cell holding a value (blank styled cells are left out).

        Numbers are int/float, shared and inline strings str, booleans bool, errors their
        text ('#N/A'); formula cells give their cached result."""
        out: dict[tuple[int, int], object] = {}
        for rn, cn, c in self._iter_cells():
            val = self._cell_value(c)
            if val is not _MISSING:
                out[(rn, cn)] = val
        return out

    def value_of(self, ref: str):
        """The value of one cell as :meth:`values` gives it, or None for an empty or missing cell; finds
        the cell through the row index instead of reading every cell of the sheet."""
        rn, cn = R.parse_cell(ref)
        self._index()
        c = self._find_cell(rn, cn)
        value = _MISSING if c is None else self._cell_value(c)
        return None if value is _MISSING else value

    def style_of(self, ref: str) -> int | None:
        """The s= index of the cell, 0 for a cell without one, None if the cell does not exist."""
        rn, cn = R.parse_cell(ref)
        self._index()
        c = self._find_cell(rn, cn)
        if c is None:
            return None
        return int(c.get("s", "0"))

    # ------------------------------------------------------------------ index of rows/cells

    def _sheet_data(self):
        sd = self._root.find(q("sheetData"))
        if sd is None:
            sd = X.insert_in_order(self._root, etree.Element(q("sheetData")), SHEET_ORDER)
        return sd

    def _index(self) -> None:
        self._materialise()
        if self._rows is not None:
            return
        sd = self._sheet_data()
        rows: dict[int, etree._Element] = {}
        prev = 0
        any_cell = False
        for row in sd.iterchildren(q("row")):
            r = row.get("r")
            rn = int(r) if r else prev + 1
            if rn <= prev:
                raise UserError(f"{self._where}: rows are out of order in the sheet XML (row {rn} after {prev}).",
                                hint="Open the template in Excel and save it again.")
            if not r:
                row.set("r", str(rn))
            prev = rn
            rows[rn] = row
            if not any_cell and row.find(q("c")) is not None:
                any_cell = True
        self._rows = rows
        self._row_keys = sorted(rows)
        self._empty = not any_cell

    def _row_cells(self, rn: int) -> dict[int, etree._Element]:
        cells = self._cells.get(rn)
        if cells is None:
            cells = {}
            row = self._rows.get(rn)
            if row is not None:
                prev = 0
                for c in row.iterchildren(q("c")):
                    ref = c.get("r")
                    cn = self._parse_ref(ref) if ref else prev + 1
                    if not ref:
                        c.set("r", R.cell_ref(rn, cn))
                    prev = cn
                    cells[cn] = c
            self._cells[rn] = cells
        return cells

    def _find_cell(self, rn: int, cn: int):
        if rn not in self._rows:
            return None
        return self._row_cells(rn).get(cn)

    def _default_style(self, rn: int, cn: int) -> int:
        """Style a new cell should carry so it looks as the empty cell did: the row's
        format if the row has one, else the column's."""
        row = self._rows.get(rn)
        if row is not None and row.get("customFormat") in ("1", "true") and row.get("s"):
            return int(row.get("s"))
        cols = self._root.find(q("cols"))
        if cols is not None:
            for col in cols.iterchildren(q("col")):
                try:
                    if int(col.get("min")) <= cn <= int(col.get("max")):
                        return int(col.get("style", "0"))
                except (TypeError, ValueError):
                    continue
        return 0

    def _create_cell(self, rn: int, cn: int, style: int | None):
        sd = self._sheet_data()
        row = self._rows.get(rn)
        if row is None:
            row = etree.Element(q("row"))
            row.set("r", str(rn))
            i = bisect.bisect_left(self._row_keys, rn)
            if i < len(self._row_keys):
                self._rows[self._row_keys[i]].addprevious(row)
            else:
                sd.append(row)
            self._row_keys.insert(i, rn)
            self._rows[rn] = row
            self._cells[rn] = {}
        cells = self._row_cells(rn)
        c = etree.Element(q("c"))
        c.set("r", R.cell_ref(rn, cn))
        s = self._default_style(rn, cn) if style is None else style
        if s:
            c.set("s", str(s))
        later = [k for k in cells if k > cn]
        if later:
            cells[min(later)].addprevious(c)
        else:
            ext = row.find(q("extLst"))
            if ext is not None:
                ext.addprevious(c)
            else:
                row.append(c)
        cells[cn] = c
        self._extend_spans(row, cn)
        self._grow_dimension(rn, cn)
        return c

    @staticmethod
    def _extend_spans(row, cn: int) -> None:
        spans = row.get("spans")
        if not spans:
            return
        try:
            ranges = [tuple(int(x) for x in part.split(":")) for part in spans.split()]
        except ValueError:
            del row.attrib["spans"]
            return
        if any(a <= cn <= b for a, b in ranges):
            return
        if len(ranges) == 1:
            a, b = ranges[0]
            row.set("spans", f"{min(a, cn)}:{max(b, cn)}")
        else:
            del row.attrib["spans"]

    def _grow_dimension(self, rn: int, cn: int) -> None:
        dim = self._root.find(q("dimension"))
        if dim is None:
            dim = X.insert_in_order(self._root, etree.Element(q("dimension")), SHEET_ORDER)
        cur = dim.get("ref")
        rng = None
        if cur and not self._empty:
            try:
                rng = R.parse_range(cur)
            except UserError:
                rng = None
        self._empty = False
        new = R.union(rng, (rn, cn, rn, cn))
        if new != rng:
            dim.set("ref", R.format_range(new))

    # ------------------------------------------------------------------ formulas already in the sheet

    def _array_ranges(self):
        if self._arrays is None:
            self._arrays = []
            for f in self._root.iter(q("f")):
                self._has_f = True
                if f.get("t") in ("array", "dataTable") and f.get("ref"):
                    try:
                        self._arrays.append((R.parse_range(f.get("ref")), f.get("t")))
                    except UserError:
                        continue
        return self._arrays

    def _check_not_array(self, rn: int, cn: int, ref: str) -> None:
        for rng, kind in self._array_ranges():
            if R.in_range(rn, cn, rng):
                what = "an array formula" if kind == "array" else "a data table"
                raise UserError(
                    f"{self._where}: cell {ref} is part of {what} covering {R.format_range(rng)}; "
                    "writing into it would break the formula.",
                    hint="Map this value to a cell outside that range, or remove the array formula from the template.",
                )

    def _table_headers(self) -> dict[tuple[int, int], tuple[str, str]]:
        """(row, col) of every table header cell on this sheet -> (table name, column name)."""
        if self._headers is None:
            self._headers = {}
            parts = self._root.find(q("tableParts"))
            if parts is None:
                return self._headers
            from .package import _Rels, rels_part_for

            if not self._pkg._exists(rels_part_for(self.part_name)):
                return self._headers
            rels = _Rels(self._pkg, rels_part_for(self.part_name), self.part_name)
            for tp in parts.iterchildren(q("tablePart")):
                rel = rels.by_id(tp.get(q("id", NS_R)) or "")
                part = rels.target_part(rel) if rel is not None else None
                if not part or not self._pkg._exists(part):
                    continue
                table = self._pkg._tree(part).getroot()
                if table.get("headerRowCount", "1") == "0":
                    continue
                try:
                    r1, c1, _, _ = R.parse_range(table.get("ref", ""))
                except UserError:
                    continue
                cols = table.find(q("tableColumns"))
                for i, col in enumerate(cols.iterchildren(q("tableColumn")) if cols is not None else []):
                    self._headers[(r1, c1 + i)] = (table.get("displayName") or table.get("name") or "?",
                                                   X.unescape_xstring(col.get("name", "")))
        return self._headers

    def _check_not_table_header(self, rn: int, cn: int, ref: str, value) -> None:
        hit = self._table_headers().get((rn, cn))
        if hit is None or (isinstance(value, str) and value == hit[1]):
            return
        table, column = hit
        raise UserError(
            f"{self._where}: cell {ref} is the header of column {column!r} in table {table!r}; "
            f"writing {value!r} there would make Excel repair the table.",
            hint="Write data below the header row, or rename the column in the template in Excel.",
        )

    def _release_formula(self, cell, rn: int, cn: int, *, keeps_formula: bool) -> None:
        f = cell.find(q("f"))
        if f is None:
            return
        if f.get("t") == "shared" and f.get("ref") and (f.text or "").strip():
            self._unshare(f, rn, cn)
        if not keeps_formula:
            self._pkg._note_formula_removed()

    def _unshare(self, master, rn: int, cn: int) -> None:
        """The cell holds the master of a shared formula: give every dependant cell its
        own copy of the formula, translated to its position, before the master goes."""
        from openpyxl.formula.translate import Translator, TranslatorError

        si = master.get("si")
        origin = R.cell_ref(rn, cn)
        text = master.text.strip()
        try:
            r1, _c1, r2, _c2 = R.parse_range(master.get("ref"))
        except UserError:
            r1, r2 = 1, R.MAX_ROW
        plan = []
        for row_n in self._row_keys[bisect.bisect_left(self._row_keys, r1):bisect.bisect_right(self._row_keys, r2)]:
            for col_n, c in self._row_cells(row_n).items():
                f = c.find(q("f"))
                if f is None or f is master or f.get("t") != "shared" or f.get("si") != si:
                    continue
                dest = R.cell_ref(row_n, col_n)
                try:
                    new = Translator("=" + text, origin=origin).translate_formula(dest)
                except (TranslatorError, ValueError, KeyError, IndexError) as exc:
                    raise UserError(
                        f"{self._where}: cell {origin} holds a shared formula used by {dest}, and it could "
                        f"not be copied to {dest} safely ({exc}).",
                        hint="Write to a different cell, or in Excel re-enter the formulas in that range so they are not shared.",
                    ) from None
                plan.append((f, new[1:] if new.startswith("=") else new))
        for f, new in plan:
            f.text = new
            for a in ("t", "si", "ref"):
                f.attrib.pop(a, None)

    # ------------------------------------------------------------------ writing values

    def _encode(self, value, ref: str):
        where = f"{self._where}, cell {ref}"
        if value is None:
            return ("blank",)
        if isinstance(value, Formula):
            return self._encode_formula(value, where)
        if isinstance(value, bool):
            return ("b", "1" if value else "0")
        if isinstance(value, str):
            if value == "":
                return ("blank",)
            if len(value) > MAX_CELL_TEXT:
                raise UserError(f"{where}: text of {len(value)} characters is longer than Excel's cell limit of {MAX_CELL_TEXT}.")
            return ("inlineStr", X.escape_xstring(value))
        if isinstance(value, (_dt.datetime, _dt.date)):
            return ("n", format_number(excel_serial(value, self._pkg.date1904, where), where))
        if isinstance(value, (numbers.Real, decimal.Decimal)):
            return ("n", format_number(value, where))
        raise UserError(f"{where}: cannot write a value of type {type(value).__name__} ({value!r}).",
                        hint="Cells take numbers, text, True/False, dates, Formula(...) or None.")

    def _encode_formula(self, value: Formula, where: str):
        text = value.text
        if not isinstance(text, str) or not text.strip():
            raise UserError(f"{where}: a formula needs text, got {text!r}.")
        text = text.strip()
        if text.startswith("="):
            text = text[1:].lstrip()
        if not text:
            raise UserError(f"{where}: the formula is empty.")
        if len(text) > MAX_FORMULA:
            raise UserError(f"{where}: the formula is longer than Excel's limit of {MAX_FORMULA} characters.")
        X.check_xml_text(text, f"{where}: formula")
        cached = value.cached
        if cached is None:
            ct, cv = None, None
        elif isinstance(cached, bool):
            ct, cv = "b", "1" if cached else "0"
        elif isinstance(cached, str):
            if cached in EXCEL_ERRORS:
                ct, cv = "e", cached
            else:
                if len(cached) > MAX_CELL_TEXT:
                    raise UserError(f"{where}: cached text is longer than {MAX_CELL_TEXT} characters.")
                ct, cv = "str", X.escape_xstring(cached)
        elif isinstance(cached, (numbers.Real, decimal.Decimal)):
            ct, cv = None, format_number(cached, where + " (cached value)")
        elif isinstance(cached, (_dt.datetime, _dt.date)):
            ct, cv = None, format_number(excel_serial(cached, self._pkg.date1904, where), where)
        else:
            raise UserError(f"{where}: cannot store a cached value of type {type(cached).__name__}.")
        return ("f", text, ct, cv)

    def set_value(self, ref: str, value, *, style: int | None = None) -> None:
        """Write one cell, keeping its style (unless `style` is given) and everything else.

        value: int/float/Decimal -> number; str -> inline string (sharedStrings.xml is never
        changed; '' is treated as None); bool -> TRUE/FALSE; date/datetime -> serial number in
        the workbook's date system (give a date `style` to display it as a date); Formula ->
        formula with its cached result; None -> blank cell that keeps its style.

        A new cell takes the row's format (customFormat rows) or the column's style, as Excel
        does when you type into an empty cell.  Refused with UserError: bad reference,
        NaN/infinity, a cell inside an array formula or data table, a table header cell whose
        text would change.  Overwriting the master of a shared formula first gives each
        dependant cell its own translated copy; if a formula is lost, calcChain.xml is dropped.
        If the sheet or workbook has formulas (or a formula is written) fullCalcOnLoad is set
        so Excel recalculates the now-stale cached results on open.
        """
        rn, cn = R.parse_cell(ref)
        ref = R.cell_ref(rn, cn)
        spec = self._encode(value, ref)
        if style is not None:
            self._pkg.styles.check_xf(style, f"{self._where}, cell {ref}")
        self._index()
        self._check_not_array(rn, cn, ref)
        self._check_not_table_header(rn, cn, ref, value)
        cell = self._find_cell(rn, cn)
        if cell is None:
            if spec[0] == "blank" and style is None:
                return
            cell = self._create_cell(rn, cn, style)
        else:
            self._release_formula(cell, rn, cn, keeps_formula=spec[0] == "f")
        for child in list(cell):
            if X.local(child) in ("f", "v", "is"):
                cell.remove(child)
        for a in ("t", "cm", "vm"):
            cell.attrib.pop(a, None)
        if style is not None:
            if style:
                cell.set("s", str(style))
            else:
                cell.attrib.pop("s", None)
        new_children = []
        kind = spec[0]
        if kind in ("n", "b"):
            if kind == "b":
                cell.set("t", "b")
            v = etree.Element(q("v"))
            v.text = spec[1]
            new_children.append(v)
        elif kind == "inlineStr":
            cell.set("t", "inlineStr")
            is_el = etree.Element(q("is"))
            t = etree.SubElement(is_el, q("t"))
            t.set(f"{{{NS_XML}}}space", "preserve")
            t.text = spec[1]
            new_children.append(is_el)
        elif kind == "f":
            _, text, ct, cv = spec
            if ct:
                cell.set("t", ct)
            f = etree.Element(q("f"))
            f.text = text
            new_children.append(f)
            if cv is not None:
                v = etree.Element(q("v"))
                v.text = cv
                new_children.append(v)
        ext = cell.find(q("extLst"))
        for el in new_children:
            if ext is not None:
                ext.addprevious(el)
            else:
                cell.append(el)
        self._touch()
        if kind == "f" or self._has_f:
            self._pkg.request_full_recalc()
        else:
            self._pkg._note_input_changed()

    def replace_text(self, old: str, new: str, shared: set[int] | None = None) -> list[str]:
        """Replace ``old`` by ``new`` in every text cell of this sheet that holds it (see
        :meth:`WorkbookPackage.replace_text`); ``shared`` are the shared-string indexes known to
        hold it. Rich-text runs keep their formatting; a run boundary inside ``old`` is not matched."""
        self._materialise()
        shared = shared if shared is not None else {i for i, text in enumerate(self._pkg.shared_strings()) if old in text}
        # Only the cells that can hold the text, found by XPath in one pass in C: inline strings containing it,
        # and shared-string cells pointing at a string that does.
        test = "(@t='inlineStr' and m:is//m:t[contains(., $old)])"
        if shared:
            test += " or (@t='s' and m:v[" + " or ".join(f"normalize-space(.)='{i}'" for i in sorted(shared)) + "])"
        cells = self._root.xpath(f"m:sheetData/m:row/m:c[{test}]", namespaces={"m": NS_MAIN}, old=old)
        if not cells:
            return []
        positions = None
        if any(c.get("r") is None for c in cells):  # a cell without its reference: count its place
            positions = {id(c): (rn, cn) for rn, cn, c in self._iter_cells()}
        headers = self._table_headers()
        changed = []
        for c in cells:
            rn, cn = positions[id(c)] if positions else R.parse_cell(c.get("r"))
            if (rn, cn) in headers:
                continue
            if c.get("t") == "inlineStr":
                item = c.find(q("is"))
            else:
                item = self._pkg.shared_string_item(int(c.find(q("v")).text.strip()))
            if item is None:
                continue
            inline = etree.Element(q("is"))
            for child in item:
                if X.local(child) not in ("rPh", "phoneticPr"):
                    inline.append(copy.deepcopy(child))
            replaced = False
            for t in inline.iter(q("t")):
                if t.text and old in t.text:
                    t.text = t.text.replace(old, X.escape_xstring(new))
                    t.set(f"{{{NS_XML}}}space", "preserve")
                    replaced = True
            if not replaced:  # the text spans two runs: left as it is
                continue
            for child in list(c):
                if X.local(child) in ("v", "is"):
                    c.remove(child)
            c.set("t", "inlineStr")
            ext = c.find(q("extLst"))
            (ext.addprevious(inline) if ext is not None else c.append(inline))
            changed.append(R.cell_ref(rn, cn))
        if changed:
            self._touch()
            self._pkg._note_input_changed()
        return changed

    def append_rows(self, first_row: int, rows, *, styles: dict[int, int] | None = None) -> None:
        """Write whole rows below every existing row in one pass: the fast way to fill a sheet
        this package added (an Audit or Sources list of thousands of cells).

        ``rows`` are lists of values (column A first; None or '' leaves the cell out), written from
        ``first_row`` down; ``styles`` maps a 1-based column to a cell style. Values are encoded as
        :meth:`set_value` encodes them; formulas are refused here (use set_value).
        """
        if self._tail:  # rows already held as text: append after them without parsing them
            last = self._tail_last
        else:
            self._index()
            last = self._row_keys[-1] if self._row_keys else 0
        if last and first_row <= last:
            raise UserError(f"{self._where}: append_rows starts at row {first_row}, not below the last row {last}.")
        styles = styles or {}
        for xf in set(styles.values()):
            self._pkg.styles.check_xf(xf, self._where)
        # Rows are written as one XML text and parsed once: building tens of thousands of cells
        # element by element costs several times more, and the tree that results is the same.
        parts, row_numbers, cells, where = [f'<sheetData xmlns="{NS_MAIN}">'], [], [], self._where
        last_row, last_col = first_row - 1, 0
        for rn, values in enumerate(rows, first_row):
            if not 1 <= rn <= R.MAX_ROW:
                R.cell_ref(rn, 1)  # the error naming Excel's row range
            parts.append(f'<row r="{rn}">')
            for cn, value in enumerate(values, 1):
                if value is None or value == "":
                    continue
                while cn > len(cells):  # the column's letters and style attribute, once per column
                    column = len(cells) + 1
                    cells.append((R.col_letters(column), f' s="{styles[column]}"' if styles.get(column) else ""))
                letters, style = cells[cn - 1]
                if isinstance(value, str):  # most cells: escaped here only when they hold a special character
                    if len(value) > MAX_CELL_TEXT:
                        self._encode(value, f"{letters}{rn}")  # the error naming the cell and Excel's limit
                    if _TEXT_SPECIAL_RE.search(value):
                        value = X.escape_xstring(value).translate(_TEXT_ESCAPES)
                    parts.append(f'<c r="{letters}{rn}"{style} t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>')
                else:  # numbers, booleans, dates: as set_value encodes them
                    spec = self._encode(value, f"{letters}{rn}")
                    if spec[0] == "f":
                        raise UserError(f"{where}, cell {letters}{rn}: append_rows writes values only; use set_value for formulas.")
                    kind = ' t="b"' if spec[0] == "b" else ""
                    parts.append(f'<c r="{letters}{rn}"{style}{kind}><v>{spec[1]}</v></c>')
                if cn > last_col:
                    last_col = cn
            parts.append("</row>")
            row_numbers.append(rn)
            last_row = rn
        if self._is_new and self._root.find(q("sheetData")) is not None:  # a sheet this package made: keep the rows as text
            self._tail.extend(parts[1:])
            self._tail_last = last_row if row_numbers else self._tail_last
        else:
            parts.append("</sheetData>")
            sd = self._sheet_data()
            new_rows = etree.fromstring("".join(parts).encode("utf-8"), _FRAGMENT_PARSER)
            for rn, row in zip(row_numbers, list(new_rows)):
                sd.append(row)
                self._rows[rn] = row
                self._row_keys.append(rn)
                self._cells.pop(rn, None)
        if last_row >= first_row and last_col:
            self._grow_dimension(first_row, 1)
            self._grow_dimension(last_row, last_col)
        self._touch()
        self._pkg._note_input_changed()

    # ------------------------------------------------------------------ sheet layout

    def hide_row(self, row: int) -> None:
        """Hide a row (e.g. a measure not reported to this audience); its cells and style stay as they were."""
        self._index()
        element = self._rows.get(row)
        if element is None:
            raise UserError(f"{self._where}: row {row} has no cells to hide.")
        element.set("hidden", "1")
        self._touch()

    def set_column_width(self, first_col: int, last_col: int, width: float, *, hidden: bool = False,
                         style: int | None = None) -> None:
        """Set the width (in characters) of columns first_col..last_col (1-based, inclusive)."""
        for c in (first_col, last_col):
            if not isinstance(c, int) or not 1 <= c <= R.MAX_COL:
                raise UserError(f"{self._where}: column {c!r} is outside 1..{R.MAX_COL}.")
        if first_col > last_col:
            raise UserError(f"{self._where}: first column {first_col} is after last column {last_col}.")
        try:
            w = float(width)
        except (TypeError, ValueError):
            raise UserError(f"{self._where}: column width {width!r} is not a number.") from None
        if not math.isfinite(w) or not 0 <= w <= 255:
            raise UserError(f"{self._where}: column width {width!r} is outside Excel's range 0..255.")
        if style is not None:
            self._pkg.styles.check_xf(style, self._where)
        cols = X.get_or_create(self._root, "cols", SHEET_ORDER)
        for col in list(cols.iterchildren(q("col"))):
            a, b = int(col.get("min")), int(col.get("max"))
            if b < first_col or a > last_col:
                continue
            if a < first_col:
                left = copy.deepcopy(col)
                left.set("max", str(first_col - 1))
                col.addprevious(left)
            if b > last_col:
                right = copy.deepcopy(col)
                right.set("min", str(last_col + 1))
                col.addnext(right)
            cols.remove(col)
        new = etree.Element(q("col"))
        new.set("min", str(first_col))
        new.set("max", str(last_col))
        new.set("width", format_number(w, self._where))
        if style:
            new.set("style", str(style))
        if hidden:
            new.set("hidden", "1")
        new.set("customWidth", "1")
        later = [c for c in cols.iterchildren(q("col")) if int(c.get("min")) > last_col]
        if later:
            later[0].addprevious(new)
        else:
            cols.append(new)
        self._touch()

    def freeze_panes(self, row: int, col: int) -> None:
        """Freeze so that (row, col) is the top-left scrollable cell; (2, 1) freezes row 1.
        (1, 1) removes any freeze."""
        ref = R.cell_ref(row, col)
        views = X.get_or_create(self._root, "sheetViews", SHEET_ORDER)
        view = views.find(q("sheetView"))
        if view is None:
            view = etree.SubElement(views, q("sheetView"))
            view.set("workbookViewId", "0")
        for child in list(view):
            if X.local(child) in ("pane", "selection", "pivotSelection"):
                view.remove(child)
        self._touch()
        if row == 1 and col == 1:
            return
        pane = etree.Element(q("pane"))
        if col > 1:
            pane.set("xSplit", str(col - 1))
        if row > 1:
            pane.set("ySplit", str(row - 1))
        pane.set("topLeftCell", ref)
        if row > 1 and col > 1:
            active, panes = "bottomRight", ["topRight", "bottomLeft", "bottomRight"]
        elif row > 1:
            active, panes = "bottomLeft", ["bottomLeft"]
        else:
            active, panes = "topRight", ["topRight"]
        pane.set("activePane", active)
        pane.set("state", "frozen")
        X.insert_in_order(view, pane, SHEET_VIEW_ORDER)
        for p in panes:
            sel = etree.Element(q("selection"))
            sel.set("pane", p)
            if p == active:
                sel.set("activeCell", ref)
                sel.set("sqref", ref)
            X.insert_in_order(view, sel, SHEET_VIEW_ORDER)

    def add_hyperlink(self, ref: str, *, location: str, display: str | None = None,
                      tooltip: str | None = None) -> None:
        """Internal link (e.g. location="'Scorecard'!D5"); replaces a link on the same ref."""
        self.add_hyperlinks([(ref, location, tooltip)], display=display)

    def add_hyperlinks(self, links, *, display: str | None = None) -> None:
        """Internal links, each ``(ref, location, tooltip or None)``: the way to link every row of
        an Audit sheet. A link on a ref that already has one replaces it."""
        links = list(links)
        if not links:
            return  # an empty <hyperlinks> is not valid
        if display is not None:
            X.check_xml_text(display, f"{self._where}: hyperlink text")
        container = X.get_or_create(self._root, "hyperlinks", SHEET_ORDER)
        index = self._link_index(container)
        tag = q("hyperlink")
        for ref, location, tooltip in links:
            ref = R.normalise_range(ref)
            if not isinstance(location, str) or not location.strip():
                raise UserError(f"{self._where}: hyperlink on {ref} needs a location such as \"'Sheet1'!A1\".")
            X.check_xml_text(location, f"{self._where}: hyperlink location")
            if tooltip is not None:
                X.check_xml_text(tooltip, f"{self._where}: hyperlink tooltip")
                if len(tooltip) > 255:
                    raise UserError(f"{self._where}: hyperlink tooltip on {ref} is longer than Excel's limit of 255 characters.")
            old = index.pop(ref, None)
            if old is not None:
                container.remove(old)
            h = etree.SubElement(container, tag)
            index[ref] = h
            h.set("ref", ref)
            h.set("location", location)
            if display is not None:
                h.set("display", display)
            if tooltip is not None:
                h.set("tooltip", tooltip)
        self._touch()

    def _link_index(self, links) -> dict:
        """Existing hyperlinks by normalised ref, built once per sheet (adding links stays linear)."""
        if getattr(self, "_links", None) is None or self._links[0] is not links:
            index = {}
            for old in links.iterchildren(q("hyperlink")):
                try:
                    index[R.normalise_range(old.get("ref", ""))] = old
                except UserError:
                    continue
            self._links = (links, index)
        return self._links[1]

    def add_conditional_format(self, sqref: str, rules: list[CFRule]) -> None:
        """Add expression rules for sqref; priorities continue after the sheet's highest."""
        sqref = R.normalise_sqref(sqref)
        rules = list(rules)
        if not rules:
            raise UserError(f"{self._where}: conditional format on {sqref} has no rules.")
        ndxf = self._pkg.styles.dxf_count()
        for rule in rules:
            if not isinstance(rule, CFRule):
                raise UserError(f"{self._where}: conditional-format rules must be CFRule objects, got {rule!r}.")
            if not isinstance(rule.dxf_id, int) or not 0 <= rule.dxf_id < ndxf:
                raise UserError(f"{self._where}: conditional format on {sqref} uses dxf {rule.dxf_id!r}, "
                                f"but the workbook has {ndxf} (0..{ndxf - 1}).",
                                hint="Create the format with add_dxf() and use the index it returns.")
        top = 0
        for el in self._root.iter():
            if X.local(el) == "cfRule":
                try:
                    top = max(top, int(el.get("priority", "0")))
                except ValueError:
                    pass
        cf = etree.Element(q("conditionalFormatting"))
        cf.set("sqref", sqref)
        for i, rule in enumerate(rules, start=1):
            text = (rule.formula or "").strip()
            if text.startswith("="):
                text = text[1:].lstrip()
            if not text:
                raise UserError(f"{self._where}: conditional format on {sqref} has an empty formula.")
            X.check_xml_text(text, f"{self._where}: conditional-format formula")
            el = etree.SubElement(cf, q("cfRule"))
            el.set("type", "expression")
            el.set("dxfId", str(rule.dxf_id))
            el.set("priority", str(top + i))
            if rule.stop_if_true:
                el.set("stopIfTrue", "1")
            etree.SubElement(el, q("formula")).text = text
        X.insert_in_order(self._root, cf, SHEET_ORDER)
        self._touch()

    def set_autofilter(self, ref: str) -> None:
        """Filter buttons on the header row of ref (e.g. 'A1:F200')."""
        rng = R.parse_range(ref)
        text = R.format_range(rng)
        af = self._root.find(q("autoFilter"))
        if af is None:
            af = X.insert_in_order(self._root, etree.Element(q("autoFilter")), SHEET_ORDER)
        elif af.get("ref") != text:
            for child in list(af):
                af.remove(child)
        af.set("ref", text)
        r1, c1, r2, c2 = rng
        absolute = f"{R.cell_ref(r1, c1, absolute=True)}:{R.cell_ref(r2, c2, absolute=True)}"
        self._pkg._set_defined_name("_xlnm._FilterDatabase", f"{R.quote_sheet_name(self.name)}!{absolute}",
                                    local_sheet_id=self._pkg._sheet_index(self.name), hidden=True)
        self._touch()

    def set_print_setup(self, *, landscape: bool = True, fit_width: bool = True,
                        repeat_rows: tuple[int, int] | None = None) -> None:
        """Orientation, fit-to-one-page-wide, and rows repeated at the top of each page."""
        if repeat_rows is not None:
            try:
                first, last = (int(x) for x in repeat_rows)
            except (TypeError, ValueError):
                raise UserError(f"{self._where}: repeat_rows must be (first_row, last_row), got {repeat_rows!r}.") from None
            if not 1 <= first <= last <= R.MAX_ROW:
                raise UserError(f"{self._where}: repeat_rows {repeat_rows!r} is not a valid row range.")
        if self._root.find(q("pageMargins")) is None:
            _page_margins(self._root)
        ps = X.get_or_create(self._root, "pageSetup", SHEET_ORDER)
        ps.set("orientation", "landscape" if landscape else "portrait")
        if fit_width:
            ps.set("fitToWidth", "1")
            ps.set("fitToHeight", "0")
            pr = X.get_or_create(self._root, "sheetPr", SHEET_ORDER)
            psp = X.get_or_create(pr, "pageSetUpPr", SHEET_PR_ORDER)
            psp.set("fitToPage", "1")
        if repeat_rows is not None:
            self._pkg._set_defined_name("_xlnm.Print_Titles",
                                        f"{R.quote_sheet_name(self.name)}!${first}:${last}",
                                        local_sheet_id=self._pkg._sheet_index(self.name))
        self._touch()
