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
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbook_builder.sources.neighbours import local_authorities_in, resolve_table_by_name  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
HEADER = ["la_code", "la_name", "rank", "neighbour_code", "neighbour_name"]
LA_HEADER = ["la_code", "old_la_code", "la_name", "region_code", "region_name"]


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
