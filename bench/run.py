"""The benchmark runner: every case against its baseline, measured in the same run.

Run from the project root (``../shared`` beside it for the real DfE files)::

    python bench/run.py              # every case, 5 runs each (3 for the 153-LA batch; 21 for cases of milliseconds)
    python bench/run.py --repeat 3   # fewer runs
    python bench/run.py --only dfe   # cases whose name contains 'dfe'

Each case and each baseline runs in a fresh Python process, so the peak memory reported
(the process's maximum resident set size) belongs to that case alone. Command cases are
timed from outside (wall time, start-up included); library cases time only the call,
inside the process, after a warm-up run. The table shows the median over the runs, the
ratio to the baseline and the budget from the README's performance section.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DFE = ROOT.parent / "shared" / "data" / "dfe"
RELEASE_FOLDERS = ("dfe", "dfe-2025", "dfe-cin", "dfe-outcomes", "dfe-workforce", "dfe-send")  # every real release here
PY = sys.executable
# Run a scorecard command in-process, then list every module it imported that is not the
# project's own, in import order: the baseline imports exactly these, nothing more or less.
MODULES_OF = """
import json, sys
sys.argv = ["scorecard", *{argv!r}]
try:
    from workbook_builder.cli import main
    main()
except SystemExit:
    pass
finally:
    names = [n for n in list(sys.modules) if n != "__main__" and n.split(".")[0] != "workbook_builder"]
    sys.stdout = sys.__stdout__
    print(json.dumps(names))
"""
IMPORT_LIST = """
import importlib
for name in {names!r}:
    try:
        importlib.import_module(name)
    except Exception:
        pass
"""


@dataclass
class Run:
    times: list[float]
    peak_mb: float

    @property
    def median(self) -> float:
        return statistics.median(self.times)


# Commands run as an installed tool runs: with bytecode caches. (With PYTHONDONTWRITEBYTECODE
# set, as some shells and CI images do, every run would compile the project's modules afresh,
# ~0.15 s that no user pays, while the libraries' caches were written when pip installed them.)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def command(argv: list[str], repeat: int, status: int = 0) -> Run:
    """Wall time of a whole command (start-up included) and its peak RSS, via wait4's rusage,
    after one untimed run that writes bytecode caches and warms the file cache. The command must
    exit with ``status`` (2 for an input it is meant to refuse)."""
    times, peak = [], 0
    for attempt in range(repeat + 1):
        started = time.perf_counter()
        process = subprocess.Popen(argv, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, code, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        if os.waitstatus_to_exitcode(code) != status:
            raise SystemExit(f"benchmark command exited {os.waitstatus_to_exitcode(code)}, not {status}: {' '.join(argv)}\n"
                             f"{process.stderr.read().decode()}")
        if attempt:
            times.append(elapsed)
            peak = max(peak, usage.ru_maxrss)
    return Run(times, peak / 1024)


SNIPPET = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
{setup}
def once():
{body}
once()  # warm-up: first-call caches and imports are not what is measured
times = []
for _ in range({repeat}):
    {reset}
    started = time.perf_counter()
    once()
    times.append(time.perf_counter() - started)
print(json.dumps({{"times": times, "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}}))
"""


def import_baseline(args: list[str], repeat: int) -> Run:
    """Start Python and import exactly the libraries ``scorecard <args>`` imports (every
    non-project module it ends up with, standard library included), nothing of our own."""
    out = subprocess.run([PY, "-c", MODULES_OF.format(argv=args)], cwd=ROOT, env=ENV, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"listing the modules of scorecard {' '.join(args)} failed:\n{out.stderr}")
    names = json.loads(out.stdout.strip().splitlines()[-1])
    return command([PY, "-c", IMPORT_LIST.format(names=names)], repeat)


def library(setup: str, body: str, repeat: int, reset: str = "pass") -> Run:
    """Time a library call inside a fresh process (after one warm-up call)."""
    code = SNIPPET.format(root=str(ROOT), setup=setup, body="\n".join("    " + line for line in body.splitlines()), repeat=repeat, reset=reset)
    out = subprocess.run([PY, "-c", code], cwd=ROOT, env=ENV, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"benchmark snippet failed:\n{out.stderr}")
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return Run(data["times"], data["peak"] / 1024)


def lait_sized_workbook(path: Path, sheets: int = 150, rows: int = 160, years: int = 15) -> Path:
    """A workbook the size of a full LAIT download: 150 indicator sheets x 160 areas x 15 years."""
    if path.is_file():
        return path
    import random

    import xlsxwriter

    rng = random.Random(7)
    book = xlsxwriter.Workbook(str(path))
    for s in range(sheets):
        sheet = book.add_worksheet(f"Indicator {s + 1}")
        sheet.write(0, 0, f"Indicator {s + 1}: a LAIT measure")
        sheet.write_row(2, 0, ["LA number", "LA name", "Region"] + [str(2010 + y) for y in range(years)])
        for r in range(rows):
            sheet.write_row(3 + r, 0, [800 + r if r > 1 else None, f"Area {r}", "Region"] +
                            [("c" if rng.random() < 0.02 else round(rng.uniform(0, 100), 1)) for _ in range(years)])
    book.close()
    return path


def council_sized_annex_a(path: Path, scale: int = 20) -> Path:
    """The sample's Annex A with every count ``scale`` times over (254,330 records at 20x), written once."""
    if path.is_file():
        return path
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_annex_a", ROOT / "scripts" / "make_annex_a.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    targets = {k: v * scale if isinstance(v, int) and k != "months" else v for k, v in module.PAPER.items()}
    return module.generate(path, targets, seed=11).path


def fill_inputs(folder: Path, count: int = 100_000) -> tuple[Path, Path]:
    """A one-sheet template and a values CSV of ``count`` numbers (a 250 x 400 block of cells)."""
    import xlsxwriter

    template = folder / "fill-template.xlsx"
    book = xlsxwriter.Workbook(str(template))
    book.add_worksheet("Sheet1").write(0, 0, "Figures")
    book.close()
    values = folder / "fill-values.csv"
    with values.open("w", encoding="utf-8", newline="") as handle:
        handle.write("sheet,cell,value\n")
        cols = 250
        for i in range(count):
            row, col = divmod(i, cols)
            letters, n = "", col + 1
            while n:
                n, rem = divmod(n - 1, 26)
                letters = chr(65 + rem) + letters
            handle.write(f"Sheet1,{letters}{row + 2},{i % 997}\n")
    return template, values


@dataclass
class Result:
    name: str
    subject: Run
    baseline: Run | None
    baseline_name: str
    budget: str
    verdict: bool | None
    note: str = ""


def _ratio(result: Result) -> str:
    if result.baseline is None:
        return ""
    return f"{result.subject.median / result.baseline.median:.2f}x"


def run_cases(repeat: int, only: str | None) -> list[Result]:
    results: list[Result] = []
    work = Path(tempfile.mkdtemp(prefix="scorecard-bench-"))

    def want(name: str) -> bool:
        return only is None or only.lower() in name.lower()

    if want("full build"):
        args = ["build", "--out", str(work / "out"), "--built-at", "2026-07-01 09:00"]
        build = command([PY, "-m", "workbook_builder", *args], repeat)
        base = import_baseline(args, repeat)
        own = build.median - base.median
        results.append(Result("full build: 3 workbooks from inputs/sample", build, base, "start Python + import what it imports",
                              "< 2 s wall; < 0.5 s above imports", build.median < 2 and own < 0.5, f"own work {own:.2f} s"))

    fast = max(repeat, 21)  # cases of a few milliseconds: enough runs for a steady median
    if want("dfe") and DFE.is_dir():
        releases = [DFE.parent / folder for folder in RELEASE_FOLDERS if (DFE.parent / folder).is_dir()]
        for path in [p for folder in releases for p in sorted(folder.glob("*.csv"))]:
            runs = fast
            subject = library("from pathlib import Path\nfrom workbook_builder.sources.dfe import DfeTable\np = Path(%r)" % str(path),
                              "DfeTable.read(p)", runs)
            # the baseline process imports the reader too (unused), so both time their call in the same
            # interpreter state: a process holding more objects pays more per garbage collection
            base = library("import pandas as pd\nfrom workbook_builder.sources.dfe import DfeTable\np = %r" % str(path),
                           "pd.read_csv(p)", runs)
            ratio = subject.median / base.median
            results.append(Result(f"DfE ingest: {path.parent.name}/{path.name}", subject, base, "pandas.read_csv", "",
                                  None, f"{ratio:.2f}x (one file; the budget is the whole set's)"))
        # what one build on DfE's real releases reads: every file of every release folder, one after another
        paths = [str(p) for folder in releases for p in sorted(folder.glob("*.csv"))]
        subject = library("from pathlib import Path\nfrom workbook_builder.sources.dfe import DfeTable\nps = [Path(p) for p in %r]" % paths,
                          "for p in ps:\n    DfeTable.read(p)", max(repeat, 7))
        base = library("import pandas as pd\nfrom workbook_builder.sources.dfe import DfeTable\nps = %r" % paths,
                       "for p in ps:\n    pd.read_csv(p)", max(repeat, 7))
        ratio = subject.median / base.median
        results.append(Result(f"DfE ingest: all {len(paths)} files of the {len(releases)} release folders", subject, base,
                              "pandas.read_csv of the same files", "<= 1.5x", ratio <= 1.5))

    if want("fill"):
        setup = ("from pathlib import Path\nimport tempfile\nfrom workbook_builder import build as b\n"
                 "from workbook_builder.workspace import load_workspace\n"
                 "root = Path(%r)\np = b.plan(root / 'mappings' / 'appendix_x.yaml', load_workspace(root))\n"
                 "out = Path(tempfile.mkdtemp())" % str(ROOT))
        subject = library(setup, "b.write(p, out, built_at='x')", fast)
        copy_setup = ("import zipfile, tempfile\nfrom pathlib import Path\nsrc = Path(%r)\nout = Path(tempfile.mkdtemp()) / 'copy.xlsx'"
                      % str(ROOT / "templates" / "appendix_x.xlsx"))
        copy_body = ("with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as zout:\n"
                     "    for info in zin.infolist():\n        zout.writestr(info, zin.read(info.filename))")
        base = library(copy_setup, copy_body, fast)
        ratio = subject.median / base.median
        results.append(Result("fill the Appendix X template (write, after resolving)", subject, base,
                              "copy the template's zip entries unchanged", "<= 3x", ratio <= 3))

    if want("annex"):
        big = council_sized_annex_a(Path(tempfile.gettempdir()) / "scorecard-bench-annex-a-20x.xlsx")
        subject = library("from workbook_builder.sources.annex_a_measures import annex_a_report\n"
                          "from workbook_builder.sources import annex_a, tables\np = %r" % str(big),
                          "annex_a_report(p, '2026-06-18')", max(2, repeat // 2),
                          reset="tables._workbook.cache_clear(); annex_a._loaded.cache_clear()")
        base = library("import python_calamine\np = %r" % str(big),
                       "book = python_calamine.CalamineWorkbook.from_path(p)\nfor name in book.sheet_names:\n"
                       "    book.get_sheet_by_name(name).to_python()", max(2, repeat // 2))
        results.append(Result("Annex A: read a council-sized workbook (254,330 records) and compute every measure and check",
                              subject, base, "python-calamine reading every sheet, nothing else", "< 5 s",
                              subject.median < 5, f"{subject.median / base.median:.1f}x calamine alone"))

    if want("lait") or want("large"):
        big = lait_sized_workbook(Path(tempfile.gettempdir()) / "scorecard-bench-lait-150x160x15.xlsx")
        subject = library("from workbook_builder.sources.lait import LaitWorkbook\nfrom workbook_builder.sources import tables\np = %r" % str(big),
                          "LaitWorkbook.read(p)", max(2, repeat // 2), reset="tables._workbook.cache_clear(); tables._sheet_rows.cache_clear(); tables._read_grid.cache_clear()")
        base = library("import openpyxl\np = %r" % str(big),
                       "book = openpyxl.load_workbook(p, read_only=True)\nfor sheet in book.worksheets:\n    for row in sheet.iter_rows(values_only=True):\n        pass\nbook.close()",
                       max(2, repeat // 2))
        speedup = base.median / subject.median
        results.append(Result("read a LAIT-size workbook (150 sheets x 160 rows x 15 years)", subject, base,
                              "openpyxl read-only, every cell", ">= 5x faster", speedup >= 5, f"{speedup:.1f}x faster"))

    if want("hostile") or want("fill"):
        template, values = fill_inputs(work)
        args = ["fill", "--template", str(template), "--values", str(values), "--out", str(work / "filled.xlsx")]
        subject = command([PY, "-m", "workbook_builder", *args], max(1, min(3, repeat)))
        results.append(Result("hostile: fill 100,000 values (the most fill takes)", subject, None, "", "< 20 s, < 1 GiB",
                              subject.median < 20 and subject.peak_mb < 1024, "linear: 8,000 values took 206 s before issue 14"))

    if want("hostile"):
        sample = work / "far-inputs"
        if not sample.exists():
            import shutil

            shutil.copytree(ROOT / "inputs" / "sample", sample)
        chat = next((sample / "chat").glob("*.xlsx"))
        import openpyxl

        book = openpyxl.load_workbook(chat)
        book["Comparison"]["XFD1048576"] = 1
        book.save(chat)
        args = ["validate", "--inputs", str(sample)]
        subject = command([PY, "-m", "workbook_builder", *args], repeat, status=2)
        base = import_baseline(args, repeat)
        results.append(Result("hostile: validate with one ChAT value at XFD1048576 (refused)", subject, base,
                              "start Python + import what it imports", "exit 2, < 2 s, < 256 MB",
                              subject.median < 2 and subject.peak_mb < 256, "before issue 14: a 549 GB allocation, exit 134"))

    if want("reconcile") and DFE.is_dir():
        local = work / "local.csv"
        local.write_text("measure_id,period,value\ncla_rate_per_10k,2024,121\n", encoding="utf-8")
        args = ["reconcile", "--la", "E06000051", "--period", "2024", "--local", str(local), "--published", str(DFE)]
        subject = command([PY, "-m", "workbook_builder", *args], repeat)
        base = import_baseline(args, repeat)
        own = subject.median - base.median
        results.append(Result("scorecard reconcile: one LA, real DfE files", subject, base, "start Python + import what it imports",
                              "< 1 s above imports", own < 1, f"own work {own:.2f} s"))

    if want("batch") and DFE.is_dir():
        per_la, base = {}, None
        for count, las in ((1, ["E06000051"]), (10, ["E06000051", "E09000002", "E08000025", "E10000028", "E06000019", "E10000034",
                                                      "E06000064", "E06000001", "E09000033", "E10000032"]), (153, ["all"])):
            folders = [option for folder in RELEASE_FOLDERS if (DFE.parent / folder).is_dir() for option in ("--published", str(DFE.parent / folder))]
            args = ["build", "--workbook", "appendix_2", "--published-only", *folders,
                    "--out", str(work / f"batch{count}"), "--built-at", "2026-07-01 09:00"]
            for la in las:
                args += ["--la", la]
            subject = command([PY, "-m", "workbook_builder", *args], repeat if count < 153 else max(1, min(3, repeat)))
            if base is None:  # the same libraries for any number of LAs
                base = import_baseline(args, repeat)
            per_la[count] = (subject.median - base.median) / count
            budget, verdict = ("< 60 s, < 1 GiB", subject.median < 60 and subject.peak_mb < 1024) if count == 153 else ("", None)
            results.append(Result(f"batch: appendix_2 --published-only, {count} LA(s)", subject, base, "start Python + import what it imports",
                                  budget, verdict, f"{per_la[count]:.3f} s per LA above imports"))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per case (median reported)")
    parser.add_argument("--only", default=None, help="run only cases whose name contains this text")
    args = parser.parse_args()
    if not DFE.is_dir():
        print(f"note: {DFE} not found: the DfE ingest, reconcile and batch cases are skipped", file=sys.stderr)
    results = run_cases(args.repeat, args.only)

    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"scorecard benchmarks (median of {args.repeat} runs; peak = max resident set size)")
    for column in ("case", "median", "peak MB", "baseline", "baseline median", "ratio", "budget", "met", "note"):
        table.add_column(column, overflow="fold")
    for r in results:
        table.add_row(r.name, f"{r.subject.median:.3f} s", f"{r.subject.peak_mb:.0f}", r.baseline_name,
                      f"{r.baseline.median:.3f} s" if r.baseline else "", _ratio(r), r.budget,
                      "" if r.verdict is None else ("yes" if r.verdict else "NO"), r.note)
    Console(width=200).print(table)


if __name__ == "__main__":
    main()
