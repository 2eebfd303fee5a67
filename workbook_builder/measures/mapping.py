"""Mapping files: which source and locator fills each cell of a workbook.

A mapping is YAML validated into typed objects (pydantic). Every error names the file,
the line and the key at fault and exits with status 2. Each measure keeps the file:line
it was defined on, so the Audit sheet can cite it.

See ``mappings/appendix_x.yaml`` for a complete example and the README for the format.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..audiences import AUDIENCES
from ..errors import UserError
from ..periods import MONTH_KEYS
from ..sources import KINDS, reader
from ..sources.locator import Locator
from ..yamlfile import LineDict, line_of, validate
from ..yamlfile import load as load_yaml

SERIES_LABELS = {"la": "LA", "sn": "SN", "england": "England", "previous": "Previous", "target": "Target"}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)  # NaN and infinity are never figures


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


class Published(Strict):
    """A figure from DfE's own per-LA data for a measure of ``mappings/published.yaml``.

    ``area`` (default: the series being filled) is ``la`` (the LA's published value),
    ``sn`` (mean of its statistical neighbours with a number), ``england``, ``region``,
    ``quartile`` (1–4 among all LAs), ``position`` (Lower / In range / Higher than the
    middle 50% of LAs) or ``period`` (the period the figures are for, as text: a row's "Published"
    date). ``period`` is 'latest', 'previous' or a DfE ``time_period``.
    The files are read from the mapping's ``published_data`` folder (relative to the inputs).
    """

    published: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    area: Optional[Literal["la", "sn", "england", "region", "quartile", "position", "period"]] = None
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
    # DfE publishes this measure per LA, but in a file no published.yaml measure reads yet: which publication and
    # file it needs. A benchmarking pack (--published-only) shows the row as "Not yet available" with this reason.
    dfe_needs: Optional[str] = Field(default=None, min_length=10)
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
    """An input of the workbook: its kind (which reader reads it) and its path under the inputs folder.

    The path may hold a wildcard (``chat/ChAT_*.xlsx``) so that a new extract with a new date in
    its name needs no edit; exactly one file may match."""

    kind: str
    path: str
    description: str = ""

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in KINDS:
            raise ValueError(f"unknown source kind '{value}'; known kinds: {', '.join(KINDS)}")
        return value


#: Header texts of a template's columns, by role; columns are found by these, not by letter.
#: A mapping's ``columns:`` adds roles (one per extra series) or renames headers.
DEFAULT_COLUMNS = {
    "key": "Key", "measure": "Outcome / Measure", "source": "Source (Benchmark / Local)", "frequency": "Freq",
    "la": "{la}", "sn": "Stat Neighbours", "england": "England", "target": "Target / Trajectory",
    "lead": "Lead (owner)", "rag": "RAG", "direction": "Direction", "previous": "Previous", "notes": "Notes",
    **{m: m.capitalize() for m in MONTH_KEYS},
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
    published_data: str = "dfe"  # folder of DfE open-data CSVs for `published:` series, relative to inputs
    columns: dict[str, str] = Field(default_factory=dict)
    units: dict[str, Literal["percent", "rate_per_10k", "count", "days", "score", "minutes", "gbp", "gbp_m"]] = Field(default_factory=dict)
    sources: dict[str, Source]
    sections: list[Section]
    summary: list[Theme] = Field(default_factory=list)
    financial_year: Optional[str] = Field(default=None, pattern=r"^20\d\d-\d\d$")  # e.g. 2026-27, for monthly series
    # The LA whose plan the mapping's targets and stated baselines are (its code): for any other LA they are
    # "Not yet available", never another council's plan. None: they are whichever LA builds.
    targets_for: Optional[str] = None
    path: Path = Path()

    def measures(self) -> list[Measure]:
        return [m for s in self.sections for m in s.measures]

    def headers(self) -> dict[str, str]:
        """Column header text by role: the defaults, then the mapping's own. ``{la}`` in a header stands
        for the LA's name (the LA column is headed ``{la}`` unless the mapping says otherwise)."""
        return {**DEFAULT_COLUMNS, **self.columns}

    def sheet_of(self, section: Section) -> str:
        return section.sheet or self.sheet

    @field_validator("output")
    @classmethod
    def _plain_file_name(cls, value: str) -> str:
        if not value or value in (".", "..") or "/" in value or "\\" in value or ":" in value:
            raise ValueError("give a file name only (no folder): the workbook is written into the outputs folder")
        if not value.lower().endswith((".xlsx", ".xlsm")):
            raise ValueError("the output's name must end in .xlsx or .xlsm, as its template does")
        return value

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


def _stamp_lines(raw: Any, mapping: dict) -> None:
    """Copy each section's and measure's line into the raw data so the models keep it."""
    for section in raw.get("sections", []) or []:
        if isinstance(section, LineDict):
            section["line"] = section.line
            for measure in section.get("measures", []) or []:
                if isinstance(measure, LineDict):
                    measure["line"] = measure.line
                    series = measure.get("series")
                    for spec in (series.values() if isinstance(series, dict) else []):  # locators and constants
                        while isinstance(spec, LineDict):
                            spec["line"] = spec.line
                            spec = spec.get("divide_by")


#: Keys an older mapping had, and why they went.
RETIRED_KEYS = {
    "local_authority": "the LA is no longer set in a mapping: it is the workspace's (`la:` in scorecard.yaml, or --la), "
                       "so one mapping serves any council. Delete the local_authority block",
    "statistical_neighbours": "neighbours come from the LA's row of mappings/statistical_neighbours.csv. Delete this line",
}


def load_mapping(path: Path) -> Mapping:
    """Read and validate a mapping file; any problem is a :class:`UserError` naming file:line and key.

    A mapping that validated once is kept, as validated, in the user's cache (see :mod:`.cache`),
    keyed by the file's bytes and the code that validates it: the next build loads it in a few
    milliseconds instead of parsing and validating 160 KB of YAML again."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"mapping file not found: {path}", hint="Mappings live in mappings/*.yaml.")
    from .cache import cached_mapping, keep_mapping

    data = path.read_bytes()
    hit = cached_mapping(data)
    if hit is not None:
        return hit.model_copy(update={"path": path})
    mapping = _validate_mapping(path)
    keep_mapping(data, mapping)
    return mapping


def _validate_mapping(path: Path) -> Mapping:
    raw = load_yaml(path, what="mapping file")
    for key, why in RETIRED_KEYS.items():
        if key in raw:
            raise UserError(f"{path}:{raw.lines.get(key, 1)}: {key}: {why}.", hint="The README's mapping format shows a current mapping.")
    _stamp_lines(raw, raw)
    mapping = validate(Mapping, {**raw, "path": path}, raw, path, what="mapping",
                       hint="Fix the key named above; the README describes the mapping format.")
    _check_sources(mapping, raw)
    return mapping


def _check_sources(mapping: Mapping, raw: dict) -> None:
    """Every locator must name a declared source, and give what that source's reader needs."""
    for s_index, section in enumerate(mapping.sections):
        for m_index, measure in enumerate(section.measures):
            specs = [(series, spec) for series, spec in measure.series.items()]
            if measure.monthly is not None:
                specs.append(("monthly", measure.monthly))
            for series, spec in specs:
                where = ("sections", s_index, "measures", m_index) + (("monthly",) if series == "monthly" else ("series", series))
                for locator in locators_in(spec):
                    key = ".".join(map(str, where))
                    if locator.source not in mapping.sources:
                        line, _ = line_of(raw, where + ("source",))
                        raise UserError(
                            f"{mapping.path}:{line}: {key}.source: unknown source '{locator.source}' in measure '{measure.id}'",
                            hint=f"Declared sources: {', '.join(mapping.sources)}",
                        )
                    kind = mapping.sources[locator.source].kind
                    problem = reader(kind).check(locator)
                    if problem:
                        line, _ = line_of(raw, where)
                        raise UserError(f"{mapping.path}:{locator.line or line}: {key}: measure '{measure.id}': {problem} "
                                        f"(source '{locator.source}' is {kind})",
                                        hint="The README's mapping format says what each source kind's locator holds.")


def locators_in(spec: Series):
    """A series' locator and the locators it divides by (none for a constant or an unavailable value)."""
    while isinstance(spec, Locator):
        yield spec
        spec = spec.divide_by


def mapping_ref(mapping: Mapping, line: int) -> str:
    return f"{display_name(mapping.path)}:{line}"


def display_name(path: Path) -> str:
    parts = Path(path).parts
    return "/".join(parts[-2:]) if len(parts) >= 2 else str(path)
