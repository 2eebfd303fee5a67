"""Reader for a council's own operational reports (source kind ``local_table``): CSV or XLSX.

Case-management and finance reports come as titled tables (a value where a row label meets
a column header) or as long tables (one row per measure and period: ``measure, period,
value``). A locator gives ``sheet`` and ``table`` where the workbook has several, then either
``row`` and ``column``, or ``filters``, ``column`` and ``period_column`` (with ``period``:
'latest', 'previous' or a label; ``--period`` caps the latest one used). See
:mod:`workbook_builder.sources.tables` for how tables are found.
"""

from __future__ import annotations

from ..observations import Observation
from .base import Context
from .locator import Locator
from .tables import check_table_locator, describe_tables, observe_table, table_periods

KIND = "local_table"
SCOPE = "local"  # one council's own extract


def check(locator: Locator) -> str | None:
    return check_table_locator(locator)


def observe(locator: Locator, area: str, context: Context) -> Observation:
    """The one value the locator selects (a local report describes only its own LA: ``area`` is not used)."""
    return observe_table(locator, context)


def periods(locator: Locator, context: Context) -> list[str]:
    return table_periods(locator, context)


def describe(locators: list[Locator]) -> list[str]:
    """What the report must hold: the tables, columns and rows the mapping reads."""
    return ["A report from your own systems (CSV, or an Excel workbook with the sheets named below).", *describe_tables(locators)]
