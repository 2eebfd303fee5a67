"""Any council, one engine: no LA is written into the package, and a build for another LA names only that LA."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import openpyxl
import pytest

from workbook_builder.build import build

from .conftest import FIXED_BUILT_AT, ROOT

LAS = ROOT / "mappings" / "local_authorities.csv"


def la_names() -> dict[str, str]:
    """Every LA's DfE name and its short form ('Herefordshire, County of' and 'Herefordshire') -> LA code."""
    names = {}
    for row in csv.DictReader(LAS.open(encoding="utf-8")):
        names[row["la_name"]] = row["la_code"]
        names[re.sub(r", (County|City) of$", "", row["la_name"])] = row["la_code"]
    return names


def named_in(text: str, names: dict[str, str]) -> set[str]:
    """The LA names that appear in ``text`` as words (case-sensitive: 'reading' is not Reading)."""
    return {name for name in names if re.search(r"(?<![A-Za-z])" + re.escape(name) + r"(?![A-Za-z])", text)}


def test_the_package_names_no_local_authority():
    names = la_names()
    assert len({code for code in names.values()}) == 153
    found = {}
    for path in sorted((ROOT / "workbook_builder").rglob("*")):
        if path.suffix in (".py", ".txt", ".md", ".xml", ".bas") and path.is_file():
            text = path.read_text(encoding="utf-8")
            hits = named_in(text, names) | (set(re.findall(r"\bE0[689]\d{6}\b|\bE10\d{6}\b", text)) & set(names.values()))
            if hits:
                found[str(path.relative_to(ROOT))] = sorted(hits)
    assert not found, f"LA names or codes in the package (the LA is configuration): {found}"


def test_the_check_finds_a_name(tmp_path):
    names = la_names()
    assert named_in("Do not publish these figures as Herefordshire's.", names) == {"Herefordshire"}
    assert named_in("Reading the file; readings", names) == {"Reading"} and named_in("reading", names) == set()


def _texts(path: Path, sheets_except=("Audit", "Sources")) -> dict[str, list[tuple[str, str]]]:
    """Every text cell of every sheet but Audit and Sources: sheet -> [(cell, text)]."""
    book = openpyxl.load_workbook(path, data_only=True)
    return {ws.title: [(c.coordinate, c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
            for ws in book.worksheets if ws.title not in sheets_except}


@pytest.fixture(scope="module")
def barking(tmp_path_factory):
    """Every workbook built in the project for another LA, whose extracts the sample inputs are not."""
    out = tmp_path_factory.mktemp("barking")
    return build(None, out_dir=out, built_at=FIXED_BUILT_AT, root=ROOT, la="E09000002")


def others(code: str) -> set[str]:
    """The names of every LA but ``code`` and its statistical neighbours (which notes may name, as neighbours)."""
    from workbook_builder.sources.neighbours import read_neighbours

    allowed = {code} | {n.code for n in read_neighbours(ROOT / "mappings" / "statistical_neighbours.csv", {code})}
    return {name for name, la in la_names().items() if la not in allowed}


def test_another_la_gets_every_workbook_titled_for_it(barking):
    assert [r.workbook for r in barking] == ["appendix_2", "appendix_x", "send_dashboard"]
    others_ = others("E09000002")
    assert "Shropshire" in others_  # the sample LA is not one of Barking and Dagenham's neighbours
    for result in barking:
        assert result.la.name == "Barking and Dagenham"
        for sheet, cells in _texts(result.output).items():
            for ref, text in cells:
                assert not named_in(text, others_), f"{result.output.name} '{sheet}'!{ref}: {text}"
    x = openpyxl.load_workbook(barking[1].output, data_only=True)["Scorecard"]
    header = next(r for r in range(1, 20) if x.cell(r, 13).value == "Key")
    assert [x.cell(header, c).value for c in (4, 5, 6)] == ["Barking and Dagenham", "Stat Neighbours", "England"]
    dashboard = openpyxl.load_workbook(barking[2].output, data_only=True)
    assert dashboard["SEND dashboard"]["A1"].value == "Barking and Dagenham SEND data dashboard"
    assert dashboard.properties.title == "Barking and Dagenham SEND data dashboard"


def test_another_las_local_rows_say_no_local_extract_never_the_samples_figures(barking):
    from .helpers import Scorecard

    card = Scorecard(barking[1].output)
    audit = {(a["Measure id"], a["Series"]): a for a in card.audit()}
    # ChAT and local figures are the sample LA's: not read for another LA
    for measure in ("cpp_second_plan_pct", "voice_influence_pct", "residential_weekly_cost_gbp"):
        assert card.value(measure, "Barking and Dagenham") == "No data"
        assert audit[(measure, "Barking and Dagenham")]["Transformation"].startswith(
            "not read: no local extract for Barking and Dagenham (the inputs folder holds LA E06000051's)")
    # DfE's per-LA data is every LA's: filled for this one, by its code, with its own neighbours
    rate = audit[("cla_rate_per_10k", "SN")]
    assert "E09000002" not in rate["Locator"] and rate["Locator"].startswith("new_la_code in [")
    assert isinstance(card.value("cla_rate_per_10k", "England"), (int, float))
    sources = {s["Source"]: s for s in card.sources()}
    assert sources["chat"]["SHA-256"] in (None, "") and "no local extract for Barking and Dagenham" in sources["chat"]["Note"]
    assert sources["statistical_neighbours"]["Description"] == (
        "Statistical neighbours of Barking and Dagenham, by LA code: DfE's 2025 model (sn_may_2025.xlsx, via statistical_neighbours.csv)")
    notes = openpyxl.load_workbook(barking[1].output, data_only=True)["Scorecard"]["A4"].value
    assert notes.endswith("Do not publish these figures as Barking and Dagenham's.")


def test_warnings_name_each_missing_extract(barking):
    warnings = [w for r in barking for w in r.warnings]
    assert ("chat (inputs/sample/chat/ChAT_*.xlsx): no local extract for Barking and Dagenham "
            "(the inputs folder holds LA E06000051's); 151 value(s) show No data") in barking[0].warnings, warnings
    assert ("annex_a (inputs/sample/annex_a/AnnexA_*.xlsx): no local extract for Barking and Dagenham "
            "(the inputs folder holds LA E06000051's); 29 value(s) show No data") in barking[0].warnings, warnings


NEIGHBOUR_CONTEXT = re.compile(r"neighbour|\bSN\b|mean of", re.IGNORECASE)


@pytest.fixture(scope="module")
def herefordshire(tmp_path_factory):
    """`scorecard init <folder> --la E06000019`, then `scorecard build` inside the new folder: the issue's 'done when'."""
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("councils") / "herefordshire"
    init = subprocess.run([sys.executable, "-m", "workbook_builder", "init", str(folder), "--la", "E06000019"],
                          cwd=ROOT, capture_output=True, text=True)
    assert init.returncode == 0, init.stderr
    built = subprocess.run([sys.executable, "-m", "workbook_builder", "build", "--built-at", FIXED_BUILT_AT],
                           cwd=folder, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    return folder, init, built


def test_init_writes_a_workspace_that_stands_alone(herefordshire):
    folder, init, _built = herefordshire
    assert (folder / "scorecard.yaml").read_text(encoding="utf-8").splitlines()[2:4] == ["la: E06000019", 'name: "Herefordshire"']
    assert sorted(p.name for p in (folder / "templates").iterdir()) == ["appendix_2.xlsx", "appendix_x.xlsx", "send_dashboard.xlsx"]
    assert {"appendix_x.yaml", "local_authorities.csv", "statistical_neighbours.csv", "published.yaml"} <= {p.name for p in (folder / "mappings").iterdir()}
    readme = (folder / "inputs" / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# Inputs for Herefordshire's scorecards") and "## `chat/ChAT_*.xlsx`" in readme
    assert "`response_id`, `date`, `respondent_type`, `outcome`, `question`, `score`" in readme  # columns and an example each
    assert (folder / "inputs" / "chat").is_dir() and not any((folder / "inputs" / "chat").iterdir())
    lines = init.stdout.splitlines()
    assert lines[0].startswith(f"Workspace for Herefordshire (E06000019) created in {folder}")
    assert "appendix_x: 22 measures; 22 values located; 26 marked not available; 39 waiting for a local extract" in lines[2]
    assert lines[4].startswith("Still missing (their rows say No data until they are added): annex_a (inputs/annex_a/AnnexA_*.xlsx), "
                               "chat (inputs/chat/ChAT_*.xlsx), ")


def test_init_refuses_a_folder_in_use(herefordshire):
    import subprocess
    import sys

    folder, _init, _built = herefordshire
    again = subprocess.run([sys.executable, "-m", "workbook_builder", "init", str(folder), "--la", "E06000019"],
                           cwd=ROOT, capture_output=True, text=True)
    assert again.returncode == 2 and "already exists and is not an empty folder" in again.stderr and "Traceback" not in again.stderr


def test_a_new_councils_workbooks_name_only_it_and_its_neighbours(herefordshire):
    folder, _init, built = herefordshire
    outputs = sorted((folder / "outputs").glob("*.xlsx"))
    assert [p.name for p in outputs] == ["Appendix 2 - Children's Services Performance Scorecard Workbook.xlsx",
                                         "Appendix X - Children's Transformation Outcomes Scorecard.xlsx", "SEND data dashboard.xlsx"]
    not_neighbours, names = others("E06000019"), la_names()
    neighbours = set(names) - not_neighbours - {"Herefordshire", "Herefordshire, County of"}
    assert "Shropshire" in neighbours  # so a leak of the sample LA's name would have to pass as a neighbour: it may not
    checked = 0
    for path in outputs:
        for sheet, cells in _texts(path, sheets_except=()).items():
            for ref, text in cells:
                checked += 1
                found = named_in(text, names) - {"Herefordshire", "Herefordshire, County of"}
                assert not found & not_neighbours, f"{path.name} '{sheet}'!{ref}: {text}"
                assert not found or NEIGHBOUR_CONTEXT.search(text), f"{path.name} '{sheet}'!{ref} names {found} outside a neighbour list: {text}"
        props = openpyxl.load_workbook(path).properties
        assert not named_in(f"{props.title} {props.subject}", names) - {"Herefordshire"}
    assert checked > 5000
    assert not named_in(built.stdout + built.stderr, names) - {"Herefordshire"}  # summaries and warnings
    card = openpyxl.load_workbook(outputs[1], data_only=True)["Scorecard"]
    header = next(r for r in range(1, 20) if card.cell(r, 13).value == "Key")
    assert card.cell(header, 4).value == "Herefordshire" and card["A4"].value.endswith("Do not publish these figures as Herefordshire's.")
    dashboard = openpyxl.load_workbook(outputs[2], data_only=True)["SEND dashboard"]
    assert dashboard["A1"].value == "Herefordshire SEND data dashboard"


def _inputs_with_manifest(tmp_path, edit):
    import shutil

    inputs = tmp_path / "inputs"
    shutil.copytree(ROOT / "inputs" / "sample", inputs)
    manifest = inputs / "MANIFEST.yaml"
    manifest.write_text(edit(manifest.read_text(encoding="utf-8")), encoding="utf-8")
    return inputs


def test_extracts_without_a_manifest_la_are_the_workspaces_not_any_las(tmp_path):
    """A manifest that does not say whose extracts it holds: they are the workspace's LA's (scorecard.yaml)."""
    inputs = _inputs_with_manifest(tmp_path, lambda text: text.replace("la: E06000051\n", ""))
    [result] = build(["appendix_x"], inputs=inputs, out_dir=tmp_path / "out", built_at=FIXED_BUILT_AT, root=ROOT, la="E06000019")
    from .helpers import Scorecard

    card = Scorecard(result.output)
    assert card.value("voice_influence_pct", "Herefordshire, County of") == "No data"  # not the sample LA's survey figure
    assert any("no local extract for Herefordshire, County of (the inputs folder holds LA E06000051's)" in w for w in result.warnings)


def test_a_manifest_la_is_an_la_code_whatever_its_case(tmp_path):
    from workbook_builder.build import validate
    from workbook_builder.errors import UserError

    lower = _inputs_with_manifest(tmp_path / "a", lambda text: text.replace("la: E06000051", "la: e06000051"))
    [report] = validate(["appendix_x"], inputs=lower, root=ROOT)
    assert report.no_extract == 0 and report.located == 61  # the workspace's own extracts, read
    typo = _inputs_with_manifest(tmp_path / "b", lambda text: text.replace("la: E06000051", "la: E0600005"))
    with pytest.raises(UserError, match=r"MANIFEST.yaml:4: la: unknown LA code 'E0600005'"):
        validate(["appendix_x"], inputs=typo, root=ROOT)


def test_another_las_targets_are_not_the_mappings_plan(barking):
    """The mappings state the sample LA's plan (targets_for: E06000051): another LA sees none of it."""
    from .helpers import Scorecard

    card = Scorecard(barking[1].output)
    assert card.value("eyfs_gld_pct", "Target / Trajectory") == "Not yet available"  # not the sample LA's "77% by 2028"
    assert card.value("eyfs_gld_pct", "RAG") == "No comparator"
    send = Scorecard(barking[0].output, sheet="SEND")
    row = next(m for m in send.rows if not m.startswith("section:"))
    assert [send.value(row, c) for c in ("Baseline", "Target 2026/27", "Target 2028/29")] == ["Not yet available"] * 3
    assert "Barking and Dagenham's own targets and baselines are not in the mapping yet (it holds LA E06000051's)" in send.value(row, "Notes")


def test_a_name_with_a_control_character_is_refused_where_it_is_written(tmp_path):
    import shutil

    from workbook_builder.errors import UserError
    from workbook_builder.workspace import load_workspace

    shutil.copytree(ROOT / "mappings", tmp_path / "mappings")
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    (tmp_path / "scorecard.yaml").write_text('la: E06000019\nname: "Here\\u000bford"\n', encoding="utf-8")
    with pytest.raises(UserError, match=r"scorecard.yaml:2: name: the LA's name 'Here\\x0bford' is empty or holds a control character"):
        load_workspace(tmp_path)


def test_an_la_knows_its_codes_however_they_are_written():
    """One rule for every place that asks (finding an LA, whose targets a mapping holds, init's summary)."""
    from workbook_builder.authorities import find_authority

    la = find_authority(ROOT / "mappings" / "local_authorities.csv", " e06000051 ")
    assert (la.code, la.old_code) == ("E06000051", "893")
    assert [la.has_code(c) for c in ("E06000051", "e06000051", " 893 ", "893 ", "E06000052", "", "  ")] == [
        True, True, True, True, False, False, False]
