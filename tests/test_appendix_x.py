"""Appendix X built end to end from the bundled sample inputs: values, judgements, audit, sources."""

from __future__ import annotations

import pytest

from workbook_builder.measures.mapping import load_mapping

from .conftest import FIXED_BUILT_AT, ROOT
from .helpers import Scorecard, sha256

SAMPLE = ROOT / "inputs" / "sample"


MEASURES = {m.id: m for m in load_mapping(ROOT / "mappings" / "appendix_x.yaml").measures()}


@pytest.fixture(scope="module")
def card(sample_build) -> Scorecard:
    return Scorecard(sample_build.output)


def test_every_outcome_and_measure_has_a_row(card):
    mapping = load_mapping(ROOT / "mappings" / "appendix_x.yaml")
    assert len(mapping.measures()) == 22
    assert set(card.rows) >= {m.id for m in mapping.measures()}
    titles = [card.ws[f"A{r}"].value for r in range(1, card.ws.max_row + 1)]
    for title in ["1) MY VOICE IS HEARD", "2) I HAVE INDEPENDENCE", "3) I AM ACHIEVING", "4) I AM HEALTHY AND HAPPY",
                  "5) I AM SUPPORTED", "6) I FEEL SAFE", "SYSTEM SUSTAINABILITY / ENABLERS (not an outcome)"]:
        assert title in titles


@pytest.mark.parametrize("measure, la, sn, england, previous", [
    # ChAT latest (paper's comparison table) against DfE published LA / SN mean / England
    ("repeat_referrals_pct", 7.3, 18, 21, 13),  # Annex A: 46 of 633 (ChAT prints 7)
    ("cpp_second_plan_pct", 18.8, 27, 25, 21),  # Annex A: 32 of 170 (ChAT prints 19)
    ("cpp_over_2_years_pct", 0, "Not yet available", "Not yet available", 3),  # DfE's plans-ceased table is not in hand
    ("cla_rate_per_10k", 111, 68, 67, 119),
    ("care_leavers_eet_19_21_pct", 54, 59, 54, 50),
    # local extracts against DfE-format benchmarks
    ("ehcp_20_week_pct", 38, 51, 46, 20),
    ("attendance_send_ehcp_pct", 84.8, 87.9, 87.6, 84.1),
])
def test_input_figures_arrive_in_the_right_cells(card, measure, la, sn, england, previous):
    assert card.value(measure, "Shropshire") == la
    assert card.value(measure, "Stat Neighbours") == sn
    assert card.value(measure, "England") == england
    assert card.value(measure, "Previous") == previous


def test_computed_ratio_from_chat_placements(card):
    # Children's Homes 131 of 665 placements in the ChAT placements table
    assert card.value("cla_childrens_homes_pct", "Shropshire") == 19.7
    row = next(a for a in card.audit() if a["Measure id"] == "cla_childrens_homes_pct" and a["Series"] == "Shropshire")
    assert "131 ÷ 665 × 100, rounded to 1 dp" in row["Transformation"]
    assert "'Placements'!E" in row["Locator"]


def test_not_available_is_shown_with_reason_never_zero_or_blank(card):
    assert card.value("voice_influence_pct", "Stat Neighbours") == "Not yet available"
    assert card.value("cla_childrens_homes_pct", "England") == "Not yet available"
    notes = card.value("cla_childrens_homes_pct", "Notes")
    assert "placement-type extract" in notes
    for measure in card.rows:
        if measure.startswith("section:"):
            continue
        for column in ("Shropshire", "Stat Neighbours", "England"):
            assert card.value(measure, column) not in (None, ""), (measure, column)


def test_exact_duplicate_dfe_rows_are_tolerated_and_recorded(card):
    # the sample CLA rate file repeats every England row, as some DfE files do
    row = next(a for a in card.audit() if a["Measure id"] == "cla_rate_per_10k" and a["Series"] == "England")
    assert row["Value"] == 67 and "1 exact duplicate(s) ignored" in row["Locator"]


def test_suppressed_neighbour_is_left_out_and_counted(card):
    row = next(a for a in card.audit() if a["Measure id"] == "cpp_second_plan_pct" and a["Series"] == "SN")
    assert row["Transformation"].startswith("mean of 9 of 10 statistical neighbours (Herefordshire, County of: c left out)")
    assert "Herefordshire" in card.value("cpp_second_plan_pct", "Notes")


def test_every_numeric_value_has_a_matching_audit_row(card):
    audit = {(a["Cell"]): a for a in card.audit() if a["Series"] in ("Shropshire", "SN", "England", "Previous")}
    periods = {"chat": {"ChAT 18/06/2026"}, "survey": {"2025-26 Summer", "2025-26 Spring"}}
    checked = 0
    for measure in card.rows:
        if measure.startswith("section:"):
            continue
        for column in ("Shropshire", "Stat Neighbours", "England", "Previous"):
            value = card.value(measure, column)
            entry = audit[f"'Scorecard'!{card.ref(measure, column)}"]
            assert entry["Value"] == value
            if isinstance(value, (int, float)):
                assert entry["SHA-256"] == sha256(ROOT / entry["Source file"])
                assert entry["Mapping"].startswith("mappings/appendix_x.yaml:")
                assert entry["Built at"] == FIXED_BUILT_AT
                if entry["Source"].startswith("dfe_"):  # published data: the latest year, unless the mapping asks for the one before
                    series = {"Shropshire": "la", "Stat Neighbours": "sn", "England": "england", "Previous": "previous"}[column]
                    wanted = MEASURES[measure].series[series].period
                    assert entry["Period"] in ({"2024", "2023-24"} if wanted == "previous" else {"2025", "2024-25"}), \
                        (measure, column, entry["Period"])
                elif entry["Source"] in periods:
                    assert entry["Period"] in periods[entry["Source"]], (measure, column, entry["Period"])
                else:
                    assert entry["Period"], (measure, column)
                checked += 1
    assert checked == 61  # 22 Shropshire + 9 SN + 9 England + 21 previous values are numbers in the sample build


def test_audit_cells_link_to_the_cells_they_explain(sample_build):
    import openpyxl

    ws = openpyxl.load_workbook(sample_build.output)["Audit"]
    card = Scorecard(sample_build.output)
    links = {c.hyperlink.location for c in ws["A"][1:] if c.hyperlink}
    for measure in ("repeat_referrals_pct", "cla_rate_per_10k"):
        for column in ("Shropshire", "Stat Neighbours", "England", "RAG"):
            assert f"'Scorecard'!{card.ref(measure, column)}" in links
    assert all(ws[f"A{c.row}"].value == c.hyperlink.location for c in ws["A"][1:] if c.hyperlink)
    assert len(links) == ws.max_row - 1


def test_rag_is_text_and_live_conditional_formatting(card):
    # repeat referrals 7% against England 21%, lower is better: green
    assert card.value("repeat_referrals_pct", "RAG") == "G"
    # CLA rate 111 against SN 68 (tolerance 10), lower is better: red
    assert card.value("cla_rate_per_10k", "RAG") == "R"
    # INMSS 9.3% against a 9% target with 0.5 tolerance, lower is better: amber
    assert card.value("independent_placement_pct", "RAG") == "A"
    assert card.value("voice_influence_pct", "RAG") == "G"  # survey: 55.8% up from 55.7% last term
    assert card.value("cla_childrens_homes_pct", "RAG") == "Not rated"
    formula = card.formula("cla_rate_per_10k", "RAG")
    row = card.rows["cla_rate_per_10k"]
    assert formula == (f'=IF(NOT(ISNUMBER($D{row})),"No data",IF(NOT(ISNUMBER($E{row})),"No comparator",'
                       f'IF($D{row}<=$E{row},"G",IF($D{row}<=$E{row}+10,"A","R"))))')
    rules = {(str(cf.sqref), rule.formula[0]) for cf in card.ws.conditional_formatting for rule in cf.rules}
    first = min(r for k, r in card.rows.items() if not k.startswith("section:"))
    last = max(r for k, r in card.rows.items() if not k.startswith("section:"))
    for rag in "GAR":
        assert (f"D{first}:D{last} I{first}:I{last}", f'$I{first}="{rag}"') in rules


def test_direction_arrow_and_colour_follow_polarity(card):
    assert card.value("cla_rate_per_10k", "Direction") == "▼ Down"  # 111 from 119: lower is better, good
    assert card.value("ehcp_20_week_pct", "Direction") == "▲ Up"
    assert card.value("cla_childrens_homes_pct", "Direction") == "–"  # no previous value
    lower_rows = sorted(card.rows[m] for m in ("cla_rate_per_10k", "repeat_referrals_pct"))
    rules = [(str(cf.sqref).split(), [r.formula[0] for r in cf.rules]) for cf in card.ws.conditional_formatting]
    lower = next((cells, formulas) for cells, formulas in rules if f"J{lower_rows[0]}" in cells and f"J{lower_rows[1]}" in cells)
    top = int(lower[0][0][1:])
    assert lower[1][0] == f"AND(ISNUMBER($D{top}),ISNUMBER($K{top}),$D{top}<$K{top})"  # down is good


def test_sources_sheet_lists_every_input_with_fingerprint_and_sample_flag(card):
    sources = {s["Source"]: s for s in card.sources()}
    assert set(sources) >= {"chat", "local", "finance", "published:cla_number_and_rate_per_10k_children.csv",
                            "published:c1_children_in_need_referrals_and_rereferrals_2024_to_2025.csv", "statistical_neighbours", "mapping", "template"}
    chat = sources["chat"]
    assert chat["SHA-256"] == sha256(SAMPLE / "chat" / "ChAT_Shropshire_2026-06-18.xlsx")
    assert chat["Sample data"] == "Yes" and "committee paper" in chat["Note"]
    assert chat["Periods covered"] == "ChAT 18/06/2026"
    assert sources["published:cla_number_and_rate_per_10k_children.csv"]["Periods covered"] == "2025"
    assert sources["statistical_neighbours"]["Sample data"] == "No"
    assert sources["published:cla_number_and_rate_per_10k_children.csv"]["Size (bytes)"] == (SAMPLE / "dfe" / "cla_number_and_rate_per_10k_children.csv").stat().st_size


def test_cover_says_it_contains_sample_data(card):
    note = card.vs["A4"].value
    assert note.startswith("CONTAINS SAMPLE DATA: 14 of 15 input files")
    assert "Built 2026-07-01 09:00:00 UTC" in card.vs["A3"].value


def test_template_is_never_modified_and_rebuild_is_byte_identical(tmp_path, sample_build):
    from workbook_builder.build import build

    template = ROOT / "templates" / "appendix_x.xlsx"
    before = sha256(template)
    [again] = build(["appendix_x"], inputs=SAMPLE, out_dir=tmp_path, built_at=FIXED_BUILT_AT, root=ROOT)
    assert sha256(template) == before
    assert again.output.read_bytes() == sample_build.output.read_bytes()


def test_source_date_epoch_makes_rebuilds_byte_identical(tmp_path, monkeypatch):
    from workbook_builder.build import build

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1782896400")  # 2026-07-01 09:00:00 UTC
    first = build(["appendix_x"], inputs=SAMPLE, out_dir=tmp_path / "a", root=ROOT)[0].output
    second = build(["appendix_x"], inputs=SAMPLE, out_dir=tmp_path / "b", root=ROOT)[0].output
    assert first.read_bytes() == second.read_bytes()
    assert "Built 2026-07-01 09:00:00 UTC" in Scorecard(first).vs["A3"].value


def test_a_benchmark_dfe_publishes_in_a_file_not_in_hand_says_which_file_it_needs(card):
    assert card.value("cpp_over_2_years_pct", "England") == "Not yet available"
    assert "SN and England: needs DfE's Children in need table of CP plans ceasing in the year by length of plan" in \
        card.value("cpp_over_2_years_pct", "Notes")
