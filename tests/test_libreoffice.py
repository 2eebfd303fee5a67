"""The built workbook in a real spreadsheet application: it opens, renders, and recalculates."""

from __future__ import annotations

import csv
import subprocess

import pytest

from workbook_builder.writers.ooxml import WorkbookPackage

from .helpers import Scorecard
from .libreoffice import convert

pytestmark = pytest.mark.libreoffice


def test_opens_in_libreoffice_and_converts_to_pdf(sample_build, tmp_path):
    pdf = convert(sample_build.output, "pdf", tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= 4  # the scorecard (A3, two pages), then Audit and Sources


def test_an_edited_value_changes_its_rag_and_direction_live(sample_build, tmp_path):
    card = Scorecard(sample_build.output)
    row = card.rows["repeat_referrals_pct"]
    assert card.value("repeat_referrals_pct", "RAG") == "G"  # 7% against England 21%
    edited = tmp_path / "edited.xlsx"
    package = WorkbookPackage.open(sample_build.output)
    package.worksheet("Scorecard").set_value(f"D{row}", 30)  # an officer types 30% over 7%
    package.save(edited)

    recalculated = convert(edited, "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path, recalc=True)  # UTF-8
    with recalculated.open(encoding="utf-8") as handle:
        cells = list(csv.reader(handle))
    assert cells[row - 1][3] == "30%"  # the officer's number, in the style the build gave the cell
    assert cells[row - 1][8] == "R"  # 30% against England 21%, lower is better, tolerance 2: red
    assert cells[row - 1][9].startswith("▲")  # up from 13%
    # the colour follows the text: the red rule covers this cell and keys on the RAG text
    rules = {(str(cf.sqref), rule.formula[0]) for cf in card.ws.conditional_formatting for rule in cf.rules}
    assert any(f"I{min(card.rows[m] for m in card.rows if not m.startswith('section:'))}=\"R\"" in formula
               and f"D" in sqref for sqref, formula in rules)
