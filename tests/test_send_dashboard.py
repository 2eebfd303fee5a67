"""The SEND data dashboard: seed 004's columns, monthly values, months not yet reported blank by design."""

from __future__ import annotations

import pytest

from workbook_builder.build import build

from .conftest import FIXED_BUILT_AT, ROOT
from .helpers import Scorecard


@pytest.fixture(scope="module")
def card(tmp_path_factory):
    [result] = build(["send_dashboard"], inputs=ROOT / "inputs" / "sample", out_dir=tmp_path_factory.mktemp("dash"),
                     built_at=FIXED_BUILT_AT, root=ROOT)
    return Scorecard(result.output, sheet="SEND dashboard")


def test_seed_columns_in_order(card):
    headers = [c.value for c in card.ws[card.header_row] if c.value]
    assert headers[:8] == ["Indicator Name", "Metric", "What does good performance look like?", "Measure updated",
                           "Reporting Period", "Reporting Frequency", "England Average", "Target/Plan"]
    assert headers[8:20] == ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]
    assert headers[20:23] == ["Previous Position", "Latest Position", "Direction"]


def test_monthly_values_latest_previous_and_direction(card):
    row = "dash_ehcp_20_weeks_pct"
    assert [card.value(row, m) for m in ("Apr", "May", "Jun")] == [31, 34.5, 38]
    assert card.value(row, "Previous Position") == 34.5 and card.value(row, "Latest Position") == 38
    assert card.value(row, "Direction") == "▲ Up" and card.value(row, "Measure updated") == "2026-06"
    assert card.value(row, "England Average") == 46


def test_months_not_yet_reported_are_blank_by_design_and_audited(card):
    row = "dash_ehcp_20_weeks_pct"
    assert all(card.value(row, m) is None for m in ("Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"))
    audit = next(a for a in card.audit() if a["Measure id"] == row and a["Series"] == "Jul")
    assert audit["Value"] is None and "2026-07 not yet reported: after the latest month in the extract (2026-06)" in audit["Transformation"]
    assert "Jul–Mar: not yet reported" in card.value(row, "Notes")


def test_rows_without_data_are_present_and_marked(card):
    for row in ("dash_placement_to_roll_days", "dash_neet_send", "dash_review_6_8_weeks_pct"):
        assert card.value(row, "Latest Position") == "Not yet available"
        assert "No local monthly extract" in card.value(row, "Notes")
    assert len([k for k in card.rows if not k.startswith("section:")]) == 47


def test_trend_chart_for_every_indicator_with_monthly_data(card):
    import re
    import zipfile

    from workbook_builder.measures.mapping import load_mapping

    monthly = [m.id for m in load_mapping(ROOT / "mappings" / "send_dashboard.yaml").measures() if m.monthly]
    with zipfile.ZipFile(card.path) as package:
        charts = [package.read(n).decode() for n in package.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == len(monthly) == 25
    rows = sorted(int(re.search(r"\$X?[A-Z]+\$(\d+):", re.findall(r"<c:val>.*?<c:f>([^<]+)</c:f>", c, re.S)[0]).group(1)) for c in charts)
    assert rows == sorted(card.rows[m] for m in monthly)


def test_every_number_has_a_matching_audit_row(card):
    from .helpers import sha256

    audit = {a["Cell"]: a for a in card.audit()}
    checked = 0
    for measure, row in card.rows.items():
        if measure.startswith("section:"):
            continue
        for column in ("Apr", "May", "Jun", "Previous Position", "Latest Position", "England Average"):
            value = card.value(measure, column)
            if isinstance(value, (int, float)):
                entry = audit[f"'SEND dashboard'!{card.ref(measure, column)}"]
                assert entry["Value"] == value and entry["SHA-256"] == sha256(ROOT / entry["Source file"])
                checked += 1
    assert checked == 25 * 5 + 2 * 2 + 3  # monthly rows: 3 months + latest + previous; attendance: latest + previous; England
