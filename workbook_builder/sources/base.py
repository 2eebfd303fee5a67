"""What every source reader shares: the context it reads in and the record of the input file it reads
(the locator it is asked is :class:`workbook_builder.sources.locator.Locator`).

A reader module (one per source kind, registered in :mod:`workbook_builder.sources`) exposes

* ``KIND`` — the ``kind:`` a mapping's ``sources:`` entry names, e.g. ``lait``;
* ``SCOPE`` — ``"local"`` for one council's own extract (ChAT, case management, a survey, a
  LAIT download made for the LA), ``"national"`` for a file that holds every LA (DfE open data);
* ``check(locator) -> str | None`` — what is wrong with a locator for this kind (checked when
  the mapping is loaded, so the error names the mapping's file and line), or None;
* ``observe(locator, area, context) -> Observation`` — the one value the locator points at for
  ``area`` (``la``, ``sn`` or ``england``), with its :class:`~workbook_builder.observations.Provenance`;
* optionally ``periods(locator, context) -> list[str]`` — the periods the locator's rows hold
  (a dashboard's monthly columns ask for each month in turn);
* optionally ``quality(path) -> list`` — the data-quality problems of a file of this kind, each with
  ``line()`` and the fields a Data quality sheet shows (``validate`` prints them, a build writes them).

A reader keeps its internals to itself: the resolver sees only observations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..authorities import LocalAuthority
from ..errors import UserError
from ..files import resolved
from ..observations import NO_DATA, Observation, Provenance, file_sha256
from ..periods import pick

AREAS = ("la", "sn", "england")


def display_path(path: Path, root: Path | None = None, inputs: Path | None = None) -> str:
    """A path as people should see it, the same whatever the current folder: relative to the project
    ``root`` when inside it, else to the parent of the ``inputs`` folder, else just the file name."""
    path = resolved(path)
    for base in filter(None, [root, resolved(inputs).parent if inputs else None]):
        try:
            return path.relative_to(resolved(base)).as_posix()
        except ValueError:
            continue
    return path.name


def release_path(path: Path, root: Path | None = None, inputs: Path | None = None) -> str:
    """:func:`display_path` for one release of a DfE file: outside the project it keeps its folder
    (``dfe-2025/cla_….csv``), so two releases of the same file are told apart."""
    shown = display_path(path, root, inputs)
    return f"{resolved(path).parent.name}/{shown}" if "/" not in shown else shown


def release_record(files: dict, path: Path, root: Path | None = None, inputs: Path | None = None) -> "InputFile":
    """The Sources-sheet record of one DfE release file, made once in ``files`` (keyed ``published:<path>``)."""
    key = f"published:{path}"
    if key not in files:
        files[key] = InputFile(f"published:{path.name}", "dfe_csv", path, release_path(path, root, inputs),
                               description="DfE open data, per-LA published figures (mappings/published.yaml)")
    return files[key]


@dataclass
class InputFile:
    """One input file of a build, with the facts the Sources sheet shows about it.

    ``missing`` names why a local extract was not read (there is none for the LA); such a file
    has no fingerprint, and every value asked of it is "No data" with that reason."""

    source_id: str
    kind: str
    path: Path
    display_path: str
    description: str = ""
    sample: bool = False
    sample_note: str = ""
    rows_read: int = 0
    periods: set[str] = field(default_factory=set)
    missing: str = ""
    _counted: set = field(default_factory=set, repr=False, compare=False)

    def count_rows(self, selection: object, rows: int) -> None:
        """Add ``rows`` to the rows read the first time ``selection`` (any key naming what was read) is read."""
        if selection not in self._counted:
            self._counted.add(selection)
            self.rows_read += rows

    @property
    def sha256(self) -> str:
        """The file's SHA-256 (computed once per version of the file); empty for a missing extract."""
        return "" if self.missing else file_sha256(self.path)

    @property
    def size(self) -> int | str:
        """The file's size in bytes; empty for a missing extract."""
        return "" if self.missing else self.path.stat().st_size

    @property
    def note(self) -> str:
        """What the Sources sheet says of the file: why it is missing, or its sample-data note."""
        return self.missing or self.sample_note


def require_file(path: Path, what: str) -> Path:
    """``path`` when it is a file; otherwise a UserError naming ``what`` and where to fix the path."""
    if not path.is_file():
        raise UserError(
            f"{what} not found: {path}",
            hint="Check the path in the mapping's `sources:` section and the --inputs folder.",
        )
    return path


@dataclass
class Context:
    """What a reader is given with a locator: the LA, the input file, who asked, and the period rules.

    The resolver makes one per value; the reader counts what it read into ``file`` (rows read,
    periods covered) for the Sources sheet."""

    la: LocalAuthority
    file: InputFile
    mapping_ref: str  # file:line of the mapping entry that asked
    neighbours: Callable[[], list]  # the LA's statistical neighbours, closest first (read on first use)
    as_of: str | None = None  # --period: the latest local period to use
    sn_method: str | None = None  # --sn-method: mean or median of the neighbours, for every measure (None: each measure's own)

    def provenance(self, locator: str, *, period: str = "", transformation: str = "as recorded") -> Provenance:
        """Provenance of a value read from ``file`` at ``locator`` (the resolved cell, or the filters and column)."""
        f = self.file
        return Provenance(source_id=f.source_id, path=f.path, display_path=f.display_path, sha256=f.sha256,
                          locator=locator, period=period, transformation=transformation, mapping_ref=self.mapping_ref)

    def pick(self, periods: list[str], wanted: str, *, capped: bool = True, shown: Callable[[str], str] = str) -> str:
        """The period ``wanted`` ('latest', 'previous' or a label) among ``periods``; ``--period``
        caps local data (``capped``), never DfE's published years."""
        return pick(periods, wanted, str(self.file.path), as_of=self.as_of if capped else None, shown=shown)

    def no_extract(self, locator: str) -> Observation:
        """The value of a local extract the LA does not have: "No data", with the reason."""
        return Observation(value=NO_DATA, note=self.file.missing, provenance=self.provenance(
            f"{self.file.display_path} ({locator})", transformation=f"not read: {self.file.missing}"))


def area_label(area: str, la: LocalAuthority) -> str:
    """How an area is named in an Audit locator: the LA with its code, England, or the neighbours."""
    return {"la": f"{la.name} ({la.code})", "sn": "statistical neighbours", "england": "England"}.get(area, area)


__all__ = ["AREAS", "Context", "InputFile", "area_label", "display_path", "release_path", "release_record", "require_file"]
