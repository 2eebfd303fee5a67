"""`scorecard release diff OLD NEW` (issue 15): DfE's 2024 and 2025 children-looked-after releases compared.

What the diff says is checked against the real files, read here with the csv module: the columns DfE
renamed, the labels it reworded, the years added and dropped, and figures it revised (Shropshire's
children looked after at 31 March 2024: 717 → 714, rate 121 → 120), each at the line it is on.
"""

from __future__ import annotations

import csv
import json
import shutil

import openpyxl
import pytest

from workbook_builder.errors import UserError
from workbook_builder.release_diff import release_diff

from .conftest import ROOT
from .helpers import sha256
from .test_mapping_and_cli import run

RATE = "cla_number_and_rate_per_10k_children.csv"
ACTIVITY = "la_care_leavers_activity.csv"


@pytest.fixture(scope="module")
def diff(shared_data):
    return release_diff(shared_data / "dfe", shared_data / "dfe-2025", root=ROOT)


def lines_of(path):
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_renamed_columns_and_reworded_labels_are_named_with_how_they_were_found(diff):
    files = {f.name: f for f in diff.files}
    rate, activity = files[RATE], files[ACTIVITY]
    assert {(c.old, c.new) for c in rate.renamed} == {("population_count", "population_type"), ("number", "children_count")}
    assert not [c for c in rate.columns if c.change != "renamed"]
    [by_layout] = [c for c in rate.renamed if c.old == "population_count"]
    assert by_layout.found_by == "the layouts of cla_rate_per_10k in published.yaml"
    assert by_layout.used_by == ("cla_rate_per_10k (2024 layout)",)
    assert [c.found_by.startswith("same values") for c in rate.renamed if c.old == "number"] == [True]
    assert {(c.old, c.new) for c in activity.renamed} == {("age", "care_leaver_age"), ("activity", "breakdown"),
                                                          ("number", "care_leaver_count"), ("percentage", "care_leaver_percent")}
    assert {(c.column, c.old, c.new) for c in activity.labels} == {("care_leaver_age", "Aged 17 to 18", "17 to 18 years"),
                                                                   ("care_leaver_age", "Aged 19 to 21", "19 to 21 years")}
    [unsuitable] = files["la_care_leavers_accommodation_suitability.csv"].labels
    assert (unsuitable.old, unsuitable.new, unsuitable.found_by) == ("Accommodation considered not suitable",
                                                                     "Accommodation considered unsuitable", "the one label left on each side")
    assert [(m.measure, m.old_layout, m.new_layout) for m in rate.measures] == [("cla_rate_per_10k", "2024", "2025")]


def test_periods_and_files_of_one_release_only(diff, shared_data):
    files = {f.name: f for f in diff.files}
    rate = files[RATE]
    assert (rate.periods_added, rate.periods_dropped, rate.shared_periods) == (["2025"], ["2020"], ["2021", "2022", "2023", "2024"])
    only_old = sorted(f.name for f in diff.files if f.new is None)
    assert only_old == sorted({p.name for p in (shared_data / "dfe").glob("*.csv")} - {p.name for p in (shared_data / "dfe-2025").glob("*.csv")})
    assert rate.appeared == [] and rate.disappeared == [] and rate.unmatched == (0, 0)


def test_every_revised_figure_is_the_files_own_at_the_line_named(diff, shared_data):
    rate = next(f for f in diff.files if f.name == RATE)
    shropshire = {(r.period, r.column, r.filters): r for r in rate.revisions if r.code == "E06000051"}
    looked_after = "population_type=Children looked after on 31 March each year"
    count, rated = shropshire[("2024", "children_count", looked_after)], shropshire[("2024", "rate_per_10000", looked_after)]
    assert (count.old, count.new, count.measure) == ("717", "714", "")
    assert (rated.old, rated.new, rated.measure, rated.difference) == ("121", "120", "cla_rate_per_10k", -1)
    old, new = lines_of(shared_data / "dfe" / RATE), lines_of(shared_data / "dfe-2025" / RATE)
    for r in rate.revisions:  # each figure as the two files have it, at the lines the diff names
        was, now = dict(zip(old[0], old[r.old_line - 1])), dict(zip(new[0], new[r.new_line - 1]))
        was = {k.lstrip("\ufeff"): v for k, v in was.items()}
        now = {k.lstrip("\ufeff"): v for k, v in now.items()}
        assert was["time_period"] == now["time_period"] == r.period
        assert was[{"children_count": "number", "population_type": "population_count"}.get(r.column, r.column)] == r.old
        assert now[r.column] == r.new and r.old != r.new
    # and nothing revised is missed: every Shropshire 2024 row compared by hand
    mine = {(row[0], row[10]): row for row in old[1:] if row[9] == "E06000051" and row[0] == "2024"}
    theirs = {(row[0], row[10].replace("on 31 March", "at 31 March")): row for row in new[1:] if row[9] == "E06000051" and row[0] == "2024"}
    by_hand = sum(a != b for k in mine for a, b in zip(mine[k][11:], theirs[k][11:]))
    assert by_hand == sum(r.period == "2024" for r in shropshire.values()) == 6


def test_one_la_only_and_a_code_that_appeared(shared_data, tmp_path):
    new = tmp_path / "next"
    new.mkdir()
    text = (shared_data / "dfe-2025" / RATE).read_text(encoding="utf-8-sig")
    (new / RATE).write_text(text.replace("E06000051", "E06000099").replace(",893,", ",899,"), encoding="utf-8")
    diff = release_diff(shared_data / "dfe-2025" / RATE, new / RATE, root=ROOT)
    [f] = diff.files
    assert f.appeared == [("E06000099", "Shropshire")] and f.disappeared == [("E06000051", "Shropshire")]
    assert f.revisions == [] and f.columns == [] and f.unmatched == (15, 15)  # Shropshire's rows under two codes: not compared
    one = release_diff(shared_data / "dfe", shared_data / "dfe-2025", la="893", root=ROOT)
    assert {r.code for f in one.files for r in f.revisions} == {"E06000051"}
    assert one.la == "Shropshire (E06000051)"


def test_cli_lists_renames_and_the_workspace_las_revisions_and_writes_xlsx_and_json(shared_data, tmp_path):
    xlsx, out = tmp_path / "diff.xlsx", tmp_path / "diff.json"
    result = run("release", "diff", str(shared_data / "dfe"), str(shared_data / "dfe-2025"), "--xlsx", str(xlsx), "--json", str(out),
                 "--built-at", "2026-12-03 09:00", columns=200)  # a wide terminal: column names unbroken
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "population_count" in text and "population_type" in text and "care_leaver_percent" in text
    assert "Shropshire" in text and "cla_rate_per_10k" in text
    assert "cla_number_and_rate_per_10k_children.csv: 2 column(s) renamed, 0 added, 0 removed" in text
    data = json.loads(out.read_text(encoding="utf-8"))
    revised = [r for f in data["files"] for r in f["revisions"] if r["code"] == "E06000051" and r["measure"] == "cla_rate_per_10k"]
    assert [(r["period"], r["old"], r["new"]) for r in revised] == [("2024", "121", "120")]
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == ["Changes", "Revisions", "Audit", "Sources"]
    rows = list(book["Revisions"].iter_rows(min_row=5, values_only=True))
    assert len(rows) == sum(len(f["revisions"]) for f in data["files"])
    at = next(i for i, r in enumerate(rows, 5) if r[3] == "E06000051" and r[7] == "cla_rate_per_10k")
    assert rows[at - 5][8:11] == (121, 120, -1)
    audit = {row[0]: row for row in book["Audit"].iter_rows(min_row=2, values_only=True) if row[0]}
    old_cell, new_cell = audit[f"'Revisions'!I{at}"], audit[f"'Revisions'!J{at}"]
    assert (old_cell[4], old_cell[8], old_cell[10]) == (121, f"dfe/{RATE}", f"line {rows[at - 5][11]}, column rate_per_10000")
    assert (new_cell[4], new_cell[8], new_cell[9]) == (120, f"dfe-2025/{RATE}", sha256(shared_data / "dfe-2025" / RATE))
    sources = [cell for row in book["Sources"].iter_rows(values_only=True) for cell in row if cell]
    assert f"dfe/{RATE}" in str(sources) and f"dfe-2025/{RATE}" in str(sources)
    again = tmp_path / "again.xlsx"
    run("release", "diff", str(shared_data / "dfe"), str(shared_data / "dfe-2025"), "--xlsx", str(again), "--built-at", "2026-12-03 09:00")
    assert sha256(again) == sha256(xlsx)  # same releases, same report, byte for byte


def test_bad_arguments_are_refused_clearly(shared_data, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(UserError, match="no CSV files in the new release"):
        release_diff(shared_data / "dfe", empty, root=ROOT)
    twice = tmp_path / "twice"
    (twice / "a").mkdir(parents=True)
    (twice / "b").mkdir()
    for sub in ("a", "b"):
        shutil.copy(shared_data / "dfe-2025" / RATE, twice / sub)
    with pytest.raises(UserError, match=f"two files named {RATE} in the new release"):
        release_diff(shared_data / "dfe", twice, root=ROOT)
    result = run("release", "diff", str(shared_data / "dfe"), str(tmp_path / "nowhere"))
    assert result.returncode == 2 and "Traceback" not in result.stderr and "nowhere" in result.stderr
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(shared_data / "dfe-2025" / RATE, copy)
    before = sha256(copy / RATE)
    result = run("release", "diff", str(shared_data / "dfe" / RATE), str(copy / RATE), "--json", str(copy / RATE))
    assert result.returncode == 2 and "Traceback" not in result.stderr and sha256(copy / RATE) == before
