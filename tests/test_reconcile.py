"""`scorecard reconcile` on the real DfE files: match, rounding, mismatch, suppressed, missing."""

from __future__ import annotations

import csv
import json

import pytest

from workbook_builder.measures.published import load_published
from workbook_builder.reconcile import reconcile

from .conftest import ROOT
from .test_mapping_and_cli import run

PUBLISHED = load_published(ROOT / "mappings" / "published.yaml")
#: with only the 2024 children-looked-after release given, the other publications' measures are named once
NOT_RECONCILED = ("not reconciled: 13 measure(s) whose DfE file is in none of the folders given: "
                  + ", ".join(f"{m} ({p.file})" for m, p in PUBLISHED.items() if not (ROOT.parent / "shared" / "data" / "dfe" / p.file).is_file()))


def published_values(shared_data, la_code, period="2024"):
    """DfE's figures for one LA, read independently with the csv module."""
    values = {}
    for measure_id, measure in PUBLISHED.items():
        if not (shared_data / "dfe" / measure.file).is_file():
            continue  # another publication's measure
        layout = measure.all_layouts[-1]  # the 2024 release's
        with (shared_data / "dfe" / measure.file).open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                row = {k.lower(): v for k, v in row.items()}
                if (row["time_period"] == period and row["new_la_code"] == la_code
                        and all(row[k.lower()] == v for k, v in layout.filters.items())):
                    values[measure_id] = row[layout.column.lower()]
    return values


def write_local(path, values, period="2024"):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["measure_id", "period", "value"])
        for measure_id, value in values.items():
            writer.writerow([measure_id, period, value])
    return path


def reconcile_cli(shared_data, local, *options, la="E06000051"):
    """`scorecard reconcile` for 2024 on the real DfE files, as a subprocess."""
    return run("reconcile", "--la", la, "--period", "2024", "--local", str(local), "--published", str(shared_data / "dfe"), *options)


def statuses(report):
    """measure id -> status, from a Reconciliation or from its JSON."""
    if isinstance(report, dict):
        return {r["measure_id"]: r["status"] for r in report["results"]}
    return {r.measure_id: r.status for r in report.results}


def test_local_equal_to_published_matches_everywhere(shared_data, tmp_path):
    values = published_values(shared_data, "E06000051")
    assert len(values) == 12
    report = reconcile("E06000051", "2024", write_local(tmp_path / "local.csv", values), shared_data / "dfe", root=ROOT)
    assert set(statuses(report).values()) == {"match"}
    cla = next(r for r in report.to_json()["results"] if r["measure_id"] == "cla_rate_per_10k")
    assert (cla["local"], cla["published"], cla["england"], cla["sn_count"]) == (121, 121, 70, 10)
    assert report.counts == {"match": 12} and report.mismatches == []
    # the other publications' measures are named once, not reported as missing one by one
    assert report.summary() == ["Shropshire (E06000051), 2024: 12 measures: 12 match", NOT_RECONCILED]
    assert NOT_RECONCILED.startswith("not reconciled: 13 measure(s) whose DfE file is in none of the folders given: "
                                     "cin_rereferral_pct (c1_children_in_need_referrals_and_rereferrals_*.csv), ")


def test_suppressed_published_figure_is_reported_as_suppressed(shared_data, tmp_path):
    values = published_values(shared_data, "E06000001")  # Hartlepool: away from placement is 'c' in 2024
    assert values["cla_away_pct"] == "c"
    numbers = {k: v for k, v in values.items() if v not in ("c", "z", "x")}
    report = reconcile("E06000001", "2024", write_local(tmp_path / "local.csv", numbers), shared_data / "dfe", root=ROOT)
    result = statuses(report)
    assert result.pop("cla_away_pct") == "suppressed"
    assert set(result.values()) == {"match"}


def test_changed_dropped_and_rounded_values(shared_data, tmp_path):
    values = published_values(shared_data, "E06000051")
    values["cla_missing_pct"] = str(float(values["cla_missing_pct"]) + 5)  # a real difference
    values["care_leavers_19_21_eet_pct"] = str(float(values["care_leavers_19_21_eet_pct"]) + 0.4)  # DfE rounds to whole %
    del values["cla_dental_check_pct"]
    local = write_local(tmp_path / "local.csv", values)
    report = reconcile("893", "2024", local, shared_data / "dfe", root=ROOT)  # old-style code works too
    result = statuses(report)
    assert result["cla_missing_pct"] == "mismatch"
    assert result["care_leavers_19_21_eet_pct"] == "within_tolerance"
    assert result["cla_dental_check_pct"] == "missing_local"
    assert report.to_json()["la"] == "893" and report.period == "2024" and report.la.code == "E06000051"
    assert report.summary() == ["Shropshire (893), 2024: 12 measures: 9 match, 1 within_tolerance, 1 mismatch, 1 missing_local",
                                f"mismatch: cla_missing_pct: {next(r.explanation for r in report.results if r.measure_id == 'cla_missing_pct')}",
                                NOT_RECONCILED]
    with_tolerance = reconcile("893", "2024", local, shared_data / "dfe", root=ROOT, tolerance=5)
    assert statuses(with_tolerance)["cla_missing_pct"] == "within_tolerance"


def test_cli_writes_json_and_exits_1_on_mismatch(shared_data, tmp_path):
    values = published_values(shared_data, "E06000051")
    values["cla_rate_per_10k"] = "130"
    local = write_local(tmp_path / "local.csv", values)
    out = tmp_path / "report.json"
    result = reconcile_cli(shared_data, local, "--json", str(out), "--fail-on-mismatch")
    assert result.returncode == 1, result.stderr
    report = json.loads(out.read_text())
    assert set(report) == {"la", "period", "sn_model", "results", "not_reconciled"}
    assert report["sn_model"] == "DfE's 2025 model (sn_may_2025.xlsx, via statistical_neighbours.csv)"
    assert len(report["not_reconciled"]) == 13 and report["not_reconciled"][0] == {
        "measure_id": "cin_rereferral_pct", "file": "c1_children_in_need_referrals_and_rereferrals_*.csv"}
    row = next(r for r in report["results"] if r["measure_id"] == "cla_rate_per_10k")
    assert set(row) == {"measure_id", "local", "published", "difference", "status", "sn_average", "sn_count", "england",
                        "quartile", "explanation", "region", "position", "sn_method"}  # the issue's, + region, position, method
    assert row["sn_method"] == "mean"
    assert (row["status"], row["difference"]) == ("mismatch", 9.0)
    assert (row["region"], row["position"]) == (90, "Higher")  # West Midlands' published rate, 2024
    assert reconcile_cli(shared_data, local).returncode == 0  # without --fail-on-mismatch


@pytest.mark.parametrize("content, message", [
    ("measure_id,period,value\nnot_a_measure,2024,1\n", "local.csv:2: unknown measure_id 'not_a_measure'"),
    ("measure_id,period,value\ncla_rate_per_10k,2024,lots\n", "local.csv:2: value 'lots' is not a number"),
    ("measure,period,value\n", "the local figures CSV needs column(s) measure_id, period (missing measure_id)"),
])
def test_bad_local_files_exit_2_naming_the_line(shared_data, tmp_path, content, message):
    local = tmp_path / "local.csv"
    local.write_text(content, encoding="utf-8")
    result = reconcile_cli(shared_data, local)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_xlsx_report_is_judged_by_conditional_formatting_and_audited(shared_data, tmp_path):
    import hashlib

    import openpyxl

    values = published_values(shared_data, "E06000051")
    values["cla_rate_per_10k"] = "130"
    local = write_local(tmp_path / "local.csv", values)
    out = tmp_path / "reconciliation.xlsx"
    result = reconcile_cli(shared_data, local, "--xlsx", str(out), "--built-at", "2026-07-01 09:00 UTC")
    assert result.returncode == 0, result.stderr
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Reconciliation", "Audit", "Sources"]
    ws = book["Reconciliation"]
    rows = {ws.cell(r, 2).value: r for r in range(5, 17)}
    assert ws.cell(rows["cla_rate_per_10k"], 6).value == "mismatch" and ws.cell(rows["cla_rate_per_10k"], 4).value == 121
    rules = {rule.formula[0] for cf in ws.conditional_formatting for rule in cf.rules}
    assert {'"match"', '"mismatch"', '"suppressed"'} <= rules
    audit = [dict(zip([c.value for c in book["Audit"][1]], [c.value for c in row])) for row in book["Audit"].iter_rows(min_row=2)]
    published = next(a for a in audit if a["Measure id"] == "cla_rate_per_10k" and a["Series"] == "Published")
    cell = published["Cell"].split("!")[1]
    assert published["Value"] == ws[cell].value == 121
    assert published["SHA-256"] == hashlib.sha256((shared_data / "dfe" / "cla_number_and_rate_per_10k_children.csv").read_bytes()).hexdigest()
    assert published["Mapping"] == f"mappings/published.yaml:{(ROOT / 'mappings' / 'published.yaml').read_text().splitlines().index('  cla_rate_per_10k:') + 1}"
    sn = next(a for a in audit if a["Measure id"] == "cla_rate_per_10k" and a["Series"] == "SN average")
    assert sn["Transformation"].startswith("mean of 10 of 10 statistical neighbours") and sn["Value"] == ws[sn["Cell"].split("!")[1]].value


def test_the_report_is_written_as_a_build_writes_workbooks(shared_data, tmp_path):
    """The same Audit and Sources columns as a build, the same file mode as any new file, no temporary file left."""
    import os

    import openpyxl

    from workbook_builder.writers.audit_rows import AUDIT_COLUMNS, SOURCES_COLUMNS

    local = write_local(tmp_path / "local.csv", published_values(shared_data, "E06000051"))
    out = tmp_path / "out" / "report.xlsx"
    out.parent.mkdir()
    assert reconcile_cli(shared_data, local, "--xlsx", str(out)).returncode == 0
    book = openpyxl.load_workbook(out, read_only=True)
    assert [c.value for c in next(book["Audit"].iter_rows(max_row=1))] == [title for _name, title, _width in AUDIT_COLUMNS]
    assert [c.value for c in next(book["Sources"].iter_rows(max_row=1))] == [title for title, _width in SOURCES_COLUMNS]
    probe = tmp_path / "out" / "probe"
    probe.touch()
    assert out.stat().st_mode & 0o777 == probe.stat().st_mode & 0o777  # not the 0600 of a NamedTemporaryFile
    assert sorted(p.name for p in out.parent.iterdir()) == ["probe", "report.xlsx"]
    locked = tmp_path / "out" / "~$report.xlsx"
    locked.touch()
    again = reconcile_cli(shared_data, local, "--xlsx", str(out))
    assert again.returncode == 2 and "open in Excel" in again.stderr  # the lock file of a report open in Excel is respected
    os.unlink(locked)
    assert reconcile_cli(shared_data, local, "--xlsx", str(local)).returncode == 2  # never over its own input
    assert local.read_text().startswith("measure_id,period,value")


@pytest.mark.parametrize("la_code, name", [("E06000064", "Westmorland and Furness"), ("E09000002", "Barking and Dagenham"),
                                           ("E08000025", "Birmingham"), ("E06000019", "Herefordshire, County of"),
                                           ("E10000032", "West Sussex")])
def test_any_la_reconciles_against_its_own_neighbours(shared_data, tmp_path, la_code, name):
    from workbook_builder.sources.neighbours import read_neighbours

    values = published_values(shared_data, la_code)
    numbers = {k: v for k, v in values.items() if v not in ("c", "z", "x", "k", "low", "u", ":")}
    report = reconcile(la_code, "2024", write_local(tmp_path / "local.csv", numbers), shared_data / "dfe", root=ROOT)
    result = statuses(report)
    assert {m for m, s in result.items() if s == "match"} == set(numbers)
    assert all(result[m] == "suppressed" for m in values if m not in numbers)
    own = {n.code for n in read_neighbours(ROOT / "mappings" / "statistical_neighbours.csv", {la_code})}
    cla = next(r for r in report.to_json()["results"] if r["measure_id"] == "cla_rate_per_10k")
    rates = [float(v) for v in (published_values(shared_data, code).get("cla_rate_per_10k") for code in own) if v and v[0].isdigit()]
    assert cla["sn_count"] == len(rates) and cla["sn_average"] == pytest.approx(round(sum(rates) / len(rates), 1))


def test_a_period_no_file_holds_is_refused_and_one_some_hold_is_missing_published(tmp_path):
    import shutil

    from workbook_builder.errors import UserError

    published = tmp_path / "dfe"
    shutil.copytree(ROOT / "inputs" / "sample" / "dfe", published)
    local = ROOT / "inputs" / "sample" / "local" / "dfe_returns.csv"
    with pytest.raises(UserError, match="--period 2052: no published file in .* holds that time_period") as error:
        reconcile("E06000051", "2052", local, published, root=ROOT)
    assert error.value.hint == "The files hold: 2023, 202324, 2024, 202425, 2025. Give one of them, as DfE writes it (e.g. 2024)."
    rate = published / "cla_number_and_rate_per_10k_children.csv"  # this release of one file stops at 2024
    rate.write_text("".join(line for line in rate.read_text(encoding="utf-8-sig").splitlines(keepends=True)
                            if not line.startswith("2025")), encoding="utf-8")
    report = reconcile("E06000051", "2025", local, published, root=ROOT)
    result = {r.measure_id: r for r in report.results}
    assert result["cla_rate_per_10k"].status == "missing_published"
    assert result["cla_rate_per_10k"].published["la"].note == "cla_number_and_rate_per_10k_children.csv (2024) holds no rows for 2025"
    assert sum(r.status == "missing_published" for r in report.results) == 1
