"""``scorecard annex-a``: ChAT's headline figures computed from an Annex A workbook, as a typed report.

The computing is :mod:`workbook_builder.sources.annex_a_measures`; this module is the library call the
CLI (and, later, the ribbon) shells over, and writes the JSON. The JSON holds counts only — value,
numerator, denominator — never a child's ID or any other child-level field.
"""

from __future__ import annotations

import json
from pathlib import Path

from .sources.annex_a_measures import AnnexAReport, annex_a_report


def write_json(report: AnnexAReport, path: Path) -> Path:
    """The report as ``{"as_at", "window", "measures": {id: {value, numerator, denominator}}}``, written
    to a temporary file and moved into place; never over the Annex A workbook itself."""
    from .files import refuse_overwriting, write_atomic

    refuse_overwriting(Path(path), [report.path])
    return write_atomic(Path(path), (json.dumps(report.to_json(), indent=2) + "\n").encode("utf-8"))


def write_drilldown(report: AnnexAReport, path: Path, *, built_at: str | None = None) -> Path:
    """The officer-only workbook of the children behind each figure (personal data: it says so first)."""
    from . import __version__
    from .build import build_time
    from .files import refuse_overwriting, write_atomic
    from .writers.annex_a_drilldown import drilldown_bytes

    refuse_overwriting(Path(path), [report.path])
    return write_atomic(Path(path), drilldown_bytes(report, build_time(built_at), __version__))


__all__ = ["AnnexAReport", "annex_a_report", "write_drilldown", "write_json"]
