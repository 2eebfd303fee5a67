"""Reader for a ChAT (Children's Services Analysis Tool) export workbook (source kind ``chat``).

ChAT is built from Ofsted's ILACS Annex A. Its export has a sheet per area (headline
figures, the comparison table, placements, care leavers, missing, adoption), each holding
titled tables. Values are found by sheet, table title, row label and column header — see
:mod:`workbook_builder.sources.tables`. The extract date on the ``About`` sheet is the
period of every value read from the workbook.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..errors import UserError
from ..observations import Observation
from .base import Context
from .locator import Locator
from .tables import check_table_locator, describe_tables, find_table, norm, observe_table, read_grid, sheet_names

KIND = "chat"
SCOPE = "local"  # one council's own export


def check(locator: Locator) -> str | None:
    return check_table_locator(locator)


def observe(locator: Locator, area: str, context: Context) -> Observation:
    """The cell a locator names in the export; its period is the export's extract date."""
    return observe_table(locator, context, period=chat_period(context.file.path))


def chat_period(path: Path) -> str:
    """'ChAT 18/06/2026' from the About sheet's 'Extract date' row, or '' when absent."""
    return _chat_period(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=16)
def _chat_period(path: Path, mtime_ns: int) -> str:
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


def describe(locators: list[Locator]) -> list[str]:
    """What the export must hold: its About sheet's extract date and the tables the mapping reads."""
    return ["A ChAT export workbook (`.xlsx`). Its `About` sheet gives the `Extract date` (the period of every figure).",
            *describe_tables(locators)]
