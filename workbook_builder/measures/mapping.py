"""Mapping files: which source and locator fills each cell of a workbook.

A mapping is YAML validated into typed objects (pydantic). Every error names the file,
the line and the key at fault and exits with status 2. Each measure keeps the file:line
it was defined on, so the Audit sheet can cite it.

See ``mappings/appendix_x.yaml`` for a complete example and the README for the format.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, Optional, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..audiences import AUDIENCES
from ..errors import UserError

SERIES_LABELS = {"la": "LA", "sn": "SN", "england": "England", "previous": "Previous", "target": "Target"}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Unavailable(Strict):
    """An explicit "not yet available" (or "in development"), with the reason shown in Notes and Audit."""

    not_available: Optional[str] = Field(default=None, min_length=3)
    in_development: Optional[str] = Field(default=None, min_length=3)
    line: int = 0

    @model_validator(mode="after")
    def _one_reason(self) -> "Unavailable":
        if (self.not_available is None) == (self.in_development is None):
            raise ValueError("give exactly one of not_available or in_development, with the reason")
        return self

    @property
    def label(self) -> str:
        return "Not yet available" if self.not_available else "In development"

    @property
    def reason(self) -> str:
        return self.not_available or self.in_development or ""


class Constant(Strict):
    """A value stated in the mapping itself (a baseline or target from a plan), cited by file:line."""

    value: Union[float, str]
    note: str = ""
    line: int = 0


class Locator(Strict):
    """Where one value is in one source.

    * workbook/CSV tables (ChAT, local): ``sheet``, ``table`` (title above the header row),
      ``row`` (label in the table's first column) and ``column`` (header);
    * long tables (DfE open data, local): ``filters`` (column: value) and ``column``, with
      ``period`` ('latest', 'previous' or a value of the period column);
    * DfE open data: ``area`` (la, sn, england) defaults from the series being filled;
    * LAIT downloads: ``sheet`` (the indicator sheet or its title) and ``period`` (a year
      column, 'latest' or 'previous'), the row found from ``area`` (the LA by code, England,
      or the statistical-neighbour row); no ``column``.
    Optional arithmetic: ``divide_by`` (another row/column of the same table or another filter
    set), then ``scale`` and ``round``.
    """

    source: str
    sheet: Optional[str] = None
    table: Optional[str] = None
    row: Optional[str] = None
    column: Optional[str] = None  # required for every source kind except lait
    filters: dict[str, Union[str, int]] = Field(default_factory=dict)
    period: str = "latest"
    period_column: Optional[str] = None
    area: Optional[Literal["la", "sn", "england"]] = None
    divide_by: Optional["Locator"] = None
    scale: Optional[float] = None
    round: Optional[int] = None
    line: int = 0

    @field_validator("filters", mode="before")
    @classmethod
    def _filters_as_text(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k): str(v) for k, v in value.items()}
        return value


class Published(Strict):
    """A figure from DfE's own per-LA data for a measure of ``mappings/published.yaml``.

    ``area`` (default: the series being filled) is ``la`` (the LA's published value),
    ``sn`` (mean of its statistical neighbours with a number), ``england``, ``region``,
    ``quartile`` (1–4 among all LAs) or ``position`` (Lower / In range / Higher than the
    middle 50% of LAs). ``period`` is 'latest', 'previous' or a DfE ``time_period``.
    The files are read from the mapping's ``published_data`` folder (relative to the inputs).
    """

    published: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    area: Optional[Literal["la", "sn", "england", "region", "quartile", "position"]] = None
    period: str = "latest"
    line: int = 0


Series = Union[Unavailable, Constant, Locator, Published]


class Rag(Strict):
    """How the RAG is judged.

    * ``target``: against the measure's numeric target; Amber within ``tolerance`` of it;
    * ``sn`` / ``england``: against that benchmark; Green when at least as good, Amber when worse
      by no more than ``tolerance``, Red when worse by more;
    * ``previous``: against the previous period, the same way;
    * ``none``: not rated (context only, or no comparator yet).
    """

    rule: Literal["target", "sn", "england", "previous", "none"]
    tolerance: float = 0.0

    @field_validator("tolerance")
    @classmethod
    def _non_negative(cls, value: float) -> float:
        if value < 0:
            raise ValueError("tolerance must be 0 or more")
        return value


class Measure(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    source_text: str = ""
    frequency: str = ""
    unit: Literal["percent", "rate_per_10k", "count", "days", "score", "minutes", "gbp", "gbp_m"]
    polarity: Literal["higher_is_better", "lower_is_better", "context"]
    target_text: str = ""
    metric: str = ""  # SEND dashboard: how the indicator is measured
    good: str = ""  # SEND dashboard: what good performance looks like
    reporting_period: str = ""
    target: Optional[float] = None
    target_note: str = ""
    lead: str = ""
    rag: Rag = Rag(rule="none")
    audiences: list[Literal["operational", "clt", "improvement_board", "scrutiny"]] = list(AUDIENCES)
    series: dict[str, Series]
    monthly: Optional[Locator] = None  # one value per month of the financial year, into columns apr … mar
    line: int = 0  # set by the loader

    @field_validator("series")
    @classmethod
    def _series_names(cls, value: dict) -> dict:
        bad = [k for k in value if not k.replace("_", "").isalnum() or not k[:1].isalpha()]
        if bad:
            raise ValueError(f"series names are lower-case words joined by _: {', '.join(bad)}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "Measure":
        if "la" not in self.series:
            raise ValueError("series needs `la` (a locator, a value, or not_available with the reason)")
        if self.rag.rule == "target" and self.target is None:
            raise ValueError("rag rule 'target' needs a numeric `target`")
        if self.rag.rule != "none" and self.polarity == "context":
            raise ValueError("a context-only measure (polarity: context) cannot be RAG rated; use rag: {rule: none}")
        return self


class Section(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    sheet: Optional[str] = None  # default: the mapping's sheet
    kind: Literal["outcome", "enablers"] = "outcome"
    measures: list[Measure]
    line: int = 0


class Source(Strict):
    kind: Literal["chat", "dfe_csv", "local_table", "survey", "lait"]
    path: str
    description: str = ""


class Area(Strict):
    name: str
    new_la_code: str = Field(pattern=r"^E\d{8}$")
    old_la_code: str = Field(pattern=r"^\d{3}$")


#: Header texts of a template's columns, by role; columns are found by these, not by letter.
#: A mapping's ``columns:`` adds roles (one per extra series) or renames headers.
DEFAULT_COLUMNS = {
    "key": "Key", "measure": "Outcome / Measure", "source": "Source (Benchmark / Local)", "frequency": "Freq",
    "la": "Shropshire", "sn": "Stat Neighbours", "england": "England", "target": "Target / Trajectory",
    "lead": "Lead (owner)", "rag": "RAG", "direction": "Direction", "previous": "Previous", "notes": "Notes",
    **{m: m.capitalize() for m in ("apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "jan", "feb", "mar")},
}


class Theme(Strict):
    """A row of the Key Issues for Scrutiny table, with the measures whose latest figures evidence it."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    theme: str
    position: str
    risk: str
    focus: str
    evidence: list[str] = Field(default_factory=list)


class Mapping(Strict):
    workbook: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    template: str
    output: str
    sheet: str
    local_authority: Area
    statistical_neighbours: str  # source id of the neighbour table (or a path relative to inputs)
    published_data: str = "dfe"  # folder of DfE open-data CSVs for `published:` series, relative to inputs
    columns: dict[str, str] = Field(default_factory=dict)
    units: dict[str, Literal["percent", "rate_per_10k", "count", "days", "score", "minutes", "gbp", "gbp_m"]] = Field(default_factory=dict)
    sources: dict[str, Source]
    sections: list[Section]
    summary: list[Theme] = Field(default_factory=list)
    financial_year: Optional[str] = Field(default=None, pattern=r"^20\d\d-\d\d$")  # e.g. 2026-27, for monthly series
    path: Path = Path()

    def measures(self) -> list[Measure]:
        return [m for s in self.sections for m in s.measures]

    def headers(self) -> dict[str, str]:
        """Column header text by role: defaults, the LA's name for ``la``, then the mapping's own."""
        return {**DEFAULT_COLUMNS, "la": self.local_authority.name, **self.columns}

    def sheet_of(self, section: Section) -> str:
        return section.sheet or self.sheet

    @model_validator(mode="after")
    def _references(self) -> "Mapping":
        headers = self.headers()
        for measure in self.measures():
            unknown = [k for k in measure.series if k not in headers]
            if unknown:
                raise ValueError(f"measure '{measure.id}': series {', '.join(unknown)} has no column; add it under `columns:`")
        if any(m.monthly for m in self.measures()) and not self.financial_year:
            raise ValueError("measures with `monthly:` need the mapping's `financial_year` (e.g. 2026-27)")
        ids = [m.id for m in self.measures()]
        unknown = sorted({e for t in self.summary for e in t.evidence} - set(ids))
        if unknown:
            raise ValueError(f"summary evidence names unknown measure id(s): {', '.join(unknown)}")
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"measure ids must be unique; repeated: {', '.join(duplicates)}")
        return self


# --- loading with line numbers -------------------------------------------------------------


class _LineDict(dict):
    """A dict from YAML that remembers the line of each key (1-based)."""

    lines: dict[str, int]
    line: int


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when available: 5x faster
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> _LineDict:
    loader.flatten_mapping(node)
    result = _LineDict()
    result.lines = {}
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise UserError(f"line {key_node.start_mark.line + 1}: duplicate key '{key}'")
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[str(key)] = key_node.start_mark.line + 1
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _line_for(raw: Any, loc: tuple) -> tuple[int, str]:
    """The line of the deepest key in ``loc`` that the raw YAML has, and the dotted key path."""
    line, node = getattr(raw, "line", 1), raw
    for part in loc:
        if isinstance(node, _LineDict) and part in node:
            line = node.lines.get(str(part), line)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            line = getattr(node, "line", line)
        else:
            continue  # pydantic adds union-member names like 'Locator' to loc
    return line, ".".join(str(p) for p in loc if not (isinstance(p, str) and p[:1].isupper()))


def _stamp_lines(raw: Any, mapping: dict) -> None:
    """Copy each section's and measure's line into the raw data so the models keep it."""
    for section in raw.get("sections", []) or []:
        if isinstance(section, _LineDict):
            section["line"] = section.line
            for measure in section.get("measures", []) or []:
                if isinstance(measure, _LineDict):
                    measure["line"] = measure.line
                    series = measure.get("series")
                    for spec in (series.values() if isinstance(series, dict) else []):  # locators and constants
                        while isinstance(spec, _LineDict):
                            spec["line"] = spec.line
                            spec = spec.get("divide_by")


def load_mapping(path: Path) -> Mapping:
    """Read and validate a mapping file; any problem is a :class:`UserError` naming file:line and key."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"mapping file not found: {path}", hint="Mappings live in mappings/*.yaml.")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 text (byte {exc.start})", hint="Save the mapping as UTF-8.") from None
    try:
        raw = yaml.load(text, Loader=_Loader)  # noqa: S506 - SafeLoader subclass
    except UserError as exc:
        raise UserError(f"{path}: {exc.message}", hint="Each key may appear once in a mapping.") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise UserError(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})", hint="Check indentation and quoting.") from exc
    if not isinstance(raw, dict):
        raise UserError(f"{path}:1: a mapping file must be a YAML mapping (key: value), not {type(raw).__name__}")
    _stamp_lines(raw, raw)
    try:
        mapping = Mapping.model_validate({**raw, "path": path})
    except ValidationError as exc:
        problems = []
        for error in exc.errors()[:8]:
            line, key = _line_for(raw, tuple(error["loc"]))
            problems.append(f"{path}:{line}: {key or '(top level)'}: {error['msg']}")
        more = f"\n  … and {exc.error_count() - 8} more" if exc.error_count() > 8 else ""
        raise UserError("invalid mapping\n  " + "\n  ".join(problems) + more, hint="Fix the key named above; the README describes the mapping format.") from None
    _check_sources(mapping, raw)
    return mapping


def _check_sources(mapping: Mapping, raw: dict) -> None:
    """Every locator must name a declared source."""
    for s_index, section in enumerate(mapping.sections):
        for m_index, measure in enumerate(section.measures):
            for series, spec in measure.series.items():
                for locator in _locators(spec):
                    if locator.source not in mapping.sources:
                        line, _ = _line_for(raw, ("sections", s_index, "measures", m_index, "series", series, "source"))
                        raise UserError(
                            f"{mapping.path}:{line}: sections.{s_index}.measures.{m_index}.series.{series}.source: "
                            f"unknown source '{locator.source}' in measure '{measure.id}'",
                            hint=f"Declared sources: {', '.join(mapping.sources)}",
                        )


def _locators(spec: Series):
    while isinstance(spec, Locator):
        yield spec
        spec = spec.divide_by


def mapping_ref(mapping: Mapping, line: int) -> str:
    return f"{display_name(mapping.path)}:{line}"


def display_name(path: Path) -> str:
    parts = Path(path).parts
    return "/".join(parts[-2:]) if len(parts) >= 2 else str(path)
