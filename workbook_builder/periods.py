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
_YEARS = (1900, 2099)  # the years a period may start in


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def given(label: str | None) -> str | None:
    """A period as a person typed it (``--period``, a setting), without the spaces around it; blank is none."""
    return (label.strip() or None) if isinstance(label, str) else label


def period_end(label: object) -> dt.date | None:
    """The date a period label ends, or None when the label is not a period this module knows: a
    two-year label's years must follow each other (``2025-26``, ``202425``), a month must be 01-12
    (``2026-13`` is neither), and years run from 1900 to 2099, as dates in the inputs do."""
    text = str(label).strip()
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        year, second = int(m.group(1)), int(m.group(2))
        if not _YEARS[0] <= year <= _YEARS[1]:
            return None
        if second == (year + 1) % 100:
            return dt.date(year + 1, 3, 31)
        return _month_end(year, second) if 1 <= second <= 12 else None
    if m := re.fullmatch(r"(\d{4})(\d{2})", text):
        year = int(m.group(1))
        return dt.date(year + 1, 3, 31) if _YEARS[0] <= year <= _YEARS[1] and int(m.group(2)) == (year + 1) % 100 else None
    if m := re.fullmatch(r"(\d{4})", text):
        year = int(m.group(1))
        return dt.date(year, 3, 31) if _YEARS[0] <= year <= _YEARS[1] else None
    if m := re.fullmatch(r"(\d{4})-(\d{2})\s+(?:Q(\d)|H(\d)|(Autumn|Spring|Summer))", text, re.IGNORECASE):
        start = int(m.group(1))
        if not _YEARS[0] <= start <= _YEARS[1] or int(m.group(2)) != (start + 1) % 100:
            return None
        if m.group(3):
            years, month = _QUARTER_END.get(int(m.group(3)), (None, None))
        elif m.group(4):
            years, month = _HALF_END.get(int(m.group(4)), (None, None))
        else:
            years, month = _TERM_END[m.group(5).lower()]
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


FORMATS = ("Write periods as 2026-06 (a month), 2025-26 (a year ending in March), 2026-27 Q1 (a quarter), "
           "2025-26 H1 (a half), 2025-26 Autumn (a term), or 2024 / 202425 (DfE's years).")

#: The months of a financial year, April first: the keys of a dashboard's monthly columns.
MONTH_KEYS = ("apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "jan", "feb", "mar")


def financial_year_months(year: str) -> list[str]:
    """'2026-27' -> ['2026-04', …, '2027-03']: the month labels of a financial year, in MONTH_KEYS order."""
    start = int(str(year)[:4])
    return [f"{start}-{m:02d}" for m in range(4, 13)] + [f"{start + 1}-{m:02d}" for m in range(1, 4)]


def pick(periods: list[str], wanted: str, where: str, *, as_of: str | None = None, shown=str) -> str:
    """The period a locator asks for among ``periods``: 'latest', 'previous' (the one before the
    latest) or a named one, ordered by when each ends. ``as_of`` (``--period``) drops periods that
    end after it first; ``shown`` turns a period into the label people may write for it
    (DfE's ``202425`` is asked for as ``2024-25``). A label that is not a period this module knows is an
    error naming it: it could not be put in order, so 'latest' and 'previous' would be guesses."""
    unknown = sorted({str(p) for p in periods if period_end(p) is None})
    if unknown:
        raise UserError(f"{where}: period '{unknown[0]}' cannot be put in time order", hint=FORMATS)
    periods = ordered(periods)
    if not periods:
        raise UserError(f"{where}: no periods found for this locator")
    if as_of:
        periods = up_to(periods, as_of, where)
    if wanted == "latest":
        return periods[-1]
    if wanted == "previous":
        if len(periods) < 2:
            raise UserError(f"{where}: only one period ({periods[-1]}), so there is no previous period",
                            hint="Add the previous period's rows or mark `previous` as not_available.")
        return periods[-2]
    matches = [p for p in periods if str(p) == wanted or shown(p) == wanted]
    if not matches:
        raise UserError(f"{where}: period '{wanted}' not found", hint=f"Periods in the file: {', '.join(map(str, periods))}")
    return matches[0]
