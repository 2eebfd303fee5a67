"""Builders take SN, England and position for DfE-published measures from DfE's per-LA rows
(issue 5, part 5): through the same benchmark() code as `scorecard reconcile`, with provenance."""

from __future__ import annotations

import shutil

import pytest

from workbook_builder.build import build
from workbook_builder.cli import main
from workbook_builder.measures.mapping import Published, load_mapping
from workbook_builder.measures.published import benchmark, load_published
from workbook_builder.sources.dfe import DfeTable
from workbook_builder.sources.neighbours import read_neighbours

from .conftest import FIXED_BUILT_AT, ROOT, releases_2024
from .helpers import Scorecard, fitted

SAMPLE = ROOT / "inputs" / "sample"
PUBLISHED = load_published(ROOT / "mappings" / "published.yaml")
SHROPSHIRE = {"E06000051", "893"}
NEIGHBOURS = read_neighbours(ROOT / "mappings" / "statistical_neighbours.csv", SHROPSHIRE)
A2 = load_mapping(ROOT / "mappings" / "appendix_2.yaml")
# Appendix 2's ChAT-comparison rows whose benchmarks DfE publishes per LA -> published.yaml id
A2_PUBLISHED = {m.id: m.series["sn"].published for s in A2.sections if s.id.startswith("statutory") for m in s.measures
                if isinstance(m.series.get("sn"), Published)}


def _benchmark(measure_id, folder, period):
    measure = PUBLISHED[measure_id]
    [path] = folder.glob(measure.file)  # the one release of the file in the folder
    return benchmark(measure_id, *fitted(measure_id, measure, DfeTable.read(path)), SHROPSHIRE, period, NEIGHBOURS)


def _chat_comparison():
    from workbook_builder.sources.tables import find_table, read_grid

    table = find_table(read_grid(SAMPLE / "chat" / "ChAT_Shropshire_2026-06-18.xlsx", "Comparison"))
    return {str(r["indicator"]): r for _, r in table.records()}


@pytest.fixture(scope="module")
def a2(tmp_path_factory):
    [result] = build(["appendix_2"], inputs=SAMPLE, out_dir=tmp_path_factory.mktemp("a2"), built_at=FIXED_BUILT_AT, root=ROOT)
    return Scorecard(result.output, sheet="Statutory indicators")


def test_eleven_chat_comparison_rows_take_their_benchmarks_from_published_data():
    assert A2_PUBLISHED == {
        "rereferrals_pct": "cin_rereferral_child_pct", "cp_second_plan_pct": "cp_second_subsequent_pct",  # ChAT's are child-based
        "cla_missing_pct": "cla_missing_pct", "cla_away_pct": "cla_away_pct", "cla_dental_pct": "cla_dental_check_pct",
        "cla_health_assessment_pct": "cla_health_assessment_pct", "cla_ceased_adopted_pct": "cla_ceased_adopted_pct",
        "cla_ceased_sgo_pct": "cla_ceased_sgo_pct", "cl_19_21_accommodation_pct": "care_leavers_19_21_suitable_accommodation_pct",
        "cl_19_21_eet_pct": "care_leavers_19_21_eet_pct", "cla_rate": "cla_rate_per_10k"}


def test_appendix_2_benchmarks_equal_benchmark_over_the_per_la_files(a2):
    for row, measure_id in A2_PUBLISHED.items():
        bench = _benchmark(measure_id, SAMPLE / "dfe", "2025")
        shown = [a2.value(row, c) for c in ("Previous", "Stat Neighbours", "England", "LA vs mid-50% of all LAs")]
        assert shown == [bench.la, bench.sn_average, bench.england, bench.position], row


def test_sample_per_la_files_agree_with_the_chat_comparison_table(a2):
    """The sample's DfE files are synthetic for the other LAs, but Shropshire, the SN mean, England and the
    mid-50% position computed over all 153 LAs are what the paper's ChAT comparison table prints."""
    chat = _chat_comparison()
    for row in A2_PUBLISHED:
        label = next(m.label for s in A2.sections for m in s.measures if m.id == row)
        printed = chat[label]
        shown = [a2.value(row, c) for c in ("Previous", "Stat Neighbours", "England", "LA vs mid-50% of all LAs")]
        assert shown == [printed["la published"], printed["sns published"], printed["england published"],
                         printed["la compared to mid-50% range of all las"]], row


def test_published_cells_say_where_they_came_from(a2):
    audit = {(a["Measure id"], a["Series"]): a for a in a2.audit()}
    sn = audit["cla_away_pct", "SN"]
    assert sn["Source file"] == "inputs/sample/dfe/la_children_who_were_missing_or_away_from_placement_without_authorisation.csv"
    assert sn["Transformation"].startswith("mean of 9 of 10 statistical neighbours (Herefordshire, County of: c left out)")
    assert "mappings/published.yaml 'cla_away_pct'" in sn["Transformation"] and sn["Period"] == "2025"
    position = audit["cla_rate", "LA vs mid-50% of all LAs"]
    assert position["Value"] == "Higher" and "153 LAs" in position["Transformation"]
    england = audit["cla_rate", "England"]
    assert england["Value"] == 67 and "1 exact duplicate(s) ignored" in england["Locator"]
    assert audit["cla_rate", "Shropshire"]["Source"] == "annex_a"  # the LA's latest figure stays the local one (from Annex A)


def test_build_against_the_real_dfe_files(shared_data, tmp_path):
    """--published points the builders at DfE's real per-LA files: SN and England are the real 2024 figures."""
    [result] = build(["appendix_x"], inputs=SAMPLE, out_dir=tmp_path, built_at=FIXED_BUILT_AT, root=ROOT, published=releases_2024(shared_data))
    card = Scorecard(result.output)
    real = _benchmark("cla_rate_per_10k", shared_data / "dfe", "2024")
    assert (real.la, real.england) == (121, 70)
    assert [card.value("cla_rate_per_10k", c) for c in ("Previous", "Stat Neighbours", "England")] == [real.la, real.sn_average, real.england]
    eet = _benchmark("care_leavers_19_21_eet_pct", shared_data / "dfe", "2024")
    assert card.value("care_leavers_eet_19_21_pct", "Stat Neighbours") == eet.sn_average
    audit = next(a for a in card.audit() if a["Measure id"] == "cla_rate_per_10k" and a["Series"] == "SN")
    assert audit["Source file"] == "dfe/cla_number_and_rate_per_10k_children.csv" and audit["Period"] == "2024"  # with its release folder
    assert f"mean of {real.sn_count} of 10 statistical neighbours" in audit["Transformation"]
    sources = {s["Source"]: s for s in card.sources()}
    assert sources["published:cla_number_and_rate_per_10k_children.csv"]["Sample data"] == "No"


def test_missing_published_folder_is_a_clear_error(tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        main(["build", "--workbook", "appendix_x", "--published", str(tmp_path / "nowhere"), "--out", str(tmp_path)])
    assert exit_info.value.code == 2 and not list(tmp_path.glob("*.xlsx"))


def test_unknown_published_id_names_the_mapping_line(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(ROOT / "mappings", root / "mappings")
    shutil.copytree(ROOT / "templates", root / "templates")
    path = root / "mappings" / "appendix_x.yaml"
    text = path.read_text(encoding="utf-8")
    line = next(i for i, text_line in enumerate(text.splitlines(), 1) if "sn: {published: cla_rate_per_10k}" in text_line)
    path.write_text(text.replace("sn: {published: cla_rate_per_10k}", "sn: {published: cla_rate_per_100k}"), encoding="utf-8")
    from workbook_builder.errors import UserError

    with pytest.raises(UserError) as error:
        build(["appendix_x"], inputs=SAMPLE, out_dir=tmp_path / "out", built_at=FIXED_BUILT_AT, root=root, la="E06000051")
    assert f"appendix_x.yaml:{line}" in error.value.message and "cla_rate_per_100k" in error.value.message
    assert "cla_rate_per_10k" in error.value.hint and not (tmp_path / "out").exists()


def test_published_only_batch_builds_one_workbook_per_la_with_its_own_neighbours(shared_data, tmp_path):
    """`build --la … --published-only` (issue 7's regional batch): each LA's published figures and its own SN mean."""
    from workbook_builder.batch import build_published

    results = build_published("appendix_2", ["E09000002", "893"], inputs=SAMPLE, out_dir=tmp_path, root=ROOT,
                              published=releases_2024(shared_data), built_at=FIXED_BUILT_AT).results
    assert [r.output.name for r in results] == [
        "Appendix 2 - Children's Services Performance Scorecard Workbook - DfE published - Barking and Dagenham.xlsx",
        "Appendix 2 - Children's Services Performance Scorecard Workbook - DfE published - Shropshire.xlsx"]
    codes = {"E09000002", "301"}
    neighbours = read_neighbours(ROOT / "mappings" / "statistical_neighbours.csv", codes)
    measure = PUBLISHED["cla_rate_per_10k"]
    table = DfeTable.read(shared_data / "dfe" / measure.file)
    latest = benchmark("cla_rate_per_10k", *fitted("cla_rate_per_10k", measure, table), codes, "2024", neighbours)
    before = benchmark("cla_rate_per_10k", *fitted("cla_rate_per_10k", measure, table), codes, "2023", neighbours)
    card = Scorecard(results[0].output, sheet="Statutory indicators")
    shown = [card.value("cla_rate", c) for c in ("Barking and Dagenham (DfE published)", "Previous", "Stat Neighbours", "England",
                                                 "LA vs mid-50% of all LAs")]
    assert shown == [latest.la, before.la, latest.sn_average, latest.england, latest.position]
    # a row DfE publishes in a file not read yet says so, with the file it needs (mapping's dfe_needs), never ChAT's figures
    assert card.value("assessments_45_days_pct", "Stat Neighbours") == "Not yet available"
    assert "needs DfE's Children in need publication, its per-LA table of assessments completed within 45 working days" in \
        card.value("assessments_45_days_pct", "Notes")
    assert "referrals_6m" not in {a["Measure id"] for a in card.audit()}  # rows with neither are Shropshire's own (ChAT): left out
    import openpyxl

    states = {ws.title: ws.sheet_state for ws in openpyxl.load_workbook(results[0].output, read_only=True).worksheets}
    assert states["Demand"] == states["Summary"] == "hidden"  # the sheets the pack fills nothing on: hidden, not shown empty
    assert states["Statutory indicators"] == states["Workforce"] == states["Cover"] == states["Audit"] == "visible"
    # 11 ChAT-comparison and 8 DfE rows (LA, previous, SN, England, region, position, published date), 4 workforce rows
    # (the same but the date), and 12 rows whose file is not here (LA, previous, SN, England, region, position: not available)
    assert results[0].values_filled == 11 * 7 + 8 * 7 + 4 * 6 + 12 * 6 and not any(r.sample for r in results)
    assert card.value("cla_rate", "Published") == "2023-24"  # the year ending 31 March 2024, the newest in the 2024 release


def test_a_full_build_is_for_one_la(tmp_path):
    for las in (["--la", "301", "--la", "893"], ["--la", "all"]):
        with pytest.raises(SystemExit) as exit_info:
            main(["build", *las, "--out", str(tmp_path)])
        assert exit_info.value.code == 2 and not list(tmp_path.iterdir())

