"""The release-diff report: a Changes sheet (columns, labels, periods, LA codes, measures), a Revisions
sheet (every figure revised for a period both releases hold), then the Audit and Sources sheets every
report has. Drawn with XlsxWriter in memory, finished and saved by the package editor as the
reconciliation report is; every text is written as text, never as a formula.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from ..refs import col_letters, sheet_ref
from .audit import write_audit, write_sources
from .audit_rows import AuditRow, BuildStamp
from .ooxml import WorkbookPackage

CHANGES, REVISIONS = "Changes", "Revisions"
CHANGE_COLUMNS = [("File", 44), ("What", 16), ("Change", 12), ("Old", 40), ("New", 40), ("Found by", 40), ("Used by (published.yaml)", 50)]
REVISION_COLUMNS = [("File", 40), ("Period", 8), ("Level", 14), ("Code", 11), ("Area", 26), ("Filters", 60), ("Column", 20),
                    ("Measure", 30), ("Old", 10), ("New", 10), ("Difference", 10), ("Old line", 8), ("New line", 8)]
HEADER_ROW = 3  # 0-based


def change_rows(diff) -> list[list[object]]:
    """One row per change of every file, in the order the terminal lists them."""
    rows = []
    for f in diff.files:
        if f.old is None or f.new is None:
            rows.append([f.name, "file", "added" if f.old is None else "removed", "" if f.old is None else f.name,
                         f.name if f.old is None else "", "", ""])
            continue
        rows += [[f.name, "column", c.change, c.old, c.new, c.found_by, ", ".join(c.used_by)] for c in f.columns]
        rows += [[f.name, f"label of {c.column}", c.change, c.old, c.new, c.found_by, ""] for c in f.labels]
        rows += [[f.name, "period", "added", "", p, "", ""] for p in f.periods_added]
        rows += [[f.name, "period", "dropped", p, "", "", ""] for p in f.periods_dropped]
        rows += [[f.name, "LA code", "appeared", "", f"{code} {name}", "", ""] for code, name in f.appeared]
        rows += [[f.name, "LA code", "disappeared", f"{code} {name}", "", "", ""] for code, name in f.disappeared]
        rows += [[f.name, "measure", "layout", m.old_layout or "(its one layout)", m.new_layout or "(its one layout)",
                  "the layout of published.yaml that fits each release", m.measure] for m in f.measures]
    return rows


def write_release_diff(diff, path: Path, stamp: BuildStamp, *, outputs=None) -> Path:
    """Write ``diff`` to ``path`` (with ``outputs``, when the run's other outputs are written too)."""
    package = WorkbookPackage.from_bytes(_sheets(diff, stamp), label=path.name)
    write_audit(package, _audit_rows(diff), stamp)
    write_sources(package, diff.inputs)
    package.save(path, refuse_paths=[f.path for f in diff.inputs], outputs=outputs)
    return path


def _sheets(diff, stamp: BuildStamp) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"title": f"DfE release diff {diff.old.name} → {diff.new.name}", "created": dt.datetime(2000, 1, 1)})
    title = book.add_format({"bold": True, "font_size": 14, "font_color": "#1F3864"})
    head = book.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F3864", "text_wrap": True, "valign": "vcenter"})
    for name, columns, rows, caption in (
            (CHANGES, CHANGE_COLUMNS, change_rows(diff), "What changed between the releases, file by file."),
            (REVISIONS, REVISION_COLUMNS, _revision_rows(diff),
             "Every published figure revised for a period both releases hold" + (f", for {diff.la}" if diff.la else "")
             + ". Each old and new figure's file and line are on the Audit sheet.")):
        sheet = book.add_worksheet(name)
        sheet.write_string(0, 0, f"DfE release diff — old: {diff.old}, new: {diff.new}", title)
        sheet.write_string(1, 0, f"Built {stamp.built_at} by scorecard {stamp.version}. {caption}")
        for c, (text, width) in enumerate(columns):
            sheet.write_string(HEADER_ROW, c, text, head)
            sheet.set_column(c, c, width)
        for r, row in enumerate(rows, HEADER_ROW + 1):
            for c, value in enumerate(row):
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    sheet.write_number(r, c, value)
                elif value not in (None, ""):
                    sheet.write_string(r, c, str(value))
        sheet.freeze_panes(HEADER_ROW + 1, 0)
        sheet.autofilter(HEADER_ROW, 0, HEADER_ROW + max(len(rows), 1), len(columns) - 1)
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
    book.close()
    return buffer.getvalue()


def _number(text: str) -> object:
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return text
    return int(value) if value.is_integer() else value


def _revision_rows(diff) -> list[list[object]]:
    return [[r.file, r.period, r.level, r.code, r.area, r.filters, r.column, r.measure, _number(r.old), _number(r.new),
             r.difference, r.old_line, r.new_line] for f in diff.files for r in f.revisions]


def _audit_rows(diff) -> list[AuditRow]:
    rows = []
    records = {(f.old, f.new): f for f in diff.files}
    files = {p.path: p for p in diff.inputs}
    r = HEADER_ROW + 2  # 1-based sheet row of the first revision
    for f in records.values():
        for revision in f.revisions:
            for col, side, path, line, value in ((8, "old", f.old, revision.old_line, revision.old),
                                                 (9, "new", f.new, revision.new_line, revision.new)):
                record = files[path]
                rows.append(AuditRow(
                    cell=sheet_ref(REVISIONS, f"{col_letters(col + 1)}{r}"), measure_id=revision.measure or revision.column,
                    label=f"{revision.column} ({revision.filters})" if revision.filters else revision.column, series=side,
                    value=_number(value), unit="", period=revision.period, source=record.source_id, source_file=record.display_path,
                    sha256=record.sha256, locator=f"line {line}, column {revision.column if side == 'new' else _old_name(f, revision.column)}",
                    transformation="as published", mapping=""))
            r += 1
    return rows


def _old_name(f, column: str) -> str:
    """The old release's name for a column of the new one."""
    return next((c.old for c in f.columns if c.change == "renamed" and c.new == column), column)
