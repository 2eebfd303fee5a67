"""Write ``templates/appendix_x.xlsx`` from ``mappings/appendix_x.yaml`` (deterministic).

The template has the committee paper's layout (Appendix X, seed 000): Outcome / Measure,
Source, Freq, the LA (``{la}``: the build writes the LA's name there), Stat Neighbours, England,
Target / Trajectory, Lead, plus RAG,
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
import xlsxwriter.utility

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbook_builder.measures.mapping import Mapping, load_mapping  # noqa: E402
from workbook_builder.periods import MONTH_KEYS  # noqa: E402

FIXED_TIME = dt.datetime(2026, 6, 1, 9, 0, 0)
NAVY, SECTION, GRID = "#1F3864", "#D9E2F3", "#8EA9DB"

WIDTHS = {"key": 14, "measure": 50, "source": 32, "frequency": 9, "la": 11, "sn": 11, "england": 11, "region": 11,
          "target": 20, "lead": 18, "rag": 10, "direction": 11, "previous": 11, "notes": 40}
ORDER = ["measure", "source", "frequency", "la", "sn", "england", "target", "lead", "rag", "direction", "previous", "notes", "key"]
HOW_TO_USE = (
    "How to use: the {la} / Statistical neighbours / England columns are filled by the scorecard tool from source extracts "
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


def _print_ready(sheet, *, paper: int = 9, tall: bool = True, header_row: int | None = None, footer: str | None = None,
                 margin: float = 0.4) -> None:
    """Landscape, fit to the page width (and height too when not ``tall``), header row repeated, no gridlines."""
    sheet.set_landscape()
    sheet.set_paper(paper)  # 9 = A4, 8 = A3
    sheet.fit_to_pages(1, 0 if tall else 1)
    if header_row is not None:
        sheet.freeze_panes(header_row + 1, 1)
        sheet.repeat_rows(header_row)
    if footer:
        sheet.set_margins(left=margin, right=margin, top=0.5, bottom=0.6)
        sheet.set_footer(f"&L&8{footer}&R&8Page &P of &N")
    sheet.hide_gridlines(2)


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

    row = _key_block(sheet, _formats(workbook), workbook, row + 1, 0, cols["rag"])
    row += 1
    sheet.write_string(row + 1, 0, "Every number on this sheet is explained on the Audit sheet (source file, SHA-256, cell or filters, period, transformation).", info)

    # A3: a committee scorecard is read across the page
    _print_ready(sheet, paper=8, header_row=header_row, footer="Appendix X — Children's Transformation Outcomes Scorecard")
    workbook.close()
    return out


def main() -> None:
    mapping = load_mapping(ROOT / "mappings" / "appendix_x.yaml")
    out = make_appendix_x(mapping, ROOT / mapping.template)
    print(f"template written to {out.relative_to(ROOT)}")




# --- Appendix 2: Children's Services Performance Scorecard Workbook ---------------------------

PROFILES = {  # sheet -> columns (roles), left to right
    "Statutory indicators": ["measure", "audiences", "previous", "la", "direction", "sn", "england", "region", "position", "date", "rag", "notes",
                             "key"],
    "SEND": ["measure", "audiences", "baseline", "la", "target_2026_27", "target_2027_28", "target_2028_29", "rag", "previous", "direction", "notes", "key"],
    "Survey": ["measure", "audiences", "previous", "la", "direction", "mean_score", "responses", "rag", "notes", "key"],
    "Workforce": ["measure", "audiences", "previous", "la", "direction", "sn", "england", "region", "position", "rag", "notes", "key"],
}
STANDARD = ["measure", "audiences", "previous", "la", "direction", "sn", "england", "rag", "notes", "key"]  # previous, then latest: a time line
A2_WIDTHS = {"measure": 52, "audiences": 16, "la": 12, "direction": 10, "previous": 11, "sn": 11, "england": 11, "region": 11,
             "position": 13, "date": 10, "rag": 10, "notes": 44, "key": 14, "baseline": 14, "target_2026_27": 13,
             "target_2027_28": 16, "target_2028_29": 16, "mean_score": 11, "responses": 11}
AUDIENCE_SHORT = {"operational": "Ops", "clt": "CLT", "improvement_board": "IB", "scrutiny": "Scrutiny"}


def _formats(workbook):
    f = workbook.add_format
    base = {"font_name": "Arial", "font_size": 10, "valign": "top", "text_wrap": True}
    border = {"border": 1, "border_color": GRID}
    return {
        "base": base,
        "title": f({**base, "bold": True, "font_size": 16, "font_color": NAVY, "text_wrap": False}),
        "subtitle": f({**base, "bold": True, "font_size": 12, "font_color": NAVY, "text_wrap": False}),
        "info": f({**base, "font_size": 9, "italic": True}),
        "sample": f({**base, "bold": True, "font_color": "#C00000"}),
        "header": f({**base, **border, "bold": True, "font_color": "#FFFFFF", "bg_color": NAVY, "valign": "vcenter", "align": "center"}),
        "section": f({**base, **border, "bold": True, "bg_color": SECTION, "valign": "vcenter", "text_wrap": False}),
        "text": f({**base, **border}),
        "small": f({**base, **border, "font_size": 8}),
        "centre": f({**base, **border, "align": "center"}),
        "value": f({**base, **border, "align": "center", "bold": True}),
        "key": f({**base, **border, "font_size": 8, "font_color": "#808080"}),
    }


KEY = [
    ("G", "#C6EFCE", "#006100", "Green: meets the target, or at least as good as the comparator named in Notes"),
    ("A", "#FFEB9C", "#9C5700", "Amber: short of the target or comparator, but within the tolerance set for the measure"),
    ("R", "#FFC7CE", "#9C0006", "Red: short of the target or comparator by more than the tolerance"),
    ("▲ / ▼", "#FFFFFF", "#006100", "Direction since the previous period: the arrow shows which way the number moved; green = the better way, red = the worse way, grey = no judgement"),
    ("c", "#FFFFFF", "#000000", "Suppressed in the published source (never shown as 0); 'No data', 'Not yet available' and 'In development' give the reason in Notes"),
    ("Not rated", "#FFFFFF", "#000000", "No target or comparator to judge against yet; 'No comparator' means the comparator is not available"),
]


def _key_block(sheet, fmt, workbook, row, col_text, col_swatch):
    """The RAG and arrow key, the same on every sheet that judges."""
    sheet.write_string(row, col_text, "Key", workbook.add_format({**fmt["base"], "bold": True, "font_color": NAVY}))
    swatches = KEY
    for label, fill, font, meaning in swatches:
        row += 1
        sheet.write_string(row, col_text, meaning, workbook.add_format({**fmt["base"], "font_size": 9, "text_wrap": False}))
        sheet.write_string(row, col_swatch, label, workbook.add_format({**fmt["base"], "bold": True, "align": "center", "bg_color": fill,
                                                                        "font_color": font, "border": 1, "border_color": GRID}))
    return row


def _header_row(sheet, fmt, cols, headers, row, height) -> None:
    """The column headers, by role: the builder finds every column by this text."""
    for role, index in cols.items():
        sheet.write_string(row, index, headers[role], fmt["header"])
    sheet.set_row(row, height)


def _section_row(sheet, fmt, cols, row, section, height=None) -> None:
    """A shaded row with the section's title, keyed 'section:<id>' so the builder skips it."""
    sheet.write_string(row, 0, section.title, fmt["section"])
    for index in range(1, len(cols)):
        sheet.write_blank(row, index, None, fmt["section"])
    sheet.write_string(row, cols["key"], f"section:{section.id}", fmt["key"])
    if height:
        sheet.set_row(row, height)


def _measure_sheet(workbook, fmt, mapping, name, sections):
    headers = mapping.headers()
    roles = PROFILES.get(name, STANDARD)
    cols = {role: i for i, role in enumerate(roles)}
    sheet = workbook.add_worksheet(name)
    for role, index in cols.items():
        sheet.set_column(index, index, A2_WIDTHS[role], None, {"hidden": role == "key"})
    last = max(i for r, i in cols.items() if r != "key")
    sheet.merge_range(0, 0, 0, last, f"{name}", fmt["title"])
    sheet.merge_range(1, 0, 1, last, "Filled by the scorecard tool from source extracts; every figure is explained on the Audit sheet.", fmt["info"])
    header_row = 3
    _header_row(sheet, fmt, cols, headers, header_row, 30)
    row = header_row + 1
    rows = {}
    for section in sections:
        _section_row(sheet, fmt, cols, row, section, height=18)
        row += 1
        for measure in section.measures:
            sheet.write_string(row, cols["measure"], re.sub(r"</?i>", "", measure.label), fmt["text"])
            sheet.write_string(row, cols["audiences"], " · ".join(AUDIENCE_SHORT[a] for a in measure.audiences), fmt["small"])
            for role, index in cols.items():
                if role in ("measure", "audiences", "key"):
                    continue
                style = fmt["small"] if role == "notes" else fmt["value"] if role == "la" else fmt["centre"]
                sheet.write_blank(row, index, None, style)
            sheet.write_string(row, cols["key"], measure.id, fmt["key"])
            sheet.set_row(row, round(max(_lines(measure.label, A2_WIDTHS["measure"], 10), 3) * 12.75 + 3, 2))
            rows[measure.id] = row
            row += 1
    _key_block(sheet, fmt, workbook, row + 1, 0, cols["rag"])
    _print_ready(sheet, header_row=header_row, footer=f"Appendix 2 — {name}")
    return rows, cols


def make_appendix_2(mapping: Mapping, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(out))
    workbook.set_properties({"title": mapping.title, "subject": "Children's services performance scorecard template",
                             "author": "scorecard", "created": FIXED_TIME})
    fmt = _formats(workbook)

    cover = workbook.add_worksheet("Cover")
    cover.set_column(0, 0, 46)
    cover.set_column(1, 1, 60)
    cover.set_column(2, 2, 30)
    cover.set_column(3, 3, 12)
    cover.write_string(0, 0, mapping.title, fmt["title"])
    cover.write_string(1, 0, "People Overview Scrutiny Committee — Children's Services performance report", fmt["subtitle"])
    cover.merge_range(3, 0, 3, 3, "Reporting period: (filled by the build)", fmt["info"])
    cover.merge_range(4, 0, 4, 3, "", fmt["sample"])
    cover.set_row(3, 27)
    cover.set_row(4, 27)
    workbook.define_name("ScorecardInfo", "='Cover'!$A$4")
    workbook.define_name("SampleDataNote", "='Cover'!$A$5")
    cover.write_string(6, 0, "Contents", fmt["subtitle"])
    sheets = ["Summary"] + list(dict.fromkeys(mapping.sheet_of(s) for s in mapping.sections)) + ["Audit", "Sources"]
    for i, name in enumerate(sheets, 7):
        if name in ("Audit", "Sources"):
            cover.write_string(i, 0, f"{name} (added by the build)")
        else:
            cover.write_url(i, 0, f"internal:'{name}'!A1", string=name)
    row = 7 + len(sheets) + 1
    cover.write_string(row, 0, "Data currency", fmt["subtitle"])
    for c, title in enumerate(["Source", "File", "Period(s) covered", "Sample data"]):
        cover.write_string(row + 1, c, title, fmt["header"])
    workbook.define_name("DataCurrency", f"='Cover'!$A${row + 3}")
    _key_block(cover, fmt, workbook, row + 18, 1, 3)
    cover.write_string(row + 26, 0, "Audiences: Ops = operational management; CLT = Children's Leadership Team; "
                                    "IB = Improvement Board; Scrutiny = Scrutiny/Cabinet.", fmt["info"])
    _print_ready(cover, tall=False)

    summary = workbook.add_worksheet("Summary")
    widths = [24, 34, 30, 38, 56, 14]
    for c, width in enumerate(widths):
        summary.set_column(c, c, width, None, {"hidden": c == 5})
    summary.merge_range(0, 0, 0, 4, "Key Issues for Scrutiny", fmt["title"])
    summary.merge_range(1, 0, 1, 4, "Themes from the committee report; the evidence column carries the latest figures from this workbook.", fmt["info"])
    for c, title in enumerate(["Theme", "Current Position", "Risk / Issue", "Focus for Scrutiny", "Evidence (latest figures)", "Key"]):
        summary.write_string(3, c, title, fmt["header"])
    for r, theme in enumerate(mapping.summary, 4):
        summary.write_string(r, 0, theme.theme, workbook.add_format({**fmt["base"], "bold": True, "border": 1, "border_color": GRID}))
        summary.write_string(r, 1, theme.position, fmt["text"])
        summary.write_string(r, 2, theme.risk, fmt["text"])
        summary.write_string(r, 3, theme.focus, fmt["text"])
        summary.write_blank(r, 4, None, fmt["text"])
        summary.write_string(r, 5, f"theme:{theme.id}", fmt["key"])
        summary.set_row(r, 54)
    _print_ready(summary, tall=False, header_row=3)

    by_sheet: dict[str, list] = {}
    for section in mapping.sections:
        by_sheet.setdefault(mapping.sheet_of(section), []).append(section)
    placed = {name: _measure_sheet(workbook, fmt, mapping, name, sections) for name, sections in by_sheet.items()}
    _charts(workbook, fmt, mapping, placed)
    _a2_trends(workbook, fmt, mapping, placed)
    workbook.close()
    return out


def _charts(workbook, fmt, mapping, placed) -> None:
    """LA vs statistical neighbours vs England for each group of statutory indicators, drawn from the filled cells."""
    rows, cols = placed["Statutory indicators"]
    sheet = workbook.add_worksheet("Charts")
    sheet.write_string(0, 0, "Statutory indicators: {la} (latest) against statistical neighbours and England (published 2024-25)", fmt["title"])
    caption = workbook.add_format({**fmt["base"], "font_size": 9, "italic": True, "text_wrap": False})
    sheet.write_string(1, 0, "The charts read the Statutory indicators sheet, so they redraw when a value there changes.", caption)
    quoted = "'Statutory indicators'"
    anchor = 3
    for section in mapping.sections:
        if not section.id.startswith("statutory"):
            continue
        ids = [m.id for m in section.measures]
        first, last = rows[ids[0]], rows[ids[-1]]
        chart = workbook.add_chart({"type": "bar"})
        for role, colour in (("la", NAVY), ("sn", "#8EA9DB"), ("england", "#A5A5A5")):
            col = cols[role]
            chart.add_series({
                "name": [ "Statutory indicators", 3, col],
                "categories": f"={quoted}!$A${first + 1}:$A${last + 1}",
                "values": f"={quoted}!${_letter(col)}${first + 1}:${_letter(col)}${last + 1}",
                "fill": {"color": colour}, "gap": 60,
            })
        chart.set_title({"name": section.title.split(" — ")[0], "name_font": {"size": 11}})
        chart.set_y_axis({"reverse": True, "num_font": {"size": 8}})
        chart.set_x_axis({"num_font": {"size": 8}, "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
        chart.set_legend({"position": "bottom"})
        height = max(260, 38 * len(ids) + 90)
        chart.set_size({"width": 1100, "height": height})
        title = section.title.split(" — ")[0]
        sheet.insert_chart(anchor, 0, chart, {"description": (
            f"Bar chart of {title}: the LA's latest figure, its statistical neighbours and England for each measure. "
            f"The figures are on the Statutory indicators sheet, rows {first + 1} to {last + 1}.")})
        anchor += int(height / 20) + 2
    _print_ready(sheet)


def _a2_trends(workbook, fmt, mapping, placed) -> None:
    """A line from the previous value to the latest for every measure whose inputs hold both periods."""
    from workbook_builder.measures.mapping import Locator, Published

    sheet = workbook.add_worksheet("Trends")
    sheet.write_string(0, 0, "Trends: previous period to latest", fmt["title"])
    caption = workbook.add_format({**fmt["base"], "font_size": 9, "italic": True, "text_wrap": False})
    sheet.write_string(1, 0, "One chart per measure with a previous value in its source; each reads its row of the measure sheet.", caption)
    n = 0
    for section in mapping.sections:
        name = mapping.sheet_of(section)
        rows, cols = placed[name]
        if "previous" not in cols or cols.get("la") != cols["previous"] + 1:
            continue
        quoted = "'" + name.replace("'", "''") + "'"
        first, last = _letter(cols["previous"]), _letter(cols["la"])
        for measure in section.measures:
            if not isinstance(measure.series.get("previous"), (Locator, Published)):
                continue
            r = rows[measure.id] + 1
            chart = workbook.add_chart({"type": "line"})
            chart.add_series({"name": re.sub(r"</?i>", "", measure.label), "categories": f"={quoted}!${first}$4:${last}$4",
                              "values": f"={quoted}!${first}${r}:${last}${r}", "marker": {"type": "circle", "size": 6},
                              "line": {"color": NAVY, "width": 2.25}, "data_labels": {"value": True, "font": {"size": 7}}})
            title = re.sub(r"</?i>", "", measure.label)
            chart.set_title({"name": title if len(title) <= 70 else title[:67] + "…", "name_font": {"size": 8}})
            chart.set_legend({"none": True})
            chart.set_x_axis({"num_font": {"size": 7}})
            chart.set_y_axis({"num_font": {"size": 7}, "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
            chart.set_size({"width": 300, "height": 190})
            sheet.insert_chart(3 + (n // 4) * 10, (n % 4) * 5, chart, {"description": (
                f"Line chart of {title}: the previous period's figure and the latest. The figures are on the {name} sheet, row {r}.")})
            n += 1
    _print_ready(sheet)


def _letter(index: int) -> str:
    return xlsxwriter.utility.xl_col_to_name(index)


def main_all() -> None:
    main()
    mapping = load_mapping(ROOT / "mappings" / "appendix_2.yaml")
    out = make_appendix_2(mapping, ROOT / mapping.template)
    print(f"template written to {out.relative_to(ROOT)}")
    mapping = load_mapping(ROOT / "mappings" / "send_dashboard.yaml")
    out = make_send_dashboard(mapping, ROOT / mapping.template)
    print(f"template written to {out.relative_to(ROOT)}")


# --- SEND data dashboard (seed 004) ------------------------------------------------------------

DASHBOARD = ["measure", "metric", "good", "updated", "reporting_period", "frequency", "england", "target",
             *MONTH_KEYS, "previous", "la", "direction", "notes", "key"]
DASH_WIDTHS = {"measure": 34, "metric": 26, "good": 22, "updated": 10, "reporting_period": 12, "frequency": 9,
               "england": 9, "target": 14, "previous": 9, "la": 9, "direction": 9, "notes": 30, "key": 14}


def make_send_dashboard(mapping: Mapping, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(out))
    workbook.set_properties({"title": mapping.title, "author": "scorecard", "created": FIXED_TIME})
    fmt = _formats(workbook)
    headers = mapping.headers()
    cols = {role: i for i, role in enumerate(DASHBOARD)}
    sheet = workbook.add_worksheet(mapping.sheet)
    for role, index in cols.items():
        sheet.set_column(index, index, DASH_WIDTHS.get(role, 7), None, {"hidden": role == "key"})
    last = cols["notes"]
    sheet.merge_range(0, 0, 0, last, mapping.title, fmt["title"])
    sheet.merge_range(1, 0, 1, last, "Reporting period: (filled by the build)", fmt["info"])
    sheet.merge_range(2, 0, 2, last, "", fmt["sample"])
    workbook.define_name("ScorecardInfo", f"='{mapping.sheet}'!$A$2")
    workbook.define_name("SampleDataNote", f"='{mapping.sheet}'!$A$3")
    header_row = 4
    _header_row(sheet, fmt, cols, headers, header_row, 42)
    row = header_row + 1
    placed = {}
    for section in mapping.sections:
        _section_row(sheet, fmt, cols, row, section)
        row += 1
        for measure in section.measures:
            placed[measure.id] = row
            sheet.write_string(row, cols["measure"], measure.label, fmt["text"])
            sheet.write_string(row, cols["metric"], measure.metric, fmt["small"])
            sheet.write_string(row, cols["good"], measure.good, fmt["small"])
            sheet.write_string(row, cols["reporting_period"], measure.reporting_period, fmt["small"])
            sheet.write_string(row, cols["frequency"], measure.frequency, fmt["centre"])
            sheet.write_string(row, cols["target"], measure.target_text, fmt["small"])
            for role in ("updated", "england", *DASHBOARD[8:20], "previous", "la", "direction"):
                sheet.write_blank(row, cols[role], None, fmt["value"] if role == "la" else fmt["centre"])
            sheet.write_blank(row, cols["notes"], None, fmt["small"])
            sheet.write_string(row, cols["key"], measure.id, fmt["key"])
            sheet.set_row(row, 36)
            row += 1
    sheet.write_string(row + 1, 0, "Months not yet reported are blank by design; the Audit sheet records why each blank is blank. "
                                   "Direction compares the latest month with the month before: green = the better way, red = the worse way.", fmt["info"])
    _print_ready(sheet, paper=8, header_row=header_row, footer="SEND data dashboard", margin=0.3)
    _trends(workbook, fmt, mapping, placed, cols, header_row)
    workbook.close()
    return out


def _trends(workbook, fmt, mapping, placed, cols, header_row) -> None:
    """A line chart per indicator with monthly data, drawn from its Apr-Mar cells (blank months are gaps)."""
    trends = workbook.add_worksheet("Trends")
    trends.write_string(0, 0, "Monthly trends, April to March", fmt["title"])
    caption = workbook.add_format({**fmt["base"], "font_size": 9, "italic": True, "text_wrap": False})
    trends.write_string(1, 0, "Each chart reads its row of the dashboard; months not yet reported are gaps.", caption)
    quoted = "'" + mapping.sheet.replace("'", "''") + "'"
    first, last = _letter(cols["apr"]), _letter(cols["mar"])
    monthly = [m for m in mapping.measures() if m.monthly is not None]
    for n, measure in enumerate(monthly):
        r = placed[measure.id] + 1
        chart = workbook.add_chart({"type": "line"})
        chart.add_series({"name": measure.label, "categories": f"={quoted}!${first}${header_row + 1}:${last}${header_row + 1}",
                          "values": f"={quoted}!${first}${r}:${last}${r}", "marker": {"type": "circle", "size": 5},
                          "line": {"color": NAVY, "width": 2}})
        chart.set_title({"name": measure.label, "name_font": {"size": 9}})
        chart.set_legend({"none": True})
        chart.set_x_axis({"num_font": {"size": 7}})
        chart.set_y_axis({"num_font": {"size": 7}, "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
        chart.show_blanks_as("gap")
        chart.set_size({"width": 360, "height": 200})
        trends.insert_chart(3 + (n // 3) * 11, (n % 3) * 6, chart, {"description": (
            f"Line chart of {measure.label}, month by month from April to March; months not yet reported are gaps. "
            f"The figures are on the {mapping.sheet} sheet, row {r}.")})
    _print_ready(trends)


if __name__ == "__main__":
    main_all()
