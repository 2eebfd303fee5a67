"""The built workbook in a real spreadsheet application: it opens, renders, and recalculates."""

from __future__ import annotations

import csv
import subprocess

import pytest

from workbook_builder.writers.ooxml import WorkbookPackage

from .helpers import Scorecard
from .libreoffice import convert

pytestmark = pytest.mark.libreoffice


@pytest.mark.parametrize("workbook, min_pages", [("appendix_x", 4), ("appendix_2", 15), ("send_dashboard", 5)])
def test_every_workbook_opens_in_libreoffice_and_converts_to_pdf(tmp_path, workbook, min_pages):
    from workbook_builder.build import build

    from .conftest import FIXED_BUILT_AT, ROOT

    [result] = build([workbook], inputs=ROOT / "inputs" / "sample", out_dir=tmp_path / "out", built_at=FIXED_BUILT_AT, root=ROOT)
    pdf = convert(result.output, "pdf", tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= min_pages  # every sheet printed: measure sheets, charts, Audit, Sources


def test_an_edited_value_changes_its_rag_and_direction_live(sample_build, tmp_path):
    card = Scorecard(sample_build.output)
    row = card.rows["repeat_referrals_pct"]
    assert card.value("repeat_referrals_pct", "RAG") == "G"  # 7.3% against England 21%
    edited = tmp_path / "edited.xlsx"
    package = WorkbookPackage.open(sample_build.output)
    package.worksheet("Scorecard").set_value(f"D{row}", 30)  # an officer types 30% over 7.3%
    package.save(edited)

    recalculated = convert(edited, "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path, recalc=True)  # UTF-8
    with recalculated.open(encoding="utf-8") as handle:
        cells = list(csv.reader(handle))
    assert cells[row - 1][3] == "30.0%"  # the officer's number, in the style the build gave the cell (7.3%: one decimal)
    assert cells[row - 1][8] == "R"  # 30% against England 21%, lower is better, tolerance 2: red
    assert cells[row - 1][9].startswith("▲")  # up from 13%
    # the colour follows the text: the red rule covers this cell and keys on the RAG text
    measure_rows = [r for m, r in card.rows.items() if not m.startswith("section:")]
    first, last = min(measure_rows), max(measure_rows)
    rules = {(str(cf.sqref), rule.formula[0]) for cf in card.ws.conditional_formatting for rule in cf.rules}
    assert (f"D{first}:D{last} I{first}:I{last}", f'$I{first}="R"') in rules and first <= row <= last


def test_cached_rag_and_direction_equal_what_libreoffice_recalculates(tmp_path):
    """Every judgement written with the workbook is what a spreadsheet computes from the live formula."""
    from workbook_builder.build import build

    from .conftest import FIXED_BUILT_AT, ROOT

    results = build(["appendix_x", "appendix_2"], inputs=ROOT / "inputs" / "sample", out_dir=tmp_path / "out",
                    built_at=FIXED_BUILT_AT, root=ROOT)
    compared = 0
    for result in results:
        export = tmp_path / result.workbook
        export.mkdir()
        convert(result.output, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", export, recalc=True)
        import openpyxl

        for audit_sheet in openpyxl.load_workbook(result.output, read_only=True).sheetnames:
            if audit_sheet in ("Cover", "Summary", "Charts", "Trends", "Audit", "Sources", "Data quality"):
                continue
            card = Scorecard(result.output, sheet=audit_sheet)
            if "RAG" not in card.cols:
                continue
            csv_path = export / f"{result.output.stem}-{audit_sheet}.csv"
            with csv_path.open(encoding="utf-8") as handle:
                cells = list(csv.reader(handle))
            for measure, row in card.rows.items():
                if measure.startswith("section:"):
                    continue
                for column in ("RAG", "Direction"):
                    if column in card.cols:
                        col = openpyxl_index(card.cols[column]) - 1
                        assert cells[row - 1][col] == (card.value(measure, column) or ""), (audit_sheet, measure, column)
                        compared += 1
    assert compared > 150


def openpyxl_index(letter: str) -> int:
    from openpyxl.utils import column_index_from_string

    return column_index_from_string(letter)
