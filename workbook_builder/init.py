"""``scorecard init FOLDER --la CODE``: a working folder for a council that starts with scorecard.

It holds what the team edits and what they feed in, and nothing that names another council:

* ``scorecard.yaml`` — the LA (by code; its name, region and neighbours follow from it);
* ``mappings/`` and ``templates/`` — copies of the project's, to edit as the team's own (a
  ``{la}`` in their text is the LA's name; the LA list, the neighbours and the published
  measures come too, so the folder stands alone);
* ``inputs/`` — a folder per kind of extract and a ``README.md`` saying which file goes where,
  with the columns each must have and an example; ``inputs/dfe/`` starts with the bundled
  sample's DfE-format files (synthetic figures for every LA, marked as sample data in
  ``inputs/MANIFEST.yaml``) so the first build fills every DfE row, until the team puts DfE's
  own downloads there;
* ``outputs/`` — where the workbooks go.

It then validates the new folder, which says what is still missing. Commands run inside the
folder use it, as they use the project folder.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .authorities import check_name, find_authority
from .errors import UserError
from .files import make_folder, resolved, write_atomic
from .sources.releases import PublishedFolders
from .workspace import CONFIG_NAME, PACKAGE_ROOT, project_root, reference_file

SAMPLE_DFE_NOTE = ("Sample DfE open-data file bundled with scorecard: synthetic figures for every LA, in DfE's format. "
                   "Replace it with DfE's own download before publishing anything.")


@dataclass
class Initialised:
    """A new workspace: where, for which LA, what was written, and what validating it found."""

    folder: Path
    la: object  # LocalAuthority
    written: list[Path]
    reports: list = field(default_factory=list)  # ValidationReport, one per workbook
    problem: str = ""  # what stopped the first validate, if anything did
    plans_of: dict = field(default_factory=dict)  # mapping file -> the LA code whose targets it holds, when not this LA's

    def summary(self) -> list[str]:
        lines = [f"Workspace for {self.la.name} ({self.la.code}) created in {self.folder}: "
                 f"{CONFIG_NAME}, {sum(1 for p in self.written if p.parent.name == 'mappings')} mapping files, "
                 f"{sum(1 for p in self.written if p.parent.name == 'templates')} templates, inputs/ (its README.md says "
                 "which extract goes where) and outputs/."]
        lines += [report.summary() for report in self.reports]
        if self.problem:
            lines.append(f"Validating the new workspace stopped at a problem to fix first:\n{self.problem}")
        missing = sorted({w.split(": ", 1)[0] for r in self.reports for w in r.warnings if "no local extract" in w})
        if missing:
            lines.append(f"Still missing (their rows say No data until they are added): {', '.join(missing)}.")
        for mapping, code in sorted(self.plans_of.items()):
            lines.append(f"{mapping} states LA {code}'s targets and baselines: they show as Not yet available until you "
                         f"enter {self.la.name}'s and set targets_for: {self.la.code} in it.")
        lines.append(f"Next: put your extracts in {self.folder / 'inputs'} as its README.md says, then run `scorecard build` in {self.folder}.")
        return lines


def short_name(name: str) -> str:
    """DfE's name as people say it: '<Name>, City of' and '<Name>, County of' -> '<Name>'; other names unchanged."""
    return re.sub(r", (County|City) of$", "", name)


def init_workspace(folder: Path, la: str, *, name: str | None = None, published: Path | None = None,
                   source: Path | None = None) -> Initialised:
    """Create the workspace ``folder`` for the LA ``la`` (new or old code) from the project ``source``
    (default: the project around the current folder), then validate it. A failure on the way leaves
    no folder behind."""
    source = Path(source) if source else project_root()
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UserError(f"{folder} already exists and is not an empty folder",
                        hint="Give a new folder name; scorecard init never writes over an existing workspace.")
    authority = find_authority(reference_file(source, "local_authorities.csv"), la)
    shown = check_name(name, "--name") if name is not None else short_name(authority.name)
    if published is not None:
        PublishedFolders.of([published])  # a folder that is not there is named now, before anything is made
    created = not folder.exists()
    try:
        return _create(folder, source, authority, shown, published)
    except BaseException:
        if created:  # a workspace half made is no workspace: take it away again
            shutil.rmtree(folder, ignore_errors=True)
        raise


def _create(folder: Path, source: Path, authority, shown: str, published: Path | None) -> Initialised:
    from .build import mapping_paths, validate

    written: list[Path] = []
    make_folder(folder, hint="Choose a folder you can write to.")
    for sub, pattern in (("mappings", "*.yaml"), ("mappings", "*.csv"), ("templates", "*.xlsx")):
        make_folder(folder / sub)
        for path in sorted((source / sub).glob(pattern)):
            written.append(_copy(path, folder / sub / path.name))
    for name_ in ("local_authorities.csv", "statistical_neighbours.csv", "published.yaml"):  # the folder stands alone
        if not (folder / "mappings" / name_).is_file():
            written.append(_copy(reference_file(source, name_), folder / "mappings" / name_))

    inputs = make_folder(folder / "inputs")
    sample_dfe = sorted((source / "inputs" / "sample" / "dfe").glob("*.csv")) or sorted((PACKAGE_ROOT / "inputs" / "sample" / "dfe").glob("*.csv"))
    make_folder(inputs / "dfe")
    for path in sample_dfe:
        written.append(_copy(path, inputs / "dfe" / path.name))
    mappings = [_load(path) for path in mapping_paths(folder).values()]
    for mapping in mappings:
        for src in mapping.sources.values():
            make_folder(inputs / Path(src.path).parent)
    written.append(write_atomic(inputs / "MANIFEST.yaml", _manifest(authority.code, [p.name for p in sample_dfe]).encode("utf-8")))
    written.append(write_atomic(inputs / "README.md", _inputs_readme(shown, mappings, published is not None).encode("utf-8")))
    make_folder(folder / "outputs")
    settings = [f"# The scorecard workspace of {shown}: every title, header, note and warning that names the LA,",
                "# and its statistical neighbours, come from `la:`.",
                f"la: {authority.code}", f"name: {json.dumps(shown)}", "inputs: inputs", "outputs: outputs"]
    if published is not None:
        settings.append(f"published: {json.dumps(resolved(published).as_posix())}  # DfE's files for the published measures")
    written.append(write_atomic(folder / CONFIG_NAME, ("\n".join(settings) + "\n").encode("utf-8")))
    done = Initialised(folder=folder, la=authority.named(shown), written=written,
                       plans_of={f"mappings/{m.path.name}": m.targets_for for m in mappings
                                 if m.targets_for and not authority.has_code(m.targets_for)})
    try:
        done.reports = validate(root=folder)
    except UserError as exc:  # the workspace is made; what validating it found is part of the report
        done.problem = exc.render()
    return done


def _copy(source: Path, target: Path) -> Path:
    write_atomic(target, Path(source).read_bytes())
    return target


def _load(path: Path):
    from .measures.mapping import load_mapping

    return load_mapping(path)


def _manifest(code: str, dfe_files: list[str]) -> str:
    lines = ["# What this inputs folder holds. `la:` is the council whose local extracts these are; a build for",
             "# any other LA does not read them. `sample: true` marks made-up data: workbooks built from it say so.",
             f"la: {code}", "files:"]
    for name in dfe_files:
        lines += [f"  dfe/{name}:", "    sample: true", f"    note: \"{SAMPLE_DFE_NOTE}\""]
    return "\n".join(lines) + "\n"


def _inputs_readme(la_name: str, mappings: list, published_given: bool) -> str:
    """Which extract goes where: every source of every mapping, with what its reader needs."""
    from .measures.mapping import locators_in
    from .sources import reader

    by_path: dict[str, dict] = {}
    for mapping in mappings:
        for measure in mapping.measures():
            specs = list(measure.series.values()) + ([measure.monthly] if measure.monthly else [])
            for spec in specs:
                for locator in locators_in(spec):
                    src = mapping.sources[locator.source]
                    entry = by_path.setdefault(src.path, {"kind": src.kind, "description": src.description, "workbooks": set(), "locators": []})
                    entry["workbooks"].add(mapping.workbook)
                    entry["locators"].append(locator)
    out = [f"# Inputs for {la_name}'s scorecards", "",
           "Put each extract at the path below (relative to this folder; a `*` stands for the date in the file name, and "
           "exactly one file may match). A local extract that is not here yet is not an error: the rows it fills say "
           f"\"No data: no local extract for {la_name}\" and `scorecard validate` lists it.", "",
           "DfE's open-data files are the same for every council. `dfe/` starts with the sample's synthetic files (marked in "
           "MANIFEST.yaml); put DfE's own downloads there" + (" (the published measures already read the folder given to init)" if published_given else "")
           + " and delete their MANIFEST entries.", ""]
    for path, entry in sorted(by_path.items(), key=lambda kv: (reader(kv[1]["kind"]).SCOPE != "local", kv[0])):
        module = reader(entry["kind"])
        scope = "your own extract" if module.SCOPE == "local" else "DfE's, for every LA"
        out += [f"## `{path}`", "", f"{entry['description'] or entry['kind']}. {scope.capitalize()} (kind `{entry['kind']}`), "
                f"read by {', '.join(sorted(entry['workbooks']))}.", ""]
        describe = getattr(module, "describe", None)
        lines = describe(entry["locators"]) if describe else [f"Read by {len(entry['locators'])} locators of kind `{entry['kind']}`."]
        out += [line for line in lines if line] + [""]
    return "\n".join(out)


__all__ = ["Initialised", "init_workspace", "short_name"]
