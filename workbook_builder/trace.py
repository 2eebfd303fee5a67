"""``trace``: where the number in a cell of a built workbook came from, read back from its Audit sheet.

Kept apart from :mod:`workbook_builder.build` so that tracing a cell (from the CLI or the ribbon)
imports neither pandas nor the mapping models: it only reads the Audit sheet with python-calamine.
"""

from __future__ import annotations

from pathlib import Path

from .errors import UserError
from .writers.columns import AUDIT_COLUMNS

AUDIT_FIELDS = [title for title, _width in AUDIT_COLUMNS]


def trace(workbook: Path, cell: str) -> list[dict[str, object]]:
    """The Audit rows explaining ``cell`` ('Sheet'!D5, Sheet!D5, or D5 on the scorecard sheet) of a built workbook."""
    from .sources.tables import find_table, norm, read_grid

    workbook = Path(workbook)
    if not workbook.is_file():
        raise UserError(f"workbook not found: {workbook}", hint="Pass a workbook built by `scorecard build` (see outputs/).")
    table = find_table(read_grid(workbook, "Audit"))
    wanted = _normalise_cell(cell)
    matches = []
    for _, record in table.records():
        cell_text = str(record.get("cell") or "")
        if _normalise_cell(cell_text) == wanted or (("!" not in cell) and cell_text.split("!")[-1].upper() == wanted[1]):
            matches.append({name: record.get(norm(name)) for name in AUDIT_FIELDS})
    if not matches:
        raise UserError(f"{workbook}: no Audit row for cell {cell}",
                        hint="Trace a Shropshire, SN, England, Previous, RAG or Direction cell of a measure row; the Audit sheet lists them all.")
    return matches


def _normalise_cell(text: str) -> tuple[str, str]:
    text = text.strip().lstrip("=")
    if "!" in text:
        sheet, ref = text.rsplit("!", 1)
        return sheet.strip("'").replace("''", "'").casefold(), ref.replace("$", "").upper()
    return "", text.replace("$", "").upper()
