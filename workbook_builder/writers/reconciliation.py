"""The reconciliation report: a Reconciliation sheet, then the same Audit and Sources sheets a build writes.

XlsxWriter draws the Reconciliation sheet (a new workbook, in memory); the package editor then
adds Audit and Sources through :mod:`workbook_builder.writers.audit` and saves it as every
workbook is saved (temporary file, then moved into place; refusing an input as the output and a
workbook open in Excel). Status is text, judged again by conditional formatting so a corrected
cell recolours; every text is written as text, never as a formula.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from ..judgements.reconciliation import STATUS_COLOURS
from ..observations import Observation
from ..refs import col_letters, sheet_ref
from .audit import write_audit, write_sources
from .audit_rows import AuditRow, BuildStamp
from .ooxml import WorkbookPackage

SHEET = "Reconciliation"
COLUMNS = [("Measure", 44), ("Measure id", 30), ("Local", 9), ("Published", 10), ("Difference", 10), ("Status", 16),
           ("SN average", 10), ("SN count", 8), ("England", 9), ("Quartile", 8), ("Explanation", 60)]
HEADER_ROW = 3  # 0-based: the header is row 4 of the sheet
AUDITED = [(2, "Local", None), (3, "Published", "la"), (6, "SN average", "sn"), (8, "England", "england")]  # column, series, area


def write_reconciliation(report, path: Path, stamp: BuildStamp, *, outputs=None) -> Path:
    """Write ``report`` (a :class:`~workbook_builder.reconcile.Reconciliation`) to ``path`` (with ``outputs``,
    when the run's other outputs are written too)."""
    package = WorkbookPackage.from_bytes(_sheet(report, stamp), label=path.name)
    write_audit(package, _audit_rows(report), stamp)
    write_sources(package, report.files)
    package.save(path, refuse_paths=[f.path for f in report.files], outputs=outputs)
    return path


def _sheet(report, stamp: BuildStamp) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"title": f"Reconciliation {report.code} {report.period}", "created": dt.datetime(2000, 1, 1)})
    head = book.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F3864", "text_wrap": True, "valign": "vcenter"})
    wrap = book.add_format({"text_wrap": True, "valign": "top", "font_size": 9})
    sheet = book.add_worksheet(SHEET)
    sheet.write_string(0, 0, f"Reconciliation with DfE published data — {report.la.name} ({report.code}), {report.period}",
                       book.add_format({"bold": True, "font_size": 14, "font_color": "#1F3864"}))
    sheet.write_string(1, 0, f"Built {stamp.built_at} by scorecard {stamp.version}. Local: {report.files[0].display_path}. "
                             f"Published: {', '.join(p.name for p in report.published)}. Each figure's source is on the Audit sheet.")
    for c, (title, width) in enumerate(COLUMNS):
        sheet.write_string(HEADER_ROW, c, title, head)
        sheet.set_column(c, c, width)
    for r, result in enumerate(report.results, HEADER_ROW + 1):
        row = result.as_dict()
        values = [result.measure.label, result.measure_id, row["local"], row["published"], row["difference"], row["status"],
                  row["sn_average"], row["sn_count"], row["england"], row["quartile"], row["explanation"]]
        sheet.set_row(r, 26)
        for c, value in enumerate(values):
            _write(sheet, r, c, value, wrap if c in (0, 10) else None)
    last = HEADER_ROW + len(report.results)
    for status, (fill, font) in STATUS_COLOURS.items():
        sheet.conditional_format(HEADER_ROW + 1, 5, last, 5, {"type": "cell", "criteria": "==", "value": f'"{status}"',
                                                              "format": book.add_format({"bg_color": f"#{fill}", "font_color": f"#{font}"})})
    sheet.freeze_panes(HEADER_ROW + 1, 1)
    sheet.autofilter(HEADER_ROW, 0, last, len(COLUMNS) - 1)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    book.close()
    return buffer.getvalue()


def _write(sheet, row: int, col: int, value: object, style) -> None:
    """A number as a number, anything else as text (``=`` at the start of a published label stays text)."""
    if value is None:
        return
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        sheet.write_number(row, col, value, style)
    else:
        sheet.write_string(row, col, str(value), style)


def _audit_rows(report) -> list[AuditRow]:
    rows = []
    for r, result in enumerate(report.results, HEADER_ROW + 2):  # 1-based sheet rows
        for col, series, area in AUDITED:
            observation: Observation = result.local if area is None else result.published[area]
            p = observation.provenance
            transformation = p.transformation + (f"; {observation.note}" if observation.note and observation.note not in p.transformation else "")
            rows.append(AuditRow(
                cell=sheet_ref(SHEET, f"{col_letters(col + 1)}{r}"), measure_id=result.measure_id, label=result.measure.label,
                series=series, value=observation.value, unit=result.measure.unit, period=p.period, source=p.source_id,
                source_file=p.display_path, sha256=p.sha256, locator=p.locator, transformation=transformation,
                mapping=p.mapping_ref or ""))
    return rows
