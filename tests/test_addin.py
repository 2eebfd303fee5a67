"""The Scorecard Excel add-in, checked without Excel: package, ribbon XML, VBA (read back by
olevba and imported by LibreOffice), and every ribbon entry point run on the sample inputs."""

from __future__ import annotations

import importlib
import inspect
import random
import re
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from oletools.olevba import VBA_Parser, decompress_stream

from workbook_builder import addin, ribbon
from workbook_builder.config import load_config, read_pairs, render, write_config
from workbook_builder.errors import UserError
from workbook_builder.vba import compress

from .conftest import FIXED_BUILT_AT, ROOT
from .libreoffice import convert
from .test_mapping_and_cli import run
from .test_reconcile import published_values, write_local

BUTTONS = ["Build scorecards", "Reconcile with DfE", "Validate inputs", "Trace selected cell", "Open outputs folder"]
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
UI = "{http://schemas.microsoft.com/office/2009/07/customui}"


@pytest.fixture(scope="module")
def xlam(tmp_path_factory) -> Path:
    return addin.build_addin(tmp_path_factory.mktemp("addin"), root=ROOT)


@pytest.fixture(scope="module")
def modules(xlam) -> dict[str, str]:
    """Every VBA module of the built add-in as olevba reads it back: name -> source."""
    parser = VBA_Parser(str(xlam))
    found = {Path(vba_name).stem: code for _, _, vba_name, code in parser.extract_macros()}
    parser.close()
    return found


def lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").rstrip("\n").split("\n")


def test_add_in_is_a_macro_enabled_add_in_package_with_the_ribbon_part(xlam):
    assert xlam.name == "Scorecard.xlam"
    with zipfile.ZipFile(xlam) as z:
        names = z.namelist()
        assert names[0] == "[Content_Types].xml"
        types = etree.fromstring(z.read("[Content_Types].xml"))
        overrides = {o.get("PartName"): o.get("ContentType") for o in types.iter(f"{CT}Override")}
        defaults = {d.get("Extension"): d.get("ContentType") for d in types.iter(f"{CT}Default")}
        assert overrides["/xl/workbook.xml"] == "application/vnd.ms-excel.addin.macroEnabled.main+xml"
        assert defaults["bin"] == "application/vnd.ms-office.vbaProject"
        assert defaults["xml"] == "application/xml"  # the customUI part's type
        root_rels = {r.get("Type"): r.get("Target") for r in etree.fromstring(z.read("_rels/.rels")).iter(f"{REL}Relationship")}
        assert root_rels["http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"] == "customUI/customUI14.xml"
        assert root_rels["http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"] == "xl/workbook.xml"
        book_rels = {r.get("Type"): r.get("Target") for r in etree.fromstring(z.read("xl/_rels/workbook.xml.rels")).iter(f"{REL}Relationship")}
        assert book_rels["http://schemas.microsoft.com/office/2006/relationships/vbaProject"] == "vbaProject.bin"
        for target in [*root_rels.values(), *("xl/" + t for t in book_rels.values())]:
            assert target in names, f"relationship target {target} is missing"
        for name in names:  # every part but the VBA project is well-formed XML with a content type
            if name.endswith((".xml", ".rels")):
                etree.fromstring(z.read(name))
                assert name.endswith(".rels") or f"/{name}" in overrides or name in ("[Content_Types].xml", "customUI/customUI14.xml")
        assert z.read("customUI/customUI14.xml") == (ROOT / "excel" / "customUI14.xml").read_bytes()
        assert b'codeName="ThisWorkbook"' in z.read("xl/workbook.xml")
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in z.infolist())


def custom_ui():
    return etree.parse(str(ROOT / "excel" / "customUI14.xml")).getroot()


def test_custom_ui_is_in_the_office_2009_namespace_with_the_five_buttons_in_order():
    root = custom_ui()
    assert root.tag == f"{UI}customUI"
    [tab] = root.iter(f"{UI}tab")
    assert tab.get("label") == "Scorecard"
    buttons = list(tab.iter(f"{UI}button"))
    assert [b.get("label") for b in buttons] == BUTTONS
    assert all(b.get("imageMso") and b.get("onAction") and b.get("size") == "large" for b in buttons)
    assert len({b.get("id") for b in buttons}) == len(buttons)


def test_every_button_calls_a_sub_with_an_iribboncontrol_parameter_in_the_add_in(modules):
    subs = set(re.findall(r"^Sub (\w+)\(control As IRibbonControl\)\s*$", modules["ScorecardRibbon"], re.MULTILINE))
    actions = [b.get("onAction") for b in custom_ui().iter(f"{UI}button")]
    assert actions == ["BuildScorecards", "ReconcileWithDfe", "ValidateInputs", "TraceSelectedCell", "OpenOutputsFolder"]
    assert set(actions) <= subs


RUNPYTHON = re.compile(r'RunPython "import ([\w.]+) as (\w+); (\w+)\.(\w+)\(\)"')


def test_every_runpython_imports_a_module_and_calls_a_function_that_exist(modules):
    calls = RUNPYTHON.findall(modules["ScorecardRibbon"])
    assert len(calls) == 5 == len(re.findall(r"^\s+RunPython ", modules["ScorecardRibbon"], re.MULTILINE))
    for module_name, alias, used, function in calls:
        assert used == alias and module_name == "workbook_builder.ribbon"
        target = getattr(importlib.import_module(module_name), function)
        assert callable(target)
        parameters = inspect.signature(target).parameters
        assert "workbook" in parameters and all(p.default is not inspect.Parameter.empty for p in parameters.values())
    assert [c[3] for c in calls] == ["build_scorecards", "reconcile_with_dfe", "validate_inputs", "trace_selected_cell", "open_outputs_folder"]
    # RunPython itself is defined by the xlwings module inside the add-in
    assert re.search(r"^Public Function RunPython\(PythonCommand As String\)", modules["xlwings"], re.MULTILINE)


def test_olevba_reads_back_every_module_as_its_source(modules):
    import xlwings

    source = Path(xlwings.__file__).parent
    assert set(modules) == {"ThisWorkbook", "Sheet1", "ScorecardRibbon", "xlwings", "Dictionary"}
    assert lines(modules["ScorecardRibbon"]) == lines((ROOT / "excel" / "ScorecardRibbon.bas").read_text(encoding="cp1252"))
    xlwings_source = (source / "xlwings_custom_addin.bas").read_text(encoding="cp1252")
    assert len(xlwings_source) > 40000  # several 4096-byte compression chunks
    assert lines(modules["xlwings"]) == lines(xlwings_source.replace('PROJECT_NAME As String = "myaddin"', 'PROJECT_NAME As String = "scorecard"'))
    dictionary = lines((source / "addin" / "Dictionary.cls").read_text(encoding="cp1252"))
    assert dictionary[:4] == ["VERSION 1.0 CLASS", "BEGIN", "  MultiUse = -1  'True", "END"]
    assert lines(modules["Dictionary"]) == dictionary[4:]
    assert 'Attribute VB_Base = "0{00020819-0000-0000-C000-000000000046}"' in modules["ThisWorkbook"]


def test_compression_round_trips_through_olevba_across_chunks():
    rng = random.Random(7)
    samples = [b"", b"a", b"abc" * 5000, bytes(rng.randrange(256) for _ in range(9000)),
               bytes(rng.choice(b"Sub End If Then ") for _ in range(20000)), (ROOT / "excel" / "ScorecardRibbon.bas").read_bytes() * 20]
    for data in samples:
        packed = compress(data)
        assert packed[0] == 1
        assert decompress_stream(bytearray(packed)) == data
    assert len(compress(samples[2])) < len(samples[2]) // 10


def test_building_twice_gives_identical_bytes_and_leaves_no_scratch_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = addin.build_addin(tmp_path / "one", root=ROOT)
    second = addin.build_addin(tmp_path / "two" / "Scorecard.xlam", root=ROOT)
    assert first.read_bytes() == second.read_bytes()
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "one", "one/Scorecard.xlam", "two", "two/Scorecard.xlam"]
    assert Path.cwd() == tmp_path


def test_libreoffice_imports_the_vba_modules_as_basic(tmp_path):
    workbook = tmp_path / "Scorecard.xlsm"  # LibreOffice will not open the add-in content type itself
    workbook.write_bytes(addin.package(root=ROOT, content_type=addin.MACRO_WORKBOOK_CONTENT_TYPE))
    ods = convert(workbook, "ods", tmp_path)
    with zipfile.ZipFile(ods) as z:
        basic = {Path(n).stem: z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("Basic/VBAProject/") and n != "Basic/VBAProject/script-lb.xml"}
    assert set(basic) == {"ThisWorkbook", "Sheet1", "ScorecardRibbon", "xlwings", "Dictionary"}
    ribbon_module = etree.fromstring(basic["ScorecardRibbon"].encode()).text
    for sub in ["BuildScorecards", "ReconcileWithDfe", "ValidateInputs", "TraceSelectedCell", "OpenOutputsFolder"]:
        assert f"Sub {sub}(control As IRibbonControl)" in ribbon_module
    assert len(RUNPYTHON.findall(ribbon_module)) == 5
    assert "Public Function RunPython(PythonCommand As String)" in basic["xlwings"]
    assert 'script:moduleType="class"' in basic["Dictionary"]


def test_missing_packages_are_a_user_error_naming_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "xlwings", None)
    with pytest.raises(UserError) as caught:
        addin.xlwings_folder()
    assert "xlwings" in caught.value.message and "pip install" in caught.value.hint


# --- the CLI -----------------------------------------------------------------------------------

def test_cli_addin_build_writes_the_add_in(tmp_path, xlam):
    result = run("addin", "build", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "Scorecard.xlam").read_bytes() == xlam.read_bytes()


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="Excel exists here")
def test_cli_addin_install_says_why_it_cannot_on_this_system(tmp_path):
    result = run("addin", "install", "--addin", str(tmp_path / "none.xlam"))
    assert result.returncode == 2
    assert "Excel runs on Windows and macOS only" in result.stderr and "Traceback" not in result.stderr


def test_install_copies_to_xlstart_and_writes_the_user_settings(tmp_path, xlam):
    done = addin.install_addin(xlam, root=ROOT, platform="win32", startup=tmp_path / "XLSTART", config=tmp_path / "user" / "scorecard.conf")
    assert done.addin.read_bytes() == xlam.read_bytes() and done.config_written
    pairs = read_pairs(done.config)
    assert pairs["INTERPRETER_WIN"][0] == sys.executable
    cfg = load_config(done.config)
    assert (cfg.root, cfg.inputs, cfg.outputs) == (ROOT, ROOT / "inputs" / "sample", ROOT / "outputs")
    again = addin.install_addin(xlam, root=ROOT, platform="win32", startup=tmp_path / "XLSTART", config=done.config)
    assert not again.config_written  # an officer's edited settings are never overwritten
    assert addin.startup_folder("win32").parts[-3:] == ("Microsoft", "Excel", "XLSTART")
    assert addin.startup_folder("darwin").parts[-2:] == ("Startup.localized", "Excel")


# --- settings ----------------------------------------------------------------------------------

def officer_config(folder: Path, **values: str) -> Path:
    """A scorecard.conf beside an officer's workbook, pointing at this project."""
    settings = {"MAPPINGS": str(ROOT / "mappings"), "INPUTS": str(ROOT / "inputs" / "sample"), "OUTPUTS": "built", **values}
    write_config(folder / "scorecard.conf", settings)
    return folder / "scorecard.conf"


def test_settings_resolve_relative_to_their_file_and_notes_are_ignored(tmp_path):
    path = officer_config(tmp_path, PERIOD="2026-27 Q1", LA="E06000001")
    assert render({}).count('"# ') == 12
    cfg = load_config(path)
    assert cfg.outputs == tmp_path / "built"
    assert (cfg.period, cfg.la, cfg.dfe_period, cfg.root) == ("2026-27 Q1", "E06000001", "2025", ROOT)
    assert cfg.local == tmp_path / "inputs" / "sample" / "local" / "dfe_returns.csv"


@pytest.mark.parametrize("line, expected", [
    ('"PERIODE","2026"', 'scorecard.conf:3: unknown setting \'PERIODE\''),
    ('"PERIOD","next year"', "scorecard.conf:3: PERIOD: 'next year' is not a period label"),
    ('"MAPPINGS","nowhere"', "scorecard.conf:3: MAPPINGS: folder not found"),
    ('"LA","E06000051","extra"', "scorecard.conf:3: expected two quoted values"),
])
def test_a_bad_setting_names_the_file_line_and_key(tmp_path, line, expected):
    path = tmp_path / "scorecard.conf"
    mappings = "" if '"MAPPINGS"' in line else f'"MAPPINGS","{ROOT / "mappings"}"\n'
    path.write_text(f'"# note",""\n"INPUTS","{ROOT / "inputs" / "sample"}"\n{line}\n{mappings}', encoding="utf-8")
    with pytest.raises(UserError) as caught:
        load_config(path)
    assert expected in caught.value.message and caught.value.hint


# --- the entry points, called as RunPython calls them but with an explicit workbook ----------

def test_build_button_builds_what_the_cli_builds_and_opens_it(tmp_path, sample_build):
    officer_config(tmp_path)
    outcome = ribbon.build_scorecards(workbook=tmp_path / "Officer.xlsx", built_at=FIXED_BUILT_AT)
    assert outcome.ok, outcome.message
    assert [p.name for p in outcome.opened] == ["Appendix 2 - Children's Services Performance Scorecard Workbook.xlsx",
                                                "Appendix X - Children's Transformation Outcomes Scorecard.xlsx", "SEND data dashboard.xlsx"]
    assert all(p.parent == tmp_path / "built" and p.is_file() for p in outcome.opened)
    assert outcome.opened[1].read_bytes() == sample_build.output.read_bytes()  # the same engine, the same bytes
    assert "appendix_x for Shropshire: 22 measures, 88 values" in outcome.message
    assert outcome.statuses[0].startswith("Scorecard: building the scorecards")
    cli = run("build", "--inputs", str(ROOT / "inputs" / "sample"), "--out", str(tmp_path / "cli"), "--built-at", FIXED_BUILT_AT)
    timeless = re.compile(r", [0-9.]+ s$")  # the one thing two runs may not share
    shown = [timeless.sub("", line) for line in cli.stdout.splitlines() if not line.startswith("  -> ")]
    assert shown == [timeless.sub("", line) for line in outcome.message.splitlines()[:3]]  # one summary(), both shells


def test_trace_button_explains_a_cell_from_the_audit_sheet(sample_build):
    outcome = ribbon.trace_selected_cell(workbook=sample_build.output, cell="'Scorecard'!E28")
    assert outcome.ok and outcome.title == "Scorecard: where 'Scorecard'!E28 came from"
    assert "Measure id: cpp_second_plan_pct" in outcome.message and "Value: 27" in outcome.message
    assert "Mapping: mappings/appendix_x.yaml:" in outcome.message


def test_an_error_is_the_message_the_cli_prints(sample_build):
    cli = run("trace", str(sample_build.output), "'Scorecard'!Z999")
    outcome = ribbon.trace_selected_cell(workbook=sample_build.output, cell="'Scorecard'!Z999")
    assert cli.returncode == 2 and not outcome.ok
    assert outcome.message == cli.stderr.strip() and outcome.message.startswith("Error: ")


def test_validate_button_summarises_each_workbook(tmp_path):
    officer_config(tmp_path)
    outcome = ribbon.validate_inputs(workbook=tmp_path / "Officer.xlsx")
    assert outcome.ok, outcome.message
    assert "appendix_x: 22 measures; 61 values located; 26 marked not available" in outcome.message.splitlines()[1]
    assert outcome.message.endswith("OK: every mapped value resolves to exactly one source value.")


def test_validate_button_reports_a_bad_input_folder_with_the_settings_file(tmp_path):
    path = officer_config(tmp_path, INPUTS="missing")
    outcome = ribbon.validate_inputs(workbook=tmp_path / "Officer.xlsx")
    assert not outcome.ok and "Traceback" not in outcome.message
    assert outcome.message.startswith(f"Error: {path}:") and "INPUTS: folder not found" in outcome.message


def test_reconcile_button_writes_the_report_and_opens_it(tmp_path, shared_data):
    local = write_local(tmp_path / "local.csv", published_values(shared_data, "E06000051"))
    officer_config(tmp_path, PUBLISHED=str(shared_data / "dfe"), LOCAL="local.csv", DFE_PERIOD="2024")
    outcome = ribbon.reconcile_with_dfe(workbook=tmp_path / "Officer.xlsx", built_at=FIXED_BUILT_AT)
    assert outcome.ok, outcome.message
    assert outcome.opened == [tmp_path / "built" / "Reconciliation E06000051 2024.xlsx"]
    assert outcome.message.startswith("Shropshire (E06000051), 2024: 12 measures: 12 match")
    import openpyxl

    sheet = openpyxl.load_workbook(outcome.opened[0], read_only=True)["Reconciliation"]
    assert [row[5] for row in sheet.iter_rows(min_row=5, values_only=True)].count("match") == 12
    assert local.is_file()


def test_reconcile_button_on_the_bundled_sample_defaults(tmp_path):
    """With the settings as shipped, the sample reconciles: dental checks differ, care leavers' EET rounds."""
    officer_config(tmp_path, PUBLISHED=str(ROOT / "inputs" / "sample" / "dfe"), LOCAL=str(ROOT / "inputs" / "sample" / "local" / "dfe_returns.csv"))
    outcome = ribbon.reconcile_with_dfe(workbook=tmp_path / "Officer.xlsx", built_at=FIXED_BUILT_AT)
    assert outcome.ok, outcome.message
    assert outcome.opened == [tmp_path / "built" / "Reconciliation E06000051 2025.xlsx"]
    assert "23 match" in outcome.message and "1 mismatch" in outcome.message and "cla_dental_check_pct" in outcome.message


def test_open_outputs_button_opens_the_configured_folder(tmp_path):
    officer_config(tmp_path)
    shell = ribbon.Shell()
    outcome = ribbon.open_outputs_folder(workbook=tmp_path / "Officer.xlsx", shell=shell)
    assert outcome.ok and shell.folders == [tmp_path / "built"] and (tmp_path / "built").is_dir()


def test_an_unexpected_failure_is_a_message_and_a_log_never_a_traceback(tmp_path, monkeypatch):
    officer_config(tmp_path)
    monkeypatch.setattr(ribbon, "log_path", lambda: tmp_path / "scorecard-excel.log")
    monkeypatch.setattr(ribbon.library, "validate", lambda *a, **k: 1 / 0)
    shell = ribbon.Shell()
    outcome = ribbon.validate_inputs(workbook=tmp_path / "Officer.xlsx", shell=shell)
    assert not outcome.ok and shell.alerts == [(outcome.title, outcome.message)]
    assert outcome.message.startswith("Error: ZeroDivisionError: division by zero") and "Traceback" not in outcome.message
    assert "Traceback" in (tmp_path / "scorecard-excel.log").read_text(encoding="utf-8")
    assert shell.statuses[-1].startswith("Scorecard: checking")  # and the status bar was handed back (None not recorded)
