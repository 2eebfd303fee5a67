"""Statistical neighbours: the 10 comparable LAs of an LA, by LA code, from a named model.

Two layouts are read:

* the project's table (``mappings/statistical_neighbours.csv``), one row per neighbour:
  ``la_code, la_name, rank, neighbour_code, neighbour_name`` and, optionally, ``closeness``,
  ``model`` and ``model_file``. With a ``model`` column the table holds several models (DfE's
  2025 and 2021 models here) and the newest is used unless one is asked for (``--sn-model``);
* DfE's own workbook (``sn_may_2025.xlsx``, ``sn_april_2021.xlsx``) as DfE publishes it: the
  header on row 3 under two rows of column letters and numbers, ``LA num``, ``LA Name``, …,
  ``SN1``, ``SNP``, … ``SN10``, ``SNP`` (closeness labels with trailing spaces), and below the
  current LAs an "Old SNs:" block giving the neighbours of LAs since abolished or merged,
  used for those LAs only.

Codes are new-style (nine characters, E06…) or old-style LA numbers (three digits); names are for people only and
never matched. The model read is named in every SN figure's provenance.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, replace
from pathlib import Path

from ..authorities import read_local_authorities
from ..errors import UserError
from ..observations import NO_DATA, is_number, parse_number
from .tables import find_table, norm, read_grid


@dataclass(frozen=True)
class Neighbour:
    """One of an LA's statistical neighbours: its code, its name (for people), and how close it is (1 = closest)."""
    code: str
    name: str
    rank: int
    old_code: str = ""  # its other code (the old three-digit LA number for a new code), from the LA list
    closeness: str = ""  # the model's word for how close ("Very close"), when it gives one

    @property
    def codes(self) -> tuple[str, ...]:
        """Its codes, new first: a DfE file may carry either (the SEND files carry a reorganised LA under its old county code)."""
        return tuple(c for c in (self.code, self.old_code) if c)


class Neighbours(list):
    """An LA's neighbours, closest first, and the model they come from (named in the provenance)."""

    def __init__(self, members=(), model: str = ""):
        super().__init__(members)
        self.model = model


@dataclass(frozen=True)
class ModelRow:
    """One neighbour of one LA in DfE's SN workbook, by LA number."""

    la: str
    la_name: str
    rank: int
    neighbour: str
    closeness: str
    old_block: bool  # from the "Old SNs:" block (an LA since abolished)


def _number(value: object) -> str:
    """An LA number as text (calamine gives 123 or 123.0); anything else stripped."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def dfe_model_header(rows: list[list[object]]) -> int | None:
    """The 0-based row of DfE's SN workbook header (``LA num`` … ``SN1``), within the first 10 rows; None when not that layout."""
    for r, cells in enumerate(rows[:10]):
        texts = [norm(c) for c in cells]
        if texts[:1] == ["la num"] and "sn1" in texts and "sn10" in texts:
            return r
    return None


def read_dfe_model(path: Path) -> list[ModelRow]:
    """Every LA's neighbours from DfE's SN workbook, as DfE publishes it."""
    rows = read_grid(Path(path)).rows
    header = dfe_model_header(rows)
    if header is None:
        raise UserError(f"{path}: not DfE's statistical neighbour workbook (no 'LA num' ... 'SN1' ... 'SN10' header in the first 10 rows)")
    texts = [norm(c) for c in rows[header]]
    slots = []
    for k in range(1, 11):
        at = texts.index(f"sn{k}") if f"sn{k}" in texts else -1
        if at < 0:
            raise UserError(f"{path}: row {header + 1}: no column SN{k}", hint="DfE's workbook has SN1 ... SN10, each followed by SNP.")
        slots.append((k, at, at + 1 if at + 1 < len(texts) and texts[at + 1] == "snp" else None))
    found, old_block = [], False
    for r, cells in enumerate(rows[header + 1:], header + 2):
        if any(norm(c).startswith("old sns") for c in cells[:3]):
            old_block = True
            continue
        la = _number(cells[0] if cells else None)
        if not re.fullmatch(r"\d{3}", la):
            continue
        name = _number(cells[1] if len(cells) > 1 else None)
        for k, at, closeness in slots:
            neighbour = _number(cells[at] if at < len(cells) else None)
            if neighbour in ("", "-"):  # DfE's '-': the model gives this LA no neighbours (it post-dates the model)
                continue
            if not re.fullmatch(r"\d{3}", neighbour):
                raise UserError(f"{path}: row {r}: SN{k} of {name} is '{neighbour}', not an LA number")
            close = _number(cells[closeness]) if closeness is not None and closeness < len(cells) else ""
            found.append(ModelRow(la, name, k, neighbour, close, old_block))
    if not found:
        raise UserError(f"{path}: no LA has neighbours in this workbook")
    return found


def model_name(path: Path) -> str:
    """What the provenance calls a DfE SN workbook's model: its year, from the file's name."""
    years = re.findall(r"(?:19|20)\d\d", Path(path).name)
    return f"DfE's {years[-1]} model ({Path(path).name})" if years else f"DfE's model ({Path(path).name})"


def read_neighbours(path: Path, la_codes: set[str], authorities: Path | None = None, *, model: str | None = None) -> Neighbours:
    """Neighbours of the LA whose code is in ``la_codes`` (new and old code), closest first, from the
    project's table or DfE's SN workbook; ``model`` picks one model of a table that holds several
    (default: the newest). With ``authorities`` (the LA list) each neighbour also knows its other code,
    so rows carrying either match."""
    path = Path(path)
    known = {code: la for la in read_local_authorities(authorities) for code in la.codes} if authorities is not None else {}
    who = " / ".join(sorted(la_codes))
    if path.suffix.lower() != ".csv" and dfe_model_header(read_grid(path).rows) is not None:
        if model is not None and model not in path.name:
            raise UserError(f"--sn-model {model}: {path.name} is DfE's workbook of another model", hint="Give the workbook of that model.")
        rows = read_dfe_model(path)
        numbers = {c for c in la_codes if re.fullmatch(r"\d{3}", c)} | {known[c].old_code for c in la_codes if c in known}
        current = [r for r in rows if r.la in numbers and not r.old_block]
        mine = current or [r for r in rows if r.la in numbers and r.old_block]
        label = model_name(path) + ("" if current or not mine else ", Old SNs block (an LA since abolished)")
        if not mine:
            raise UserError(f"{path}: no statistical neighbours for LA code {who} in {model_name(path)}",
                            hint="An LA created after the model has none in it: use a later model.")
        names = {r.la: r.la_name for r in rows}  # an abolished LA is not in the LA list, but the workbook names it
        found = [Neighbour(code=known[r.neighbour].code if r.neighbour in known else r.neighbour,
                           name=known[r.neighbour].name if r.neighbour in known else names.get(r.neighbour, r.neighbour),
                           rank=r.rank, old_code=r.neighbour if r.neighbour in known else "", closeness=r.closeness) for r in mine]
        return Neighbours(sorted(found, key=lambda n: n.rank), model=label)
    table = find_table(read_grid(path))
    need = ["la_code", "rank", "neighbour_code", "neighbour_name"]
    missing = [c for c in need if c not in table.columns]
    if missing:
        raise UserError(f"{path}: statistical neighbour table needs columns {', '.join(need)} (missing {', '.join(missing)})")
    records = table.records(required=tuple(need))
    label = f"the table {path.name}"
    if "model" in table.columns:
        models = sorted({str(r["model"]).strip() for _, r in records if r.get("model") not in (None, "")}, key=_model_order)
        chosen = model if model is not None else (models[-1] if models else "")
        if chosen not in models:
            raise UserError(f"{path}: no statistical neighbour model '{chosen}'", hint=f"Models in this table: {', '.join(models)}.")
        records = [(row, r) for row, r in records if str(r.get("model") or "").strip() == chosen]
        files = {str(r.get("model_file") or "").strip() for _, r in records} - {""}
        label = f"DfE's {chosen} model" + (f" ({', '.join(sorted(files))}, via {path.name})" if files else f" ({path.name})")
    elif model is not None:
        raise UserError(f"{path}: --sn-model {model} asked for, but this table has no model column",
                        hint="Add a model column naming each row's model, or leave out --sn-model.")
    found = []
    for row, record in records:
        if str(record["la_code"]) in la_codes:
            try:
                rank = int(record["rank"])
            except (TypeError, ValueError):
                raise UserError(f"{path}: row {row}: rank '{record['rank']}' is not a whole number") from None
            found.append(Neighbour(code=str(record["neighbour_code"]), name=str(record["neighbour_name"]), rank=rank,
                                   closeness=str(record.get("closeness") or "").strip()))
    if not found:
        raise UserError(
            f"{path}: no statistical neighbours for LA code {who}" + (f" in {label}" if "model" in table.columns else ""),
            hint="Add ten rows for this LA (la_code, la_name, rank, neighbour_code, neighbour_name)"
                 + (", or use a model that has it (--sn-model): an LA created after a model has no neighbours in it." if "model" in table.columns else "."),
        )
    codes = [n.code for n in found]
    if len(set(codes)) != len(codes):
        raise UserError(f"{path}: a neighbour is listed twice for LA {who}")
    if known:
        found = [replace(n, old_code=next((c for c in known[n.code].codes if c != n.code), "")) if n.code in known else n for n in found]
    return Neighbours(sorted(found, key=lambda n: n.rank), model=label)


def _model_order(name: str) -> tuple:
    digits = re.findall(r"\d+", name)
    return (int(digits[-1]) if digits else -1, name)


SN_ROUND = 1  # decimal places of a statistical-neighbour mean or median
SN_METHODS = ("mean", "median")  # mean: as LAIT shows it; median: as DfE's Outcomes and Enablers dashboard does


def one_value(texts: set[str], *, who: str, hint: str) -> object:
    """The single published value among an area's rows (exact duplicates already merged), a symbol, or 'No data'."""
    if len(texts) > 1:
        raise UserError(f"{who} has {len(texts)} different values", hint=hint)
    return parse_number(next(iter(texts))) if texts else NO_DATA


@dataclass
class NeighbourMean:
    """The mean (or median) of the statistical neighbours that have a number, and who was left out (suppressed or missing)."""

    value: object  # the mean rounded to SN_ROUND places, or 'No data' when no neighbour has a number
    used: list[tuple[str, object]]  # (neighbour name, value)
    left_out: list[str]  # "name: symbol"
    total: int
    method: str = "mean"
    model: str = ""  # the neighbour model the neighbours come from

    @property
    def transformation(self) -> str:
        """What the Audit says of the mean: how many neighbours of how many, who was left out, and each value used."""
        model = f"; neighbours: {self.model}" if self.model else ""
        if not self.used:
            return f"{self.method} of 0 neighbours{model}"
        text = f"{self.method} of {len(self.used)} of {self.total} statistical neighbours"
        if self.left_out:
            text += f" ({'; '.join(self.left_out)} left out)"
        return text + f"; rounded to {SN_ROUND} dp{model}; values: " + ", ".join(f"{name} {value}" for name, value in self.used)

    @property
    def note(self) -> str:
        """What the Notes column says: who was left out, when anyone was."""
        if not self.used:
            return f"no statistical neighbour has a published value ({'; '.join(self.left_out)})"
        return f"SN {self.method} of {len(self.used)} of {self.total}; {'; '.join(self.left_out)}" if self.left_out else ""


def neighbour_mean(by_code: dict[str, set[str]], neighbours: list[Neighbour], *, where: str, hint: str,
                   joint: dict[str, str] | None = None, method: str = "mean") -> NeighbourMean:
    """Mean (or, with ``method="median"``, median) of the neighbours' values (``by_code``: LA code -> values),
    matched by code; never a name.
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
    if method not in SN_METHODS:
        raise UserError(f"{where}: statistical-neighbour method '{method}' is not one of {', '.join(SN_METHODS)}")
    numbers = [v for _, v in used]
    mean = NO_DATA if not used else round(statistics.median(numbers) if method == "median" else sum(numbers) / len(numbers), SN_ROUND)
    return NeighbourMean(value=int(mean) if is_number(mean) and float(mean).is_integer() else mean, used=used,
                         left_out=left_out, total=len(neighbours), method=method, model=getattr(neighbours, "model", ""))



__all__ = ["SN_METHODS", "ModelRow", "Neighbour", "NeighbourMean", "Neighbours", "model_name", "neighbour_mean", "one_value", "read_dfe_model",
           "read_neighbours"]
