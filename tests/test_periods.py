"""Periods: labels ordered by when they end; --period caps local data; DfE extra series read the LA row."""

from __future__ import annotations

import pytest

from workbook_builder.errors import UserError
from workbook_builder.measures.mapping import Locator, Published, load_mapping
from workbook_builder.measures.resolve import Resolver
from workbook_builder.periods import ordered, period_end

from .conftest import ROOT, sample_la

SAMPLE = ROOT / "inputs" / "sample"


def test_labels_sort_by_when_they_end():
    assert ordered(["2025-26 Summer", "2026-27 Q1", "2025-26 Spring", "2024-25", "2025-26 H1"]) == \
        ["2024-25", "2025-26 H1", "2025-26 Spring", "2026-27 Q1", "2025-26 Summer"]
    assert str(period_end("2026-06")) == "2026-06-30" and str(period_end("202425")) == "2025-03-31"


def _resolver(as_of=None):
    return Resolver(load_mapping(ROOT / "mappings" / "appendix_x.yaml"), SAMPLE, ROOT, la=sample_la(), as_of=as_of)


def _value(resolver, measure_id, series="la"):
    measure = next(m for m in resolver.mapping.measures() if m.id == measure_id)
    spec = measure.series[series]
    if isinstance(spec, Published):
        return resolver.published(spec, series, measure)
    return resolver.locate(spec, series, measure)


def test_period_caps_local_and_survey_data():
    assert _value(_resolver(), "residential_weekly_cost_gbp").value == 7120  # 2026-27 Q1
    capped = _resolver("2025-26 Q4")
    assert _value(capped, "residential_weekly_cost_gbp").value == 6850
    survey = _value(capped, "voice_influence_pct")
    assert survey.provenance.period == "2025-26 Spring"  # Summer (Apr-Aug 2026) ends after Q4
    assert _value(capped, "cla_rate_per_10k", "england").provenance.period == "2025"  # published data is not capped


def test_period_before_all_data_is_an_error_naming_the_file():
    with pytest.raises(UserError, match="finance_monitoring.xlsx: no period ends by 2024-25"):
        _value(_resolver("2024-25"), "residential_weekly_cost_gbp")


def test_extra_dfe_series_reads_the_la_row_not_the_neighbours():
    resolver = _resolver()
    measure = next(m for m in resolver.mapping.measures() if m.id == "eyfs_gld_pct")
    locator = Locator(source="dfe_eyfsp", filters={"characteristic": "All pupils"}, column="gld_percentage", period="202324")
    baseline = resolver.locate(locator, "baseline", measure)
    assert baseline.value == 66.2 and baseline.provenance.locator.startswith("new_la_code=E06000051")
