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
from pathlib import Path
from typing import Callable

from .errors import UserError
from .measures.mapping import Area, Mapping, Published, Rag, load_mapping
from .sources.neighbours import LocalAuthority, read_local_authorities


def local_authorities(root: Path, wanted: list[str] | None) -> list[LocalAuthority]:
    """The LAs of ``mappings/local_authorities.csv``: all of them, or those named by new or old code."""
    every = read_local_authorities(root / "mappings" / "local_authorities.csv")
    if not wanted or [w.lower() for w in wanted] == ["all"]:
        return every
    by_code = {la.code: la for la in every} | {la.old_code: la for la in every}
    unknown = [w for w in wanted if w not in by_code]
    if unknown:
        raise UserError(f"unknown LA code(s): {', '.join(unknown)}",
                        hint="Use new codes (E06000051) or old codes (893) from mappings/local_authorities.csv, or 'all'.")
    return list(dict.fromkeys(by_code[w] for w in wanted))


def published_only(mapping: Mapping, la: LocalAuthority) -> Mapping:
    """The measures of ``mapping`` that DfE publishes per LA, for ``la``, from published data alone.

    Each kept measure's LA value becomes the LA's latest published figure and its previous value
    the year before; its SN, England and position series are kept as the mapping states them.
    Targets are the mapping LA's own, so they are dropped (a target RAG becomes "not rated").
    """
    sections = []
    for section in mapping.sections:
        measures = []
        for measure in section.measures:
            published = [s for s in measure.series.values() if isinstance(s, Published)]
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
    return mapping.model_copy(update={
        "sections": sections, "summary": [],
        "local_authority": Area(name=la.name, new_la_code=la.code, old_la_code=la.old_code),
        "output": f"{stem} - DfE published - {la.name.replace('/', '-')}.xlsx",
    })


def build_published(workbook: str, las: list[str] | None, *, inputs: Path | None = None, out_dir: Path | None = None,
                    root: Path | None = None, published: Path | None = None, built_at: str | None = None,
                    progress: Callable[[str, int, int], None] | None = None) -> list:
    """One workbook per LA (``las``: codes, ['all'] for every LA, or None for the mapping's own LA)
    filled from DfE's per-LA data. ``progress(stage, done, total)`` is told of each LA resolved and written."""
    from .build import folders, mapping_paths, plan, project_root, write

    root = root or project_root()
    inputs, out_dir = folders(root, inputs, out_dir)
    paths = mapping_paths(root)
    if workbook not in paths:
        raise UserError(f"unknown workbook '{workbook}'", hint=f"Workbooks: {', '.join(paths)}.")
    base = load_mapping(paths[workbook])
    chosen = local_authorities(root, las or [base.local_authority.new_la_code])
    # Every LA's resolver reads the same DfE files and published.yaml: DfeTable.load and
    # load_published keep one reading of each for the whole batch.
    shared = {"neighbours_path": root / "mappings" / "statistical_neighbours.csv"}
    # Resolve every LA before writing any, so a bad input leaves nothing half-built.
    plans = []
    for i, la in enumerate(chosen, 1):
        p = plan(published_only(base, la), inputs, root, published=published, resolver_options=shared)
        p.column_titles, p.hide_unmapped = {"la": f"{la.name} (DfE published)"}, True
        plans.append(p)
        if progress is not None:
            progress("resolve", i, len(chosen))
    results = []
    for i, p in enumerate(plans, 1):
        results.append(write(p, out_dir, root=root, built_at=built_at, started=time.perf_counter()))
        if progress is not None:
            progress("write", i, len(chosen))
    return results


__all__ = ["build_published", "published_only", "local_authorities"]
