"""Hostile and malformed inputs (issue 14): each class refused with its exact message, exit status 2,
no traceback, nothing half-written, bounded in time and memory."""

from __future__ import annotations

import re
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

from .conftest import FIXED_BUILT_AT, ROOT, published_options
from .helpers import sha256
from .test_mapping_and_cli import run as scorecard  # a command run as a user runs it, timed out instead of hanging CI

SAMPLE = ROOT / "inputs" / "sample"


def refused(result, message: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr and message in result.stderr, result.stderr[-2000:]


def snapshot(folder: Path) -> dict[str, str]:
    """Every file of a folder and its digest: what 'left as it was' is checked against."""
    return {p.name: sha256(p) for p in sorted(Path(folder).iterdir())}


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


def _zip_with_sheet(path: Path, sheet_xml: bytes, parts: dict[str, bytes] | None = None, rename: dict[str, str] | None = None) -> Path:
    """A minimal workbook whose one sheet is ``sheet_xml`` (to build shapes no spreadsheet program writes),
    with other ``parts`` replaced and parts renamed as ``rename`` says."""
    source = tmp = path.with_suffix(".base.xlsx")
    workbook = xlsxwriter.Workbook(str(tmp))
    workbook.add_worksheet("Data").write(0, 0, "x")
    workbook.close()
    replaced = {"xl/worksheets/sheet1.xml": sheet_xml, **(parts or {})}
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            zout.writestr((rename or {}).get(name, name), replaced.get(name, zin.read(name)))
    return path


SHEET_OPEN = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'


@pytest.mark.parametrize("far_cell", [
    b"<row r='1048576'><c r='XFD1048576'><v>1</v></c></row>",  # single quotes
    b'<row r="1048576"><c\tr="XFD1048576"><v>1</v></c></row>',  # a tab before the attribute
    b'<row r="1048576"><c r = "XFD1048576"><v>1</v></c></row>',  # spaces around =
    b'<row r="1048576"><c r="xfd1048576"><v>1</v></c></row>',  # lower case, which calamine reads
    b'<row r="1048576"><c r="A1048576" r="XFD1048576"><v>1</v></c></row>',  # two references: calamine takes the last
    b'<row r="1048576"><c s="0" r="XFD1048576"><v>1</v></c></row>',  # the reference after another attribute
    b'<row r="1048576"><c t="n" cm=">" r="XFD1048576"><v>1</v></c></row>',  # a '>' inside a quoted value
])
def test_a_far_cell_written_in_any_way_calamine_reads_is_measured(inputs, far_cell):
    from workbook_builder.errors import UserError
    from workbook_builder.sources.tables import read_grid

    odd = _zip_with_sheet(inputs / "odd.xlsx", SHEET_OPEN + far_cell + b"</sheetData></worksheet>")
    with pytest.raises(UserError, match=r"odd.xlsx sheet 'Data': its cells span 1,048,576 rows x 16,384 columns \(out to XFD1048576\)"):
        read_grid(odd, "Data")


def test_a_sheet_stored_under_a_name_in_another_case_is_still_measured(inputs):
    from workbook_builder.errors import UserError
    from workbook_builder.sources.tables import read_grid

    far = SHEET_OPEN + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'
    moved = _zip_with_sheet(inputs / "moved.xlsx", far, rename={"xl/worksheets/sheet1.xml": "XL/Worksheets/Sheet1.xml"})
    with pytest.raises(UserError, match=r"moved.xlsx sheet 'Data': its cells span 1,048,576 rows x 16,384 columns"):
        read_grid(moved, "Data")


def test_one_long_shared_string_in_many_cells_is_refused_before_it_is_copied_into_each(inputs):
    """400,000 cells of one 10 KB string: a 0.8 MB file that was 7.9 GB once read."""
    from workbook_builder.errors import UserError
    from workbook_builder.sources.tables import read_grid

    row = b"".join(b'<c r="%s%%d" t="s"><v>0</v></c>' % chr(65 + c).encode() for c in range(20))
    cells = b"".join(b'<row r="%d">' % r + row.replace(b"%d", str(r).encode()) + b"</row>" for r in range(1, 20_001))
    sst = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'
           + b"abcdefghij" * 1000 + b"</t></si></sst>")
    bomb = _zip_with_sheet(inputs / "strings.xlsx", b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                           b"<sheetData>" + cells + b"</sheetData></worksheet>", parts={"xl/sharedStrings.xml": sst})
    assert bomb.stat().st_size < 1_000_000
    with pytest.raises(UserError, match=r"strings.xlsx sheet 'Data': its cells would hold at least [\d,]+ MB of text \(shared strings "
                                        r"repeated cell by cell\), more than the 100 MB an input sheet may hold"):
        read_grid(bomb, "Data")


def test_a_zip_bomb_input_is_refused_by_its_compression_ratio(inputs):
    from workbook_builder.errors import UserError
    from workbook_builder.sources.tables import read_grid

    padding = b" " * (60 * 1024 * 1024)  # 60 MB of nothing that compresses to almost nothing
    xml = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
           + padding + b"</sheetData></worksheet>")
    bomb = _zip_with_sheet(inputs / "bomb.xlsx", xml)
    assert bomb.stat().st_size < 200_000
    with pytest.raises(UserError, match=r"bomb.xlsx: part xl/worksheets/sheet1.xml has a suspicious compression ratio \(possible zip bomb\)"):
        read_grid(bomb, "Data")


def _many_members(path: Path, count: int, name_length: int = 8) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for n in range(count):
            zf.writestr(f"x/{n:0{name_length}d}", b"")
    return path


def test_a_zip_of_too_many_parts_is_refused_before_its_directory_is_parsed(inputs):
    """zipfile parses a zip's whole directory on opening (a million empty parts: 11 s, 880 MB), so the
    count in the end record is checked first, for inputs and templates alike."""
    from workbook_builder.errors import UserError
    from workbook_builder.sources.tables import read_grid
    from workbook_builder.writers.ooxml.package import WorkbookPackage

    many = _many_members(inputs / "many.xlsx", 10_001)
    with pytest.raises(UserError, match=r"many.xlsx lists 10,001 parts in its zip directory; refusing to open a package of more than 10,000"):
        read_grid(many, "Data")
    with pytest.raises(UserError, match=r"many.xlsx lists 10,001 parts in its zip directory"):
        WorkbookPackage.from_bytes(many.read_bytes(), label=str(many))


def test_a_zip_directory_too_big_to_parse_is_refused_whatever_its_end_record_counts(inputs):
    from workbook_builder.errors import UserError
    from workbook_builder.sources.tables import read_grid

    long_names = _many_members(inputs / "long.xlsx", 80, name_length=60_000)  # 80 names of 60 KB: a 4.6 MB directory
    with pytest.raises(UserError, match=r"long.xlsx has a zip directory of 4.6 MB; refusing to open one over 4 MB"):
        read_grid(long_names, "Data")
    lying = _many_members(inputs / "lying.xlsx", 10_001)
    data = bytearray(lying.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    data[end + 8:end + 12] = (5).to_bytes(2, "little") * 2  # the end record claims 5 entries
    lying.write_bytes(bytes(data))
    with pytest.raises(UserError, match=r"lying.xlsx lists 10,001 parts in its zip directory"):
        read_grid(lying, "Data")


def test_a_zip_whose_offsets_point_before_its_start_is_damaged(tmp_path):
    """Found by the deep Hypothesis run: zipfile seeks to a negative offset and raises OSError (errno 22)."""
    from workbook_builder.errors import UserError
    from workbook_builder.sources.tables import sheet_names

    path = tmp_path / "shifted.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Data").write(0, 0, "x")
    book.close()
    data = bytearray(path.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    data[end + 16:end + 20] = (int.from_bytes(data[end + 16:end + 20], "little") + 5000).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(UserError, match=r"shifted.xlsx is damaged: its list of sheets cannot be decompressed \(\[Errno 22\] Invalid argument\)"):
        sheet_names(path)


def test_cells_without_references_count_too(inputs):
    """A generated sheet that leaves out the cells' `r=` attributes cannot hide its width."""
    from workbook_builder.errors import UserError
    from workbook_builder.sources.tables import read_grid

    rows = b"<row>" + b"<c><v>1</v></c>" * 5000 + b"</row>" + b"<row><c><v>2</v></c></row>" * 1000  # one wide row, then 1,000 narrow
    xml = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + rows + b"</sheetData></worksheet>"
    wide = _zip_with_sheet(inputs / "wide.xlsx", xml)
    with pytest.raises(UserError, match=r"its cells span 1,001 rows x 5,000 columns \(out to GJH1001\)"):
        read_grid(wide, "Data")


def test_cells_with_a_namespace_prefix_are_measured_too(inputs):
    """A sheet written with a prefix on every element (``<x:c r=...>``) is counted tag by tag, not missed."""
    from workbook_builder.errors import UserError
    from workbook_builder.sources.tables import read_grid

    ns = b'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    xml = (b"<x:worksheet " + ns + b'><x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>'
           b'<x:row r="1048576"><x:c r="XFD1048576"><x:v>2</x:v></x:c></x:row></x:sheetData></x:worksheet>')
    prefixed = _zip_with_sheet(inputs / "prefixed.xlsx", xml)
    with pytest.raises(UserError, match=r"its cells span 1,048,576 rows x 16,384 columns \(out to XFD1048576\)"):
        read_grid(prefixed, "Data")


def test_a_csv_of_more_values_than_a_sheet_may_have_is_refused_unparsed(inputs):
    """5 MB of empty values would be 5 million objects once parsed: refused from a count of its commas."""
    local = inputs / "local" / "local_outcome_measures.csv"
    local.write_text("measure,period,value\n" + "a,b,\n" * 1_700_000, encoding="utf-8")
    refused(scorecard("validate", "--inputs", inputs),
            f"{local} holds about 5,100,003 values (counting its commas and lines), more than the 5,000,000 a CSV input may have")


def test_one_workbook_may_have_ten_million_cells_read_across_its_sheets():
    from workbook_builder.errors import UserError
    from workbook_builder.limits import WorkbookBudget

    budget = WorkbookBudget()
    budget.spend("x.xlsx", "S1", 4_975_000, 0)
    budget.spend("x.xlsx", "S2", 4_975_000, 10)
    budget.spend("x.xlsx", "S2", 4_975_000, 10)  # a sheet read again (its cached grid evicted) is not charged twice
    assert (budget.cells, budget.text, budget.sheets) == (9_950_000, 10, ["S1", "S2"])
    with pytest.raises(UserError, match=r"x.xlsx: reading sheet 'S3' \(4,975,000 cells\) after 'S1', 'S2' \(9,950,000 cells\) would take "
                                        r"more than the 10,000,000 cells \(and 100 MB of text\) one input workbook may have read"):
        budget.spend("x.xlsx", "S3", 4_975_000, 0)


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


def test_a_move_that_fails_half_way_puts_back_the_outputs_already_moved(tmp_path, monkeypatch):
    """Outputs.commit: of two files, the second cannot be moved in; the first is put back, nothing is left behind."""
    from workbook_builder import files
    from workbook_builder.errors import UserError

    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    first.write_bytes(b"old a")
    second.write_bytes(b"old b")
    real, moves = files.os.replace, []

    def replace(source, target):
        moves.append((Path(source).suffix, Path(target).name))
        if Path(target) == second and Path(source).suffix == ".tmp":
            raise PermissionError(13, "Permission denied")
        real(source, target)

    monkeypatch.setattr(files.os, "replace", replace)
    with pytest.raises(UserError, match=r"cannot move the new files into place \(Permission denied\); every output was left as it was"):
        with files.Outputs() as outputs:
            outputs.stage(first, b"new a")
            outputs.stage(second, b"new b")
    assert (first.read_bytes(), second.read_bytes()) == (b"old a", b"old b")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx", "b.xlsx"]
    # the old files were kept by a second name, not moved away; only the one already replaced was put back
    assert moves == [(".tmp", "a.xlsx"), (".tmp", "b.xlsx"), (".old", "a.xlsx")]
    moves.clear()
    files.write_atomic(first, b"newer a")  # one output: one atomic replace, nothing set aside
    assert moves == [(".tmp", "a.xlsx")] and first.read_bytes() == b"newer a"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx", "b.xlsx"]


def test_a_failed_batch_leaves_no_pack_replaced(tmp_path, shared_data):
    out = tmp_path / "packs"
    out.mkdir()
    name = "Appendix 2 - Children's Services Performance Scorecard Workbook - DfE published - Herefordshire, County of.xlsx"
    (out / f"~${name}").write_bytes(b"")
    result = scorecard("build", "--workbook", "appendix_2", "--published-only", *published_options(shared_data),
                       "--la", "E09000002", "--la", "893", "--la", "E06000019", "--out", out)
    refused(result, "is open in Excel (lock file ~$")
    assert sorted(p.name for p in out.iterdir()) == [f"~${name}"]  # not two packs of three, and no temporary file


def test_sigterm_during_a_batch_leaves_no_temporary_file(tmp_path, shared_data):
    out = tmp_path / "packs"
    out.mkdir()
    process = subprocess.Popen([sys.executable, "-m", "workbook_builder", "build", "--workbook", "appendix_2", "--published-only",
                                *published_options(shared_data), "--la", "all", "--out", str(out)],
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
    mapping_root = _project_with(inputs.parent, {})
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
    why = ("the output's name must end in .xlsx or .xlsm, as its template does" if output.endswith(".csv")
           else "give a file name only (no folder): the workbook is written into the outputs folder")
    with pytest.raises(UserError, match=rf"appendix_x.yaml:\d+: output: Value error, {re.escape(why)}"):
        load_mapping(path)


# --- 6. encodings ------------------------------------------------------------------------------------------

def test_a_utf16_dfe_file_with_its_byte_order_mark_is_read(inputs):
    from workbook_builder.sources.dfe import DfeTable

    path = inputs / "dfe" / "c1_children_in_need_referrals_and_rereferrals_2024_to_2025.csv"
    path.write_bytes(path.read_text(encoding="utf-8-sig").encode("utf-16"))
    result = scorecard("validate", "--workbook", "appendix_x", "--inputs", inputs)
    assert result.returncode == 0, result.stderr
    assert DfeTable.read(path).frame.equals(DfeTable.read(SAMPLE / "dfe" / "c1_children_in_need_referrals_and_rereferrals_2024_to_2025.csv").frame)  # the same table


def test_a_utf16_file_cut_short_is_named_as_utf16_not_as_another_encoding(inputs):
    path = inputs / "dfe" / "c1_children_in_need_referrals_and_rereferrals_2024_to_2025.csv"
    path.write_bytes(path.read_text(encoding="utf-8-sig").encode("utf-16")[:-1])  # half a character at the end
    refused(scorecard("validate", "--workbook", "appendix_x", "--inputs", inputs),
            f"{path}: its byte-order mark says UTF-16, but the text stops being UTF-16 at byte")
    local = inputs / "local" / "local_outcome_measures.csv"
    local.write_bytes(local.read_text(encoding="utf-8").encode("utf-16")[:-1])
    refused(scorecard("validate", "--workbook", "appendix_x", "--inputs", inputs), f"{local}: its byte-order mark says UTF-16")


def test_a_cp1252_file_is_refused_naming_it_and_the_encoding(inputs, tmp_path):
    local = tmp_path / "local.csv"
    local.write_bytes("measure_id,period,value\ncla_rate_per_10k,2025,119 \u2013 or so\n".encode("cp1252"))
    result = scorecard("reconcile", "--period", "2025", "--local", local)
    refused(result, f"{local}: not UTF-8 text (byte 50: 0x96); scorecard reads CSV files saved as UTF-8")
    dfe = inputs / "dfe" / "c1_children_in_need_referrals_and_rereferrals_2024_to_2025.csv"
    dfe.write_bytes(dfe.read_text(encoding="utf-8-sig").replace("Shropshire", "Shr\u00f6pshire").encode("cp1252"))
    refused(scorecard("validate", "--workbook", "appendix_x", "--inputs", inputs), f"{dfe}: not UTF-8 text")


# --- 3. values that are not numbers ------------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["NaN", "inf", "1e400", "-Infinity"])
def test_a_non_finite_value_in_a_dfe_file_is_refused_naming_file_line_and_column(inputs, bad):
    path = inputs / "dfe" / "c1_children_in_need_referrals_and_rereferrals_2024_to_2025.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    number = next(i for i, line in enumerate(lines) if ",E06000051," in line) + 1
    lines[number - 1] = lines[number - 1].rsplit(",", 1)[0] + f",{bad}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for command in (["validate"], ["build", "--out", inputs.parent / "out"]):
        refused(scorecard(*command, "--workbook", "appendix_x", "--inputs", inputs),
                f"{path}:{number}: column rereferral_child_percent: '{bad}' is not a finite number")
    assert not (inputs.parent / "out").exists()


def test_a_non_finite_value_in_a_local_table_names_its_cell(inputs):
    path = inputs / "local" / "local_outcome_measures.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith("you_said_we_did_count,2026-27 Q1,")) + 1
    lines[number - 1] = "you_said_we_did_count,2026-27 Q1,nan,synthetic,"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    refused(scorecard("validate", "--workbook", "appendix_x", "--inputs", inputs),
            f"{path}: row {number}, column 3 (measure=you_said_we_did_count; period=2026-27 Q1): 'nan' is not a finite number")


def test_a_non_finite_number_in_a_mapping_is_refused_at_its_line(tmp_path):
    from workbook_builder.errors import UserError
    from workbook_builder.measures.mapping import load_mapping

    text = (ROOT / "mappings" / "appendix_x.yaml").read_text(encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.strip().startswith("target: 77"))
    path = tmp_path / "appendix_x.yaml"
    path.write_text(text.replace("target: 77", "target: .nan", 1), encoding="utf-8")
    with pytest.raises(UserError, match=rf"appendix_x.yaml:{line}: sections\.\d+\.measures\.\d+\.target: Input should be a finite number"):
        load_mapping(path)


# --- 4. reconcile's outputs ------------------------------------------------------------------------------------

def test_reconcile_never_writes_over_its_inputs_and_checks_its_options(tmp_path):
    local = tmp_path / "local.csv"
    shutil.copy(SAMPLE / "local" / "dfe_returns.csv", local)
    before = local.read_bytes()
    base = ["reconcile", "--period", "2025", "--local", local]
    refused(scorecard(*base, "--json", local), f"Refusing to write {local}: it is an input file")
    refused(scorecard(*base, "--xlsx", local), f"Refusing to write {local}: it is an input file")
    published = SAMPLE / "dfe" / "cla_number_and_rate_per_10k_children.csv"
    refused(scorecard(*base, "--json", published), f"Refusing to write {published}: it is an input file")
    assert local.read_bytes() == before
    refused(scorecard(*base, "--json", tmp_path / "no-such-folder" / "r.json"),
            f"cannot write {tmp_path / 'no-such-folder' / 'r.json'}: folder {tmp_path / 'no-such-folder'} does not exist")
    refused(scorecard(*base, "--tolerance", "-1"), "--tolerance -1: the tolerance must be a finite number, 0 or more")
    refused(scorecard(*base, "--tolerance", "nan"), "--tolerance nan: the tolerance must be a finite number, 0 or more")
    refused(scorecard("reconcile", "--period", "2052", "--local", local, "--fail-on-mismatch"),
            f"--period 2052: no published file in {SAMPLE / 'dfe'} holds that time_period")


def test_text_in_a_report_is_text_never_a_formula(tmp_path):
    import openpyxl as xl

    local = tmp_path / "local.csv"
    shutil.copy(SAMPLE / "local" / "dfe_returns.csv", local)
    project = tmp_path / "project"
    for folder in ("mappings", "templates"):
        shutil.copytree(ROOT / folder, project / folder)
    shutil.copy(ROOT / "scorecard.yaml", project / "scorecard.yaml")
    published = project / "mappings" / "published.yaml"
    published.write_text(published.read_text(encoding="utf-8").replace(
        "label: Children looked after at 31 March, rate per 10,000 children", 'label: "=HYPERLINK(\\"http://example.com\\")"', 1),
        encoding="utf-8")
    out = tmp_path / "report.xlsx"
    result = scorecard("reconcile", "--period", "2025", "--local", local, "--published", SAMPLE / "dfe", "--xlsx", out, cwd=project)
    assert result.returncode == 0, result.stderr
    cell = next(c for row in xl.load_workbook(out)["Reconciliation"].iter_rows() for c in row if c.value and str(c.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s"  # stored as a string: Excel shows the text and runs nothing


def _temporary_files(folder: Path) -> list[str]:
    return sorted(p.name for p in Path(folder).iterdir() if p.name.startswith(".~scorecard-"))


ANNEX_A = SAMPLE / "annex_a" / "AnnexA_Shropshire_2026-06-18.xlsx"


@pytest.mark.parametrize("command, second", [
    (["reconcile", "--period", "2025", "--local", SAMPLE / "local" / "dfe_returns.csv"], "--xlsx"),
    (["annex-a", ANNEX_A, "--as-at", "2026-06-18"], "--drilldown"),
    (["release", "diff", SAMPLE / "dfe", SAMPLE / "dfe"], "--xlsx"),
])
def test_a_reports_json_and_workbook_are_replaced_together_or_not_at_all(tmp_path, command, second):
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.json").write_text("the old JSON\n", encoding="utf-8")
    (out / "~$report.xlsx").write_bytes(b"")  # the workbook is open in Excel
    before = snapshot(out)
    refused(scorecard(*command, "--json", out / "report.json", second, out / "report.xlsx"),
            f"{out / 'report.xlsx'} is open in Excel (lock file ~$report.xlsx exists).")
    assert snapshot(out) == before and not _temporary_files(out)  # the JSON was not written ahead of the workbook
    (out / "~$report.xlsx").unlink()
    # The JSON given the workbook's name (by another spelling): its suffix says it is not JSON, before anything is written
    refused(scorecard(*command, "--json", out / "same.xlsx", second, tmp_path / "out" / ".." / "out" / "same.xlsx"),
            f"--json {out / 'same.xlsx'}: the report is JSON, so its name must end .json")
    assert not (out / "same.xlsx").exists() and not _temporary_files(out)
    result = scorecard(*command, "--json", out / "report.json", second, out / "report.xlsx")
    assert result.returncode == 0, result.stderr
    assert (out / "report.json").read_text(encoding="utf-8").startswith("{") and zipfile.is_zipfile(out / "report.xlsx")
    assert not _temporary_files(out)


def test_two_outputs_of_one_run_that_are_the_same_file_are_refused_before_either_is_written(tmp_path):
    from workbook_builder.errors import UserError
    from workbook_builder.files import Outputs

    (tmp_path / "pack.xlsx").write_bytes(b"the old pack")
    (tmp_path / "sub").mkdir()
    with pytest.raises(UserError, match="two outputs of this run are the same file"):
        with Outputs() as outputs:
            outputs.stage(tmp_path / "pack.xlsx", b"first")
            outputs.stage(tmp_path / "sub" / ".." / "pack.xlsx", b"second")  # the same file by another spelling
    assert (tmp_path / "pack.xlsx").read_bytes() == b"the old pack" and not _temporary_files(tmp_path)


def test_annex_a_never_writes_over_its_population_file_and_its_drilldown_is_a_workbook(tmp_path):
    population = tmp_path / "cla_number_and_rate_per_10k_children.csv"
    shutil.copy(SAMPLE / "dfe" / population.name, population)
    before = population.read_bytes()
    base = ["annex-a", ANNEX_A, "--as-at", "2026-06-18", "--population", population]
    refused(scorecard(*base, "--drilldown", population), f"Refusing to write {population}: it is an input file")
    refused(scorecard(*base, "--json", population), f"Refusing to write {population}: it is an input file")
    refused(scorecard(*base, "--drilldown", tmp_path / "children.csv"),
            f"--drilldown {tmp_path / 'children.csv'}: the drill-down is an .xlsx workbook")
    assert population.read_bytes() == before and not (tmp_path / "children.csv").exists()


def test_the_population_is_from_the_latest_period_by_date_not_by_text(tmp_path):
    from workbook_builder.errors import UserError
    from workbook_builder.sources.annex_a_measures import population_from

    header = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,"
              "la_name,new_la_code,population_count,population_estimate,number,rate_per_10000")
    row = "{period},{identifier},Local authority,E92000001,England,E12000005,West Midlands,999,Anyshire,E06000999,CLA,{people},400,100"
    path = tmp_path / "population.csv"
    path.write_text("\n".join([header, row.format(period="2026", identifier="Reporting year", people=41000),
                               row.format(period="202425", identifier="Financial year", people=39000)]) + "\n", encoding="utf-8")
    population = population_from(str(path), {"E06000999"})  # 202425 is longer, so text order took it as the later
    assert (population.children, population.source, population.path) == (
        41000, "DfE's population_estimate, population.csv, 2026", path)
    path.write_text("\n".join([header, row.format(period="2026", identifier="Reporting year", people=41000),
                               row.format(period="2026/27", identifier="Reporting year", people=39000)]) + "\n", encoding="utf-8")
    with pytest.raises(UserError, match=re.escape(f"{path}:3: time_period '2026/27' cannot be put in time order")):
        population_from(str(path), {"E06000999"})


# --- 7. mapping YAML ---------------------------------------------------------------------------------------

def _project_with(tmp_path, files: dict[str, str]) -> Path:
    project = tmp_path / "project"
    shutil.copytree(ROOT / "mappings", project / "mappings")
    shutil.copytree(ROOT / "templates", project / "templates")
    shutil.copy(ROOT / "scorecard.yaml", project / "scorecard.yaml")
    for name, text in files.items():
        (project / "mappings" / name).write_text(text, encoding="utf-8")
    return project


def test_nested_aliases_are_refused_before_they_are_expanded(tmp_path):
    bomb = "\n".join(['a: &a ["x","x","x","x","x","x","x","x","x"]'] +
                     [f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)])
    project = _project_with(tmp_path, {"appendix_x.yaml": "workbook: appendix_x\n" + bomb + "\n"})
    result = scorecard("validate", "--workbook", "appendix_x", cwd=project)  # (unbounded, this ran 81 s to a MemoryError)
    refused(result, "appendix_x.yaml: line 7: its aliases (*name) expand to 597,871 values (the whole file to 490,329,066), "
                    "more than the 500,000 a settings file may hold")  # line 7, f: nine of e's 66,430, where the limit is passed


def test_a_mapping_over_its_size_limit_is_refused_unread(tmp_path):
    project = _project_with(tmp_path, {"appendix_x.yaml": "workbook: appendix_x\n" + "# padding\n" * 600_000})
    result = scorecard("validate", "--workbook", "appendix_x", cwd=project)
    refused(result, f"{project / 'mappings' / 'appendix_x.yaml'} is 5,859 KB; refusing to read a mapping file over 5 MB")


@pytest.mark.parametrize("text, message", [
    ("workbook: appendix_x\n? [a, b]\n: value\n", "line 2: a key must be plain text, not a list or a mapping"),
    ("workbook: appendix_x\nsections: &s [*s]\n", "an alias refers to the value it is part of (a loop)"),
    ("workbook: appendix_x\nx: " + "[" * 5000 + "]" * 5000 + "\n", "nest"),  # libyaml: 'exceeded maximum nesting depth'
])
def test_yaml_a_mapping_cannot_hold(tmp_path, text, message):
    project = _project_with(tmp_path, {"appendix_x.yaml": text})
    result = scorecard("validate", "--workbook", "appendix_x", cwd=project)
    refused(result, "appendix_x.yaml")
    assert message in result.stderr


@pytest.mark.parametrize("files, message", [
    ({"empty.yaml": ""}, "empty.yaml: not a workbook mapping (it has no top-level `workbook:` line) — the file is empty"),
    ({"list.yaml": "- workbook: appendix_x\n"}, "list.yaml: not a workbook mapping"),
    ({"copy.yaml": (ROOT / "mappings" / "appendix_x.yaml").read_text(encoding="utf-8")}, "copy.yaml both map workbook 'appendix_x'"),
])
def test_every_yaml_in_mappings_is_one_workbooks_mapping(tmp_path, files, message):
    project = _project_with(tmp_path, files)
    refused(scorecard("build", "--out", tmp_path / "out", cwd=project), message)
    assert not (tmp_path / "out").exists()


def test_a_mapping_in_another_encoding_names_the_file(tmp_path):
    project = _project_with(tmp_path, {})
    path = project / "mappings" / "appendix_x.yaml"
    path.write_bytes(path.read_text(encoding="utf-8").replace("’", "'").replace("“", '"').replace("”", '"').replace("—", "-")
                     .replace("–", "-").replace("↓", "v").replace("↑", "^").encode("utf-8").replace(b"Scorecard", "Scorecard\u00e9".encode("cp1252"), 1))
    refused(scorecard("validate", cwd=project), f"{path}: not UTF-8 text (byte")


# --- 8. periods that cannot be ordered --------------------------------------------------------------------------

def test_a_local_period_label_that_cannot_be_ordered_names_its_cell(inputs):
    path = inputs / "local" / "local_outcome_measures.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith("you_said_we_did_count,2026-27 Q1,")) + 1
    lines[number - 1] = lines[number - 1].replace("2026-27 Q1", "Q1 2026/27")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    refused(scorecard("validate", "--workbook", "appendix_x", "--inputs", inputs),
            f"{path}: row {number}, column 2: period 'Q1 2026/27' cannot be put in time order")


@pytest.mark.parametrize("line, period", [
    (4, "31/03/2025"),  # dd/mm/yyyy, which text order would put after 2025
    (6, "202\x00"),  # found by the deep Hypothesis run: numpy's == ignores a trailing NUL, so the line was looked up in vain
])
def test_a_dfe_time_period_that_cannot_be_ordered_names_its_line(inputs, line, period):
    from workbook_builder.errors import UserError
    from workbook_builder.sources.dfe import DfeTable

    path = inputs / "dfe" / "c1_children_in_need_referrals_and_rereferrals_2024_to_2025.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines[line - 1] = period + lines[line - 1][4:]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = f"{path}:{line}: time_period '{period}' cannot be put in time order"
    with pytest.raises(UserError, match=re.escape(message)):
        DfeTable.read(path)
    refused(scorecard("validate", "--workbook", "appendix_x", "--inputs", inputs), message)


# --- 9 and 10. fill, trace, the add-in, percentages ----------------------------------------------------------------

def _one_sheet_template(folder: Path) -> Path:
    """A template of one sheet, Sheet1, with 'x' in A1."""
    template = folder / "t.xlsx"
    book = xlsxwriter.Workbook(str(template))
    book.add_worksheet("Sheet1").write(0, 0, "x")
    book.close()
    return template


def test_fill_names_the_csv_line_of_a_cell_outside_the_grid(tmp_path):
    template = _one_sheet_template(tmp_path)
    for cell, message in (("XFE1", "Column 'XFE' is beyond Excel's last column XFD"), ("A1048577", "Row 1048577 in 'A1048577' is outside")):
        values = tmp_path / "values.csv"
        values.write_text(f"sheet,cell,value\nSheet1,A2,1\nSheet1,{cell},2\n", encoding="utf-8")
        refused(scorecard("fill", "--template", template, "--values", values, "--out", tmp_path / "out.xlsx"), f"{values}:3: {message}")
    assert not (tmp_path / "out.xlsx").exists()


def test_fill_refuses_more_values_than_it_may_hold(tmp_path):
    template = _one_sheet_template(tmp_path)
    values = tmp_path / "values.csv"
    values.write_text("sheet,cell,value\n" + "Sheet1,A2,1\n" * 100_001, encoding="utf-8")
    refused(scorecard("fill", "--template", template, "--values", values, "--out", tmp_path / "out.xlsx"),
            f"{values}: more than 100,000 values to fill")


def test_fill_reads_only_the_cells_it_fills_and_refuses_a_sheet_too_big_to_edit(tmp_path):
    """Editing parses a sheet into a tree of about 28 times its XML (183 MB of sheet took 4.8 GB), so a
    sheet part over 32 MB is refused before it is decompressed; under it, only the filled cells are read."""
    def template(path: Path, rows: int) -> Path:
        row = b"".join(b'<c r="%s%%d"><v>7</v></c>' % letter.encode() for letter in "ABCDEFGHIJKLMNOPQRST")
        body = b"".join(b'<row r="%d">' % r + row.replace(b"%d", str(r).encode()) + b"</row>" for r in range(1, rows + 1))
        return _zip_with_sheet(path, b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                                     + body + b"</sheetData></worksheet>")

    values = tmp_path / "values.csv"
    values.write_text("sheet,cell,value\nData,B2,5\nData,C3,6\n", encoding="utf-8")
    big = template(tmp_path / "big.xlsx", 66_000)  # 35 MB of sheet XML
    assert zipfile.ZipFile(big).getinfo("xl/worksheets/sheet1.xml").file_size > 32 * 1024 * 1024
    refused(scorecard("fill", "--template", big, "--values", values, "--out", tmp_path / "out.xlsx"),
            f"{big}: part xl/worksheets/sheet1.xml is 33 MB of XML, and editing it means holding it in memory at about 28 times that; "
            "refusing to edit a part over 32 MB.")
    assert not (tmp_path / "out.xlsx").exists()
    small = template(tmp_path / "small.xlsx", 2_000)
    result = scorecard("fill", "--template", small, "--values", values, "--out", tmp_path / "out.xlsx", "--audit")
    assert result.returncode == 0, result.stderr
    book = openpyxl.load_workbook(tmp_path / "out.xlsx")
    assert (book["Data"]["B2"].value, book["Data"]["C3"].value, book["Data"]["C2"].value, book["Data"]["T2000"].value) == (5, 6, 7, 7)
    audit = [[c.value for c in row[:4]] for row in book["Fill Audit"].iter_rows(min_row=2)]
    assert audit == [["'Data'!B2", "number", 5, 7], ["'Data'!C3", "number", 6, 7]]  # each value before, as it was


def test_the_sheets_one_fill_edits_share_one_bound(tmp_path):
    """Two sheets of 19 MB each are refused as one of 38 MB would be; a sheet nobody edits is copied across unparsed."""
    row = b"".join(b'<c r="%s#"><v>7</v></c>' % letter.encode() for letter in "ABCDEFGHIJKLMNOPQRST")
    body = b"".join(b'<row r="%d">' % r + row.replace(b"#", str(r).encode()) + b"</row>" for r in range(1, 37_000))
    sheet = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + body + b"</sheetData></worksheet>"
    base = tmp_path / "base.xlsx"
    book = xlsxwriter.Workbook(str(base))
    for name in ("Data", "More", "Small"):
        book.add_worksheet(name).write(0, 0, "x")
    book.close()
    template = tmp_path / "two.xlsx"
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(template, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            zout.writestr(name, sheet if name in ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml") else zin.read(name))
    values = tmp_path / "values.csv"
    values.write_text("sheet,cell,value\nData,B2,5\nMore,B2,6\n", encoding="utf-8")
    refused(scorecard("fill", "--template", template, "--values", values, "--out", tmp_path / "out.xlsx"),
            f"{template}: editing part xl/worksheets/sheet2.xml (18.9 MB of XML) after xl/worksheets/sheet1.xml and 4 smaller parts (18.9 MB) would hold "
            "more than 32 MB of the workbook's XML in memory (at about 28 times its size); refusing.")
    assert not (tmp_path / "out.xlsx").exists()
    values.write_text("sheet,cell,value\nData,B2,5\nSmall,B2,6\n", encoding="utf-8")
    assert scorecard("fill", "--template", template, "--values", values, "--out", tmp_path / "out.xlsx").returncode == 0
    with zipfile.ZipFile(template) as before, zipfile.ZipFile(tmp_path / "out.xlsx") as after:
        assert after.read("xl/worksheets/sheet2.xml") == before.read("xl/worksheets/sheet2.xml")  # copied as it was


def test_trace_refuses_a_file_that_is_not_a_workbook(tmp_path):
    audit = tmp_path / "Audit.csv"
    audit.write_text("Cell,Measure id\nA1,x\n", encoding="utf-8")
    refused(scorecard("trace", audit, "A1"), f"{audit}: not a workbook built by scorecard")


def test_addin_build_respects_a_lock_file(tmp_path):
    pytest.importorskip("xlwings")
    (tmp_path / "~$Scorecard.xlam").write_bytes(b"")
    refused(scorecard("addin", "build", "--out", tmp_path / "Scorecard.xlam"), "Scorecard.xlam is open in Excel (lock file ~$Scorecard.xlam exists)")
    assert not (tmp_path / "Scorecard.xlam").exists()


def test_a_negative_percentage_is_shown_as_given_and_warned_about(inputs, tmp_path):
    path = inputs / "dfe" / "la_conviction_health_outcome_cla.csv"
    text = path.read_text(encoding="utf-8-sig")
    rows = text.splitlines()
    from workbook_builder.measures.published import load_published

    measure = load_published(ROOT / "mappings" / "published.yaml")["cla_dental_check_pct"]
    header = [h.lower() for h in rows[0].split(",")]
    at, filter_at = header.index(measure.column), {header.index(k.lower()): v for k, v in measure.filters.items()}
    for i, row in enumerate(rows):
        cells = row.split(",")
        if cells[0] == "2025" and "E06000051" in cells and all(cells[k] == v for k, v in filter_at.items()):
            cells[at] = "-5"
            rows[i] = ",".join(cells)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    why = "a negative percentage (-5) in inputs/dfe/la_conviction_health_outcome_cla.csv: check the source"
    for args, cell, series in ((["--published-only", "--la", "893"], "D13", "la"), ([], "C13", "previous")):
        out = tmp_path / ("pack" if args else "full")
        result = scorecard("build", "--workbook", "appendix_2", "--inputs", inputs, "--out", out, *args)
        assert result.returncode == 0, result.stderr
        [built] = out.glob("*.xlsx")
        assert result.stderr.replace(str(inputs.parent) + "/", "").splitlines() == [
            f"warning: {built.name if args else 'appendix_2'}: cla_dental_pct ({series}): {why}"]
        book = openpyxl.load_workbook(built)
        assert book["Statutory indicators"][cell].value == -5  # shown as given, never made 0 or blank
        [audit] = [row for row in book["Audit"].iter_rows(values_only=True) if row[0] == f"'Statutory indicators'!{cell}"]
        assert any(isinstance(v, str) and v.endswith(why) for v in audit)


@pytest.mark.parametrize("text, hint", [
    ("a: 1\na: 2\n", "Each key may appear once in a mapping: remove or rename one of them."),
    ("? [a, b]\n: 1\n", "Write the key as plain text (in quotes if it holds a colon or brackets)."),
    ("a: &x [*x]\n", "Point the alias (*name) at another value, or write the value out."),
])
def test_each_yaml_refusal_keeps_its_own_hint(tmp_path, text, hint):
    """The hint said "Each key may appear once" whatever the refusal was."""
    from workbook_builder.errors import UserError
    from workbook_builder.yamlfile import load

    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as error:
        load(path, what="mapping file")
    assert error.value.hint == hint and str(error.value).startswith(f"{path}: line ")


# --- CSV rows held to their header (found by the adversarial review of this fixes) --------------------------

def _edit_lines(path: Path, edit) -> None:
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    edit(lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_survey_row_with_a_stray_comma_or_lost_fields_names_its_line(inputs):
    path = inputs / "survey" / "send_annual_review_responses.csv"
    original = path.read_text(encoding="utf-8")
    _edit_lines(path, lambda lines: lines.__setitem__(3, lines[3] + ",extra"))
    refused(scorecard("validate", "--inputs", inputs),
            f"{path}:4: more fields than the header has (extra left over)")
    path.write_text(original, encoding="utf-8")
    _edit_lines(path, lambda lines: lines.__setitem__(5, ",".join(lines[5].split(",")[:2])))
    refused(scorecard("validate", "--inputs", inputs),
            f"{path}:6: 2 field(s) where the header has 6 (missing respondent_type, outcome, question, score)")


def test_a_quote_never_closed_is_refused_at_the_line_it_opens(inputs, tmp_path):
    unclosed = '"119\n' + "x" * 140_000 + "\n"
    local = inputs / "local" / "local_outcome_measures.csv"
    _edit_lines(local, lambda lines: lines.__setitem__(2, lines[2].split(",")[0] + ',2026-27 Q1,' + unclosed))
    refused(scorecard("validate", "--workbook", "appendix_x", "--inputs", inputs),
            f"{local}:3: a quote opens a value on this line and does not close within 131,072 characters")
    figures = tmp_path / "figures.csv"
    figures.write_text("measure_id,period,value\ncla_rate_per_10k,2025," + unclosed, encoding="utf-8")
    refused(scorecard("reconcile", "--period", "2025", "--local", figures),
            f"{figures}:2: a quote opens a value on this line and does not close within 131,072 characters")


def test_reconcile_local_rows_are_held_to_their_header_and_may_give_numerator_and_denominator(tmp_path):
    import json

    figures = tmp_path / "figures.csv"
    figures.write_text("measure_id,period,value,value\ncla_missing_pct,2025,6,7\n", encoding="utf-8")
    refused(scorecard("reconcile", "--period", "2025", "--local", figures),
            f"{figures}:1: column 'value' is named twice (columns 3 and 4)")
    figures.write_text("measure_id,period,value\ncla_missing_pct,2025,6,5\n", encoding="utf-8")
    refused(scorecard("reconcile", "--period", "2025", "--local", figures), f"{figures}:2: more fields than the header has (5 left over)")
    figures.write_text("measure_id,period\ncla_missing_pct,2025\n", encoding="utf-8")
    refused(scorecard("reconcile", "--period", "2025", "--local", figures),
            f"{figures}: the local figures CSV needs a value column, or numerator and denominator columns")
    figures.write_text("measure_id,period,numerator,denominator\ncla_missing_pct,2025,6,100\n", encoding="utf-8")
    report = tmp_path / "r.json"
    result = scorecard("reconcile", "--period", "2025", "--local", figures, "--json", report)
    assert result.returncode == 0, result.stderr
    row = next(r for r in json.loads(report.read_text(encoding="utf-8"))["results"] if r["measure_id"] == "cla_missing_pct")
    assert (row["local"], row["published"], row["status"]) == (6, 6, "match")


def test_a_dfe_first_row_longer_than_its_header_is_named_as_such(inputs):
    path = inputs / "dfe" / "c1_children_in_need_referrals_and_rereferrals_2024_to_2025.csv"
    _edit_lines(path, lambda lines: lines.__setitem__(1, lines[1] + ",stray"))
    refused(scorecard("validate", "--workbook", "appendix_x", "--inputs", inputs), f"{path}:2: more fields than the header has")


@pytest.mark.parametrize("label, end", [
    ("2025-26", "2026-03-31"), ("202425", "2025-03-31"), ("2026-04", "2026-04-30"), ("2025-26 Q1", "2025-06-30"),
    ("2026-13", None), ("2026-00", None), ("9999-00", None), ("202426", None), ("2025-27 Q1", None), ("0001", None),
])
def test_period_labels_are_dates_excel_and_dfe_could_mean(label, end):
    from workbook_builder.periods import period_end

    assert (str(period_end(label)) if period_end(label) else None) == end


@pytest.mark.parametrize("period", ["2026-13", "9999-00"])
def test_a_period_option_that_is_not_a_period_is_refused_up_front(inputs, period):
    refused(scorecard("validate", "--inputs", inputs, "--period", period), f"--period '{period}' is not a period label")


def test_fill_refuses_dates_excel_cannot_show_and_counts_them_as_excel_does(tmp_path):
    template = _one_sheet_template(tmp_path)
    values = tmp_path / "values.csv"
    out = tmp_path / "out.xlsx"
    for text in ("1899-12-31", "2026-01-01T09:00+01:00"):
        values.write_text(f"sheet,cell,value,type\nSheet1,A2,{text},date\n", encoding="utf-8")
        refused(scorecard("fill", "--template", template, "--values", values, "--out", out),
                f"{values}:2: '{text}' is not a date Excel can show (Excel's dates run from 1900-01-01 to 9999-12-31, without a time zone)")
    assert not out.exists()
    values.write_text("sheet,cell,value,type\nSheet1,A2,1900-01-01,date\nSheet1,A3,1900-03-01,date\nSheet1,A4,2026-12-05,date\n",
                      encoding="utf-8")
    assert scorecard("fill", "--template", template, "--values", values, "--out", out).returncode == 0
    sheet = openpyxl.load_workbook(out)["Sheet1"]
    assert [str(sheet[ref].value.date()) for ref in ("A2", "A3", "A4")] == ["1900-01-01", "1900-03-01", "2026-12-05"]


def test_a_commit_records_what_it_moved_into_place(tmp_path):
    from workbook_builder import files

    before = len(files.moved_into_place())
    outputs = files.Outputs()
    for name in ("a.xlsx", "b.xlsx"):
        outputs.stage(tmp_path / name, lambda handle, name=name: handle.write(name.encode()))
    outputs.commit()
    assert files.moved_into_place()[before:] == [tmp_path / "a.xlsx", tmp_path / "b.xlsx"]
    assert (tmp_path / "b.xlsx").read_bytes() == b"b.xlsx"


# --- Annex A lists that read as something they are not ---------------------------------------------------------------

def test_formulas_saved_without_results_are_a_data_quality_problem_per_list(tmp_path):
    """openpyxl saves formulas without their results, so calamine reads the cells as empty: the contacts
    count falls (6,491 to 6,280 here) and the Data quality list says why, once per list."""
    import json

    saved = tmp_path / "AnnexA_2026-06-18.xlsx"
    openpyxl.load_workbook(ANNEX_A).save(saved)
    figures = {}
    for path in (ANNEX_A, saved):
        report = tmp_path / f"{path.stem}.json"
        result = scorecard("annex-a", path, "--as-at", "2026-06-18", "--json", report)
        assert result.returncode == 0, result.stderr
        figures[path] = json.loads(report.read_text(encoding="utf-8"))
    assert figures[ANNEX_A]["measures"]["contacts"]["value"] == 6491
    assert figures[saved]["measures"]["contacts"]["value"] == 6280
    assert not [p for p in figures[ANNEX_A]["data_quality"] if "without their results" in p["problem"]]
    unsaved = [p for p in figures[saved]["data_quality"] if "without their results" in p["problem"]]
    assert [(p["list"], p["row"], p["field"]) for p in unsaved][:2] == [(1, 20, "contact_date, date_of_birth"), (3, 3, "date_of_birth, referral_date")]
    assert unsaved[0]["problem"].startswith("417 formula cells on 408 rows, from this one to row 6815, were saved without their results")


def test_a_count_that_is_not_a_count_is_flagged_and_not_counted(tmp_path):
    import json

    book = openpyxl.load_workbook(ANNEX_A)
    sheet = book["List 3"]
    column = next(c.column for c in sheet[1] if c.value and "Number of Referrals" in str(c.value))
    for row, junk in zip(range(2, 8), ["inf", "1e400", "Infinity", "two", "-1", "NaN"]):
        sheet.cell(row, column).value = junk
    damaged = tmp_path / "AnnexA_2026-06-18.xlsx"
    book.save(damaged)
    clean = tmp_path / "clean.xlsx"
    openpyxl.load_workbook(ANNEX_A).save(clean)  # the same save, without the junk: the figures to compare with
    reports = []
    for path in (clean, damaged):
        report = tmp_path / f"{path.stem}.json"
        assert scorecard("annex-a", path, "--as-at", "2026-06-18", "--json", report).returncode == 0
        reports.append(json.loads(report.read_text(encoding="utf-8")))
    assert reports[1]["measures"]["rereferral_12m_pct"]["numerator"] == reports[0]["measures"]["rereferral_12m_pct"]["numerator"]
    flagged = [(p["row"], p["problem"]) for p in reports[1]["data_quality"] if p["field"] == "referrals_12m"]
    assert flagged == [(row, "not a count (a whole number, 0 or more)") for row in range(2, 8)]


def test_two_sheets_claiming_one_list_are_refused(tmp_path):
    book = openpyxl.load_workbook(ANNEX_A)
    book.copy_worksheet(book["List 3"]).title = "List 3 (old)"
    path = tmp_path / "AnnexA_2026-06-18.xlsx"
    book.save(path)
    refused(scorecard("annex-a", path, "--as-at", "2026-06-18"), f"{path}: sheets 'List 3' and 'List 3 (old)' are both List 3 (Referrals)")


def test_formula_cells_without_results_are_found_in_every_way_they_are_written(tmp_path):
    from workbook_builder.limits import formulas_without_results

    sheet = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
             b'<c r="A1"><f>1+1</f><v>2</v></c>'  # a result: not listed
             b'<c r="B1"><f>46085</f><v></v></c>'  # openpyxl's way: an empty result
             b'<c r="C1" t="str"><f>""</f><v></v></c>'  # a result that is empty text: not listed
             b'<c r="D1" s="3"><f t="shared" si="0"/></c>'  # a shared formula's follower, no result at all
             b'</row><row r="2"><c r="AA2"><f>X1</f><v/></c><c r="B2"/></row></sheetData></worksheet>')
    path = _zip_with_sheet(tmp_path / "f.xlsx", sheet)
    with zipfile.ZipFile(path) as archive:
        assert formulas_without_results(archive, "xl/worksheets/sheet1.xml", str(path), "Data") == [(1, 1), (1, 3), (2, 26)]


def test_an_output_name_must_say_what_it_holds(tmp_path):
    template = _one_sheet_template(tmp_path)
    values = tmp_path / "values.csv"
    values.write_text("sheet,cell,value\nSheet1,A2,1\n", encoding="utf-8")
    refused(scorecard("fill", "--template", template, "--values", values, "--out", tmp_path / "x.csv"),
            f"--out {tmp_path / 'x.csv'}: the filled workbook is a .xlsx like its template, so its name must end .xlsx")
    refused(scorecard("annex-a", ANNEX_A, "--as-at", "2026-06-18", "--json", tmp_path / "j.xlsx"),
            f"--json {tmp_path / 'j.xlsx'}: the report is JSON, so its name must end .json")
    local = SAMPLE / "local" / "dfe_returns.csv"
    refused(scorecard("reconcile", "--period", "2025", "--local", local, "--json", tmp_path / "r.json", "--xlsx", tmp_path / "r.csv"),
            f"--xlsx {tmp_path / 'r.csv'}: the report is an Excel workbook, so its name must end .xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.xlsx", "values.csv"]  # the JSON staged first was not written either


def test_a_workbook_given_for_a_csv_is_named_as_a_workbook(tmp_path):
    refused(scorecard("release", "diff", ANNEX_A, SAMPLE / "dfe" / "absence_la.csv"),
            f"{ANNEX_A} is an Excel workbook, not a CSV file (this is read from CSV text)")


# --- found by the second adversarial review: quotes, local tables, short rows, periods, the wrong Annex A ----------------

def test_a_quote_that_never_closes_in_a_short_csv_is_refused_not_read_as_one_long_value(tmp_path):
    template = _one_sheet_template(tmp_path)
    values = tmp_path / "values.csv"
    values.write_text('sheet,cell,value\nSheet1,B3,"oops\nSheet1,B4,5\n', encoding="utf-8")
    refused(scorecard("fill", "--template", template, "--values", values, "--out", tmp_path / "out.xlsx"),
            f"{values}:2: a quote opens a value on this line and never closes")
    values.write_text('sheet,cell,value\nSheet1,B3,5\nSheet1,B4,"unclosed', encoding="utf-8")
    refused(scorecard("fill", "--template", template, "--values", values, "--out", tmp_path / "out.xlsx"),
            f"{values}:3: a quote opens a value on this line and never closes")
    assert not (tmp_path / "out.xlsx").exists()
    values.write_text('sheet,cell,value\nSheet1,B3,"two\nlines"\nSheet1,B4,"say ""5"""\n', encoding="utf-8")  # closed quotes are fine
    result = scorecard("fill", "--template", template, "--values", values, "--out", tmp_path / "out.xlsx")
    assert result.returncode == 0, result.stderr
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx")["Sheet1"]
    assert (sheet["B3"].value, sheet["B4"].value) == ("two\nlines", 'say "5"')


LOCAL_ROW = "you_said_we_did_count,2026-27 Q1,12,synthetic,"


@pytest.mark.parametrize("old, new, message", [
    ("measure,period,value,status,note", "measure,period,value,status,Value",
     "table with header at row 1 has two or more columns headed 'value' (columns 3 and 5)"),
    (LOCAL_ROW, LOCAL_ROW + ",1,2", "row {number}: more fields than the header has (1, 2 left over)"),
    (LOCAL_ROW, "you_said_we_did_count,2026-27 Q1", "row {number}: 2 field(s) where the header has 5 (no field for column 'value')"),
    (LOCAL_ROW, "you_said_we_did_count", "row {number}: 1 field(s) where the header has 5 (no field for column 'period')"),
    (LOCAL_ROW, "you_said_we_did_count,,12,synthetic,", "row {number}, column 2: no period (the cell is empty)"),
])
def test_a_local_csv_table_is_held_to_its_header(inputs, old, new, message):
    path = inputs / "local" / "local_outcome_measures.csv"
    original = path.read_text(encoding="utf-8")
    number = next(i for i, line in enumerate(original.splitlines(), 1) if line.startswith(LOCAL_ROW))
    path.write_text(original.replace(old, new, 1), encoding="utf-8")
    refused(scorecard("validate", "--workbook", "appendix_x", "--inputs", inputs), f"{path}: " + message.format(number=number))


def test_a_reconcile_row_that_lost_its_value_field_is_refused_not_reported_missing(tmp_path):
    figures = tmp_path / "figures.csv"
    figures.write_text("measure_id,period,value\ncla_missing_pct,2025\n", encoding="utf-8")
    refused(scorecard("reconcile", "--period", "2025", "--local", figures),
            f"{figures}:2: 2 field(s) where the header has 3 (missing value)")
    figures.write_text("measure_id,period,value\ncla_missing_pct,2025,\n", encoding="utf-8")  # an empty value is no figure
    result = scorecard("reconcile", "--period", "2025", "--local", figures)
    assert result.returncode == 0, result.stderr


def test_a_period_typed_with_spaces_around_it_is_the_period(tmp_path):
    import json

    figures = tmp_path / "figures.csv"
    figures.write_text("measure_id,period,value\ncla_missing_pct,2025,6\n", encoding="utf-8")
    report = tmp_path / "r.json"
    result = scorecard("reconcile", "--period", " 2025 ", "--local", figures, "--json", report)
    assert result.returncode == 0, result.stderr
    assert json.loads(report.read_text(encoding="utf-8"))["period"] == "2025"


def test_an_area_send_annex_a_is_named_as_such(shared_data):
    path = shared_data / "annex-a" / "area_send_annex_a_fake.xlsx"
    refused(scorecard("annex-a", path, "--as-at", "2026-06-18"),
            f"{path}: this looks like an Area SEND Annex A (its sheet 'List_1' has 'date ehc plan last reviewed', "
            "'date initial ehc plan issued', 'date updated ehc plan issued', 'sen primary need' and none of List 1's own columns), "
            "not the children's social care (ILACS) Annex A")


@pytest.mark.parametrize("formula, problem", [
    ("SUM(A1:A3", "a bracket that never closes"),
    ("=SUM(A1))", "a bracket closed that never opened"),
    ('IF(A1>0,"yes', "a quote or bracket that never closes"),
    ("'My sheet!A1", "a quote or bracket that never closes"),
    ("A1+", "it ends with the operator +"),
    ("1+" * 4096 + "1", "the formula is 8,194 characters long; Excel allows 8,192"),
    ("A1+-", "it ends with the operator -"),
    ("SUM(A1;A2)", "';' between arguments"),
    ("@A1", "the implicit-intersection operator @"),
    ("SUM(A1#)", "a spilled-range reference such as A1#"),
    ("IFERROR(A1,#SPILL!)", "an error value other than #NULL!, #DIV/0!, #VALUE!, #REF!, #NAME?, #NUM! and #N/A"),
    ("SORT(A1:A3)", "SORT returns a spilled range"),
    ("LET(n,B1,n+1)", "LET's names are stored as _xlpm.name"),
    ("=", "empty formula"),
])
def test_fill_refuses_a_formula_excel_would_delete_on_opening(tmp_path, formula, problem):
    template = _one_sheet_template(tmp_path)
    values = tmp_path / "values.csv"
    quoted = formula.replace('"', '""')
    values.write_text(f'sheet,cell,value,type\nSheet1,A2,=SUM(B1:B3),formula\nSheet1,A3,"{quoted}",formula\n', encoding="utf-8")
    whole = problem if problem.startswith(("the formula is", "empty")) else f"'={formula.lstrip('=')}' is not a formula fill can write ({problem})"
    refused(scorecard("fill", "--template", template, "--values", values, "--out", tmp_path / "out.xlsx"), f"{values}:3: {whole}")
    assert not (tmp_path / "out.xlsx").exists()


def test_fill_writes_the_formulas_excel_opens(tmp_path):
    template = _one_sheet_template(tmp_path)
    values = tmp_path / "values.csv"
    formulas = ['=SUM(B1:B3)', '=IF(B1>0,"x(","y")', "='Sheet1'!B1*2", "=Table1[@Col]", "={1,2,3}"]
    values.write_text("sheet,cell,value,type\n" + "".join(f'Sheet1,A{i},"{f.replace(chr(34), chr(34) * 2)}",formula\n'
                                                          for i, f in enumerate(formulas, 2)), encoding="utf-8")
    result = scorecard("fill", "--template", template, "--values", values, "--out", tmp_path / "out.xlsx")
    assert result.returncode == 0, result.stderr
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx")["Sheet1"]
    assert [sheet[f"A{i}"].value for i in range(2, 2 + len(formulas))] == formulas


def test_fill_refuses_two_values_for_one_cell(tmp_path):
    template = _one_sheet_template(tmp_path)
    values = tmp_path / "values.csv"
    values.write_text("sheet,cell,value\nSheet1,B3,5\nSheet1,C3,6\nSheet1,$b$3,7\n", encoding="utf-8")
    refused(scorecard("fill", "--template", template, "--values", values, "--out", tmp_path / "out.xlsx"),
            f"{values}:4: cell 'Sheet1'!B3 is given a value twice (lines 2 and 4)")
    assert not (tmp_path / "out.xlsx").exists()


@pytest.mark.parametrize("text, line, message", [
    ('sheet,cell,value\nSheet1,B3,"oops\nSheet1,B4,"Total"\nSheet1,B5,7\n', 2,
     "a quote opens a value on this line and the quote that seems to close it, on line 3, is followed by 'Total\"': "
     "look for a quote on line 2 that never closes"),
    ('sheet,cell,value\n"Sheet1" ,B3,"oops\nSheet1,B4,5\n', 2,
     "' ,B3,\"oops' follows the closing quote of a quoted value; a value that starts with a quote must end with one just "
     "before a comma or the end of its line"),
    ('a,b,c\n1,"two\nlines\nhere","oops\n4,5,6\n', 4,
     "a quote opens a value on this line and never closes, so the lines after it would be read as part of that value"),
    ('a,b,c\n1,2,"6', 2, "a quote opens a value on this line and never closes"),
])
def test_a_quote_out_of_place_is_named_by_the_line_it_opens_on(tmp_path, text, line, message):
    from workbook_builder import csvfile
    from workbook_builder.errors import UserError

    path = tmp_path / "figures.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as caught:
        csvfile.rows(path)
    assert caught.value.message == f"{path}:{line}: {message}"


def test_quotes_excel_writes_are_read_as_excel_wrote_them(tmp_path):
    from workbook_builder import csvfile

    path = tmp_path / "figures.csv"
    path.write_bytes('a,b\r\n"x ""y""","multi\r\nline"\r\n5" screen,3\r\n\r\n'.encode("utf-16"))
    assert csvfile.rows(path) == [(1, ["a", "b"]), (2, ['x "y"', "multi\r\nline"]), (4, ['5" screen', "3"])]


def test_a_table_read_whole_refuses_a_header_given_twice_and_a_short_row(tmp_path):
    from workbook_builder.errors import UserError
    from workbook_builder.sources.tables import find_table, read_grid

    path = tmp_path / "neighbours.csv"
    path.write_text("la_code,neighbour_code,neighbour_name,rank\nE06000051,E10000008,Devon,1\n", encoding="utf-8")
    assert find_table(read_grid(path)).records() == [(2, {"la_code": "E06000051", "neighbour_code": "E10000008",
                                                          "neighbour_name": "Devon", "rank": "1"})]
    path.write_text("la_code,neighbour_code,rank,rank\nE06000051,E10000008,1,2\n", encoding="utf-8")
    with pytest.raises(UserError, match=re.escape("has two or more columns headed 'rank' (columns 3 and 4)")):
        find_table(read_grid(path)).records()
    path.write_text("la_code,neighbour_code,neighbour_name,rank\nE06000051,Shropshire,2\n", encoding="utf-8")
    with pytest.raises(UserError, match=re.escape("row 2: 3 field(s) where the header has 4 (no field for column 'rank')")):
        find_table(read_grid(path)).records(required=("la_code", "rank"))
    path.write_text("la_code,neighbour_code,rank,model_file\nE06000051,E10000008,1\n", encoding="utf-8")  # an optional column left off
    assert find_table(read_grid(path)).records(required=("la_code", "rank")) == [
        (2, {"la_code": "E06000051", "neighbour_code": "E10000008", "rank": "1", "model_file": None})]


def test_an_ilacs_annex_a_with_an_ehc_plan_column_is_not_taken_for_area_send(tmp_path):
    saved = tmp_path / "AnnexA.xlsx"
    book = openpyxl.load_workbook(ANNEX_A)
    sheet = next(book[name] for name in book.sheetnames if name.replace("_", " ").strip().lower() == "list 1")
    header_row = next(r for r in range(1, 6) if any(str(c.value or "").strip().lower() in ("date of contact", "contact date")
                                                      for c in sheet[r]))
    cell = next(c for c in sheet[header_row] if str(c.value or "").strip().lower() in ("date of contact", "contact date"))
    cell.value = "Contact date (dd/mm/yyyy)"
    sheet.cell(header_row, sheet.max_column + 1, "Date initial EHC plan issued")
    book.save(saved)
    refused(scorecard("annex-a", saved, "--as-at", "2026-06-18"), "no column for contact_date (accepted headers: contact_date:")


def test_an_output_that_is_a_link_to_itself_is_refused_without_a_traceback(tmp_path):
    local = SAMPLE / "local" / "dfe_returns.csv"
    for name in ("loop.json", "loop.csv"):
        (tmp_path / name).symlink_to(tmp_path / name)
        refused(scorecard("reconcile", "--period", "2025", "--local", local, "--json", tmp_path / name),
                f"{tmp_path / name}: cannot tell which file or folder this is")
    template = _one_sheet_template(tmp_path)
    (tmp_path / "loop.xlsx").symlink_to(tmp_path / "loop.xlsx")
    values = tmp_path / "values.csv"
    values.write_text("sheet,cell,value\nSheet1,B3,5\n", encoding="utf-8")
    refused(scorecard("fill", "--template", template, "--values", values, "--out", tmp_path / "loop.xlsx"),
            f"{tmp_path / 'loop.xlsx'}: cannot tell which file or folder this is")
    refused(scorecard("fill", "--template", template, "--values", values, "--out", template),
            f"Refusing to write {template}: it is the template")


def test_reconcile_needs_both_parts_of_a_percentage_and_a_period(tmp_path):
    figures = tmp_path / "figures.csv"
    figures.write_text("measure_id,period,value,numerator,denominator\ncla_missing_pct,2025,,6\n", encoding="utf-8")
    refused(scorecard("reconcile", "--period", "2025", "--local", figures),
            f"{figures}:2: a numerator without a denominator, and no value")
    figures.write_text("measure_id,period,value,numerator,denominator\ncla_missing_pct,2025,6\n", encoding="utf-8")
    assert scorecard("reconcile", "--period", "2025", "--local", figures).returncode == 0  # the value; no parts needed
    refused(scorecard("reconcile", "--period", " ", "--local", figures), "--period is blank")
    refused(scorecard("validate", "--period", ""), "Invalid value for '--period': it is blank")


def test_fill_stores_newer_functions_with_the_prefix_excel_stores_them_with(tmp_path):
    template = _one_sheet_template(tmp_path)
    values = tmp_path / "values.csv"
    values.write_text('sheet,cell,value,type\nSheet1,A2,"=XLOOKUP(1,B1:B3,C1:C3)",formula\n'
                      'Sheet1,A3,"=""XLOOKUP(""&IFS(B1>1,""y"",TRUE,""n"")",formula\n', encoding="utf-8")
    result = scorecard("fill", "--template", template, "--values", values, "--out", tmp_path / "out.xlsx")
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "out.xlsx") as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>_xlfn.XLOOKUP(1,B1:B3,C1:C3)</f>" in sheet
    assert '<f>"XLOOKUP("&amp;_xlfn.IFS(B1&gt;1,"y",TRUE,"n")</f>' in sheet  # text in quotes untouched


def test_a_long_unclosed_quote_is_named_by_its_line_not_its_rows(tmp_path):
    from workbook_builder import csvfile
    from workbook_builder.errors import UserError

    path = tmp_path / "values.csv"
    path.write_text('sheet,cell,value,note\nSheet1,B3,"two\nlines",x,"bad\n' + "Sheet1,B4,5\n" * 20_000, encoding="utf-8")
    with pytest.raises(UserError, match=re.escape(f"{path}:3: a quote opens a value on this line and does not close within 131,072")):
        csvfile.rows(path)


def test_reconcile_names_the_part_of_a_percentage_that_is_wrong(tmp_path):
    figures = tmp_path / "figures.csv"
    for row, message in ((",,6,abc", "denominator 'abc' is not a number"), (",,6,0", "the denominator is 0, so there is no percentage")):
        figures.write_text(f"measure_id,period,value,numerator,denominator\ncla_missing_pct,2025{row}\n", encoding="utf-8")
        refused(scorecard("reconcile", "--period", "2025", "--local", figures), f"{figures}:2: {message}")
