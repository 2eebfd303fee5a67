"""Resolve each measure's series (LA, statistical neighbours, England, previous, target, months) to observations.

This is where mapping meets sources. The resolver knows series, not formats: for each series
of a measure it asks the reader of the locator's source kind (:func:`workbook_builder.sources.reader`)
for an observation, through the one entry point every reader has, ``observe(locator, area,
context)``; DfE's per-LA benchmarks come from :func:`workbook_builder.measures.published.observe`.
What stays here is the series logic: which area a series reads (``sn`` reads the neighbours,
``england`` the national row), the previous period, the months of a financial year, a target
stated in the mapping, and ratios derived from two observations (``divide_by``, ``scale``,
``round``).

A local extract the LA does not have (no file, or the inputs folder holds another LA's
extracts) is not an error: every value asked of it is "No data" with the reason, so a
council that has only DfE's data still gets every workbook.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from ..authorities import LocalAuthority
from ..errors import UserError
from ..observations import NO_DATA, Observation, Provenance, file_sha256, unavailable
from ..periods import MONTH_KEYS, financial_year_months, ordered, up_to
from ..sources import reader
from ..sources.base import Context, InputFile, display_path, release_record, require_file
from ..sources.neighbours import Neighbour, read_neighbours
from ..sources.releases import PublishedFolders
from ..workspace import reference_file
from .mapping import Constant, Locator, Mapping, Measure, Published, Section, Unavailable, mapping_ref
from .published import Releases, load_published, releases_of
from .published import observe as observe_published


@dataclass
class ResolvedMeasure:
    """A measure of the mapping with an observation for each of its series."""

    section: Section
    measure: Measure
    values: dict[str, Observation]  # la, sn, england, previous, target, months, extra series

    @property
    def id(self) -> str:
        """The measure's id: its row's key in the template."""
        return self.measure.id


@dataclass
class Resolver:
    """Follows one mapping's locators into the input files of one build, for one LA.

    ``extracts_for`` is the LA whose local extracts the inputs folder holds (its MANIFEST says so,
    else the workspace's own LA; None: the build's LA). When it is another LA, local sources are
    not read at all: their values are "No data", never another council's figures."""

    mapping: Mapping
    inputs: Path
    project_root: Path
    la: LocalAuthority
    as_of: str | None = None  # latest local period to use (``--period``)
    published_data: PublishedFolders | None = None  # DfE releases for `published:` series (default: inputs/<mapping.published_data>)
    neighbours_path: Path | None = None  # default: the project's mappings/statistical_neighbours.csv
    extracts_for: LocalAuthority | None = None
    sn_model: str | None = None  # the neighbour model (None: the newest the table holds)
    sn_method: str | None = None  # mean or median for every measure (None: each published measure's own)
    files: dict[str, InputFile] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # figures that read but look wrong (a negative percentage)
    _neighbours: list[Neighbour] | None = None

    @cached_property
    def _mapping_display(self) -> str:
        return display_path(self.mapping.path, self.project_root)

    # --- inputs ---------------------------------------------------------------------------
    def input_file(self, source_id: str) -> InputFile:
        """The input file of a source, found once per build: a national file must exist; a local
        extract may be missing (then the record says why and nothing is read from it)."""
        if source_id in self.files:
            return self.files[source_id]
        source = self.mapping.sources[source_id]
        pattern = self.inputs / source.path
        local = reader(source.kind).SCOPE == "local"
        if local and self.extracts_for is not None and self.extracts_for.code != self.la.code:
            # another LA's extracts: not looked at, not even to find their names
            path, missing = pattern, f"no local extract for {self.la.name} (the inputs folder holds LA {self.extracts_for.code}'s)"
        else:
            matches = sorted(Path(p) for p in glob.glob(str(pattern))) if glob.has_magic(source.path) else [pattern]
            if len(matches) > 1:
                raise UserError(f"{len(matches)} files match {pattern} for source '{source_id}': "
                                f"{', '.join(m.name for m in matches)}",
                                hint="Keep one extract per source in the inputs folder (move older ones elsewhere).")
            path = matches[0] if matches else pattern
            missing = f"no local extract for {self.la.name}" if local and not path.is_file() else ""
            if not local:
                require_file(path, f"input file for source '{source_id}'")
        self.files[source_id] = InputFile(source_id=source_id, kind=source.kind, path=path,
                                          display_path=display_path(path, self.project_root, self.inputs),
                                          description=self.la.fill(source.description), missing=missing)
        return self.files[source_id]

    def neighbours(self) -> list[Neighbour]:
        """The LA's statistical neighbours, closest first, read once (and listed on the Sources sheet)."""
        if self._neighbours is None:
            path = require_file(self.neighbours_path or reference_file(self.project_root, "statistical_neighbours.csv"),
                                "statistical neighbour table")
            self._neighbours = read_neighbours(path, set(self.la.codes), reference_file(self.project_root, "local_authorities.csv"),
                                               model=self.sn_model)
            record = InputFile("statistical_neighbours", "reference", path, display_path(path, self.project_root, self.inputs),
                               description=f"Statistical neighbours of {self.la.name}, by LA code: {self._neighbours.model}")
            record.rows_read = len(self._neighbours)
            self.files["statistical_neighbours"] = record
        return self._neighbours

    def _context(self, record: InputFile, ref: str) -> Context:
        return Context(la=self.la, file=record, mapping_ref=ref, neighbours=self.neighbours, as_of=self.as_of, sn_method=self.sn_method)

    # --- resolution -----------------------------------------------------------------------
    def resolve_all(self, audience: str | None = None) -> list[ResolvedMeasure]:
        """Every measure of the mapping (or only those reported to ``audience``), resolved."""
        return [self.resolve(section, measure) for section in self.mapping.sections for measure in section.measures
                if audience is None or audience in measure.audiences]

    @cached_property
    def _plan_values_elsewhere(self) -> str:
        """Why the mapping's targets and stated baselines are not this LA's (empty when they are)."""
        owner = (self.mapping.targets_for or "").strip()
        if not owner or self.la.has_code(owner):
            return ""
        return (f"{self.la.name}'s own targets and baselines are not in the mapping yet (it holds LA {owner}'s); "
                f"enter them in {self._mapping_display} and set targets_for")

    def resolve(self, section: Section, measure: Measure) -> ResolvedMeasure:
        """One measure: ``la`` and ``previous`` first, then the other series in the mapping's order,
        the months of a monthly measure, and the numeric target. A target or a value the mapping states
        is another LA's plan when the mapping's ``targets_for`` names another LA: then it is
        "Not yet available", with the reason."""
        values: dict[str, Observation] = {}
        elsewhere = self._plan_values_elsewhere
        for series in dict.fromkeys(["la", "previous", *measure.series]):
            spec = measure.series.get(series)
            if spec is None:  # only `previous` can be missing: then there is no direction of travel
                values[series] = unavailable("no previous period for this measure")
            elif isinstance(spec, Unavailable):
                values[series] = unavailable(spec.reason, label=spec.label)
            elif isinstance(spec, Constant):
                values[series] = unavailable(elsewhere) if elsewhere else self._constant(spec, measure)
            elif isinstance(spec, Published):
                values[series] = self.published(spec, series, measure)
            else:
                values[series] = self.locate(spec, series, measure)
        if measure.monthly is not None:
            values.update(self._months(measure))
        for series, observation in values.items():  # a percentage below 0 is read as given, and said
            unit = self.mapping.units.get(series, measure.unit)
            if unit == "percent" and observation.is_number and observation.value < 0 and observation.provenance is not None:
                warning = f"a negative percentage ({observation.value}) in {observation.provenance.display_path}: check the source"
                values[series] = observation.with_(note="; ".join(filter(None, [observation.note, warning])))
                self.warnings.append(f"{measure.id} ({series}): {warning}")
        if measure.target is not None:
            values["target"] = unavailable(elsewhere) if elsewhere else self._constant(
                Constant(value=measure.target, note=measure.target_note or measure.target_text, line=measure.line), measure,
                where=f"measure {measure.id}: target")
        return ResolvedMeasure(section=section, measure=measure, values=values)

    def _months(self, measure: Measure) -> dict[str, Observation]:
        """April to March of the mapping's financial year; a month not yet in the extract is blank by design."""
        locator = measure.monthly
        record = self.input_file(locator.source)
        if record.missing:
            return {key: Observation(value=None, provenance=None, note=f"{month}: {record.missing}")
                    for key, month in zip(MONTH_KEYS, financial_year_months(self.mapping.financial_year))}
        ref = mapping_ref(self.mapping, locator.line or measure.line)
        try:
            reported = set(reader(self.mapping.sources[locator.source].kind).periods(locator, self._context(record, ref)))
        except UserError as exc:
            raise exc.within(f"measure '{measure.id}' (monthly, {ref})") from None
        latest = ordered(up_to(ordered(reported), self.as_of, str(locator.source)) if self.as_of and reported else reported)
        latest = latest[-1] if latest else ""
        values = {}
        for key, month in zip(MONTH_KEYS, financial_year_months(self.mapping.financial_year)):
            if month in reported and month <= latest:
                values[key] = self.locate(locator.model_copy(update={"period": month}), key, measure)
            else:
                why = "not yet reported: after the latest month in the extract" if month > latest else "no value for this month in the extract"
                values[key] = Observation(value=None, provenance=None, note=f"{month} {why} ({latest or 'no months'})")
        return values

    def _constant(self, spec: Constant, measure: Measure, where: str | None = None) -> Observation:
        """A value stated in the mapping (a plan's baseline or target), with the mapping as its source."""
        value = spec.value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return Observation(value=value, provenance=Provenance(
            source_id="mapping", path=self.mapping.path, display_path=self._mapping_display,
            sha256=file_sha256(self.mapping.path), locator=where or f"measure {measure.id}", period="",
            transformation=spec.note or "stated in the mapping", mapping_ref=mapping_ref(self.mapping, spec.line or measure.line)))

    def locate(self, locator: Locator, series: str, measure: Measure) -> Observation:
        """The observation a locator points at, for the area its series reads; any problem names the
        measure, the series and the mapping line."""
        ref = mapping_ref(self.mapping, locator.line or measure.line)
        try:
            return self._locate(locator, locator.area or (series if series in ("sn", "england") else "la"), ref)
        except UserError as exc:
            raise exc.within(f"measure '{measure.id}' ({series}, {ref})") from None

    def _locate(self, locator: Locator, area: str, ref: str) -> Observation:
        record = self.input_file(locator.source)
        context = self._context(record, ref)
        if record.missing:  # nothing to read, so nothing to derive either
            return context.no_extract(locator.filters_text or ", ".join(filter(None, [locator.sheet, locator.row, locator.column])))
        observation = reader(record.kind).observe(locator, area, context)
        if locator.divide_by is not None:
            return self._divide(observation, self._locate(locator.divide_by, area, ref), locator)
        if locator.scale is not None or locator.round is not None:
            return self._scale(observation, locator)
        return observation

    def published(self, spec: Published, series: str, measure: Measure) -> Observation:
        """LA, SN mean, England, region or position among all LAs, from DfE's per-LA rows through
        :func:`~workbook_builder.measures.published.observe` (the code `scorecard reconcile` uses)."""
        ref = mapping_ref(self.mapping, spec.line or measure.line)
        area = spec.area or (series if series in ("sn", "england", "region", "position") else "la")
        try:
            measures = load_published(reference_file(self.project_root, "published.yaml"))
            if spec.published not in measures:
                raise UserError(f"'{spec.published}' is not a measure of mappings/published.yaml",
                                hint=f"Published measures: {', '.join(sorted(measures))}.")
            published = measures[spec.published]
            return observe_published(spec.published, published, area, spec.period, self._context(None, ref),
                                     self.releases(spec.published, published),
                                     lambda path: release_record(self.files, path, self.project_root, self.inputs))
        except UserError as exc:
            raise exc.within(f"measure '{measure.id}' ({series}, {ref})") from None

    @cached_property
    def published_folders(self) -> PublishedFolders:
        """The folders of DfE releases: the build's (shared by every LA of a batch), else the mapping's under the inputs."""
        return self.published_data or PublishedFolders.of((self.inputs / self.mapping.published_data,), check=False)

    def releases(self, measure_id: str, measure) -> Releases:
        """The releases of a published measure's file in the published-data folders, newest first, found
        once per run; none is an error (a national file left out would make the build silently thinner)."""
        folders = self.published_folders
        key = ("releases", measure_id, measure.file, tuple(layout.key for layout in measure.all_layouts))
        if key not in folders.memo:
            paths = folders.find(measure.file)
            if not paths:
                raise UserError(f"no DfE file matching {measure.file} for published measure '{measure_id}' in {folders.describe()}",
                                hint="Pass --published with the folder of the DfE release that holds it (more than one may be given).")
            folders.memo[key] = releases_of(measure_id, measure, paths)
        return folders.memo[key]

    # --- derived values -------------------------------------------------------------------
    def _divide(self, numerator: Observation, denominator: Observation, locator: Locator) -> Observation:
        """``numerator ÷ denominator`` (× ``scale``, rounded to ``round`` places); "No data" when either is not a number."""
        scale = locator.scale or 1
        provenance = numerator.provenance
        assert provenance is not None and denominator.provenance is not None
        locator_text = f"{provenance.locator} ÷ {denominator.provenance.locator}"
        if not (numerator.is_number and denominator.is_number) or denominator.value == 0:
            reason = "numerator or denominator not a number" if denominator.value != 0 else "denominator is 0"
            return Observation(value=NO_DATA, note=f"cannot compute ratio: {reason}",
                               provenance=replace(provenance, locator=locator_text, transformation=f"ratio not computed ({reason})"))
        value = numerator.value / denominator.value * scale
        steps = f"{numerator.value} ÷ {denominator.value}" + (f" × {locator.scale:g}" if locator.scale else "")
        if locator.round is not None:
            value = round(value, locator.round)
            steps += f", rounded to {locator.round} dp"
        value = int(value) if float(value).is_integer() else value
        return Observation(value=value, provenance=replace(provenance, locator=locator_text, transformation=steps))

    def _scale(self, observation: Observation, locator: Locator) -> Observation:
        """A value × ``scale``, rounded to ``round`` places; a symbol or "No data" passes through unchanged."""
        if not observation.is_number or observation.provenance is None:
            return observation
        value = observation.value * (locator.scale or 1)
        steps = [f"× {locator.scale:g}"] if locator.scale else []
        if locator.round is not None:
            value = round(value, locator.round)
            steps.append(f"rounded to {locator.round} dp")
        value = int(value) if float(value).is_integer() else round(value, 10)
        before = observation.provenance.transformation
        parts = ([before] if before not in ("as recorded", "as published") else []) + [", ".join(steps)]
        transformation = "; ".join(p for p in parts if p)
        return observation.with_(value=value, provenance=replace(observation.provenance, transformation=transformation))
