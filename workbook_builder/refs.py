"""Cell references, in one place for every layer: A1 parsing and formatting, range arithmetic,
and sheet-qualified references (``'Sheet name'!D5``) with their quoting and unquoting.

Readers record the cell a value came from, writers fill and link cells, and ``trace`` reads
the Audit sheet's references back: all of them use these functions, so a sheet name holding
an apostrophe is quoted (``'Children''s data'!A1``) and read back the same way everywhere.
Rows and columns are 1-based throughout. Every parse error raises
:class:`~workbook_builder.errors.UserError` naming the bad reference.
"""

from __future__ import annotations

import re

from .errors import UserError

MAX_ROW = 1_048_576
MAX_COL = 16_384

_CELL_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")


def col_letters(col: int) -> str:
    """1 -> 'A', 27 -> 'AA'."""
    if not 1 <= col <= MAX_COL:
        raise UserError(f"Column number {col} is outside Excel's range 1..{MAX_COL}.")
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def col_number(letters: str) -> int:
    """'A' -> 1, 'AA' -> 27."""
    n = 0
    for ch in letters.upper():
        if not "A" <= ch <= "Z":
            raise UserError(f"{letters!r} is not a column name (expected letters such as 'A' or 'AB').")
        n = n * 26 + (ord(ch) - 64)
    if not 1 <= n <= MAX_COL:
        raise UserError(f"Column {letters!r} is beyond Excel's last column XFD.")
    return n


def parse_cell(ref: str) -> tuple[int, int]:
    """'B12' (or '$B$12') -> (12, 2).  Raises UserError for anything else."""
    if not isinstance(ref, str):
        raise UserError(f"Cell reference must be text such as 'B12', not {ref!r}.")
    m = _CELL_RE.match(ref.strip())
    if not m:
        raise UserError(
            f"{ref!r} is not a cell reference.",
            hint="Use A1-style references such as 'B12' (column letters then row number).",
        )
    col = col_number(m.group(1))
    row = int(m.group(2))
    if not 1 <= row <= MAX_ROW:
        raise UserError(f"Row {row} in {ref!r} is outside Excel's range 1..{MAX_ROW}.")
    return row, col


def cell_ref(row: int, col: int, *, absolute: bool = False) -> str:
    """(12, 2) -> 'B12' (or '$B$12' when ``absolute``)."""
    if not isinstance(row, int) or not 1 <= row <= MAX_ROW:
        raise UserError(f"Row number {row!r} is outside Excel's range 1..{MAX_ROW}.")
    if absolute:
        return f"${col_letters(col)}${row}"
    return f"{col_letters(col)}{row}"


Range = tuple[int, int, int, int]  # min_row, min_col, max_row, max_col


def parse_range(ref: str) -> Range:
    """'A1:C3' or 'B2' -> (min_row, min_col, max_row, max_col)."""
    if not isinstance(ref, str) or not ref.strip():
        raise UserError(f"{ref!r} is not a cell range (expected e.g. 'A1:C10').")
    parts = ref.strip().split(":")
    if len(parts) == 1:
        r, c = parse_cell(parts[0])
        return r, c, r, c
    if len(parts) != 2:
        raise UserError(f"{ref!r} is not a cell range (expected e.g. 'A1:C10').")
    r1, c1 = parse_cell(parts[0])
    r2, c2 = parse_cell(parts[1])
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def format_range(rng: Range) -> str:
    """(1, 1, 3, 3) -> 'A1:C3'; a one-cell range is written as the cell ('B2')."""
    r1, c1, r2, c2 = rng
    a = cell_ref(r1, c1)
    b = cell_ref(r2, c2)
    return a if a == b else f"{a}:{b}"


# A single cell already in canonical form and inside Excel's grid (A1 … XFD1048576).
_CANONICAL_CELL_RE = re.compile(
    r"(?:[A-Z]{1,2}|[A-W][A-Z]{2}|X[A-E][A-Z]|XF[A-D])"
    r"(?:[1-9][0-9]{0,5}|10[0-3][0-9]{4}|104[0-7][0-9]{3}|1048[0-4][0-9]{2}|10485[0-6][0-9]|104857[0-6])")


def normalise_range(ref: str) -> str:
    """'b2' -> 'B2', 'C3:A1' -> 'A1:C3'; a cell already canonical (an Audit sheet's thousands
    of 'A2' … links) is returned as given without parsing."""
    if isinstance(ref, str) and _CANONICAL_CELL_RE.fullmatch(ref):
        return ref
    return format_range(parse_range(ref))


def parse_sqref(sqref: str) -> list[Range]:
    """Space-separated list of ranges, as used by conditional formatting."""
    if not isinstance(sqref, str) or not sqref.split():
        raise UserError(f"{sqref!r} is not a range list (expected e.g. 'A1:C10 E1:E10').")
    return [parse_range(p) for p in sqref.split()]


def normalise_sqref(sqref: str) -> str:
    """A conditional-format range list in canonical form: each range ordered and upper-case."""
    return " ".join(format_range(r) for r in parse_sqref(sqref))


def in_range(row: int, col: int, rng: Range) -> bool:
    """Whether the cell (row, col) lies inside ``rng``."""
    r1, c1, r2, c2 = rng
    return r1 <= row <= r2 and c1 <= col <= c2


def union(a: Range | None, b: Range) -> Range:
    """The smallest range holding both ``a`` and ``b`` (``b`` alone when ``a`` is None): a sheet's used area grown by a cell."""
    if a is None:
        return b
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


def quote_sheet_name(name: str, *, always: bool = False) -> str:
    """Sheet name as it must appear in a formula: 'My Sheet' -> "'My Sheet'", "Bob's" -> "'Bob''s'".

    A plain name (``Scorecard``) is left bare unless ``always``: the Audit sheet quotes every
    name, so its references read the same whatever the sheet is called."""
    if not always and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", name) and not re.fullmatch(
        r"[A-Za-z]{1,3}[0-9]+|[Rr][0-9]*[Cc][0-9]*|TRUE|FALSE", name, flags=re.I
    ):
        return name
    return "'" + name.replace("'", "''") + "'"


def unquote_sheet_name(text: str) -> str:
    """The inverse of :func:`quote_sheet_name`: "'Bob''s'" -> "Bob's"; a bare name is returned as given."""
    text = text.strip()
    if len(text) >= 2 and text[0] == "'" and text[-1] == "'":
        return text[1:-1].replace("''", "'")
    return text


def sheet_ref(sheet: str, ref: str) -> str:
    """A reference on a named sheet, the sheet always quoted: ``sheet_ref("Scorecard", "D5")`` -> ``'Scorecard'!D5``."""
    return f"{quote_sheet_name(sheet, always=True)}!{ref}"


def split_sheet_ref(text: str) -> tuple[str | None, str]:
    """``'Bob''s'!$D$5`` -> ("Bob's", "D5"); ``D5`` -> (None, "D5"). A leading '=' and '$' signs are dropped,
    and a range keeps only its first cell's half when ``text`` names one (``A1:B2`` -> ``A1:B2``)."""
    text = text.strip().lstrip("=")
    sheet = None
    if "!" in text:
        name, text = text.rsplit("!", 1)
        sheet = unquote_sheet_name(name)
    return sheet, text.replace("$", "").upper()
