"""Rows are found by measure id and columns by header, so officers can rearrange a template."""

from __future__ import annotations

import importlib.util
import shutil

import pytest

from workbook_builder.build import build
from workbook_builder.errors import UserError
from workbook_builder.measures.mapping import load_mapping

from .conftest import FIXED_BUILT_AT, ROOT
from .helpers import Scorecard


def _template_module():
    spec = importlib.util.spec_from_file_location("make_templates", ROOT / "scripts" / "make_templates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _project(tmp_path, mutate_order=None, mutate_mapping=None):
    """A project folder whose template was rearranged the way an officer might."""
    (tmp_path / "mappings").mkdir()
    shutil.copy(ROOT / "mappings" / "appendix_x.yaml", tmp_path / "mappings")
    shutil.copy(ROOT / "mappings" / "published.yaml", tmp_path / "mappings")  # the DfE measures `published:` series name
    mapping = load_mapping(tmp_path / "mappings" / "appendix_x.yaml")
    if mutate_mapping:
        mapping = mutate_mapping(mapping)
    module = _template_module()
    if mutate_order:
        module.ORDER = mutate_order(list(module.ORDER))
    module.make_appendix_x(mapping, tmp_path / "templates" / "appendix_x.xlsx")
    return tmp_path


def test_reordered_rows_and_columns_still_get_the_right_values(tmp_path):
    def reverse(mapping):
        sections = [s.model_copy(update={"measures": list(reversed(s.measures))}) for s in reversed(mapping.sections)]
        return mapping.model_copy(update={"sections": sections})

    def move_columns(order):  # England before Shropshire, Notes first
        order.remove("england")
        order.insert(order.index("la"), "england")
        order.remove("notes")
        return ["notes"] + order

    project = _project(tmp_path, mutate_order=move_columns, mutate_mapping=reverse)
    [result] = build(["appendix_x"], inputs=ROOT / "inputs" / "sample", out_dir=tmp_path / "out", built_at=FIXED_BUILT_AT, root=project, la="E06000051")
    card = Scorecard(result.output)
    from openpyxl.utils import column_index_from_string as index

    assert index(card.cols["Notes"]) == 1 and index(card.cols["England"]) < index(card.cols["Shropshire"])
    assert card.rows["cla_rate_per_10k"] < card.rows["voice_influence_pct"]  # enablers now first
    assert card.value("cla_rate_per_10k", "Shropshire") == 111
    assert card.value("cla_rate_per_10k", "England") == 67
    assert card.value("repeat_referrals_pct", "Stat Neighbours") == 18
    audit = next(a for a in card.audit() if a["Measure id"] == "cla_rate_per_10k" and a["Series"] == "England")
    assert audit["Cell"] == f"'Scorecard'!{card.ref('cla_rate_per_10k', 'England')}"


def test_a_template_missing_a_measure_row_is_a_clear_error(tmp_path):
    def drop_one(mapping):
        first = mapping.sections[0]
        return mapping.model_copy(update={"sections": [first.model_copy(update={"measures": first.measures[1:]}), *mapping.sections[1:]]})

    project = _project(tmp_path, mutate_mapping=drop_one)
    with pytest.raises(UserError, match="no row for measure id\\(s\\) voice_influence_pct"):
        build(["appendix_x"], inputs=ROOT / "inputs" / "sample", out_dir=tmp_path / "out", root=project, la="E06000051")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
