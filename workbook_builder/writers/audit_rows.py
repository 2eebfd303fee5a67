"""The Audit row, specified once: its fields, the column each is shown in, and the Sources sheet's columns.

Every writer that explains its figures (a scorecard build, a reconciliation report) makes
:class:`AuditRow` objects; :mod:`workbook_builder.writers.audit` writes them, one per row, in
:data:`AUDIT_COLUMNS` order; :mod:`workbook_builder.trace` reads a built workbook's Audit sheet
back into the same objects. No heavy imports: tracing a cell loads nothing but python-calamine.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from operator import attrgetter

SOURCES_COLUMNS: list[tuple[str, int]] = [
    ("Source", 18), ("Kind", 12), ("Description", 46), ("Path", 46), ("SHA-256", 20), ("Size (bytes)", 12),
    ("Rows read", 10), ("Periods covered", 24), ("Sample data", 11), ("Note", 70),
]


@dataclass(frozen=True)
class BuildStamp:
    """When and by which version a workbook was built: the last two columns of every Audit row."""

    built_at: str
    version: str


def _column(title: str, width: int, **default):
    return field(metadata={"title": title, "width": width}, **default)


@dataclass(frozen=True)
class AuditRow:
    """What one filled cell holds and where it came from; each field is a column of the Audit sheet."""

    cell: str = _column("Cell", 16)  # 'Sheet'!D5, linked to the cell
    measure_id: str = _column("Measure id", 26)
    label: str = _column("Label", 40)
    series: str = _column("Series", 11)
    value: object = _column("Value", 10)
    unit: str = _column("Unit", 9)
    period: str = _column("Period", 16)
    source: str = _column("Source", 14)
    source_file: str = _column("Source file", 42)
    sha256: str = _column("SHA-256", 20)
    locator: str = _column("Locator", 50)
    transformation: str = _column("Transformation", 60)
    mapping: str = _column("Mapping", 24)
    built_at: str = _column("Built at", 20, default="")
    tool_version: str = _column("Tool version", 12, default="")

    def cells(self, stamp: BuildStamp | None = None) -> list[object]:
        """The row as written, in column order; ``stamp`` gives the build's time and version."""
        values = list(_ROW(self))
        if stamp is not None:
            values[-2:] = [stamp.built_at, stamp.version]
        return values

    def items(self) -> list[tuple[str, object]]:
        """(column title, value) pairs, in column order: what `scorecard trace` prints."""
        return [(title, getattr(self, name)) for name, title, _width in AUDIT_COLUMNS]

    @classmethod
    def from_titles(cls, record: dict[str, object]) -> "AuditRow":
        """A row read back from an Audit sheet, ``record`` keyed by column title (any case and spacing)."""
        by_title = {" ".join(str(k).split()).casefold(): v for k, v in record.items()}
        values = {name: by_title.get(title.casefold()) for name, title, _width in AUDIT_COLUMNS}
        return cls(**{k: ("" if v is None and k != "value" else v) for k, v in values.items()})



#: (field of AuditRow, column title, column width), left to right: the Audit sheet's columns
AUDIT_COLUMNS: list[tuple[str, str, int]] = [(f.name, f.metadata["title"], f.metadata["width"]) for f in fields(AuditRow)]
_ROW = attrgetter(*(name for name, _title, _width in AUDIT_COLUMNS))  # a row's values in column order, in one call
