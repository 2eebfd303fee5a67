"""The cells a template names for the build to fill: the reporting line, the data-currency table and
the sample-data warning.

A template defines them as workbook names (Excel's Name Manager), so an officer may move them:

* ``ScorecardInfo`` — one line: reporting period, latest data used, when and by what it was built;
* ``DataCurrency`` — the top-left cell of a table of inputs: source, file, periods covered, sample data;
* ``SampleDataNote`` — a red warning, filled only when any input is sample data.
"""

from __future__ import annotations

from ..authorities import LocalAuthority
from ..measures.resolve import ResolvedMeasure
from ..refs import col_letters, parse_cell
from ..sources.base import InputFile
from .audit_rows import BuildStamp
from .ooxml import WorkbookPackage


def write_info(package: WorkbookPackage, la: LocalAuthority, resolved: list[ResolvedMeasure], files: list[InputFile],
               stamp: BuildStamp, period: str | None) -> None:
    """Fill the cells named ScorecardInfo, DataCurrency and SampleDataNote, where the template defines them."""
    targets = package.named_cells()
    la_periods = sorted({m.values["la"].provenance.period for m in resolved
                         if m.values["la"].provenance and m.values["la"].provenance.period})
    shown = period or "latest available for each measure"
    info = (f"Reporting period: {shown}. Latest data used: {', '.join(la_periods) or 'none yet'}. Built {stamp.built_at} by scorecard "
            f"{stamp.version} from {len(files)} input files. Every figure is explained on the Audit sheet; inputs are on the Sources sheet.")
    if "scorecardinfo" in targets:
        sheet, ref = targets["scorecardinfo"]
        package.worksheet(sheet).set_value(ref, info)
    if "datacurrency" in targets:
        sheet_name, ref = targets["datacurrency"]
        sheet = package.worksheet(sheet_name)
        row, col = parse_cell(ref)
        for offset, f in enumerate(sorted(files, key=lambda f: f.source_id)):
            periods = ", ".join(sorted(f.periods)) or ("none: " + f.missing if f.missing else "—")
            cells = [f.description or f.source_id, f.display_path, periods, "Yes" if f.sample else "No"]
            for c, value in enumerate(cells):
                sheet.set_value(f"{col_letters(col + c)}{row + offset}", value)
    sample = [f for f in files if f.sample]
    if "sampledatanote" in targets and sample:
        sheet, ref = targets["sampledatanote"]
        note = (f"CONTAINS SAMPLE DATA: {len(sample)} of {len(files)} input files are sample or synthetic "
                f"(marked on the Sources sheet). Do not publish these figures as {la.name}'s.")
        package.worksheet(sheet).set_value(ref, note)
