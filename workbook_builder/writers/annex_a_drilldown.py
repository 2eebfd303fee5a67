"""The officer-only drill-down of ``scorecard annex-a --drilldown``: the children behind each Annex A figure.

Its first sheet says it holds personal data; then one sheet per measure lists every record in the
measure's denominator (or, for a count, every record counted) with the child's ID, the Annex A list
and workbook row, and whether the record is in the numerator. This is the only file the project
writes that holds child-level data: no scorecard, pack, report or log ever does.
"""

from __future__ import annotations

import datetime as dt
import io

PERSONAL_DATA = ("OFFICER ONLY — PERSONAL DATA. This workbook lists children by their Annex A ID, from the council's "
                 "child-level Annex A lists. Keep it where the Annex A lists are kept, share it only with officers who may "
                 "see those lists, and delete it when the figures are checked. Never attach it to a committee paper.")


def drilldown_bytes(report, built_at: str, version: str) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"title": "Annex A drill-down (personal data)", "created": dt.datetime(2000, 1, 1)})
    warn = book.add_format({"bold": True, "font_size": 14, "font_color": "#9C0006", "bg_color": "#FFC7CE", "text_wrap": True,
                            "valign": "top"})
    head = book.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F3864", "text_wrap": True, "valign": "vcenter"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    about = book.add_worksheet("Personal data")
    about.set_column(0, 0, 28)
    about.set_column(1, 1, 110)
    about.merge_range(0, 0, 0, 1, PERSONAL_DATA, warn)
    about.set_row(0, 64)
    window = report.window
    facts = [("Annex A workbook", str(report.path)), ("As at", window.as_at.isoformat()),
             ("Window", f"{window.label} ({window.months} months)"), ("Built", f"{built_at} by scorecard {version}")]
    for r, (key, value) in enumerate(facts, 2):
        about.write_string(r, 0, key, head)
        about.write_string(r, 1, value, wrap)
    about.write_string(7, 0, "Measure", head)
    about.write_string(7, 1, "Value (numerator of denominator), sheet, rule", head)
    for r, figure in enumerate(report.figures.values(), 8):
        about.write_string(r, 0, figure.id)
        shown = "No data" if figure.value is None else str(figure.value)
        counts = f"{len(figure.numerator)}" + (f" of {len(figure.denominator)}" if figure.denominator is not None else "")
        about.write_string(r, 1, f"{shown} ({counts}); sheet '{figure.sheet}'; List {figure.list_number}: {figure.rule}", wrap)
    quality = book.add_worksheet("Data quality")
    quality.set_column(0, 5, 18)
    quality.set_column(5, 5, 70)
    for c, title in enumerate(("List", "Sheet", "Row", "Field", "Problem")):
        quality.write_string(0, c, title, head)
    for r, problem in enumerate(report.problems, 1):
        quality.write_string(r, 0, f"List {problem.list_number}")
        quality.write_string(r, 1, problem.sheet)
        quality.write_number(r, 2, problem.row)
        quality.write_string(r, 3, problem.field)
        quality.write_string(r, 4, problem.problem)
    for figure in report.figures.values():
        sheet = book.add_worksheet(figure.sheet)
        sheet.write_string(0, 0, f"{figure.label}: List {figure.list_number}, {figure.rule}; window {window.label}", wrap)
        sheet.set_row(0, 45)
        sheet.set_column(0, 3, 22)
        for c, title in enumerate(("Child Unique ID", "Annex A list", "Workbook row", "In numerator")):
            sheet.write_string(2, c, title, head)
        counted = set(figure.numerator)
        members = figure.denominator if figure.denominator is not None else figure.numerator
        for r, (child, row) in enumerate(members, 3):
            sheet.write_string(r, 0, child or "(no ID)")
            sheet.write_string(r, 1, f"List {figure.list_number}")
            sheet.write_number(r, 2, row)
            sheet.write_string(r, 3, "Yes" if (child, row) in counted else "No")
        sheet.autofilter(2, 0, 2 + len(members), 3)
        sheet.freeze_panes(3, 0)
    book.close()
    return buffer.getvalue()
