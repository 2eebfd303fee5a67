"""Source readers, one module per kind of input, each producing observations with provenance.

A mapping's ``sources:`` entry names a ``kind``; :func:`reader` returns the module that reads
it. Modules are imported on first use, so a command that reads no DfE file never loads pandas.
To add a kind, write one module following :mod:`workbook_builder.sources.base` and add one
line to :data:`KINDS` (the README's "Adding a source" section walks through it).
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

#: kind -> the module (in this package) that reads it
KINDS: dict[str, str] = {
    "annex_a": "annex_a_source",  # Ofsted's Annex A child-level lists: ChAT's measures computed from them
    "chat": "chat",  # Children's Services Analysis Tool export: titled tables by sheet
    "dfe_csv": "dfe",  # DfE open-data CSV ("explore education statistics"), every LA
    "lait": "lait",  # DfE LAIT download: one indicator per sheet, LAs in rows, years in columns
    "local_table": "local",  # a council's own CSV/XLSX report: titled tables or long tables
    "survey": "survey",  # SEND annual-review survey responses, aggregated termly
}


def reader(kind: str) -> ModuleType:
    """The reader module for ``kind``; a kind nobody registered is a ``KeyError`` naming the known ones."""
    if kind not in KINDS:
        raise KeyError(f"unknown source kind '{kind}' (known: {', '.join(KINDS)})")
    return import_module(f"{__name__}.{KINDS[kind]}")


__all__ = ["KINDS", "reader"]
