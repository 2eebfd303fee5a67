"""Reading built workbooks back the way a person would: rows by measure id, columns by header."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


class Scorecard:
    def __init__(self, path: Path, sheet: str = "Scorecard"):
        self.path = path
        self.book = openpyxl.load_workbook(path)  # formulas as written, cached values via data_only below
        self.values = openpyxl.load_workbook(path, data_only=True)
        self.ws = self.book[sheet]
        self.vs = self.values[sheet]
        self.header_row = next(r for r in range(1, 30) if any(c.value == "Key" for c in self.ws[r]))
        self.cols = {c.value: c.column_letter for c in self.ws[self.header_row] if c.value}
        key = self.cols["Key"]
        self.rows = {self.ws[f"{key}{r}"].value: r for r in range(self.header_row + 1, self.ws.max_row + 1)
                     if isinstance(self.ws[f"{key}{r}"].value, str)}

    def ref(self, measure: str, column: str) -> str:
        return f"{self.cols[column]}{self.rows[measure]}"

    def value(self, measure: str, column: str):
        return self.vs[self.ref(measure, column)].value

    def formula(self, measure: str, column: str):
        return self.ws[self.ref(measure, column)].value

    def audit(self) -> list[dict]:
        sheet = self.values["Audit"]
        rows = list(sheet.iter_rows(values_only=True))
        return [dict(zip(rows[0], row)) for row in rows[1:]]

    def sources(self) -> list[dict]:
        sheet = self.values["Sources"]
        rows = list(sheet.iter_rows(values_only=True))
        return [dict(zip(rows[0], row)) for row in rows[1:]]


def half_up(value) -> int:
    """Rounded as ChAT prints: halves away from zero (12.5 -> 13, 24.5 -> 25), not Python's to-even."""
    from decimal import ROUND_HALF_UP, Decimal

    return int(Decimal(str(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def fitted(measure_id, measure, table):
    """A DfE table and the layout of a published measure that fits it: what ``benchmark()`` reads."""
    from workbook_builder.measures.published import fitting_layout

    return table, fitting_layout(measure_id, measure, table)
