"""The library calls behind every way in: ``build``, ``validate`` and ``trace``.

The CLI (:mod:`workbook_builder.cli`) and the Excel ribbon (:mod:`workbook_builder.ribbon`)
are thin shells over these functions; neither holds logic the other lacks.

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
from pathlib import Path

import yaml

from typing import TYPE_CHECKING

from . import __version__
from .audiences import AUDIENCE_NAMES, AUDIENCES
from .errors import UserError
from .sources.base import InputFile, display_path
from .trace import trace  # noqa: F401  (re-exported: the library's three calls live side by side)
from .writers.ooxml.refs import col_letters, parse_cell

if TYPE_CHECKING:
    from .measures.mapping import Mapping
    from .measures.resolve import ResolvedMeasure, Resolver
    from .writers.audit import BuildStamp
    from .writers.ooxml import WorkbookPackage

PACKAGE_ROOT = Path(__file__).resolve().parents[1]


def project_root(start: Path | None = None) -> Path:
    """The folder holding ``mappings/`` and ``templates/``: the current folder or one above it, else the package's checkout."""
    here = (start or Path.cwd()).resolve()
    for candidate in [here, *here.parents]:
        if (candidate / "mappings").is_dir() and (candidate / "templates").is_dir():
            return candidate
    return PACKAGE_ROOT


def mapping_paths(root: Path) -> dict[str, Path]:
    """Workbook id -> mapping file, for every mapping in ``mappings/``."""
    found = {}
    for path in sorted((root / "mappings").glob("*.yaml")):
        match = re.search(r"^workbook:\s*['\"]?([A-Za-z0-9_]+)", path.read_text(encoding="utf-8"), re.MULTILINE)
        if match:  # the full file is validated when the workbook is built
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


def read_manifest(inputs: Path) -> dict[str, dict]:
    """``MANIFEST.yaml`` in the inputs folder: which files are sample data, and a note for each."""
    path = inputs / "MANIFEST.yaml"
    if not path.is_file():
        return {}
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    except yaml.YAMLError as exc:
        raise UserError(f"{path}: not valid YAML ({exc})") from None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict) or not all(isinstance(v, dict) for v in files.values()):
        raise UserError(f"{path}: expected `files:` mapping each input path to {{sample: true|false, note: ...}}",
                        hint="Without a readable manifest the build cannot say which inputs are sample data.")
    return {str(k): v for k, v in files.items()}


@dataclass
class BuildResult:
    workbook: str
    output: Path | None
    measures: int
    values_filled: int
    audit_rows: int
    sources: list[InputFile]
    sample: bool
    seconds: float
    warnings: list[str] = field(default_factory=list)


@dataclass
class Plan:
    """A mapping resolved against its inputs: everything a build needs except the writing."""

    mapping: Mapping
    resolver: Resolver
    resolved: list[ResolvedMeasure]
    files: list[InputFile]
    template: Path
    column_titles: dict[str, str] = field(default_factory=dict)  # role -> header text to show (another LA's name)
    hide_unmapped: bool = False  # hide template rows the mapping leaves out (a published-only pack)


def check_audience(audience: str | None) -> None:
    if audience is not None and audience not in AUDIENCES:
        raise UserError(f"unknown audience '{audience}'", hint=f"Audiences: {', '.join(AUDIENCES)}.")


def plan(mapping_path: Path | Mapping, inputs: Path, root: Path, *, period: str | None = None, audience: str | None = None,
         published: Path | None = None, resolver_options: dict | None = None) -> Plan:
    """Resolve every measure of a mapping (a path, or a loaded :class:`Mapping`) against the inputs."""
    from .measures.mapping import Mapping, load_mapping
    from .measures.resolve import Resolver

    check_audience(audience)
    mapping = mapping_path if isinstance(mapping_path, Mapping) else load_mapping(mapping_path)
    inputs = Path(inputs)
    if not inputs.is_dir():
        raise UserError(f"inputs folder not found: {inputs}", hint="Pass --inputs with the folder holding chat/, dfe/, local/ and reference/.")
    if published is not None and not Path(published).is_dir():
        raise UserError(f"published-data folder not found: {published}", hint="Pass --published with the folder of DfE open-data CSVs.")
    resolver = Resolver(mapping=mapping, inputs=inputs, project_root=root, as_of=period, published_dir=published and Path(published),
                        **(resolver_options or {}))
    resolved = resolver.resolve_all(audience)
    manifest = read_manifest(inputs)
    files = list(resolver.files.values())
    for f in files:
        entry = manifest.get(Path(os.path.relpath(f.path, inputs)).as_posix(), {})
        f.sample = bool(entry.get("sample", False))
        f.sample_note = str(entry.get("note", ""))
    template = root / mapping.template
    if not template.is_file():
        raise UserError(f"template not found: {template} (mapping {mapping.path})", hint="Run: python scripts/make_templates.py")
    return Plan(mapping=mapping, resolver=resolver, resolved=resolved, files=files, template=template)


def build_one(mapping_path: Path, inputs: Path, out_dir: Path, *, root: Path, period: str | None = None,
              built_at: str | None = None, audience: str | None = None) -> BuildResult:
    started = time.perf_counter()
    p = plan(mapping_path, inputs, root, period=period, audience=audience)
    return write(p, out_dir, root=root, period=period, built_at=built_at, audience=audience, started=started)


def write(p: Plan, out_dir: Path, *, root: Path, period: str | None = None, built_at: str | None = None,
          audience: str | None = None, started: float | None = None) -> BuildResult:
    """Fill a copy of the plan's template and write it into ``out_dir`` (temporary file, then moved into place)."""
    from .writers.audit import BuildStamp, write_audit, write_sources
    from .writers.ooxml import WorkbookPackage
    from .writers.scorecard import ScorecardWriter, fill_summary

    started = time.perf_counter() if started is None else started
    stamp = BuildStamp(built_at=build_time(built_at), version=__version__)
    package = WorkbookPackage.open(p.template)
    writer = ScorecardWriter(package, p.mapping)
    writer.fill(p.resolved, hide_others=audience is not None, hide_unmapped=p.hide_unmapped)
    writer.retitle(p.column_titles)
    fill_summary(package, p.mapping, writer, p.resolved)

    sample_files = [f for f in p.files if f.sample]
    extra = _reference_files(p, root)
    write_info(package, p, stamp, sample_files, period)
    audit_rows = write_audit(package, writer.audit, stamp)
    write_sources(package, p.files + extra)

    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create the output folder {out_dir}: {exc.strerror or exc}", hint="Pass --out with a folder you can write to.") from None
    output = out_dir / p.mapping.output
    if audience:
        output = output.with_name(f"{output.stem} ({AUDIENCE_NAMES[audience].replace('/', ' and ')}){output.suffix}")
    package.save(output, refuse_paths=[p.template])
    filled = sum(1 for row in writer.audit if row.series not in ("RAG", "Direction", "Target", "Evidence"))
    return BuildResult(workbook=p.mapping.workbook, output=output, measures=len(p.resolved), values_filled=filled,
                       audit_rows=audit_rows, sources=p.files, sample=bool(sample_files),
                       seconds=time.perf_counter() - started,
                       warnings=[] if p.hide_unmapped else [f"template row with unknown measure id ignored: {k}" for k in writer.unknown_keys])


def _reference_files(p: Plan, root: Path) -> list[InputFile]:
    """The mapping and template, listed on the Sources sheet too, so the whole build is fingerprinted."""
    rows = []
    for source_id, kind, path, description in [
        ("mapping", "mapping", p.mapping.path, "Mapping file that ties each row to its sources"),
        ("template", "template", p.template, "Template workbook filled by the build (never modified)"),
    ]:
        rows.append(InputFile(source_id=source_id, kind=kind, path=Path(path), display_path=display_path(Path(path), root), description=description))
    return rows


def write_info(package: WorkbookPackage, p: Plan, stamp: BuildStamp, sample_files: list[InputFile], period: str | None) -> None:
    """Fill the cells named ScorecardInfo and SampleDataNote, where the template defines them."""
    targets = _named_cells(package)
    la_periods = sorted({m.values["la"].provenance.period for m in p.resolved
                         if m.values["la"].provenance and m.values["la"].provenance.period})
    shown = period or "latest available for each measure"
    info = (f"Reporting period: {shown}. Latest data used: {', '.join(la_periods)}. Built {stamp.built_at} by scorecard "
            f"{stamp.version} from {len(p.files)} input files. Every figure is explained on the Audit sheet; inputs are on the Sources sheet.")
    if "scorecardinfo" in targets:
        sheet, ref = targets["scorecardinfo"]
        package.worksheet(sheet).set_value(ref, info)
    if "datacurrency" in targets:
        sheet_name, ref = targets["datacurrency"]
        sheet = package.worksheet(sheet_name)
        row, col = parse_cell(ref)
        for offset, f in enumerate(sorted(p.files, key=lambda f: f.source_id)):
            cells = [f.description or f.source_id, f.display_path, ", ".join(sorted(f.periods)) or "—", "Yes" if f.sample else "No"]
            for c, value in enumerate(cells):
                sheet.set_value(f"{col_letters(col + c)}{row + offset}", value)
    if "sampledatanote" in targets and sample_files:
        sheet, ref = targets["sampledatanote"]
        note = (f"CONTAINS SAMPLE DATA: {len(sample_files)} of {len(p.files)} input files are sample or synthetic "
                f"(marked on the Sources sheet). Do not publish these figures as Shropshire's.")
        package.worksheet(sheet).set_value(ref, note)


def _named_cells(package: WorkbookPackage) -> dict[str, tuple[str, str]]:
    cells = {}
    for name, refers in package.defined_names.items():
        text = refers.lstrip("=")
        if "!" not in text:
            continue
        sheet, ref = text.rsplit("!", 1)
        sheet = sheet.strip("'").replace("''", "'")
        cells[name.lower()] = (sheet, ref.replace("$", "").split(":")[0])
    return cells


def folders(root: Path, inputs: Path | None, out_dir: Path | None) -> tuple[Path, Path]:
    """The inputs and output folders of a build: as given, else the project's inputs/sample and outputs/."""
    return (Path(inputs) if inputs else root / "inputs" / "sample", Path(out_dir) if out_dir else root / "outputs")


def build(workbooks: list[str] | None = None, *, inputs: Path | None = None, out_dir: Path | None = None,
          period: str | None = None, built_at: str | None = None, root: Path | None = None,
          audience: str | None = None, published: Path | None = None) -> list[BuildResult]:
    """Build the named workbooks (default: every workbook with a mapping) into ``out_dir``.

    With ``audience`` (operational, clt, improvement_board, scrutiny) only the measures reported
    to that audience are filled; the rows of the others are hidden, and the file name says which audience.
    ``published`` is the folder of DfE open-data CSVs for measures DfE publishes per LA (default: the
    inputs' ``dfe/``): their LA, SN, England and position come from it through :mod:`.measures.published`.
    """
    check_audience(audience)
    root = root or project_root()
    inputs, out_dir = folders(root, inputs, out_dir)
    started = time.perf_counter()
    # Resolve every workbook before writing any, so that a bad input leaves nothing half-built.
    plans = [plan(path, inputs, root, period=period, audience=audience, published=published) for path in select_mappings(root, workbooks)]
    return [write(p, out_dir, root=root, period=period, built_at=built_at, audience=audience,
                  started=started if i == 0 else None) for i, p in enumerate(plans)]


@dataclass
class ValidationReport:
    workbook: str
    measures: int
    located: int
    not_available: int
    files: list[InputFile]
    warnings: list[str]


def validate(workbooks: list[str] | None = None, *, inputs: Path | None = None, period: str | None = None,
             root: Path | None = None, published: Path | None = None) -> list[ValidationReport]:
    """Check mapping, inputs and template without writing anything: every row resolvable, every locator one value."""
    root = root or project_root()
    from .writers.ooxml import WorkbookPackage
    from .writers.scorecard import ScorecardWriter

    inputs, _ = folders(root, inputs, None)
    reports = []
    for path in select_mappings(root, workbooks):
        p = plan(path, inputs, root, period=period, published=published)
        writer = ScorecardWriter(WorkbookPackage.open(p.template), p.mapping)
        values = [o for m in p.resolved for s, o in m.values.items() if s in ("la", "sn", "england") or s in m.measure.series]
        located = sum(1 for o in values if o.provenance is not None)
        reports.append(ValidationReport(workbook=p.mapping.workbook, measures=len(p.resolved), located=located,
                                        not_available=len(values) - located, files=p.files,
                                        warnings=[f"template row with unknown measure id: {k}" for k in writer.unknown_keys]))
    return reports



