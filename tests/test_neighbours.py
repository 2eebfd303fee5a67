"""Statistical neighbours by code, resolved from the published table that names them."""

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
la_codes_by_name, name_key, resolve_table_by_name = SCRIPT.la_codes_by_name, SCRIPT.name_key, SCRIPT.resolve_table_by_name


@pytest.fixture(scope="module")
def resolved(shared_data):
    return resolve_table_by_name(shared_data / "statistical_neighbours_by_name.csv", shared_data / "dfe")


def test_every_one_of_the_153_las_resolves_to_ten_coded_neighbours(resolved):
    by_la = {}
    for la_code, _name, rank, neighbour_code, _n in resolved:
        by_la.setdefault(la_code, []).append((int(rank), neighbour_code))
    assert len(by_la) == 153
    for la_code, neighbours in by_la.items():
        assert [r for r, _ in neighbours] == list(range(1, 11)), la_code
        codes = [c for _, c in neighbours]
        assert len(set(codes)) == 10 and la_code not in codes and all(c[:3] in ("E06", "E08", "E09", "E10") for c in codes)


def test_names_that_differ_between_publications_meet_on_one_code(shared_data):
    codes = la_codes_by_name(shared_data / "dfe")
    assert codes[name_key("Herefordshire")][0] == codes[name_key("Herefordshire, County of")][0] == "E06000019"
    assert codes[name_key("Bedford Borough")][0] == codes[name_key("Bedford")][0]
    assert codes[name_key("Durham")][0] == codes[name_key("County Durham")][0]
    assert codes[name_key("Kingston upon Hull, City of")][0] == codes[name_key("Kingston Upon Hull, City of")][0]


def test_committed_table_is_what_the_script_derives(shared_data):
    module = SCRIPT
    assert COMMITTED.read_bytes() == module.render(shared_data / "statistical_neighbours_by_name.csv", shared_data / "dfe")
    las = module.render_local_authorities(shared_data / "statistical_neighbours_by_name.csv", shared_data / "dfe")
    assert (ROOT / "mappings" / "local_authorities.csv").read_bytes() == las


def test_local_authorities_have_codes_and_regions_as_dfe_publishes_them():
    from workbook_builder.authorities import read_local_authorities

    las = {la.code: la for la in read_local_authorities(ROOT / "mappings" / "local_authorities.csv")}
    assert len(las) == 153 and set(las) == {row["la_code"] for row in csv.DictReader(COMMITTED.open(encoding="utf-8"))}
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


def test_an_unknown_name_is_a_clear_error(shared_data, tmp_path):
    table = tmp_path / "by_name.csv"
    table.write_text("Shropshire\nAtlantis\n", encoding="utf-8")
    with pytest.raises(UserError, match="column 1 \\('Shropshire'\\), neighbour 1: no DfE LA code for 'Atlantis'"):
        resolve_table_by_name(table, shared_data / "dfe")
