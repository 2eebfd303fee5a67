"""Statistical neighbours by code, from DfE's own SN workbooks (2025 and 2021 models) and the table derived from them."""

from __future__ import annotations

import csv
import importlib.util

import pytest

from workbook_builder.errors import UserError
from workbook_builder.sources.neighbours import read_neighbours

from .conftest import ROOT

COMMITTED = ROOT / "mappings" / "statistical_neighbours.csv"


def _script():
    spec = importlib.util.spec_from_file_location("make_sn", ROOT / "scripts" / "make_statistical_neighbours.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()
SN = "statistical-neighbours"
SHROPSHIRE_2025 = ["815", "933", "860", "811", "838", "884", "830", "885", "943", "916"]  # the shared data README's list


def wide_csv(path):
    """DfE's 2025 model as its wide CSV gives it, read here with the csv module: LA number -> [(neighbour, closeness)]."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {row["old_la_code"]: [(row[f"SN_{k}"], row[f"SN_{k}P"].strip()) for k in range(1, 11)] for row in csv.DictReader(handle)}


def committed(model):
    with COMMITTED.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["model"] == model]


def test_the_committed_tables_are_what_the_script_derives_from_dfes_workbooks(shared_data):
    assert COMMITTED.read_bytes() == SCRIPT.render(shared_data / SN, shared_data / "dfe")
    assert (ROOT / "mappings" / "local_authorities.csv").read_bytes() == SCRIPT.render_local_authorities(shared_data / SN, shared_data / "dfe")


def test_the_2025_model_agrees_with_dfes_own_csv_of_it_for_every_la(shared_data):
    """The table (via the workbook, header on row 3) and DfE's wide CSV of the same model (read with csv) agree."""
    from workbook_builder.authorities import read_local_authorities

    number = {la.code: la.old_code for la in read_local_authorities(ROOT / "mappings" / "local_authorities.csv")}
    wide = wide_csv(shared_data / SN / "sn_model_2025_wide.csv")
    table = {}
    for row in committed("2025"):
        la = number.get(row["la_code"], row["la_code"])
        table.setdefault(la, []).append((int(row["rank"]), number.get(row["neighbour_code"], row["neighbour_code"]), row["closeness"]))
    current = {la: [(n, c) for _, n, c in sorted(rows)] for la, rows in table.items() if la in wide}
    assert len(current) == 153 and current == {la: wide[la] for la in current}
    assert [n for n, _ in current["893"]] == SHROPSHIRE_2025
    assert all(len(rows) == 10 for rows in table.values())


def test_every_las_neighbours_in_both_models_are_coded_and_distinct():
    for model, las in (("2025", 153), ("2021", 153)):
        by_la = {}
        for row in committed(model):
            by_la.setdefault(row["la_code"], []).append((int(row["rank"]), row["neighbour_code"]))
        current = {k: v for k, v in by_la.items() if k.startswith("E")}
        assert len(current) == las - (2 if model == "2021" else 0), model  # the 2021 model gives Cumberland and Westmorland none
        for la_code, neighbours in by_la.items():
            assert [r for r, _ in sorted(neighbours)] == list(range(1, 11)), (model, la_code)
            codes = [c for _, c in neighbours]
            assert len(set(codes)) == 10 and la_code not in codes, (model, la_code)


def test_dfes_workbook_is_read_as_published_old_sns_block_and_all(shared_data):
    from workbook_builder.sources.neighbours import read_dfe_model

    rows = read_dfe_model(shared_data / SN / "sn_may_2025.xlsx")
    assert len({r.la for r in rows if not r.old_block}) == 153
    assert sorted({r.la for r in rows if r.old_block}) == ["835", "836", "837", "909", "928"]
    assert all(r.closeness == r.closeness.strip() and r.closeness for r in rows)  # DfE's trailing spaces gone
    las = ROOT / "mappings" / "local_authorities.csv"
    cumbria = read_neighbours(shared_data / SN / "sn_may_2025.xlsx", {"909"}, las)  # abolished in 2023: its Old SNs row
    assert [n.old_code or n.code for n in cumbria] == ["925", "926", "830", "891", "860", "885", "935", "940", "893", "878"]
    assert cumbria.model == "DfE's 2025 model (sn_may_2025.xlsx), Old SNs block (an LA since abolished)"
    direct = read_neighbours(shared_data / SN / "sn_may_2025.xlsx", {"E06000051", "893"}, las)
    via_table = read_neighbours(COMMITTED, {"E06000051", "893"}, las)
    assert [n.old_code for n in direct] == [n.old_code for n in via_table] == SHROPSHIRE_2025
    assert via_table.model == "DfE's 2025 model (sn_may_2025.xlsx, via statistical_neighbours.csv)"
    old = read_neighbours(COMMITTED, {"E06000051", "893"}, las, model="2021")
    assert [n.old_code or n.code for n in old][:3] == ["878", "884", "838"] and old[-1].code == "909" and old[-1].name == "Cumbria"
    with pytest.raises(UserError, match="no statistical neighbours for LA code 942 / E06000063 in DfE's 2021 model"):
        read_neighbours(COMMITTED, {"E06000063", "942"}, las, model="2021")  # Cumberland post-dates the 2021 model
    with pytest.raises(UserError, match="no statistical neighbour model '2019'"):
        read_neighbours(COMMITTED, {"893"}, las, model="2019")


def test_local_authorities_have_codes_and_regions_as_dfe_publishes_them():
    from workbook_builder.authorities import read_local_authorities

    las = {la.code: la for la in read_local_authorities(ROOT / "mappings" / "local_authorities.csv")}
    assert len(las) == 153 and set(las) == {row["la_code"] for row in csv.DictReader(COMMITTED.open(encoding="utf-8")) if row["la_code"][0] == "E"}
    shropshire = las["E06000051"]
    assert (shropshire.old_code, shropshire.name, shropshire.region_code, shropshire.region_name) == ("893", "Shropshire", "E12000005", "West Midlands")
    assert las["E09000002"].region_name == "Outer London" and las["E06000064"].old_code == "943"  # Westmorland and Furness (2023)


def test_shropshires_neighbours_are_read_by_code_old_or_new():
    from workbook_builder.authorities import find_authority

    las = ROOT / "mappings" / "local_authorities.csv"
    by_new = [n.code for n in read_neighbours(COMMITTED, set(find_authority(las, "E06000051").codes))]
    by_old = [n.code for n in read_neighbours(COMMITTED, set(find_authority(las, "893").codes))]
    assert by_new == by_old == ["E06000065", "E06000066", "E10000028", "E06000011", "E06000059",
                                "E06000019", "E10000007", "E10000034", "E06000064", "E10000013"]  # the shared data README's order


