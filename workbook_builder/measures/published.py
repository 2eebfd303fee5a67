"""Measures DfE publishes per LA (``mappings/published.yaml``) and their benchmarks.

For one measure, LA and period the benchmark is computed from DfE's own per-LA rows:

* ``la`` — the LA's published value (a number, or DfE's symbol such as ``c``);
* ``sn_average`` — the mean of the statistical neighbours that have a number, with
  ``sn_count`` used and the neighbours left out (suppressed or missing) named;
* ``england`` — the national row;
* ``region`` — the row of the LA's region (the ``region_code`` on the LA's own row; London
  boroughs are in Inner or Outer London, as DfE publishes them);
* ``quartile`` — the LA's band among all LAs with a number (1 = lowest 25% … 4 = highest 25%),
  and ``position`` against the middle 50% of LAs as ChAT reports it: ``Lower`` (below the
  25th percentile), ``In range`` or ``Higher`` (above the 75th). Percentiles are pandas'
  linear interpolation over every LA's value for that period.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Callable, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, model_validator

from ..errors import UserError
from ..observations import NO_DATA, Observation, describe_symbol, file_sha256, is_number, is_symbol, parse_number
from ..periods import ordered, period_end, pick
from ..sources.base import Context, InputFile
from ..sources.dfe import DfeTable, format_period, split_codes
from ..sources.neighbours import Neighbour, NeighbourMean, neighbour_mean, one_value
from ..yamlfile import LineDict, validate
from ..yamlfile import load as load_yaml


class Layout(BaseModel):
    """How one release of DfE's file writes a measure: the filters that pick its rows and the value column."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    release: str = ""  # which releases write the file so (shown in the Audit), e.g. "2025"
    filters: dict[str, str]
    column: str

    @property
    def key(self) -> tuple:
        return tuple(sorted(self.filters.items())), self.column


class LaitMeasure(BaseModel):
    """The measure in DfE's LAIT: its data dictionary's Measure_short, and Measure_code where it has one."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    measure: str
    code: str | None = None


class PublishedMeasure(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)  # NaN and infinity are never figures

    label: str
    file: str  # the file's name in each release; `*` and `?` match the parts that change (years covered)
    filters: dict[str, str] | None = None  # the one layout, for a file whose columns have not changed...
    column: str | None = None
    layouts: tuple[Layout, ...] = ()  # ...or the layouts of its releases, newest first
    unit: Literal["percent", "rate_per_10k", "count", "days", "score", "average"]
    polarity: Literal["higher_is_better", "lower_is_better", "context"]
    description: str = ""  # DfE's description of the measure
    lait: LaitMeasure | None = None  # the measure in DfE's LAIT, where LAIT has it
    sn_method: Literal["mean", "median"] = "mean"  # how its neighbours' figures are summarised (--sn-method overrides)
    # when DfE's year ends, for a file whose years are written as one number: "31 March" makes 2025 read
    # "2024-25" where a row shows the period (the children looked after and children in need years)
    year_ends: Literal["31 March", "30 September", "31 December"] | None = None
    line: int = 0  # where it is defined in published.yaml, for the Audit's Mapping column

    @model_validator(mode="after")
    def _one_way(self) -> "PublishedMeasure":
        if self.layouts and (self.filters is not None or self.column is not None):
            raise ValueError("give either filters and column, or layouts (one per release), not both")
        if not self.layouts and (self.filters is None or self.column is None):
            raise ValueError("a published measure needs filters and column, or layouts (one per release)")
        return self

    @property
    def all_layouts(self) -> tuple[Layout, ...]:
        return self.layouts or (Layout(filters=self.filters or {}, column=self.column or ""),)


class PublishedFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)  # NaN and infinity are never figures

    measures: dict[str, PublishedMeasure]


def load_published(path: Path) -> dict[str, PublishedMeasure]:
    """The measures of ``mappings/published.yaml``, validated; read once per version of the file."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError as exc:
        raise UserError(f"{path}: cannot read the published-measures file ({exc})") from None
    return _load_published(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _load_published(name: str, mtime_ns: int, size: int) -> dict[str, PublishedMeasure]:
    path = Path(name)
    raw = load_yaml(path, what="published-measures file")
    measures = raw.get("measures")
    if isinstance(measures, LineDict):
        for key, entry in measures.items():
            if isinstance(entry, LineDict):
                entry["line"] = measures.lines.get(str(key), entry.line)
    return validate(PublishedFile, raw, raw, path, what="published-measures file",
                    hint="Each measure needs label, file, filters, column, unit and polarity.").measures


@dataclass
class Benchmark:
    measure_id: str
    period: str
    la: object
    neighbours: NeighbourMean
    england: object = NO_DATA
    england_duplicates: int = 0  # exact duplicate national rows ignored
    region: object = NO_DATA
    region_name: str = ""
    la_name: str = ""
    quartile: int | None = None
    position: str = ""
    all_las: int = 0
    joint: str = ""  # the name DfE gives the joint return the LA's figure is part of ("<LA> / <partner>")

    @property
    def sn_average(self) -> object:
        return self.neighbours.value

    @property
    def sn_count(self) -> int:
        return len(self.neighbours.used)

    @property
    def sn_left_out(self) -> list[str]:
        return self.neighbours.left_out


@dataclass
class PublishedSlice:
    """One measure in one period, every area at once: what each LA's benchmark looks up.

    Built once per (measure, period) from the selection's rows and kept on the :class:`DfeTable`,
    so a batch of 153 LAs filters each file once, not once per LA.
    """

    by_code: dict[str, set[str]]  # LA code (new and old) -> values
    england: set[str]
    england_duplicates: int
    regions: dict[str, tuple[str, set[str]]]  # region code -> (name, values)
    la_region: dict[str, str]  # LA code -> region code (as on the LA's own row)
    la_name: dict[str, str]
    quartiles: tuple[float, float, float] | None  # 25th, 50th, 75th percentiles over every LA with a number
    all_las: int
    rows: int = 0  # rows of the file for this measure and period (every area)
    joint: dict[str, str] = field(default_factory=dict)  # LA code -> the joint return it is part of (its name)


@dataclass
class Release:
    """One release's file of a published measure: its table, the layout that fits it, the periods it holds."""

    table: DfeTable
    layout: Layout
    periods: list[str]  # oldest first

    @property
    def calendar_years(self) -> bool:
        """Whether the file's years are calendar years (DfE's ``time_identifier``), as the EHC plan files' are."""
        return self.table.has_column("time_identifier") and "calendar year" in set(self.table.folded("time_identifier").unique())

    @property
    def path(self) -> Path:
        return self.table.path

    @property
    def span(self) -> str:
        first, last = format_period(self.periods[0]), format_period(self.periods[-1])
        return first if first == last else f"{first} to {last}"


def fitting_layout(measure_id: str, measure: PublishedMeasure, table: DfeTable) -> Layout:
    """The first of the measure's layouts whose columns the file has and whose filters pick rows; none is
    an error naming the file, what each layout needs and what the file holds."""
    tried = []
    for layout in measure.all_layouts:
        missing = [c for c in (*layout.filters, layout.column) if not table.has_column(c)]
        if missing:
            tried.append(f"{layout.release or 'layout'}: no column {', '.join(missing)}")
            continue
        if table.records(layout.filters).rows:
            return layout
        values = "; ".join(f"{c}: {', '.join(table.values(c)[:8])}" for c in layout.filters)
        tried.append(f"{layout.release or 'layout'}: no rows with {layout.filters} (the file has {values})")
    raise UserError(f"{table.path}: no layout of '{measure_id}' in published.yaml fits this file ({'; '.join(tried)})",
                    hint=f"If DfE renamed columns or reworded values in this release, add a layout for it to '{measure_id}' "
                         f"in mappings/published.yaml. Columns in this file: {', '.join(table.frame.columns)}.")


class Releases(tuple):
    """The releases of one measure's file, newest first, and every period they hold between them."""

    @cached_property
    def periods(self) -> list[str]:
        """Every period any release holds, oldest first."""
        return ordered(list(set().union(*(r.periods for r in self))))

    def serving(self, period: str) -> Release:
        """The newest release holding ``period``."""
        return next(r for r in self if period in r.periods)

    def corresponding(self, period: str) -> str | None:
        """The time_period these releases hold that a reporting period given as DfE writes it stands for:
        itself (``2025``, or ``2024-25`` for ``202425``); else the academic year ending in its year
        (``202425`` for ``2025``); else, for calendar-year files, the calendar year before it ends
        (``2024`` for the reporting year ending 31 March 2025); else None."""
        periods = self.periods
        exact = next((p for p in periods if period in (p, format_period(p))), None)
        if exact is not None or not period[:4].isdigit():
            return exact
        end = int(period[:4]) + (1 if len(period) == 6 and period.isdigit() else 0)  # the year its 31 March falls in
        academic, calendar = f"{end - 1}{end % 100:02d}", str(end - 1)
        if academic in periods:
            return academic
        if calendar in periods and any(r.calendar_years for r in self if calendar in r.periods):
            return calendar
        return str(end) if str(end) in periods and len(period) == 6 else None


def releases_of(measure_id: str, measure: PublishedMeasure, paths: list[Path]) -> Releases:
    """The releases of the measure's file among ``paths``, newest first: the one holding the latest period
    comes first and serves every period it holds (DfE revises earlier years in each release). Two
    different files ending in the same period are an error: which to trust is the officer's choice.
    (Every release holds a period: :func:`fitting_layout` picks rows, and each period is orderable.)"""
    found = []
    for path in paths:
        table = DfeTable.load(path)
        layout = fitting_layout(measure_id, measure, table)
        found.append(Release(table=table, layout=layout, periods=table.records(layout.filters).periods()))
    found.sort(key=lambda r: (-period_end(r.periods[-1]).toordinal(), str(r.path)))
    for newer, older in zip(found, found[1:]):
        if newer.periods[-1] == older.periods[-1] and file_sha256(newer.path) != file_sha256(older.path):
            raise UserError(f"two releases of '{measure_id}' both run to {format_period(newer.periods[-1])}: {newer.path} and {older.path}",
                            hint="Pass only one of them (--published may name the folder of each release you want read).")
    return Releases(found)


def published_slice(table: DfeTable, layout: Layout, period: str) -> PublishedSlice:
    """Every area's figure for one layout of a file and one period, made once and kept on the table."""
    key = ("slice", layout.key, period)
    if key in table.cache:
        return table.cache[key]
    records = table.records(layout.filters)
    column = table.value_column(layout.column)
    at = records.position
    value, region_code, region_name = at[column], at["region_code"], at["region_name"]
    new, old, la_name_at = at["new_la_code"], at["old_la_code"], at["la_name"]
    national = records.at_level(period, "national")
    regions: dict[str, tuple[str, set[str]]] = {}
    for row in records.at_level(period, "regional"):
        regions.setdefault(row[region_code].strip(), (row[region_name].strip(), set()))[1].add(row[value].strip())
    la_region: dict[str, str] = {}
    la_name: dict[str, str] = {}
    numbers: list[float] = []
    seen: set[str] = set()
    las = records.at_level(period, "local authority")
    for row in las:
        for code in (*split_codes(row[new]), *split_codes(row[old])):
            la_region.setdefault(code, row[region_code].strip())
            la_name.setdefault(code, row[la_name_at].strip())
        if row[new] not in seen:  # one value per LA (its first row), as DfE lists each LA once
            seen.add(row[new])
            number = parse_number(row[value])
            if is_number(number):
                numbers.append(float(number))
    quartiles = tuple(float(q) for q in np.quantile(numbers, [0.25, 0.5, 0.75])) if len(numbers) >= 4 else None
    result = PublishedSlice(by_code=records.texts_by_code(las, column), england={row[value].strip() for row in national},
                            england_duplicates=len(national) - len(dict.fromkeys(national)), regions=regions,
                            la_region=la_region, la_name=la_name, quartiles=quartiles, all_las=len(numbers),
                            rows=records.count(period), joint=records.joint(las))
    table.cache[key] = result
    return result


def benchmark(measure_id: str, table: DfeTable, layout: Layout, la_codes: set[str], period: str,
              neighbours: list[Neighbour], method: str = "mean") -> Benchmark:
    """LA, SN average, England, region and position among all LAs for one measure and period, from per-LA rows."""
    data = published_slice(table, layout, period)

    where, hint = f"{table.path}: {measure_id} {period}", "Add filters in published.yaml so each area has one row."
    la = one_value(set().union(*(data.by_code.get(c, set()) for c in la_codes)), who=f"{where}: the LA", hint=hint)
    england = one_value(data.england, who=f"{where}: England", hint=hint)
    own = next((c for c in sorted(la_codes) if c in data.la_region), None)
    region_code = data.la_region.get(own, "") if own else ""
    region_name, region_values = data.regions.get(region_code, ("", set()))
    region = one_value(region_values, who=f"{where}: region {region_code}", hint=hint) if region_code else NO_DATA
    quartile, position = None, ""
    if is_number(la) and data.quartiles is not None:
        q1, q2, q3 = data.quartiles
        quartile = 1 if la < q1 else 2 if la < q2 else 3 if la <= q3 else 4
        position = "Lower" if la < q1 else "Higher" if la > q3 else "In range"
    return Benchmark(measure_id=measure_id, period=period, la=la,
                     neighbours=neighbour_mean(data.by_code, neighbours, where=where, hint=hint, joint=data.joint, method=method),
                     england=england, england_duplicates=data.england_duplicates,
                     region=region, region_name=region_name, la_name=data.la_name.get(own, "") if own else "",
                     quartile=quartile, position=position, all_las=data.all_las,
                     joint=next((data.joint[c] for c in sorted(la_codes) if c in data.joint), ""))


def benchmark_for(measure_id: str, release: Release, period: str, context: Context, method: str = "mean") -> Benchmark:
    """:func:`benchmark` for the context's LA and neighbours from one release, computed once per LA, measure
    and period and kept on the release's table (the LA, SN, England and position series of one measure
    share it). The rows of the period's slice are counted into the context's file once per build."""
    neighbours = context.neighbours()
    table = release.table
    key = ("benchmark", measure_id, period, release.layout.key, context.la.codes, tuple(n.code for n in neighbours),
           getattr(neighbours, "model", ""), method)
    if key not in table.cache:
        table.cache[key] = benchmark(measure_id, table, release.layout, set(context.la.codes), period, neighbours, method)
    context.file.count_rows(("published", measure_id, period), published_slice(table, release.layout, period).rows)
    return table.cache[key]


def observe(measure_id: str, measure: PublishedMeasure, area: str, wanted: str, context: Context,
            releases: Releases, record_for: Callable[[Path], InputFile]) -> Observation:
    """The LA's published value, its statistical neighbours' mean, England, its region, or its quartile or
    position among all LAs, for one published measure and period ('latest', 'previous' or a DfE
    ``time_period``), from the newest of ``releases`` that holds the period, with the provenance the
    Audit shows: the release file (its record from ``record_for``), filters, period, neighbours used."""
    period = pick(releases.periods, wanted, str(releases[0].path), shown=format_period)  # DfE's years: never capped by --period
    release = releases.serving(period)
    context = replace(context, file=record_for(release.path))
    record = context.file
    bench = benchmark_for(measure_id, release, period, context, context.sn_method or measure.sn_method)
    record.periods.add(format_period(period))
    layout = release.layout
    filters_text = ", ".join(f"{k}={v}" for k, v in layout.filters.items())
    rows = f"{filters_text}; time_period={period}; column {layout.column}"
    older = [r for r in releases[releases.index(release) + 1:] if period in r.periods]
    via = (f"DfE per-LA data via mappings/published.yaml '{measure_id}'"
           + (f", {layout.release} layout" if layout.release and len(measure.all_layouts) > 1 else "")
           + f"; release file holding {release.span}"
           + (f", used over the older {', '.join(r.path.name + ' (' + r.span + ')' for r in older)} that also holds {format_period(period)}" if older else ""))
    la = context.la
    note = ""
    if area == "la":
        value, where, how = bench.la, f"new_la_code={la.code}", f"as published ({via})"
        if bench.joint:
            partners = [name.strip() for name in bench.joint.split("/") if name.strip() != la.name]
            note = f"a joint return: DfE publishes one figure for {bench.joint}" + (f" (with {', '.join(partners)})" if partners else "")
            how += f"; {note}"
    elif area == "england":
        value, where, how = bench.england, "geographic_level=National", f"as published ({via})"
        if bench.england_duplicates:
            where += f" ({bench.england_duplicates} exact duplicate(s) ignored)"
    elif area == "region":
        value, where, how = bench.region, f"geographic_level=Regional, the LA's region ({bench.region_name or 'not found'})", f"as published ({via})"
    elif area == "sn":
        value, where = bench.sn_average, f"new_la_code in [{','.join(n.code for n in context.neighbours())}]"
        how, note = f"{bench.neighbours.transformation}; {via}", bench.neighbours.note
    elif area == "period":  # the period the figures are for: a row's "Published" date
        value = format_period(period)
        if measure.year_ends == "31 March" and re.fullmatch(r"\d{4}", value):
            value = f"{int(value) - 1}-{value[2:]}"  # the year ending 31 March 2025: 2024-25, as ChAT writes it
        where = "time_period of the release's rows"
        how = f"the period DfE's figures are for: time_period {period}" + (f", the year ending {measure.year_ends}" if measure.year_ends else "") + f" ({via})"
    else:  # quartile or position among all LAs
        value = bench.quartile if area == "quartile" else bench.position
        where = f"every LA row ({bench.all_las} with a number)"
        how = (f"LA's published value {bench.la} against the 25th/50th/75th percentiles of {bench.all_las} LAs "
               f"(pandas linear interpolation): quartile 1 = lowest 25%; position Lower / In range / Higher than the middle 50%; {via}")
        if value in (None, ""):
            value, note = NO_DATA, f"no position: the LA's published value is {bench.la}"
    if isinstance(value, str) and is_symbol(value) and not note:
        note = describe_symbol(value) if value != NO_DATA else "no row in the published data"
    return Observation(value=value, note=note, provenance=context.provenance(
        f"{where}; {rows}", period=format_period(period), transformation=how))
