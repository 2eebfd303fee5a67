"""Ofsted's Annex A lists (issue 16): the real layouts read, and ChAT's measures computed from them.

The real files are in ``../shared/data/annex-a`` (Ofsted's 2019 template and fake child-level data in
the 2021 and 2024 layouts); the generated ones come from ``scripts/make_annex_a.py``, whose records the
tests recompute every measure from in plain Python (with numpy's business-day count for working days),
independently of the reader and of :mod:`workbook_builder.sources.annex_a_measures`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import importlib.util
import json
import re
from decimal import ROUND_HALF_UP, Decimal

import holidays
import numpy as np
import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from workbook_builder.errors import UserError
from workbook_builder.sources.annex_a import AnnexA, parse_date
from workbook_builder.sources.annex_a_measures import Window, annex_a_report, working_days

from .conftest import ROOT
from .test_mapping_and_cli import run

SAMPLE = ROOT / "inputs" / "sample" / "annex_a" / "AnnexA_Shropshire_2026-06-18.xlsx"
_spec = importlib.util.spec_from_file_location("make_annex_a", ROOT / "scripts" / "make_annex_a.py")
make_annex_a = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_annex_a)


@pytest.fixture(scope="module")
def annex_dir(shared_data):
    return shared_data / "annex-a"


# --- reading the real layouts -----------------------------------------------------------------------------

def test_every_layout_is_read_by_list_number_whatever_the_sheet_is_called(annex_dir):
    template_a = AnnexA.read(annex_dir / "ofsted_template_2019_sample_a.xlsx")
    template_b = AnnexA.read(annex_dir / "ofsted_template_2019_sample_b.xlsx")
    assert template_a.sheets[3] == "List_3" and template_b.sheets[3] == "List 3"  # one file names it with a space
    assert list(template_a.sheets) == list(range(1, 12))
    referrals = template_a.records(3)
    assert referrals.header_row == 2  # under the title row "List 3: Referral"
    raw = CalamineWorkbook.from_path(str(annex_dir / "ofsted_template_2019_sample_a.xlsx")).get_sheet_by_name("List_3").to_python()
    assert raw[0][0] == "List 3: Referral"
    assert referrals.child_ids == [str(int(r[0])) for r in raw[2:] if r[0] != ""]
    assert referrals.rows == [3 + i for i in range(len(referrals))]
    assert referrals.dates("referral_date")[0] == raw[2][5]  # 2015-03-15, typed
    for name in ("annex_a_fake_2021.xlsx", "annex_a_fake_2024.xlsx"):
        annex = AnnexA.read(annex_dir / name)
        leavers = annex.records(9)
        assert leavers.header_row == 1 and len(leavers) == 6
        assert leavers.child_ids[:3] == ["7961370", "10414520", "13782635"]
        assert leavers.codes("in_touch")[0] == "yes" and leavers.codes("accommodation")[0] == "suitable"  # "a) Yes", "a) Suitable"
    assert AnnexA.read(annex_dir / "annex_a_fake_2024.xlsx").records(9).headers[9] == "Allocated Personal Advisor"  # 2024's new column


HAND_COUNTED = {  # the fake files' records, counted by hand (both layouts hold the same children)
    "2021-03-31": {"contacts": 0, "referrals": 0, "rereferral_12m_pct": None, "assessments_completed": 5, "assessments_45wd_pct": 0.0,
                   "icpcs": 3, "icpc_15wd_pct": 100.0, "cin_open": 5, "cp_open": 2, "cp_seen_alone_pct": 100.0,
                   "cp_second_subsequent_pct": 66.7, "cla_open": 4, "cla_health_assessment_pct": 100.0, "cla_dental_check_pct": 25.0,
                   "care_leavers_17_18_eet_pct": 66.7, "care_leavers_19_21_eet_pct": 66.7,
                   "care_leavers_19_21_suitable_accommodation_pct": 66.7},
    "2020-12-31": {"contacts": 5, "referrals": 6, "rereferral_12m_pct": 33.3, "s47_enquiries": 5, "icpcs": 3, "cp_open": 3},
}


@pytest.mark.parametrize("name", ["annex_a_fake_2021.xlsx", "annex_a_fake_2024.xlsx"])
@pytest.mark.parametrize("as_at", sorted(HAND_COUNTED))
def test_the_fake_files_give_the_figures_counted_by_hand(annex_dir, name, as_at):
    report = annex_a_report(annex_dir / name, as_at, 6)
    assert {k: report.figures[k].value for k in HAND_COUNTED[as_at]} == HAND_COUNTED[as_at]
    # two of the three ICPCs: strategy discussion 16 Sep 2020, conference 5 Oct 2020 = 13 working days
    assert working_days(dt.date(2020, 9, 16), dt.date(2020, 10, 5)) == 13


# --- windows and working days -----------------------------------------------------------------------------

def test_the_window_is_the_months_ending_on_and_including_the_as_at_date():
    assert Window(dt.date(2026, 3, 31), 6).start == dt.date(2025, 10, 1)  # the example
    assert Window(dt.date(2026, 6, 18), 6).start == dt.date(2025, 12, 19)  # ChAT: "from 19/12/2025 to 18/06/2026" (seed 002)
    assert Window(dt.date(2026, 8, 31), 6).start == dt.date(2026, 3, 1)
    assert Window(dt.date(2025, 6, 30), 6).start == dt.date(2025, 1, 1)  # not 31 December: the day after, six months back
    assert Window(dt.date(2025, 9, 30), 1).start == dt.date(2025, 9, 1) and Window(dt.date(2026, 2, 28), 12).start == dt.date(2025, 3, 1)


def test_working_days_skip_weekends_and_englands_bank_holidays():
    assert working_days(dt.date(2025, 12, 19), dt.date(2026, 1, 5)) == 8  # Christmas, Boxing Day, New Year's Day skipped
    assert working_days(dt.date(2026, 4, 2), dt.date(2026, 4, 7)) == 1  # Good Friday, the weekend, Easter Monday
    assert working_days(dt.date(2026, 6, 18), dt.date(2026, 6, 18)) == 0


def test_dates_are_read_typed_as_text_or_as_serial_numbers():
    assert parse_date("2026-03-31T00:00:00") == parse_date("31/03/2026") == parse_date(46112) == dt.date(2026, 3, 31)
    assert parse_date("#N/A") == "#N/A" and parse_date(None) is None and parse_date("\u00a0") is None
    assert parse_date("2026/03/31") == parse_date("31/03/26") == parse_date("31 Mar 2026") == parse_date("31-Mar-26") == \
        parse_date("20260331") == dt.date(2026, 3, 31)
    assert parse_date("9999-06-01") == "9999-06-01" and parse_date(dt.date(1066, 10, 14)) == "1066-10-14"  # typing errors, not dates


# --- the sample: the paper's headline figures ----------------------------------------------------------------

def _seed_figure(label: str) -> int:
    seed = next((ROOT.parent / "shared" / "seeds").glob("002_*.txt")).read_text(encoding="utf-8")
    return int(re.search(re.escape(label) + r"\t([\d,]+)", seed)[1].replace(",", ""))


def test_the_sample_annex_a_gives_the_papers_chat_headline_figures(shared_data):
    report = annex_a_report(SAMPLE, "2026-06-18", 6)
    value = {k: f.value for k, f in report.figures.items()}
    assert value["contacts"] == _seed_figure("Contacts in the last 6 months") == 6491
    assert value["referrals"] == _seed_figure("Referrals in the last 6 months") == 633
    assert value["assessments"] == _seed_figure("Total assessments in the last 6 months") == 1193
    assert value["assessments_completed"] == _seed_figure("Assessments completed in the last 6 months") == 920
    assert value["s47_enquiries"] == _seed_figure("Section 47 enquiries in the last 6 months") == 436
    assert value["icpcs"] == _seed_figure("ICPCs that started from an S47 in the last 6 months") == 154
    assert value["cin_open"] == _seed_figure("Current children in need (snapshot)") == 1360
    assert value["cp_open"] == _seed_figure("Current children subject of a child protection plan (snapshot)") == 224
    assert value["cla_open"] == _seed_figure("Current children looked after (snapshot)") == 666
    # the comparison table's "Latest data (ChAT)" percentages, and paragraph 7.6's (rounded as ChAT prints them)
    rounded = {k: round(v) for k, v in value.items() if k.endswith("_pct")}
    assert {k: rounded[k] for k in ("rereferral_12m_pct", "assessments_45wd_pct", "icpc_15wd_pct", "cp_second_subsequent_pct",
                                    "cp_seen_alone_pct", "cla_health_assessment_pct", "cla_dental_check_pct",
                                    "care_leavers_17_18_eet_pct", "care_leavers_19_21_eet_pct",
                                    "care_leavers_19_21_suitable_accommodation_pct")} == {
        "rereferral_12m_pct": 7, "assessments_45wd_pct": 87, "icpc_15wd_pct": 77, "cp_second_subsequent_pct": 19,
        "cp_seen_alone_pct": 68, "cla_health_assessment_pct": 65, "cla_dental_check_pct": 45, "care_leavers_17_18_eet_pct": 58,
        "care_leavers_19_21_eet_pct": 54, "care_leavers_19_21_suitable_accommodation_pct": 93}
    assert (len(report.figures["assessments_45wd_pct"].numerator), len(report.figures["assessments_45wd_pct"].denominator)) == (800, 920)
    ceased = report.figures["cp_ceased_2yrs_plus_pct"]  # "0 of 138 children ended a CP plan after 2 years or more"
    assert (len(ceased.numerator), len(ceased.denominator)) == (0, 138)


def test_the_sample_is_what_the_generator_writes(tmp_path):
    again = make_annex_a.generate(tmp_path / SAMPLE.name)
    assert again.path.read_bytes() == SAMPLE.read_bytes()


# --- every measure recomputed from the generated rows, independently ---------------------------------------------

def _shift(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _busdays(start: dt.date, end: dt.date) -> int:
    closed = [np.datetime64(d) for d in holidays.country_holidays("GB", subdiv="ENG", years=range(start.year, end.year + 1))]
    return int(np.busday_count(np.datetime64(start + dt.timedelta(days=1)), np.datetime64(end + dt.timedelta(days=1)), holidays=closed))


def _is_date(value) -> bool:
    return isinstance(value, dt.date)


def _yes(value) -> bool:
    return str(value).lower() in ("yes", "a) yes")


def recompute(lists: dict[int, list[dict]], as_at: dt.date, months: int) -> dict:
    start = _shift(as_at + dt.timedelta(days=1), -months)
    inside = lambda d: _is_date(d) and start <= d <= as_at  # noqa: E731
    open_at = lambda r: _is_date(r["start"]) and r["start"] <= as_at and (r["end"] is None or (_is_date(r["end"]) and r["end"] >= as_at))  # noqa: E731
    pct = lambda num, den: None if not den else float(Decimal(100 * num / den).quantize(Decimal("0.1"), ROUND_HALF_UP))  # noqa: E731
    out = {"contacts": sum(inside(r["contact_date"]) for r in lists[1])}
    referrals = [r for r in lists[3] if inside(r["referral_date"])]
    out["referrals"] = len(referrals)
    repeat = [r for r in referrals if (r.get("referrals_12m") or 0) > 1 or any(
        o["child_id"] == r["child_id"] and _is_date(o["referral_date"]) and _shift(r["referral_date"], -12) <= o["referral_date"] < r["referral_date"]
        for o in lists[3])]
    out["rereferral_12m_pct"] = pct(len(repeat), len(referrals))
    done = [r for r in lists[4] if inside(r["authorised"])]
    out["assessments_completed"] = len(done)
    out["assessments"] = len(done) + sum(1 for r in lists[4] if _is_date(r["start"]) and r["start"] <= as_at
                                         and (r["authorised"] is None or r["authorised"] > as_at))
    out["assessments_45wd_pct"] = pct(sum(r["authorised"] >= r["start"] and _busdays(r["start"], r["authorised"]) <= 45 for r in done), len(done))
    out["children_seen_in_assessment_pct"] = pct(sum(_yes(r["child_seen"]) for r in done), len(done))
    out["s47_enquiries"] = sum(inside(r["strategy_date"]) for r in lists[5])
    held = [r for r in lists[5] if inside(r["icpc_date"])]
    out["icpcs"] = len(held)
    out["icpc_15wd_pct"] = pct(sum(r["icpc_date"] >= r["strategy_date"] and _busdays(r["strategy_date"], r["icpc_date"]) <= 15
                                   for r in held), len(held))
    out["cin_open"] = len({r["child_id"] for r in lists[6] if open_at(r)})
    plans = [r for r in lists[7] if open_at(r)]
    out["cp_open"] = len({r["child_id"] for r in plans})
    first_plan = {}
    for r in sorted(plans, key=lambda r: r["row"]):
        first_plan.setdefault(r["child_id"], r)
    out["cp_seen_alone_pct"] = pct(sum(_yes(r["seen_alone"]) for r in first_plan.values()), len(first_plan))
    started = [r for r in lists[7] if inside(r["start"])]
    out["cp_second_subsequent_pct"] = pct(sum((r["previous_plans"] or 0) >= 1 for r in started), len(started))
    ended = [r for r in lists[7] if inside(r["end"])]
    out["cp_ceased_2yrs_plus_pct"] = pct(sum(r["end"] >= _shift(r["start"], 24) for r in ended), len(ended))
    out["cla_open"] = len({r["child_id"] for r in lists[8] if open_at(r)})
    year_ago = _shift(as_at, -12)
    long_term = [r for r in lists[8] if open_at(r) and r["start"] <= year_ago]
    for key, column in (("cla_health_assessment_pct", "health"), ("cla_dental_check_pct", "dental")):
        out[key] = pct(sum(_is_date(r[column]) and year_ago < r[column] <= as_at for r in long_term), len(long_term))
    for low, high in ((17, 18), (19, 21)):
        age = lambda born: as_at.year - born.year - ((as_at.month, as_at.day) < (born.month, born.day))  # noqa: E731
        band = [r for r in lists[9] if low <= age(r["date_of_birth"]) <= high]
        tag = f"care_leavers_{low}_{high}"
        out[f"{tag}_in_touch_pct"] = pct(sum(_yes(r["in_touch"]) for r in band), len(band))
        out[f"{tag}_suitable_accommodation_pct"] = pct(sum(r["accommodation"] == "a) Suitable" for r in band), len(band))
        out[f"{tag}_eet_pct"] = pct(sum(r["activity"][:1] in "FP" for r in band), len(band))
    return out


SMALL = {"contacts": 300, "referrals": 120, "rereferrals": 14, "assessments_completed": 90, "assessments_open": 25, "assessments_45wd": 70,
         "s47": 60, "icpcs": 30, "icpc_15wd": 21, "cin_open": 150, "cin_ceased": 60, "cp_open": 40, "cp_seen_alone": 25, "cp_started": 30,
         "cp_second": 6, "cp_ceased": 25, "cla_open": 90, "cla_12m": 70, "cla_health": 50, "cla_dental": 30, "cla_ceased": 12,
         "leavers_17_18": 20, "leavers_17_18_eet": 11, "leavers_17_18_suitable": 18, "leavers_17_18_in_touch": 19, "leavers_19_21": 40,
         "leavers_19_21_eet": 21, "leavers_19_21_suitable": 35, "leavers_19_21_in_touch": 37, "leavers_older": 10,
         "cp_ceased_longest": 1200}  # some plans ending in the window after more than 2 years


@pytest.mark.parametrize("seed, layout, as_at", [(3, "2024", dt.date(2026, 3, 31)), (5, "2021", dt.date(2025, 12, 31))])
def test_every_measure_equals_a_plain_recomputation_over_the_generated_rows_for_several_windows(tmp_path, seed, layout, as_at):
    generated = make_annex_a.generate(tmp_path / f"annex_{layout}.xlsx", {**SMALL, "as_at": as_at}, seed=seed, layout=layout)
    for when, months in ((as_at, 6), (as_at, 3), (as_at - dt.timedelta(days=45), 12), (as_at + dt.timedelta(days=10), 1)):
        report = annex_a_report(generated.path, when, months)
        expected = recompute(generated.lists, when, months)
        assert {k: report.figures[k].value for k in expected} == expected, (when, months)
    # and each figure's records are the ones in the file: workbook rows of the numerator
    figure = annex_a_report(generated.path, as_at, 6).figures["icpc_15wd_pct"]
    rows = {r["row"] for r in generated.lists[5] if r["icpc_date"] and _busdays(r["strategy_date"], r["icpc_date"]) <= 15
            and _shift(as_at, -6) < r["icpc_date"] <= as_at}
    assert {row for _, row in figure.numerator} == rows and len(rows) == 21


def test_both_layouts_of_the_same_children_give_the_same_measures(tmp_path):
    spec = {**SMALL, "as_at": dt.date(2026, 3, 31)}
    new = annex_a_report(make_annex_a.generate(tmp_path / "a.xlsx", spec, seed=9, layout="2024").path, "2026-03-31")
    old = annex_a_report(make_annex_a.generate(tmp_path / "b.xlsx", spec, seed=9, layout="2021").path, "2026-03-31")
    assert {k: f.value for k, f in new.figures.items()} == {k: f.value for k, f in old.figures.items()}


# --- refusals and the command ---------------------------------------------------------------------------------------

def _book(path, sheets: dict[str, list[list]]):
    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
    book.close()
    return path


def test_a_list_or_column_that_is_not_there_is_named_with_what_was_seen(tmp_path):
    path = _book(tmp_path / "annex.xlsx", {"List 1": [["Child Unique ID", "Date of Contact"], [1, "2026-01-05"]],
                                           "List 3": [["Child Unique ID", "Referral Date Typo"], [1, "2026-01-05"]]})
    with pytest.raises(UserError) as missing_list:
        annex_a_report(path, "2026-03-31", measures=["assessments_completed"])
    assert missing_list.value.message == f"{path}: no List 4 (Assessments)"
    assert "List 1 (sheet 'List 1'), List 3 (sheet 'List 3')" in missing_list.value.hint
    with pytest.raises(UserError) as missing_column:
        annex_a_report(path, "2026-03-31", measures=["referrals"])
    assert missing_column.value.message.startswith(f"{path} List 3 (Referrals, sheet 'List 3'): no column for referral_date "
                                                   "(accepted headers: referral_date: 'date of referral' / 'referral date')")
    assert missing_column.value.hint == "Headers seen on row 1: 'Child Unique ID', 'Referral Date Typo'."
    assert annex_a_report(path, "2026-03-31", measures=["contacts"]).figures["contacts"].value == 1
    result = run("annex-a", str(path), "--as-at", "2026-03-31")  # the measures in order: referrals is the first that cannot be read
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"Error: {path} List 3 (Referrals, sheet 'List 3'): no column for referral_date")


def test_the_command_prints_numerators_and_writes_counts_only_as_json(tmp_path):
    out = tmp_path / "annex.json"
    result = run("annex-a", str(SAMPLE), "--as-at", "2026-06-18", "--json", str(out))
    assert result.returncode == 0, result.stderr
    assert "  assessments_45wd_pct: 87%  (800 of 920, List 4)" in result.stdout
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["as_at"] == "2026-06-18" and report["window"] == ["2025-12-19", "2026-06-18"]
    assert report["measures"]["icpc_15wd_pct"] == {"value": 77.3, "numerator": 119, "denominator": 154}
    assert report["measures"]["contacts"] == {"value": 6491, "numerator": 6491, "denominator": None}
    ids = {str(int(r[0])) for r in CalamineWorkbook.from_path(str(SAMPLE)).get_sheet_by_name("List 7").to_python()[1:]}
    text = out.read_text(encoding="utf-8") + result.stdout
    assert ids and not any(re.search(rf"\b{i}\b", text) for i in ids)  # no child ID leaves the lists
    refused = run("annex-a", str(SAMPLE), "--as-at", "2026-06-18", "--json", str(SAMPLE))
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert run("annex-a", str(SAMPLE), "--as-at", "18/06/2026").returncode == 2
    csv_file = tmp_path / "annex.csv"
    csv_file.write_text("Child Unique ID,Date of Contact\n1,2026-01-05\n", encoding="utf-8")
    not_a_workbook = run("annex-a", str(csv_file), "--as-at", "2026-03-31")
    assert not_a_workbook.returncode == 2 and f"{csv_file}: Annex A is read from the workbook of its lists (.xlsx), not a .csv" in \
        not_a_workbook.stderr


# --- in the scorecards: figures with their rule, never a child -----------------------------------------------------

@pytest.fixture(scope="module")
def sample_builds(tmp_path_factory):
    from workbook_builder.build import build

    from .conftest import FIXED_BUILT_AT

    return build(None, inputs=ROOT / "inputs" / "sample", out_dir=tmp_path_factory.mktemp("built"), built_at=FIXED_BUILT_AT, root=ROOT)


def test_appendix_2_takes_its_latest_figures_from_annex_a_with_list_rule_and_window(sample_builds):
    from .helpers import Scorecard

    [a2] = [r for r in sample_builds if r.workbook == "appendix_2"]
    card = Scorecard(a2.output, sheet="Statutory indicators")
    assert card.value("assessments_45_days_pct", "Shropshire (latest)") == 87
    audit = next(a for a in card.audit() if a["Measure id"] == "assessments_45_days_pct" and a["Series"] == "Shropshire")
    assert audit["Source"] == "annex_a" and audit["Source file"] == "inputs/sample/annex_a/AnnexA_Shropshire_2026-06-18.xlsx"
    assert audit["Period"] == "6 months to 18/06/2026"
    assert audit["Locator"].startswith("List 4 (Assessments, sheet 'List 4'): of assessments authorised in the window, those within "
                                       "45 working days") and audit["Locator"].endswith("window 2025-12-19 to 2026-06-18")
    assert audit["Transformation"].startswith("800 of 920 = 87% (numerator / denominator × 100, rounded to 1 dp); records: "
                                              "`scorecard annex-a inputs/sample/annex_a/AnnexA_Shropshire_2026-06-18.xlsx "
                                              "--as-at 2026-06-18 --months 6 --drilldown OUT.xlsx`, sheet 'assessments_45wd_pct'")
    demand = Scorecard(a2.output, sheet="Demand")
    assert [demand.value(m, "Shropshire (latest)") for m in ("contacts_6m", "referrals_6m", "assessments_total_6m", "assessments_6m",
                                                            "s47_6m", "icpcs_6m")] == [6491, 633, 1193, 920, 436, 154]
    traced = run("trace", str(a2.output), f"'Statutory indicators'!{card.ref('assessments_45_days_pct', 'Shropshire (latest)')}")
    assert traced.returncode == 0 and "--drilldown" in traced.stdout and "List 4 (Assessments" in traced.stdout


def test_no_child_id_is_in_any_built_workbook(sample_builds):
    book = CalamineWorkbook.from_path(str(SAMPLE))
    ids = {str(int(row[0])) for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python()[1:] if row[0] != ""}
    assert len(ids) > 10_000 and all(len(i) == 8 for i in ids)
    cells = 0
    for result in sample_builds:
        built = CalamineWorkbook.from_path(str(result.output))
        for name in built.sheet_names:
            for row in built.get_sheet_by_name(name).to_python():
                for cell in row:
                    text = str(int(cell)) if isinstance(cell, float) and cell.is_integer() else str(cell)
                    assert not set(re.findall(r"(?<!\d)\d{8}(?!\d)", text)) & ids, (result.output.name, name, text)
                    cells += 1
    assert cells > 10_000


def test_the_drilldown_lists_the_children_and_says_it_holds_personal_data(tmp_path):
    out = tmp_path / "drilldown.xlsx"
    result = run("annex-a", str(SAMPLE), "--as-at", "2026-06-18", "--drilldown", str(out), "--built-at", "2026-06-18 09:00")
    assert result.returncode == 0, result.stderr
    book = CalamineWorkbook.from_path(str(out))
    assert book.sheet_names[0] == "Personal data"
    assert book.get_sheet_by_name("Personal data").to_python()[0][0].startswith("OFFICER ONLY — PERSONAL DATA.")
    rows = book.get_sheet_by_name("icpc_15wd_pct").to_python()[3:]
    generated = make_annex_a.generate(tmp_path / "again.xlsx")  # the sample's own records, as the generator wrote them
    window = Window(dt.date(2026, 6, 18), 6)
    expected = {(r["child_id"], r["row"]) for r in generated.lists[5] if window.holds(r["icpc_date"])}
    assert {(str(r[0]), int(r[2])) for r in rows} == expected and len(rows) == 154
    assert sum(r[3] == "Yes" for r in rows) == 119
    assert "cl_19_21_suitable_accom_pct" in book.sheet_names  # 31 characters at most
    again = tmp_path / "again_drilldown.xlsx"
    run("annex-a", str(SAMPLE), "--as-at", "2026-06-18", "--drilldown", str(again), "--built-at", "2026-06-18 09:00")
    assert again.read_bytes() == out.read_bytes()  # deterministic


# --- data quality ---------------------------------------------------------------------------------------------------

def test_data_quality_names_the_list_sheet_row_and_field_of_each_problem(tmp_path, sample_builds):
    from workbook_builder.sources.annex_a_quality import check_quality

    generated = make_annex_a.generate(tmp_path / "again.xlsx")
    problems = check_quality(AnnexA.read(SAMPLE), dt.date(2026, 6, 18))
    unknown_dental = [r["row"] for r in generated.lists[8] if r["dental"] == "#N/A"]
    assert sorted(p.row for p in problems if p.field == "dental") == sorted(unknown_dental) and unknown_dental
    planted = [p.line() for p in problems if p.field != "dental"]
    late = next(r["row"] for r in generated.lists[1] if r["contact_date"] > dt.date(2026, 6, 18))
    backwards = next(r["row"] for r in generated.lists[2] if r["end"] and r["end"] < r["start"])
    no_id = next(r["row"] for r in generated.lists[9] if r["child_id"] is None)
    maybe = next(r["row"] for r in generated.lists[9] if r["in_touch"] == "Maybe")
    assert planted == [f"List 1 (Contacts), sheet 'List 1' row {late}, contact_date: a date after the as-at date (2026-06-18)",
                       planted[1],
                       f"List 2 (Early help), sheet 'List 2' row {backwards}, end: completed before it started (end before start)",
                       f"List 9 (Care leavers), sheet 'List 9' row {maybe}, in_touch: not a code of this field (yes or no)",
                       f"List 9 (Care leavers), sheet 'List 9' row {no_id}, child_id: no child ID"]
    assert re.fullmatch(r"List 1 \(Contacts\), sheet 'List 1' row \d+, record: the same as row \d+", planted[1])
    # in the workbook that read the lists, on its Data quality sheet; and from validate
    [a2] = [r for r in sample_builds if r.workbook == "appendix_2"]
    rows = CalamineWorkbook.from_path(str(a2.output)).get_sheet_by_name("Data quality").to_python()
    assert rows[0] == ["List", "What it holds", "Sheet", "Row", "Field", "Problem"] and len(rows) == len(problems) + 1
    assert [2.0, "Early help", "List 2", float(backwards), "end", "completed before it started (end before start)"] in rows
    validated = run("validate", "--workbook", "appendix_2")
    assert validated.returncode == 0 and f"appendix_2: Data quality: {len(problems)} problem(s) in the lists" in validated.stdout
    dashboard = next(r for r in sample_builds if r.workbook == "send_dashboard")  # reads no Annex A: no Data quality sheet
    assert "Data quality" not in CalamineWorkbook.from_path(str(dashboard.output)).sheet_names


def test_the_fake_files_have_no_problem_the_check_knows(annex_dir):
    from workbook_builder.sources.annex_a_quality import check_quality

    for name in ("annex_a_fake_2021.xlsx", "annex_a_fake_2024.xlsx"):
        assert check_quality(AnnexA.read(annex_dir / name), dt.date(2021, 3, 31)) == []
    problems = check_quality(AnnexA.read(annex_dir / "annex_a_fake_2024.xlsx"), dt.date(2020, 12, 31))
    assert {p.problem for p in problems} == {"a date after the as-at date (2020-12-31)"}  # the lists run into 2021


# --- rates per 10,000 children aged 0-17 ------------------------------------------------------------------------------

def test_rates_per_10000_are_chats_from_a_configured_or_published_population(shared_data):
    from workbook_builder.sources.annex_a_measures import population_from

    from .test_appendix_2 import _seed_comparison_table

    seed = _seed_comparison_table()  # label -> (ChAT latest, LA published, SN, England, position)
    report = annex_a_report(SAMPLE, "2026-06-18", population=population_from("60,200", {"E06000051"}))
    chat = {"referrals_rate_per_10k": "Referrals received (annual rate per 10,000 of children)",
            "assessments_rate_per_10k": "Assessments completed (annual rate per 10,000 of children)",
            "s47_rate_per_10k": "Children subject to section 47 enquiries (annual rate per 10,000 of children)",
            "icpc_rate_per_10k": "Children subject of an initial child protection conference (annual rate per 10,000 of children)",
            "cin_rate_per_10k": "Children in need (snapshot rate per 10,000 children)",
            "cp_rate_per_10k": "Children who are the subject of a child protection plan (snapshot rate per 10,000 children)",
            "cla_rate_per_10k": "Children who are looked after (snapshot rate per 10,000 children)"}
    assert {k: report.rates[k].value for k in chat} == {k: seed[label][0] for k, label in chat.items()}
    assert report.rates["referrals_rate_per_10k"].rule == ("referrals 633 × 12 / 6 (annualised) ÷ 60,200 children aged 0-17 × "
                                                           "10,000 (population 60,200 as configured)")
    published = population_from(str(shared_data / "dfe-2025" / "cla_number_and_rate_per_10k_children.csv"), {"E06000051", "893"})
    assert (published.children, published.source) == (60153, "DfE's population_estimate, cla_number_and_rate_per_10k_children.csv, 2025")
    with pytest.raises(UserError, match="neither a number of children nor a file"):
        population_from("lots", {"E06000051"})


# --- awkward lists (found in review) --------------------------------------------------------------------------------------

def test_awkward_records_are_counted_as_their_definitions_say(tmp_path):
    from workbook_builder.sources.annex_a_measures import Figure
    from workbook_builder.sources.annex_a_source import as_at_of

    path = _book(tmp_path / "AnnexA_Test_2025-06-30.xlsx", {
        "List 1": [["Child Unique ID", "Date of Contact"], [1, "2024-12-31"], [2, "2025-01-01"], ["3.0", "30/06/2025"]],
        "List 3": [["Child Unique ID", "Date of Referral"]],
        "List 4": [["Child Unique ID", "Continuous Assessment Start Date", "Continuous Assessment Date of Authorisation",
                    "Child Seen During Continuous Assessment"],
                   [1, "2025-06-20", "2025-03-01", "Yes"],  # authorised before it started: not on time
                   [2, "2025-06-01", "2025-07-10", "Yes"],  # authorised after the as-at date: open at it
                   [3, "2025-05-01", "2025-05-20", "Yes"]],
        "List 5": [["Child Unique ID", "Strategy discussion initiating Section 47 Enquiry Start Date", "Date of Initial Child Protection Conference"]],
        "List 6": [["Child Unique ID", "CIN Start Date", "CIN Closure Date"]],
        "List 7": [["Child Unique ID", "Child Protection Plan Start Date", "Child Protection Plan End Date", "Was the Child Seen Alone?",
                    "Number of Previous Child Protection Plans"],
                   [5, "9998-12-15", "2025-06-01", "Yes", 0],  # a typing error: not a date, so not counted (and no traceback)
                   [6, "2025-01-10", None, "a) Yes", 0], [6, "2025-02-10", None, "b) No", 1]],  # one child, two open plans
        "List 8": [["Child Unique ID", "Date Started to be Looked After", "Date of Last Health Assessment", "Date of Last Dental Check",
                    "Date Ceased to be Looked After"]],
        "List 9": [["Child Unique ID", "Date of Birth", "LA in Touch", "Suitability of Accommodation", "Activity Status"]]})
    report = annex_a_report(path, "2025-06-30")
    assert report.window.start == dt.date(2025, 1, 1) and report.figures["contacts"].value == 2  # 31 December is outside
    assert report.figures["assessments_45wd_pct"].value == 50  # 1 of 2: the backwards record is not on time
    assert report.figures["assessments"].value == 3
    assert report.figures["cp_ceased_2yrs_plus_pct"].value == 0  # it ended in the window; its start is no date, so not 2 years
    assert (len(report.figures["cp_seen_alone_pct"].numerator), len(report.figures["cp_seen_alone_pct"].denominator)) == (1, 1)
    assert {p.problem for p in report.problems} >= {"not a date", "authorised before it started (authorised before start)"}
    assert Figure("x", "x", 1, "x", "percent", [(None, 1)], [(None, r) for r in range(16)]).value == 6.3  # halves up
    assert as_at_of(path, "latest") == dt.date(2025, 6, 30)
    with pytest.raises(UserError, match="'2026-02-30' in the file's name is not a date"):
        as_at_of(tmp_path / "AnnexA_Test_2026-02-30.xlsx", "latest")
    for bad in ("20260331", "2026-W13-2", "1900-01-01"):
        assert run("annex-a", str(path), "--as-at", bad).returncode == 2


def test_a_list_read_wrongly_is_refused_without_quoting_a_childs_data(tmp_path):
    path = _book(tmp_path / "annex.xlsx", {"List 1": [["Child Unique ID", "Date of Contact", "Date of Contact"], [1, None, "2025-03-01"]],
                                           "List 3": [["Child Ref", "Date of Referral"], ["SECRETID0", "2010-05-01"]]})
    with pytest.raises(UserError) as twice:
        annex_a_report(path, "2025-06-30", measures=["contacts"])
    assert twice.value.message.endswith("two columns for contact_date: B ('Date of Contact') and C ('Date of Contact')")
    result = run("annex-a", str(path), "--as-at", "2025-06-30")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    no_header = run("annex-a", str(path), "--as-at", "2025-06-30")
    assert "SECRETID0" not in no_header.stderr + no_header.stdout and "2010-05-01" not in no_header.stderr
