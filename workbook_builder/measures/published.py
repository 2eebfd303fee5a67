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

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import UserError
from ..observations import NO_DATA, is_number
from ..sources.dfe import DfeTable, area_filter, parse_number, values_by_code
from ..sources.neighbours import Neighbour


class PublishedMeasure(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    file: str
    filters: dict[str, str]
    column: str
    unit: Literal["percent", "rate_per_10k", "count", "days", "score"]
    polarity: Literal["higher_is_better", "lower_is_better", "context"]


def load_published(path: Path) -> dict[str, PublishedMeasure]:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        return {k: PublishedMeasure.model_validate(v) for k, v in (raw.get("measures") or {}).items()}
    except (OSError, yaml.YAMLError, AttributeError) as exc:
        raise UserError(f"{path}: cannot read the published-measures file ({exc})") from None
    except ValidationError as exc:
        error = exc.errors()[0]
        raise UserError(f"{path}: {'.'.join(map(str, error['loc']))}: {error['msg']}") from None


@dataclass
class Benchmark:
    measure_id: str
    period: str
    la: object
    sn_average: object
    sn_count: int
    sn_left_out: list[str] = field(default_factory=list)
    sn_used: list[tuple[str, object]] = field(default_factory=list)  # (neighbour name, value)
    england: object = NO_DATA
    england_duplicates: int = 0  # exact duplicate national rows ignored
    region: object = NO_DATA
    region_name: str = ""
    la_name: str = ""
    quartile: int | None = None
    position: str = ""
    all_las: int = 0


def benchmark(measure_id: str, measure: PublishedMeasure, table: DfeTable, la_codes: set[str], period: str,
              neighbours: list[Neighbour]) -> Benchmark:
    """LA, SN average, England and position among all LAs for one measure and period, from per-LA rows."""
    rows = table.select({**measure.filters, "time_period": period})
    column = table.column(measure.column)
    by_code = values_by_code(rows, column)

    def value_of(texts: set[str], who: str):
        if len(texts) > 1:
            raise UserError(f"{table.path}: {who} has {len(texts)} different values for {measure_id} {period}",
                            hint="Add filters in published.yaml so each area has one row.")
        return parse_number(next(iter(texts))) if texts else NO_DATA

    la = value_of(set().union(*(by_code.get(c, set()) for c in la_codes)), "the LA")
    national = rows[rows["geographic_level"] == "national"]
    england = value_of({t.strip() for t in national[column]}, "England")
    england_duplicates = len(national) - len(national.drop_duplicates())
    la_rows = rows[area_filter(rows, level="la", codes=la_codes)]
    la_name = next(iter(sorted(set(la_rows["la_name"].str.strip()))), "") if "la_name" in rows else ""
    region_code, region_name, region = "", "", NO_DATA
    if "region_code" in rows and not la_rows.empty:
        region_code = la_rows["region_code"].iloc[0].strip()
        regional = rows[(rows["geographic_level"] == "regional") & (rows["region_code"].str.strip() == region_code)]
        region = value_of({t.strip() for t in regional[column]}, f"region {region_code}")
        region_name = regional["region_name"].iloc[0].strip() if not regional.empty else ""
    used, left_out = [], []
    for n in neighbours:
        value = value_of(by_code.get(n.code, set()), n.name)
        (used.append((n.name, value)) if is_number(value) else left_out.append(f"{n.name}: {value}"))
    sn = round(sum(v for _, v in used) / len(used), 1) if used else NO_DATA
    las = rows[rows["geographic_level"] == "local authority"].drop_duplicates(subset=["new_la_code"])
    numbers = las[column].map(parse_number)
    numbers = numbers[numbers.map(is_number)].astype(float)
    quartile, position = None, ""
    if is_number(la) and len(numbers) >= 4:
        q1, q2, q3 = numbers.quantile([0.25, 0.5, 0.75])
        quartile = 1 if la < q1 else 2 if la < q2 else 3 if la <= q3 else 4
        position = "Lower" if la < q1 else "Higher" if la > q3 else "In range"
    return Benchmark(measure_id=measure_id, period=period, la=la, sn_average=int(sn) if is_number(sn) and float(sn).is_integer() else sn,
                     sn_count=len(used), sn_left_out=left_out, sn_used=used, england=england, england_duplicates=england_duplicates, region=region,
                     region_name=region_name, la_name=la_name, quartile=quartile, position=position, all_las=len(numbers))
