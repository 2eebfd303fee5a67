"""``scorecard fill`` on workbooks written by Excel: values in, styles and everything else kept."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest

from .test_mapping_and_cli import run


@pytest.fixture()
def values(tmp_path):
    path = tmp_path / "values.csv"
    path.write_text("sheet,cell,value,type\nSheet1,D20,42,\nSheet1,D21,Officer override,\nSheet1,D22,2026-07-01,date\n"
                    "Sheet1,D23,D20*2,formula\nSheet1,A1,,blank\n", encoding="utf-8")
    return path


def test_fill_sets_values_keeps_the_rest_and_is_deterministic(shared_data, values, tmp_path):
    template = shared_data / "excel-authored" / "comment01.xlsx"
    before = openpyxl.load_workbook(template)["Sheet1"]["A1"]
    outs = [tmp_path / "a.xlsx", tmp_path / "b.xlsx"]
    for out in outs:
        result = run("fill", "--template", str(template), "--values", str(values), "--out", str(out), "--audit", "--built-at", "2026-07-01 09:00 UTC")
        assert result.returncode == 0, result.stderr
    assert outs[0].read_bytes() == outs[1].read_bytes()
    ws = openpyxl.load_workbook(outs[0])["Sheet1"]
    assert ws["D20"].value == 42 and ws["D21"].value == "Officer override" and ws["D23"].value == "=D20*2"
    assert ws["D22"].value.isoformat() == "2026-07-01T00:00:00"
    assert ws["A1"].value is None and ws["A1"].style_id == before.style_id  # blanked, style kept
    with zipfile.ZipFile(template) as original, zipfile.ZipFile(outs[0]) as filled:
        for name in original.namelist():
            if name not in ("xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml",
                            "xl/_rels/workbook.xml.rels", "docProps/app.xml"):
                assert original.read(name) == filled.read(name), name  # comments, VML drawing, everything else
    audit = openpyxl.load_workbook(outs[0])["Fill Audit"]
    rows = list(audit.iter_rows(values_only=True))
    assert rows[1][:3] == ("'Sheet1'!D20", "number", 42)
    assert rows[2][5] == 3 and rows[1][7] == "2026-07-01 09:00 UTC"


def test_fill_keeps_macros(shared_data, values, tmp_path):
    template = shared_data / "excel-authored" / "macro01.xlsm"
    out = tmp_path / "filled.xlsm"
    assert run("fill", "--template", str(template), "--values", str(values), "--out", str(out)).returncode == 0
    with zipfile.ZipFile(template) as original, zipfile.ZipFile(out) as filled:
        assert original.read("xl/vbaProject.bin") == filled.read("xl/vbaProject.bin")


@pytest.mark.parametrize("content, message", [
    ("sheet,cell,value\nNope,A1,1\n", "values.csv:2: no sheet 'Nope'"),
    ("sheet,cell,value\nSheet1,A0,1\n", "values.csv:2: 'A0' is not a cell reference"),
    ("sheet,cell,value,type\nSheet1,A1,1\nSheet1,A2,abc,number\n", "values.csv:3: 'abc' is not a number"),
    ("sheet,cell\nSheet1,A1\n", "the values file needs column(s) sheet, cell, value (missing value)"),
])
def test_bad_values_exit_2_naming_the_row_and_write_nothing(shared_data, tmp_path, content, message):
    path = tmp_path / "values.csv"
    path.write_text(content, encoding="utf-8")
    out = tmp_path / "out.xlsx"
    result = run("fill", "--template", str(shared_data / "excel-authored" / "comment01.xlsx"), "--values", str(path), "--out", str(out))
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_fill_refuses_the_template_itself_and_a_workbook_open_in_excel(shared_data, values, tmp_path):
    template = tmp_path / "book.xlsx"
    template.write_bytes((shared_data / "excel-authored" / "comment01.xlsx").read_bytes())
    result = run("fill", "--template", str(template), "--values", str(values), "--out", str(template))
    assert result.returncode == 2 and "Refusing to write" in result.stderr
    (tmp_path / "~$out.xlsx").write_bytes(b"lock")
    result = run("fill", "--template", str(template), "--values", str(values), "--out", str(tmp_path / "out.xlsx"))
    assert result.returncode == 2 and "open in Excel" in result.stderr
    assert not (tmp_path / "out.xlsx").exists()


def test_not_a_workbook_is_a_clear_error(tmp_path, values):
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)  # an OLE file: encrypted or .xls
    result = run("fill", "--template", str(fake), "--values", str(values), "--out", str(tmp_path / "o.xlsx"))
    assert result.returncode == 2 and "fake.xlsx" in result.stderr and "Traceback" not in result.stderr
