"""Write ``mappings/statistical_neighbours.csv`` (every LA's ten statistical neighbours, by DfE code, in
DfE's 2025 and 2021 models) and ``mappings/local_authorities.csv`` (those LAs' new and old codes, DfE
names and regions).

The neighbours come from DfE's own SN workbooks (``sn_may_2025.xlsx``, ``sn_april_2021.xlsx``), read
by the package's reader as DfE publishes them (header on row 3, an "Old SNs:" block for LAs since
abolished); each LA number is given its new code through the DfE open-data CSVs' ``old_la_code`` and
``new_la_code`` columns, so nothing here matches on names. The LA list is the 2025 model's current LAs.

Run: ``python scripts/make_statistical_neighbours.py [SN_DIR] [DFE_DIR]``
(defaults: ``../shared/data/statistical-neighbours`` and ``../shared/data/dfe``).
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbook_builder.authorities import LocalAuthority  # noqa: E402
from workbook_builder.errors import UserError  # noqa: E402
from workbook_builder.sources.neighbours import read_dfe_model  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
HEADER = ["la_code", "la_name", "rank", "neighbour_code", "neighbour_name", "closeness", "model", "model_file"]
MODELS = (("2025", "sn_may_2025.xlsx"), ("2021", "sn_april_2021.xlsx"))  # newest first
LA_HEADER = ["la_code", "old_la_code", "la_name", "region_code", "region_name"]


def local_authorities_in(dfe_dir: Path, numbers: set[str]) -> list[LocalAuthority]:
    """The LAs whose LA number (old code) is in ``numbers``, with new code, DfE name and region, from the
    DfE files' latest LA rows (sorted by new code)."""
    latest: dict[str, tuple[str, LocalAuthority]] = {}
    for path in sorted(Path(dfe_dir).glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                row = {k.lower(): (v or "").strip() for k, v in row.items() if k}
                code, number = row.get("new_la_code", ""), row.get("old_la_code", "")
                if number in numbers and row.get("geographic_level", "").lower() == "local authority":
                    la = LocalAuthority(code, row.get("old_la_code", ""), row["la_name"], row.get("region_code", ""), row.get("region_name", ""))
                    if code not in latest or row["time_period"] > latest[code][0]:
                        latest[code] = (row["time_period"], la)
    missing = sorted(numbers - {la.old_code for _, la in latest.values()})
    if missing:
        raise UserError(f"{dfe_dir}: no LA rows for LA numbers {', '.join(missing)}")
    return [latest[c][1] for c in sorted(latest)]


# --- the committed tables ---------------------------------------------------------------------

def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def current_las(sn_dir: Path, dfe_dir: Path) -> list[LocalAuthority]:
    """The LAs of the newest model's current block (not its Old SNs), as the DfE files code and name them."""
    numbers = {r.la for r in read_dfe_model(Path(sn_dir) / MODELS[0][1]) if not r.old_block}
    return local_authorities_in(dfe_dir, numbers)


def neighbour_rows(sn_dir: Path, dfe_dir: Path) -> list[list[str]]:
    """(la_code, la_name, rank, neighbour_code, neighbour_name, closeness, model, model_file) of every model,
    newest model first, then by LA code and rank. An LA number with no current LA (abolished) keeps its number."""
    las = {la.old_code: la for la in current_las(sn_dir, dfe_dir)}
    rows = []
    for model, name in MODELS:
        model_rows = read_dfe_model(Path(sn_dir) / name)
        names = {r.la: r.la_name for r in model_rows}
        current = {r.la for r in model_rows if not r.old_block}

        def code(number: str) -> tuple[str, str]:
            return (las[number].code, las[number].name) if number in las else (number, names.get(number, number))

        found = []
        for r in model_rows:
            if r.old_block and r.la in current:
                continue  # an LA of the current block: its Old SNs row is not used
            found.append([*code(r.la), str(r.rank), *code(r.neighbour), r.closeness, model, name])
        rows += sorted(found, key=lambda row: (row[0], int(row[2])))
    return rows


def render(sn_dir: Path, dfe_dir: Path) -> bytes:
    return _csv(HEADER, neighbour_rows(sn_dir, dfe_dir))


def render_local_authorities(sn_dir: Path, dfe_dir: Path) -> bytes:
    return _csv(LA_HEADER, [[la.code, la.old_code, la.name, la.region_code, la.region_name] for la in current_las(sn_dir, dfe_dir)])


def main() -> None:
    sn_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else SHARED / "statistical-neighbours"
    dfe_dir = Path(sys.argv[2]) if len(sys.argv) > 2 else SHARED / "dfe"
    out = ROOT / "mappings" / "statistical_neighbours.csv"
    out.write_bytes(render(sn_dir, dfe_dir))
    print(f"{out.relative_to(ROOT)}: {sum(1 for _ in out.open()) - 1} neighbour rows")
    las = ROOT / "mappings" / "local_authorities.csv"
    las.write_bytes(render_local_authorities(sn_dir, dfe_dir))
    print(f"{las.relative_to(ROOT)}: {sum(1 for _ in las.open()) - 1} local authorities")


if __name__ == "__main__":
    main()
