"""The workspace: the folder a council's team works in, and the LA it builds for.

A workspace is a folder holding ``mappings/`` and ``templates/`` (the scorecard project itself
is one; ``scorecard init`` makes another for a new council). Its ``scorecard.yaml`` names the
LA by code, and everything about the LA follows from that code: its name, old code and region
(``mappings/local_authorities.csv``), its statistical neighbours
(``mappings/statistical_neighbours.csv``), and every title, column header, note and warning
that names it::

    la: E06xxxxxx          # the LA's new code (or its old number)
    name: <short name>     # optional: the name shown in workbooks (default: DfE's name for it)
    inputs: inputs         # optional: the folder of extracts (default: inputs)
    outputs: outputs       # optional: where workbooks are written (default: outputs)
    published: inputs/dfe  # optional: DfE's open-data files for the measures DfE publishes per LA

Paths are relative to the workspace. ``--la CODE`` on a command builds for another LA from
the same workspace; that LA's local extracts are not in it, so local rows say so.

An inputs folder may have a ``MANIFEST.yaml``: ``la:`` (whose local extracts the folder holds),
and ``files:`` (which files are sample data, with a note each) — see :func:`read_manifest`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Literal, Optional, Union

from .authorities import LocalAuthority, check_name, find_authority
from .errors import UserError
from .files import resolved

CONFIG_NAME = "scorecard.yaml"
PACKAGE_ROOT = Path(__file__).resolve().parents[1]  # the scorecard project this package is installed from


def project_root(start: Path | None = None) -> Path:
    """The folder holding ``mappings/`` and ``templates/``: the current folder or one above it, else the package's checkout."""
    here = (start or Path.cwd()).resolve()
    for candidate in [here, *here.parents]:
        if (candidate / "mappings").is_dir() and (candidate / "templates").is_dir():
            return candidate
    return PACKAGE_ROOT


def reference_file(root: Path, name: str) -> Path:
    """A reference table of ``mappings/`` (the LA list, the neighbours, the published measures): the
    workspace's own copy, else the one shipped with scorecard."""
    own = Path(root) / "mappings" / name
    return own if own.is_file() else PACKAGE_ROOT / "mappings" / name


@dataclass(frozen=True)
class Manifest:
    """What an inputs folder says of itself: whose local extracts it holds, and which files are sample data."""

    la: str | None = None
    files: dict[str, dict] = field(default_factory=dict)
    where: str = ""  # file:line of `la:`, for errors

    def entry(self, relative: str) -> dict:
        return self.files.get(relative, {})


def read_manifest(inputs: Path) -> Manifest:
    """``MANIFEST.yaml`` in the inputs folder, if there is one: ``la: CODE`` and ``files:`` mapping each
    path (relative to the folder) to ``{sample: true|false, note: ...}``."""
    from .yamlfile import load

    path = Path(inputs) / "MANIFEST.yaml"
    if not path.is_file():
        return Manifest()
    data = load(path, what="inputs manifest")
    files = data.get("files") or {}
    if not isinstance(files, dict) or not all(isinstance(v, dict) for v in files.values()):
        raise UserError(f"{path}:{data.lines.get('files', 1)}: expected `files:` mapping each input path to {{sample: true|false, note: ...}}",
                        hint="Without a readable manifest the build cannot say which inputs are sample data.")
    la = data.get("la")
    return Manifest(la=str(la).strip() if la not in (None, "") else None, files={str(k): v for k, v in files.items()},
                    where=f"{path}:{data.lines.get('la', 1)}")


@dataclass(frozen=True)
class Workspace:
    """A workspace resolved: every path absolute, and the LA it builds for (when one is named)."""

    root: Path
    config: Path | None  # the scorecard.yaml read, if any
    chosen: LocalAuthority | None
    inputs: Path
    outputs: Path
    published: tuple[Path, ...] = ()  # folders of DfE releases for `published:` series (none: each mapping's published_data under inputs)
    cache: dict = field(default_factory=dict, compare=False, repr=False)  # what one run derives once (the published folders' listing)
    home: LocalAuthority | None = None  # the LA scorecard.yaml names, whatever --la asks for
    sn_model: str | None = None  # the statistical-neighbour model (--sn-model, sn_model:); None: the newest in the table
    sn_method: str | None = None  # mean or median of the neighbours (--sn-method, sn_method:); None: each measure's own

    def extracts_owner(self, manifest: Manifest) -> LocalAuthority | None:
        """The LA whose local extracts the inputs folder holds: the one its MANIFEST.yaml names, else the
        workspace's own (scorecard.yaml); None when neither says (then they are taken as the built LA's)."""
        if manifest.la:
            try:
                return find_authority(self.authorities, manifest.la)
            except UserError as exc:
                raise UserError(f"{manifest.where}: la: {exc.message}", hint=exc.hint) from None
        return self.home

    @property
    def la(self) -> LocalAuthority:
        """The LA this workspace builds for; an error saying how to name one when neither scorecard.yaml nor --la does."""
        if self.chosen is None:
            raise UserError(f"no LA: {self.root} has no {CONFIG_NAME} naming the council it builds for",
                            hint="Pass --la CODE, or start a workspace with: scorecard init FOLDER --la CODE")
        return self.chosen

    def for_la(self, la: LocalAuthority) -> "Workspace":
        """The same workspace building for another LA (a benchmarking pack)."""
        return replace(self, chosen=la)

    def reference(self, name: str) -> Path:
        return reference_file(self.root, name)

    @property
    def neighbours(self) -> Path:
        return self.reference("statistical_neighbours.csv")

    @property
    def authorities(self) -> Path:
        return self.reference("local_authorities.csv")

    @property
    def published_measures(self) -> Path:
        return self.reference("published.yaml")


@lru_cache(maxsize=1)
def _config_model():
    """The settings model, made on first use (pydantic is imported only by commands that read settings)."""
    from pydantic import BaseModel, ConfigDict, Field

    class WorkspaceConfig(BaseModel):
        model_config = ConfigDict(extra="forbid")

        la: str = Field(min_length=3, description="the LA's new code (E06…/E08…/E09…/E10…) or old three-digit number")
        name: Optional[str] = Field(default=None, min_length=1)
        inputs: str = "inputs"
        outputs: str = "outputs"
        published: Union[str, list[str], None] = None  # a folder of DfE releases, or a list of them
        sn_model: Optional[str] = Field(default=None, min_length=1)  # e.g. "2021"; default: the newest model
        sn_method: Optional[Literal["mean", "median"]] = None

    return WorkspaceConfig


def read_config(path: Path):
    """``scorecard.yaml`` validated; errors name the file, line and key."""
    from .yamlfile import load, validate

    raw = load(path, what="workspace settings file")
    data = {k: (str(v) if isinstance(v, (int, float)) and k == "la" else v) for k, v in raw.items()}
    return validate(_config_model(), data, raw, Path(path), what="workspace settings",
                    hint="scorecard.yaml holds la: CODE and, optionally, name:, inputs:, outputs:, published:, sn_model: and sn_method:.")


def settings_line(path: Path, key: str = "la") -> int:
    """The line of ``key`` in a settings file (1 when it cannot be told)."""
    from .yamlfile import load

    return load(path, what="workspace settings file").lines.get(key, 1)


def load_workspace(root: Path | None = None, *, la: str | None = None, inputs: Path | None = None,
                   outputs: Path | None = None, published=None, sn_model: str | None = None,
                   sn_method: str | None = None) -> Workspace:
    """The workspace at ``root`` (default: the project folder around the current folder), for the LA
    ``la`` names (a new or old code) or else the one its ``scorecard.yaml`` names. ``inputs``,
    ``outputs`` and ``published`` (a folder or several) override the settings' folders; ``sn_model`` and
    ``sn_method`` its statistical-neighbour model and method."""
    root = resolved(root) if root else project_root()
    path = root / CONFIG_NAME
    settings = read_config(path) if path.is_file() else None
    authorities = reference_file(root, "local_authorities.csv")
    home = None
    if settings is not None:
        if settings.name is not None:
            check_name(settings.name, f"{path}:{settings_line(path, 'name')}: name")
        try:
            home = find_authority(authorities, settings.la).named(settings.name)
        except UserError as exc:
            raise UserError(f"{path}:{settings_line(path)}: la: {exc.message}", hint=exc.hint) from None
    if la:
        chosen = find_authority(authorities, la)
        if home is not None and chosen.code == home.code:
            chosen = home
    else:
        chosen = home
    given = settings or _config_model().model_construct(inputs="inputs", outputs="outputs", published=None, sn_model=None, sn_method=None)
    return Workspace(
        root=root, config=path if settings is not None else None, chosen=chosen,
        inputs=resolved(inputs) if inputs else resolved(root / given.inputs),
        outputs=resolved(outputs) if outputs else resolved(root / given.outputs),
        published=_folders(published, Path.cwd()) if published else _folders(given.published, root),
        home=home, sn_model=str(sn_model) if sn_model else given.sn_model, sn_method=sn_method or given.sn_method,
    )


def _folders(value, base: Path) -> tuple[Path, ...]:
    """A folder, or a list of them (relative ones from ``base``), resolved."""
    items = [] if not value else [value] if isinstance(value, (str, Path)) else list(value)
    return tuple(resolved(base / p) for p in items)


__all__ = ["CONFIG_NAME", "Manifest", "PACKAGE_ROOT", "Workspace", "load_workspace", "project_root", "read_manifest", "reference_file"]
