"""``scorecard reconcile``: line local figures up against DfE's published data, measure by measure.

For each measure of ``mappings/published.yaml`` the local value (from a CSV with columns
``measure_id, period, value`` and optionally ``numerator, denominator``) is compared with the
LA's published value in the DfE files, with the statistical-neighbour average, England, the
region and the LA's position among all LAs alongside. Every figure is an
:class:`~workbook_builder.observations.Observation` made by the same code a build uses
(:func:`workbook_builder.measures.published.observe`), so the report's Audit sheet says what a
workbook's would. The judging is :func:`workbook_builder.judgements.reconciliation.compare_with_published`.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import csvfile
from .authorities import LocalAuthority
from .errors import UserError
from .judgements.reconciliation import STATUSES, Comparison, compare_with_published
from .measures.published import PublishedMeasure, benchmark_for, load_published, observe, releases_of
from .observations import NO_DATA, Observation, Provenance
from .periods import given, ordered
from .sources.base import Context, InputFile, display_path, release_record
from .sources.dfe import format_period
from .sources.neighbours import read_neighbours
from .sources.releases import PublishedFolders
from .workspace import load_workspace

AREAS = ("la", "sn", "england", "region", "quartile", "position")


@dataclass(frozen=True)
class LocalFigure:
    """One row of the local CSV: the value and where it is."""

    value: float
    line: int
    how: str  # "as recorded", or how it was computed from numerator and denominator


@dataclass(frozen=True)
class ReconciledMeasure:
    """One published measure: the local figure, DfE's figures for the LA and its comparators, and the verdict."""

    measure_id: str
    measure: PublishedMeasure
    local: Observation  # value: the local number, or "No data"
    published: dict[str, Observation]  # la, sn, england, region, quartile, position
    sn_count: int
    comparison: Comparison
    explanation: str  # the comparison's, and which neighbours the SN mean left out
    sn_method: str = "mean"  # how the neighbours' figures were summarised (mean or median)

    @property
    def status(self) -> str:
        return self.comparison.status

    def line(self) -> str:
        """The measure as one line of the command's table: status, id, local / published / SN average (n, and 'median' when the
        neighbours' median is taken) / England / quartile, why."""
        def shown(observation: Observation) -> str:
            value = observation.value
            return "" if value in (None, NO_DATA) else f"{value:g}" if isinstance(value, float) else str(value)

        quartile = shown(self.published["quartile"]) or "-"
        return (f"{self.status:<18} {self.measure_id:<46} {shown(self.local):>7} / {shown(self.published['la']):>5} / "
                f"{shown(self.published['sn'])} ({self.sn_count}{', median' if self.sn_method == 'median' else ''}) / "
                f"{shown(self.published['england'])} / Q{quartile}  {self.explanation}")

    def as_dict(self) -> dict:
        """The measure as ``--json`` writes it."""
        local = self.local.value if self.local.is_number else None
        value = {area: self.published[area].value for area in AREAS}
        return {"measure_id": self.measure_id, "local": local, "published": value["la"], "difference": self.comparison.difference,
                "status": self.status, "sn_average": value["sn"], "sn_method": self.sn_method, "sn_count": self.sn_count,
                "england": value["england"],
                "quartile": value["quartile"] if value["quartile"] != NO_DATA else None,
                "explanation": self.explanation, "region": value["region"],
                "position": value["position"] if value["position"] != NO_DATA else ""}


@dataclass
class Reconciliation:
    """Every published measure for one LA and period, reconciled; what the shells show and the report holds."""

    la: LocalAuthority
    code: str  # the code it was asked for, as given (new or old)
    period: str
    tolerance: float
    local_csv: Path
    published: tuple[Path, ...]  # the folders of DfE releases read
    results: list[ReconciledMeasure]
    files: list[InputFile] = field(default_factory=list)
    not_given: list[tuple[str, str]] = field(default_factory=list)  # (measure id, file) of publications not in the folders given
    sn_model: str = ""  # the statistical-neighbour model the SN figures use

    @property
    def counts(self) -> dict[str, int]:
        """Measures by status, in the order of :data:`STATUSES`, statuses with none left out."""
        found = Counter(r.status for r in self.results)
        return {status: found[status] for status in STATUSES if found[status]}

    @property
    def mismatches(self) -> list[ReconciledMeasure]:
        return [r for r in self.results if r.status == "mismatch"]

    def summary(self) -> list[str]:
        """Lines for people: the count by status, then each mismatch with its explanation."""
        lines = [f"{self.la.name} ({self.code}), {self.period}: {len(self.results)} measures: "
                 + ", ".join(f"{n} {status}" for status, n in self.counts.items())]
        lines += [f"mismatch: {r.measure_id}: {r.explanation}" for r in self.mismatches]
        if self.not_given:
            lines.append(f"not reconciled: {len(self.not_given)} measure(s) whose DfE file is in none of the folders given: "
                         + ", ".join(f"{m} ({f})" for m, f in self.not_given))
        return lines

    def report_name(self) -> str:
        """The report's file name when none is given: ``Reconciliation <code> <period>.xlsx``."""
        return f"Reconciliation {self.code} {self.period}.xlsx"

    def to_json(self) -> dict:
        return {"la": self.code, "period": self.period, "sn_model": self.sn_model, "results": [r.as_dict() for r in self.results],
                "not_reconciled": [{"measure_id": m, "file": f} for m, f in self.not_given]}


def read_local(path: Path, period: str, known: set[str], also: dict[str, str] | None = None) -> dict[str, LocalFigure]:
    """Local values for ``period`` by measure id (or, for a measure in ``also``, for the period DfE gives
    it: the academic year 202425 for reporting year 2025, say); a percentage from numerator/denominator
    when value is blank."""
    also = also or {}
    if not Path(path).is_file():
        raise UserError(f"local figures not found: {path}", hint="Pass --local with a CSV of measure_id,period,value.")
    values: dict[str, LocalFigure] = {}
    header, rows = csvfile.records(Path(path), required=("measure_id", "period"), reach=("value",), what="local figures CSV",
                                   columns_hint="Columns: measure_id,period,value[,numerator,denominator].")
    if "value" not in header and not {"numerator", "denominator"} <= set(header):
        raise UserError(f"{path}: the local figures CSV needs a value column, or numerator and denominator columns",
                        hint="Columns: measure_id,period,value[,numerator,denominator].")
    for line, row in rows:
        row = {k: v.strip() for k, v in row.items()}
        if row["period"] not in (period, also.get(row["measure_id"])):
            continue
        if row["measure_id"] not in known:
            raise UserError(f"{path}:{line}: unknown measure_id '{row['measure_id']}'", hint=f"Known: {', '.join(sorted(known))}.")
        if row.get("value"):
            value, how = _number(path, line, row, "value"), "as recorded"
        elif row.get("numerator") and row.get("denominator"):
            numerator, denominator = _number(path, line, row, "numerator"), _number(path, line, row, "denominator")
            if denominator == 0:
                raise UserError(f"{path}:{line}: the denominator is 0, so there is no percentage",
                                hint="Leave value, numerator and denominator empty for a measure with no local figure.")
            value, how = 100 * numerator / denominator, f"100 × {row['numerator']} ÷ {row['denominator']}"
        elif row.get("numerator") or row.get("denominator"):
            part, lacking = ("numerator", "denominator") if row.get("numerator") else ("denominator", "numerator")
            raise UserError(f"{path}:{line}: a {part} without a {lacking}, and no value",
                            hint="Give both numerator and denominator (the percentage is worked out from them), or the value.")
        else:
            continue  # no local figure: reported as missing_local
        if not math.isfinite(value):
            raise UserError(f"{path}:{line}: value is not a finite number")
        if row["measure_id"] in values:
            raise UserError(f"{path}:{line}: a second row for {row['measure_id']} in {period}")
        values[row["measure_id"]] = LocalFigure(value, line, how)
    return values


def _number(path: Path, line: int, row: dict[str, str], column: str) -> float:
    """A local figure's ``column`` as a number; text that is not one is an error naming the file, line and column."""
    try:
        return float(row[column])
    except ValueError:
        raise UserError(f"{path}:{line}: {column} '{row[column]}' is not a number") from None


def reconcile(la: str | None, period: str, local_csv: Path, published_dirs=None, *, tolerance: float = 0.0,
              root: Path | None = None, sn_model: str | None = None, sn_method: str | None = None) -> Reconciliation:
    """Every published measure for one LA (new or old code; default: the workspace's) and DfE period:
    local against published, with SN, England, region and position among all LAs. ``published_dirs`` is
    a folder of DfE releases or several (each searched with its subfolders); of two releases of one
    file, the newest holding the period serves it."""
    if not math.isfinite(tolerance) or tolerance < 0:
        raise UserError(f"--tolerance {tolerance:g}: the tolerance must be a finite number, 0 or more",
                        hint="It is the absolute difference accepted beyond DfE's rounding, e.g. 0.5.")
    period = given(period)
    if not period:
        raise UserError("--period is blank", hint="Give DfE's time_period of the figures, e.g. 2025 or 202425.")
    ws = load_workspace(root, la=la, published=published_dirs or None, sn_model=sn_model, sn_method=sn_method)
    folders = PublishedFolders.of(ws.published or (ws.inputs / "dfe",))
    code = la or ws.la.code
    measures = load_published(ws.published_measures)
    local_csv = Path(local_csv)
    neighbours = read_neighbours(ws.neighbours, set(ws.la.codes), ws.authorities, model=ws.sn_model)
    files: dict[str, InputFile] = {}

    def record_for(path: Path) -> InputFile:
        return release_record(files, path, ws.root)

    releases = {measure_id: releases_of(measure_id, measure, folders.find(measure.file)) for measure_id, measure in measures.items()}
    not_given = [(measure_id, measures[measure_id].file) for measure_id, found in releases.items() if not found]
    releases = {measure_id: found for measure_id, found in releases.items() if found}  # only publications given are reconciled
    if not releases:
        raise UserError(f"no file of mappings/published.yaml is in {folders.describe()}",
                        hint="Pass --published with the folders of the DfE releases (more than once for several).")
    local_file = InputFile("local", "local_table", local_csv, display_path(local_csv, ws.root),
                           description=f"{ws.la.name}'s own figures for the published measures")
    published_yaml = InputFile("published_measures", "mapping", ws.published_measures, display_path(ws.published_measures, ws.root),
                               description="The measures DfE publishes per LA: file, filters and column of each")
    chosen = {measure_id: found.corresponding(period) for measure_id, found in releases.items()}
    local = read_local(local_csv, period, set(measures), {m: p for m, p in chosen.items() if p and p != period})
    if not any(chosen.values()):
        every = ordered(list(set().union(*(found.periods for found in releases.values()))))
        raise UserError(f"--period {period}: no published file in {folders.describe()} holds that time_period",
                        hint=f"The files hold: {', '.join(every)}. Give one of them, as DfE writes it (e.g. 2024).")
    results = []
    for measure_id, found in releases.items():
        measure = measures[measure_id]
        context = Context(la=ws.la, file=local_file, mapping_ref=f"{published_yaml.display_path}:{measure.line}", neighbours=lambda: neighbours,
                          sn_method=ws.sn_method)
        figure = local.get(measure_id)
        local_file.rows_read += figure is not None
        local_file.periods.add(period)
        wanted = chosen[measure_id]
        if wanted is not None:
            observed = {area: observe(measure_id, measure, area, wanted, context, found, record_for) for area in AREAS}
            release = found.serving(wanted)  # the benchmark the observations were made from (kept on the release's table)
            bench = benchmark_for(measure_id, release, wanted, replace(context, file=record_for(release.path)),
                                  ws.sn_method or measure.sn_method)
            published_value, sn_count, left_out = bench.la, bench.sn_count, bench.sn_left_out
        else:  # no release given holds the period
            where = f"{', '.join(r.path.name + ' (' + r.span + ')' for r in found)} hold{'s' * (len(found) == 1)} no rows for {period}"
            absent = Observation(NO_DATA, replace(context, file=record_for(found[0].path)).provenance(
                f"no rows with time_period={period}", period=period, transformation="not found"), note=where)
            observed, published_value, sn_count, left_out = {area: absent for area in AREAS}, NO_DATA, 0, []
        comparison = compare_with_published(figure.value if figure else None, published_value, unit=measure.unit,
                                            period=format_period(wanted) if wanted else period,
                                            tolerance=tolerance)
        why = comparison.explanation if wanted is not None else f"{comparison.explanation} ({absent.note})"
        if left_out:
            why += f"; SN {ws.sn_method or measure.sn_method} of {sn_count} of {len(neighbours)} ({'; '.join(left_out)} left out)"
        results.append(ReconciledMeasure(measure_id=measure_id, measure=measure, local=_local_observation(figure, local_file, measure_id, period),
                                         published=observed, sn_count=sn_count, comparison=comparison, explanation=why,
                                         sn_method=ws.sn_method or measure.sn_method))
    neighbour_file = InputFile("statistical_neighbours", "reference", ws.neighbours, display_path(ws.neighbours, ws.root),
                               description=f"Statistical neighbours of {ws.la.name}, by LA code: {neighbours.model}", rows_read=len(neighbours))
    return Reconciliation(la=ws.la, code=code, period=period, tolerance=tolerance, local_csv=local_csv, published=folders.folders,
                          results=results, not_given=not_given, sn_model=neighbours.model, files=[local_file, *sorted(files.values(), key=lambda f: (f.source_id, str(f.path))),
                                                  published_yaml, neighbour_file])


def _local_observation(figure: LocalFigure | None, record: InputFile, measure_id: str, period: str) -> Observation:
    locator = f"measure_id={measure_id}, period={period}"
    if figure is None:
        return Observation(NO_DATA, Provenance("local", record.path, record.display_path, record.sha256, f"{locator}: no row",
                                               period=period, transformation="not found"), note="no local figure")
    value = int(figure.value) if figure.value.is_integer() else figure.value
    return Observation(value, Provenance("local", record.path, record.display_path, record.sha256,
                                         f"line {figure.line} ({locator}, column value)", period=period, transformation=figure.how))


def write_json(report: Reconciliation, path: Path, *, outputs=None) -> Path:
    """The results as JSON (``{"la", "period", "results": [...]}``), written through a temporary file (with
    ``outputs``, moved into place with the run's other outputs); never over one of the reconciliation's inputs."""
    from .files import check_output, write_atomic

    check_output(path, [f.path for f in report.files], "--json", (".json",), "the report is JSON")
    return write_atomic(Path(path), (json.dumps(report.to_json(), indent=2, default=str) + "\n").encode("utf-8"), outputs=outputs)


def write_report(report: Reconciliation, path: Path, *, built_at: str | None = None, outputs=None) -> Path:
    """The reconciliation as a workbook (Reconciliation, Audit and Sources sheets), written as builds are."""
    from . import __version__
    from .build import build_time
    from .files import check_output

    check_output(path, [f.path for f in report.files], "--xlsx", (".xlsx",), "the report is an Excel workbook")
    from .writers.audit_rows import BuildStamp
    from .writers.reconciliation import write_reconciliation

    return write_reconciliation(report, Path(path), BuildStamp(built_at=build_time(built_at), version=__version__), outputs=outputs)


__all__ = ["Reconciliation", "ReconciledMeasure", "reconcile", "read_local", "write_json", "write_report"]
