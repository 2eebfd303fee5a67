"""Measure what survives a fill: openpyxl load/save against this project's package editor.

Run: ``python bench/preservation.py [FOLDER]`` (default ``../shared/data/excel-authored``).
For every workbook, fill two cells on the first worksheet both ways, then count the zip
parts that disappeared, and the kinds of part lost (images, drawings, comments, printer
settings, …). Prints one line per engine and the files openpyxl damages.
"""

from __future__ import annotations

import collections
import sys
import tempfile
import warnings
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402

from workbook_builder.writers.ooxml import WorkbookPackage  # noqa: E402

KINDS = {  # what a person would miss, by part name
    "image": ("xl/media/",), "VML shape (button, comment box)": (".vml",), "drawing": ("xl/drawings/drawing",),
    "comment": ("comments",), "chart": ("xl/charts/chart",), "printer settings": ("printerSettings",),
    "rich data (images in cells)": ("richData",), "table": ("xl/tables/",), "form control": ("ctrlProps",),
    "macro project": ("vbaProject",), "metadata": ("metadata.xml",),
}


def kinds(parts: set[str]) -> collections.Counter:
    """How many parts of each kind a package holds (renamed parts still count)."""
    counts = collections.Counter()
    for part in parts:
        for name, needles in KINDS.items():
            if any(n in part for n in needles) and not part.endswith(".rels"):
                counts[name] += 1
                break
    return counts


def lost(before: set[str], after: set[str]) -> collections.Counter:
    return kinds(before) - kinds(after)


def main(folder: Path) -> None:
    books = sorted(p for p in folder.iterdir() if p.suffix in (".xlsx", ".xlsm"))
    lost_by_openpyxl, lost_by_us = {}, {}
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for book in books:
            parts = set(zipfile.ZipFile(book).namelist())
            out = Path(tmp) / f"openpyxl{book.suffix}"
            wb = openpyxl.load_workbook(book, keep_vba=book.suffix == ".xlsm")
            ws = wb.worksheets[0]
            ws.cell(row=ws.max_row + 2, column=1, value=1)
            wb.save(out)
            missing = lost(parts, set(zipfile.ZipFile(out).namelist()))
            if missing:
                lost_by_openpyxl[book.name] = missing
            package = WorkbookPackage.open(book)
            package.worksheet(package.sheet_names[0]).set_value("A1000", 1)
            ours = Path(tmp) / f"ours{book.suffix}"
            package.save(ours)
            missing = parts - set(zipfile.ZipFile(ours).namelist())
            if missing:
                lost_by_us[book.name] = missing
    total = sum(lost_by_openpyxl.values(), collections.Counter())
    print(f"{len(books)} Excel-written workbooks")
    print(f"openpyxl load/save: {len(lost_by_openpyxl)} lose something ("
          + ", ".join(f"{k} {n}" for k, n in total.most_common()) + ")")
    print(f"scorecard package editor: {len(lost_by_us)} lose any part")
    for name, missing in sorted(lost_by_openpyxl.items()):
        print(f"  {name}: " + ", ".join(f"{k} {n}" for k, n in sorted(missing.items())))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "excel-authored")
