"""Time the Appendix X build and its stages (run: python bench/bench_build.py).

Prints the median of several runs for: resolving Appendix X's measures from the sample
inputs (cold caches), building Appendix X (resolve, fill the template package, Audit,
Sources, save), and building all three workbooks. A ribbon click should feel instant: aim to stay well under a second.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbook_builder.build import build  # noqa: E402
from workbook_builder.measures.mapping import load_mapping  # noqa: E402
from workbook_builder.measures.resolve import Resolver  # noqa: E402
from workbook_builder.sources import tables  # noqa: E402


def _clear_caches() -> None:
    tables._workbook_grids.cache_clear()
    tables._csv_rows.cache_clear()


def timed(fn, runs: int = 7) -> float:
    samples = []
    for _ in range(runs):
        _clear_caches()
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    inputs = ROOT / "inputs" / "sample"
    mapping = load_mapping(ROOT / "mappings" / "appendix_x.yaml")
    resolve = timed(lambda: Resolver(mapping, inputs, ROOT).resolve_all())
    with tempfile.TemporaryDirectory() as out:
        whole = timed(lambda: build(["appendix_x"], inputs=inputs, out_dir=Path(out), built_at="bench", root=ROOT))
        everything = timed(lambda: build(None, inputs=inputs, out_dir=Path(out), built_at="bench", root=ROOT), runs=3)
    print(f"resolve Appendix X (22 measures): {resolve * 1000:.0f} ms (median of 7)")
    print(f"build appendix_x:                 {whole * 1000:.0f} ms (median of 7)")
    print(f"build all three workbooks:        {everything * 1000:.0f} ms (median of 3)")


if __name__ == "__main__":
    main()
