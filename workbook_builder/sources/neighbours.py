"""Statistical neighbours: the 10 comparable LAs of an LA, by LA code.

The project's table (``reference/statistical_neighbours.csv``) has one row per neighbour:
``la_code, la_name, rank, neighbour_code, neighbour_name``. Codes are new-style
(E06000051) or old-style (893) LA codes; names are for people only and never matched.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError
from .tables import find_table, norm, read_grid


@dataclass(frozen=True)
class Neighbour:
    code: str
    name: str
    rank: int


def read_neighbours(path: Path, la_codes: set[str]) -> list[Neighbour]:
    """Neighbours of the LA whose code is in ``la_codes`` (new and old code), closest first."""
    table = find_table(read_grid(path))
    need = ["la_code", "rank", "neighbour_code", "neighbour_name"]
    missing = [c for c in need if c not in table.columns]
    if missing:
        raise UserError(f"{path}: statistical neighbour table needs columns {', '.join(need)} (missing {', '.join(missing)})")
    found = []
    for row, record in table.records():
        if str(record["la_code"]) in la_codes:
            try:
                rank = int(record["rank"])
            except (TypeError, ValueError):
                raise UserError(f"{path}: row {row}: rank '{record['rank']}' is not a whole number") from None
            found.append(Neighbour(code=str(record["neighbour_code"]), name=str(record["neighbour_name"]), rank=rank))
    if not found:
        raise UserError(
            f"{path}: no statistical neighbours for LA code {' / '.join(sorted(la_codes))}",
            hint="Add ten rows for this LA (la_code, la_name, rank, neighbour_code, neighbour_name).",
        )
    codes = [n.code for n in found]
    if len(set(codes)) != len(codes):
        raise UserError(f"{path}: a neighbour is listed twice for LA {' / '.join(sorted(la_codes))}")
    return sorted(found, key=lambda n: n.rank)


__all__ = ["Neighbour", "read_neighbours", "norm"]
