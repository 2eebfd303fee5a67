"""``scorecard publish``: each built scorecard as one accessible, self-contained HTML page.

The pages come from the same plan as the workbooks — the mapping resolved against the inputs, with
the same judgements — so a page and its workbook say the same thing. See
:mod:`workbook_builder.writers.html` for what a page holds and how it meets WCAG 2.2 AA.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .authorities import LocalAuthority


@dataclass
class PublishResult:
    """One page written: for which workbook and LA, where, and how many measures it shows."""

    workbook: str
    la: LocalAuthority
    output: Path
    measures: int
    sample: bool

    def summary(self) -> str:
        """The line the terminal shows for the page."""
        sample = " (contains sample data)" if self.sample else ""
        return f"{self.workbook} for {self.la.name}: {self.measures} measures as an accessible page{sample}\n  -> {self.output}"


def publish(workbooks: list[str] | None = None, *, inputs: Path | None = None, out_dir: Path | None = None, root: Path | None = None,
            published=None, la: str | None = None, period: str | None = None, audience: str | None = None,
            built_at: str | None = None, published_only: bool = False, sn_model: str | None = None,
            sn_method: str | None = None) -> list[PublishResult]:
    """Write a page for each workbook (default: every one with a mapping) into ``out_dir`` (default: the outputs
    folder). ``published_only`` makes the DfE-published benchmarking pack of ``la`` instead (Appendix 2's rows
    DfE publishes per LA). Every page is resolved before any is written, and all are moved into place together."""
    from . import __version__
    from .batch import published_only as pack_of
    from .build import build_time, check_audience, plan, select_mappings
    from .errors import UserError
    from .files import Outputs, make_folder, write_atomic
    from .measures.mapping import load_mapping
    from .periods import given
    from .workspace import Manifest, load_workspace, read_manifest
    from .writers.html import render_page

    check_audience(audience)
    period = given(period)
    ws = load_workspace(root, la=la, inputs=inputs, outputs=out_dir, published=published, sn_model=sn_model, sn_method=sn_method)
    manifest = read_manifest(ws.inputs) if ws.inputs.is_dir() else Manifest()
    stamp = build_time(built_at)
    pages = []
    for path in select_mappings(ws.root, workbooks):
        mapping = load_mapping(path)
        titles = {}
        if published_only:
            try:
                mapping = pack_of(mapping, ws.la)
            except UserError:
                if workbooks:
                    raise
                continue  # a workbook with no published measures has no pack
            titles = {"la": f"{ws.la.name} (DfE published)"}
        p = plan(mapping, ws, period=period, audience=audience, manifest=manifest)
        shown = [m for m in p.resolved if audience is None or audience in m.measure.audiences]
        html = render_page(p.mapping, p.la, shown, p.files, built_at=stamp, version=__version__, period=period, column_titles=titles)
        name = Path(p.mapping.output).stem + (f" ({audience})" if audience else "") + ".html"
        pages.append((p, shown, name, html))
    make_folder(ws.outputs, hint="Pass --out with a folder you can write to.")
    results = []
    with Outputs() as outputs:
        for p, shown, name, html in pages:
            output = write_atomic(ws.outputs / name, html.encode("utf-8"), outputs=outputs)
            results.append(PublishResult(p.mapping.workbook, p.la, output, len(shown), any(f.sample for f in p.files)))
    return results


__all__ = ["PublishResult", "publish"]
