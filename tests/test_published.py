"""Benchmarks from DfE's own per-LA figures, on the real files in ../shared/data/dfe."""

from __future__ import annotations

import csv

import pytest

from workbook_builder.measures.published import benchmark, load_published
from workbook_builder.sources.dfe import DfeTable
from workbook_builder.sources.neighbours import read_neighbours

from .conftest import ROOT
from .helpers import fitted

PUBLISHED = load_published(ROOT / "mappings" / "published.yaml")
SHROPSHIRE = {"E06000051", "893"}
NEIGHBOURS = read_neighbours(ROOT / "mappings" / "statistical_neighbours.csv", SHROPSHIRE)


TWELVE = {"cla_rate_per_10k", "cla_missing_pct", "cla_away_pct", "cla_health_assessment_pct",
          "cla_dental_check_pct", "cla_ceased_adopted_pct", "cla_ceased_sgo_pct", "care_leavers_17_18_eet_pct",
          "care_leavers_19_21_eet_pct", "care_leavers_19_21_suitable_accommodation_pct",
          "care_leavers_19_21_in_touch_pct", "cla_3plus_placements_pct"}  # issue 5's, all in the 2024 release (dfe/)


def test_the_ids_issues_5_and_15_name_are_mapped():
    assert TWELVE | {"cin_rereferral_pct", "cin_rereferral_child_pct", "cp_second_subsequent_pct", "cp_open_2yrs_plus_pct",
                     "ks4_att8_cla", "ehcp_20wk_excl_exceptions_pct", "ehcp_20wk_incl_exceptions_pct", "sw_turnover_pct",
                     "sw_agency_pct", "sw_vacancy_pct", "sw_caseload", "cla_school_moves_pct", "cla_absence_pct"} == set(PUBLISHED)


def _csv_rows(path, measure):
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            row = {k.lower(): v for k, v in row.items()}
            if row["time_period"] == "2024" and all(row[k.lower()] == v for k, v in measure.all_layouts[-1].filters.items()):
                yield row


@pytest.mark.parametrize("measure_id", sorted(TWELVE))
def test_benchmarks_equal_an_independent_reading_of_the_file(shared_data, measure_id):
    measure = PUBLISHED[measure_id]
    path = shared_data / "dfe" / measure.file
    result = benchmark(measure_id, *fitted(measure_id, measure, DfeTable.read(path)), SHROPSHIRE, "2024", NEIGHBOURS)
    rows = list(_csv_rows(path, measure))
    column = measure.all_layouts[-1].column  # the 2024 release's layout
    [la] = {r[column] for r in rows if r["new_la_code"] == "E06000051"}
    [eng] = {r[column] for r in rows if r["geographic_level"] == "National"}
    [region] = {r[column] for r in rows if r["geographic_level"] == "Regional" and r["region_code"] == "E12000005"}
    assert str(result.la) == la and str(result.england) == eng  # exactly DfE's figures, symbols kept
    assert str(result.region) == region and result.region_name == "West Midlands" and result.la_name == "Shropshire"
    codes = {n.code for n in NEIGHBOURS}
    values = [r[column] for r in rows if r["new_la_code"] in codes]
    numbers = [float(v) for v in values if v.replace(".", "", 1).isdigit()]
    assert result.sn_count == len(numbers) and len(result.sn_left_out) == 10 - len(numbers)
    if numbers:
        assert result.sn_average == pytest.approx(round(sum(numbers) / len(numbers), 1))


def test_shropshire_cla_rate_2024_against_neighbours_and_all_las(shared_data):
    measure = PUBLISHED["cla_rate_per_10k"]
    result = benchmark("cla_rate_per_10k", *fitted("cla_rate_per_10k", measure, DfeTable.read(shared_data / "dfe" / measure.file)), SHROPSHIRE, "2024", NEIGHBOURS)
    assert (result.la, result.england, result.sn_count) == (121, 70, 10)
    assert result.position == "Higher" and result.quartile == 4 and result.all_las > 140


def test_region_is_the_row_of_the_las_own_region(shared_data):
    """A London borough's region is Inner or Outer London, as its own row says; the value is that region's row."""
    measure = PUBLISHED["cla_rate_per_10k"]
    table = DfeTable.read(shared_data / "dfe" / measure.file)
    codes = {"E09000002", "301"}  # Barking and Dagenham
    result = benchmark("cla_rate_per_10k", *fitted("cla_rate_per_10k", measure, table), codes, "2024", read_neighbours(ROOT / "mappings" / "statistical_neighbours.csv", codes))
    rows = list(_csv_rows(shared_data / "dfe" / measure.file, measure))
    [own] = {r["region_code"] for r in rows if r["new_la_code"] == "E09000002"}
    [value] = {r["rate_per_10000"] for r in rows if r["geographic_level"] == "Regional" and r["region_code"] == own}
    assert own == "E13000002" and result.region_name == "Outer London" and str(result.region) == value

