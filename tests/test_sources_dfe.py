"""The DfE open-data reader against the real DfE files in ../shared/data/dfe."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from workbook_builder.measures.mapping import Locator, Source, load_mapping
from workbook_builder.measures.resolve import Resolver
from workbook_builder.observations import parse_number
from workbook_builder.sources.dfe import DfeTable

from .conftest import ROOT, sample_la


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{k.lower(): v for k, v in row.items()} for row in csv.DictReader(handle)]


@pytest.fixture(scope="module")
def real_inputs(shared_data, tmp_path_factory) -> Path:
    """An inputs folder whose dfe/ is the real DfE folder."""
    folder = tmp_path_factory.mktemp("real_inputs")
    (folder / "dfe").symlink_to(shared_data / "dfe", target_is_directory=True)
    return folder


@pytest.fixture(scope="module")
def resolver(real_inputs) -> Resolver:
    mapping = load_mapping(ROOT / "mappings" / "appendix_x.yaml")
    sources = {**mapping.sources,  # dfe_csv sources read through the resolver's own DfE path (not published.yaml)
               "dfe_cla_rate": Source(kind="dfe_csv", path="dfe/cla_number_and_rate_per_10k_children.csv"),
               "dfe_care_leavers": Source(kind="dfe_csv", path="dfe/la_care_leavers_activity.csv")}
    return Resolver(mapping=mapping.model_copy(update={"sources": sources}), inputs=real_inputs, project_root=ROOT, la=sample_la())


def _measure(resolver, measure_id):
    return next(m for m in resolver.mapping.measures() if m.id == measure_id)


def test_real_cla_rate_equals_dfe_published_figures(resolver, shared_data):
    locator = Locator(source="dfe_cla_rate", filters={"population_count": "Children looked after at 31 March each year"}, column="rate_per_10000")
    measure = _measure(resolver, "cla_rate_per_10k")
    la = resolver.locate(locator, "previous", measure)
    england = resolver.locate(locator, "england", measure)
    # Shropshire (E06000051 / 893) and England, year ending 31 March 2024, as published
    assert (la.value, la.provenance.period) == (121, "2024")
    assert england.value == 70
    assert la.provenance.sha256 == __import__("hashlib").sha256((shared_data / "dfe" / "cla_number_and_rate_per_10k_children.csv").read_bytes()).hexdigest()


def test_real_sn_mean_is_computed_by_code_from_per_la_rows(resolver, shared_data):
    locator = Locator(source="dfe_care_leavers", filters={"age": "Aged 19 to 21", "activity": "Total in education, employment or training"}, column="percentage")
    sn = resolver.locate(locator, "sn", _measure(resolver, "care_leavers_eet_19_21_pct"))
    codes = [row["neighbour_code"] for row in csv.DictReader((ROOT / "mappings/statistical_neighbours.csv").open())
             if row["la_code"] == "E06000051" and row["model"] == "2025"]  # the default: the newest model
    values = []
    for row in _rows(shared_data / "dfe" / "la_care_leavers_activity.csv"):
        if (row["time_period"] == "2024" and row["new_la_code"] in codes and row["age"] == "Aged 19 to 21"
                and row["activity"] == "Total in education, employment or training"):
            values.append(row["percentage"])
    numbers = [float(v) for v in values if v.replace(".", "").isdigit()]
    assert len(values) == 10
    assert sn.value == pytest.approx(round(sum(numbers) / len(numbers), 1)) == 57.1  # Shropshire's 10 neighbours, 2024
    assert sn.provenance.transformation.startswith(f"mean of {len(numbers)} of 10 statistical neighbours")


def test_symbols_are_kept_never_read_as_zero(shared_data):
    table = DfeTable.read(shared_data / "dfe" / "la_care_leavers_activity.csv")
    rows = table.select({"new_la_code": "E06000051", "time_period": "2024", "age": "Aged 17 to 18", "activity": "In an apprenticeship"})
    assert list(rows["percentage"]) == ["c"]
    assert parse_number("c") == "c" and parse_number("z") == "z" and parse_number("low") == "low"
    assert parse_number("54") == 54 and parse_number("6.5") == 6.5


def test_headers_match_case_insensitively_and_bom_is_ignored(shared_data):
    missing = DfeTable.read(shared_data / "dfe" / "la_children_who_were_missing_or_away_from_placement_without_authorisation.csv")
    assert "cla_group" in missing.frame.columns and "time_period" in missing.frame.columns  # CLA_group, BOM-prefixed header
    rows = missing.select({"CLA_GROUP": "Average number of missing incidents per looked after child who went missing",
                           "geographic_level": "National", "time_period": "2024"})
    assert set(rows["number"]) == {"6.5"}


def test_la_is_matched_by_code_not_name(shared_data):
    table = DfeTable.read(shared_data / "dfe" / "cla_number_and_rate_per_10k_children.csv")
    by_old = table.select({"old_la_code": "884", "time_period": "2024", "population_count": "Children looked after at 31 March each year"})
    by_new = table.select({"new_la_code": "E06000019", "time_period": "2024", "population_count": "Children looked after at 31 March each year"})
    assert list(by_old["la_name"]) == ["Herefordshire, County of"]
    assert list(by_old["rate_per_10000"]) == list(by_new["rate_per_10000"])
