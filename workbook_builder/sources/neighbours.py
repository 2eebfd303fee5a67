"""Statistical neighbours: the 10 comparable LAs of an LA, by LA code.

The project's table (``reference/statistical_neighbours.csv``) has one row per neighbour:
``la_code, la_name, rank, neighbour_code, neighbour_name``. Codes are new-style
(E06000051) or old-style (893) LA codes; names are for people only and never matched.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..authorities import read_local_authorities
from ..errors import UserError
from ..observations import NO_DATA, is_number, parse_number
from .tables import find_table, read_grid


@dataclass(frozen=True)
class Neighbour:
    """One of an LA's statistical neighbours: its code, its name (for people), and how close it is (1 = closest)."""
    code: str
    name: str
    rank: int
    old_code: str = ""  # its other code (the LA number, 893, for E06000051), from the LA list

    @property
    def codes(self) -> tuple[str, ...]:
        """Its codes, new first: a DfE file may carry either (the SEND files carry a reorganised LA under its old county code)."""
        return tuple(c for c in (self.code, self.old_code) if c)


def read_neighbours(path: Path, la_codes: set[str], authorities: Path | None = None) -> list[Neighbour]:
    """Neighbours of the LA whose code is in ``la_codes`` (new and old code), closest first; with
    ``authorities`` (the LA list) each also knows its other code, so rows carrying either match."""
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
    if authorities is not None:
        known = {code: la for la in read_local_authorities(authorities) for code in la.codes}
        found = [replace(n, old_code=next((c for c in known[n.code].codes if c != n.code), "")) if n.code in known else n for n in found]
    return sorted(found, key=lambda n: n.rank)


SN_ROUND = 1  # decimal places of a statistical-neighbour mean


def one_value(texts: set[str], *, who: str, hint: str) -> object:
    """The single published value among an area's rows (exact duplicates already merged), a symbol, or 'No data'."""
    if len(texts) > 1:
        raise UserError(f"{who} has {len(texts)} different values", hint=hint)
    return parse_number(next(iter(texts))) if texts else NO_DATA


@dataclass
class NeighbourMean:
    """The mean of the statistical neighbours that have a number, and who was left out (suppressed or missing)."""

    value: object  # the mean rounded to SN_ROUND places, or 'No data' when no neighbour has a number
    used: list[tuple[str, object]]  # (neighbour name, value)
    left_out: list[str]  # "name: symbol"
    total: int

    @property
    def transformation(self) -> str:
        """What the Audit says of the mean: how many neighbours of how many, who was left out, and each value used."""
        if not self.used:
            return "mean of 0 neighbours"
        text = f"mean of {len(self.used)} of {self.total} statistical neighbours"
        if self.left_out:
            text += f" ({'; '.join(self.left_out)} left out)"
        return text + f"; rounded to {SN_ROUND} dp; values: " + ", ".join(f"{name} {value}" for name, value in self.used)

    @property
    def note(self) -> str:
        """What the Notes column says: who was left out, when anyone was."""
        if not self.used:
            return f"no statistical neighbour has a published value ({'; '.join(self.left_out)})"
        return f"SN mean of {len(self.used)} of {self.total}; {'; '.join(self.left_out)}" if self.left_out else ""


def neighbour_mean(by_code: dict[str, set[str]], neighbours: list[Neighbour], *, where: str, hint: str,
                   joint: dict[str, str] | None = None) -> NeighbourMean:
    """Mean of the neighbours' values (``by_code``: LA code -> values), matched by code; never a name.
    ``joint`` maps the codes of LAs DfE publishes one figure for (a joint return) to that return's name:
    two neighbours sharing one return count once."""
    used, left_out = [], []
    counted: dict[str, str] = {}  # joint return -> the neighbour it was counted for
    for n in neighbours:
        shared = next((joint[c] for c in n.codes if joint and c in joint), None)
        if shared is not None and shared in counted:
            left_out.append(f"{n.name}: counted once with {counted[shared]} (joint return {shared})")
            continue
        if shared is not None:
            counted[shared] = n.name
        texts = next((by_code[c] for c in n.codes if c in by_code), set())
        value = one_value(texts, who=f"{where}: {n.name} ({n.code})", hint=hint)
        (used.append((n.name, value)) if is_number(value) else left_out.append(f"{n.name}: {value}"))
    mean = round(sum(v for _, v in used) / len(used), SN_ROUND) if used else NO_DATA
    return NeighbourMean(value=int(mean) if is_number(mean) and float(mean).is_integer() else mean, used=used,
                         left_out=left_out, total=len(neighbours))



__all__ = ["Neighbour", "NeighbourMean", "neighbour_mean", "one_value", "read_neighbours"]
