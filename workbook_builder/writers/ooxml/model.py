"""Value objects callers pass to the engine."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Formula:
    """A formula to write into a cell.

    ``text`` is the formula without the leading '=' (one leading '=' is tolerated and
    dropped).  ``cached`` is written as the cell's stored result so that readers which do
    not recalculate (python-calamine, openpyxl ``data_only=True``) see a value: a number,
    a string (stored with t="str"), a bool (t="b"), an Excel error text such as '#N/A'
    (t="e"), or None for no cached value.  Excel recalculates on open because writing a
    formula sets ``fullCalcOnLoad``.
    """

    text: str
    cached: object = None


@dataclass(frozen=True)
class CFRule:
    """One expression-type conditional-formatting rule.

    ``formula`` is written without the leading '=' and is evaluated relative to the
    top-left cell of the range; ``dxf_id`` comes from ``WorkbookPackage.add_dxf``."""

    formula: str
    dxf_id: int
    stop_if_true: bool = False
