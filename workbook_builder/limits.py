"""The bounds every file the project reads is held to, checked before anything is decompressed or parsed.

A workbook is a zip of XML parts; a small file can expand to gigabytes (a zip bomb) or name a
cell far away (one value at XFD1048576 makes a dense reader allocate half a terabyte). So,
before a workbook is read:

* its size on disk, the number of entries in its zip directory, each part's and all parts' decompressed size, and the compression ratio of
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

import posixpath
import re
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import BinaryIO

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
    members: int = 10_000  # entries in the zip directory (Excel writes a few per sheet; the real workbooks tested have at most 26)
    directory_bytes: int = 4 * MB  # the zip's central directory, which zipfile parses whole on opening


TEMPLATE_LIMITS = ZipLimits(file_bytes=256 * MB, part_bytes=100 * MB, total_bytes=300 * MB, ratio=250)  # a template is read into memory whole
INPUT_LIMITS = ZipLimits(file_bytes=256 * MB, part_bytes=100 * MB, total_bytes=300 * MB, ratio=250)
MAX_SHEET_CELLS = 5_000_000  # rows x columns of the grid one sheet of an input is read into
MAX_WORKBOOK_CELLS = 10_000_000  # cells of every sheet read from one input workbook (each kept while the run lasts)
MAX_SHEET_TEXT = 100 * MB  # shared-string text one sheet's cells may hold once each cell has its copy
MAX_TEXT_BYTES = 50 * MB  # a CSV input: read into memory it takes up to ten times its size
MAX_YAML_BYTES = 5 * MB  # a mapping or settings file (the largest shipped mapping is 106 KB)
MAX_PARSED_PART = 32 * MB  # a template part the editor parses into a tree (about 28 times its size in memory)
MAX_FILL_ROWS = 100_000  # rows of a `scorecard fill` values file (100,000 take about 7 s and 600 MB)
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def _mb(n: int) -> str:
    return f"{n // MB} MB" if n < 1024 * MB else f"{n // (1024 * MB)} GB"


def member_key(name: str) -> str:
    """A part name as readers match it: any case, either slash, no leading slash."""
    return name.replace("\\", "/").lstrip("/").lower()


def find_member(archive: zipfile.ZipFile, name: str) -> str | None:
    """The archive's own name for part ``name``, matched as calamine matches it (see :func:`member_key`)."""
    wanted = member_key(name)
    return next((n for n in archive.namelist() if member_key(n) == wanted), None)


def check_members(archive: zipfile.ZipFile, label: str, limits: ZipLimits) -> list[zipfile.ZipInfo]:
    """The archive's file members, after refusing a duplicated or encrypted part, a part or a total that
    would expand past ``limits``, and a large part with a zip-bomb compression ratio."""
    seen: set[str] = set()
    total = 0
    members = []
    if len(archive.infolist()) > limits.members:  # the end record may understate them
        raise UserError(f"{label} lists {len(archive.infolist()):,} parts in its zip directory; refusing to open a package of more than {limits.members:,}.",
                        hint="Excel writes a few parts per sheet; open it in Excel and save a fresh copy.")
    for info in archive.infolist():
        name = info.filename
        if name.endswith("/"):
            continue  # directory entry
        if member_key(name) in seen:
            raise UserError(f"{label} is damaged: it contains the part {name!r} twice.", hint="Open it in Excel and save a fresh copy.")
        seen.add(member_key(name))
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


_END = b"PK\x05\x06"  # end of central directory record
_END64_LOCATOR = b"PK\x06\x07"
_END64 = b"PK\x06\x06"


def check_directory(handle, label: str, limits: ZipLimits) -> None:
    """Refuse a zip whose directory lists more than ``limits.members`` entries or takes more than
    ``limits.directory_bytes``, read from its end record before :mod:`zipfile` parses the directory
    (a 92 MB zip of a million empty members costs :mod:`zipfile` 11 s and 880 MB just to open).
    A zip without an end record is left for :mod:`zipfile` to call damaged."""
    size = handle.seek(0, 2)
    start = max(0, size - (22 + 65535))  # the record is 22 bytes, then a comment of at most 64 KB
    handle.seek(start)
    tail = handle.read()
    at = tail.rfind(_END)
    if at < 0 or len(tail) - at < 22:
        return
    entries = int.from_bytes(tail[at + 10:at + 12], "little")
    directory = int.from_bytes(tail[at + 12:at + 16], "little")
    if (entries == 0xFFFF or directory == 0xFFFFFFFF) and at >= 20 and tail[at - 20:at - 16] == _END64_LOCATOR:
        handle.seek(int.from_bytes(tail[at - 12:at - 4], "little"))
        record = handle.read(56)
        if len(record) == 56 and record[:4] == _END64:
            entries = int.from_bytes(record[32:40], "little")
            directory = int.from_bytes(record[40:48], "little")
    if entries > limits.members:
        raise UserError(f"{label} lists {entries:,} parts in its zip directory; refusing to open a package of more than {limits.members:,}.",
                        hint="Excel writes a few parts per sheet; open it in Excel and save a fresh copy.")
    if directory > limits.directory_bytes:
        raise UserError(f"{label} has a zip directory of {directory / MB:.1f} MB; refusing to open one over {_mb(limits.directory_bytes)}.",
                        hint="Open it in Excel and save a fresh copy.")


DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError, RuntimeError, OSError)
"""What :mod:`zipfile` raises for a package whose bytes are damaged (a bad header, a bad CRC, data cut
short, a compression method or encryption it does not support, an offset it cannot seek to)."""


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
        handle = path.open("rb")  # one handle, kept by the zip for as long as the workbook is read
    except OSError as exc:
        raise UserError(f"cannot read {label}: {exc.strerror or exc}", hint="If it is open in Excel, close it and try again.") from None
    try:
        return open_zip(handle, label, INPUT_LIMITS)[0]
    except BaseException:
        handle.close()
        raise


def open_zip(handle: BinaryIO, label: str, limits: ZipLimits) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    """A workbook's zip (reading ``handle``) and its file members, refused (by what it is, and against
    ``limits``) before anything is decompressed: an encrypted or old-style file, not a zip, a directory
    too big to parse, a damaged package, a part that would expand too far."""
    handle.seek(0)
    magic = handle.read(4)
    if magic == OLE_MAGIC:
        raise UserError(f"{label} is password-protected (encrypted) or an old-style .xls file, not an .xlsx/.xlsm package.",
                        hint="Remove the password (File > Info > Protect Workbook) or save it as an Excel Workbook (.xlsx).")
    if magic[:2] != b"PK":
        raise UserError(f"{label} is not an Excel .xlsx/.xlsm file (it is not a zip package).",
                        hint="Open it in Excel and save it as an Excel Workbook (.xlsx) or Macro-Enabled Workbook (.xlsm).")
    try:
        check_directory(handle, label, limits)
        archive = zipfile.ZipFile(handle)
        return archive, check_members(archive, label, limits)
    except DAMAGED as exc:
        raise UserError(f"{label} is damaged: it cannot be read as a zip package ({exc}).",
                        hint="Open it in Excel, let it repair the file, save a copy and use that copy.") from None


_SHEET = re.compile(rb'<(?:[\w.-]+:)?sheet\b[^>]*?\bname="([^"]*)"[^>]*?\b(?:[\w.-]+:)?id="([^"]*)"')
_SHEET_REVERSED = re.compile(rb'<(?:[\w.-]+:)?sheet\b[^>]*?\b(?:[\w.-]+:)?id="([^"]*)"[^>]*?\bname="([^"]*)"')
_RELATIONSHIP = re.compile(rb'<(?:[\w.-]+:)?Relationship\b([^>]*)/?>')
_ATTRIBUTE = re.compile(rb'([\w.:-]+)="([^"]*)"')


def sheet_parts(archive: zipfile.ZipFile, label: str) -> dict[str, str]:
    """Sheet name -> the part holding it, from ``xl/workbook.xml`` and its relationships (read as text,
    never through an entity-expanding parser)."""
    from html import unescape

    try:
        workbook = archive.read(find_member(archive, "xl/workbook.xml") or "xl/workbook.xml")
        rels = archive.read(find_member(archive, "xl/_rels/workbook.xml.rels") or "xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}  # not laid out as Excel lays it out: the reader's own error will name the file
    except DAMAGED as exc:
        raise UserError(f"{label} is damaged: its list of sheets cannot be decompressed ({exc}).",
                        hint="Open it in Excel, let it repair the file, save a copy and use that copy.") from None
    targets = {}
    for match in _RELATIONSHIP.finditer(rels):
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        target = attributes.get(b"Target", b"").decode("utf-8", "replace")
        target = target.replace("\\", "/")
        targets[attributes.get(b"Id", b"").decode()] = posixpath.normpath(target.lstrip("/") if target.startswith("/") else "xl/" + target)
    found = {}
    for pattern, order in ((_SHEET, (0, 1)), (_SHEET_REVERSED, (1, 0))):
        for match in pattern.finditer(workbook):
            name, rid = match.group(order[0] + 1), match.group(order[1] + 1)
            found.setdefault(unescape(name.decode("utf-8", "replace")), targets.get(rid.decode(), ""))
    return found


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch - 64)
    return n


@dataclass(frozen=True)
class SharedStrings:
    """The length in bytes of each shared string's XML (an upper bound on the text a cell holding it
    becomes: every reader copies the string into each cell that refers to it)."""

    lengths: Sequence[int] = ()
    longest: int = 0  # the longest of them: the bound for a cell whose string is not known

    @classmethod
    def of(cls, lengths: Sequence[int]) -> "SharedStrings":
        return cls(lengths, max(lengths, default=0))

    def length(self, index: int) -> int:
        return self.lengths[index] if 0 <= index < len(self.lengths) else self.longest


def shared_strings(archive: zipfile.ZipFile, label: str) -> SharedStrings:
    """Each shared string's length, read from the shared-strings part as it decompresses (split on
    ``<si``; a prefixed ``<x:si`` is not split, so every string counts as the whole part: an over-estimate)."""
    from array import array

    lengths = array("q")
    current = -1
    part = find_member(archive, "xl/sharedStrings.xml")
    if part is None:
        return SharedStrings()
    try:
        for data in _chunks(archive, part):
            pieces = data.split(b"<si")
            if current >= 0:
                current += len(pieces[0])
            for piece in pieces[1:]:
                if current >= 0:
                    lengths.append(current)
                current = len(piece)
        if current >= 0:
            lengths.append(current)
    except DAMAGED as exc:
        raise UserError(f"{label} is damaged: its shared strings cannot be decompressed ({exc}).",
                        hint="Open it in Excel, let it repair the file, save a copy and use that copy.") from None
    return SharedStrings.of(lengths)


@dataclass
class _Extent:
    label: str
    sheet: str
    strings: SharedStrings
    rows: int = 0
    cols: int = 0
    text: int = 0  # bytes of shared-string text the sheet's cells would hold

    def check(self) -> None:
        if self.rows * self.cols > MAX_SHEET_CELLS:
            raise UserError(f"{self.label} sheet '{self.sheet}': its cells span {self.rows:,} rows x {self.cols:,} columns "
                            f"(out to {_letters(self.cols)}{self.rows}), more than the {MAX_SHEET_CELLS:,} cells an input sheet may have",
                            hint="Delete the stray cells far below or to the right (Ctrl+End shows the last cell) and save again.")
        if self.text > MAX_SHEET_TEXT:
            raise UserError(f"{self.label} sheet '{self.sheet}': its cells would hold at least {self.text // MB:,} MB of text (shared strings "
                            f"repeated cell by cell), more than the {_mb(MAX_SHEET_TEXT)} an input sheet may hold",
                            hint="A sheet of figures holds far less text: check this is the extract you meant, or save the sheet's "
                                 "values alone into a new workbook.")


def _chunks(archive: zipfile.ZipFile, part: str):
    """A part's XML decompressed 4 MB at a time, each piece cut just before a '<' (which no attribute
    value or text may hold), so no tag is split between pieces."""
    tail = b""
    with archive.open(part) as handle:
        while True:
            chunk = handle.read(4 * MB)
            data = tail + chunk
            cut = max(data.rfind(b"<"), 0) if chunk else len(data)  # nothing to cut before: held for the next read
            yield data[:cut]
            tail = data[cut:]
            if not chunk:
                return


# A cell start tag exactly as Excel, LibreOffice and the Python writers write it: the reference first,
# in capitals and double quotes, its row without a leading zero, then only the attributes a cell has,
# each after one space. _NOT_CANONICAL finds a cell tag that is anything else.
_CANONICAL_CELL = re.compile(rb'<c r="([A-Z]{1,3})([1-9]\d*)"(?: (?:s|t|cm|vm|ph)="[^"]*")*/?>')
_NOT_CANONICAL = re.compile(rb'<c(?=[\s/>])(?! r="[A-Z]{1,3}[1-9]\d*"(?: (?:s|t|cm|vm|ph)="[^"]*")*/?>)')
_REFERENCE_AT = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"')
_STRING_VALUE = re.compile(rb'<c r="[A-Z]{1,3}\d+"(?: (?:s|cm|vm|ph)="[^"]*")* t="s"(?: (?:s|cm|vm|ph)="[^"]*")*><v>(\d+)</v>')


def _greater(text: str, digit: str, alphabet: str) -> bytes:
    """A pattern for a canonical row number (``digit`` is ``[1-9]``, ``alphabet`` ``0123456789``) or column
    (``[A-Z]``, the letters) that comes after ``text``: longer, or as long and greater at some position."""
    alternatives = [f"{digit}[{alphabet[0]}-{alphabet[-1]}]{{{len(text)},}}"]
    for i, ch in enumerate(text):
        after = alphabet[alphabet.index(ch) + 1:]
        if after:
            alternatives.append(f"{text[:i]}[{after[0]}-{after[-1]}][{alphabet[0]}-{alphabet[-1]}]{{{len(text) - i - 1}}}")
    return "|".join(alternatives).encode()


_CANONICAL_REST = rb' r="[A-Z]{1,3}[1-9]\d*"(?: (?:s|t|cm|vm|ph)="[^"]*")*/?>'


@lru_cache(maxsize=256)
def _unusual(rows: int, cols: int) -> re.Pattern:
    """A cell tag that is not canonical (the match is just ``<c``), or a canonical one further down than
    ``rows`` or further right than ``cols``: one pass finds either."""
    row = _greater(str(rows), "[1-9]", "0123456789")
    col = _greater(_letters(cols), "[A-Z]", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return re.compile(rb'<c(?:(?=[\s/>])(?!' + _CANONICAL_REST + rb')| r="(?:[A-Z]{1,3}(?:' + row + rb')"|(?:' + col + rb')\d))')


def _canonical(data: bytes, extent: _Extent) -> bool:
    """Measure a chunk whose every cell tag is canonical in one pass in C that allocates nothing per
    cell: the last cell's position is taken as the furthest, and only when some cell lies beyond it
    are the references all collected. False, measuring nothing, where any cell is not canonical or
    has a namespace prefix (or text looks like one)."""
    if b":c" in data:
        return False
    last = data.rfind(b'<c r="')
    if last < 0:
        return _NOT_CANONICAL.search(data) is None  # no referenced cell: nothing to measure
    reference = _REFERENCE_AT.match(data, last)
    if reference is None:
        return False
    rows, cols = max(extent.rows, int(reference[2])), max(extent.cols, _column_number(reference[1]))
    found = _unusual(rows, cols).search(data)
    if found is not None:
        if len(found[0]) == 2 or _NOT_CANONICAL.search(data, found.start()):
            return False
        cells = _CANONICAL_CELL.findall(data)  # cells out of order, or a row wider than the last: collect them all
        letters = max(set(map(itemgetter(0), cells)), key=lambda text: (len(text), text))
        cols = max(cols, _column_number(letters))
        rows = max(rows, max(map(int, set(map(itemgetter(1), cells)))))
    extent.rows, extent.cols = rows, cols
    strings = data.count(b' t="s"')
    if strings and strings * extent.strings.longest > MAX_SHEET_TEXT - extent.text:
        indexes = _STRING_VALUE.findall(data)  # only when the quick bound is not enough: each string's own length
        extent.text += sum(map(extent.strings.length, map(int, indexes))) + (strings - len(indexes)) * extent.strings.longest
    else:
        extent.text += strings * extent.strings.longest
    return True


_TAG = re.compile(rb'<(?:[\w.-]+:)?(row|c)(?=[\s/>])((?:[^>"\']|"[^"]*"|\'[^\']*\')*)>')  # a '>' may sit in a quoted value
_ATTRIBUTE_VALUE = re.compile(rb'(?<![\w.:-])(r|t)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
_REFERENCE = re.compile(rb'([A-Za-z]*)(\d+)')
_VALUE = re.compile(rb'\s*(?:<(?:[\w.-]+:)?f\b[^>]*?(?:/>|>[^<]*</(?:[\w.-]+:)?f>)\s*)?<(?:[\w.-]+:)?v\b[^>]*>\s*(\d+)\s*<')


class _TagByTag:
    """The running position of a sheet read tag by tag, as calamine reads it: a cell or row without a
    reference is the one after the last; of two references the furthest counts."""

    def __init__(self, extent: _Extent):
        self.extent, self.row, self.col = extent, 0, 0

    def measure(self, data: bytes) -> None:
        extent = self.extent
        for tag in _TAG.finditer(data):
            refs, kind = [], b""
            for name, double, single in _ATTRIBUTE_VALUE.findall(tag.group(2)):
                value = double or single
                if name == b"r":
                    refs.append(value)
                else:
                    kind = value
            if tag.group(1) == b"row":
                numbers = [int(v) for v in refs if v.isdigit()]
                self.row, self.col = (max(numbers) if numbers else self.row + 1), 0
                continue
            parsed = [m.groups() for m in map(_REFERENCE.fullmatch, refs) if m and m.group(1)]
            if parsed:
                self.col = max(_column_number(letters) for letters, _ in parsed)
                self.row = max(int(number) for _, number in parsed)
            else:
                self.col += 1
            extent.cols, extent.rows = max(extent.cols, self.col), max(extent.rows, self.row)
            if kind == b"s":
                value = _VALUE.match(data, tag.end())
                extent.text += extent.strings.length(int(value.group(1))) if value else extent.strings.longest


@dataclass
class WorkbookBudget:
    """What the sheets read so far from one input workbook have taken: every sheet read is kept while
    the run lasts, so the workbook as a whole is bounded too (three sheets just under the per-sheet
    limits would be 15 million cells)."""

    cells: int = 0
    text: int = 0
    sheets: list = field(default_factory=list)

    def spend(self, label: str, sheet: str, cells: int, text: int) -> None:
        """Charge one sheet's cells and text, once however often it is read; refused past the workbook's limits."""
        if sheet in self.sheets:
            return
        if self.cells + cells > MAX_WORKBOOK_CELLS or self.text + text > MAX_SHEET_TEXT:
            read = ", ".join(f"'{name}'" for name in self.sheets)
            raise UserError(f"{label}: reading sheet '{sheet}' ({cells:,} cells) after {read} ({self.cells:,} cells) would take more than "
                            f"the {MAX_WORKBOOK_CELLS:,} cells (and {_mb(MAX_SHEET_TEXT)} of text) one input workbook may have read",
                            hint="Keep only the sheets scorecard reads in the extract (save a copy without the others).")
        self.cells += cells
        self.text += text
        self.sheets.append(sheet)


def check_sheet_extent(archive: zipfile.ZipFile, part: str, label: str, sheet: str,
                       strings: SharedStrings | None = None, budget: WorkbookBudget | None = None) -> tuple[int, int]:
    """The rows and columns of the grid a sheet's cells span (A1 to its furthest cell), read while the
    part is decompressed in chunks, so memory stays bounded. Refused: a grid of more than
    :data:`MAX_SHEET_CELLS` cells (naming the furthest cell), and cells that would hold more than
    :data:`MAX_SHEET_TEXT` of shared-string text (a short string is one copy in the file, but a copy in
    every cell once read: 400,000 cells of one 10 KB string are 8 GB).

    A chunk whose cells are all written as spreadsheet programs write them is measured in a few passes;
    once one is not, the rest is read tag by tag the way calamine reads it (attributes in either quote,
    spaced or not, references in any case, a cell or row without one counting on from the last)."""
    extent = _Extent(label, sheet, strings or SharedStrings())
    slow: _TagByTag | None = None
    found = find_member(archive, part)
    if found is None:
        raise UserError(f"{label}: sheet '{sheet}' is not where the workbook says it is ({part}), so it is not read",
                        hint="Open the workbook in Excel and save it again as an Excel Workbook (.xlsx).")
    part = found
    try:
        for data in _chunks(archive, part):
            if slow is None and not _canonical(data, extent):
                slow = _TagByTag(extent)
                slow.row = extent.rows  # carry on from the furthest position measured so far (an over-estimate at worst)
            if slow is not None:
                slow.measure(data)
            extent.check()
    except DAMAGED as exc:
        raise UserError(f"{label} is damaged: sheet '{sheet}' cannot be decompressed ({exc}).",
                        hint="Open it in Excel, let it repair the file, save a copy and use that copy.") from None
    if budget is not None:
        budget.spend(label, sheet, extent.rows * extent.cols, extent.text)
    return extent.rows, extent.cols


_FORMULA_CELL = re.compile(
    rb'<(?:[\w.-]+:)?c\b((?:[^>"\']|"[^"]*"|\'[^\']*\')*)>\s*'  # the cell's start tag and its attributes
    rb'<(?:[\w.-]+:)?f\b[^>]*?(?:/>|>[^<]*</(?:[\w.-]+:)?f>)\s*'  # its formula
    rb'(?:<(?:[\w.-]+:)?v\b[^>]*?(?:/>|>\s*</(?:[\w.-]+:)?v>)\s*)?</(?:[\w.-]+:)?c>')  # and no result, or an empty one


_FORMULA_START = re.compile(rb'<(?:[\w.-]+:)?f\b')


def formulas_without_results(archive: zipfile.ZipFile, part: str, label: str, sheet: str) -> list[tuple[int, int]]:
    """The cells (row from 1, column from 0) of a sheet that hold a formula but not its result: a
    workbook saved by a program that does not calculate (openpyxl, say) has none stored, so a reader
    sees an empty cell where Excel would show a value. A formula whose result is empty text
    (``t="str"``) is a result and is not listed. Read in chunks, each cut after a row ends."""
    found: list[tuple[int, int]] = []
    member = find_member(archive, part)
    if member is None:
        return found
    tail = b""
    try:
        for data in _chunks(archive, member):
            buffer = tail + data
            cut = buffer.rfind(b"row>") + 4 if data else len(buffer)
            cut = cut if cut >= 4 else 0
            for formula in _FORMULA_START.finditer(buffer, 0, cut):  # from each formula back to its cell: most cells have none
                match = _FORMULA_CELL.match(buffer, max(buffer.rfind(b"<", 0, formula.start()), 0), cut)
                if match is None:
                    continue
                attributes = {name: double or single for name, double, single in _ATTRIBUTE_VALUE.findall(match.group(1))}
                reference = _REFERENCE.fullmatch(attributes.get(b"r", b""))
                if attributes.get(b"t", b"n") == b"str" or not reference or not reference.group(1):
                    continue
                found.append((int(reference.group(2)), _column_number(reference.group(1).upper()) - 1))
            tail = buffer[cut:]
    except DAMAGED as exc:
        raise UserError(f"{label} is damaged: sheet '{sheet}' cannot be decompressed ({exc}).",
                        hint="Open it in Excel, let it repair the file, save a copy and use that copy.") from None
    return found


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
    start = exc.object[:4] if isinstance(exc.object, (bytes, bytearray)) else b""
    if start.startswith(b"PK\x03\x04") or start == OLE_MAGIC:  # a workbook given where a CSV is read
        return UserError(f"{path} is an Excel workbook, not a CSV file (this is read from CSV text)",
                         hint="Give a CSV file, or open the workbook in Excel and save it as 'CSV UTF-8 (Comma delimited)'.")
    if str(exc.encoding).lower().replace("-", "").startswith("utf16"):  # its byte-order mark promised UTF-16
        return UserError(f"{path}: its byte-order mark says UTF-16, but the text stops being UTF-16 at byte {exc.start} "
                         f"({exc.reason}); the file may be cut short or damaged",
                         hint="Save it again from the program that wrote it, or from Excel as 'CSV UTF-8 (Comma delimited)'.")
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
    """A text input's size, refused over :data:`MAX_TEXT_BYTES`, or with more values than a sheet may
    have (:data:`MAX_SHEET_CELLS`, counted as its commas and line ends: a quoted comma counts too)."""
    try:
        size = Path(path).stat().st_size
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None
    if size > MAX_TEXT_BYTES:
        raise UserError(f"{path} is {size // MB} MB; refusing to read a text file over {_mb(MAX_TEXT_BYTES)}.")
    if size < MAX_SHEET_CELLS:  # fewer bytes than the limit: fewer commas and lines too
        return size
    cells = 0
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(4 * MB):
                cells += chunk.count(b",") + chunk.count(b"\n")
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None
    if cells > MAX_SHEET_CELLS:
        raise UserError(f"{path} holds about {cells:,} values (counting its commas and lines), more than the {MAX_SHEET_CELLS:,} "
                        "a CSV input may have",
                        hint="Each value costs memory once read: keep only the rows and columns scorecard reads.")
    return size


__all__ = ["MAX_FILL_ROWS", "MAX_YAML_BYTES", "MAX_SHEET_TEXT", "MAX_WORKBOOK_CELLS", "WorkbookBudget", "SharedStrings", "shared_strings", "read_text", "text_encoding", "not_utf8", "INPUT_LIMITS", "MAX_SHEET_CELLS", "MAX_TEXT_BYTES", "TEMPLATE_LIMITS", "ZipLimits", "check_members",
           "check_sheet_extent", "find_member", "formulas_without_results", "member_key", "check_text_file", "open_input_workbook", "sheet_parts"]
