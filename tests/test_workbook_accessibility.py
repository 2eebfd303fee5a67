"""The built workbooks pass the checks of Excel's Accessibility Checker that apply to them (issue 17).

One test per rule (the README lists them), over every workbook a build writes from the sample (the three
scorecards) and over another LA's DfE-published pack built on the real files:

1. every chart and picture has alternative text;
2. every sheet has a meaningful name (not "Sheet1") and its title, or its table's first header, in A1;
3. every sheet holding a table has its header row marked: text in every header cell, repeated on
   each printed page, and frozen so it stays in view;
4. no merged cell inside a data region (merges only in the title rows above a table's header);
5. colour is never the only carrier of meaning: every cell a RAG or direction rule colours holds the
   judgement as text, and the rules key on that text;
6. text on every conditional-format fill, and on the header fill, has a contrast of 4.5:1 or more.
"""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest
from lxml import etree

from .conftest import FIXED_BUILT_AT, ROOT, releases_2024

NS = {"xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"}
NOT_TABLES = {"Cover", "Charts", "Trends"}  # a title and text, or charts: no table header to mark


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory, shared_data):
    from workbook_builder.batch import build_published
    from workbook_builder.build import build

    out = tmp_path_factory.mktemp("accessible")
    built = [r.output for r in build(inputs=ROOT / "inputs" / "sample", out_dir=out, built_at=FIXED_BUILT_AT, root=ROOT)]
    pack = build_published("appendix_2", ["E06000019"], inputs=ROOT / "inputs" / "sample", out_dir=out / "pack", root=ROOT,
                           published=releases_2024(shared_data), built_at=FIXED_BUILT_AT).results
    return built + [r.output for r in pack]


def _contrast(a: str, b: str) -> float:
    def luminance(hex_colour: str) -> float:
        rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _header_row(sheet) -> int | None:
    """The table's header row: the row repeated on each printed page (None for a sheet without a table)."""
    titles = sheet.print_title_rows
    return int(re.match(r"\$(\d+):\$\d+", titles)[1]) if titles else None


def _cf_rules(workbooks):
    """Every conditional-format rule of every sheet: (workbook, sheet, rule)."""
    for path in workbooks:
        for sheet in openpyxl.load_workbook(path).worksheets:
            for rules in sheet.conditional_formatting:
                for rule in rules.rules:
                    yield path, sheet, rule


def _rgb(colour) -> str | None:
    value = getattr(colour, "rgb", None)
    return value[-6:] if isinstance(value, str) and re.fullmatch(r"[0-9A-Fa-f]{6,8}", value) else None


def test_rule_1_every_chart_and_picture_has_alternative_text(workbooks):
    frames = 0
    for path in workbooks:
        with zipfile.ZipFile(path) as book:
            for name in (n for n in book.namelist() if re.fullmatch(r"xl/drawings/drawing\d+\.xml", n)):
                tree = etree.fromstring(book.read(name))
                for item in tree.xpath("//xdr:graphicFrame/xdr:nvGraphicFramePr/xdr:cNvPr | //xdr:pic/xdr:nvPicPr/xdr:cNvPr",
                                       namespaces=NS):
                    assert len(item.get("descr", "").strip()) > 20, (path.name, name, item.get("name"))
                    frames += 1
    assert frames > 50  # Appendix 2's statutory and trend charts, the dashboard's monthly ones


def test_rule_2_every_sheet_has_a_meaningful_name_and_its_title_in_a1(workbooks):
    for path in workbooks:
        for sheet in openpyxl.load_workbook(path, read_only=True).worksheets:
            assert not re.fullmatch(r"Sheet\d*", sheet.title), (path.name, sheet.title)
            a1 = next(sheet.iter_rows(min_row=1, max_row=1, max_col=1, values_only=True))[0]
            assert isinstance(a1, str) and a1.strip(), (path.name, sheet.title)


def test_rule_3_table_header_rows_are_marked_repeated_and_frozen(workbooks):
    for path in workbooks:
        book = openpyxl.load_workbook(path)
        for sheet in book.worksheets:
            if sheet.title in NOT_TABLES:
                continue
            header = _header_row(sheet)
            assert header, (path.name, sheet.title, "no print titles")
            assert sheet.freeze_panes and int(re.sub(r"[A-Z]+", "", sheet.freeze_panes)) == header + 1, (path.name, sheet.title)
            cells = [c for c in sheet[header] if c.value is not None]
            assert cells and all(isinstance(c.value, str) and c.font.b for c in cells), (path.name, sheet.title)


def test_rule_4_no_merged_cell_inside_a_data_region(workbooks):
    for path in workbooks:
        for sheet in openpyxl.load_workbook(path).worksheets:
            header = _header_row(sheet)
            if header is None:
                continue
            inside = [str(m) for m in sheet.merged_cells.ranges if m.max_row >= header]
            assert not inside, (path.name, sheet.title, inside)


def test_rule_5_colour_is_never_the_only_carrier_of_meaning(workbooks):
    keyed = 0
    for path, sheet, rule in _cf_rules(workbooks):
        formula = " ".join(rule.formula or [])
        # a fill keys on a judgement's text ("R"), a font colour on the numbers behind an arrow that says ▲ Up / ▼ Down
        assert re.search(r'"(G|A|R)"', formula) or "ISNUMBER" in formula, (path.name, sheet.title, formula)
        keyed += 1
    assert keyed > 40
    words = {"G", "A", "R", "No data", "No comparator", "Not rated"}
    judged = 0
    for path in workbooks:  # and the cells those rules read hold the judgement in words
        for sheet in openpyxl.load_workbook(path, data_only=True).worksheets:
            if sheet.sheet_state != "visible":
                continue
            header = next((r for r in range(1, 12) if any(c.value == "RAG" for c in sheet[r])), None)
            if header is None:
                continue
            cols = {c.value: c.column for c in sheet[header] if c.value in ("RAG", "Key")}
            for r in range(header + 1, sheet.max_row + 1):
                key = sheet.cell(r, cols["Key"]).value if "Key" in cols else None
                if isinstance(key, str) and not key.startswith("section:") and not sheet.row_dimensions[r].hidden:
                    assert sheet.cell(r, cols["RAG"]).value in words, (path.name, sheet.title, r, sheet.cell(r, cols["RAG"]).value)
                    judged += 1
    assert judged > 150


def test_rule_6_text_on_every_fill_has_a_contrast_of_4_5_to_1(workbooks):
    checked = 0
    for path, sheet, rule in _cf_rules(workbooks):
        dxf = rule.dxf
        if dxf is None or dxf.font is None or dxf.fill is None:
            continue
        ink, fill = _rgb(dxf.font.color), _rgb(dxf.fill.bgColor) or _rgb(dxf.fill.fgColor)
        if ink and fill:
            assert _contrast(ink, fill) >= 4.5, (path.name, sheet.title, ink, fill, round(_contrast(ink, fill), 2))
            checked += 1
    for path in workbooks:  # and the header rows' white on navy
        for sheet in openpyxl.load_workbook(path).worksheets:
            header = _header_row(sheet)
            for cell in (c for c in sheet[header] if c.value is not None) if header else ():
                ink, fill = _rgb(cell.font.color) or "000000", _rgb(cell.fill.fgColor) or "FFFFFF"
                assert _contrast(ink, fill) >= 4.5, (path.name, sheet.title, cell.coordinate, ink, fill)
                checked += 1
    assert checked > 100
