"""Appendix 2 built from the sample inputs: statutory indicators, demand, SEND trajectory, summary, audiences."""

from __future__ import annotations

import openpyxl
import pytest

from workbook_builder.build import build
from workbook_builder.measures.mapping import load_mapping

from .conftest import FIXED_BUILT_AT, ROOT
from .helpers import Scorecard, half_up, sha256

SAMPLE = ROOT / "inputs" / "sample"
MAPPING = load_mapping(ROOT / "mappings" / "appendix_2.yaml")
SHEETS = sorted({MAPPING.sheet_of(s) for s in MAPPING.sections})


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("a2")
    [result] = build(["appendix_2"], inputs=SAMPLE, out_dir=out, built_at=FIXED_BUILT_AT, root=ROOT)
    return result


def sheet(built, name) -> Scorecard:
    return Scorecard(built.output, sheet=name)


def test_all_23_chat_comparison_rows_with_published_values(built):
    card = sheet(built, "Statutory indicators")
    statutory = [m.id for s in MAPPING.sections if s.id.startswith("statutory") for m in s.measures]
    assert len(statutory) == 23 and set(statutory) <= set(card.rows)
    row = "assessments_45_days_pct"
    assert [card.value(row, c) for c in ("Shropshire (latest)", "Previous", "Stat Neighbours", "England",
                                         "LA vs mid-50% of all LAs", "Published", "RAG")] == [87, 68, 81, 86, "Lower", "2024-25", "G"]
    assert card.value(row, "Direction") == "▲ Up"  # 87% against 68% published: up, and higher is better
    assert card.value("icpc_15_days_pct", "RAG") == "R"  # 77% against England 81%, tolerance 2
    assert card.value("a10_days", "RAG") == "R" and card.value("a10_days", "Direction") == "▲ Up"  # 654 days against 475
    assert card.value("referrals_rate", "RAG") == "Not rated"  # demand is context, not judged


def test_demand_counts_and_annualised_rates(built):
    card = sheet(built, "Demand")
    assert card.value("referrals_6m", "Shropshire (latest)") == 633
    assert card.value("referrals_annual_rate", "Shropshire (latest)") == round(633 * 2 / 60200 * 10000)  # 210, as ChAT
    assert card.value("referrals_annual_rate", "Stat Neighbours") == 477
    assert card.value("contacts_6m", "Stat Neighbours") == "Not yet available"
    audit = next(a for a in card.audit() if a["Measure id"] == "referrals_annual_rate" and a["Series"] == "Shropshire")
    assert audit["Transformation"].startswith("633 ÷ 60200 × 20000, rounded to 0 dp")


def test_send_reform_plan_baselines_targets_and_trajectory_rag(built):
    card = sheet(built, "SEND")
    row = "ehcp_20_weeks_pct"
    assert [card.value(row, c) for c in ("Baseline", "Shropshire (latest)", "Target 2026/27", "Target 2027/28", "Target 2028/29")] == \
        [20, 38, 65, "Improving in line with target metrics", 90]
    assert card.value(row, "RAG") == "R"  # 38% against the 2026/27 trajectory of 65%, tolerance 10
    assert card.value("eaho_ep_count", "RAG") == "A"  # 1,102 against 1,150, tolerance 60
    assert card.value("inmss_pct", "RAG") == "A"  # 9.3% against 9%, lower is better, tolerance 0.5
    baseline = next(a for a in card.audit() if a["Measure id"] == row and a["Series"] == "Baseline")
    assert baseline["Source"] == "mapping" and baseline["Mapping"].startswith("mappings/appendix_2.yaml:")
    assert baseline["SHA-256"] == sha256(ROOT / "mappings" / "appendix_2.yaml")


def test_workforce_rows_take_dfe_s_workforce_census_and_supervision_is_in_development(built):
    card = sheet(built, "Workforce")
    # the sample's DfE workforce file (csww_indicators_*.csv): Shropshire 30 September 2025, and 2024 as previous
    expected = {"sw_caseload": (16, 17), "agency_sw_pct": (18, 20), "sw_vacancy_pct": (17, 19), "sw_turnover_pct": (15, 17)}
    for measure, (latest, previous) in expected.items():
        assert (card.value(measure, "Shropshire (latest)"), card.value(measure, "Previous")) == (latest, previous), measure
    audit = next(a for a in card.audit() if a["Measure id"] == "sw_caseload" and a["Series"] == "Shropshire")
    assert audit["Source file"] == "inputs/sample/dfe/csww_indicators_2024_to_2025.csv" and audit["Period"] == "2025"
    assert card.value("supervision_in_time_pct", "Shropshire (latest)") == "In development"
    assert "Workforce data definitions" in card.value("supervision_in_time_pct", "Notes")


def test_summary_carries_the_headline_figures_for_each_theme(built):
    ws = openpyxl.load_workbook(built.output, data_only=True)["Summary"]
    rows = {ws.cell(r, 1).value: ws.cell(r, 5).value for r in range(5, 14)}
    assert rows["Demand (Front Door)"].startswith("Contacts in the last 6 months: 6,491; Referrals in the last 6 months: 633")
    assert "Children looked after who had their annual health assessment: 65%" in rows["Health & Compliance (CLA)"]
    assert rows["Workforce & Capacity"].startswith(
        "Average caseload of children and family social workers: 16; Agency children and family social workers: 18%")


def test_cover_lists_data_currency_and_sample_warning(built):
    ws = openpyxl.load_workbook(built.output, data_only=True)["Cover"]
    cells = [[ws.cell(r, c).value for c in range(1, 5)] for r in range(1, ws.max_row + 1)]
    assert ["Children's Services Analysis Tool export (computed from Annex A)", "inputs/sample/chat/ChAT_Shropshire_2026-06-18.xlsx",
            "ChAT 18/06/2026", "Yes"] in cells  # the mapping's chat/ChAT_*.xlsx matched the one export in the folder
    assert ws["A5"].value.startswith("CONTAINS SAMPLE DATA") and ws["A5"].value.endswith("Do not publish these figures as Shropshire's.")


def test_every_number_on_every_sheet_has_a_matching_audit_row(built):
    audit = {a["Cell"]: a for a in sheet(built, "Statutory indicators").audit()}
    checked = 0
    for name in SHEETS:
        card = sheet(built, name)
        for measure, row in card.rows.items():
            if measure.startswith("section:"):
                continue
            for column in ("Shropshire (latest)", "Previous", "Stat Neighbours", "England", "Baseline", "Mean score (1–5)", "Responses"):
                if column not in card.cols:
                    continue
                value = card.value(measure, column)
                if isinstance(value, (int, float)):
                    entry = audit[f"'{name}'!{card.ref(measure, column)}"]
                    assert entry["Value"] == value and entry["SHA-256"] == sha256(ROOT / entry["Source file"])
                    checked += 1
    assert checked > 200


def test_scrutiny_audience_builds_the_member_facing_subset(tmp_path):
    [result] = build(["appendix_2"], inputs=SAMPLE, out_dir=tmp_path, built_at=FIXED_BUILT_AT, root=ROOT, audience="scrutiny")
    assert result.output.name == "Appendix 2 - Children's Services Performance Scorecard Workbook (Scrutiny and Cabinet).xlsx"
    card = Scorecard(result.output, sheet="Statutory indicators")
    hidden = {m for m, r in card.rows.items() if card.ws.row_dimensions[r].hidden}
    assert "assessments_rate" in hidden and card.value("assessments_rate", "Shropshire (latest)") is None
    assert "rereferrals_pct" not in hidden and card.value("rereferrals_pct", "Shropshire (latest)") == 7.3  # from Annex A: 46 of 633
    scrutiny = {m.id for m in MAPPING.measures() if "scrutiny" in m.audiences}
    assert result.measures == len(scrutiny) < len(MAPPING.measures())


def _chart_ranges(path):
    import re
    import zipfile

    with zipfile.ZipFile(path) as package:
        charts = sorted(n for n in package.namelist() if n.startswith("xl/charts/chart"))
        return [re.findall(r"<c:f>([^<]+)</c:f>", package.read(n).decode()) for n in charts]


def test_statutory_charts_draw_la_sn_and_england_from_the_filled_cells(built):
    card = sheet(built, "Statutory indicators")
    every = _chart_ranges(built.output)
    charts = [f for f in every if len([x for x in f if "$A$" not in x and not x.endswith("$4")]) == 3]
    assert len(charts) == 3  # percentages, rates, adoption days: three series each
    for formulas in charts:
        values = [f for f in formulas if "$A$" not in f and not f.endswith("$4")]
        columns = {f.split("!")[1].split("$")[1] for f in values}
        assert columns == {card.cols["Shropshire (latest)"], card.cols["Stat Neighbours"], card.cols["England"]}
        first, last = (int(x) for x in values[0].split("!")[1].replace("$", "")[1:].split(":" + values[0].split("!")[1].split("$")[1]))
        keys = {card.ws[f"{card.cols['Key']}{r}"].value for r in range(first, last + 1)}
        assert keys and all(m in {x.id for x in MAPPING.measures()} for m in keys)  # every charted row is a measure row


def test_survey_sheet_reports_each_outcome_by_respondent(built):
    card = sheet(built, "Survey")
    assert len([k for k in card.rows if not k.startswith("section:")]) == 18  # six outcomes x all / CYP / parent carers
    row = "survey_voice_is_heard_all"
    assert card.value(row, "Shropshire (latest)") == 55.8 and card.value(row, "Previous") == 55.7  # the term before
    assert 1 <= card.value(row, "Mean score (1–5)") <= 5 and card.value(row, "Responses") == 197


def _seed_comparison_table():
    """The 23 rows of the ChAT comparison table as printed in the committee paper (seed 002)."""
    seed = next((ROOT.parent / "shared" / "seeds").glob("002_*.txt"))
    rows = {}
    for line in seed.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if len(cells) >= 8 and cells[-1].strip() == "2024-25":
            label, latest, direction, _, la, sn, eng, position = [c.strip() for c in cells[:8]]
            rows[label] = (int(latest), int(la), int(sn), int(eng), position)
    return rows


def test_statutory_rows_equal_the_papers_table_exactly(built, shared_data):
    seed = _seed_comparison_table()
    assert len(seed) == 23
    card = sheet(built, "Statutory indicators")
    by_label = {m.label: m.id for s in MAPPING.sections if s.id.startswith("statutory") for m in s.measures}
    for label, (latest, la, sn, eng, position) in seed.items():
        measure = by_label[label]
        shown = card.value(measure, "Shropshire (latest)")
        if isinstance(shown, float):  # computed from the Annex A lists to 1 dp (7.3); ChAT prints it whole (7)
            shown = half_up(shown)
        assert [shown] + [card.value(measure, c) for c in ("Previous", "Stat Neighbours", "England",
                                                 "LA vs mid-50% of all LAs")] == [latest, la, sn, eng, position], label


def test_headline_figures_of_the_paper_appear_in_their_rows(built):
    expected = {("Demand", "contacts_6m"): 6491, ("Demand", "referrals_6m"): 633, ("Demand", "assessments_total_6m"): 1193,
                ("Demand", "assessments_6m"): 920, ("Demand", "s47_6m"): 436, ("Demand", "icpcs_6m"): 154,
                ("Cohorts", "cin_count"): 1360, ("Cohorts", "cp_count"): 224, ("Cohorts", "cla_count"): 666}
    for (name, measure), figure in expected.items():
        assert sheet(built, name).value(measure, "Shropshire (latest)") == figure, measure


def test_a_trend_line_for_every_measure_with_a_previous_value_in_its_source(built):
    from workbook_builder.measures.mapping import Locator, Published

    with_previous = [m for s in MAPPING.sections if MAPPING.sheet_of(s) != "SEND" for m in s.measures
                     if isinstance(m.series.get("previous"), (Locator, Published))]
    lines = [f for f in _chart_ranges(built.output) if len(f) == 2]  # categories, values (the name is text)
    assert len(lines) == len(with_previous) > 40
    card = sheet(built, "Statutory indicators")
    values = next(f[1] for f in lines if f[1].startswith("'Statutory indicators'!"))
    row = int(values.split("$")[-1])
    assert values == f"'Statutory indicators'!${card.cols['Previous']}${row}:${card.cols['Shropshire (latest)']}${row}"
