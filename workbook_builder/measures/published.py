"""Measures DfE publishes per LA (``mappings/published.yaml``) and their benchmarks.

For one measure, LA and period the benchmark is computed from DfE's own per-LA rows:

* ``la`` — the LA's published value (a number, or DfE's symbol such as ``c``);
* ``sn_average`` — the mean of the statistical neighbours that have a number, with
  ``sn_count`` used and the neighbours left out (suppressed or missing) named;
* ``england`` — the national row;
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
from ..sources.dfe import DfeTable, parse_number, values_by_code
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
    england: object = NO_DATA
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
    england = value_of({t.strip() for t in rows.loc[rows["geographic_level"] == "national", column]}, "England")
    used, left_out = [], []
    for n in neighbours:
        value = value_of(by_code.get(n.code, set()), n.name)
        (used.append(value) if is_number(value) else left_out.append(f"{n.name}: {value}"))
    sn = round(sum(used) / len(used), 1) if used else NO_DATA
    las = rows[rows["geographic_level"] == "local authority"].drop_duplicates(subset=["new_la_code"])
    numbers = las[column].map(parse_number)
    numbers = numbers[numbers.map(is_number)].astype(float)
    quartile, position = None, ""
    if is_number(la) and len(numbers) >= 4:
        q1, q2, q3 = numbers.quantile([0.25, 0.5, 0.75])
        quartile = 1 if la < q1 else 2 if la < q2 else 3 if la <= q3 else 4
        position = "Lower" if la < q1 else "Higher" if la > q3 else "In range"
    return Benchmark(measure_id=measure_id, period=period, la=la, sn_average=int(sn) if is_number(sn) and float(sn).is_integer() else sn,
                     sn_count=len(used), sn_left_out=left_out, england=england, quartile=quartile, position=position,
                     all_las=len(numbers))
