"""``trace``: where the number in a cell of a built workbook came from, read back from its Audit sheet.

Kept apart from :mod:`workbook_builder.build` so that tracing a cell (from the CLI or the ribbon)
imports neither pandas nor the mapping models: it only reads the Audit sheet with python-calamine,
into the same :class:`~workbook_builder.writers.audit_rows.AuditRow` the build wrote.
"""

from __future__ import annotations

from pathlib import Path

from .errors import UserError
from .refs import split_sheet_ref
from .writers.audit_rows import AuditRow


def trace(workbook: Path, cell: str) -> list[AuditRow]:
    """The Audit rows explaining ``cell`` ('Sheet'!D5, Sheet!D5, or D5 on any sheet) of a built workbook."""
    from .sources.tables import find_table, read_grid

    workbook = Path(workbook)
    if not workbook.is_file():
        raise UserError(f"workbook not found: {workbook}", hint="Pass a workbook built by `scorecard build` (see outputs/).")
    if workbook.suffix.lower() not in (".xlsx", ".xlsm"):
        raise UserError(f"{workbook}: not a workbook built by scorecard (an .xlsx with an Audit sheet)",
                        hint="Pass a workbook from the outputs folder.")
    table = find_table(read_grid(workbook, "Audit"))
    sheet, ref = split_sheet_ref(cell)
    wanted = (sheet.casefold() if sheet is not None else None, ref)
    matches = []
    for _, record in table.records():
        row_sheet, row_ref = split_sheet_ref(str(record.get("cell") or ""))
        if (row_sheet or "").casefold() == wanted[0] and row_ref == ref or (wanted[0] is None and row_ref == ref):
            matches.append(AuditRow.from_titles(record))  # records are keyed by the column titles, case-folded
    if not matches:
        raise UserError(f"{workbook}: no Audit row for cell {cell}",
                        hint="Trace a filled cell of a measure row (the LA, SN, England, Previous, RAG or Direction column); "
                             "the Audit sheet lists them all.")
    return matches


__all__ = ["trace"]
