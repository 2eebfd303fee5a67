"""LAIT downloads: one indicator per sheet, areas in rows, years in columns, England/region/SN rows."""

from __future__ import annotations

import openpyxl
import pytest
import xlsxwriter

from workbook_builder.errors import UserError
from workbook_builder.observations import NO_DATA
from workbook_builder.sources.lait import LaitWorkbook, year_label

from .conftest import ROOT
from .helpers import Scorecard

SAMPLE_LAIT = ROOT / "inputs" / "sample" / "lait" / "LAIT_download_Shropshire_2026-05-12.xlsx"


def test_sample_download_indicators_years_and_rows():
    lait = LaitWorkbook.read(SAMPLE_LAIT)
    assert list(lait.indicators) == ["SEND 16-17 EET", "SEND absence"]  # the Contents sheet is not an indicator
    eet = lait.indicator("SEND 16-17 EET")
    assert eet.title == "Percentage of 16-17 year olds with an EHC plan in education, employment or training"
    assert list(eet.years) == ["2019", "2020", "2021", "2022", "2023", "2024"] and eet.latest() == "2024" and eet.latest(1) == "2023"
    assert eet.value(eet.row_of("la", {"893"}), "2024") == (61.9, "'SEND 16-17 EET'!I65")
    assert eet.value(eet.row_of("england"), "2024")[0] == 64.5
    assert eet.value(eet.row_of("sn"), "2024")[0] == 63.1
    assert eet.value(eet.row_of("la", {"884"}), "2024")[0] == "c"  # Herefordshire suppressed: kept, never 0
    assert len(eet.by_code) == 153 and eet.names[eet.row_of("West Midlands")] == "West Midlands"
    absence = lait.indicator("Overall absence rate of pupils with an EHC plan (%)")  # by title too
    assert list(absence.years)[-1] == "2023-24"


def test_every_value_equals_openpyxl_reading_the_same_cells():
    lait = LaitWorkbook.read(SAMPLE_LAIT)
    book = openpyxl.load_workbook(SAMPLE_LAIT, read_only=True)
    for name, indicator in lait.indicators.items():
        cells = list(book[name].iter_rows(values_only=True))
        compared = 0
        for row in list(indicator.by_code.values()) + list(indicator.by_label.values()):
            for year, col in indicator.years.items():
                expected = cells[row - 1][col - 1]
                value, _ = indicator.value(row, year)
                assert value == (NO_DATA if expected is None else expected), (name, row, year)
                compared += 1
        assert compared == (153 + 12) * 6, name  # LAs, England, SN and 10 regions (London as Inner and Outer) x 6 years


def _workbook(path, sheets):
    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
    book.close()
    return path


def test_new_codes_numeric_and_academic_year_headers_blanks_and_symbols(tmp_path):
    path = _workbook(tmp_path / "lait.xlsx", {
        "Notes": [["About this download"], ["Nothing to see"]],
        "CLA rate": [["Children looked after rate per 10,000"], [], ["New LA code", "LA Name", 2022, "2022-23", "2023/24"],
                     [None, "England", 70, 71, 70], ["E06000051", "Shropshire", 110, None, 121], ["E06000019", "Herefordshire", "x", ":", 95]],
    })
    indicator = LaitWorkbook.read(path).indicator("CLA rate")
    assert list(indicator.years) == ["2022", "2022-23", "2023-24"]
    row = indicator.row_of("la", {"E06000051", "893"})
    assert indicator.value(row, "2023-24") == (121, "'CLA rate'!E5")
    assert indicator.value(row, "2022-23")[0] == NO_DATA  # empty: "No data", never 0
    hereford = indicator.row_of("la", {"E06000019"})
    assert [indicator.value(hereford, y)[0] for y in indicator.years] == ["x", ":", 95]
    assert indicator.row_of("sn") is None  # this download has no statistical-neighbour row


def test_bad_downloads_are_clear_errors(tmp_path):
    no_header = _workbook(tmp_path / "no_header.xlsx", {"Sheet1": [["just", "text"], ["no", "years"]]})
    with pytest.raises(UserError, match="no LAIT indicator sheets found"):
        LaitWorkbook.read(no_header)
    with pytest.raises(UserError, match="sheet 'Sheet1': no LAIT header row"):
        LaitWorkbook.read(no_header, sheets=["Sheet1"])
    twice = _workbook(tmp_path / "twice.xlsx", {"X": [["LA number", "LA name", 2024], [893, "Shropshire", 1], [893, "Shropshire", 2]]})
    with pytest.raises(UserError, match="LA code 893 appears twice"):
        LaitWorkbook.read(twice)
    indicator = LaitWorkbook.read(SAMPLE_LAIT).indicator("SEND absence")
    with pytest.raises(UserError, match="no year '2030'"):
        indicator.value(indicator.row_of("england"), "2030")
    with pytest.raises(UserError, match="no indicator sheet 'Attainment'"):
        LaitWorkbook.read(SAMPLE_LAIT).indicator("Attainment")


@pytest.mark.parametrize("text, label", [(2024, "2024"), (2024.0, "2024"), ("2023/24", "2023-24"), ("2023-2024", "2023-24"),
                                         ("Trend", None), (1850, None), ("", None)])
def test_year_headers(text, label):
    assert year_label(text) == label


def test_appendix_x_takes_send_eet_benchmarks_from_lait(sample_build):
    card = Scorecard(sample_build.output)
    assert (card.value("send_eet_pct", "Stat Neighbours"), card.value("send_eet_pct", "England")) == (63.1, 64.5)
    audit = {a["Series"]: a for a in card.audit() if a["Measure id"] == "send_eet_pct"}
    assert audit["SN"]["Locator"] == "'SEND 16-17 EET'!I7 (row 'Statistical neighbours', year 2024)"
    assert audit["SN"]["Source file"] == "inputs/sample/lait/LAIT_download_Shropshire_2026-05-12.xlsx"
    assert "statistical-neighbour average row" in audit["SN"]["Transformation"] and audit["England"]["Period"] == "2024"
