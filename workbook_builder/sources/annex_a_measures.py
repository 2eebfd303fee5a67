"""ChAT's headline measures computed from an Annex A workbook, each with the records behind it.

A measure is computed for an **as-at date** and a **window**: the ``months`` calendar months ending on
and including the as-at date (``--as-at 2026-03-31 --months 6``: 2025-10-01 to 2026-03-31). Every
:class:`Figure` keeps the list it came from, the rule in words, its numerator and denominator, and the
(child ID, workbook row) of every record in each — for the officer-only drill-down, never for a
scorecard. Definitions (the README's "Annex A" section gives their sources):

* counts of records with their date in the window: ``contacts`` (List 1, date of contact),
  ``referrals`` (List 3, date of referral), ``assessments_completed`` (List 4, date of
  authorisation), ``s47_enquiries`` (List 5, strategy discussion date), ``icpcs`` (List 5, ICPC date);
  ``assessments`` — ChAT's "total assessments": those completed in the window and those open at the
  as-at date (started by then, no authorisation date);
* ``rereferral_12m_pct`` — of referrals in the window, those whose child had another referral in the
  12 months before it (an earlier date in List 3, or "Number of Referrals in Last 12 Months" above 1);
* ``assessments_45wd_pct`` / ``icpc_15wd_pct`` — of assessments completed (ICPCs held) in the window,
  those within 45 (15) working days of the start (strategy discussion): weekdays that are not bank
  holidays in England, counted from the day after the start up to and including the end date;
* ``children_seen_in_assessment_pct`` — of assessments completed in the window, child seen;
* ``cp_seen_alone_pct`` — of children whose plan is open at the as-at date, "Was the Child Seen Alone?" yes;
* ``cp_second_subsequent_pct`` — of plans starting in the window, one or more previous plans;
* ``cp_ceased_2yrs_plus_pct`` — of plans ending in the window, those that had lasted 2 years or more;
* ``cin_open``, ``cp_open``, ``cla_open`` — distinct children whose episode had started by the as-at
  date and had not ended before it (an end date on or after the as-at date: still open);
* ``cla_health_assessment_pct`` / ``cla_dental_check_pct`` — of children looked after at the as-at
  date for at least 12 months, those whose last check falls in the 12 months up to the as-at date;
* care leavers aged 17–18 and 19–21 at the as-at date (List 9): in touch (``LA in Touch`` yes), in
  suitable accommodation (``Suitable``), in education, employment or training (an activity code
  beginning ``F`` or ``P``, full or part time; ``G`` codes are not in EET), each of all in the band.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Callable

from ..errors import UserError
from ..periods import pick
from .annex_a import LISTS, AnnexA, Records


@dataclass(frozen=True)
class Window:
    """The as-at date and the ``months`` calendar months ending on it."""

    as_at: dt.date
    months: int = 6

    @cached_property
    def start(self) -> dt.date:
        # the day after the as-at date, ``months`` back: 31 March -> 1 October, 30 June -> 1 January
        """The window's first day: the day after the as-at date ``months`` calendar months earlier."""
        return add_months(self.as_at + dt.timedelta(days=1), -self.months)

    @property
    def label(self) -> str:
        """The window as the Audit shows it: ``2025-12-19 to 2026-06-18``."""
        return f"{self.start.isoformat()} to {self.as_at.isoformat()}"

    def holds(self, day: object) -> bool:
        """Whether ``day`` is a date in the window (its first and last days included)."""
        return isinstance(day, dt.date) and self.start <= day <= self.as_at


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole calendar months, kept within the month (31 March - 1 month = 28/29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[dt.date]:
    import holidays

    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def working_days(start: dt.date, end: dt.date) -> int:
    """Working days from the day after ``start`` up to and including ``end``: weekdays that are not bank
    holidays in England (from the ``holidays`` library). 0 when ``end`` is not after ``start``."""
    return working_days_between([start], [end])[0]


def working_days_between(starts: list[dt.date], ends: list[dt.date]) -> list[int]:
    """:func:`working_days` of each (start, end) pair, counted at once (numpy's business-day count over
    England's bank holidays of the years the pairs span)."""
    if not starts:
        return []
    import numpy as np

    first, last = min(starts).year, max(max(ends).year, min(starts).year)
    closed = np.array(sorted(set().union(*(_bank_holidays(y) for y in range(first, last + 1)))), dtype="datetime64[D]")
    begin = np.array(starts, dtype="datetime64[D]") + 1
    stop = np.array(ends, dtype="datetime64[D]") + 1
    days = np.busday_count(begin, np.maximum(stop, begin), holidays=closed)
    return [int(d) for d in days]


@dataclass
class Figure:
    """One measure's value for a window, with the records behind it (child ID, workbook row)."""

    id: str
    label: str
    list_number: int
    rule: str
    kind: str  # "count" or "percent"
    numerator: list[tuple[str | None, int]] = field(default_factory=list)
    denominator: list[tuple[str | None, int]] | None = None

    @property
    def value(self) -> int | float | None:
        """The count, or the percentage rounded to 1 dp (None when the denominator is empty: never 0)."""
        if self.kind == "count":
            return len(self.numerator)
        if not self.denominator:
            return None  # no records to take a percentage of: shown as "No data", never 0
        exact = Decimal(100 * len(self.numerator)) / Decimal(len(self.denominator))
        value = float(exact.quantize(Decimal("0.1"), ROUND_HALF_UP))  # halves up, as ChAT rounds: 1 of 16 is 6.3
        return int(value) if value.is_integer() else value  # 87, as DfE and ChAT write a whole percentage

    @property
    def sheet(self) -> str:
        """The measure's sheet in the drill-down (Excel allows 31 characters): long words shortened."""
        return self.id.replace("care_leavers_", "cl_").replace("accommodation", "accom")[:31]

    def to_json(self) -> dict:
        """The figure as JSON: value, numerator and denominator counts (no child-level data)."""
        return {"value": self.value, "numerator": len(self.numerator),
                "denominator": None if self.denominator is None else len(self.denominator)}


def _members(records: Records, keep: list[bool]) -> list[tuple[str | None, int]]:
    return [(child, row) for child, row, k in zip(records.child_ids, records.rows, keep) if k]


def _distinct(members: list[tuple[str | None, int]]) -> list[tuple[str | None, int]]:
    """One entry per child (the first record of each); records without a child ID count once each."""
    seen, out = set(), []
    for child, row in members:
        if child is None or child not in seen:
            out.append((child, row))
            if child is not None:
                seen.add(child)
    return out


def _open(records: Records, as_at: dt.date) -> list[bool]:
    return [isinstance(s, dt.date) and s <= as_at and (e is None or (isinstance(e, dt.date) and e >= as_at))
            for s, e in zip(records.dates("start"), records.dates("end"))]


def _yes(codes: list[str]) -> list[bool]:
    return [c in ("yes", "y") for c in codes]


def _age(born: object, on: dt.date) -> int | None:
    if not isinstance(born, dt.date):
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _count(annex: AnnexA, window: Window, measure: str, label: str, number: int, column: str, words: str) -> Figure:
    records = annex.records(number, ("child_id", column))
    keep = [window.holds(d) for d in records.dates(column)]
    return Figure(measure, label, number, f"records of List {number} whose {words} is in the window", "count",
                  _members(records, keep))


def contacts(annex, window):
    """Contacts: List 1 records whose date of contact is in the window."""
    return _count(annex, window, "contacts", "Contacts", 1, "contact_date", "date of contact")


def referrals(annex, window):
    """Referrals: List 3 records whose date of referral is in the window."""
    return _count(annex, window, "referrals", "Referrals", 3, "referral_date", "date of referral")


def assessments_completed(annex, window):
    """Assessments completed: List 4 records authorised in the window."""
    return _count(annex, window, "assessments_completed", "Assessments completed", 4, "authorised", "date of authorisation")


def assessments(annex, window):
    """ChAT's total assessments: List 4 records authorised in the window, or open at the as-at date."""
    records = annex.records(4, ("child_id", "start", "authorised"))
    keep = [window.holds(e) or (isinstance(s, dt.date) and s <= window.as_at and (e is None or (isinstance(e, dt.date) and e > window.as_at)))
            for s, e in zip(records.dates("start"), records.dates("authorised"))]
    return Figure("assessments", "Assessments (completed in the window, or open at the as-at date)", 4,
                  "records of List 4 authorised in the window, or started by the as-at date and not authorised by it", "count",
                  _members(records, keep))


def s47_enquiries(annex, window):
    """Section 47 enquiries: List 5 records whose strategy discussion is in the window."""
    return _count(annex, window, "s47_enquiries", "Section 47 enquiries", 5, "strategy_date",
                  "strategy discussion initiating the section 47 enquiry")


def icpcs(annex, window):
    """Initial child protection conferences: List 5 records whose ICPC date is in the window."""
    return _count(annex, window, "icpcs", "Initial child protection conferences", 5, "icpc_date", "ICPC date")


def rereferral_12m_pct(annex, window):
    """Of referrals in the window, the % whose child had another referral in the 12 months before it."""
    records = annex.records(3, ("child_id", "referral_date"))
    dates = records.dates("referral_date")
    counts = records.numbers("referrals_12m") if "referrals_12m" in records.columns else [None] * len(records)
    by_child: dict[str, list[dt.date]] = defaultdict(list)
    for child, day in zip(records.child_ids, dates):
        if child is not None and isinstance(day, dt.date):
            by_child[child].append(day)
    in_window = [window.holds(d) for d in dates]
    repeat = []
    for child, day, count, wanted in zip(records.child_ids, dates, counts, in_window):
        if wanted and child is not None:
            year_before = add_months(day, -12)
            earlier = any(year_before <= other < day for other in by_child[child])
        else:
            earlier = False
        repeat.append(wanted and (earlier or (count is not None and count > 1)))
    return Figure("rereferral_12m_pct", "Referrals within 12 months of a previous referral (%)", 3,
                  "of referrals in the window, those whose child had another referral in the 12 months before it "
                  "(an earlier date of referral in List 3, or 'Number of Referrals in Last 12 Months' above 1)", "percent",
                  _members(records, repeat), _members(records, in_window))


def _timely(annex, window, measure, label, number, start, end, limit, words) -> Figure:
    records = annex.records(number, ("child_id", start, end))
    starts, ends = records.dates(start), records.dates(end)
    done = [window.holds(e) for e in ends]
    # a record ending before it started is not counted as on time (the data-quality check names it)
    pairs = [i for i, (d, s, e) in enumerate(zip(done, starts, ends)) if d and isinstance(s, dt.date) and e >= s]
    counted = dict(zip(pairs, working_days_between([starts[i] for i in pairs], [ends[i] for i in pairs])))
    timely = [i in counted and counted[i] <= limit for i in range(len(done))]
    return Figure(measure, label, number, f"of {words} in the window, those within {limit} working days (weekdays that are "
                  "not bank holidays in England, from the day after the start up to and including the end)", "percent",
                  _members(records, timely), _members(records, done))


def assessments_45wd_pct(annex, window):
    """Of assessments authorised in the window, the % within 45 working days of their start."""
    return _timely(annex, window, "assessments_45wd_pct", "Assessments completed within 45 working days (%)", 4,
                   "start", "authorised", 45, "assessments authorised")


def icpc_15wd_pct(annex, window):
    """Of ICPCs in the window, the % within 15 working days of the strategy discussion."""
    return _timely(annex, window, "icpc_15wd_pct", "ICPCs within 15 working days of the strategy discussion (%)", 5,
                   "strategy_date", "icpc_date", 15, "ICPCs held")


def children_seen_in_assessment_pct(annex, window):
    """Of assessments authorised in the window, the % where the child was seen."""
    records = annex.records(4, ("child_id", "authorised", "child_seen"))
    done = [window.holds(d) for d in records.dates("authorised")]
    seen = [d and y for d, y in zip(done, _yes(records.codes("child_seen")))]
    return Figure("children_seen_in_assessment_pct", "Children seen during the assessment (%)", 4,
                  "of assessments authorised in the window, those where the child was seen", "percent",
                  _members(records, seen), _members(records, done))


def cp_seen_alone_pct(annex, window):
    """Of children whose plan is open at the as-at date, the % seen alone at their last visit."""
    records = annex.records(7, ("child_id", "start", "end", "seen_alone"))
    children = _distinct(_members(records, _open(records, window.as_at)))  # a child with two open plans counts once
    rows = {row for _, row in children}
    alone = [y and row in rows for y, row in zip(_yes(records.codes("seen_alone")), records.rows)]
    return Figure("cp_seen_alone_pct", "Children on a CP plan seen alone at their last visit (%)", 7,
                  "of children whose plan is open at the as-at date (one record each), those where 'Was the Child Seen Alone?' "
                  "is yes", "percent", _members(records, alone), children)


def cp_second_subsequent_pct(annex, window):
    """Of plans starting in the window, the % with one or more previous plans."""
    records = annex.records(7, ("child_id", "start", "previous_plans"))
    started = [window.holds(d) for d in records.dates("start")]
    again = [s and n is not None and n >= 1 for s, n in zip(started, records.numbers("previous_plans"))]
    return Figure("cp_second_subsequent_pct", "CP plans starting in the window that were a second or subsequent plan (%)", 7,
                  "of plans starting in the window, those with 'Number of Previous Child Protection Plans' of 1 or more",
                  "percent", _members(records, again), _members(records, started))


def cp_ceased_2yrs_plus_pct(annex, window):
    """Of plans ending in the window, the % that had lasted 2 years or more."""
    records = annex.records(7, ("child_id", "start", "end"))
    ended = [window.holds(e) for e in records.dates("end")]
    long = [d and isinstance(s, dt.date) and e >= add_months(s, 24) for d, s, e in zip(ended, records.dates("start"), records.dates("end"))]
    return Figure("cp_ceased_2yrs_plus_pct", "CP plans ending in the window that had lasted 2 years or more (%)", 7,
                  "of plans ending in the window, those whose end date is 2 years or more after their start", "percent",
                  _members(records, long), _members(records, ended))


def _open_children(annex, window, measure, label, number, what) -> Figure:
    records = annex.records(number, ("child_id", "start", "end"))
    return Figure(measure, label, number, f"distinct children whose {what} had started by the as-at date and had not "
                  "ended before it", "count", _distinct(_members(records, _open(records, window.as_at))))


def cin_open(annex, window):
    """Distinct children in need whose episode was open at the as-at date."""
    return _open_children(annex, window, "cin_open", "Children in need (open episodes)", 6, "CIN episode")


def cp_open(annex, window):
    """Distinct children whose child protection plan was open at the as-at date."""
    return _open_children(annex, window, "cp_open", "Children on a child protection plan", 7, "plan")


def cla_open(annex, window):
    """Distinct children looked after at the as-at date."""
    return _open_children(annex, window, "cla_open", "Children looked after", 8, "period of care")


def _cla_check(annex, window, measure, label, column, what) -> Figure:
    records = annex.records(8, ("child_id", "start", "end", column))
    year_ago = add_months(window.as_at, -12)
    long_term = [o and isinstance(s, dt.date) and s <= year_ago for o, s in zip(_open(records, window.as_at), records.dates("start"))]
    checked = [k and isinstance(d, dt.date) and year_ago < d <= window.as_at for k, d in zip(long_term, records.dates(column))]
    denominator = _distinct(_members(records, long_term))
    rows = {row for _, row in denominator}
    return Figure(measure, label, 8, f"of children looked after at the as-at date for at least 12 months, those whose {what} "
                  "is in the 12 months up to the as-at date", "percent",
                  [m for m in _members(records, checked) if m[1] in rows], denominator)


def cla_health_assessment_pct(annex, window):
    """Of children looked after 12 months or more, the % with a health assessment in the last 12 months."""
    return _cla_check(annex, window, "cla_health_assessment_pct", "Children looked after with an annual health assessment (%)",
                      "health", "last health assessment")


def cla_dental_check_pct(annex, window):
    """Of children looked after 12 months or more, the % with a dental check in the last 12 months."""
    return _cla_check(annex, window, "cla_dental_check_pct", "Children looked after with a dental check (%)", "dental",
                      "last dental check")


def _care_leavers(annex, window, band: tuple[int, int], measure: str, label: str, column: str, test: Callable[[str], bool],
                  words: str) -> Figure:
    records = annex.records(9, ("child_id", "date_of_birth", column))
    ages = [_age(b, window.as_at) for b in records.dates("date_of_birth")]
    cohort = [a is not None and band[0] <= a <= band[1] for a in ages]
    hit = [c and test(code) for c, code in zip(cohort, records.codes(column))]
    return Figure(measure, label, 9, f"of care leavers aged {band[0]} to {band[1]} at the as-at date (by date of birth), {words}",
                  "percent", _members(records, hit), _members(records, cohort))


def _leavers(band):
    low, high = band
    tag = f"{low}_{high}"

    def in_touch(annex, window):
        return _care_leavers(annex, window, band, f"care_leavers_{tag}_in_touch_pct", f"Care leavers {low}-{high} in touch (%)",
                             "in_touch", lambda c: c in ("yes", "y"), "those with 'LA in Touch' yes")

    def suitable(annex, window):
        return _care_leavers(annex, window, band, f"care_leavers_{tag}_suitable_accommodation_pct",
                             f"Care leavers {low}-{high} in suitable accommodation (%)", "accommodation",
                             lambda c: c.startswith("suitable"), "those whose accommodation is 'Suitable'")

    def eet(annex, window):
        return _care_leavers(annex, window, band, f"care_leavers_{tag}_eet_pct",
                             f"Care leavers {low}-{high} in education, employment or training (%)", "activity",
                             lambda c: c[:1] in ("f", "p") and c[1:2].isdigit(),
                             "those whose activity code begins F or P (in education, employment or training, full or part time)")

    return {f"care_leavers_{tag}_in_touch_pct": in_touch, f"care_leavers_{tag}_suitable_accommodation_pct": suitable,
            f"care_leavers_{tag}_eet_pct": eet}


#: measure id -> how it is computed from (AnnexA, Window)
MEASURES: dict[str, Callable[[AnnexA, Window], Figure]] = {
    "contacts": contacts, "referrals": referrals, "rereferral_12m_pct": rereferral_12m_pct,
    "assessments": assessments, "assessments_completed": assessments_completed, "assessments_45wd_pct": assessments_45wd_pct,
    "children_seen_in_assessment_pct": children_seen_in_assessment_pct, "s47_enquiries": s47_enquiries, "icpcs": icpcs,
    "icpc_15wd_pct": icpc_15wd_pct, "cin_open": cin_open, "cp_open": cp_open, "cp_seen_alone_pct": cp_seen_alone_pct,
    "cp_second_subsequent_pct": cp_second_subsequent_pct, "cp_ceased_2yrs_plus_pct": cp_ceased_2yrs_plus_pct,
    "cla_open": cla_open,
    "cla_health_assessment_pct": cla_health_assessment_pct, "cla_dental_check_pct": cla_dental_check_pct,
    **_leavers((17, 18)), **_leavers((19, 21)),
}


#: the counts ChAT shows as rates per 10,000 children aged 0-17: annualised (flows in the window) or not (snapshots)
RATES: dict[str, tuple[str, bool]] = {
    "contacts": ("contacts_rate_per_10k", True), "referrals": ("referrals_rate_per_10k", True),
    "assessments_completed": ("assessments_rate_per_10k", True), "s47_enquiries": ("s47_rate_per_10k", True),
    "icpcs": ("icpc_rate_per_10k", True), "cin_open": ("cin_rate_per_10k", False), "cp_open": ("cp_rate_per_10k", False),
    "cla_open": ("cla_rate_per_10k", False),
}


@dataclass(frozen=True)
class Population:
    """The LA's 0-17 population for rates, and where it came from (the Audit's words)."""

    children: int
    source: str
    path: Path | None = None  # the DfE file it was read from, when it was (never to be written over)


@dataclass(frozen=True)
class Rate:
    """A count of :data:`RATES` per 10,000 children aged 0-17 (annualised for a flow), rounded to a whole number."""

    id: str
    count_id: str
    count: int
    population: Population
    annualised: bool
    months: int

    @property
    def value(self) -> int:
        """The rate, rounded half up to a whole number as ChAT shows it."""
        scale = 12 / self.months if self.annualised else 1
        return int(Decimal(str(self.count * scale * 10_000 / self.population.children)).quantize(Decimal("1"), ROUND_HALF_UP))

    @property
    def rule(self) -> str:
        """How the rate is computed, in words."""
        per_year = f" × 12 / {self.months} (annualised)" if self.annualised else ""
        return f"{self.count_id} {self.count}{per_year} ÷ {self.population.children:,} children aged 0-17 × 10,000 ({self.population.source})"

    def to_json(self) -> dict:
        """The rate as JSON: value, the count and the population it is of."""
        return {"value": self.value, "count": self.count, "population": self.population.children,
                "population_source": self.population.source, "annualised": self.annualised}


def population_from(text: str, la_codes: set[str]) -> Population:
    """``--population``: a number of children aged 0-17 (from configuration), or a DfE children-looked-after rate file
    whose ``population_estimate`` for the LA (by code, in its latest year) is used."""
    cleaned = str(text).replace(",", "").strip()
    if cleaned.isdigit() and int(cleaned) > 0:
        return Population(int(cleaned), f"population {int(cleaned):,} as configured")
    path = Path(text)
    if not path.is_file():
        raise UserError(f"--population '{text}' is neither a number of children nor a file",
                        hint="Give the LA's 0-17 population (e.g. 60200) or DfE's cla_number_and_rate_per_10k_children.csv.")
    from .dfe import DfeTable

    frame = DfeTable.read(path).frame
    if "population_estimate" not in frame.columns:
        raise UserError(f"{path}: no population_estimate column", hint="Give DfE's cla_number_and_rate_per_10k_children.csv.")
    rows = frame[(frame["geographic_level"] == "local authority")
                 & (frame["new_la_code"].isin(la_codes) | frame["old_la_code"].isin(la_codes))]
    rows = rows[rows["population_estimate"].str.strip().str.isdigit()]
    if rows.empty:
        raise UserError(f"{path}: no population_estimate for LA {', '.join(sorted(la_codes))}",
                        hint="Check the LA code, or give the population as a number.")
    latest = pick(sorted(set(rows["time_period"])), "latest", f"{path} (time_period)")
    value = int(rows[rows["time_period"] == latest]["population_estimate"].iloc[0])
    return Population(value, f"DfE's population_estimate, {path.name}, {latest}", path)


@dataclass
class AnnexAReport:
    """Every measure of :data:`MEASURES` for one Annex A workbook and window."""

    path: Path
    window: Window
    figures: dict[str, Figure]
    problems: list = field(default_factory=list)  # the lists' data-quality problems (annex_a_quality.Problem)
    rates: dict[str, Rate] = field(default_factory=dict)  # per 10,000 children aged 0-17, when a population was given
    population_file: Path | None = None  # the DfE file the population came from, when it did

    def summary(self) -> list[str]:
        """One line per measure with its value, numerator and denominator, as the terminal shows them."""
        lines = [f"{self.path.name}: Annex A as at {self.window.as_at.isoformat()}, window {self.window.label} "
                 f"({self.window.months} months)"]
        for figure in self.figures.values():
            if figure.kind == "count":
                lines.append(f"  {figure.id}: {figure.value}  (List {figure.list_number})")
            else:
                shown = "No data" if figure.value is None else f"{figure.value}%"
                lines.append(f"  {figure.id}: {shown}  ({len(figure.numerator)} of {len(figure.denominator or [])}, "
                             f"List {figure.list_number})")
        for rate in self.rates.values():
            lines.append(f"  {rate.id}: {rate.value}  ({rate.rule})")
        return lines + quality_lines(self.problems)

    def to_json(self) -> dict:
        """The report as JSON: as-at date, window and each measure's value, numerator and denominator."""
        return {"as_at": self.window.as_at.isoformat(), "window": [self.window.start.isoformat(), self.window.as_at.isoformat()],
                "measures": {k: f.to_json() for k, f in self.figures.items()},
                "rates": {k: r.to_json() for k, r in self.rates.items()},
                "data_quality": [{"list": p.list_number, "sheet": p.sheet, "row": p.row, "field": p.field, "problem": p.problem}
                                 for p in self.problems]}


def quality_lines(problems: list, shown: int = 20) -> list[str]:
    """The data-quality problems as the terminal lists them: a count, then the first ``shown``."""
    if not problems:
        return ["Data quality: no problems found in the lists"]
    lines = [f"Data quality: {len(problems)} problem(s) in the lists (fix them in the case management system):"]
    lines += [f"  {p.line()}" for p in problems[:shown]]
    if len(problems) > shown:
        lines.append(f"  … and {len(problems) - shown} more (all in --json, the drill-down and the Data quality sheet)")
    return lines


def parse_as_at(text: str) -> dt.date:
    """An as-at date given as YYYY-MM-DD (2000 to 2099); anything else is refused with the format to use."""
    value = str(text).strip()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(value)
        day = dt.date.fromisoformat(value)
        if not 2000 <= day.year <= 2099:
            raise ValueError(value)
        return day
    except ValueError:
        raise UserError(f"--as-at '{text}' is not a date", hint="Give the as-at date as YYYY-MM-DD, e.g. 2026-03-31.") from None


def annex_a_report(path: Path, as_at: dt.date | str, months: int = 6, measures: list[str] | None = None,
                   population: Population | None = None) -> AnnexAReport:
    """The measures of an Annex A workbook for the ``months`` months ending on ``as_at`` (and, given the LA's 0-17
    ``population``, the counts ChAT shows as rates per 10,000 children)."""
    if isinstance(as_at, str):
        as_at = parse_as_at(as_at)
    if not 1 <= months <= 24:
        raise UserError(f"--months {months}: a window is 1 to 24 months", hint="ChAT's window is 6 months.")
    unknown = [m for m in measures or [] if m not in MEASURES]
    if unknown:
        raise UserError(f"unknown Annex A measure(s): {', '.join(unknown)}", hint=f"Measures: {', '.join(MEASURES)}.")
    from .annex_a_quality import check_quality

    annex = AnnexA.read(Path(path))
    window = Window(as_at, months)
    figures = {}
    for measure in measures or list(MEASURES):
        figure = MEASURES[measure](annex, window)
        figures[measure] = figure
    rates = {}
    if population is not None:
        for count_id, (rate_id, annualised) in RATES.items():
            if count_id in figures:
                rates[rate_id] = Rate(rate_id, count_id, figures[count_id].value, population, annualised, months)
    return AnnexAReport(path=Path(path), window=window, figures=figures,
                        problems=[] if measures else check_quality(annex, as_at), rates=rates,
                        population_file=population.path if population is not None else None)


__all__ = ["AnnexAReport", "Figure", "LISTS", "MEASURES", "Population", "RATES", "Rate", "Window", "population_from", "add_months", "annex_a_report", "parse_as_at", "working_days"]
