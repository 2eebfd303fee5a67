"""``scorecard reconcile``: line local figures up against DfE's published data, measure by measure.

For each measure of ``mappings/published.yaml`` the local value (from a CSV with columns
``measure_id, period, value`` and optionally ``numerator, denominator``) is compared with the
LA's published value in the DfE files, with the statistical-neighbour average, England and
the LA's position among all LAs alongside. Status, one of:

``match``              equal;
``within_tolerance``   explained by DfE's rounding (percentages and rates are published as whole
                       numbers, so a local 54.4 published as 54 agrees) or within ``--tolerance``;
``mismatch``           anything else — the explanation says by how much;
``suppressed``         DfE publishes a symbol (``c``, ``z``, …) instead of a number;
``missing_local``      no local figure for the period;
``missing_published``  no published row for the LA and period.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

from .errors import UserError
from .measures.published import Benchmark, PublishedMeasure, benchmark, load_published
from .observations import NO_DATA, SYMBOLS
from .sources.dfe import DfeTable
from .sources.neighbours import read_neighbours

STATUSES = ("match", "within_tolerance", "mismatch", "suppressed", "missing_local", "missing_published")
WHOLE_NUMBERS = ("percent", "rate_per_10k")  # DfE rounds these to whole numbers in LA tables


@dataclass
class Result:
    measure_id: str
    local: float | None
    published: object
    difference: float | None
    status: str
    sn_average: object
    sn_count: int
    england: object
    quartile: int | None
    explanation: str
    region: object = None
    position: str = ""


def read_local(path: Path, period: str, known: set[str]) -> dict[str, float]:
    """Local values for ``period`` by measure id; a percentage from numerator/denominator when value is blank."""
    if not Path(path).is_file():
        raise UserError(f"local figures not found: {path}", hint="Pass --local with a CSV of measure_id,period,value.")
    values: dict[str, float] = {}
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = [h.strip().lower() for h in reader.fieldnames or []]
        missing = [c for c in ("measure_id", "period", "value") if c not in header]
        if missing:
            raise UserError(f"{path}: missing column(s) {', '.join(missing)}", hint="Columns: measure_id,period,value[,numerator,denominator].")
        for line, row in enumerate(reader, 2):
            row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
            if row["period"] != period:
                continue
            if row["measure_id"] not in known:
                raise UserError(f"{path}:{line}: unknown measure_id '{row['measure_id']}'", hint=f"Known: {', '.join(sorted(known))}.")
            try:
                if row["value"]:
                    value = float(row["value"])
                elif row.get("numerator") and row.get("denominator"):
                    value = 100 * float(row["numerator"]) / float(row["denominator"])
                else:
                    continue  # no local figure: reported as missing_local
            except (ValueError, ZeroDivisionError):
                raise UserError(f"{path}:{line}: '{row['value'] or row.get('numerator')}' is not a number") from None
            if not math.isfinite(value):
                raise UserError(f"{path}:{line}: value is not a finite number")
            if row["measure_id"] in values:
                raise UserError(f"{path}:{line}: a second row for {row['measure_id']} in {period}")
            values[row["measure_id"]] = value
    return values


def judge(local: float | None, bench: Benchmark, measure: PublishedMeasure, tolerance: float) -> tuple[str, float | None, str]:
    published = bench.la
    if published == NO_DATA:
        return "missing_published", None, f"no published row for this LA in {bench.period}"
    if isinstance(published, str):
        return "suppressed", None, f"DfE publishes '{published}' ({SYMBOLS.get(published.lower(), 'a symbol')}), not a number"
    if local is None:
        return "missing_local", None, f"no local figure for {bench.period}; DfE publishes {published}"
    difference = round(local - published, 10)
    if difference == 0:
        return "match", 0.0, "equal to the published figure"
    if measure.unit in WHOLE_NUMBERS and math.floor(local + 0.5) == published:
        return "within_tolerance", difference, f"DfE publishes whole numbers: local {local:g} rounds to {published}"
    if abs(difference) <= tolerance:
        return "within_tolerance", difference, f"differs by {difference:+g}, within the tolerance of {tolerance:g}"
    return "mismatch", difference, f"local {local:g} against published {published}: {difference:+g}"


def reconcile(la: str, period: str, local_csv: Path, published_dir: Path, *, tolerance: float = 0.0,
              root: Path | None = None) -> dict:
    """Every published measure for one LA and period: local against published, with SN, England and quartile."""
    root = root or Path(__file__).resolve().parents[1]
    measures = load_published(root / "mappings" / "published.yaml")
    local = read_local(Path(local_csv), period, set(measures))
    tables: dict[str, DfeTable] = {}
    for measure in measures.values():  # each published file read once
        path = Path(published_dir) / measure.file
        if not path.is_file():
            raise UserError(f"published file not found: {path}", hint="Pass --published with the folder of DfE open-data CSVs.")
        if measure.file not in tables:
            tables[measure.file] = DfeTable.read(path)
    la_codes = _codes(la, tables[next(iter(measures.values())).file])
    neighbours = read_neighbours(root / "mappings" / "statistical_neighbours.csv", la_codes)
    results = []
    for measure_id, measure in measures.items():
        table = tables[measure.file]
        bench = benchmark(measure_id, measure, table, la_codes, period, neighbours)
        status, difference, why = judge(local.get(measure_id), bench, measure, tolerance)
        if bench.sn_left_out:
            why += f"; SN mean of {bench.sn_count} of {len(neighbours)} ({'; '.join(bench.sn_left_out)} left out)"
        results.append(Result(measure_id=measure_id, local=local.get(measure_id), published=bench.la, difference=difference,
                              status=status, sn_average=bench.sn_average, sn_count=bench.sn_count, england=bench.england,
                              quartile=bench.quartile, explanation=why, region=bench.region, position=bench.position))
    return {"la": la, "period": period, "results": [asdict(r) for r in results]}


def _codes(la: str, table: DfeTable) -> set[str]:
    """The LA's new and old codes, whichever was given."""
    rows = table.frame[(table.frame["new_la_code"] == la) | (table.frame["old_la_code"] == la)]
    if rows.empty:
        raise UserError(f"LA code '{la}' is not in {table.path}", hint="Use a new-style code such as E06000051 or an old one such as 893.")
    return {la, *rows["new_la_code"], *rows["old_la_code"]} - {""}


def write_json(report: dict, path: Path) -> None:
    Path(path).write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")


STATUS_COLOURS = {"match": ("#C6EFCE", "#006100"), "within_tolerance": ("#E2EFDA", "#375623"), "mismatch": ("#FFC7CE", "#9C0006"),
                  "suppressed": ("#EDEDED", "#404040"), "missing_local": ("#FFEB9C", "#9C5700"), "missing_published": ("#FFEB9C", "#9C5700")}


def write_xlsx(report: dict, path: Path, *, local_csv: Path, published_dir: Path, built_at: str, root: Path | None = None) -> None:
    """The reconciliation as a workbook: a Reconciliation sheet judged by conditional formatting, Audit and Sources."""
    import datetime as dt
    import tempfile

    import xlsxwriter

    from . import __version__
    from .observations import file_sha256
    from .sources.base import display_path

    root = root or Path(__file__).resolve().parents[1]
    measures = load_published(root / "mappings" / "published.yaml")
    path = Path(path)
    tmp = tempfile.NamedTemporaryFile(dir=path.parent, prefix=".~rec-", suffix=".xlsx", delete=False)
    tmp.close()
    try:
        book = xlsxwriter.Workbook(tmp.name)
        book.set_properties({"title": f"Reconciliation {report['la']} {report['period']}", "created": dt.datetime(2000, 1, 1)})
        head = book.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F3864", "text_wrap": True, "valign": "vcenter"})
        wrap = book.add_format({"text_wrap": True, "valign": "top", "font_size": 9})
        sheet = book.add_worksheet("Reconciliation")
        sheet.write(0, 0, f"Reconciliation with DfE published data — LA {report['la']}, {report['period']}",
                    book.add_format({"bold": True, "font_size": 14, "font_color": "#1F3864"}))
        sheet.write(1, 0, f"Built {built_at} by scorecard {__version__}. Local: {display_path(local_csv, root)}. "
                          f"Published: {display_path(published_dir, root)}. Each figure's source is on the Audit sheet.")
        columns = [("Measure", 44), ("Measure id", 30), ("Local", 9), ("Published", 10), ("Difference", 10), ("Status", 16),
                   ("SN average", 10), ("SN count", 8), ("England", 9), ("Quartile", 8), ("Explanation", 60)]
        for c, (title, width) in enumerate(columns):
            sheet.write(3, c, title, head)
            sheet.set_column(c, c, width)
        for r, row in enumerate(report["results"], 4):
            values = [measures[row["measure_id"]].label, row["measure_id"], row["local"], row["published"], row["difference"],
                      row["status"], row["sn_average"], row["sn_count"], row["england"], row["quartile"], row["explanation"]]
            sheet.set_row(r, 26)
            for c, value in enumerate(values):
                if value is None:
                    continue
                sheet.write(r, c, value, wrap if c in (0, 10) else None)
        last = 4 + len(report["results"]) - 1
        for status, (fill, font) in STATUS_COLOURS.items():
            sheet.conditional_format(4, 5, last, 5, {"type": "cell", "criteria": "==", "value": f'"{status}"',
                                                     "format": book.add_format({"bg_color": fill, "font_color": font})})
        sheet.freeze_panes(4, 1)
        sheet.autofilter(3, 0, last, len(columns) - 1)
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)

        audit = book.add_worksheet("Audit")
        audit_columns = ["Cell", "Measure id", "Series", "Value", "Period", "Source file", "SHA-256", "Locator", "Built at", "Tool version"]
        for c, title in enumerate(audit_columns):
            audit.write(0, c, title, head)
        a = 1
        for r, row in enumerate(report["results"], 4):
            measure = measures[row["measure_id"]]
            source = published_dir / measure.file
            filters = ", ".join(f"{k}={v}" for k, v in measure.filters.items())
            for c, series, where in [(2, "Local", None), (3, "Published", f"LA {report['la']}"), (6, "SN average", "statistical neighbours by code"),
                                     (8, "England", "geographic_level=National")]:
                file = local_csv if where is None else source
                locator = (f"measure_id={row['measure_id']}, period={report['period']}, column value" if where is None
                           else f"{where}; {filters}; time_period={report['period']}; column {measure.column}")
                cell = f"'Reconciliation'!{xlsxwriter.utility.xl_rowcol_to_cell(r, c)}"
                audit.write_url(a, 0, f"internal:{cell}", string=cell)
                for k, value in enumerate([row["measure_id"], series, row[{2: "local", 3: "published", 6: "sn_average", 8: "england"}[c]],
                                           report["period"], display_path(file, root), file_sha256(file), locator, built_at, __version__], 1):
                    if value is not None:
                        audit.write(a, k, value)
                a += 1
        audit.set_column(0, 9, 18)
        audit.freeze_panes(1, 1)
        audit.set_landscape()
        audit.fit_to_pages(1, 0)
        sources = book.add_worksheet("Sources")
        for c, title in enumerate(["Path", "SHA-256", "Size (bytes)"]):
            sources.write(0, c, title, head)
        files = [local_csv] + sorted({published_dir / m.file for m in measures.values()}) + [root / "mappings" / "published.yaml",
                                                                                             root / "mappings" / "statistical_neighbours.csv"]
        for r, file in enumerate(files, 1):
            sources.write_row(r, 0, [display_path(file, root), file_sha256(file), file.stat().st_size])
        sources.set_column(0, 1, 50)
        book.close()
        import os

        os.replace(tmp.name, path)
    except BaseException:
        Path(tmp.name).unlink(missing_ok=True)
        raise
