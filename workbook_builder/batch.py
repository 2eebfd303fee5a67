"""Benchmarking packs for many LAs in one run: ``scorecard build --la all --published-only``.

A regional benchmarking group (a regional care cooperative, say) wants, for each member LA,
the part of a workbook that DfE's own per-LA data can fill: for every measure whose
benchmarks come from ``mappings/published.yaml``, the LA's published value (latest and
previous year), its statistical-neighbour average, England and its position among all
LAs. Local extracts (ChAT, case management) belong to one LA, so they are left out; the rows
of other measures are hidden. Every LA's workbook comes from the same template, mapping and
code as the full build, and every figure is on its Audit sheet.

The DfE files are read once for the whole batch; each LA then costs one resolution (a few
filters on tables already in memory) and one template fill.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .authorities import LocalAuthority, find_authority, read_local_authorities
from .errors import UserError
from .files import Outputs
from .measures.mapping import Mapping, Published, Rag, Unavailable, load_mapping


def local_authorities(authorities: Path, wanted: list[str] | None) -> list[LocalAuthority]:
    """The LAs of the LA list: all of them (``['all']``), or those named by new or old code, in the order given."""
    if not wanted or [w.lower() for w in wanted] == ["all"]:
        return read_local_authorities(authorities)
    return list(dict.fromkeys(find_authority(authorities, w) for w in wanted))


def published_only(mapping: Mapping, la: LocalAuthority) -> Mapping:
    """The measures of ``mapping`` that DfE publishes per LA, for ``la``, from published data alone.

    Each kept measure's LA value becomes the LA's latest published figure and its previous value
    the year before; its SN, England and position series are kept as the mapping states them. A
    measure DfE publishes in a file not yet read (``dfe_needs:``) is kept too, every figure "Not yet
    available" with the publication and file it needs.
    Targets are the workspace LA's own, so they are dropped (a target RAG becomes "not rated").
    """
    sections = []
    for section in mapping.sections:
        measures = []
        for measure in section.measures:
            published = [s for s in measure.series.values() if isinstance(s, Published)]
            if not published and measure.dfe_needs:  # DfE publishes it, in a file not yet read: the pack says which
                reason = f"needs {measure.dfe_needs}"
                series = {name: Unavailable(not_available=reason)
                          for name in dict.fromkeys(["la", "previous", *measure.series]) if name not in ("date",)}
                measures.append(measure.model_copy(update={"series": series, "target": None, "target_text": "",
                                                           "rag": Rag(rule="none")}))
                continue
            if not published:
                continue
            first = published[0]
            series = {name: spec for name, spec in measure.series.items() if isinstance(spec, Published)}
            series["la"] = Published(published=first.published, area="la", line=first.line)
            series["previous"] = Published(published=first.published, area="la", period="previous", line=first.line)
            rag = Rag(rule="none") if measure.rag.rule == "target" else measure.rag
            measures.append(measure.model_copy(update={"series": series, "target": None, "target_text": "", "rag": rag}))
        if measures:
            sections.append(section.model_copy(update={"measures": measures}))
    if not sections:
        raise UserError(f"{mapping.path}: no measure takes its figures from mappings/published.yaml",
                        hint="--published-only needs measures with `published:` series.")
    stem = Path(mapping.output).stem
    return mapping.model_copy(update={"sections": sections, "summary": [],
                                      "output": f"{stem} - DfE published - {la.name.replace('/', '-')}.xlsx"})


@dataclass
class BatchResult:
    """The packs of one workbook for many LAs."""

    workbook: str
    results: list  # BuildResult, one per LA
    seconds: float

    @property
    def folder(self) -> Path | None:
        return self.results[0].output.parent if self.results else None

    def summary(self) -> str:
        per_la = self.seconds / max(len(self.results), 1)
        return (f"{self.workbook} (DfE published only): {len(self.results)} LA workbook(s), "
                f"{sum(r.values_filled for r in self.results)} values, {self.seconds:.1f} s ({per_la:.2f} s per LA)")


def build_published(workbook: str, las: list[str] | None, *, inputs: Path | None = None, out_dir: Path | None = None,
                    root: Path | None = None, published: Path | None = None, built_at: str | None = None,
                    progress: Callable[[str, int, int], None] | None = None, sn_model: str | None = None,
                    sn_method: str | None = None) -> BatchResult:
    """One workbook per LA (``las``: codes, ['all'] for every LA, or None for the workspace's own LA)
    filled from DfE's per-LA data. ``progress(stage, done, total)`` is told of each LA resolved and written."""
    from .build import mapping_paths, plan, write
    from .workspace import Manifest, load_workspace, read_manifest

    started = time.perf_counter()
    ws = load_workspace(root, inputs=inputs, outputs=out_dir, published=published, sn_model=sn_model, sn_method=sn_method)
    paths = mapping_paths(ws.root)
    if workbook not in paths:
        raise UserError(f"unknown workbook '{workbook}'", hint=f"Workbooks: {', '.join(paths)}.")
    base = load_mapping(paths[workbook])
    chosen = local_authorities(ws.authorities, las) if las else [ws.la]
    # Every LA reads the same DfE files and published.yaml: DfeTable.load and load_published keep
    # one reading of each for the whole batch. The mapping keeps no local source, so no extract is read.
    manifest = read_manifest(ws.inputs) if ws.inputs.is_dir() else Manifest()
    plans = []
    for i, la in enumerate(chosen, 1):
        p = plan(published_only(base, la), ws.for_la(la), manifest=manifest)
        p.column_titles, p.hide_unmapped = {"la": f"{la.name} (DfE published)"}, True
        plans.append(p)
        if progress is not None:
            progress("resolve", i, len(chosen))
    results = []
    with Outputs() as outputs:  # every pack replaced, or (a lock, an error, Ctrl-C) none
        for i, p in enumerate(plans, 1):
            results.append(write(p, ws.outputs, built_at=built_at, started=time.perf_counter(), outputs=outputs))
            if progress is not None:
                progress("write", i, len(chosen))
    return BatchResult(workbook=workbook, results=results, seconds=time.perf_counter() - started)


__all__ = ["BatchResult", "build_published", "published_only", "local_authorities"]
