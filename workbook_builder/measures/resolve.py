"""Resolve each measure's series (LA, statistical neighbours, England, previous, target) to observations.

This is where mapping meets sources: a :class:`Locator` is followed into its source and
comes back as an :class:`Observation` with full provenance. Statistical-neighbour values
are the mean of the neighbours' per-LA values, matched by LA code; suppressed neighbours
are left out and named, and the count used is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from ..errors import UserError
from ..observations import NO_DATA, is_symbol, Observation, Provenance, describe_symbol, file_sha256, unavailable
from ..periods import ordered, up_to
from ..sources.base import InputFile, display_path, require_file
from ..sources.chat import chat_period
from ..sources.dfe import DfeTable, format_period, parse_number
from ..sources.neighbours import Neighbour, read_neighbours
from ..sources.tables import Table, find_table, read_grid
from .published import benchmark, load_published, neighbour_mean, published_periods, published_slice
from .mapping import Constant, Locator, Mapping, Measure, Published, Section, Unavailable, mapping_ref

MONTH_KEYS = ("apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "jan", "feb", "mar")


@dataclass
class ResolvedMeasure:
    section: Section
    measure: Measure
    values: dict[str, Observation]  # la, sn, england, previous, target

    @property
    def id(self) -> str:
        return self.measure.id


@dataclass
class Resolver:
    """Follows locators into the input files of one build, reading each file once."""

    mapping: Mapping
    inputs: Path
    project_root: Path
    as_of: str | None = None  # latest local period to use (``--period``)
    published_dir: Path | None = None  # DfE files for `published:` series (default: inputs/<mapping.published_data>)
    neighbours_path: Path | None = None  # default: inputs/<mapping.statistical_neighbours>
    files: dict[str, InputFile] = field(default_factory=dict)
    _neighbours: list[Neighbour] | None = None
    _lait: dict = field(default_factory=dict)
    _benchmarks: dict = field(default_factory=dict)

    @cached_property
    def _mapping_display(self) -> str:
        return display_path(self.mapping.path, self.project_root)

    # --- inputs ---------------------------------------------------------------------------
    def input_file(self, source_id: str) -> InputFile:
        if source_id not in self.files:
            source = self.mapping.sources[source_id]
            path = require_file(self.inputs / source.path, f"input file for source '{source_id}'")
            self.files[source_id] = InputFile(
                source_id=source_id,
                kind=source.kind,
                path=path,
                display_path=display_path(path, self.project_root, self.inputs),
                description=source.description,
            )
        return self.files[source_id]

    def neighbours(self) -> list[Neighbour]:
        if self._neighbours is None:
            path = require_file(self.neighbours_path or self.inputs / self.mapping.statistical_neighbours, "statistical neighbour table")
            la = self.mapping.local_authority
            self._neighbours = read_neighbours(path, {la.new_la_code, la.old_la_code})
            record = InputFile("statistical_neighbours", "reference", path, display_path(path, self.project_root, self.inputs),
                               description=f"Statistical neighbours of {la.name}, by LA code")
            record.rows_read = len(self._neighbours)
            self.files["statistical_neighbours"] = record
        return self._neighbours

    def dfe(self, source_id: str) -> DfeTable:
        return DfeTable.load(self.input_file(source_id).path)  # read once per file version, shared by every resolver

    # --- resolution -----------------------------------------------------------------------
    def resolve_all(self, audience: str | None = None) -> list[ResolvedMeasure]:
        """Every measure of the mapping (or only those reported to ``audience``), resolved."""
        return [self.resolve(section, measure) for section in self.mapping.sections for measure in section.measures
                if audience is None or audience in measure.audiences]

    def resolve(self, section: Section, measure: Measure) -> ResolvedMeasure:
        values: dict[str, Observation] = {}
        names = list(dict.fromkeys(["la", "previous", *measure.series]))
        for series in names:
            spec = measure.series.get(series)
            if spec is None:  # only `previous` can be missing: then there is no direction of travel
                values[series] = unavailable("no previous period for this measure")
            elif isinstance(spec, Unavailable):
                values[series] = unavailable(spec.reason, label=spec.label)
            elif isinstance(spec, Constant):
                values[series] = self._constant(spec, measure)
            elif isinstance(spec, Published):
                values[series] = self.published(spec, series, measure)
            else:
                values[series] = self.locate(spec, series, measure)
        if measure.monthly is not None:
            values.update(self._months(measure))
        if measure.target is not None:
            values["target"] = self._constant(
                Constant(value=measure.target, note=measure.target_note or measure.target_text, line=measure.line), measure,
                where=f"measure {measure.id}: target")
        return ResolvedMeasure(section=section, measure=measure, values=values)

    def _months(self, measure: Measure) -> dict[str, Observation]:
        """April to March of the mapping's financial year; a month not yet in the extract is blank by design."""
        start = int(self.mapping.financial_year[:4])
        months = [f"{start}-{m:02d}" for m in range(4, 13)] + [f"{start + 1}-{m:02d}" for m in range(1, 4)]
        locator = measure.monthly
        reported = set(self._periods_of(locator))
        latest = ordered(up_to(ordered(reported), self.as_of, str(locator.source)) if self.as_of and reported else reported)
        latest = latest[-1] if latest else ""
        values = {}
        for key, month in zip(MONTH_KEYS, months):
            if month in reported and month <= latest:
                values[key] = self.locate(locator.model_copy(update={"period": month}), key, measure)
            else:
                why = "not yet reported: after the latest month in the extract" if month > latest else "no value for this month in the extract"
                values[key] = Observation(value=None, provenance=None, note=f"{month} {why} ({latest or 'no months'})")
        return values

    def _periods_of(self, locator: Locator) -> list[str]:
        table, _ = self._table(locator)
        pcol = table.column(locator.period_column or "period")
        return [str(table.value(r, pcol)) for r in table.matching(locator.filters) if table.value(r, pcol) is not None]

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
        """The observation a locator points at; any problem names the measure, series and mapping line."""
        ref = mapping_ref(self.mapping, locator.line or measure.line)
        try:
            return self._locate(locator, series, measure, ref)
        except UserError as exc:
            raise UserError(f"measure '{measure.id}' ({series}, {ref}): {exc.message}", hint=exc.hint) from None

    def _locate(self, locator: Locator, series: str, measure: Measure, ref: str) -> Observation:
        kind = self.mapping.sources[locator.source].kind
        if kind != "lait" and locator.column is None:
            raise UserError(f"the locator needs `column` (source '{locator.source}' is {kind})", hint="Name the column header to read.")
        if kind == "lait":
            observation = self._lait_value(locator, locator.area or (series if series in ("sn", "england") else "la"), ref)
        elif kind == "dfe_csv":
            area = locator.area or (series if series in ("sn", "england") else "la")
            observation = self._dfe_value(locator, area, ref)
        elif kind == "survey":
            observation = self._survey_value(locator, ref)
        elif locator.row is not None:
            observation = self._table_cell(locator, ref)
        else:
            observation = self._long_table_value(locator, ref)
        if locator.divide_by is not None:
            observation = self._divide(observation, self._locate(locator.divide_by, series, measure, ref), locator, ref)
        elif locator.scale is not None or locator.round is not None:
            observation = self._scale(observation, locator)
        return observation

    # --- DfE open data --------------------------------------------------------------------
    def _dfe_value(self, locator: Locator, area: str, ref: str) -> Observation:
        table = self.dfe(locator.source)
        record = self.input_file(locator.source)
        column = table.column(locator.column)
        rows = table.records(locator.filters)
        if not rows.rows:
            raise UserError(f"{record.path}: no rows match filters {locator.filters}", hint="Check the filter values against the file.")
        la = self.mapping.local_authority
        periods = rows.periods(level="national" if area == "england" else None)
        period = self._pick_period(periods, locator.period, record.path, dfe=True)
        record.periods.add(format_period(period))
        filters_text = ", ".join(f"{k}={v}" for k, v in locator.filters.items())
        provenance = dict(source_id=locator.source, path=record.path, display_path=record.display_path, sha256=record.sha256,
                          period=format_period(period), mapping_ref=ref)

        if area in ("la", "england"):
            if area == "england":
                selected, where, label = rows.at_level(period, "national"), "geographic_level=National", "England"
            else:
                selected = rows.las(period, {la.new_la_code, la.old_la_code})
                where, label = f"new_la_code={la.new_la_code}", f"{la.name} ({la.new_la_code})"
            record.rows_read += len(selected)
            if not selected:
                value, rows_note = NO_DATA, "no row"
            else:
                text, dropped = rows.unique_text(selected, column, describe=f"{label} {filters_text} {period}")
                value = parse_number(text)
                rows_note = f"{len(selected)} row(s)" + (f", {dropped} exact duplicate(s) ignored" if dropped else "")
            note = describe_symbol(value) if isinstance(value, str) and value != NO_DATA else ("no row in source" if value == NO_DATA else "")
            return Observation(value=value, note=note, provenance=Provenance(
                **provenance, locator=f"{where}; {filters_text}; time_period={period}; column {column} ({rows_note})",
                transformation="as published"))

        # statistical neighbours: the mean of per-LA values, matched by code
        neighbours = self.neighbours()
        selected = rows.las(period, {n.code for n in neighbours})
        record.rows_read += len(selected)
        sn = neighbour_mean(rows.texts_by_code(selected, column), neighbours, where=f"{record.path}: {filters_text} {period}",
                            hint="Add filters in the mapping so the locator picks exactly one row per LA.")
        locator_text = f"new_la_code in [{','.join(n.code for n in neighbours)}]; {filters_text}; time_period={period}; column {column}"
        return Observation(value=sn.value, note=sn.note, provenance=Provenance(**provenance, locator=locator_text, transformation=sn.transformation))

    # --- LAIT downloads ---------------------------------------------------------------------
    def _lait_value(self, locator: Locator, area: str, ref: str) -> Observation:
        from ..sources.lait import LaitWorkbook

        if locator.sheet is None:
            raise UserError("a LAIT locator needs `sheet` (the indicator sheet or its title)")
        record = self.input_file(locator.source)
        if locator.source not in self._lait:
            self._lait[locator.source] = LaitWorkbook.read(record.path)
        indicator = self._lait[locator.source].indicator(locator.sheet)
        year = indicator.latest(1) if locator.period == "previous" else indicator.latest() if locator.period == "latest" else locator.period
        la = self.mapping.local_authority
        row = indicator.row_of(area, {la.new_la_code, la.old_la_code})
        record.periods.add(year)
        label = {"la": f"{la.name} ({la.old_la_code})", "sn": "statistical neighbours", "england": "England"}.get(area, area)
        provenance = dict(source_id=locator.source, path=record.path, display_path=record.display_path, sha256=record.sha256,
                          period=year, mapping_ref=ref)
        if row is None:
            return Observation(value=NO_DATA, note=f"no {label} row in LAIT sheet '{indicator.grid.sheet}'", provenance=Provenance(
                **provenance, locator=f"sheet '{indicator.grid.sheet}': no {label} row", transformation="not found"))
        value, cell = indicator.value(row, year)
        record.rows_read += 1
        note = describe_symbol(value) if isinstance(value, str) and value != NO_DATA else ("empty cell in source" if value == NO_DATA else "")
        how = "as published in LAIT" + (" (DfE's statistical-neighbour average row)" if area == "sn" else "")
        return Observation(value=value, note=note, provenance=Provenance(
            **provenance, locator=f"{cell} (row '{indicator.names.get(row, label)}', year {year})", transformation=how))

    # --- DfE's published per-LA data (mappings/published.yaml) ----------------------------
    def published(self, spec: Published, series: str, measure: Measure) -> Observation:
        """LA, SN mean, England, region or position among all LAs, from DfE's per-LA rows through
        :func:`~workbook_builder.measures.published.benchmark` (the code `scorecard reconcile` uses)."""
        ref = mapping_ref(self.mapping, spec.line or measure.line)
        try:
            return self._published_value(spec, spec.area or (series if series in ("sn", "england", "region", "position") else "la"), ref)
        except UserError as exc:
            raise UserError(f"measure '{measure.id}' ({series}, {ref}): {exc.message}", hint=exc.hint) from None

    def _published_value(self, spec: Published, area: str, ref: str) -> Observation:
        measures = load_published(self.project_root / "mappings" / "published.yaml")
        if spec.published not in measures:
            raise UserError(f"'{spec.published}' is not a measure of mappings/published.yaml",
                            hint=f"Published measures: {', '.join(sorted(measures))}.")
        measure = measures[spec.published]
        folder = self.published_dir or self.inputs / self.mapping.published_data
        key = f"published:{measure.file}"
        if key not in self.files:
            path = require_file(folder / measure.file, f"DfE published file for '{spec.published}'")
            self.files[key] = InputFile(key, "dfe_csv", path, display_path(path, self.project_root, self.inputs),
                                        description="DfE open data, per-LA published figures (mappings/published.yaml)")
        record = self.files[key]
        table = DfeTable.load(record.path)  # a batch of LAs shares one reading of each file
        period = self._pick_period(published_periods(measure, table), spec.period, record.path, dfe=True)
        la = self.mapping.local_authority
        if (spec.published, period) not in self._benchmarks:
            self._benchmarks[spec.published, period] = benchmark(spec.published, measure, table, {la.new_la_code, la.old_la_code},
                                                                 period, self.neighbours())
            record.rows_read += published_slice(measure, table, period).rows
        bench = self._benchmarks[spec.published, period]
        record.periods.add(format_period(period))
        filters_text = ", ".join(f"{k}={v}" for k, v in measure.filters.items())
        rows = f"{filters_text}; time_period={period}; column {measure.column}"
        via = f"DfE per-LA data via mappings/published.yaml '{spec.published}'"
        neighbours = self.neighbours()
        codes = ",".join(n.code for n in neighbours)
        note = ""
        if area == "la":
            value, where, how = bench.la, f"new_la_code={la.new_la_code}", f"as published ({via})"
        elif area == "england":
            value, where, how = bench.england, "geographic_level=National", f"as published ({via})"
            if bench.england_duplicates:
                where += f" ({bench.england_duplicates} exact duplicate(s) ignored)"
        elif area == "region":
            value, where, how = bench.region, f"geographic_level=Regional, the LA's region ({bench.region_name or 'not found'})", f"as published ({via})"
        elif area == "sn":
            value, where = bench.sn_average, f"new_la_code in [{codes}]"
            how, note = f"{bench.neighbours.transformation}; {via}", bench.neighbours.note
        else:  # quartile or position among all LAs
            value = bench.quartile if area == "quartile" else bench.position
            where = f"every LA row ({bench.all_las} with a number)"
            how = (f"LA's published value {bench.la} against the 25th/50th/75th percentiles of {bench.all_las} LAs "
                   f"(pandas linear interpolation): quartile 1 = lowest 25%; position Lower / In range / Higher than the middle 50%; {via}")
            if value in (None, ""):
                value, note = NO_DATA, f"no position: the LA's published value is {bench.la}"
        if isinstance(value, str) and is_symbol(value) and not note:
            note = describe_symbol(value) if value != NO_DATA else "no row in the published data"
        return Observation(value=value, note=note, provenance=Provenance(
            source_id=key, path=record.path, display_path=record.display_path, sha256=record.sha256,
            locator=f"{where}; {rows}", period=format_period(period), transformation=how, mapping_ref=ref))

    def _pick_period(self, periods: list[str], wanted: str, path: Path, *, dfe: bool = False) -> str:
        """'latest', 'previous' or a named period, ordered by when periods end; ``--period`` caps local data (not DfE's)."""
        periods = ordered(periods)
        if not periods:
            raise UserError(f"{path}: no periods found for this locator")
        if not dfe and self.as_of:
            periods = up_to(periods, self.as_of, str(path))
        if wanted == "latest":
            return periods[-1]
        if wanted == "previous":
            if len(periods) < 2:
                raise UserError(f"{path}: only one period ({periods[-1]}), so there is no previous period",
                                hint="Add the previous period's rows or mark `previous` as not_available.")
            return periods[-2]
        matches = [p for p in periods if str(p) == wanted or format_period(p) == wanted]
        if not matches:
            raise UserError(f"{path}: period '{wanted}' not found", hint=f"Periods in the file: {', '.join(map(str, periods))}")
        return matches[0]

    # --- workbook tables (ChAT, local) ----------------------------------------------------
    def _table(self, locator: Locator) -> tuple[Table, InputFile]:
        record = self.input_file(locator.source)
        grid = read_grid(record.path, locator.sheet)
        return find_table(grid, locator.table), record

    def _source_period(self, locator: Locator, record: InputFile) -> str:
        if record.kind == "chat":
            return chat_period(record.path)
        return ""

    def _cell_observation(self, table: Table, record: InputFile, row: int, col: int, ref: str, period: str, extra: str = "") -> Observation:
        raw = table.value(row, col)
        record.rows_read += 1
        if period:
            record.periods.add(period)
        place = table.grid.ref(row, col)
        locator = place + (f" ({extra})" if extra else "")
        provenance = Provenance(source_id=record.source_id, path=record.path, display_path=record.display_path,
                                sha256=record.sha256, locator=locator, period=period, transformation="as recorded", mapping_ref=ref)
        if raw is None:
            return Observation(value=NO_DATA, note=f"empty cell {place} in source", provenance=provenance)
        if isinstance(raw, str):
            value = parse_number(raw)
            if isinstance(value, str):  # a suppression symbol gets its meaning; other text (a position, a date) is plain text
                return Observation(value=value, note=describe_symbol(value) if is_symbol(value) else "", provenance=provenance)
            raw = value
        return Observation(value=raw, provenance=provenance)

    def _table_cell(self, locator: Locator, ref: str) -> Observation:
        table, record = self._table(locator)
        row, col = table.row(locator.row), table.column(locator.column)
        return self._cell_observation(table, record, row, col, ref, self._source_period(locator, record),
                                      extra=f"row '{locator.row}', column '{locator.column}'")

    def _long_table_value(self, locator: Locator, ref: str) -> Observation:
        table, record = self._table(locator)
        col = table.column(locator.column)
        rows = table.matching(locator.filters)
        if not rows:
            raise UserError(f"{table.grid.where()}: no rows match {dict(locator.filters)}", hint="Check the filter values against the table.")
        filters_text = ", ".join(f"{k}={v}" for k, v in locator.filters.items())
        if locator.period_column:
            pcol = table.column(locator.period_column)
            periods = sorted({str(table.value(r, pcol)) for r in rows})
            period = self._pick_period(periods, locator.period, record.path)
            rows = [r for r in rows if str(table.value(r, pcol)) == period]
        else:
            period = ""
        if len(rows) != 1:
            raise UserError(f"{table.grid.where()}: {len(rows)} rows match {filters_text or 'the locator'} for period {period or '(none)'}",
                            hint="Add filters so exactly one row matches.")
        extra = "; ".join(filter(None, [filters_text, f"{locator.period_column}={period}" if period else ""]))
        return self._cell_observation(table, record, rows[0], col, ref, period, extra=extra)

    # --- survey responses ----------------------------------------------------------------
    def _survey_value(self, locator: Locator, ref: str) -> Observation:
        from ..sources.survey import survey_results

        record = self.input_file(locator.source)
        results = survey_results(record.path)
        record.rows_read = results.scored
        try:
            rows = results.select(locator.filters)
        except KeyError as exc:
            raise UserError(f"{record.path}: survey results have no column '{exc.args[0]}'",
                            hint=f"Columns: {', '.join(results.columns)}") from None
        if not rows:
            raise UserError(f"{record.path}: no survey results match {dict(locator.filters)}", hint="Check outcome, question and respondent_type.")
        column = locator.column.lower()
        if column not in results.columns:
            raise UserError(f"{record.path}: survey results have no column '{locator.column}'", hint="Use pct_agree, mean_score, responses or agree.")
        record.periods.update(results.terms)
        term = self._pick_period(sorted({r["term"] for r in rows}), locator.period, record.path)
        matches = [r for r in rows if r["term"] == term]
        if len(matches) != 1:
            raise UserError(f"{record.path}: {len(matches)} survey results match {dict(locator.filters)} in {term}", hint="Add filters for respondent_type, outcome and question.")
        row = matches[0]
        value = row[column]
        value = int(value) if isinstance(value, float) and value.is_integer() else value
        filters_text = ", ".join(f"{k}={v}" for k, v in locator.filters.items())
        how = {"pct_agree": f"% of {row['responses']} scores that are 4 or 5 ({row['agree']} agree), rounded to 1 dp",
               "mean_score": f"mean of {row['responses']} scores (1–5), rounded to 2 dp"}.get(column, "count of scored responses")
        return Observation(value=value, provenance=Provenance(
            source_id=locator.source, path=record.path, display_path=record.display_path, sha256=record.sha256,
            locator=f"responses with term={term}; {filters_text}; column {column}", period=term,
            transformation=how, mapping_ref=ref))

    # --- arithmetic -----------------------------------------------------------------------
    def _divide(self, numerator: Observation, denominator: Observation, locator: Locator, ref: str) -> Observation:
        scale = locator.scale or 1
        provenance = numerator.provenance
        assert provenance is not None and denominator.provenance is not None
        locator_text = f"{provenance.locator} ÷ {denominator.provenance.locator}"
        if not (numerator.is_number and denominator.is_number) or denominator.value == 0:
            reason = "numerator or denominator not a number" if denominator.value != 0 else "denominator is 0"
            return Observation(value=NO_DATA, note=f"cannot compute ratio: {reason}",
                               provenance=replace(provenance, locator=locator_text, transformation=f"ratio not computed ({reason})"),
                               parts=(numerator, denominator))
        value = numerator.value / denominator.value * scale
        steps = f"{numerator.value} ÷ {denominator.value}" + (f" × {locator.scale:g}" if locator.scale else "")
        if locator.round is not None:
            value = round(value, locator.round)
            steps += f", rounded to {locator.round} dp"
        value = int(value) if float(value).is_integer() else value
        return Observation(value=value, provenance=replace(provenance, locator=locator_text, transformation=steps),
                           parts=(numerator, denominator))

    def _scale(self, observation: Observation, locator: Locator) -> Observation:
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

