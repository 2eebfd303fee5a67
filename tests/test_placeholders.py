"""`{la}` in a template becomes the LA's name: shared and inline strings, rich text, charts and the title,
edited in the sheet's bytes or in its parsed tree alike, and nothing else changed."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from lxml import etree

from workbook_builder.writers.ooxml import WorkbookPackage

M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NAME = "Kingston & <Richmond>"  # a name with characters XML must escape


@pytest.fixture()
def template(tmp_path):
    path = tmp_path / "template.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.set_properties({"title": "{la} scorecard"})
    bold = book.add_format({"bold": True})
    for name in ("Bytes", "Tree"):
        sheet = book.add_worksheet(name)
        sheet.write_string(0, 0, "{la} (latest)")
        sheet.write_rich_string(1, 0, "Placements by ", bold, "{la}", " (own LA)")
        sheet.write_number(2, 0, 0)  # the index of the first shared string: a number, never text
        sheet.write_rich_string(3, 0, "split {l", bold, "a} token")
        sheet.write_string(4, 0, "no placeholder")
    tables = book.add_worksheet("Table")
    tables.write_string(0, 5, "{la} beside a table")
    tables.add_table("C1:D3", {"columns": [{"header": "{la} column"}, {"header": "Other"}]})
    chart = book.add_chart({"type": "bar"})
    chart.add_series({"name": "='Bytes'!$A$1", "values": "='Bytes'!$A$3:$A$3"})
    book.get_worksheet_by_name("Bytes").insert_chart("F2", chart)
    book.close()
    return path


def test_placeholders_become_the_name_in_bytes_and_in_trees(template, tmp_path):
    package = WorkbookPackage.open(template)
    package.worksheet("Tree")  # parsed before the replacement: the tree path; 'Bytes' is edited in its bytes
    changed = package.replace_text("{la}", NAME)
    assert changed == ["'Bytes'!A1", "'Bytes'!A2", "'Tree'!A1", "'Tree'!A2", "'Table'!F1"]
    out = tmp_path / "out.xlsx"
    package.save(out)

    book = openpyxl.load_workbook(out, rich_text=True)
    for name in ("Bytes", "Tree"):
        sheet = book[name]
        assert sheet["A1"].value == f"{NAME} (latest)"
        runs = sheet["A2"].value
        assert str(runs) == f"Placements by {NAME} (own LA)" and runs[1].font.b and runs[1].text == NAME  # the bold run kept
        assert sheet["A3"].value == 0 and sheet["A5"].value == "no placeholder"
        assert str(sheet["A4"].value) == "split {la} token"  # a placeholder across two runs is not matched
    assert book["Table"]["C1"].value == "{la} column"  # a table's header keeps its text, as its table part says
    assert book["Table"]["F1"].value == f"{NAME} beside a table"
    assert book.properties.title == f"{NAME} scorecard"

    before, after = zipfile.ZipFile(template), zipfile.ZipFile(out)
    chart = etree.fromstring(after.read("xl/charts/chart1.xml"))
    assert [v.text for v in chart.iter("{http://schemas.openxmlformats.org/drawingml/2006/chart}v")][0] == f"{NAME} (latest)"
    changed_parts = {n for n in before.namelist() if before.read(n) != after.read(n)}
    assert changed_parts == {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml", "xl/charts/chart1.xml",
                             "docProps/core.xml"}
    assert after.read("xl/sharedStrings.xml") == before.read("xl/sharedStrings.xml")  # never changed


def test_the_bytes_path_changes_only_the_cells_it_names(template, tmp_path):
    package = WorkbookPackage.open(template)
    package.replace_text("{la}", NAME)
    out = tmp_path / "out.xlsx"
    package.save(out)
    before = zipfile.ZipFile(template).read("xl/worksheets/sheet1.xml")
    after = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml")
    start = before.index(b'<c r="A1"')
    end = before.index(b'<c r="A3"')
    assert before[:start] == after[:start]  # everything before the first changed cell, byte for byte
    assert before[end:] == after[after.index(b'<c r="A3"'):]  # and everything after the last
    row = etree.fromstring(after).find(f"{M}sheetData/{M}row")
    assert row.find(f"{M}c").get("t") == "inlineStr"


def test_no_placeholder_no_change(template, tmp_path):
    package = WorkbookPackage.open(template)
    assert package.replace_text("{nothing}", NAME) == []
    out = tmp_path / "out.xlsx"
    package.save(out)
    before, after = zipfile.ZipFile(template), zipfile.ZipFile(out)
    assert all(before.read(n) == after.read(n) for n in before.namelist())


def test_a_kept_plan_gives_the_same_bytes_as_working_it_out(template):
    """The second package opened from a template (the next LA of a batch) reuses where the text goes."""
    first = WorkbookPackage.open(template)
    first.replace_text("{la}", "First LA")  # works it out, keeps the plan
    planned = WorkbookPackage.open(template)
    refs = planned.replace_text("{la}", NAME)
    direct = WorkbookPackage.open(template)
    direct_refs, _parts = direct._replacement("{la}", NAME)  # the same, worked out afresh
    assert refs == direct_refs and planned.to_bytes() == direct.to_bytes()
    saved = zipfile.ZipFile(io.BytesIO(planned.to_bytes()))
    for part in ("xl/worksheets/sheet1.xml", "xl/charts/chart1.xml"):
        assert b"Kingston &amp; &lt;Richmond&gt;" in saved.read(part)  # the stand-in replaced by the name, escaped


def _rewritten(template: Path, tmp_path: Path, edit) -> Path:
    """The template with its first sheet's XML rewritten by ``edit`` (shapes Excel may write and xlsxwriter does not)."""
    source = zipfile.ZipFile(template)
    target = tmp_path / "rewritten.xlsx"
    with zipfile.ZipFile(target, "w") as out:
        for name in source.namelist():
            data = source.read(name)
            out.writestr(name, edit(data) if name == "xl/worksheets/sheet1.xml" else data)
    return target


@pytest.mark.parametrize("edit", [
    lambda xml: xml.replace(b'<c r="A1" t="s">', b"<c r='A1' t='s'>"),  # single-quoted attributes
    lambda xml: re.sub(rb"<(/?)(worksheet|sheetPr|dimension|sheetViews|sheetView|selection|sheetFormatPr|sheetData|row|c|v|is|t|r|rPr|b|pageMargins)\b",
                       rb"<\1x:\2", xml).replace(b'xmlns="http://schemas', b'xmlns:x="http://schemas', 1),  # a prefixed namespace
], ids=["single-quotes", "prefixed-namespace"])
def test_cells_of_other_shapes_are_filled_too(template, tmp_path, edit):
    path = _rewritten(template, tmp_path, edit)
    package = WorkbookPackage.open(path)
    assert package.replace_text("{la}", NAME)[:2] == ["'Bytes'!A1", "'Bytes'!A2"]
    out = tmp_path / "out.xlsx"
    package.save(out)
    sheet = openpyxl.load_workbook(out)["Bytes"]
    assert sheet["A1"].value == f"{NAME} (latest)" and sheet["A2"].value == f"Placements by {NAME} (own LA)"
