"""Hostile and malformed inputs (issue 14): each class refused with its exact message, exit status 2,
no traceback, nothing half-written, bounded in time and memory."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from .conftest import FIXED_BUILT_AT, ROOT

SAMPLE = ROOT / "inputs" / "sample"


def scorecard(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "workbook_builder", *map(str, args)], cwd=cwd, capture_output=True, text=True)


def refused(result, message: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr and message in result.stderr, result.stderr[-2000:]


def snapshot(folder: Path) -> dict[str, str]:
    """Every file of a folder and its digest: what 'left as it was' is checked against."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(Path(folder).iterdir())}


@pytest.fixture()
def inputs(tmp_path):
    folder = tmp_path / "inputs"
    shutil.copytree(SAMPLE, folder)
    return folder


# --- 1. workbooks are read within bounds ------------------------------------------------------------

@pytest.mark.parametrize("ref, span", [("XFD1048576", "1,048,576 rows x 16,384 columns"), ("Z1048576", "1,048,576 rows x 26 columns")])
def test_a_far_away_cell_is_refused_before_the_sheet_is_read(inputs, ref, span):
    chat = next((inputs / "chat").glob("*.xlsx"))
    book = openpyxl.load_workbook(chat)
    book["Comparison"][ref] = 1
    book.save(chat)
    for command in (["validate"], ["build", "--out", inputs.parent / "out"]):
        result = scorecard(*command, "--inputs", inputs)
        refused(result, f"{chat} sheet 'Comparison': its cells span {span} (out to {ref}), "
                        "more than the 5,000,000 cells an input sheet may have")
    assert not (inputs.parent / "out").exists()


def test_trace_reads_a_built_workbook_within_the_same_bounds(tmp_path):
    book = tmp_path / "built.xlsx"
    workbook = xlsxwriter.Workbook(str(book))
    audit = workbook.add_worksheet("Audit")
    audit.write_row(0, 0, ["Cell", "Measure id"])
    audit.write(1048575, 16383, "far")
    workbook.close()
    refused(scorecard("trace", book, "A1"), "sheet 'Audit': its cells span 1,048,576 rows x 16,384 columns (out to XFD1048576)")


def _zip_with_sheet(path: Path, sheet_xml: bytes) -> Path:
    """A minimal workbook whose one sheet is ``sheet_xml`` (to build shapes no spreadsheet program writes)."""
    source = tmp = path.with_suffix(".base.xlsx")
    workbook = xlsxwriter.Workbook(str(tmp))
    workbook.add_worksheet("Data").write(0, 0, "x")
    workbook.close()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            zout.writestr(name, sheet_xml if name == "xl/worksheets/sheet1.xml" else zin.read(name))
    return path


def test_a_zip_bomb_input_is_refused_by_its_compression_ratio(inputs):
    from workbook_builder.sources.tables import read_grid
    from workbook_builder.errors import UserError

    padding = b" " * (60 * 1024 * 1024)  # 60 MB of nothing that compresses to almost nothing
    xml = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
           + padding + b"</sheetData></worksheet>")
    bomb = _zip_with_sheet(inputs / "bomb.xlsx", xml)
    assert bomb.stat().st_size < 200_000
    with pytest.raises(UserError, match=r"bomb.xlsx: part xl/worksheets/sheet1.xml has a suspicious compression ratio \(possible zip bomb\)"):
        read_grid(bomb, "Data")


def test_cells_without_references_count_too(inputs):
    """A generated sheet that leaves out the cells' `r=` attributes cannot hide its width."""
    from workbook_builder.errors import UserError
    from workbook_builder.sources.tables import read_grid

    rows = b"<row>" + b"<c><v>1</v></c>" * 5000 + b"</row>" + b"<row/>" * 1000  # one wide row, then 1,000 empty ones
    xml = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + rows + b"</sheetData></worksheet>"
    wide = _zip_with_sheet(inputs / "wide.xlsx", xml)
    with pytest.raises(UserError, match=r"its cells span 1,001 rows x 5,000 columns \(out to GJH1001\)"):
        read_grid(wide, "Data")


@pytest.mark.parametrize("name, content, message", [
    ("old.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 600, "only Excel workbooks (.xlsx, .xlsm) and CSV files are read, not .xls"),
    ("fake.xlsx", b"not a zip at all", "is not an Excel .xlsx/.xlsm file (it is not a zip package)"),
    ("locked.xlsx", b"\xd0\xcf\x11\xe0" + b"\0" * 600, "is password-protected (encrypted) or an old-style .xls file"),
])
def test_files_that_are_not_workbooks_are_refused_by_what_they_are(tmp_path, name, content, message):
    from workbook_builder.errors import UserError
    from workbook_builder.sources.tables import read_grid

    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UserError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        read_grid(path)


# --- 2. a run replaces every output or none -------------------------------------------------------------

def test_a_failed_multi_workbook_build_leaves_the_outputs_folder_as_it_was(tmp_path):
    out = tmp_path / "out"
    assert scorecard("build", "--out", out, "--built-at", FIXED_BUILT_AT).returncode == 0
    (out / "~$SEND data dashboard.xlsx").write_bytes(b"")  # the third workbook is open in Excel
    before = snapshot(out)
    result = scorecard("build", "--out", out, "--built-at", "a later build")
    refused(result, "SEND data dashboard.xlsx is open in Excel (lock file ~$SEND data dashboard.xlsx exists).")
    assert snapshot(out) == before  # the first two, written before the third failed, were not moved into place


def test_a_failed_batch_leaves_no_pack_replaced(tmp_path, shared_data):
    out = tmp_path / "packs"
    out.mkdir()
    name = "Appendix 2 - Children's Services Performance Scorecard Workbook - DfE published - Herefordshire, County of.xlsx"
    (out / f"~${name}").write_bytes(b"")
    result = scorecard("build", "--workbook", "appendix_2", "--published-only", "--published", shared_data / "dfe",
                       "--la", "E09000002", "--la", "893", "--la", "E06000019", "--out", out)
    refused(result, "is open in Excel (lock file ~$")
    assert sorted(p.name for p in out.iterdir()) == [f"~${name}"]  # not two packs of three, and no temporary file


def test_sigterm_during_a_batch_leaves_no_temporary_file(tmp_path, shared_data):
    out = tmp_path / "packs"
    out.mkdir()
    process = subprocess.Popen([sys.executable, "-m", "workbook_builder", "build", "--workbook", "appendix_2", "--published-only",
                                "--published", str(shared_data / "dfe"), "--la", "all", "--out", str(out)],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not any(p.name.startswith(".~scorecard-") for p in out.iterdir()):
        time.sleep(0.05)  # until packs are being written
    process.send_signal(signal.SIGTERM)
    _stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130 and "Traceback" not in stderr and "Interrupted: nothing was written" in stderr
    assert list(out.iterdir()) == []


# --- 5. a run never writes over its own inputs ---------------------------------------------------------------

def test_a_build_into_its_inputs_folder_cannot_overwrite_an_input(inputs):
    chat = next((inputs / "chat").glob("*.xlsx"))
    before = chat.read_bytes()
    mapping_root = inputs.parent / "project"
    shutil.copytree(ROOT / "mappings", mapping_root / "mappings")
    shutil.copytree(ROOT / "templates", mapping_root / "templates")
    shutil.copy(ROOT / "scorecard.yaml", mapping_root / "scorecard.yaml")
    path = mapping_root / "mappings" / "appendix_x.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        'output: "Appendix X - Children\'s Transformation Outcomes Scorecard.xlsx"', f'output: "{chat.name}"'), encoding="utf-8")
    result = scorecard("build", "--workbook", "appendix_x", "--inputs", inputs, "--out", chat.parent, cwd=mapping_root)
    refused(result, f"Refusing to write {chat}: it is an input file")
    assert chat.read_bytes() == before


@pytest.mark.parametrize("output", ["../../x.xlsx", "/tmp/x.xlsx", "sub/x.xlsx", "report.csv"])
def test_a_mappings_output_is_a_plain_workbook_name(tmp_path, output):
    from workbook_builder.errors import UserError
    from workbook_builder.measures.mapping import load_mapping

    path = tmp_path / "appendix_x.yaml"
    text = (ROOT / "mappings" / "appendix_x.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace('output: "Appendix X - Children\'s Transformation Outcomes Scorecard.xlsx"', f'output: "{output}"'), encoding="utf-8")
    with pytest.raises(UserError, match=r"appendix_x.yaml:\d+: output: Value error, (give a file name only|the output's name must end in)"):
        load_mapping(path)


# --- 6. encodings ------------------------------------------------------------------------------------------

def test_a_utf16_dfe_file_with_its_byte_order_mark_is_read(inputs):
    path = inputs / "dfe" / "cin_referrals_and_plans.csv"
    path.write_bytes(path.read_text(encoding="utf-8-sig").encode("utf-16"))
    result = scorecard("validate", "--workbook", "appendix_x", "--inputs", inputs)
    assert result.returncode == 0, result.stderr


def test_a_cp1252_file_is_refused_naming_it_and_the_encoding(inputs, tmp_path):
    local = tmp_path / "local.csv"
    local.write_bytes("measure_id,period,value\ncla_rate_per_10k,2025,119 \u2013 or so\n".encode("cp1252"))
    result = scorecard("reconcile", "--period", "2025", "--local", local)
    refused(result, f"{local}: not UTF-8 text (byte 50: 0x96); scorecard reads CSV files saved as UTF-8")
    dfe = inputs / "dfe" / "cin_referrals_and_plans.csv"
    dfe.write_bytes(dfe.read_text(encoding="utf-8-sig").replace("Shropshire", "Shr\u00f6pshire").encode("cp1252"))
    refused(scorecard("validate", "--workbook", "appendix_x", "--inputs", inputs), f"{dfe}: not UTF-8 text")
