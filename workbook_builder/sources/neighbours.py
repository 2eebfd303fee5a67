"""Statistical neighbours: the 10 comparable LAs of an LA, by LA code.

The project's table (``reference/statistical_neighbours.csv``) has one row per neighbour:
``la_code, la_name, rank, neighbour_code, neighbour_name``. Codes are new-style
(E06000051) or old-style (893) LA codes; names are for people only and never matched.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError
from .tables import find_table, read_grid


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


def name_key(name: str) -> str:
    """An LA name reduced to what different publications agree on: 'Herefordshire, County of',
    'Herefordshire'; 'Kingston upon Hull, City of', 'Kingston Upon Hull, City of'; 'Bedford Borough',
    'Bedford'; 'County Durham', 'Durham' all meet."""
    text = name.lower().replace("&", "and")
    text = re.sub(r",? (city|county) of$", "", text)
    text = re.sub(r"^(city|county) of |^county ", "", text)
    text = re.sub(r" (borough|council|city)$", "", text)
    return re.sub(r"[^a-z]", "", text)


def la_codes_by_name(dfe_dir: Path) -> dict[str, tuple[str, str, str]]:
    """name key -> (new code, old code, DfE name) for every LA row in the DfE open-data CSVs of ``dfe_dir``."""
    found: dict[str, set[tuple[str, str, str]]] = {}
    for path in sorted(Path(dfe_dir).glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                row = {k.lower(): (v or "").strip() for k, v in row.items() if k}
                if row.get("geographic_level", "").lower() == "local authority" and row.get("new_la_code"):
                    found.setdefault(name_key(row["la_name"]), set()).add((row["new_la_code"], row.get("old_la_code", ""), row["la_name"]))
    clashes = {k: v for k, v in found.items() if len({c[0] for c in v}) > 1}
    if clashes:
        raise UserError(f"{dfe_dir}: LA names that stand for more than one code: {clashes}")
    return {k: sorted(v)[0] for k, v in found.items()}


@dataclass(frozen=True)
class LocalAuthority:
    code: str  # new-style, E06000051
    old_code: str  # old-style, 893
    name: str  # as DfE names it
    region_code: str
    region_name: str


def local_authorities_in(dfe_dir: Path, codes: set[str]) -> list[LocalAuthority]:
    """The LAs whose new code is in ``codes``, with old code, DfE name and region, from the DfE files'
    latest LA rows (sorted by code)."""
    latest: dict[str, tuple[str, LocalAuthority]] = {}
    for path in sorted(Path(dfe_dir).glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                row = {k.lower(): (v or "").strip() for k, v in row.items() if k}
                code = row.get("new_la_code", "")
                if code in codes and row.get("geographic_level", "").lower() == "local authority":
                    la = LocalAuthority(code, row.get("old_la_code", ""), row["la_name"], row.get("region_code", ""), row.get("region_name", ""))
                    if code not in latest or row["time_period"] > latest[code][0]:
                        latest[code] = (row["time_period"], la)
    missing = sorted(codes - set(latest))
    if missing:
        raise UserError(f"{dfe_dir}: no LA rows for codes {', '.join(missing)}")
    return [latest[c][1] for c in sorted(latest)]


def read_local_authorities(path: Path) -> list[LocalAuthority]:
    """The project's LA list (``mappings/local_authorities.csv``)."""
    with Path(path).open(encoding="utf-8", newline="") as handle:
        return [LocalAuthority(r["la_code"], r["old_la_code"], r["la_name"], r["region_code"], r["region_name"])
                for r in csv.DictReader(handle)]


def resolve_table_by_name(table: Path, dfe_dir: Path) -> list[list[str]]:
    """Rows (la_code, la_name, rank, neighbour_code, neighbour_name) from a neighbour table that names LAs.

    ``table`` has each LA's name in the first row and its ten neighbours, closest first, in the
    column below; names are resolved to DfE codes through ``dfe_dir`` and never used after that.
    """
    codes = la_codes_by_name(dfe_dir)
    with Path(table).open(encoding="utf-8-sig", newline="") as handle:
        grid = list(csv.reader(handle))
    header, body = grid[0], grid[1:]

    def code(name: str, where: str) -> tuple[str, str, str]:
        if name_key(name) not in codes:
            raise UserError(f"{table}: {where}: no DfE LA code for '{name}'", hint="Add the LA's rows to the DfE files, or correct the name.")
        return codes[name_key(name)]

    rows = []
    for col, la in enumerate(header):
        la_code, _, la_name = code(la, f"column {col + 1}")
        neighbours = [r[col] for r in body if col < len(r) and r[col].strip()]
        for rank, neighbour in enumerate(neighbours, 1):
            n_code, _, n_name = code(neighbour, f"column {col + 1} ('{la}'), neighbour {rank}")
            rows.append([la_code, la_name, str(rank), n_code, n_name])
    return rows


__all__ = ["Neighbour", "LocalAuthority", "local_authorities_in", "read_local_authorities", "read_neighbours", "resolve_table_by_name", "la_codes_by_name", "name_key"]
