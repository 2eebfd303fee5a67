"""Reporting periods as people write them, ordered by when they end.

Local extracts label periods in several ways; comparing the labels as text puts
"2025-26 Summer" after "2025-26 Q4". Each label is turned into the date its period ends:

==================  ====================================================
``2026-06``         a month (ends on its last day)
``2026``            a DfE reporting year (year ending 31 March 2026)
``2025-26``         a financial or reporting year (ends 31 March 2026)
``2025-26 Q1``      a financial quarter (Q1 Apr-Jun … Q4 Jan-Mar)
``2025-26 H1``      a financial half-year (H1 Apr-Sep, H2 Oct-Mar)
``2025-26 Autumn``  a school term (Autumn Sep-Dec, Spring Jan-Mar, Summer Apr-Aug)
``202425``          a DfE academic/financial year (as 2024-25)
==================  ====================================================
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from .errors import UserError

_QUARTER_END = {1: (0, 6), 2: (0, 9), 3: (0, 12), 4: (1, 3)}  # (years after the start year, month)
_HALF_END = {1: (0, 9), 2: (1, 3)}
_TERM_END = {"autumn": (0, 12), "spring": (1, 3), "summer": (1, 8)}


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def period_end(label: object) -> dt.date | None:
    """The date a period label ends, or None when the label is not a period this module knows."""
    text = str(label).strip()
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        year, second = int(m.group(1)), int(m.group(2))
        if 1 <= second <= 12 and second != (year + 1) % 100:
            return _month_end(year, second)
        return dt.date(year + 1, 3, 31)
    if m := re.fullmatch(r"(\d{4})(\d{2})", text):
        return dt.date(int(m.group(1)) + 1, 3, 31)
    if m := re.fullmatch(r"(\d{4})", text):
        return dt.date(int(m.group(1)), 3, 31)
    if m := re.fullmatch(r"(\d{4})-\d{2}\s+(?:Q(\d)|H(\d)|(Autumn|Spring|Summer))", text, re.IGNORECASE):
        start = int(m.group(1))
        if m.group(2):
            years, month = _QUARTER_END.get(int(m.group(2)), (None, None))
        elif m.group(3):
            years, month = _HALF_END.get(int(m.group(3)), (None, None))
        else:
            years, month = _TERM_END[m.group(4).lower()]
        return _month_end(start + years, month) if years is not None else None
    return None


def ordered(periods: list[object]) -> list[str]:
    """Period labels oldest first, by the date each ends (unknown labels sort as text, before known ones)."""
    def key(label):
        end = period_end(label)
        return (end is not None, end or dt.date.min, str(label))
    return [str(p) for p in sorted(set(map(str, periods)), key=key)]


def up_to(periods: list[str], as_of: str, where: str) -> list[str]:
    """The periods that end no later than ``as_of`` ends; an error names the file when none do."""
    limit = period_end(as_of)
    if limit is None:
        raise UserError(f"--period '{as_of}' is not a period label",
                        hint="Use e.g. 2026-27 Q1, 2025-26, 2026-06 or 2025-26 Summer.")
    kept = [p for p in periods if (period_end(p) or dt.date.max) <= limit]
    if not kept:
        raise UserError(f"{where}: no period ends by {as_of} (periods: {', '.join(periods)})",
                        hint="Choose a later --period, or add the earlier rows to the extract.")
    return kept
