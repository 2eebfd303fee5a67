"""The Audit and Sources sheets: every filled value explained, every input file listed.

Audit: one row per filled value (:class:`~workbook_builder.writers.audit_rows.AuditRow`), its
Cell hyperlinked to the cell it explains, with the value, period, source file and SHA-256, the
resolved locator, the transformation and the mapping file:line that asked for it. Sources: one
row per input file with its fingerprint, size, rows read, periods covered, whether it is sample
data, and why it is missing when it is. Builds and reconciliation reports both write these.
"""

from __future__ import annotations

from ..refs import col_letters
from ..sources.base import InputFile
from .audit_rows import AUDIT_COLUMNS, SOURCES_COLUMNS, AuditRow, BuildStamp
from .ooxml import WorkbookPackage

NAVY = "1F3864"


def _header(package: WorkbookPackage, sheet, columns: list[tuple[str, int]]) -> None:
    style = package.add_cell_style(bold=True, font_color="FFFFFF", fill_color=NAVY, wrap=True, v_align="center")
    for index, (title, width) in enumerate(columns, 1):
        sheet.set_value(f"{col_letters(index)}1", title, style=style)
        sheet.set_column_width(index, index, width)
    sheet.freeze_panes(2, 1)
    sheet.set_print_setup(landscape=True, fit_width=True, repeat_rows=(1, 1))


def write_audit(package: WorkbookPackage, rows: list[AuditRow], stamp: BuildStamp) -> int:
    """Add the Audit sheet: one row per filled value, each linked to its cell; returns the rows written."""
    sheet = package.add_worksheet("Audit")
    _header(package, sheet, [(title, width) for _name, title, width in AUDIT_COLUMNS])
    link = package.add_cell_style(font_color="0563C1", underline=True)
    sheet.append_rows(2, (row.cells(stamp) for row in rows), styles={1: link})
    sheet.add_hyperlinks((f"A{r}", row.cell, f"Go to {row.cell}") for r, row in enumerate(rows, 2))
    sheet.set_autofilter(f"A1:{col_letters(len(AUDIT_COLUMNS))}{max(len(rows) + 1, 2)}")
    return len(rows)


def write_data_quality(package: WorkbookPackage, problems: list) -> int:
    """Add the Data quality sheet: each problem of the Annex A lists by list, sheet, row and field (never a
    record's values), or one row saying none was found."""
    sheet = package.add_worksheet("Data quality")
    _header(package, sheet, [("List", 8), ("What it holds", 26), ("Sheet", 12), ("Row", 8), ("Field", 18), ("Problem", 70)])
    from ..sources.annex_a import LISTS

    rows = [[p.list_number, LISTS[p.list_number], p.sheet, p.row, p.field, p.problem] for p in problems] or \
        [["", "", "", "", "", "No problems found in the Annex A lists read."]]
    sheet.append_rows(2, rows)
    sheet.set_autofilter(f"A1:F{len(rows) + 1}")
    return len(problems)


def write_sources(package: WorkbookPackage, files: list[InputFile]) -> int:
    """Add the Sources sheet: one row per input file (sample data and missing extracts flagged in red)."""
    sheet = package.add_worksheet("Sources")
    _header(package, sheet, SOURCES_COLUMNS)
    warn = package.add_cell_style(bold=True, font_color="C00000")
    for r, f in enumerate(files, 2):
        sheet.append_rows(r, [[f.source_id, f.kind, f.description, f.display_path, f.sha256, f.size, f.rows_read,
                               ", ".join(sorted(f.periods)), "Yes" if f.sample else "No", f.note]],
                          styles={9: warn} if f.sample else {10: warn} if f.missing else None)
    sheet.set_autofilter(f"A1:{col_letters(len(SOURCES_COLUMNS))}{max(len(files) + 1, 2)}")
    return len(files)
