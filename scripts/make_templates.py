"""Write ``templates/appendix_x.xlsx`` from ``mappings/appendix_x.yaml`` (deterministic).

The template has the committee paper's layout (Appendix X, seed 000): Outcome / Measure,
Source, Freq, Shropshire, Stat Neighbours, England, Target / Trajectory, Lead, plus RAG,
Direction, Previous and Notes. Each measure row carries its measure id in the hidden
"Key" column, so the builder finds rows by id: officers may insert, delete and reorder rows
or columns in Excel and the build still lands every value in the right cell (columns are
found by their header text). Print-ready: A3 landscape, fit to width, header row repeated,
panes frozen below the header.

Run: ``python scripts/make_templates.py``. Officers may then restyle the template in Excel;
the builder changes only the cells it fills.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
from pathlib import Path

import xlsxwriter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbook_builder.measures.mapping import Mapping, load_mapping  # noqa: E402

FIXED_TIME = dt.datetime(2026, 6, 1, 9, 0, 0)
NAVY, SECTION, GRID = "#1F3864", "#D9E2F3", "#8EA9DB"

WIDTHS = {"key": 14, "measure": 50, "source": 32, "frequency": 9, "la": 11, "sn": 11, "england": 11,
          "target": 20, "lead": 18, "rag": 10, "direction": 11, "previous": 11, "notes": 40}
ORDER = ["measure", "source", "frequency", "la", "sn", "england", "target", "lead", "rag", "direction", "previous", "notes", "key"]
HOW_TO_USE = (
    "How to use: the Shropshire / Statistical neighbours / England columns are filled by the scorecard tool from source extracts "
    "(DfE Children's Social Care Outcomes & Enablers dashboard and LAIT benchmarks, ChAT, and local operational datasets). "
    "RAG and Direction recalculate if a value is edited. Every figure is explained on the Audit sheet; inputs are listed on the Sources sheet."
)


def _rich(sheet, row, col, text, cell, roman, italic):
    """Write ``text``, with <i>…</i> parts in italics, into a cell formatted ``cell``."""
    parts = [p for p in re.split(r"(<i>.*?</i>)", text) if p]
    if len(parts) == 1 and not parts[0].startswith("<i>"):
        sheet.write_string(row, col, text, cell)
        return
    fragments = []
    for part in parts:
        fragments += [italic, part[3:-4]] if part.startswith("<i>") else [roman, part]
    sheet.write_rich_string(row, col, *fragments, cell)


def _lines(text: str, width: float, font_size: float) -> int:
    """Lines a wrapped cell needs: a rough count of characters per line for Arial at ``font_size``."""
    per_line = max(1.0, width * 1.2 * 10 / font_size)
    return max(1, math.ceil(len(re.sub(r"</?i>", "", text)) / per_line))


def _row_height(measure) -> float:
    lines = max(
        _lines(measure.label, WIDTHS["measure"], 10),
        _lines(measure.source_text, WIDTHS["source"], 9),
        _lines(measure.target_text, WIDTHS["target"], 10),
        _lines(measure.lead, WIDTHS["lead"], 9),
        3,  # room for the build's Notes (8 pt)
    )
    return round(lines * 12.75 + 3, 2)


def make_appendix_x(mapping: Mapping, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(out))
    workbook.set_properties({"title": mapping.title, "subject": "Children's services performance scorecard template",
                             "author": "scorecard", "created": FIXED_TIME})
    f = workbook.add_format
    base = {"font_name": "Arial", "font_size": 10, "valign": "top", "text_wrap": True}
    title = f({**base, "bold": True, "font_size": 16, "font_color": NAVY, "text_wrap": False})
    info = f({**base, "font_size": 9, "italic": True})
    sample = f({**base, "bold": True, "font_color": "#C00000"})
    header = f({**base, "bold": True, "font_color": "#FFFFFF", "bg_color": NAVY, "valign": "vcenter", "align": "center", "border": 1, "border_color": GRID})
    section = f({**base, "bold": True, "bg_color": SECTION, "border": 1, "border_color": GRID, "valign": "vcenter"})
    text = f({**base, "border": 1, "border_color": GRID})
    roman = f({"font_name": "Arial", "font_size": 10})
    italic = f({"font_name": "Arial", "font_size": 10, "italic": True})
    small = f({**base, "font_size": 9, "border": 1, "border_color": GRID})
    notes = f({**base, "font_size": 8, "border": 1, "border_color": GRID})
    centre = f({**base, "border": 1, "border_color": GRID, "align": "center"})
    value = f({**base, "border": 1, "border_color": GRID, "align": "center", "bold": True})
    key_cell = f({**base, "font_size": 8, "font_color": "#808080", "border": 1, "border_color": GRID})

    sheet = workbook.add_worksheet(mapping.sheet)
    cols = {name: i for i, name in enumerate(ORDER)}
    for name, index in cols.items():
        sheet.set_column(index, index, WIDTHS[name], None, {"hidden": name == "key"})
    last = max(index for name, index in cols.items() if name != "key")

    sheet.merge_range(0, 0, 0, last, mapping.title.replace("Appendix X — ", "Appendix X — DRAFT "), title)
    sheet.set_row(0, 24)
    sheet.merge_range(1, 0, 1, last, HOW_TO_USE, info)
    sheet.set_row(1, 27)
    sheet.merge_range(2, 0, 2, last, "Reporting period: (filled by the build)", info)
    sheet.merge_range(3, 0, 3, last, "", sample)
    workbook.define_name("ScorecardInfo", f"='{mapping.sheet}'!$A$3")
    workbook.define_name("SampleDataNote", f"='{mapping.sheet}'!$A$4")

    header_row = 5
    headers = mapping.headers()
    for name, index in cols.items():
        sheet.write_string(header_row, index, headers[name], header)
    sheet.set_row(header_row, 30)

    row = header_row + 1
    for sec in mapping.sections:
        sheet.write_string(row, 0, sec.title, section)
        for name, index in cols.items():
            if index:
                sheet.write_blank(row, index, None, section)
        sheet.write_string(row, cols["key"], f"section:{sec.id}", key_cell)
        sheet.set_row(row, 18)
        row += 1
        for measure in sec.measures:
            _rich(sheet, row, cols["measure"], measure.label, text, roman, italic)
            sheet.set_row(row, _row_height(measure))
            sheet.write_string(row, cols["source"], measure.source_text, small)
            sheet.write_string(row, cols["frequency"], measure.frequency, centre)
            for name in ("la", "sn", "england"):
                sheet.write_blank(row, cols[name], None, value)
            for name in ("rag", "direction", "previous"):
                sheet.write_blank(row, cols[name], None, centre)
            sheet.write_string(row, cols["target"], measure.target_text, centre)
            sheet.write_string(row, cols["lead"], measure.lead, small)
            sheet.write_blank(row, cols["notes"], None, notes)
            sheet.write_string(row, cols["key"], measure.id, key_cell)
            row += 1

    row += 1
    key_title = f({**base, "bold": True, "font_color": NAVY})
    sheet.write_string(row, 0, "Key", key_title)
    swatches = [
        ("G", "#C6EFCE", "#006100", "Green: meets the target, or at least as good as the comparator named in Notes"),
        ("A", "#FFEB9C", "#9C5700", "Amber: short of the target or comparator, but within the tolerance set for the measure"),
        ("R", "#FFC7CE", "#9C0006", "Red: short of the target or comparator by more than the tolerance"),
        ("▲ / ▼", "#FFFFFF", "#006100", "Direction since the previous period: the arrow shows which way the number moved; green = the better way, red = the worse way, grey = no judgement"),
        ("c", "#FFFFFF", "#000000", "Suppressed in the published source to protect confidentiality (never shown as 0); 'No data' and 'Not yet available' give the reason in Notes"),
        ("Not rated", "#FFFFFF", "#000000", "No target or comparator to judge against yet; 'No comparator' means the comparator is not available"),
    ]
    for label, fill, font, meaning in swatches:
        row += 1
        sheet.write_string(row, 0, meaning, f({**base, "font_size": 9}))
        sheet.write_string(row, cols["rag"], label, f({**base, "bold": True, "align": "center", "bg_color": fill, "font_color": font, "border": 1, "border_color": GRID}))
    row += 1
    sheet.write_string(row + 1, 0, "Every number on this sheet is explained on the Audit sheet (source file, SHA-256, cell or filters, period, transformation).", info)

    sheet.freeze_panes(header_row + 1, 1)
    sheet.set_landscape()
    sheet.set_paper(8)  # A3: a committee scorecard is read across the page
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(header_row)
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    sheet.set_footer("&L&8Appendix X — Children's Transformation Outcomes Scorecard&R&8Page &P of &N")
    sheet.hide_gridlines(2)
    workbook.close()
    return out


def main() -> None:
    mapping = load_mapping(ROOT / "mappings" / "appendix_x.yaml")
    out = make_appendix_x(mapping, ROOT / mapping.template)
    print(f"template written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
