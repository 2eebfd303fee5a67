"""Write ``mappings/statistical_neighbours.csv`` (every LA's ten statistical neighbours, by DfE code)
and ``mappings/local_authorities.csv`` (those LAs' new and old codes, DfE names and regions).

Derived from a published neighbour table that names LAs (``statistical_neighbours_by_name.csv``:
each LA's name heads a column listing its neighbours, closest first) by resolving every name
to its DfE code through the DfE open-data CSVs, so nothing downstream matches on names.

Run: ``python scripts/make_statistical_neighbours.py [BY_NAME_CSV] [DFE_DIR]``
(defaults: ``../shared/data/statistical_neighbours_by_name.csv`` and ``../shared/data/dfe``).
"""

from __future__ import annotations

import csv
import io
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbook_builder.authorities import LocalAuthority  # noqa: E402
from workbook_builder.errors import UserError  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
HEADER = ["la_code", "la_name", "rank", "neighbour_code", "neighbour_name"]
LA_HEADER = ["la_code", "old_la_code", "la_name", "region_code", "region_name"]


# --- names to codes (used here only: nothing after this script matches on names) -----------------

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



# --- the committed tables ---------------------------------------------------------------------

def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def render(table: Path, dfe_dir: Path) -> bytes:
    return _csv(HEADER, resolve_table_by_name(table, dfe_dir))


def render_local_authorities(table: Path, dfe_dir: Path) -> bytes:
    codes = {row[0] for row in resolve_table_by_name(table, dfe_dir)}
    return _csv(LA_HEADER, [[la.code, la.old_code, la.name, la.region_code, la.region_name] for la in local_authorities_in(dfe_dir, codes)])


def main() -> None:
    table = Path(sys.argv[1]) if len(sys.argv) > 1 else SHARED / "statistical_neighbours_by_name.csv"
    dfe_dir = Path(sys.argv[2]) if len(sys.argv) > 2 else SHARED / "dfe"
    out = ROOT / "mappings" / "statistical_neighbours.csv"
    out.write_bytes(render(table, dfe_dir))
    print(f"{out.relative_to(ROOT)}: {sum(1 for _ in out.open()) - 1} neighbour rows")
    las = ROOT / "mappings" / "local_authorities.csv"
    las.write_bytes(render_local_authorities(table, dfe_dir))
    print(f"{las.relative_to(ROOT)}: {sum(1 for _ in las.open()) - 1} local authorities")


if __name__ == "__main__":
    main()
