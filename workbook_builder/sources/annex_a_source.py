"""Source kind ``annex_a``: a measure computed from Ofsted's Annex A lists, as one value of a scorecard.

A locator names the measure in ``column`` (an id of
:data:`~workbook_builder.sources.annex_a_measures.MEASURES`): ``{source: annex_a, column:
assessments_45wd_pct}``. The window is six months (``filters: {months: 3}`` for another length)
ending on the as-at date: the date in the file's name (``AnnexA_<LA>_2026-06-18.xlsx``), or
``period: 2026-03-31``; ``period: previous`` is the window before it, of the same length.

The value comes with its list, rule, window, numerator and denominator in the Audit; never a child's
ID or any other child-level field. Those are in the officer-only drill-down that ``scorecard annex-a
FILE --as-at DATE --drilldown OUT.xlsx`` writes, which the Audit row names.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path

from ..errors import UserError
from ..observations import NO_DATA, Observation
from .annex_a import LISTS, load
from .annex_a_measures import MEASURES, Window, parse_as_at
from .base import Context
from .locator import Locator

KIND = "annex_a"
SCOPE = "local"  # one council's child-level lists

_NAME_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def check(locator: Locator) -> str | None:
    if locator.column not in MEASURES:
        return f"an annex_a locator names its measure in `column`: one of {', '.join(MEASURES)}"
    months = locator.filters.get("months", "6")
    if set(locator.filters) - {"months"} or not str(months).isdigit() or not 1 <= int(months) <= 24:
        return "an annex_a locator's only filter is `months` (1 to 24; default 6)"
    return None


def as_at_of(path: Path, period: str) -> dt.date:
    """The as-at date a locator asks for: ``YYYY-MM-DD``, or the date in the file's name ('latest', 'previous')."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", period):
        try:
            return parse_as_at(period)
        except UserError:
            raise UserError(f"period '{period}' of an annex_a locator is not a date",
                            hint="Give the as-at date as YYYY-MM-DD, e.g. 2026-03-31.") from None
    match = _NAME_DATE.search(Path(path).name)
    if not match:
        raise UserError(f"{path}: no as-at date in the file's name",
                        hint="Name the Annex A file with its date (AnnexA_<LA>_2026-06-18.xlsx), or give `period: YYYY-MM-DD`.")
    try:
        return parse_as_at(match[0])
    except UserError:
        raise UserError(f"{path}: '{match[0]}' in the file's name is not a date",
                        hint="Name the Annex A file with its as-at date as YYYY-MM-DD, e.g. AnnexA_<LA>_2026-06-18.xlsx.") from None


def observe(locator: Locator, area: str, context: Context) -> Observation:
    """The value of the Annex A measure the locator names, for its window, with the list, rule, window, numerator and denominator as provenance."""
    record = context.file
    path = record.path
    months = int(locator.filters.get("months", 6))
    as_at = as_at_of(path, locator.period)
    if locator.period == "previous":  # the window that ends the day before this one starts
        as_at = Window(as_at, months).start - dt.timedelta(days=1)
    window = Window(as_at, months)
    figure = _figure(str(path), path.stat().st_mtime_ns, locator.column, window)
    records = load(path).records(figure.list_number, ("child_id",))
    record.count_rows(("annex_a", figure.list_number), len(records))
    label = f"{months} months to {as_at.strftime('%d/%m/%Y')}"
    record.periods.add(label)
    where = (f"List {figure.list_number} ({LISTS[figure.list_number]}, sheet '{records.sheet}'): {figure.rule}; "
             f"window {window.label}")
    drill = (f"records: `scorecard annex-a {record.display_path} --as-at {as_at.isoformat()} --months {months} "
             f"--drilldown OUT.xlsx`, sheet '{figure.sheet}' (officer only: personal data)")
    if figure.kind == "count":
        how = f"count of {len(figure.numerator)} record(s); {drill}"
    elif figure.value is None:
        return Observation(value=NO_DATA, note=f"no records to take a percentage of ({figure.rule})", provenance=context.provenance(
            where, period=label, transformation=f"0 of 0: not a percentage; {drill}"))
    else:
        how = (f"{len(figure.numerator)} of {len(figure.denominator or [])} = {figure.value}% (numerator / denominator × 100, "
               f"rounded to 1 dp); {drill}")
    return Observation(value=figure.value, provenance=context.provenance(where, period=label, transformation=how))


@lru_cache(maxsize=256)
def _figure(path: str, mtime_ns: int, measure: str, window: Window):
    """One measure for one window of one file version, computed once however many series ask (a rate and its count)."""
    return MEASURES[measure](load(Path(path)), window)


def quality(path: Path) -> list:
    """The data-quality problems of the Annex A file a build read, as at the date in its name (the optional
    reader hook :mod:`workbook_builder.sources.base` describes): checked once per file version."""
    return _quality(str(path), Path(path).stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _quality(path: str, mtime_ns: int) -> list:
    from .annex_a_quality import check_quality

    return check_quality(load(Path(path)), as_at_of(Path(path), "latest"))


def describe(locators: list[Locator]) -> list[str]:
    """What the inputs README says of the Annex A file: its layout, name and the measures read from it."""
    measures = sorted({loc.column for loc in locators if loc.column})
    return ["Ofsted's Annex A workbook as the council prepares it for inspection (List 1 … List 11; Ofsted's template "
            "or the 2021/2024 layouts), named with its as-at date, e.g. `AnnexA_<LA>_2026-06-18.xlsx`.",
            f"Measures computed from it: {', '.join(f'`{m}`' for m in measures)}." if measures else ""]
