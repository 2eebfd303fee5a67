"""Data quality of the Annex A lists, checked before their figures are trusted.

Each problem names the list, its sheet and workbook row, and the field, so an officer can fix the
record in the case management system before Ofsted sees the lists (community validators for
statutory returns, Data to Insight's among them, work the same way). A problem never quotes the
record's values — no child ID, date or code: the row number is how the officer finds the record,
so the list can go on a scorecard's Data quality sheet. Checked:

* a record without a child ID (every list but List 11, whose records are adopters);
* a record repeated: the same child with the same values in every field read, as an earlier row;
* a date field holding something that is not a date (``#N/A``, ``unknown``);
* a date after the as-at date;
* dates in an impossible order: an assessment authorised before it started, an ICPC before its
  strategy discussion, an episode, plan or period of care ending before it started;
* a code the list does not use: a yes/no answer that is neither, an accommodation that is neither
  suitable nor unsuitable;
* a count that is not one (``Number of Referrals in Last 12 Months``, ``Number of Previous Child
  Protection Plans``): text, a negative or fractional number, ``inf``, ``NaN``; the measures read it as
  not given;
* formulas saved without their results (a workbook last saved by a program that does not calculate):
  the cells read as empty, so records may be missing from the figures until the workbook is opened
  and saved in Excel; one problem per list, at the first such row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .annex_a import FIELDS, LISTS, AnnexA, Records

#: list -> (earlier field, later field, what it means when the later is before the earlier)
ORDER = {2: ("start", "end", "completed before it started"), 4: ("start", "authorised", "authorised before it started"),
         5: ("strategy_date", "icpc_date", "ICPC before the strategy discussion"), 6: ("start", "end", "closed before it started"),
         7: ("start", "end", "plan ended before it started"), 8: ("start", "end", "ceased to be looked after before it started")}
YES_NO = {4: ("child_seen",), 5: ("icpc_unnecessary",), 7: ("seen_alone",), 9: ("in_touch",)}
COUNTS = {3: ("referrals_12m",), 7: ("previous_plans",)}
DATES = {"date_of_birth", "contact_date", "referral_date", "start", "end", "authorised", "strategy_date", "icpc_date", "health", "dental"}


@dataclass(frozen=True)
class Problem:
    """One problem in one record: where it is (list, sheet, row, field) and what is wrong."""

    list_number: int
    sheet: str
    row: int
    field: str
    problem: str

    @property
    def where(self) -> str:
        """The record as an officer finds it: list, sheet and workbook row."""
        return f"List {self.list_number} ({LISTS[self.list_number]}), sheet '{self.sheet}' row {self.row}"

    def line(self) -> str:
        """The problem as one line of the terminal's data-quality list."""
        return f"{self.where}, {self.field}: {self.problem}"


def _records(annex: AnnexA, number: int) -> Records | None:
    if number not in annex.sheets:
        return None
    return annex.records(number, ("child_id",))


def check_quality(annex: AnnexA, as_at: dt.date) -> list[Problem]:
    """Every problem of every list the workbook has, in list and row order."""
    problems: list[Problem] = []
    for number in FIELDS:
        records = _records(annex, number)
        if records is None:
            continue
        found: list[Problem] = []

        def say(i: int, field: str, text: str) -> None:
            found.append(Problem(number, records.sheet, records.rows[i], field, text))

        ids = records.child_ids
        for i, child in enumerate(ids):
            if child is None:
                say(i, "child_id", "no child ID")
        seen: dict[tuple, int] = {}
        for i, key in enumerate(zip(*(records.values[f] for f in sorted(records.columns)))):
            if ids[i] is not None and key in seen:
                say(i, "record", f"the same as row {records.rows[seen[key]]}")
            seen.setdefault(key, i)
        for field in sorted(DATES & set(records.columns)):
            for i, value in enumerate(records.dates(field)):
                if isinstance(value, str):
                    say(i, field, "not a date")
                elif isinstance(value, dt.date) and value > as_at:
                    say(i, field, f"a date after the as-at date ({as_at.isoformat()})")
        if number in ORDER:
            first, then, what = ORDER[number]
            if {first, then} <= set(records.columns):
                for i, (a, b) in enumerate(zip(records.dates(first), records.dates(then))):
                    if isinstance(a, dt.date) and isinstance(b, dt.date) and b < a:
                        say(i, then, f"{what} ({then} before {first})")
        for field in YES_NO.get(number, ()):
            if field in records.columns:
                for i, (raw, code) in enumerate(zip(records.values[field], records.codes(field))):
                    if raw is not None and code not in ("yes", "no", "y", "n"):
                        say(i, field, "not a code of this field (yes or no)")
        if number == 9 and "accommodation" in records.columns:
            for i, (raw, code) in enumerate(zip(records.values["accommodation"], records.codes("accommodation"))):
                if raw is not None and code not in ("suitable", "unsuitable", "not suitable"):
                    say(i, "accommodation", "not a code of this field (suitable or unsuitable)")
        for field in COUNTS.get(number, ()):
            if field in records.columns:
                for i, (raw, value) in enumerate(zip(records.values[field], records.numbers(field))):
                    if raw is not None and (value is None or value < 0 or not value.is_integer()):
                        say(i, field, "not a count (a whole number, 0 or more)")
        if records.unsaved:  # one problem for the list: the cure is one save in Excel, not a fix per record
            fields = ", ".join(sorted({f for _row, f in records.unsaved}))
            rows = sorted({row for row, _f in records.unsaved})
            found.append(Problem(number, records.sheet, rows[0], fields,
                                 f"{_cells_on_rows(len(records.unsaved), rows)} saved "
                                 "without their results, so they read as empty and those records may be missing from the "
                                 "figures: open the workbook in Excel and save it"))
        problems += sorted(found, key=lambda p: (p.row, p.field))
    return problems


def _cells_on_rows(cells: int, rows: list[int]) -> str:
    """How many formula cells on which rows, with the verb that follows: in words a reader takes in at once."""
    what = "1 formula cell" if cells == 1 else f"{cells:,} formula cells"
    where = "on this row" if len(rows) == 1 else f"on {len(rows):,} rows, from this one to row {rows[-1]},"
    return f"{what} {where} {'was' if cells == 1 else 'were'}"


__all__ = ["Problem", "check_quality"]
