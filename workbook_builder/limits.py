"""The bounds every file the project reads is held to, checked before anything is decompressed or parsed.

A workbook is a zip of XML parts; a small file can expand to gigabytes (a zip bomb) or name a
cell far away (one value at XFD1048576 makes a dense reader allocate half a terabyte). So,
before a workbook is read:

* its size on disk, each part's and all parts' decompressed size, and the compression ratio of
  every large part are checked against :class:`ZipLimits` (the package editor's templates and
  the readers' inputs each have theirs);
* for an input, the sheet about to be read is scanned as it is decompressed for the cell
  furthest right and down, and refused when its grid would hold more than
  :data:`MAX_SHEET_CELLS` cells — so reading a sheet costs memory in proportion to the cells it
  really has;
* a text file (CSV) may be at most :data:`MAX_TEXT_BYTES`.

Every refusal is a :class:`~workbook_builder.errors.UserError` naming the file, the part or
sheet, and the limit.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

from .errors import UserError

OLE_MAGIC = b"\xd0\xcf\x11\xe0"
MB = 1024 * 1024


@dataclass(frozen=True)
class ZipLimits:
    file_bytes: int  # the zip on disk
    part_bytes: int  # one part, decompressed
    total_bytes: int  # every part, decompressed
    ratio: int  # decompressed / compressed, for parts over ratio_from bytes
    ratio_from: int = MB


TEMPLATE_LIMITS = ZipLimits(file_bytes=1024 * MB, part_bytes=200 * MB, total_bytes=1024 * MB, ratio=250)
INPUT_LIMITS = ZipLimits(file_bytes=256 * MB, part_bytes=100 * MB, total_bytes=300 * MB, ratio=250)
MAX_SHEET_CELLS = 5_000_000  # rows x columns of the grid one sheet of an input is read into
MAX_TEXT_BYTES = 50 * MB  # a CSV input: read into memory it takes up to ten times its size
MAX_FILL_ROWS = 100_000  # rows of a `scorecard fill` values file (100,000 take about 7 s and 600 MB)
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def _mb(n: int) -> str:
    return f"{n // MB} MB" if n < 1024 * MB else f"{n // (1024 * MB)} GB"


def check_members(archive: zipfile.ZipFile, label: str, limits: ZipLimits) -> list[zipfile.ZipInfo]:
    """The archive's file members, after refusing a duplicated or encrypted part, a part or a total that
    would expand past ``limits``, and a large part with a zip-bomb compression ratio."""
    seen: set[str] = set()
    total = 0
    members = []
    for info in archive.infolist():
        name = info.filename
        if name.endswith("/"):
            continue  # directory entry
        if name.lower() in seen:
            raise UserError(f"{label} is damaged: it contains the part {name!r} twice.", hint="Open it in Excel and save a fresh copy.")
        seen.add(name.lower())
        if info.flag_bits & 0x1:
            raise UserError(f"{label} contains an encrypted zip member {name!r}; Excel never writes these.",
                            hint="Save the workbook from Excel without zip encryption.")
        if info.file_size > limits.part_bytes:
            raise UserError(f"{label}: part {name} would expand to {info.file_size // MB} MB; refusing (limit {_mb(limits.part_bytes)}).")
        if info.file_size > limits.ratio_from and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise UserError(f"{label}: part {name} has a suspicious compression ratio (possible zip bomb); refusing to open it.",
                            hint=f"A part may expand at most {limits.ratio} times; re-save the workbook from Excel.")
        total += info.file_size
        if total > limits.total_bytes:
            raise UserError(f"{label} would expand to more than {_mb(limits.total_bytes)}; refusing to open it.")
        members.append(info)
    return members


DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError, RuntimeError)
"""What :mod:`zipfile` raises for a package whose bytes are damaged (a bad header, a bad CRC, data cut
short, a compression method or encryption it does not support)."""


def open_input_workbook(path: Path) -> zipfile.ZipFile:
    """An input workbook's zip, checked against :data:`INPUT_LIMITS` (nothing decompressed yet)."""
    path = Path(path)
    label = str(path)
    if path.suffix.lower() not in WORKBOOK_SUFFIXES:
        raise UserError(f"{label}: only Excel workbooks (.xlsx, .xlsm) and CSV files are read, not {path.suffix or 'a file without an extension'}",
                        hint="Open it in Excel and save it as an Excel Workbook (.xlsx), or as CSV UTF-8.")
    try:
        size = path.stat().st_size
        if size > INPUT_LIMITS.file_bytes:
            raise UserError(f"{label} is {size // MB} MB; refusing to read a workbook over {_mb(INPUT_LIMITS.file_bytes)}.")
        with path.open("rb") as handle:
            magic = handle.read(4)
    except OSError as exc:
        raise UserError(f"cannot read {label}: {exc.strerror or exc}", hint="If it is open in Excel, close it and try again.") from None
    if magic == OLE_MAGIC:
        raise UserError(f"{label} is password-protected (encrypted) or an old-style .xls file, not an .xlsx/.xlsm package.",
                        hint="Remove the password (File > Info > Protect Workbook) or save it as an Excel Workbook (.xlsx).")
    if magic[:2] != b"PK":
        raise UserError(f"{label} is not an Excel .xlsx/.xlsm file (it is not a zip package).",
                        hint="Open it in Excel and save it as an Excel Workbook (.xlsx).")
    try:
        archive = zipfile.ZipFile(path)
        check_members(archive, label, INPUT_LIMITS)
    except DAMAGED as exc:
        raise UserError(f"{label} is damaged: it cannot be read as a zip package ({exc}).",
                        hint="Open it in Excel, let it repair the file, save a copy and use that copy.") from None
    return archive


_SHEET = re.compile(rb'<(?:[\w.-]+:)?sheet\b[^>]*?\bname="([^"]*)"[^>]*?\b(?:[\w.-]+:)?id="([^"]*)"')
_SHEET_REVERSED = re.compile(rb'<(?:[\w.-]+:)?sheet\b[^>]*?\b(?:[\w.-]+:)?id="([^"]*)"[^>]*?\bname="([^"]*)"')
_RELATIONSHIP = re.compile(rb'<(?:[\w.-]+:)?Relationship\b([^>]*)/?>')
_ATTRIBUTE = re.compile(rb'([\w.:-]+)="([^"]*)"')


def sheet_parts(archive: zipfile.ZipFile, label: str) -> dict[str, str]:
    """Sheet name -> the part holding it, from ``xl/workbook.xml`` and its relationships (read as text,
    never through an entity-expanding parser)."""
    from html import unescape

    try:
        workbook = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}  # not laid out as Excel lays it out: the reader's own error will name the file
    except DAMAGED as exc:
        raise UserError(f"{label} is damaged: its list of sheets cannot be decompressed ({exc}).",
                        hint="Open it in Excel, let it repair the file, save a copy and use that copy.") from None
    targets = {}
    for match in _RELATIONSHIP.finditer(rels):
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        target = attributes.get(b"Target", b"").decode("utf-8", "replace")
        targets[attributes.get(b"Id", b"").decode()] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    found = {}
    for pattern, order in ((_SHEET, (0, 1)), (_SHEET_REVERSED, (1, 0))):
        for match in pattern.finditer(workbook):
            name, rid = match.group(order[0] + 1), match.group(order[1] + 1)
            found.setdefault(unescape(name.decode("utf-8", "replace")), targets.get(rid.decode(), ""))
    return found


_CELL_OR_ROW = re.compile(rb'<(?:[\w.-]+:)?(row|c)\b([^>]*)>')
_REF = re.compile(rb'\br="([A-Z]{1,3})?(\d+)"')


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


_FAST_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"')


def _too_many(rows: int, cols: int, label: str, sheet: str) -> None:
    if rows * cols > MAX_SHEET_CELLS:
        raise UserError(f"{label} sheet '{sheet}': its cells span {rows:,} rows x {cols:,} columns (out to {_letters(cols)}{rows}), "
                        f"more than the {MAX_SHEET_CELLS:,} cells an input sheet may have",
                        hint="Delete the stray cells far below or to the right (Ctrl+End shows the last cell) and save again.")


def _chunks(archive: zipfile.ZipFile, part: str):
    """A part's XML decompressed 4 MB at a time, each piece cut after a '>' so no tag is split."""
    tail = b""
    with archive.open(part) as handle:
        while True:
            chunk = handle.read(4 * MB)
            data = tail + chunk
            cut = data.rfind(b">") + 1 if chunk else len(data)
            yield data[:cut]
            tail = data[cut:]
            if not chunk:
                return


def _extent_by_reference(archive: zipfile.ZipFile, part: str, label: str, sheet: str) -> tuple[int, int] | None:
    """The extent from the cells' ``r=`` references alone, where every cell is laid out as Excel,
    LibreOffice and the Python writers write it (``<c r="B7" ...``, no namespace prefix); None where
    any is not. Tags are counted with bytes.count and the references found in one pass: a sheet the
    size of a LAIT indicator takes under a millisecond."""
    rows = cols = 0
    for data in _chunks(archive, part):
        if b":c" in data:
            return None  # cells with a namespace prefix (or text that looks like one): count tag by tag
        found = _FAST_CELL.findall(data)
        if len(found) != data.count(b"<c ") + data.count(b"<c>") + data.count(b"<c/>"):
            return None  # a cell without a reference, or with it after another attribute
        if found:
            letters = max(set(map(itemgetter(0), found)), key=lambda text: (len(text), text))
            cols = max(cols, _column_number(letters))
            rows = max(rows, max(map(int, set(map(itemgetter(1), found)))))
        _too_many(rows, cols, label, sheet)
    return rows, cols


def _extent_cell_by_cell(archive: zipfile.ZipFile, part: str, label: str, sheet: str) -> tuple[int, int]:
    """The extent counted tag by tag: cells and rows without a reference count on from the last."""
    rows = cols = row = col = 0
    for data in _chunks(archive, part):
        for match in _CELL_OR_ROW.finditer(data):
            ref = _REF.search(match.group(2))
            if match.group(1) == b"row":
                row = int(ref.group(2)) if ref else row + 1
                col = 0
            else:
                if ref and ref.group(1):
                    col, row = _column_number(ref.group(1)), int(ref.group(2))
                else:
                    col += 1
                cols, rows = max(cols, col), max(rows, row)  # rows without cells make no grid
        _too_many(rows, cols, label, sheet)
    return rows, cols


def check_sheet_extent(archive: zipfile.ZipFile, part: str, label: str, sheet: str) -> tuple[int, int]:
    """The rows and columns of the grid a sheet's cells span (A1 to its furthest cell), read while the
    part is decompressed in chunks, so memory stays bounded; a grid of more than :data:`MAX_SHEET_CELLS`
    cells is refused, naming the furthest cell. A sheet laid out as spreadsheet programs write it is
    measured from its references in a few passes per chunk; any other is counted tag by tag, where
    cells and rows without a reference count on from the last."""
    try:
        found = _extent_by_reference(archive, part, label, sheet)
        return found if found is not None else _extent_cell_by_cell(archive, part, label, sheet)
    except KeyError:
        return 0, 0
    except DAMAGED as exc:
        raise UserError(f"{label} is damaged: sheet '{sheet}' cannot be decompressed ({exc}).",
                        hint="Open it in Excel, let it repair the file, save a copy and use that copy.") from None


def _letters(col: int) -> str:
    out = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def text_encoding(path: Path) -> str:
    """The encoding a text input is read in: UTF-16 when its byte-order mark says so, else UTF-8 (with or
    without a mark). Nothing is guessed: a file in another encoding fails to decode, and
    :func:`read_text` says so, naming the file."""
    with open(path, "rb") as handle:
        start = handle.read(4)
    if start[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    return "utf-8-sig"


def not_utf8(path: Path, exc: UnicodeDecodeError) -> UserError:
    """The error for a text input that is not in the encoding its start promised."""
    bad = exc.object[exc.start:exc.start + 1] if isinstance(exc.object, (bytes, bytearray)) else b""
    return UserError(f"{path}: not UTF-8 text (byte {exc.start}{f': 0x{bad.hex()}' if bad else ''}); "
                     "scorecard reads CSV files saved as UTF-8 (or UTF-16 with a byte-order mark)",
                     hint="In Excel: File > Save As > 'CSV UTF-8 (Comma delimited)'. Other programs: save or export as UTF-8.")


def read_text(path: Path) -> str:
    """A text input, size-checked and decoded (see :func:`text_encoding`); errors name the file."""
    check_text_file(path)
    encoding = text_encoding(path)
    try:
        return Path(path).read_text(encoding=encoding)
    except UnicodeDecodeError as exc:
        raise not_utf8(path, exc) from None
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None


def check_text_file(path: Path) -> int:
    """A text input's size, refused over :data:`MAX_TEXT_BYTES`."""
    try:
        size = Path(path).stat().st_size
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None
    if size > MAX_TEXT_BYTES:
        raise UserError(f"{path} is {size // MB} MB; refusing to read a text file over {_mb(MAX_TEXT_BYTES)}.")
    return size


__all__ = ["MAX_FILL_ROWS", "read_text", "text_encoding", "not_utf8", "INPUT_LIMITS", "MAX_SHEET_CELLS", "MAX_TEXT_BYTES", "TEMPLATE_LIMITS", "ZipLimits", "check_members",
           "check_sheet_extent", "check_text_file", "open_input_workbook", "sheet_parts"]
