"""``scorecard release diff OLD NEW``: what changed between two releases of DfE's files.

DfE publishes each statistical release as a set of open-data CSVs and revises earlier years in
the next one; between releases it also renames columns (``number`` → ``children_count``) and
rewords filter labels ("Aged 17 to 18" → "17 to 18 years"). Before rebuilding a quarter's pack an
officer needs to know, for each file both releases hold:

* columns added, removed and renamed, with the measures of ``mappings/published.yaml`` that use
  them and whether a layout of each measure fits the new file;
* filter labels reworded, added or removed;
* periods added (and dropped), and LA codes that appeared or disappeared;
* every published figure revised for a period both hold: area, measure, old value, new value,
  each with the line of each file it was read from.

A rename is found, in this order, from the measures' layouts in ``published.yaml`` (one layout per
release names the old and the new column), from the values (a removed and an added column holding
the same set of values), and for filter labels from the wording (the same numbers in the label, or
the one label left on each side). How each was found is said next to it. Rows are compared where
their period, area and filter labels (renames applied) meet once in each release; a file with a
``version`` column is compared in each release's latest version of each year.
"""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import UserError
from .files import resolved
from .measures.published import PublishedMeasure, load_published
from .observations import SYMBOLS
from .sources.base import InputFile
from .sources.dfe import DfeTable
from .sources.releases import PublishedFolders
from .workspace import project_root, reference_file

GEOGRAPHY = ("time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
             "region_name", "old_la_code", "la_name", "new_la_code", "version")
AREA_CODE = {"local authority": "new_la_code", "regional": "region_code", "national": "country_code"}
SHOWN = 25  # revisions printed on the terminal per file (all are in --xlsx and --json)


@dataclass(frozen=True)
class ColumnChange:
    """A column added, removed or renamed between the releases of one file."""

    file: str
    change: str  # added | removed | renamed
    old: str
    new: str
    found_by: str = ""  # how a rename was found
    used_by: tuple[str, ...] = ()  # published.yaml measures whose layouts name the old (or the added) column


@dataclass(frozen=True)
class LabelChange:
    """A filter label reworded, added or removed in one column."""

    file: str
    column: str  # the column's name in the new release
    change: str  # reworded | added | removed
    old: str
    new: str
    found_by: str = ""


@dataclass(frozen=True)
class Revision:
    """One published figure that differs between the releases for a period both hold."""

    file: str
    period: str
    level: str
    code: str
    area: str
    filters: str  # the row's filter labels, as the new release writes them
    column: str  # the value column, as the new release names it
    measure: str  # the published.yaml measure the figure is, when it is one
    old: str
    new: str
    old_line: int
    new_line: int

    @property
    def difference(self) -> float | None:
        try:
            return round(float(self.new.replace(",", "")) - float(self.old.replace(",", "")), 10)
        except ValueError:
            return None


@dataclass(frozen=True)
class MeasureFit:
    """Whether a layout of a published.yaml measure on this file fits each release."""

    measure: str
    old_layout: str  # the release the layout is for ("2024"), "" for a measure's only layout, "none" when none fits
    new_layout: str


@dataclass
class FileDiff:
    """What changed in one file between the two releases."""

    name: str
    old: Path | None
    new: Path | None
    columns: list[ColumnChange] = field(default_factory=list)
    labels: list[LabelChange] = field(default_factory=list)
    periods_added: list[str] = field(default_factory=list)
    periods_dropped: list[str] = field(default_factory=list)
    shared_periods: list[str] = field(default_factory=list)
    appeared: list[tuple[str, str]] = field(default_factory=list)  # (LA code, name) in the new release only
    disappeared: list[tuple[str, str]] = field(default_factory=list)
    revisions: list[Revision] = field(default_factory=list)
    compared: int = 0  # figures compared (rows met in both × value columns)
    unmatched: tuple[int, int] = (0, 0)  # rows of shared periods met in one release only (old, new)
    measures: list[MeasureFit] = field(default_factory=list)

    @property
    def renamed(self) -> list[ColumnChange]:
        return [c for c in self.columns if c.change == "renamed"]


@dataclass
class ReleaseDiff:
    """Two releases compared file by file."""

    old: Path
    new: Path
    files: list[FileDiff]
    la: str | None = None  # revisions kept for this LA only (its codes), when asked
    inputs: list[InputFile] = field(default_factory=list)

    def summary(self) -> list[str]:
        lines = []
        for f in self.files:
            if f.old is None or f.new is None:
                lines.append(f"{f.name}: only in the {'new' if f.old is None else 'old'} release")
                continue
            lines.append(f"{f.name}: {sum(c.change == 'renamed' for c in f.columns)} column(s) renamed, "
                         f"{sum(c.change == 'added' for c in f.columns)} added, {sum(c.change == 'removed' for c in f.columns)} removed; "
                         f"{len(f.labels)} label change(s); periods added {', '.join(f.periods_added) or 'none'}; "
                         f"{len(f.appeared)} LA code(s) appeared, {len(f.disappeared)} disappeared; "
                         f"{len(f.revisions)} figure(s) revised of {f.compared:,} compared for {', '.join(f.shared_periods) or 'no shared period'}")
        return lines

    def to_json(self) -> dict:
        def file_json(f: FileDiff) -> dict:
            data = asdict(f)
            data["old"], data["new"] = (str(f.old) if f.old else None), (str(f.new) if f.new else None)
            data["revisions"] = [{**asdict(r), "difference": r.difference} for r in f.revisions]
            return data
        return {"old": str(self.old), "new": str(self.new), "la": self.la, "files": [file_json(f) for f in self.files]}


# --- files --------------------------------------------------------------------------------------

def _csvs(path: Path) -> list[Path]:
    path = Path(path)
    if path.is_file():
        return [resolved(path)]
    if not path.exists():
        raise UserError(f"{path}: no such file or folder", hint="Give the folder (or the CSV file) of each DfE release.")
    return PublishedFolders.of((path,)).find("*.csv")


def pair_files(old: Path, new: Path, measures: dict[str, PublishedMeasure]) -> list[tuple[str, Path | None, Path | None]]:
    """The files of the two releases paired: by name (any case), else, for names that carry years, by the
    published.yaml measure file pattern both match; two files of one name in one release are an error."""
    sides = []
    for label, root in (("old", old), ("new", new)):
        found: dict[str, Path] = {}
        for path in _csvs(root):
            key = path.name.lower()
            if key in found:
                raise UserError(f"{root}: two files named {path.name} in the {label} release: {found[key]} and {path}",
                                hint="Give the folder of one release (or the file itself).")
            found[key] = path
        if not found:
            raise UserError(f"{root}: no CSV files in the {label} release", hint="Give the folder of a DfE release's open-data CSVs.")
        sides.append(found)
    olds, news = sides
    if Path(old).is_file() and Path(new).is_file():  # two files given: they are the two releases of one file
        (o,), (n,) = olds.values(), news.values()
        return [(n.name, o, n)]
    pairs = [(news[k].name, olds[k], news[k]) for k in sorted(olds.keys() & news.keys())]
    left_old, left_new = sorted(olds.keys() - news.keys()), sorted(news.keys() - olds.keys())
    for pattern in sorted({m.file.lower() for m in measures.values()}):
        o = [k for k in left_old if fnmatch.fnmatch(k, pattern)]
        n = [k for k in left_new if fnmatch.fnmatch(k, pattern)]
        if len(o) == 1 and len(n) == 1:
            pairs.append((news[n[0]].name, olds[o[0]], news[n[0]]))
            left_old.remove(o[0])
            left_new.remove(n[0])
    pairs += [(olds[k].name, olds[k], None) for k in left_old] + [(news[k].name, None, news[k]) for k in left_new]
    return sorted(pairs, key=lambda p: p[0].lower())


# --- columns and labels ---------------------------------------------------------------------------

def _is_value_column(values: pd.Series) -> bool:
    """A column of figures: every non-empty cell a number or a DfE symbol, and at least one number."""
    text = values.str.strip()
    text = text[(text != "") & ~text.str.lower().isin(SYMBOLS.keys())]
    if text.empty:
        return False
    return bool(pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce").notna().all())


def _folded(values: pd.Series) -> pd.Series:
    return values.str.strip().str.casefold()


def _layout_renames(name: str, measures: dict[str, PublishedMeasure], old: DfeTable, new: DfeTable):
    """(old column -> new column, {new column: {old label: new label}}, fits) from the measures of this file:
    a measure with one layout fitting each release names the same role in each."""
    columns: dict[str, tuple[str, str]] = {}
    labels: dict[str, dict[str, str]] = {}
    fits = []
    for measure_id, measure in sorted(measures.items()):
        if not fnmatch.fnmatch(name.lower(), measure.file.lower()):
            continue
        fit = [next((layout for layout in measure.all_layouts
                     if all(t.has_column(c) for c in (*layout.filters, layout.column))), None) for t in (old, new)]
        fits.append(MeasureFit(measure_id, *(("none" if f is None else f.release) for f in fit)))
        if None in fit or fit[0] == fit[1]:
            continue
        was, now = fit
        pairs = [(was.column, now.column, None, None)]
        if len(was.filters) == len(now.filters):
            pairs += [(a, b, va, vb) for (a, va), (b, vb) in zip(was.filters.items(), now.filters.items())]
        for a, b, va, vb in pairs:
            a, b = old.column(a), new.column(b)
            if a != b:
                columns.setdefault(a, (b, f"the layouts of {measure_id} in published.yaml"))
            if va is not None and va.strip().casefold() != vb.strip().casefold():
                labels.setdefault(b, {})[va.strip().casefold()] = vb.strip()
    return columns, labels, fits


def _jaccard(a: pd.Series, b: pd.Series) -> float:
    x, y = set(_folded(a).unique()) - {""}, set(_folded(b).unique()) - {""}
    return len(x & y) / len(x | y) if x | y else 0.0


def _digits(label: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\d+(?:\.\d+)?", label))


def _words(label: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", label.casefold()))


def _pair_labels(gone: list[str], came: list[str]) -> list[tuple[str, str, str]]:
    """Labels only in the old release paired with labels only in the new: the same numbers (unique on each
    side), then the one label left on each side, then most words shared (at least half)."""
    pairs = []
    gone, came = list(gone), list(came)
    for a in list(gone):
        same = [b for b in came if _digits(b) == _digits(a)]
        if _digits(a) and len(same) == 1 and sum(_digits(x) == _digits(a) for x in gone) == 1:
            pairs.append((a, same[0], "same numbers in the label"))
            gone.remove(a)
            came.remove(same[0])
    if len(gone) == 1 and len(came) == 1:
        return pairs + [(gone[0], came[0], "the one label left on each side")]
    scored = sorted(((len(_words(a) & _words(b)) / len(_words(a) | _words(b)), a, b) for a in gone for b in came
                     if _words(a) | _words(b)), reverse=True)
    for score, a, b in scored:
        if score >= 0.5 and a in gone and b in came:
            pairs.append((a, b, f"wording ({score:.0%} of words shared)"))
            gone.remove(a)
            came.remove(b)
    return pairs


# --- one file -------------------------------------------------------------------------------------

def _prepared(table: DfeTable) -> pd.DataFrame:
    frame = table.frame
    frame = table.latest_version(frame, {}) if "version" in frame.columns else frame
    frame = frame.assign(_line=frame.index.to_numpy() + 2)  # header on line 1
    level = frame["geographic_level"]
    code = np.select([level == lvl for lvl in AREA_CODE], [frame[c].str.strip() for c in AREA_CODE.values()], default="")
    return frame.assign(_level=level, _code=code)


def diff_file(name: str, old_path: Path, new_path: Path, measures: dict[str, PublishedMeasure],
              la_codes: set[str] | None = None) -> FileDiff:
    """Compare the two releases of one file."""
    old_t, new_t = DfeTable.load(old_path), DfeTable.load(new_path)
    result = FileDiff(name=name, old=old_path, new=new_path)
    renames, label_renames, result.measures = _layout_renames(name, measures, old_t, new_t)
    old, new = _prepared(old_t), _prepared(new_t)
    old_periods, new_periods = set(old["time_period"]), set(new["time_period"])
    from .periods import ordered

    result.periods_added = ordered(new_periods - old_periods)
    result.periods_dropped = ordered(old_periods - new_periods)
    result.shared_periods = ordered(old_periods & new_periods)
    old_s = old[old["time_period"].isin(result.shared_periods)]
    new_s = new[new["time_period"].isin(result.shared_periods)]

    # columns: renames from the layouts, then from the values
    own = [c for c in old_t.frame.columns if c not in GEOGRAPHY]
    theirs = [c for c in new_t.frame.columns if c not in GEOGRAPHY]
    removed = [c for c in own if c not in theirs]
    added = [c for c in theirs if c not in own]
    mapped = {a: b for a, (b, _) in renames.items() if a in removed and b in added}
    found_by = {a: renames[a][1] for a in mapped}
    scores = sorted(((_jaccard(old_s[a], new_s[b]), a, b) for a in removed if a not in mapped for b in added
                     if b not in mapped.values() and _is_value_column(old_t.frame[a]) == _is_value_column(new_t.frame[b])),
                    key=lambda s: (-s[0], s[1], s[2]))
    for score, a, b in scores:
        if score >= 0.5 and a not in mapped and b not in mapped.values():
            mapped[a], found_by[a] = b, f"same values ({score:.0%} of distinct values shared)"
    users = _column_users(name, measures)
    for a in removed:
        if a in mapped:
            result.columns.append(ColumnChange(name, "renamed", a, mapped[a], found_by[a], users.get(a, ())))
        else:
            result.columns.append(ColumnChange(name, "removed", a, "", "", users.get(a, ())))
    result.columns += [ColumnChange(name, "added", "", b, "", users.get(b, ())) for b in added if b not in mapped.values()]

    both = [(a, mapped.get(a, a)) for a in own if a in theirs or a in mapped]  # (old name, new name)
    filters = [(a, b) for a, b in both if not _is_value_column(old_t.frame[a])]
    values = [(a, b) for a, b in both if (a, b) not in filters]

    # filter labels: reworded (layouts first, then wording), added, removed; old rows relabelled to match
    old_s = old_s.rename(columns={a: b for a, b in both if a != b})
    relabel: dict[str, dict[str, str]] = {}
    for _, column in filters:
        was = dict(zip(_folded(old_s[column]), old_s[column].str.strip()))
        now = dict(zip(_folded(new_s[column]), new_s[column].str.strip()))
        gone, came = sorted(set(was) - set(now)), sorted(set(now) - set(was))
        pairs = [(a, b.casefold(), "the layouts in published.yaml") for a, b in label_renames.get(column, {}).items()
                 if a in gone and b.casefold() in came]
        for a, b, _ in pairs:
            gone.remove(a)
            came.remove(b)
        pairs += _pair_labels(gone, came)
        relabel[column] = {a: b for a, b, _ in pairs}
        result.labels += [LabelChange(name, column, "reworded", was[a], now[b], how) for a, b, how in pairs]
        done_old, done_new = {a for a, _, _ in pairs}, {b for _, b, _ in pairs}
        result.labels += [LabelChange(name, column, "removed", was[a], "") for a in gone if a not in done_old]
        result.labels += [LabelChange(name, column, "added", "", now[b]) for b in came if b not in done_new]

    # LA codes that appeared or disappeared (any period)
    def las(frame):
        rows = frame[frame["_level"] == "local authority"]
        return dict(zip(rows["new_la_code"].str.strip(), rows["la_name"].str.strip()))
    was_las, now_las = las(old), las(new)
    result.appeared = sorted((c, now_las[c]) for c in now_las.keys() - was_las.keys())
    result.disappeared = sorted((c, was_las[c]) for c in was_las.keys() - now_las.keys())

    # figures revised: rows met once in each release, value columns compared
    keys = ["time_period", "_level", "_code"] + [f"_k_{b}" for _, b in filters]
    old_k = old_s.assign(**{f"_k_{b}": _folded(old_s[b]).replace(relabel[b]) for _, b in filters})
    new_k = new_s.assign(**{f"_k_{b}": _folded(new_s[b]) for _, b in filters})
    old_k = old_k[~old_k.duplicated(keys, keep=False)]
    new_k = new_k[~new_k.duplicated(keys, keep=False)]
    merged = old_k.merge(new_k, on=keys, how="inner", suffixes=("_old", "_new"))
    result.unmatched = (len(old_s) - len(merged), len(new_s) - len(merged))
    if la_codes is not None:
        merged = merged[(merged["_level"] == "local authority")
                        & (merged["new_la_code_new"].str.strip().isin(la_codes) | merged["old_la_code_new"].str.strip().isin(la_codes))]
    new_cols = {b for _, b in values}
    measure_masks = _measure_masks(name, measures, merged, new_t, {b for _, b in filters}, new_cols)
    revisions = []
    for _, column in values:
        a, b = merged[f"{column}_old"].str.strip(), merged[f"{column}_new"].str.strip()
        x = pd.to_numeric(a.str.replace(",", "", regex=False), errors="coerce")
        y = pd.to_numeric(b.str.replace(",", "", regex=False), errors="coerce")
        same = (x == y) | (x.isna() & y.isna() & (a.str.casefold() == b.str.casefold()))
        result.compared += len(merged)
        for i in np.flatnonzero(~same.to_numpy()):
            row = merged.iloc[i]
            revisions.append(Revision(
                file=name, period=row["time_period"], level=row["_level"], code=row["_code"],
                area=_area_name(row), filters="; ".join(f"{f}={row[f'{f}_new'].strip()}" for _, f in filters),
                column=column, measure=next((m for m, (col, mask) in measure_masks.items() if col == column and mask[i]), ""),
                old=a.iloc[i], new=b.iloc[i], old_line=int(row["_line_old"]), new_line=int(row["_line_new"])))
    from .periods import period_end

    result.revisions = sorted(revisions, key=lambda r: (-period_end(r.period).toordinal(), r.level != "national",
                                                       r.level != "regional", r.code, r.filters, r.column))
    return result


def _area_name(row) -> str:
    level = row["_level"]
    if level == "local authority":
        return str(row["la_name_new"]).strip()
    if level == "regional":
        return str(row["region_name_new"]).strip()
    return str(row.get("country_name_new", "England")).strip() or "England"


def _column_users(name: str, measures: dict[str, PublishedMeasure]) -> dict[str, tuple[str, ...]]:
    """column (lower case) -> the published.yaml measures (and layout) whose layouts name it."""
    users: dict[str, list[str]] = {}
    for measure_id, measure in sorted(measures.items()):
        if fnmatch.fnmatch(name.lower(), measure.file.lower()):
            for layout in measure.all_layouts:
                who = f"{measure_id} ({layout.release} layout)" if layout.release else measure_id
                for column in (*layout.filters, layout.column):
                    users.setdefault(column.strip().lower(), [])
                    if who not in users[column.strip().lower()]:
                        users[column.strip().lower()].append(who)
    return {k: tuple(v) for k, v in users.items()}


def _measure_masks(name, measures, merged, new_t: DfeTable, filter_cols: set[str], value_cols: set[str]):
    """measure id -> (value column, rows of ``merged`` that are its figures), for the measures whose layout fits the new release."""
    masks = {}
    for measure_id, measure in sorted(measures.items()):
        if not fnmatch.fnmatch(name.lower(), measure.file.lower()):
            continue
        layout = next((lo for lo in measure.all_layouts if all(new_t.has_column(c) for c in (*lo.filters, lo.column))), None)
        if layout is None or new_t.column(layout.column) not in value_cols:
            continue
        mask = np.ones(len(merged), dtype=bool)
        for column, value in layout.filters.items():
            column = new_t.column(column)
            if column not in filter_cols:
                mask &= False
                continue
            mask &= (merged[f"_k_{column}"] == value.strip().casefold()).to_numpy()
        masks[measure_id] = (new_t.column(layout.column), mask)
    return masks


# --- the command ----------------------------------------------------------------------------------

def release_diff(old: Path, new: Path, *, la: str | None = None, root: Path | None = None) -> ReleaseDiff:
    """Compare two releases (a folder or a file each) file by file; ``la`` keeps the revisions of one LA."""
    from .authorities import find_authority
    from .sources.base import release_path

    root = Path(root) if root else project_root()
    measures = load_published(reference_file(root, "published.yaml"))
    codes = None
    if la:
        authority = find_authority(reference_file(root, "local_authorities.csv"), la)
        codes, la = set(authority.codes), f"{authority.name} ({authority.code})"
    diff = ReleaseDiff(old=Path(old), new=Path(new), files=[], la=la)
    for name, o, n in pair_files(Path(old), Path(new), measures):
        if o is None or n is None:
            diff.files.append(FileDiff(name=name, old=o, new=n))
        else:
            diff.files.append(diff_file(name, o, n, measures, codes))
        for side, path in (("old", o), ("new", n)):
            if path is not None:
                diff.inputs.append(InputFile(f"{side}:{path.name}", "dfe_csv", path, release_path(path, root),
                                             description=f"DfE open data, {side} release"))
    return diff


def write_json(diff: ReleaseDiff, path: Path, *, outputs=None) -> Path:
    """Every change as JSON, through a temporary file (with ``outputs``, moved with the run's other outputs)."""
    from .files import check_output, write_atomic

    check_output(path, [f.path for f in diff.inputs], "--json", (".json",), "the report is JSON")
    return write_atomic(Path(path), (json.dumps(diff.to_json(), indent=2, default=str) + "\n").encode("utf-8"), outputs=outputs)


def write_report(diff: ReleaseDiff, path: Path, *, built_at: str | None = None, outputs=None) -> Path:
    """The diff as a workbook (Changes, Revisions, Audit, Sources)."""
    from . import __version__
    from .build import build_time
    from .files import check_output

    check_output(path, [f.path for f in diff.inputs], "--xlsx", (".xlsx",), "the report is an Excel workbook")
    from .writers.audit_rows import BuildStamp
    from .writers.release_diff import write_release_diff

    return write_release_diff(diff, Path(path), BuildStamp(built_at=build_time(built_at), version=__version__), outputs=outputs)


__all__ = ["ColumnChange", "FileDiff", "LabelChange", "ReleaseDiff", "Revision", "diff_file", "pair_files", "release_diff",
           "write_json", "write_report"]
