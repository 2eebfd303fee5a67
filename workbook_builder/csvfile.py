"""CSV files people save from Excel or write by hand (local extracts, survey responses, ``fill`` values,
``reconcile --local``), read so that every error names the file and line.

:func:`rows` parses a CSV as it is decoded, after the size checks of :mod:`.limits`; a row the csv
module cannot read — a field past 131,072 characters is almost always a quote that opens a value and is
never closed — is an error naming the line. :func:`records` also holds each row to its header: a column
named twice, a row with more fields than the header (a stray comma) or too few to reach a required column
(a lost comma, a line broken in two) is an error naming the file, line and columns, never a silent shift of
values into other columns. A row that stops before optional trailing columns reads them as blank.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .errors import UserError
from .limits import check_text_file, read_text, text_encoding

TAIL_BYTES = 1 << 20  # how much of a CSV's end is read again to see whether its last row closes its quotes
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
            reader = csv.reader(handle)
            start = 1
            try:
                for row in reader:
                    if row or blank:
                        out.append((start, row))
                    start = reader.line_num + 1
            except csv.Error as exc:
                raise UserError(f"{path}:{start}: not a readable CSV row ({exc})", hint=UNREADABLE_HINT) from None
        if out and _ends_inside_a_quote(path, reader.line_num - out[-1][0] + 1):
            raise UserError(f"{path}:{out[-1][0]}: a quote opens a value on this line and never closes, so every line after it "
                            "was read as part of that value", hint=UNREADABLE_HINT)
    except UnicodeDecodeError:
        read_text(path)  # decodes the whole file: its error names the byte where decoding stops, from the file's start
        raise
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None
    return out


def _ends_inside_a_quote(path: Path, lines: int) -> bool:
    """Whether the CSV's last row, its last ``lines`` lines, reaches the end of the file inside a quoted value
    (the reader, lenient by design, keeps that as one value holding every line after the quote). Only the end
    of the file is read again, strictly: its last megabyte, or the whole file when the row is longer."""
    encoding = text_encoding(path)
    size = path.stat().st_size
    with open(path, "rb") as handle:
        if encoding == "utf-8-sig" and size > TAIL_BYTES:
            handle.seek(size - TAIL_BYTES)
        data = handle.read()
    text = data.decode("utf-8" if len(data) < size else encoding, errors="replace")
    tail = list(io.StringIO(text, newline=""))
    if len(tail) <= lines and len(data) < size:  # the row began before the bytes read: read it all
        return _ends_inside_a_quote_of(list(io.StringIO(read_text(path), newline="")), lines)
    return _ends_inside_a_quote_of(tail, lines)


def _ends_inside_a_quote_of(tail: list[str], lines: int) -> bool:
    if not tail or '"' not in "".join(tail[-lines:]):
        return False
    try:
        list(csv.reader(tail[-lines:], strict=True))
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


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
                            hint="Quote values that contain commas, e.g. \"3,5\".")
        lost = [h for h in header[len(row):] if h in required or h in reach]
        if lost and any(v.strip() for v in row):
            raise UserError(f"{path}:{line}: {len(row)} field(s) where the header has {width} (missing {', '.join(lost)})",
                            hint="Every row needs a place for each column, even if empty: look for a lost comma or a line broken in two.")
        out.append((line, {name: (row[i] if i < len(row) else "") for i, name in enumerate(header) if name}))
    return header, out


__all__ = ["records", "rows"]
