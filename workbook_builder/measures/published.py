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

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from ..errors import UserError
from ..observations import NO_DATA, Observation, describe_symbol, is_number, is_symbol, parse_number
from ..sources.base import Context
from ..sources.dfe import DfeTable, format_period
from ..sources.neighbours import Neighbour, NeighbourMean, neighbour_mean, one_value
from ..yamlfile import LineDict, validate
from ..yamlfile import load as load_yaml


class PublishedMeasure(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)  # NaN and infinity are never figures

    label: str
    file: str
    filters: dict[str, str]
    column: str
    unit: Literal["percent", "rate_per_10k", "count", "days", "score"]
    polarity: Literal["higher_is_better", "lower_is_better", "context"]
    line: int = 0  # where it is defined in published.yaml, for the Audit's Mapping column


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


def published_periods(measure: PublishedMeasure, table: DfeTable) -> list[str]:
    """The time periods the file has rows for this measure in, oldest first."""
    return table.records(measure.filters).periods()


def published_slice(measure: PublishedMeasure, table: DfeTable, period: str) -> PublishedSlice:
    key = ("slice", measure.file, tuple(sorted(measure.filters.items())), measure.column, period)
    if key in table.cache:
        return table.cache[key]
    records = table.records(measure.filters)
    column = table.value_column(measure.column)
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
        for code in filter(None, (row[new], row[old])):
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
                            rows=records.count(period))
    table.cache[key] = result
    return result


def benchmark(measure_id: str, measure: PublishedMeasure, table: DfeTable, la_codes: set[str], period: str,
              neighbours: list[Neighbour]) -> Benchmark:
    """LA, SN average, England, region and position among all LAs for one measure and period, from per-LA rows."""
    data = published_slice(measure, table, period)

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
                     neighbours=neighbour_mean(data.by_code, neighbours, where=where, hint=hint),
                     england=england, england_duplicates=data.england_duplicates,
                     region=region, region_name=region_name, la_name=data.la_name.get(own, "") if own else "",
                     quartile=quartile, position=position, all_las=data.all_las)


def benchmark_for(measure_id: str, measure: PublishedMeasure, table: DfeTable, period: str, context: Context) -> Benchmark:
    """:func:`benchmark` for the context's LA and neighbours, computed once per LA, measure and period and
    kept on the table (the LA, SN, England and position series of one measure share it). The rows of the
    period's slice are counted into the context's file once per build."""
    neighbours = context.neighbours()
    key = ("benchmark", measure_id, period, context.la.codes, tuple(n.code for n in neighbours))
    if key not in table.cache:
        table.cache[key] = benchmark(measure_id, measure, table, set(context.la.codes), period, neighbours)
    context.file.count_rows(("published", measure_id, period), published_slice(measure, table, period).rows)
    return table.cache[key]


def observe(measure_id: str, measure: PublishedMeasure, area: str, wanted: str, context: Context) -> Observation:
    """The LA's published value, its statistical neighbours' mean, England, its region, or its quartile or
    position among all LAs, for one published measure and period ('latest', 'previous' or a DfE
    ``time_period``), with the provenance the Audit shows: the DfE file, filters, period, neighbours used."""
    record = context.file
    table = DfeTable.load(record.path)  # a batch of LAs shares one reading of each file
    period = context.pick(published_periods(measure, table), wanted, capped=False, shown=format_period)
    bench = benchmark_for(measure_id, measure, table, period, context)
    record.periods.add(format_period(period))
    filters_text = ", ".join(f"{k}={v}" for k, v in measure.filters.items())
    rows = f"{filters_text}; time_period={period}; column {measure.column}"
    via = f"DfE per-LA data via mappings/published.yaml '{measure_id}'"
    la = context.la
    note = ""
    if area == "la":
        value, where, how = bench.la, f"new_la_code={la.code}", f"as published ({via})"
    elif area == "england":
        value, where, how = bench.england, "geographic_level=National", f"as published ({via})"
        if bench.england_duplicates:
            where += f" ({bench.england_duplicates} exact duplicate(s) ignored)"
    elif area == "region":
        value, where, how = bench.region, f"geographic_level=Regional, the LA's region ({bench.region_name or 'not found'})", f"as published ({via})"
    elif area == "sn":
        value, where = bench.sn_average, f"new_la_code in [{','.join(n.code for n in context.neighbours())}]"
        how, note = f"{bench.neighbours.transformation}; {via}", bench.neighbours.note
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
