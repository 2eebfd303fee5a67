"""The package engine's editing operations and its refusals, read back with openpyxl/calamine."""

from __future__ import annotations

import datetime as dt
import math
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from python_calamine import CalamineWorkbook

from workbook_builder.errors import UserError
from workbook_builder.writers.ooxml import CFRule, Formula, WorkbookPackage
from workbook_builder.writers.ooxml.styles import STYLESHEET_ORDER
from workbook_builder.writers.ooxml.worksheet import SHEET_ORDER, excel_serial

from .conftest import soffice as find_soffice

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "excel-authored"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
M = "{%s}" % MAIN_NS
CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


@pytest.fixture(scope="module")
def data() -> Path:
    if not DATA.is_dir():
        pytest.skip(f"reference workbooks not found at ../shared/data/excel-authored ({DATA})")
    return DATA


def read_part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name)


def xml_part(path: Path, name: str):
    return etree.fromstring(read_part(path, name))


def rewrite(src: Path, dst: Path, replace: dict[str, bytes | None]) -> Path:
    """Copy a package, replacing (bytes), dropping (None) or appending parts."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        names = zin.namelist()
        for n in names:
            if n in replace:
                if replace[n] is not None:
                    zout.writestr(n, replace[n])
            else:
                zout.writestr(n, zin.read(n))
        for n, data in replace.items():
            if n not in names and data is not None:
                zout.writestr(n, data)
    return dst


def sheet_tags(root) -> list[str]:
    return [etree.QName(c).localname for c in root if isinstance(c.tag, str)]


def assert_schema_order(tags: list[str], order: list[str]) -> None:
    idx = [order.index(t) for t in tags if t in order]
    assert idx == sorted(idx), f"children out of schema order: {tags}"


# --------------------------------------------------------------------------- new sheets etc.


def test_new_sheet_with_links_rules_styles_and_formulas(data, tmp_path):
    src = data / "cond_format02.xlsx"  # Sheet1 already has a conditional format with priority 1
    pkg = WorkbookPackage.open(src)
    assert pkg.sheet_names == ["Sheet1"]
    n_xf = pkg.styles.xf_count()

    pct = pkg.add_cell_style(num_fmt="0.0%", bold=True, font_color="9C0006", fill_color="FFC7CE",
                             wrap=True, h_align="center", v_align="top", border=True)
    assert pct == n_xf
    assert pkg.add_cell_style(num_fmt="0.0%", bold=True, font_color="9C0006", fill_color="FFC7CE",
                              wrap=True, h_align="center", v_align="top", border=True) == pct
    header = pkg.add_cell_style(bold=True, font_size=12)
    assert header == pct + 1
    red = pkg.add_dxf(font_color="9C0006", fill_color="FFC7CE")
    green = pkg.add_dxf(font_color="006100", fill_color="C6EFCE", bold=True)
    assert (red, green) == (0, 1)
    assert pkg.add_dxf(font_color="9C0006", fill_color="FFC7CE") == red

    ws = pkg.add_worksheet("Audit")
    assert pkg.sheet_names == ["Sheet1", "Audit"]
    assert ws.part_name == "xl/worksheets/sheet2.xml"
    ws.set_value("A1", "Key", style=header)
    ws.set_value("B1", "Value", style=header)
    ws.set_value("C1", "Check", style=header)
    ws.set_value("A2", "CIN-1")
    ws.set_value("B2", 0.125, style=pct)
    ws.set_value("C2", Formula("B2*2", cached=0.25))
    ws.set_value("A3", "CIN-2")
    ws.set_value("B3", 42)
    ws.set_value("C3", Formula('IF(B3>1,"high","low")', cached="high"))
    ws.set_value("D3", Formula("=B3>1", cached=True))
    ws.set_value("E3", Formula("NA()", cached="#N/A"))
    ws.set_value("A4", True)
    ws.set_value("B4", dt.date(2024, 1, 1))
    ws.set_column_width(1, 1, 18.5)
    ws.set_column_width(2, 3, 12, hidden=False)
    ws.freeze_panes(2, 1)
    ws.add_hyperlink("A2", location="'Sheet1'!A1", display="CIN-1", tooltip="Go to the data")
    ws.add_conditional_format("B2:B3", [CFRule("B2>0.5", red, stop_if_true=True), CFRule("=B2<=0.5", green)])
    ws.set_autofilter("A1:C3")
    ws.set_print_setup(landscape=True, fit_width=True, repeat_rows=(1, 1))
    sheet1 = pkg.worksheet("Sheet1")
    sheet1.add_conditional_format("A1:A4", [CFRule("A1>25", green)])
    sheet1.add_hyperlink("C1", location="'Audit'!A1", display="Audit")

    out = tmp_path / "built.xlsx"
    pkg.save(out)

    # package plumbing
    ct = xml_part(out, "[Content_Types].xml")
    assert any(o.get("PartName") == "/xl/worksheets/sheet2.xml" for o in ct.iter(CT_NS + "Override"))
    rels = xml_part(out, "xl/_rels/workbook.xml.rels")
    ids = [r.get("Id") for r in rels.iter(REL_NS + "Relationship")]
    assert len(ids) == len(set(ids))
    wbx = xml_part(out, "xl/workbook.xml")
    sheets = wbx.find(M + "sheets").findall(M + "sheet")
    assert [s.get("name") for s in sheets] == ["Sheet1", "Audit"]
    assert len({s.get("sheetId") for s in sheets}) == 2
    assert wbx.find(M + "calcPr").get("fullCalcOnLoad") == "1"
    assert_schema_order(sheet_tags(wbx), ["fileVersion", "workbookPr", "bookViews", "sheets", "definedNames", "calcPr"])
    new_sheet = xml_part(out, "xl/worksheets/sheet2.xml")
    assert_schema_order(sheet_tags(new_sheet), SHEET_ORDER)
    assert sheet_tags(new_sheet) == ["sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData",
                                     "autoFilter", "conditionalFormatting", "hyperlinks", "pageMargins", "pageSetup"]
    assert new_sheet.find(M + "dimension").get("ref") == "A1:E4"
    old_sheet = xml_part(out, "xl/worksheets/sheet1.xml")
    assert_schema_order(sheet_tags(old_sheet), SHEET_ORDER)
    priorities = [int(r.get("priority")) for r in old_sheet.iter(M + "cfRule")]
    assert priorities == [1, 2]
    assert [int(r.get("priority")) for r in new_sheet.iter(M + "cfRule")] == [1, 2]
    styles = xml_part(out, "xl/styles.xml")
    assert_schema_order(sheet_tags(styles), STYLESHEET_ORDER)
    assert styles.find(M + "cellXfs").get("count") == str(n_xf + 2)
    assert styles.find(M + "dxfs").get("count") == "2"
    app = read_part(out, "docProps/app.xml").decode()
    assert "<vt:lpstr>Audit</vt:lpstr>" in app and "<vt:i4>2</vt:i4>" in app

    # openpyxl: formulas, values, styles, links, rules
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Sheet1", "Audit"]
    a = wb["Audit"]
    assert [[c.value for c in row] for row in a["A1:C3"]] == [
        ["Key", "Value", "Check"], ["CIN-1", 0.125, "=B2*2"], ["CIN-2", 42, '=IF(B3>1,"high","low")']]
    assert a["D3"].value == "=B3>1"
    assert a["A4"].value is True
    assert a["B4"].value == 45292
    b2 = a["B2"]
    assert b2.number_format == "0.0%"
    assert b2.font.b is True and b2.font.color.rgb == "FF9C0006"
    assert b2.fill.fgColor.rgb == "FFFFC7CE" and b2.fill.fill_type == "solid"
    assert b2.alignment.wrap_text is True and b2.alignment.horizontal == "center" and b2.alignment.vertical == "top"
    assert b2.border.left.style == "thin" and b2.border.bottom.style == "thin"
    assert a["A1"].font.b is True and a["A1"].font.sz == 12 and a["A1"].font.name == "Calibri"
    assert a["A2"].font.b is not True  # unstyled cell stays default
    assert a.freeze_panes == "A2"
    assert a.column_dimensions["A"].width == pytest.approx(18.5)
    assert a.column_dimensions["B"].width == pytest.approx(12)
    assert a["A2"].hyperlink.location == "'Sheet1'!A1"
    assert a["A2"].hyperlink.display == "CIN-1"
    assert a["A2"].hyperlink.tooltip == "Go to the data"
    assert wb["Sheet1"]["C1"].hyperlink.location == "'Audit'!A1"
    assert a.auto_filter.ref == "A1:C3"
    assert a.print_title_rows == "$1:$1"
    assert a.page_setup.orientation == "landscape"
    assert a.sheet_properties.pageSetUpPr.fitToPage is True
    assert a.page_setup.fitToWidth == 1 and a.page_setup.fitToHeight == 0
    rules = [(str(cf.sqref), r) for cf in a.conditional_formatting for r in cf.rules]
    assert [(sq, r.type, r.formula, r.priority, bool(r.stopIfTrue)) for sq, r in rules] == [
        ("B2:B3", "expression", ["B2>0.5"], 1, True), ("B2:B3", "expression", ["B2<=0.5"], 2, False)]
    assert rules[0][1].dxf.font.color.rgb == "FF9C0006"
    assert rules[0][1].dxf.fill.bgColor.rgb == "FFFFC7CE"
    assert rules[1][1].dxf.font.b is True
    s1_rules = [r for cf in wb["Sheet1"].conditional_formatting for r in cf.rules]
    assert sorted((r.priority, r.formula) for r in s1_rules) == [(1, ["5"]), (2, ["A1>25"])]
    assert wb.calculation.fullCalcOnLoad is True
    wb.close()

    # cached values for readers that do not recalculate
    wbv = openpyxl.load_workbook(out, data_only=True)
    assert [wbv["Audit"][r].value for r in ("C2", "C3", "D3", "E3")] == [0.25, "high", True, "#N/A"]
    wbv.close()
    grid = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Audit").to_python(skip_empty_area=False)
    assert grid[0][:3] == ["Key", "Value", "Check"]
    assert grid[1][:3] == ["CIN-1", 0.125, 0.25]
    assert grid[2][:4] == ["CIN-2", 42, "high", True]
    assert grid[3][0] is True

    # the engine's own reader agrees
    again = WorkbookPackage.open(out)
    vals = again.worksheet("Audit").values()
    assert vals[(2, 3)] == 0.25 and vals[(3, 3)] == "high" and vals[(3, 4)] is True and vals[(3, 5)] == "#N/A"
    assert again.worksheet("Audit").style_of("B2") == pct
    assert again.worksheet("Audit").style_of("Z99") is None

    # deterministic output for the same edits
    out2 = tmp_path / "built2.xlsx"
    pkg.save(out2)
    assert out2.read_bytes() == out.read_bytes()


def test_add_worksheet_keeps_chartsheet_and_numbers_parts(data, tmp_path):
    pkg = WorkbookPackage.open(data / "chart_bar16.xlsx")
    assert pkg.sheet_names == ["Sheet1"]  # Chart1 is a chartsheet
    with pytest.raises(UserError, match="not a worksheet"):
        pkg.worksheet("Chart1")
    ws = pkg.add_worksheet("Sources")
    ws.set_value("A1", "Source")
    with pytest.raises(UserError, match="already has a sheet"):
        pkg.add_worksheet("sources")
    for bad in ("", "a" * 32, "Bad/Name", "Q1?", "'quoted'", "History"):
        with pytest.raises(UserError):
            pkg.add_worksheet(bad)
    out = tmp_path / "out.xlsx"
    pkg.save(out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Sheet1", "Chart1", "Sources"]
    assert len(wb.chartsheets) == 1
    assert wb["Sources"]["A1"].value == "Source"
    src_parts = set(zipfile.ZipFile(data / "chart_bar16.xlsx").namelist())
    assert set(zipfile.ZipFile(out).namelist()) == src_parts | {"xl/worksheets/sheet2.xml"}
    for name in ("xl/chartsheets/sheet1.xml", "xl/charts/chart1.xml", "xl/drawings/drawing1.xml"):
        assert read_part(out, name) == read_part(data / "chart_bar16.xlsx", name)


def test_styles_are_append_only(data, tmp_path):
    src = data / "date_examples01.xlsx"  # custom number formats 164..169 already in use
    before = xml_part(src, "xl/styles.xml")
    pkg = WorkbookPackage.open(src)
    n_xf = pkg.styles.xf_count()
    custom = pkg.add_cell_style(num_fmt="0.000")
    builtin = pkg.add_cell_style(num_fmt="0.00%")
    reused = pkg.add_cell_style(num_fmt="dd/mm/yy")
    based = pkg.add_cell_style(base_style=1, bold=True, italic=True, underline=True)
    assert [custom, builtin, reused, based] == [n_xf, n_xf + 1, n_xf + 2, n_xf + 3]
    out = tmp_path / "styled.xlsx"
    pkg.save(out)
    after = xml_part(out, "xl/styles.xml")
    for section, tag in (("numFmts", "numFmt"), ("fonts", "font"), ("fills", "fill"), ("borders", "border"),
                         ("cellXfs", "xf"), ("cellStyleXfs", "xf"), ("cellStyles", "cellStyle")):
        old = before.find(M + section).findall(M + tag)
        new = after.find(M + section).findall(M + tag)
        assert [etree.tostring(e, method="c14n") for e in new[: len(old)]] == [
            etree.tostring(e, method="c14n") for e in old], f"{section} entries moved or changed"
        assert after.find(M + section).get("count") == str(len(new))
    fmts = {e.get("formatCode"): e.get("numFmtId") for e in after.find(M + "numFmts")}
    assert fmts["0.000"] == "170"
    xfs = after.find(M + "cellXfs").findall(M + "xf")
    assert xfs[builtin].get("numFmtId") == "10"
    assert xfs[reused].get("numFmtId") == "164"
    base = before.find(M + "cellXfs").findall(M + "xf")[1]
    assert xfs[based].get("numFmtId") == base.get("numFmtId")
    font = after.find(M + "fonts").findall(M + "font")[int(xfs[based].get("fontId"))]
    assert [etree.QName(c).localname for c in font][:3] == ["b", "i", "u"]
    # only styles.xml changed
    changed = {n for n in zipfile.ZipFile(src).namelist() if read_part(src, n) != read_part(out, n)}
    assert changed == {"xl/styles.xml"}
    with pytest.raises(UserError, match="not a colour"):
        pkg.add_cell_style(fill_color="red")
    with pytest.raises(UserError, match="does not exist"):
        pkg.add_cell_style(base_style=999)
    with pytest.raises(UserError, match="alignment"):
        pkg.add_cell_style(h_align="middle")
    with pytest.raises(UserError, match="style 999 does not exist"):
        pkg.worksheet("Sheet1").set_value("A1", 1, style=999)


def test_dxfs_created_in_schema_position_when_absent(data, tmp_path):
    src = data / "format22.xlsx"
    styles = read_part(src, "xl/styles.xml").replace(b'<dxfs count="0"/>', b"")
    assert b"<dxfs" not in styles
    crafted = rewrite(src, tmp_path / "nodxfs.xlsx", {"xl/styles.xml": styles})
    pkg = WorkbookPackage.open(crafted)
    assert pkg.add_dxf(fill_color="#FFEB9C") == 0
    assert pkg.add_dxf(bold=True) == 1
    out = tmp_path / "out.xlsx"
    pkg.save(out)
    root = xml_part(out, "xl/styles.xml")
    tags = sheet_tags(root)
    assert tags.index("dxfs") == tags.index("cellStyles") + 1 and tags[-1] == "tableStyles"
    dxfs = root.find(M + "dxfs")
    assert dxfs.get("count") == "2"
    assert dxfs[0].find(f"{M}fill/{M}patternFill/{M}bgColor").get("rgb") == "FFFFEB9C"


def test_set_value_keeps_style_and_row_attributes(data, tmp_path):
    src = data / "format22.xlsx"
    pkg = WorkbookPackage.open(src)
    ws = pkg.worksheet("Sheet1")
    styled = [ref for ref in ("A1", "B1", "A2", "B2", "C3") if (ws.style_of(ref) or 0) > 0]
    assert styled, "format22 should have a styled cell"
    ref = styled[0]
    style = ws.style_of(ref)
    ws.set_value(ref, "replaced")
    assert ws.style_of(ref) == style
    ws.set_value(ref, None)
    assert ws.style_of(ref) == style
    out = tmp_path / "out.xlsx"
    pkg.save(out)
    cell = xml_part(out, "xl/worksheets/sheet1.xml").find(f".//{M}c[@r='{ref}']")
    assert cell.get("s") == str(style) and len(cell) == 0 and cell.get("t") is None
    wb = openpyxl.load_workbook(out)
    assert wb["Sheet1"][ref].value is None
    assert wb["Sheet1"][ref].border.left.style == "thin"


MODERN_SHEET = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{MAIN_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac xr xr2 xr3" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" xmlns:xr2="http://schemas.microsoft.com/office/spreadsheetml/2015/revision2" xmlns:xr3="http://schemas.microsoft.com/office/spreadsheetml/2016/revision3" xr:uid="{{00000000-0001-0000-0000-000000000000}}"><dimension ref="A3:C5"/><sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/><cols><col min="4" max="4" width="20" style="1" customWidth="1"/></cols><sheetData><row r="3" spans="1:3" x14ac:dyDescent="0.25"><c r="A3"><v>1</v></c><c r="B3"><f t="shared" ref="B3:B5" si="0">A3*2</f><v>2</v></c><c r="C3"><f>SUM(B3:B5)</f><v>12</v></c></row><row r="4" spans="1:3" ht="30" customHeight="1" x14ac:dyDescent="0.25"><c r="A4"><v>2</v></c><c r="B4"><f t="shared" si="0"/><v>4</v></c></row><row r="5" spans="1:3" s="1" customFormat="1" x14ac:dyDescent="0.25"><c r="A5"><v>3</v></c><c r="B5"><f t="shared" si="0"/><v>6</v></c></row></sheetData><conditionalFormatting sqref="A3:A5"><cfRule type="cellIs" dxfId="0" priority="3" operator="greaterThan"><formula>1</formula></cfRule></conditionalFormatting><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/><extLst><ext uri="{{78C0D931-6437-407d-A8EE-F0AAD7539E65}}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:conditionalFormattings><x14:conditionalFormatting xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><x14:cfRule type="expression" priority="7" id="{{00000000-000E-0000-0000-000001000000}}"><xm:f>A3&gt;2</xm:f><x14:dxf><font><b/></font></x14:dxf></x14:cfRule><xm:sqref>A3:A5</xm:sqref></x14:conditionalFormatting></x14:conditionalFormattings></ext></extLst></worksheet>"""


@pytest.fixture
def modern(data, tmp_path) -> Path:
    """An Excel-365-style sheet: mc:Ignorable prefixes, shared formulas, a calc chain,
    x14 conditional formats in extLst, a row format and a column style."""
    src = data / "cond_format06.xlsx"  # has one dxf and the default cellXfs
    styles = read_part(src, "xl/styles.xml")
    styles = styles.replace(b'<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
                            b'<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
                            b'<xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>')
    assert b'<cellXfs count="2">' in styles
    ct = read_part(src, "[Content_Types].xml").replace(
        b"</Types>", b'<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-'
                     b'officedocument.spreadsheetml.calcChain+xml"/></Types>')
    rels = read_part(src, "xl/_rels/workbook.xml.rels").replace(
        b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/'
                             b'2006/relationships/calcChain" Target="calcChain.xml"/></Relationships>')
    chain = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<calcChain xmlns="{MAIN_NS}">'
             '<c r="B3" i="1"/><c r="B4"/><c r="B5"/><c r="C3"/></calcChain>').encode()
    return rewrite(src, tmp_path / "modern.xlsx", {
        "xl/worksheets/sheet1.xml": MODERN_SHEET.encode(), "xl/styles.xml": styles,
        "[Content_Types].xml": ct, "xl/_rels/workbook.xml.rels": rels, "xl/calcChain.xml": chain})


@pytest.mark.filterwarnings("ignore:Conditional Formatting extension:UserWarning")
def test_namespaces_and_mc_ignorable_survive(modern, tmp_path):
    pkg = WorkbookPackage.open(modern)
    ws = pkg.worksheet("Sheet1")
    assert ws.values() == {(3, 1): 1, (3, 2): 2, (3, 3): 12, (4, 1): 2, (4, 2): 4, (5, 1): 3, (5, 2): 6}
    ws.set_value("A1", "title")       # new row before the first one
    ws.set_value("D4", 7)             # new cell outside the row's spans, under a styled column
    ws.set_value("E5", 8)             # new cell in a formatted row
    ws.set_value("C4", "mid")         # between existing B4 and the new D4
    ws.set_value("A2", 0.5)           # new row between rows 1 and 3
    ws.add_conditional_format("A3:A5", [CFRule("A3=2", 0)])
    out = tmp_path / "out.xlsx"
    pkg.save(out)
    raw = read_part(out, "xl/worksheets/sheet1.xml").decode()
    assert 'mc:Ignorable="x14ac xr xr2 xr3"' in raw
    assert 'xmlns:xr3="http://schemas.microsoft.com/office/spreadsheetml/2016/revision3"' in raw
    assert 'x14ac:dyDescent="0.25"' in raw and "<x14:cfRule" in raw
    root = etree.fromstring(raw.encode())
    assert [r.get("r") for r in root.iter(M + "row")] == ["1", "2", "3", "4", "5"]
    row4 = root.find(f".//{M}row[@r='4']")
    assert row4.get("ht") == "30" and row4.get("customHeight") == "1" and row4.get("spans") == "1:4"
    assert [c.get("r") for c in row4] == ["A4", "B4", "C4", "D4"]
    assert root.find(f".//{M}c[@r='D4']").get("s") == "1"   # column style carried over
    assert root.find(f".//{M}c[@r='E5']").get("s") == "1"   # row format carried over
    assert root.find(M + "dimension").get("ref") == "A1:E5"
    new_rule = [r for r in root.iter(M + "cfRule") if r.find(M + "formula").text == "A3=2"]
    assert new_rule[0].get("priority") == "8"  # above the x14 rule's priority 7
    assert sheet_tags(root)[-1] == "extLst"
    assert zipfile.ZipFile(out).namelist() == zipfile.ZipFile(modern).namelist()  # calc chain kept
    wb = openpyxl.load_workbook(out)
    assert [wb["Sheet1"][r].value for r in ("A1", "A2", "C4", "D4", "E5")] == ["title", 0.5, "mid", 7, 8]


@pytest.mark.filterwarnings("ignore:Conditional Formatting extension:UserWarning")
def test_overwriting_shared_formula_master_unshares_dependants(modern, tmp_path):
    pkg = WorkbookPackage.open(modern)
    ws = pkg.worksheet("Sheet1")
    ws.set_value("B3", 100)
    out = tmp_path / "out.xlsx"
    pkg.save(out)
    root = xml_part(out, "xl/worksheets/sheet1.xml")
    f4 = root.find(f".//{M}c[@r='B4']/{M}f")
    f5 = root.find(f".//{M}c[@r='B5']/{M}f")
    assert (f4.text, f5.text) == ("A4*2", "A5*2")
    assert f4.get("t") is None and f4.get("si") is None and f4.get("ref") is None
    assert root.find(f".//{M}c[@r='B3']/{M}f") is None
    # calcChain pointed at B3, which is no longer a formula: it is dropped with its rel and override
    names = zipfile.ZipFile(out).namelist()
    assert "xl/calcChain.xml" not in names
    assert b"calcChain" not in read_part(out, "xl/_rels/workbook.xml.rels")
    assert b"calcChain" not in read_part(out, "[Content_Types].xml")
    wb = openpyxl.load_workbook(out)
    assert [wb["Sheet1"][r].value for r in ("B3", "B4", "B5")] == [100, "=A4*2", "=A5*2"]
    cal = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Sheet1").to_python(skip_empty_area=False)
    assert [cal[i][1] for i in (2, 3, 4)] == [100, 4, 6]


def test_formula_over_formula_keeps_calc_chain(modern, tmp_path):
    pkg = WorkbookPackage.open(modern)
    ws = pkg.worksheet("Sheet1")
    ws.set_value("B3", Formula("A3*3", cached=3))
    ws.set_value("C3", Formula("SUM(B3:B5)", cached=13))
    out = tmp_path / "out.xlsx"
    pkg.save(out)
    assert "xl/calcChain.xml" in zipfile.ZipFile(out).namelist()
    root = xml_part(out, "xl/worksheets/sheet1.xml")
    assert root.find(f".//{M}c[@r='B4']/{M}f").text == "A4*2"
    assert root.find(f".//{M}c[@r='B3']/{M}f").text == "A3*3"
    assert xml_part(out, "xl/workbook.xml").find(M + "calcPr").get("fullCalcOnLoad") == "1"


def test_array_formula_cells_are_refused(data):
    pkg = WorkbookPackage.open(data / "array_formula01.xlsx")
    ws = pkg.worksheet("Sheet1")
    for ref in ("A1", "A2", "A3"):
        with pytest.raises(UserError, match="array formula covering A1:A3"):
            ws.set_value(ref, 1)
    ws.set_value("B2", 5)  # next to it is fine


def test_values_read_inline_strings_and_escapes(data, tmp_path):
    pkg = WorkbookPackage.open(data / "optimize07.xlsx")
    vals = pkg.worksheet("Sheet1").values()
    assert vals[(1, 1)] == "_" and vals[(7, 1)] == "_x0000_" and vals[(10, 1)] == "_X0000_"
    ws = pkg.worksheet("Sheet1")
    ws.set_value("B1", "_x0041_ kept literally")
    ws.set_value("B2", "tab\tand\x01control")
    out = tmp_path / "out.xlsx"
    pkg.save(out)
    again = WorkbookPackage.open(out).worksheet("Sheet1").values()
    assert again[(1, 2)] == "_x0041_ kept literally"
    assert again[(2, 2)] == "tab\tand\x01control"
    assert {k: v for k, v in again.items() if k[1] == 1} == {k: v for k, v in vals.items() if k[1] == 1}


def test_append_rows_writes_what_set_value_writes(data, tmp_path):
    """The fast row writer builds XML text and parses it once; the sheet must come out exactly
    as writing each cell with set_value makes it, for text that needs escaping too."""
    rows = [
        ["plain", 1, 2.5, True, None, "", "A & B <c> \"q\" 'a'"],
        ["line\r\nbreak", "tab\tand\x01control", "_x000D_ literal", 10 ** 20, -0.1, False, dt.date(2024, 3, 31)],
        [],
        ["  spaced  ", "ünïcödé — ‘quotes’", 1e-7, 123456789012, "]]>", "&amp;", 0],
    ]
    pkg = WorkbookPackage.open(data / "optimize07.xlsx")
    link = pkg.add_cell_style(font_color="0563C1", underline=True)
    fast, slow = pkg.add_worksheet("Fast"), pkg.add_worksheet("Slow")
    fast.append_rows(3, rows, styles={1: link})
    for r, values in enumerate(rows, 3):
        for c, value in enumerate(values, 1):
            if value not in (None, ""):
                slow.set_value(f"{'ABCDEFG'[c - 1]}{r}", value, style=link if c == 1 else None)
    out = tmp_path / "out.xlsx"
    pkg.save(out)
    fast_xml = xml_part(out, fast.part_name).find(M + "sheetData")
    slow_xml = xml_part(out, slow.part_name).find(M + "sheetData")
    fast_rows = [r for r in fast_xml if r.findall(M + "c")]  # set_value makes no element for an empty row
    assert [etree.tostring(r) for r in fast_rows] == [etree.tostring(r) for r in slow_xml]
    again = WorkbookPackage.open(out).worksheet("Fast").values()
    assert again[(4, 1)] == "line\r\nbreak" and again[(4, 2)] == "tab\tand\x01control"
    assert again[(4, 3)] == "_x000D_ literal" and again[(3, 7)] == "A & B <c> \"q\" 'a'"
    assert again[(6, 5)] == "]]>" and again[(6, 6)] == "&amp;" and again[(6, 7)] == 0
    with pytest.raises(UserError, match="append_rows starts at row 4"):
        fast.append_rows(4, [["again"]])
    with pytest.raises(UserError, match="values only"):
        pkg.add_worksheet("Formulas").append_rows(1, [[Formula("1+1")]])


def test_normalise_range_takes_canonical_cells_as_given_and_refuses_off_grid():
    from workbook_builder.refs import normalise_range

    assert [normalise_range(r) for r in ("A2", "XFD1048576", "b2", "$C$3", "C3:A1", "D4:D4")] == \
        ["A2", "XFD1048576", "B2", "C3", "A1:C3", "D4"]
    for bad in ("XFE1", "A1048577", "A0", "AAAA1", "A01:B2 C3"):
        with pytest.raises(UserError):
            normalise_range(bad)


def test_numbers_dates_and_bad_values():
    assert excel_serial(dt.date(1900, 1, 1), False, "x") == 1
    assert excel_serial(dt.date(1900, 2, 28), False, "x") == 59
    assert excel_serial(dt.date(1900, 3, 1), False, "x") == 61
    assert excel_serial(dt.datetime(2024, 1, 1, 12), False, "x") == 45292.5
    assert excel_serial(dt.date(1904, 1, 2), True, "x") == 1


def test_bad_cell_input_is_refused(data):
    pkg = WorkbookPackage.open(data / "types05.xlsx")
    ws = pkg.worksheet("Sheet1")
    for ref in ("A0", "1A", "XFE1", "A1048577", "", "A1:B2", "Sheet1!A1"):
        with pytest.raises(UserError):
            ws.set_value(ref, 1)
    for value in (math.nan, math.inf, -math.inf, float("nan"), object(), b"bytes", 1j):
        with pytest.raises(UserError):
            ws.set_value("B1", value)
    with pytest.raises(UserError):
        ws.set_value("B1", Formula(""))
    with pytest.raises(UserError):
        ws.set_value("B1", Formula("1/0", cached=math.inf))
    with pytest.raises(UserError):
        ws.set_value("B1", "x" * 32768)
    with pytest.raises(UserError, match="dxf"):
        ws.add_conditional_format("A1", [CFRule("A1>1", 5)])
    with pytest.raises(UserError, match="no worksheet named 'Nope'") as exc:
        pkg.worksheet("Nope")
    assert "'Sheet1'" in str(exc.value)


# --------------------------------------------------------------------------- refusing bad files


def test_corrupt_zip_is_refused(data, tmp_path):
    good = (data / "types05.xlsx").read_bytes()
    bad = tmp_path / "truncated.xlsx"
    bad.write_bytes(good[: len(good) // 2])
    with pytest.raises(UserError, match="truncated.xlsx is damaged"):
        WorkbookPackage.open(bad)


def test_corrupt_member_is_refused(data, tmp_path):
    src = data / "types05.xlsx"
    raw = bytearray(src.read_bytes())
    info = zipfile.ZipFile(src).getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 5, start + info.compress_size - 5):
        raw[i] ^= 0x5A
    bad = tmp_path / "badmember.xlsx"
    bad.write_bytes(bytes(raw))
    with pytest.raises(UserError, match="badmember.xlsx is damaged"):
        pkg = WorkbookPackage.open(bad)
        pkg.worksheet("Sheet1").values()


def test_encrypted_ole_file_is_refused(tmp_path):
    p = tmp_path / "secret.xlsx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2048)
    with pytest.raises(UserError, match="secret.xlsx is password-protected") as exc:
        WorkbookPackage.open(p)
    assert "Remove the password" in exc.value.hint


def test_non_zip_and_non_workbook_are_refused(tmp_path):
    csv = tmp_path / "data.xlsx"
    csv.write_text("a,b\n1,2\n")
    with pytest.raises(UserError, match="data.xlsx is not an Excel"):
        WorkbookPackage.open(csv)
    z = tmp_path / "other.xlsx"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(UserError, match="other.xlsx is not an Excel workbook"):
        WorkbookPackage.open(z)
    with pytest.raises(UserError, match="does not exist"):
        WorkbookPackage.open(tmp_path / "missing.xlsx")


def test_zip_bomb_and_dtd_are_refused(data, tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", b"<a/>")
        zf.writestr("xl/worksheets/sheet1.xml", b" " * (8 * 1024 * 1024))
    with pytest.raises(UserError, match="compression ratio"):
        WorkbookPackage.open(bomb)
    src = data / "types05.xlsx"
    wb = read_part(src, "xl/workbook.xml").replace(
        b"<workbook ", b'<!DOCTYPE workbook [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n<workbook ', 1)
    dtd = rewrite(src, tmp_path / "dtd.xlsx", {"xl/workbook.xml": wb})
    with pytest.raises(UserError, match="DTD"):
        WorkbookPackage.open(dtd)


def test_refuses_to_overwrite_template_or_inputs(data, tmp_path):
    template = tmp_path / "template.xlsx"
    shutil.copy(data / "types05.xlsx", template)
    original = template.read_bytes()
    pkg = WorkbookPackage.open(template)
    pkg.worksheet("Sheet1").set_value("C1", 3)
    with pytest.raises(UserError, match="it is the template"):
        pkg.save(template)
    with pytest.raises(UserError, match="it is the template"):
        pkg.save(tmp_path / "sub" / ".." / "template.xlsx")
    other = tmp_path / "input.xlsx"
    other.write_bytes(b"input")
    with pytest.raises(UserError, match="input file"):
        pkg.save(other, refuse_paths=[other])
    assert template.read_bytes() == original and other.read_bytes() == b"input"
    with pytest.raises(UserError, match="folder"):
        pkg.save(tmp_path / "no-such-dir" / "out.xlsx")


def test_refuses_when_output_is_open_in_excel(data, tmp_path):
    pkg = WorkbookPackage.open(data / "types05.xlsx")
    out = tmp_path / "report.xlsx"
    (tmp_path / "~$report.xlsx").write_bytes(b"owner")
    with pytest.raises(UserError, match="open in Excel") as exc:
        pkg.save(out)
    assert "close it in excel" in str(exc.value).lower()
    assert not out.exists()


def test_macro_workbook_keeps_vba_and_extension(data, tmp_path):
    src = data / "macro01.xlsm"
    pkg = WorkbookPackage.open(src)
    pkg.worksheet(pkg.sheet_names[0]).set_value("D4", 1.5)
    with pytest.raises(UserError, match="must end in .xlsm"):
        pkg.save(tmp_path / "out.xlsx")
    out = tmp_path / "out.xlsm"
    pkg.save(out)
    assert read_part(out, "xl/vbaProject.bin") == read_part(src, "xl/vbaProject.bin")
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb[pkg.sheet_names[0]]["D4"].value == 1.5
    wb.close()


def test_failed_save_leaves_no_temp_file_and_keeps_old_output(data, tmp_path, monkeypatch):
    pkg = WorkbookPackage.open(data / "types05.xlsx")
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"previous good output")

    def boom(fh):
        fh.write(b"partial")
        raise RuntimeError("disk full")

    monkeypatch.setattr(pkg, "_write_zip", boom)
    with pytest.raises(RuntimeError):
        pkg.save(out)
    assert out.read_bytes() == b"previous good output"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx"]


@pytest.mark.libreoffice
def test_libreoffice_opens_engine_built_sheet(data, tmp_path):
    soffice = find_soffice()  # skipped without LibreOffice locally; a failure in CI
    pkg = WorkbookPackage.open(data / "table03.xlsx")
    red = pkg.add_dxf(fill_color="FFC7CE")
    ws = pkg.add_worksheet("Audit")
    ws.set_value("A1", "Key", style=pkg.add_cell_style(bold=True))
    for i in range(2, 40):
        ws.set_value(f"A{i}", f"row {i}")
        ws.set_value(f"B{i}", i * 1.5)
        ws.set_value(f"C{i}", Formula(f"B{i}*2", cached=i * 3.0))
    ws.add_conditional_format("B2:B39", [CFRule("B2>20", red)])
    ws.add_hyperlink("A2", location="'Sheet1'!A1")
    ws.freeze_panes(2, 1)
    ws.set_print_setup(repeat_rows=(1, 1))
    out = tmp_path / "built.xlsx"
    pkg.save(out)
    pdf_dir = tmp_path / "pdf"
    proc = subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'lo_profile').as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(pdf_dir), str(out)],
        capture_output=True, text=True, timeout=180)
    pdf = pdf_dir / "built.pdf"
    assert pdf.is_file(), proc.stderr
    assert pdf.stat().st_size > 1024


def test_calcpr_and_defined_names_in_schema_order(data, tmp_path):
    src = data / "repeat01.xlsx"  # has a sheet-scoped _xlnm.Print_Titles and calcPr
    wb_xml = read_part(src, "xl/workbook.xml")
    wb_xml = wb_xml.replace(b'<calcPr calcId="124519"/>', b'<fileRecoveryPr repairLoad="1"/>')
    wb_xml = wb_xml.replace(b"</definedNames>",
                            b'<definedName name="Threshold">Sheet1!$A$1</definedName></definedNames>')
    crafted = rewrite(src, tmp_path / "nocalc.xlsx", {"xl/workbook.xml": wb_xml})
    pkg = WorkbookPackage.open(crafted)
    assert pkg.defined_names == {"Threshold": "Sheet1!$A$1"}
    pkg.defined_names["Other"] = "x"  # a copy: the workbook is not changed
    assert "Other" not in pkg.defined_names
    ws = pkg.worksheet("Sheet1")
    ws.set_print_setup(landscape=False, fit_width=False, repeat_rows=(1, 2))
    ws.set_value("B2", Formula("A1&\"!\"", cached="x!"))
    out = tmp_path / "out.xlsx"
    pkg.save(out)
    root = xml_part(out, "xl/workbook.xml")
    assert sheet_tags(root)[-3:] == ["definedNames", "calcPr", "fileRecoveryPr"]
    assert root.find(M + "calcPr").get("fullCalcOnLoad") == "1"
    titles = [d for d in root.iter(M + "definedName") if d.get("name") == "_xlnm.Print_Titles"]
    assert [(d.get("localSheetId"), d.text) for d in titles] == [("0", "Sheet1!$1:$2")]
    sheet = xml_part(out, "xl/worksheets/sheet1.xml")
    setup = sheet.find(M + "pageSetup")
    assert setup.get("orientation") == "portrait" and setup.get("paperSize") == "9"
    assert setup.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id") == "rId1"
    assert read_part(out, "xl/printerSettings/printerSettings1.bin") == read_part(src, "xl/printerSettings/printerSettings1.bin")
    wb = openpyxl.load_workbook(out)
    assert wb["Sheet1"].print_title_rows == "$1:$2"
    assert wb.calculation.fullCalcOnLoad is True


def test_column_widths_split_and_panes(data, tmp_path):
    pkg = WorkbookPackage.open(data / "types05.xlsx")
    ws = pkg.add_worksheet("Layout")
    ws.set_column_width(1, 10, 9)
    ws.set_column_width(4, 5, 30, hidden=True)
    ws.freeze_panes(3, 2)
    ws.set_value("A1", 1)
    layout = pkg.add_worksheet("Cols only")
    layout.freeze_panes(1, 3)
    layout.freeze_panes(1, 1)
    layout.freeze_panes(1, 2)
    out = tmp_path / "out.xlsx"
    pkg.save(out)
    root = xml_part(out, "xl/worksheets/sheet2.xml")
    cols = [(c.get("min"), c.get("max"), c.get("width"), c.get("hidden")) for c in root.iter(M + "col")]
    assert cols == [("1", "3", "9", None), ("4", "5", "30", "1"), ("6", "10", "9", None)]
    pane = root.find(f".//{M}pane")
    assert (pane.get("xSplit"), pane.get("ySplit"), pane.get("topLeftCell"), pane.get("activePane")) == (
        "1", "2", "B3", "bottomRight")
    wb = openpyxl.load_workbook(out)
    assert wb["Layout"].freeze_panes == "B3"
    assert wb["Cols only"].freeze_panes == "B1"
    assert wb["Layout"].column_dimensions["D"].hidden is True
    assert wb.sheetnames == ["Sheet1", "Layout", "Cols only"]


def test_table_header_cells_are_protected(data, tmp_path):
    pkg = WorkbookPackage.open(data / "table03.xlsx")  # Table1 at C3:F13, headers Column1..Column4
    ws = pkg.worksheet("Sheet1")
    with pytest.raises(UserError, match="header of column 'Column1' in table 'Table1'"):
        ws.set_value("C3", "Renamed")
    with pytest.raises(UserError, match="header of column 'Column4'"):
        ws.set_value("F3", 5)
    ws.set_value("C3", "Column1")  # unchanged header text is fine
    ws.set_value("C4", 1.25)       # data rows are fine
    ws.set_value("F13", "last")
    out = tmp_path / "out.xlsx"
    pkg.save(out)
    assert read_part(out, "xl/tables/table1.xml") == read_part(data / "table03.xlsx", "xl/tables/table1.xml")
    wb = openpyxl.load_workbook(out)
    assert [wb["Sheet1"][r].value for r in ("C3", "C4", "F13")] == ["Column1", 1.25, "last"]
    assert list(wb["Sheet1"].tables) == ["Table1"]


def test_output_permissions_follow_umask(data, tmp_path):
    import os
    import stat

    umask = os.umask(0o022)
    os.umask(umask)
    pkg = WorkbookPackage.open(data / "types05.xlsx")
    out = tmp_path / "out.xlsx"
    pkg.save(out)
    if os.name == "posix":
        assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask
