"""The Audit and Sources sheets: every filled value explained, every input file listed.

Audit: one row per filled value, its Cell hyperlinked to the cell it explains, with the
value, period, source file and SHA-256, the resolved locator, the transformation and the
mapping file:line that asked for it. Sources: one row per input file with its fingerprint,
size, rows read, periods covered and whether it is sample data.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..sources.base import InputFile
from .ooxml import WorkbookPackage
from .ooxml.refs import col_letters
from .scorecard import AuditRow

NAVY = "1F3864"

AUDIT_COLUMNS = [
    ("Cell", 16), ("Measure id", 26), ("Label", 40), ("Series", 11), ("Value", 10), ("Unit", 9), ("Period", 16),
    ("Source", 14), ("Source file", 42), ("SHA-256", 20), ("Locator", 50), ("Transformation", 60),
    ("Mapping", 24), ("Built at", 20), ("Tool version", 12),
]
SOURCES_COLUMNS = [
    ("Source", 18), ("Kind", 12), ("Description", 46), ("Path", 46), ("SHA-256", 20), ("Size (bytes)", 12),
    ("Rows read", 10), ("Periods covered", 24), ("Sample data", 11), ("Note", 70),
]


@dataclass
class BuildStamp:
    built_at: str
    version: str


def _header(package: WorkbookPackage, sheet, columns) -> None:
    style = package.add_cell_style(bold=True, font_color="FFFFFF", fill_color=NAVY, wrap=True, v_align="center")
    for index, (title, width) in enumerate(columns, 1):
        sheet.set_value(f"{col_letters(index)}1", title, style=style)
        sheet.set_column_width(index, index, width)
    sheet.freeze_panes(2, 1)
    sheet.set_print_setup(landscape=True, fit_width=True, repeat_rows=(1, 1))


def write_audit(package: WorkbookPackage, rows: list[AuditRow], stamp: BuildStamp) -> int:
    sheet = package.add_worksheet("Audit")
    _header(package, sheet, AUDIT_COLUMNS)
    link = package.add_cell_style(font_color="0563C1", underline=True)
    for r, row in enumerate(rows, 2):
        values = [row.cell, row.measure_id, row.label, row.series, row.value, row.unit, row.period, row.source,
                  row.source_file, row.sha256, row.locator, row.transformation, row.mapping, stamp.built_at, stamp.version]
        for c, value in enumerate(values, 1):
            if value in (None, ""):
                continue
            sheet.set_value(f"{col_letters(c)}{r}", value, style=link if c == 1 else None)
        sheet.add_hyperlink(f"A{r}", location=row.cell, tooltip=f"Go to {row.cell}")
    sheet.set_autofilter(f"A1:{col_letters(len(AUDIT_COLUMNS))}{max(len(rows) + 1, 2)}")
    return len(rows)


def write_sources(package: WorkbookPackage, files: list[InputFile]) -> int:
    sheet = package.add_worksheet("Sources")
    _header(package, sheet, SOURCES_COLUMNS)
    warn = package.add_cell_style(bold=True, font_color="C00000")
    for r, f in enumerate(files, 2):
        values = [f.source_id, f.kind, f.description, f.display_path, f.sha256, f.size, f.rows_read,
                  ", ".join(sorted(f.periods)), "Yes" if f.sample else "No", f.sample_note]
        for c, value in enumerate(values, 1):
            if value in (None, ""):
                continue
            sheet.set_value(f"{col_letters(c)}{r}", value, style=warn if (c == 9 and f.sample) else None)
    sheet.set_autofilter(f"A1:{col_letters(len(SOURCES_COLUMNS))}{max(len(files) + 1, 2)}")
    return len(files)
