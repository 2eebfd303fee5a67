"""Time `scorecard reconcile` for one LA on the real DfE files (run: python bench/bench_reconcile.py).

Prints the median of several runs of the library call (after start-up), and of the whole
command including Python start-up and imports.
"""

from __future__ import annotations

import csv
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbook_builder.reconcile import reconcile  # noqa: E402

DFE = ROOT.parent / "shared" / "data" / "dfe"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        local = Path(tmp) / "local.csv"
        with local.open("w", newline="") as handle:
            csv.writer(handle).writerows([["measure_id", "period", "value"], ["cla_rate_per_10k", "2024", "121"]])
        work = []
        for _ in range(5):
            started = time.perf_counter()
            reconcile("E06000051", "2024", local, DFE, root=ROOT)
            work.append(time.perf_counter() - started)
        command = []
        for _ in range(3):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "workbook_builder", "reconcile", "--la", "E06000051", "--period", "2024",
                            "--local", str(local), "--published", str(DFE)], check=True, capture_output=True, cwd=ROOT)
            command.append(time.perf_counter() - started)
    print(f"reconcile, library call (12 measures, 7 DfE files): {statistics.median(work) * 1000:.0f} ms (median of 5)")
    print(f"scorecard reconcile, whole command:                 {statistics.median(command) * 1000:.0f} ms (median of 3)")


if __name__ == "__main__":
    main()
