"""Fill scorecard templates: values, RAG and direction, found by measure id, never by coordinates.

On each sheet of a mapping, the header row is the row holding the Key and Outcome / Measure
headers; every other column is found by its header text (one column per series: LA, SN,
England, Previous, and any extra series such as Baseline or a year's target), and every
measure row by the id in the Key column. Officers can therefore insert, delete and reorder
rows and columns in Excel. Only the cells this module fills change; everything else in
the workbook stays as Excel wrote it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..authorities import LocalAuthority
from ..errors import UserError
from ..judgements import direction as travel
from ..judgements import rag as rag_rules
from ..measures.mapping import SERIES_LABELS, Mapping, Measure, display_name
from ..measures.resolve import ResolvedMeasure
from ..observations import Observation, is_number, is_symbol
from ..periods import MONTH_KEYS as MONTHS
from ..refs import col_letters as column_letter
from ..refs import sheet_ref
from ..sources.tables import norm
from .audit_rows import AuditRow
from .formats import number_format
from .ooxml import CFRule, Formula, WorkbookPackage, Worksheet

#: Columns the writer fills with judgements or notes rather than a series.
JUDGED = ("rag", "direction", "notes")
#: Columns that belong to the template (text written when it was made), never filled.
STATIC = ("key", "measure", "source", "frequency", "target", "lead", "audiences", "metric", "good", "reporting_period", "updated")


@dataclass
class Layout:
    sheet: str
    header_row: int
    columns: dict[str, int]  # role -> 1-based column
    rows: dict[str, int]  # measure id -> 1-based row
    unknown_keys: list[str] = field(default_factory=list)
    unknown_rows: list[int] = field(default_factory=list)  # rows whose Key the mapping does not name


def find_layout(sheet: Worksheet, mapping: Mapping, measures: list[Measure], la: LocalAuthority) -> Layout:
    """Locate the header row, the role of each column and the row of each of ``measures``; check every
    mapped series and every RAG comparator has a column. A column is found by its header text as the
    mapping gives it, with ``{la}`` as written or as the LA's name (a template may hold either)."""
    values = sheet.values()
    raw = mapping.headers()
    headers = {role: la.fill(text) for role, text in raw.items()}
    wanted = {norm(text): role for role, text in raw.items()} | {norm(text): role for role, text in headers.items()}
    where = f"template sheet '{sheet.name}'"
    header_row, columns = None, {}
    for (row, _col), value in sorted(values.items()):
        if isinstance(value, str) and norm(value) == norm(headers["key"]):
            found = {wanted[norm(v)]: c for (r, c), v in values.items() if r == row and isinstance(v, str) and norm(v) in wanted}
            if "measure" in found:
                header_row, columns = row, found
                break
    if header_row is None:
        raise UserError(f"{where}: no header row with '{headers['key']}' and '{headers['measure']}' columns",
                        hint="The builder finds rows by the measure id in the Key column; regenerate the template or restore the header row.")
    needed = {"la"} | ({"rag"} if any(m.rag.rule != "none" for m in measures) else set())
    missing = [headers[r] for r in sorted(needed) if r not in columns]
    if missing:
        raise UserError(f"{where}: header row {header_row} has no column {', '.join(repr(m) for m in missing)}",
                        hint="Column headers must match the mapping's `columns:` section.")
    for measure in measures:  # every mapped series lands somewhere: a value with no column would vanish unaudited
        homeless = [s for s in measure.series if s not in columns]
        if homeless:
            raise UserError(f"mapping {mapping.path}:{measure.line}: measure '{measure.id}' maps series {', '.join(homeless)}, "
                            f"but sheet '{sheet.name}' has no column headed {', '.join(repr(headers[s]) for s in homeless)}",
                            hint="Add the column to the template, or remove the series from the mapping.")
    for measure in measures:  # a RAG judged against a column needs that column
        rule = measure.rag.rule
        if rule in rag_rules.COMPARATOR_NAMES and rule != "target" and rule not in columns:
            raise UserError(f"measure '{measure.id}': its RAG is judged against {rag_rules.COMPARATOR_NAMES[rule]}, "
                            f"but sheet '{sheet.name}' has no column for that series",
                            hint="Restore the column header in the template, or change the measure's `rag` rule in the mapping.")
    for measure in measures:  # a benchmark column is never silently blank: each measure says what goes there
        silent = [headers[s] for s in ("sn", "england", "region") if s in columns and s not in measure.series]
        if silent:
            raise UserError(f"mapping {mapping.path}:{measure.line}: measure '{measure.id}' is on sheet '{sheet.name}', which has "
                            f"column(s) {', '.join(repr(h) for h in silent)}, but gives no series for them",
                            hint="Add a locator, or `not_available: <reason>`, for each.")
    key_col = columns["key"]
    known = {m.id for m in measures}
    rows: dict[str, int] = {}
    unknown = []
    for (row, col), value in values.items():
        if col != key_col or row <= header_row or not isinstance(value, str) or value.startswith("section:"):
            continue
        key = value.strip()
        if key in rows:
            raise UserError(f"{where}: measure id '{key}' is in the Key column twice (rows {rows[key]} and {row})",
                            hint="Each measure row needs a unique id; delete or correct the duplicate row.")
        if key in known:
            rows[key] = row
        else:
            unknown.append((key, row))
    absent = sorted(known - set(rows))
    if absent:
        raise UserError(f"{where}: no row for measure id(s) {', '.join(absent)} in the '{headers['key']}' column",
                        hint="Add a row with that id in the hidden Key column, or remove the measure from the mapping.")
    return Layout(sheet=sheet.name, header_row=header_row, columns=columns, rows=rows,
                  unknown_keys=[f"{key} (row {row})" for key, row in unknown], unknown_rows=[row for _, row in unknown])


#: sheets a benchmarking pack keeps though it fills no row of theirs: the cover, and the charts of its rows
KEPT_IN_PACKS = ("Cover", "Charts", "Trends")


class ScorecardWriter:
    """Writes resolved measures into a template's sheets, returning an audit row per filled value."""

    def __init__(self, package: WorkbookPackage, mapping: Mapping, la: LocalAuthority):
        self.package = package
        self.mapping = mapping
        self.la = la
        self.headers = {role: la.fill(text) for role, text in mapping.headers().items()}
        self.layouts: dict[str, Layout] = {}
        by_sheet: dict[str, list[Measure]] = defaultdict(list)
        for section in mapping.sections:
            by_sheet[mapping.sheet_of(section)].extend(section.measures)
        for name, measures in by_sheet.items():
            self.layouts[name] = find_layout(package.worksheet(name), mapping, measures, la)
        self._styles: dict[tuple[int | None, str], int] = {}
        self._mapping_name = display_name(mapping.path)
        self.audit: list[AuditRow] = []
        self.values_filled = 0  # series values written (or left blank by design), not judgements

    @property
    def unknown_keys(self) -> list[str]:
        return [f"{name}: {key}" for name, layout in self.layouts.items() for key in layout.unknown_keys]

    # --- filling ---------------------------------------------------------------------------
    def fill(self, resolved: list[ResolvedMeasure], *, hide_others: bool = False, hide_unmapped: bool = False) -> None:
        """Fill every resolved measure; with ``hide_others``, hide rows of measures not resolved (another audience);
        with ``hide_unmapped``, also rows whose measure the mapping leaves out (a published-only pack)."""
        by_sheet: dict[str, list[ResolvedMeasure]] = defaultdict(list)
        for item in resolved:
            by_sheet[self.mapping.sheet_of(item.section)].append(item)
        for name, layout in self.layouts.items():
            sheet = self.package.worksheet(name)
            items = by_sheet.get(name, [])
            for item in items:
                self._fill_measure(sheet, layout, item)
            self._conditional_formats(sheet, layout, items)
            if hide_others:
                filled = {item.id for item in items}
                for measure_id, row in sorted(layout.rows.items(), key=lambda kv: kv[1]):
                    if measure_id not in filled:
                        sheet.hide_row(row)
            if hide_unmapped:
                for row in layout.unknown_rows:
                    sheet.hide_row(row)
        if hide_unmapped:  # a pack: the sheets it fills nothing on are hidden, never shown as empty rows
            for name in self.package.sheet_names:
                if name not in self.layouts and name not in KEPT_IN_PACKS:
                    self.package.hide_sheet(name)

    def retitle(self, titles: dict[str, str]) -> None:
        """Show other header text for some columns (a batch build for another LA names that LA)."""
        for name, layout in self.layouts.items():
            for role, text in titles.items():
                if role in layout.columns:
                    self.package.worksheet(name).set_value(f"{column_letter(layout.columns[role])}{layout.header_row}", text)

    def _ref(self, layout: Layout, role: str, row: int, *, absolute_col: bool = False) -> str:
        return f"{'$' if absolute_col else ''}{column_letter(layout.columns[role])}{row}"

    def _style(self, sheet: Worksheet, ref: str, num_fmt: str | None) -> int:
        """The cell's own style plus a number format, or (``None``) in quiet grey italics for text like 'c'."""
        base = sheet.style_of(ref)
        key = (base, num_fmt or "")
        if key not in self._styles:
            if num_fmt:
                self._styles[key] = self.package.add_cell_style(num_fmt=num_fmt, base_style=base)
            else:
                self._styles[key] = self.package.add_cell_style(base_style=base, italic=True, font_color="595959", font_size=8)
        return self._styles[key]

    def _put(self, sheet: Worksheet, ref: str, observation: Observation, unit: str) -> None:
        value = observation.value
        if is_number(value):
            sheet.set_value(ref, value, style=self._style(sheet, ref, number_format(unit, value)))
        elif is_symbol(value):  # 'c', 'No data', 'Not yet available': quiet, so real figures stand out
            sheet.set_value(ref, str(value), style=self._style(sheet, ref, None))
        else:
            sheet.set_value(ref, str(value))

    def _audit(self, layout: Layout, ref: str, item: ResolvedMeasure, series: str, observation: Observation,
               *, transformation: str | None = None) -> None:
        p = observation.provenance
        measure = item.measure
        note = observation.note
        if transformation is None:
            transformation = (p.transformation + (f"; {note}" if note and note not in p.transformation else "")) if p else note
        self.audit.append(AuditRow(
            cell=sheet_ref(layout.sheet, ref), measure_id=measure.id,
            label=self.la.fill(_plain(measure.label)), series=series, value=observation.value, unit=measure.unit,
            period=p.period if p else "", source=p.source_id if p else "",
            source_file=p.display_path if p else "", sha256=p.sha256 if p else "",
            locator=p.locator if p else "", transformation=transformation,
            mapping=p.mapping_ref if p and p.mapping_ref else f"{self._mapping_name}:{measure.line}",
        ))

    def _series_label(self, series: str) -> str:
        if series == "la":
            return self.la.name
        return SERIES_LABELS.get(series) or self.headers.get(series, series)

    def _fill_measure(self, sheet: Worksheet, layout: Layout, item: ResolvedMeasure) -> None:
        row = layout.rows[item.id]
        measure, values = item.measure, item.values
        for series, observation in values.items():
            if series == "target" or series not in layout.columns or series in JUDGED or series in STATIC:
                continue
            ref = self._ref(layout, series, row)
            self.values_filled += 1
            if observation.value is None:  # a month not yet reported: blank by design, and the Audit says why
                self._audit(layout, ref, item, self._series_label(series), observation.with_(value=""))
                continue
            self._put(sheet, ref, observation, self.mapping.units.get(series, measure.unit))
            self._audit(layout, ref, item, self._series_label(series), observation)
        if "updated" in layout.columns:
            la = values["la"].provenance
            ref = self._ref(layout, "updated", row)
            sheet.set_value(ref, la.period if la and la.period else "—")
            self.values_filled += 1
            self._audit(layout, ref, item, "Measure updated", Observation(la.period if la else "—", la),
                        transformation="period of the latest value")
        if "target" in values and "target" in layout.columns:
            target_ref = self._ref(layout, "target", row)
            if values["target"].is_number:
                self._audit(layout, target_ref, item, "Target", values["target"],
                            transformation=f"numeric target used for the RAG; the cell shows the trajectory text. {measure.target_note}".strip())
            else:  # the template's trajectory text is another LA's plan: say so instead of showing it
                self._put(sheet, target_ref, values["target"], measure.unit)
                self._audit(layout, target_ref, item, "Target", values["target"])

        cells = {s: self._ref(layout, s, row, absolute_col=True) for s in values if s in layout.columns}
        judgement = rag_rules.judge(measure, values, cells)
        if "rag" in layout.columns:
            rag_ref = self._ref(layout, "rag", row)
            sheet.set_value(rag_ref, Formula(judgement.formula, cached=judgement.rag) if judgement.formula else judgement.rag)
            self._audit(layout, rag_ref, item, "RAG", Observation(judgement.rag, None),
                        transformation=judgement.reason + (f"; live formula ={judgement.formula}" if judgement.formula else ""))
        if "direction" in layout.columns and "previous" in layout.columns:
            move = travel.direction(values["la"], values["previous"], measure.polarity, cells["la"], cells["previous"])
            dir_ref = self._ref(layout, "direction", row)
            sheet.set_value(dir_ref, Formula(move.formula, cached=move.text))
            verdict = {True: "improving", False: "worsening", None: "no judgement"}[move.good]
            self._audit(layout, dir_ref, item, "Direction", Observation(move.text, None),
                        transformation=f"{values['la'].value} against previous {values['previous'].value}: {verdict}; live formula ={move.formula}")
        if "notes" in layout.columns:
            notes = self._notes(item)
            if notes:
                sheet.set_value(self._ref(layout, "notes", row), notes)

    def _notes(self, item: ResolvedMeasure) -> str:
        by_note: dict[str, list[str]] = {}
        months = [s for s, o in item.values.items() if s in MONTHS and o.value is None]
        for series, observation in item.values.items():
            if series == "target" or not observation.note or series in MONTHS:
                continue
            if series == "previous" and observation.provenance is None and "previous" not in item.measure.series:
                continue
            by_note.setdefault(observation.note, []).append(self._series_label(series))
        parts = [f"{' and '.join(who)}: {note}" for note, who in by_note.items()]
        rule = item.measure.rag.rule
        if rule != "none":
            against = "target" if rule == "target" else rag_rules.COMPARATOR_NAMES[rule]
            parts.append(f"RAG against {against}" + (f" (±{item.measure.rag.tolerance:g})" if item.measure.rag.tolerance else ""))
        la = item.values["la"].provenance
        if la and la.period:
            parts.insert(0, f"Latest: {la.period}")
        if months:
            parts.append(f"{months[0].capitalize()}–{months[-1].capitalize()}: not yet reported")
        return ". ".join(parts)

    def _conditional_formats(self, sheet: Worksheet, layout: Layout, items: list[ResolvedMeasure]) -> None:
        rows = sorted(layout.rows[item.id] for item in items)
        if not rows or "rag" not in layout.columns:
            return
        first, last = rows[0], rows[-1]
        rag_col, la_col = column_letter(layout.columns["rag"]), column_letter(layout.columns["la"])
        sqref = f"{la_col}{first}:{la_col}{last} {rag_col}{first}:{rag_col}{last}"
        rules = []
        for rag, formula in rag_rules.cf_rules(f"${rag_col}{first}").items():
            fill, font = rag_rules.RAG_COLOURS[rag]
            rules.append(CFRule(formula=formula, dxf_id=self.package.add_dxf(fill_color=fill, font_color=font)))
        sheet.add_conditional_format(sqref, rules)

        if "direction" not in layout.columns or "previous" not in layout.columns:
            return
        good = self.package.add_dxf(font_color="00843D", bold=True)
        bad = self.package.add_dxf(font_color="C00000", bold=True)
        by_polarity: dict[str, list[int]] = defaultdict(list)
        for item in items:
            by_polarity[item.measure.polarity].append(layout.rows[item.id])
        dir_col, prev_col = column_letter(layout.columns["direction"]), column_letter(layout.columns["previous"])
        for polarity, polarity_rows in sorted(by_polarity.items()):
            polarity_rows.sort()
            top = polarity_rows[0]
            formulas = travel.cf_rules(f"${la_col}{top}", f"${prev_col}{top}", polarity)
            if formulas:
                sqref = " ".join(f"{dir_col}{r}" for r in polarity_rows)
                sheet.add_conditional_format(sqref, [CFRule(formulas["good"], good), CFRule(formulas["bad"], bad)])


def _shown(value: object, unit: str) -> str:
    """A value as a member reads it in a sentence."""
    if not is_number(value):
        return str(value)
    text = f"{value:,}" if float(value).is_integer() else f"{value:,.1f}"
    return {"percent": f"{text}%", "rate_per_10k": f"{text} per 10,000", "days": f"{text} days", "gbp": f"£{text}",
            "gbp_m": f"£{text}m"}.get(unit, text)


def fill_summary(package: WorkbookPackage, mapping: Mapping, writer: "ScorecardWriter", resolved: list[ResolvedMeasure],
                 sheet_name: str = "Summary") -> None:
    """Fill the Evidence column of the Key Issues table with the latest figures of each theme's measures."""
    if not mapping.summary or sheet_name not in package.sheet_names:
        return
    sheet = package.worksheet(sheet_name)
    values = sheet.values()
    header = next(((r, c) for (r, c), v in values.items() if isinstance(v, str) and norm(v) == norm("Evidence (latest figures)")), None)
    key_col = next((c for (r, c), v in values.items() if header and r == header[0] and isinstance(v, str) and norm(v) == "key"), None)
    if header is None or key_col is None:
        raise UserError(f"template sheet '{sheet_name}': no 'Evidence (latest figures)' and 'Key' headers for the Key Issues table")
    rows = {v[len("theme:"):]: r for (r, c), v in values.items() if c == key_col and isinstance(v, str) and v.startswith("theme:")}
    by_id = {item.id: item for item in resolved}
    cells = {(a.measure_id): a.cell for a in writer.audit if a.series == writer.la.name}
    for theme in mapping.summary:
        if theme.id not in rows:
            raise UserError(f"template sheet '{sheet_name}': no row for theme '{theme.id}' (Key theme:{theme.id})")
        parts, sources = [], []
        for measure_id in theme.evidence:
            item = by_id.get(measure_id)
            if item is None:
                continue  # not reported to this audience
            la = item.values["la"]
            label = writer.la.fill(_plain(item.measure.label)).split(" (")[0].split(" — ")[0]
            parts.append(f"{label}: {_shown(la.value, item.measure.unit)}")
            sources.append(f"{measure_id} ({cells.get(measure_id, 'not filled')})")
        text = "; ".join(parts) or "No figures reported to this audience"
        ref = f"{column_letter(header[1])}{rows[theme.id]}"
        sheet.set_value(ref, text)
        writer.audit.append(AuditRow(
            cell=sheet_ref(sheet_name, ref), measure_id=f"theme:{theme.id}", label=writer.la.fill(theme.theme),
            series="Evidence", value=text, unit="text", period="", source="workbook", source_file="", sha256="",
            locator="; ".join(sources), transformation=f"latest {writer.la.name} value of each evidence measure; see their own Audit rows",
            mapping=display_name(mapping.path)))


def _plain(label: str) -> str:
    return label.replace("<i>", "").replace("</i>", "")
