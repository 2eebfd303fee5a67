"""The library calls behind every way in: ``build``, ``validate`` and ``trace``.

The CLI (:mod:`workbook_builder.cli`) and the Excel ribbon (:mod:`workbook_builder.ribbon`)
are thin shells over these functions; both show the ``summary()`` of what they return.

A build is for one LA: the workspace's (its ``scorecard.yaml``) unless ``la`` names another.
Every workbook is resolved before any is written, so a bad input leaves nothing half-built.

Importing this module is cheap: the mapping models (pydantic), the resolver (pandas) and the
writers are imported by the calls that use them, so `scorecard --help`, `scorecard trace` and a
ribbon click that only traces a cell never load pandas.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import re
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .audiences import AUDIENCE_NAMES, AUDIENCES
from .authorities import LocalAuthority
from .errors import UserError
from .files import Outputs
from .periods import FORMATS, given, period_end
from .sources.base import InputFile, display_path
from .trace import trace  # noqa: F401  (the library's three calls live side by side)
from .workspace import Manifest, Workspace, load_workspace, read_manifest

if TYPE_CHECKING:
    from .measures.mapping import Mapping
    from .measures.resolve import ResolvedMeasure, Resolver


#: YAML files of mappings/ that are not workbook mappings
REFERENCE_YAML = ("published.yaml",)


def mapping_paths(root: Path) -> dict[str, Path]:
    """Workbook id -> mapping file, for every mapping in ``mappings/`` (the full file is validated when the
    workbook is built). A YAML file there that names no workbook, cannot be read, or names a workbook
    another file names too is an error naming the file(s): a workbook is never left out in silence."""
    found: dict[str, Path] = {}
    for path in sorted((root / "mappings").glob("*.yaml")):
        if path.name in REFERENCE_YAML:
            continue
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise UserError(f"{path}: not UTF-8 text (byte {exc.start})", hint="Save the mapping as UTF-8.") from None
        except OSError as exc:
            raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None
        match = re.search(r"^workbook:\s*['\"]?([A-Za-z0-9_]+)", text, re.MULTILINE)
        if not match:
            raise UserError(f"{path}: not a workbook mapping (it has no top-level `workbook:` line)" + (" — the file is empty" if not text.strip() else ""),
                            hint="Every .yaml file in mappings/ maps one workbook; move other files out of the folder.")
        if match.group(1) in found:
            raise UserError(f"{found[match.group(1)]} and {path} both map workbook '{match.group(1)}'",
                            hint="Give each mapping its own `workbook:` id, or remove one of the files.")
        found[match.group(1)] = path
    return found


def select_mappings(root: Path, workbooks: list[str] | None) -> list[Path]:
    available = mapping_paths(root)
    if not available:
        raise UserError(f"no mapping files in {root / 'mappings'}", hint="Run scorecard from the project folder.")
    if not workbooks:
        return list(available.values())
    unknown = [w for w in workbooks if w not in available]
    if unknown:
        raise UserError(f"unknown workbook {', '.join(unknown)}", hint=f"Available: {', '.join(available)}")
    return [available[w] for w in workbooks]


def build_time(built_at: str | None = None) -> str:
    """The build time shown in workbooks: ``built_at``, else ``SOURCE_DATE_EPOCH``, else now (UTC)."""
    if built_at:
        return built_at
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            moment = dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
        except ValueError:
            raise UserError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not '{epoch}'") from None
    else:
        moment = dt.datetime.now(tz=dt.timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def collect_less_often() -> None:
    """Run Python's cyclic garbage collector less often, for a build in this process.

    A build allocates hundreds of thousands of short-lived objects (YAML nodes, cells, XML)
    and almost no reference cycles; at the default thresholds the collector runs ~300 times
    in a sample build and takes ~0.15 s, at these ~18 times and ~0.04 s. The CLI and the
    ribbon call this before building; a program using the library may choose not to."""
    gc.set_threshold(10_000, 20, 20)


@dataclass
class BuildResult:
    """One workbook written: what went into it and where it is."""

    workbook: str
    output: Path
    la: LocalAuthority
    measures: int
    values_filled: int
    audit_rows: int
    sources: list[InputFile]
    sample: bool
    seconds: float
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        sample = " (contains sample data)" if self.sample else ""
        return (f"{self.workbook} for {self.la.name}: {self.measures} measures, {self.values_filled} values, "
                f"{self.audit_rows} audit rows, {len(self.sources)} input files{sample}, {self.seconds:.2f} s")


@dataclass
class Plan:
    """A mapping resolved against its inputs for one LA: everything a build needs except the writing."""

    mapping: Mapping
    la: LocalAuthority
    resolver: Resolver
    resolved: list[ResolvedMeasure]
    files: list[InputFile]
    template: Path
    root: Path
    column_titles: dict[str, str] = field(default_factory=dict)  # role -> header text to show (a pack names its LA)
    hide_unmapped: bool = False  # hide template rows the mapping leaves out (a published-only pack)

    @cached_property
    def quality(self) -> list | None:
        """The data-quality problems of the inputs whose reader checks them (Annex A's lists), or None when no
        input of this build is of such a kind."""
        from .sources import KINDS, reader

        checked = [f for f in self.files if not f.missing and f.kind in KINDS and hasattr(reader(f.kind), "quality")]
        return [problem for f in checked for problem in reader(f.kind).quality(f.path)] if checked else None

    @property
    def warnings(self) -> list[str]:
        """A line for each local extract the LA has not got (with how many values it would have filled), and for
        each figure that reads but looks wrong (a negative percentage)."""
        lines = []
        for f in self.files:
            if f.missing:
                count = sum(1 for m in self.resolved for o in m.values.values()
                            if o.provenance is not None and o.provenance.source_id == f.source_id)
                lines.append(f"{f.source_id} ({f.display_path}): {f.missing}; {count} value(s) show No data")
        return lines + self.resolver.warnings


def check_audience(audience: str | None) -> None:
    if audience is not None and audience not in AUDIENCES:
        raise UserError(f"unknown audience '{audience}'", hint=f"Audiences: {', '.join(AUDIENCES)}.")


def plan(mapping: Path | Mapping, ws: Workspace, *, period: str | None = None, audience: str | None = None,
         manifest: Manifest | None = None, neighbours: Path | None = None) -> Plan:
    """Resolve every measure of a mapping (a path, or a loaded :class:`Mapping`) for the workspace's LA."""
    from .measures.mapping import Mapping, load_mapping
    from .measures.resolve import Resolver
    from .sources.releases import PublishedFolders

    check_audience(audience)
    if period is not None and period_end(period) is None:  # said once, before any measure is resolved
        raise UserError(f"--period '{period}' is not a period label", hint=FORMATS)
    mapping = mapping if isinstance(mapping, Mapping) else load_mapping(mapping)
    if not ws.inputs.is_dir():
        raise UserError(f"inputs folder not found: {ws.inputs}", hint="Pass --inputs with the folder holding chat/, dfe/, local/ and survey/.")
    manifest = manifest if manifest is not None else read_manifest(ws.inputs)
    resolver = Resolver(mapping=mapping, inputs=ws.inputs, project_root=ws.root, la=ws.la, as_of=period,
                        published_data=PublishedFolders.for_run(ws.cache, ws.published or (ws.inputs / mapping.published_data,), check=bool(ws.published)),
                        neighbours_path=neighbours or ws.neighbours,
                        extracts_for=ws.extracts_owner(manifest), sn_model=ws.sn_model, sn_method=ws.sn_method)
    resolved = resolver.resolve_all(audience)
    files = list(resolver.files.values())
    for f in files:
        entry = manifest.entry(Path(os.path.relpath(f.path, ws.inputs)).as_posix())
        f.sample = bool(entry.get("sample", False)) and not f.missing
        f.sample_note = str(entry.get("note", ""))
    template = ws.root / mapping.template
    if not template.is_file():
        raise UserError(f"template not found: {template} (mapping {mapping.path})", hint="Run: python scripts/make_templates.py")
    return Plan(mapping=mapping, la=ws.la, resolver=resolver, resolved=resolved, files=files, template=template, root=ws.root)


def write(p: Plan, out_dir: Path, *, period: str | None = None, built_at: str | None = None,
          audience: str | None = None, started: float | None = None, outputs=None) -> BuildResult:
    """Fill a copy of the plan's template and write it into ``out_dir`` (temporary file, then moved into place:
    with ``outputs``, a :class:`~workbook_builder.files.Outputs`, together with the run's other files).
    An output that would be one of the run's inputs (an extract, the mapping, the template) is refused."""
    from .authorities import LA_TOKEN
    from .files import make_folder
    from .writers.audit import write_audit, write_data_quality, write_sources
    from .writers.audit_rows import BuildStamp
    from .writers.cover import write_info
    from .writers.ooxml import WorkbookPackage
    from .writers.scorecard import ScorecardWriter, fill_summary

    started = time.perf_counter() if started is None else started
    stamp = BuildStamp(built_at=build_time(built_at), version=__version__)
    package = WorkbookPackage.open(p.template)
    package.replace_text(LA_TOKEN, p.la.name)  # the template's {la} placeholders: titles, headers, notes
    writer = ScorecardWriter(package, p.mapping, p.la)
    writer.fill(p.resolved, hide_others=audience is not None, hide_unmapped=p.hide_unmapped)
    writer.retitle(p.column_titles)
    fill_summary(package, p.mapping, writer, p.resolved)
    write_info(package, p.la, p.resolved, p.files, stamp, period)
    audit_rows = write_audit(package, writer.audit, stamp)
    write_sources(package, p.files + _reference_files(p))
    if p.quality is not None:
        write_data_quality(package, p.quality)

    make_folder(out_dir, hint="Pass --out with a folder you can write to.")
    output = out_dir / p.mapping.output
    if audience:
        output = output.with_name(f"{output.stem} ({AUDIENCE_NAMES[audience].replace('/', ' and ')}){output.suffix}")
    package.save(output, refuse_paths=[p.template, p.mapping.path, *(f.path for f in p.files if not f.missing)], outputs=outputs)
    warnings = [] if p.hide_unmapped else [f"template row with unknown measure id ignored: {k}" for k in writer.unknown_keys]
    return BuildResult(workbook=p.mapping.workbook, output=output, la=p.la, measures=len(p.resolved), values_filled=writer.values_filled,
                       audit_rows=audit_rows, sources=p.files, sample=any(f.sample for f in p.files),
                       seconds=time.perf_counter() - started, warnings=warnings + p.warnings)


def _reference_files(p: Plan) -> list[InputFile]:
    """The mapping and template, listed on the Sources sheet too, so the whole build is fingerprinted."""
    return [InputFile(source_id=source_id, kind=kind, path=Path(path), display_path=display_path(Path(path), p.root), description=description)
            for source_id, kind, path, description in [
                ("mapping", "mapping", p.mapping.path, "Mapping file that ties each row to its sources"),
                ("template", "template", p.template, "Template workbook filled by the build (never modified)")]]


def build(workbooks: list[str] | None = None, *, inputs: Path | None = None, out_dir: Path | None = None,
          period: str | None = None, built_at: str | None = None, root: Path | None = None,
          audience: str | None = None, published=None, la: str | None = None, sn_model: str | None = None,
          sn_method: str | None = None) -> list[BuildResult]:
    """Build the named workbooks (default: every workbook with a mapping) for the workspace's LA, or
    for ``la`` (a new or old code), into ``out_dir`` (default: the workspace's outputs folder).

    With ``audience`` (operational, clt, improvement_board, scrutiny) only the measures reported
    to that audience are filled; the rows of the others are hidden, and the file name says which audience.
    ``published`` is the folder of DfE open-data CSVs for measures DfE publishes per LA (default: the
    inputs' ``dfe/``): their LA, SN, England and position come from it through :mod:`.measures.published`.
    ``sn_model`` picks the statistical-neighbour model (default: the newest), ``sn_method`` mean or median.
    """
    check_audience(audience)
    period = given(period)
    ws = load_workspace(root, la=la, inputs=inputs, outputs=out_dir, published=published, sn_model=sn_model, sn_method=sn_method)
    started = time.perf_counter()
    manifest = read_manifest(ws.inputs) if ws.inputs.is_dir() else Manifest()
    # Resolve every workbook before writing any, and move the written ones into place together: a bad
    # input, a workbook open in Excel or an interruption leaves every output as it was.
    plans = [plan(path, ws, period=period, audience=audience, manifest=manifest) for path in select_mappings(ws.root, workbooks)]
    with Outputs() as outputs:
        return [write(p, ws.outputs, period=period, built_at=built_at, audience=audience,
                      started=started if i == 0 else None, outputs=outputs) for i, p in enumerate(plans)]


@dataclass
class ValidationReport:
    """What validating one workbook found: measures, values located, values marked not available,
    values waiting for a local extract the LA has not got, and the input files read."""

    workbook: str
    la: LocalAuthority
    measures: int
    located: int
    not_available: int
    no_extract: int
    files: list[InputFile]
    warnings: list[str]
    quality: list | None = None  # data-quality problems of the inputs whose reader checks them (None: no such input)

    def summary(self) -> str:
        waiting = f"; {self.no_extract} waiting for a local extract" if self.no_extract else ""
        return (f"{self.workbook}: {self.measures} measures; {self.located} values located; "
                f"{self.not_available} marked not available{waiting}; {len(self.files)} input files read")


def validate(workbooks: list[str] | None = None, *, inputs: Path | None = None, period: str | None = None,
             root: Path | None = None, published=None, la: str | None = None, sn_model: str | None = None,
             sn_method: str | None = None) -> list[ValidationReport]:
    """Check mapping, inputs and template without writing anything: every row resolvable, every locator one value."""
    from .writers.ooxml import WorkbookPackage
    from .writers.scorecard import ScorecardWriter

    period = given(period)
    ws = load_workspace(root, la=la, inputs=inputs, published=published, sn_model=sn_model, sn_method=sn_method)
    manifest = read_manifest(ws.inputs) if ws.inputs.is_dir() else Manifest()
    reports = []
    for path in select_mappings(ws.root, workbooks):
        p = plan(path, ws, period=period, manifest=manifest)
        writer = ScorecardWriter(WorkbookPackage.open(p.template), p.mapping, p.la)
        missing = {f.source_id for f in p.files if f.missing}
        values = [o for m in p.resolved for s, o in m.values.items() if s in ("la", "sn", "england") or s in m.measure.series]
        waiting = sum(1 for o in values if o.provenance is not None and o.provenance.source_id in missing)
        located = sum(1 for o in values if o.provenance is not None) - waiting
        reports.append(ValidationReport(workbook=p.mapping.workbook, la=p.la, measures=len(p.resolved), located=located,
                                        not_available=len(values) - located - waiting, no_extract=waiting, files=p.files,
                                        warnings=[f"template row with unknown measure id: {k}" for k in writer.unknown_keys] + p.warnings,
                                        quality=p.quality))
    return reports
