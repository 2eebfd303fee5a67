"""``scorecard annex-a``: ChAT's headline figures computed from an Annex A workbook, as a typed report.

The computing is :mod:`workbook_builder.sources.annex_a_measures`; this module is the library call the
CLI (and, later, the ribbon) shells over, and writes the JSON. The JSON holds counts only — value,
numerator, denominator — never a child's ID or any other child-level field.
"""

from __future__ import annotations

import json
from pathlib import Path

from .sources.annex_a_measures import AnnexAReport, annex_a_report


def _inputs(report: AnnexAReport) -> list[Path]:
    """What the report was made from, never to be written over: the workbook and a population file."""
    return [report.path] + ([report.population_file] if report.population_file else [])


def write_json(report: AnnexAReport, path: Path, *, outputs=None) -> Path:
    """The report as ``{"as_at", "window", "measures": {id: {value, numerator, denominator}}}``, written
    to a temporary file and moved into place (with ``outputs``, with the run's other outputs); never over
    an input."""
    from .files import check_output, write_atomic

    check_output(path, _inputs(report), "--json", (".json",), "the report is JSON")
    return write_atomic(Path(path), (json.dumps(report.to_json(), indent=2, allow_nan=False) + "\n").encode("utf-8"), outputs=outputs)


def write_drilldown(report: AnnexAReport, path: Path, *, built_at: str | None = None, outputs=None) -> Path:
    """The officer-only workbook of the children behind each figure (personal data: it says so first)."""
    from . import __version__
    from .build import build_time
    from .files import check_output, write_atomic
    from .writers.annex_a_drilldown import drilldown_bytes

    path = check_output(path, _inputs(report), "--drilldown", (".xlsx",), "the drill-down is an .xlsx workbook")
    return write_atomic(path, drilldown_bytes(report, build_time(built_at), __version__), outputs=outputs)


__all__ = ["AnnexAReport", "annex_a_report", "write_drilldown", "write_json"]
