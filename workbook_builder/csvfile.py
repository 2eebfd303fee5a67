"""CSV files people save from Excel or write by hand (local extracts, survey responses, ``fill`` values,
``reconcile --local``), read so that every error names the file and line.

:func:`rows` parses a CSV as it is decoded, after the size checks of :mod:`.limits`, strictly: a quote
that opens a value and never closes, or text after a value's closing quote (``"3" ,``, or an unclosed
quote that a later quote seems to close), is an error naming the line where the quote opens, never a
value that swallows the lines after it; so is a field past 131,072 characters. :func:`records` also holds each row to its header: a column
named twice, a row with more fields than the header (a stray comma) or too few to reach a required column
(a lost comma, a line broken in two) is an error naming the file, line and columns, never a silent shift of
values into other columns. A row that stops before optional trailing columns reads them as blank.
"""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

from .errors import UserError
from .limits import check_text_file, read_text, text_encoding

LONG_ROW_HINT = "Quote values that contain commas, e.g. \"3,5\"."
SHORT_ROW_HINT = "Every row needs a place for each column, even if empty: look for a lost comma or a line broken in two."
UNREADABLE_HINT = ("A value that starts with a quote (\") must end with one: look for an unmatched quote on or before "
                   "this line, or save the file again from Excel as 'CSV UTF-8'.")


def rows(path: Path, *, blank: bool = False) -> list[tuple[int, list[str]]]:
    """Every row of a CSV with the line it starts on (1-based), parsed as it is decoded; blank rows
    only when ``blank`` (a grid keeps them, so its row numbers are the file's)."""
    path = Path(path)
    check_text_file(path)
    out: list[tuple[int, list[str]]] = []
    try:
        with open(path, encoding=text_encoding(path), newline="") as handle:
            reader = csv.reader(handle, strict=True)  # a quote out of place is an error, never a value swallowing lines
            start = 1
            try:
                for row in reader:
                    if row or blank:
                        out.append((start, row))
                    start = reader.line_num + 1
            except csv.Error as exc:
                raise unreadable(path, start, reader.line_num, exc) from None
    except UnicodeDecodeError:
        read_text(path)  # decodes the whole file: its error names the byte where decoding stops, from the file's start
        raise
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None
    return out


def unreadable(path: Path, start: int, end: int, exc: csv.Error) -> UserError:
    """The error for a row (on lines ``start`` to ``end``) the csv module cannot read; a quote out of place is
    named by the line where it opens, found by reading that row's lines again, character by character."""
    too_long = "field larger than field limit" in str(exc)
    quote_error = too_long or "unexpected end of data" in str(exc) or "expected after" in str(exc)
    problem = _quote_problem(path, start, end) if quote_error else None
    if problem is None:
        return UserError(f"{path}:{start}: not a readable CSV row ({exc})", hint=UNREADABLE_HINT)
    opened, closed, after = problem
    if closed is None and too_long:
        return UserError(f"{path}:{opened}: a quote opens a value on this line and does not close within "
                         f"{csv.field_size_limit():,} characters", hint=UNREADABLE_HINT)
    if closed is None:
        return UserError(f"{path}:{opened}: a quote opens a value on this line and never closes"
                         + (", so the lines after it would be read as part of that value" if end > opened else ""), hint=UNREADABLE_HINT)
    if closed == opened:
        return UserError(f"{path}:{opened}: {after!r} follows the closing quote of a quoted value; a value that starts with a quote "
                         "must end with one just before a comma or the end of its line", hint=UNREADABLE_HINT)
    return UserError(f"{path}:{opened}: a quote opens a value on this line and the quote that seems to close it, on line {closed}, "
                     f"is followed by {after!r}: look for a quote on line {opened} that never closes", hint=UNREADABLE_HINT)


def _quote_problem(path: Path, start: int, end: int) -> tuple[int, int | None, str] | None:
    """Where the row on lines ``start`` to ``end`` goes wrong: (the line its last quoted value opens on, the line
    where that value's closing quote is followed by text, or None when it never closes; the text). None when
    the row's quotes are in order (the csv module failed for another reason)."""
    quoted, after_close, field_start, opened = False, False, True, 0
    with open(path, encoding=text_encoding(path), newline="") as handle:
        for number, line in enumerate(itertools.islice(handle, start - 1, end), start):
            i = 0
            while i < len(line):
                ch = line[i]
                if quoted:
                    if ch == '"' and line[i + 1:i + 2] == '"':
                        i += 1  # a doubled quote inside a quoted value is one quote
                    elif ch == '"':
                        quoted, after_close = False, True
                elif after_close:
                    if ch not in ",\r\n":
                        return opened, number, line[i:i + 10].rstrip("\r\n")
                    after_close, field_start = False, True
                elif field_start and ch == '"':
                    quoted, field_start, opened = True, False, number
                else:
                    field_start = ch in ",\r\n"
                i += 1
    return (opened, None, "") if quoted else None


def records(path: Path, *, required: tuple[str, ...] = (), reach: tuple[str, ...] = (), what: str = "CSV",
            columns_hint: str = "") -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header (stripped, lower case) and each row as ``(line, {column: text})`` of a CSV whose rows
    must match its header. ``required`` columns must be there (named in the error as ``what`` needs them);
    every row must have a field (perhaps empty) for them and for the ``reach`` columns the header has."""
    path = Path(path)
    parsed = rows(path)
    if not parsed:
        raise UserError(f"{path}: the {what} is empty (no header row)", hint=columns_hint or None)
    header_line, raw = parsed[0]
    header = [h.strip().lower() for h in raw]
    seen: dict[str, int] = {}
    for number, name in enumerate(header, 1):
        if name and name in seen:
            raise UserError(f"{path}:{header_line}: column '{name}' is named twice (columns {seen[name]} and {number})",
                            hint="Rename or delete one of them: scorecard will not guess which holds the figures.")
        seen.setdefault(name, number)
    missing = [c for c in required if c not in seen]
    if missing:
        raise UserError(f"{path}: the {what} needs column(s) {', '.join(required)} (missing {', '.join(missing)})",
                        hint=columns_hint or None)
    width = len(header)
    out = []
    for line, row in parsed[1:]:
        if len(row) > width and any(v.strip() for v in row[width:]):
            raise UserError(f"{path}:{line}: more fields than the header has ({', '.join(row[width:])} left over)",
                            hint=LONG_ROW_HINT)
        lost = [h for h in header[len(row):] if h in required or h in reach]
        if lost and any(v.strip() for v in row):
            raise UserError(f"{path}:{line}: {len(row)} field(s) where the header has {width} (missing {', '.join(lost)})",
                            hint=SHORT_ROW_HINT)
        out.append((line, {name: (row[i] if i < len(row) else "") for i, name in enumerate(header) if name}))
    return header, out


__all__ = ["LONG_ROW_HINT", "SHORT_ROW_HINT", "UNREADABLE_HINT", "records", "rows", "unreadable"]
