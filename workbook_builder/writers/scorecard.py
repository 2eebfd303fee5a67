"""Fill a scorecard template: values, RAG and direction, found by measure id, never by coordinates.

The template's header row is the row holding the Key and Outcome / Measure headers; every
other column is found by its header text, and every measure row by the id in the Key
column. Officers can therefore insert, delete and reorder rows and columns in Excel. Only
the cells this module fills change; everything else in the workbook stays as Excel wrote it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import UserError
from ..judgements import direction as travel
from ..judgements import rag as rag_rules
from ..measures.mapping import SERIES_LABELS, Mapping
from ..measures.resolve import ResolvedMeasure
from ..observations import Observation, is_number
from ..sources.tables import column_letter, norm
from .formats import number_format
from .ooxml import CFRule, Formula, Worksheet, WorkbookPackage


@dataclass
class AuditRow:
    cell: str  # 'Sheet'!D5
    sheet: str
    ref: str  # D5
    measure_id: str
    label: str
    series: str
    value: object
    unit: str
    period: str
    source: str
    source_file: str
    sha256: str
    locator: str
    transformation: str
    mapping: str


@dataclass
class Layout:
    header_row: int
    columns: dict[str, int]  # role -> 1-based column
    rows: dict[str, int]  # measure id -> 1-based row
    unknown_keys: list[str] = field(default_factory=list)


ROLES = ("key", "measure", "la", "sn", "england", "target", "rag", "direction", "previous", "notes")
REQUIRED = ("key", "measure", "la", "sn", "england", "rag")


def find_layout(sheet: Worksheet, mapping: Mapping) -> Layout:
    """Locate the header row, the role of each column and the row of each measure."""
    values = sheet.values()
    headers = mapping.columns.model_dump()
    headers["la"] = mapping.local_authority.name
    wanted = {norm(headers[role]): role for role in ROLES}
    header_row, columns = None, {}
    for (row, col), value in sorted(values.items()):
        if isinstance(value, str) and norm(value) == norm(headers["key"]):
            found = {wanted[norm(v)]: c for (r, c), v in values.items() if r == row and isinstance(v, str) and norm(v) in wanted}
            if "measure" in found:
                header_row, columns = row, found
                break
    where = f"template sheet '{mapping.sheet}'"
    if header_row is None:
        raise UserError(f"{where}: no header row with '{headers['key']}' and '{headers['measure']}' columns",
                        hint="The builder finds rows by the measure id in the Key column; regenerate the template or restore the header row.")
    missing = [headers[r] for r in REQUIRED if r not in columns]
    if missing:
        raise UserError(f"{where}: header row {header_row} has no column {', '.join(repr(m) for m in missing)}",
                        hint="Column headers must match the mapping's `columns:` section.")
    key_col = columns["key"]
    rows: dict[str, int] = {}
    known = {m.id for m in mapping.measures()}
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
            unknown.append(f"{key} (row {row})")
    absent = [m for m in known if m not in rows]
    if absent:
        raise UserError(f"{where}: no row for measure id(s) {', '.join(sorted(absent))} in the '{headers['key']}' column",
                        hint="Add a row with that id in the hidden Key column, or remove the measure from the mapping.")
    return Layout(header_row=header_row, columns=columns, rows=rows, unknown_keys=unknown)


class ScorecardWriter:
    """Writes resolved measures into one template sheet, returning an audit row per filled value."""

    def __init__(self, package: WorkbookPackage, mapping: Mapping):
        self.package = package
        self.mapping = mapping
        self.sheet = package.worksheet(mapping.sheet)
        self.layout = find_layout(self.sheet, mapping)
        self._styles: dict[tuple[int | None, str], int] = {}
        self.audit: list[AuditRow] = []

    # --- helpers ---------------------------------------------------------------------------
    def ref(self, role: str, row: int, *, absolute_col: bool = False) -> str:
        col = column_letter(self.layout.columns[role])
        return f"{'$' if absolute_col else ''}{col}{row}"

    def _style(self, ref: str, num_fmt: str | None) -> int:
        """The cell's own style plus a number format, or (``None``) in quiet grey italics for text like 'c'."""
        base = self.sheet.style_of(ref)
        key = (base, num_fmt or "")
        if key not in self._styles:
            if num_fmt:
                self._styles[key] = self.package.add_cell_style(num_fmt=num_fmt, base_style=base)
            else:
                self._styles[key] = self.package.add_cell_style(base_style=base, italic=True, font_color="595959", font_size=8)
        return self._styles[key]

    def _put(self, ref: str, observation: Observation, unit: str) -> None:
        value = observation.value
        if is_number(value):
            self.sheet.set_value(ref, value, style=self._style(ref, number_format(unit, value)))
        else:
            self.sheet.set_value(ref, str(value), style=self._style(ref, None))

    def _audit(self, resolved: ResolvedMeasure, ref: str, series: str, observation: Observation,
               *, value: object = None, transformation: str | None = None) -> None:
        p = observation.provenance
        measure = resolved.measure
        note = observation.note
        self.audit.append(AuditRow(
            cell=f"'{self.mapping.sheet}'!{ref}", sheet=self.mapping.sheet, ref=ref, measure_id=measure.id,
            label=_plain(measure.label), series=series,
            value=observation.value if value is None else value, unit=measure.unit,
            period=p.period if p else "", source=p.source_id if p else "",
            source_file=p.display_path if p else "", sha256=p.sha256 if p else "",
            locator=p.locator if p else "",
            transformation=transformation or ((p.transformation + (f"; {note}" if note else "")) if p else note),
            mapping=(p.mapping_ref if p and p.mapping_ref else f"{_mapping_name(self.mapping)}:{measure.line}"),
        ))

    # --- filling ---------------------------------------------------------------------------
    def fill(self, resolved: list[ResolvedMeasure]) -> None:
        for item in resolved:
            self._fill_measure(item)
        self._conditional_formats(resolved)

    def _fill_measure(self, item: ResolvedMeasure) -> None:
        row = self.layout.rows[item.id]
        measure, values = item.measure, item.values
        cols = self.layout.columns
        for series in ("la", "sn", "england", "previous"):
            if series not in cols:
                continue
            ref = self.ref(series, row)
            self._put(ref, values[series], measure.unit)
            label = self.mapping.local_authority.name if series == "la" else SERIES_LABELS[series]
            self._audit(item, ref, label, values[series])
        if "target" in values and "target" in cols:
            self._audit(item, self.ref("target", row), "Target", values["target"],
                        transformation=f"numeric target used for the RAG; the cell shows the trajectory text. {measure.target_note}".strip())

        cells = {s: self.ref(s, row, absolute_col=True) for s in ("la", "sn", "england", "previous") if s in cols}
        judgement = rag_rules.judge(measure, values, cells)
        rag_ref = self.ref("rag", row)
        if judgement.formula:
            self.sheet.set_value(rag_ref, Formula(judgement.formula, cached=judgement.rag))
        else:
            self.sheet.set_value(rag_ref, judgement.rag)
        self._audit(item, rag_ref, "RAG", Observation(judgement.rag, None), value=judgement.rag,
                    transformation=f"{judgement.reason}" + (f"; live formula ={judgement.formula}" if judgement.formula else ""))

        if "direction" in cols and "previous" in cols:
            move = travel.direction(values["la"], values["previous"], measure.polarity, cells["la"], cells["previous"])
            dir_ref = self.ref("direction", row)
            self.sheet.set_value(dir_ref, Formula(move.formula, cached=move.text))
            verdict = {True: "improving", False: "worsening", None: "no judgement"}[move.good]
            self._audit(item, dir_ref, "Direction", Observation(move.text, None), value=move.text,
                        transformation=f"{values['la'].value} against previous {values['previous'].value}: {verdict}; live formula ={move.formula}")

        if "notes" in cols:
            notes = self._notes(item, judgement)
            if notes:
                self.sheet.set_value(self.ref("notes", row), notes)

    def _notes(self, item: ResolvedMeasure, judgement: rag_rules.Judgement) -> str:
        names = {"la": self.mapping.local_authority.name, "sn": "SN", "england": "England", "previous": "Previous"}
        by_note: dict[str, list[str]] = {}
        for series in ("la", "sn", "england", "previous"):
            observation = item.values[series]
            if observation.note and (series != "previous" or observation.provenance is not None):
                by_note.setdefault(observation.note, []).append(names[series])
        parts = [f"{' and '.join(who)}: {note}" for note, who in by_note.items()]
        rule = item.measure.rag.rule
        if rule != "none":
            against = "target" if rule == "target" else rag_rules.COMPARATOR_NAMES[rule]
            parts.append(f"RAG against {against}" + (f" (±{item.measure.rag.tolerance:g})" if item.measure.rag.tolerance else ""))
        periods = sorted({o.provenance.period for s, o in item.values.items() if s in ("la",) and o.provenance and o.provenance.period})
        if periods:
            parts.insert(0, f"Latest: {', '.join(periods)}")
        return ". ".join(parts)

    def _conditional_formats(self, resolved: list[ResolvedMeasure]) -> None:
        rows = sorted(self.layout.rows[item.id] for item in resolved)
        if not rows:
            return
        first, last = rows[0], rows[-1]
        rag_col, la_col = column_letter(self.layout.columns["rag"]), column_letter(self.layout.columns["la"])
        sqref = f"{la_col}{first}:{la_col}{last} {rag_col}{first}:{rag_col}{last}"
        rules = []
        for rag, formula in rag_rules.cf_rules(f"${rag_col}{first}").items():
            fill, font = rag_rules.RAG_COLOURS[rag]
            rules.append(CFRule(formula=formula, dxf_id=self.package.add_dxf(fill_color=fill, font_color=font)))
        self.sheet.add_conditional_format(sqref, rules)

        if "direction" not in self.layout.columns or "previous" not in self.layout.columns:
            return
        good = self.package.add_dxf(font_color="00843D", bold=True)
        bad = self.package.add_dxf(font_color="C00000", bold=True)
        by_polarity: dict[str, list[int]] = {}
        for item in resolved:
            by_polarity.setdefault(item.measure.polarity, []).append(self.layout.rows[item.id])
        dir_col = column_letter(self.layout.columns["direction"])
        prev_col = column_letter(self.layout.columns["previous"])
        for polarity, polarity_rows in sorted(by_polarity.items()):
            polarity_rows.sort()
            top = polarity_rows[0]
            formulas = travel.cf_rules(f"${la_col}{top}", f"${prev_col}{top}", polarity)
            if not formulas:
                continue
            sqref = " ".join(f"{dir_col}{r}" for r in polarity_rows)
            self.sheet.add_conditional_format(sqref, [CFRule(formulas["good"], good), CFRule(formulas["bad"], bad)])


def _plain(label: str) -> str:
    return label.replace("<i>", "").replace("</i>", "")


def _mapping_name(mapping: Mapping) -> str:
    from ..measures.mapping import display_name

    return display_name(mapping.path)
