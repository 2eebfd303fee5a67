"""Reader for a ChAT (Children's Services Analysis Tool) export workbook.

ChAT is built from Ofsted's ILACS Annex A. Its export has a sheet per area (headline
figures, the comparison table, placements, care leavers, missing, adoption), each holding
titled tables. Values are found by sheet, table title, row label and column header — see
:mod:`workbook_builder.sources.tables`. The extract date on the ``About`` sheet is the
period of every value read from the workbook.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import UserError
from .tables import find_table, norm, read_grid, sheet_names


def chat_period(path: Path) -> str:
    """'ChAT 18/06/2026' from the About sheet's 'Extract date' row, or '' when absent."""
    if not any(norm(n) == "about" for n in sheet_names(path)):
        return ""
    table = find_table(read_grid(path, "About"))
    try:
        value = table.value(table.row("Extract date"), table.label_col + 1)
    except UserError:
        return ""
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-":  # ISO date from a date cell
        value = f"{value[8:10]}/{value[5:7]}/{value[:4]}"
    return f"ChAT {value}" if value else ""
