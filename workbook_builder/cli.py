"""``scorecard``: the command-line shell over the library calls (:mod:`.build`, :mod:`.batch`,
:mod:`.reconcile`, :mod:`.fill`, :mod:`.init`, :mod:`.addin`).

Each command parses its options, makes one library call and prints the ``summary()`` of what it
returns — the same lines the Excel ribbon shows. Exit status: 0 success; 2 for a user error
(bad input, bad mapping, missing file), printed as the error renders itself, with no
traceback; 1 when ``reconcile --fail-on-mismatch`` finds a mismatch.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from . import __version__, files
from . import build as library
from .audiences import AUDIENCES
from .errors import UserError
from .files import Outputs, resolved

console = Console(highlight=False, soft_wrap=True)
errors = Console(stderr=True, highlight=False, soft_wrap=True)

inputs_option = click.option("--inputs", type=click.Path(path_type=Path, file_okay=False), default=None,
                             help="Folder of input extracts (chat/, dfe/, local/, survey/). Default: the workspace's (scorecard.yaml).")
workbook_option = click.option("--workbook", "workbooks", multiple=True, metavar="NAME",
                               help="Workbook id from mappings/ (e.g. appendix_x). Repeatable. Default: all.")
published_option = click.option("--published", type=click.Path(path_type=Path, file_okay=False), multiple=True, metavar="DIR",
                                 help="Folder of DfE open-data CSVs for the measures DfE publishes per LA (mappings/published.yaml), "
                                      "searched with its subfolders: their SN, England and position come from it. Repeatable, one "
                                      "folder per release; of two releases of a file the newest serves every year it holds. "
                                      "Default: the inputs' dfe/ folder.")
def _not_blank(_ctx, _param, value):
    """A --period given blank (a script's empty variable) is refused, not taken as 'the latest'."""
    if value is not None and not value.strip():
        raise click.BadParameter("it is blank: give a period label such as '2026-27 Q1', or leave --period out for the latest")
    return value


period_option = click.option("--period", default=None, metavar="LABEL", callback=_not_blank,
                             help="Reporting period, e.g. '2026-27 Q1': shown on the scorecard, and the latest local period used.")
def sn_options(command):
    """--sn-model and --sn-method, on every command that shows statistical-neighbour figures."""
    command = click.option("--sn-method", type=click.Choice(["mean", "median"]), default=None,
                           help="How the neighbours' figures are summarised: mean of those with a number (as LAIT does) or "
                                "median (as DfE's Outcomes and Enablers dashboard does). Default: each measure's own (mean).")(command)
    return click.option("--sn-model", default=None, metavar="YEAR",
                        help="Statistical-neighbour model: 2025 (DfE's May 2025 model, the default) or 2021 (April 2021); "
                             "any model the neighbour table holds.")(command)


la_option = click.option("--la", "la", default=None, metavar="CODE",
                         help="Build for this LA (new or old code) instead of the one scorecard.yaml names.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="scorecard")
def cli() -> None:
    """Build children's services scorecard workbooks from source extracts, with provenance for every number."""


@cli.command("build")
@workbook_option
@inputs_option
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=None, help="Output folder. Default: outputs/.")
@period_option
@published_option
@click.option("--built-at", default=None, metavar="TEXT",
              help="Build time to show in the workbook (default: SOURCE_DATE_EPOCH, else now). Fix it for byte-identical rebuilds.")
@click.option("--audience", default=None, type=click.Choice(AUDIENCES),
              help="Build only the measures reported to this audience (other rows hidden), e.g. scrutiny for members.")
@click.option("--la", "las", multiple=True, metavar="CODE",
              help="Build for this LA (new or old code) instead of the workspace's. With --published-only: repeatable, or 'all' for every LA.")
@click.option("--published-only", is_flag=True,
              help="Fill only the measures DfE publishes per LA (LA, SN, England, position from --published): a benchmarking pack per LA.")
@sn_options
def build_command(workbooks, inputs, out, period, published, built_at, audience, las, published_only, sn_model, sn_method) -> None:
    """Build workbooks from the inputs into the output folder."""
    neighbours = {"sn_model": sn_model, "sn_method": sn_method}
    if published_only:
        return _build_published(list(workbooks), list(las), inputs, out, published, built_at, neighbours)
    if len(las) > 1 or [la.lower() for la in las] == ["all"]:
        raise UserError("a full build is for one LA: give one --la",
                        hint="For one DfE-published benchmarking pack per LA, add --published-only.")
    results = library.build(list(workbooks) or None, inputs=inputs, out_dir=out, period=period, built_at=built_at, audience=audience,
                            published=published, la=las[0] if las else None, **neighbours)
    for r in results:
        console.print(f"{r.summary()}\n  -> {_shown(r.output)}", markup=False)
    for r in results:
        for warning in r.warnings:
            errors.print(f"warning: {r.workbook}: {warning}", markup=False)


def _build_published(workbooks, las, inputs, out, published, built_at, neighbours) -> None:
    """`build --published-only`: one benchmarking workbook per LA, with a progress bar on a terminal."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .batch import build_published

    for workbook in workbooks or ["appendix_2"]:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=errors, disable=not errors.is_terminal, transient=True) as bar:
            tasks = {}

            def progress(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(f"{workbook}: {'resolving' if stage == 'resolve' else 'writing'}", total=total)
                bar.update(tasks[stage], completed=done)

            batch = build_published(workbook, las or None, inputs=inputs, out_dir=out, published=published,
                                    built_at=built_at, progress=progress, **neighbours)
        console.print(f"{batch.summary()}\n  -> {_shown(batch.folder)}", markup=False)
        for result in batch.results:
            for warning in result.warnings:
                errors.print(f"warning: {result.output.name}: {warning}", markup=False)


@cli.command("validate")
@workbook_option
@inputs_option
@period_option
@published_option
@la_option
@sn_options
def validate_command(workbooks, inputs, period, published, la, sn_model, sn_method) -> None:
    """Check mappings, inputs and templates without building: every row resolvable, every locator one value."""
    reports = library.validate(list(workbooks) or None, inputs=inputs, period=period, published=published, la=la,
                               sn_model=sn_model, sn_method=sn_method)
    for report in reports:
        console.print(report.summary(), markup=False)
        for warning in report.warnings:
            errors.print(f"warning: {report.workbook}: {warning}", markup=False)
        if report.quality is not None:
            from .sources.annex_a_measures import quality_lines

            for line in quality_lines(report.quality):
                console.print(f"{report.workbook}: {line}" if not line.startswith("  ") else line, markup=False)
    console.print("OK: every mapped value resolves to exactly one source value.")


@cli.command("trace")
@click.argument("workbook", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("cell")
def trace_command(workbook, cell) -> None:
    """Print where the number in CELL ('Scorecard'!D7) of a built WORKBOOK came from."""
    for row in library.trace(workbook, cell):
        table = Table(show_header=False, title=f"{row.cell}: {row.measure_id} ({row.series})")
        table.add_column("field", style="bold")
        table.add_column("value", overflow="fold")
        for name, value in row.items():
            table.add_row(name, "" if value is None else str(value))
        console.print(table)


@cli.command("fill")
@click.option("--template", type=click.Path(path_type=Path, dir_okay=False), required=True, help="Workbook to fill (.xlsx or .xlsm); never modified.")
@click.option("--values", "values_csv", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="CSV with columns sheet,cell,value and optionally type (number, text, date, formula, blank).")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True, help="Where to write the filled workbook.")
@click.option("--audit", is_flag=True, help="Record every change on a 'Fill Audit' sheet.")
@click.option("--built-at", default=None, metavar="TEXT", help="Time shown on the Fill Audit sheet (default: SOURCE_DATE_EPOCH, else now).")
def fill_command(template, values_csv, out, audit, built_at) -> None:
    """Set the cells listed in a CSV, keeping each cell's style and everything else in the workbook as it was."""
    from .fill import fill_workbook

    changes = fill_workbook(template, values_csv, out, audit=audit, built_at=built_at)
    console.print(f"{len(changes)} cell(s) filled; written to {_shown(out)}", markup=False)


@cli.command("reconcile")
@click.option("--la", "la", default=None, metavar="CODE", help="LA code, new (E06…) or old (three digits). Default: the workspace's.")
@click.option("--period", required=True, metavar="PERIOD", help="DfE time_period, e.g. 2024.")
@click.option("--local", "local_csv", required=True, type=click.Path(path_type=Path, dir_okay=False), help="CSV: measure_id,period,value[,numerator,denominator].")
@click.option("--published", "published_dir", multiple=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder of DfE open-data CSVs, searched with its subfolders. Repeatable, one folder per release or "
                   "publication. Default: the inputs' dfe/ folder.")
@click.option("--tolerance", default=0.0, show_default=True, type=float, help="Absolute difference accepted beyond DfE's rounding.")
@click.option("--json", "json_path", type=click.Path(path_type=Path, dir_okay=False), help="Write the results as JSON here.")
@click.option("--xlsx", "xlsx_path", type=click.Path(path_type=Path, dir_okay=False), help="Write a report workbook (Reconciliation, Audit, Sources).")
@click.option("--built-at", default=None, metavar="TEXT", help="Time shown in the report (default: SOURCE_DATE_EPOCH, else now).")
@click.option("--fail-on-mismatch", is_flag=True, help="Exit with status 1 when any measure mismatches.")
@sn_options
def reconcile_command(la, period, local_csv, published_dir, tolerance, json_path, xlsx_path, built_at, fail_on_mismatch,
                      sn_model, sn_method) -> None:
    """Line local figures up against DfE's published data, measure by measure."""
    from .reconcile import reconcile, write_json, write_report

    report = reconcile(la, period, local_csv, published_dir, tolerance=tolerance, sn_model=sn_model, sn_method=sn_method)
    console.print(f"Reconciliation: {report.la.name} ({report.code}), {period}  (local / published / SN average (n) / England / quartile); "
                  f"neighbours: {report.sn_model}", markup=False)
    for result in report.results:
        console.print(result.line(), markup=False)
    for line in report.summary():
        console.print(line, markup=False)
    written = []
    with Outputs() as outputs:  # the JSON and the workbook are both replaced, or neither is
        if json_path:
            written.append(("JSON", write_json(report, json_path, outputs=outputs)))
        if xlsx_path:
            written.append(("Report", write_report(report, xlsx_path, built_at=built_at, outputs=outputs)))
    _print_written(written)
    if report.mismatches and fail_on_mismatch:
        errors.print(f"{len(report.mismatches)} mismatch(es): {', '.join(r.measure_id for r in report.mismatches)}", markup=False)
        sys.exit(1)


@cli.command("publish")
@workbook_option
@inputs_option
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=None, help="Output folder. Default: outputs/.")
@period_option
@published_option
@click.option("--built-at", default=None, metavar="TEXT", help="Build time to show on the page (default: SOURCE_DATE_EPOCH, else now).")
@click.option("--audience", default=None, type=click.Choice(AUDIENCES), help="Show only the measures reported to this audience.")
@la_option
@click.option("--published-only", is_flag=True, help="The DfE-published benchmarking pack of the LA, as a page.")
@sn_options
def publish_command(workbooks, inputs, out, period, published, built_at, audience, la, published_only, sn_model, sn_method) -> None:
    """Write each scorecard as one accessible, self-contained HTML page (WCAG 2.2 AA) for members and the public."""
    from .publish import publish

    for result in publish(list(workbooks) or None, inputs=inputs, out_dir=out, published=published, la=la, period=period,
                          audience=audience, built_at=built_at, published_only=published_only, sn_model=sn_model, sn_method=sn_method):
        head, path = result.summary().split("\n  -> ")
        console.print(f"{head}\n  -> {_shown(Path(path))}", markup=False)


@cli.command("annex-a")
@click.argument("annex", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--as-at", "as_at", required=True, metavar="DATE", help="The as-at date, YYYY-MM-DD: the window ends on it.")
@click.option("--months", default=6, show_default=True, type=int, help="Length of the window in calendar months, ending on --as-at.")
@click.option("--json", "json_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Write {as_at, window, measures: {id: {value, numerator, denominator}}} here (counts only, no child data).")
@click.option("--drilldown", "drilldown_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the officer-only workbook of the children in each numerator and denominator (personal data).")
@click.option("--built-at", default=None, metavar="TEXT", help="Time shown in the drill-down (default: SOURCE_DATE_EPOCH, else now).")
@click.option("--population", default=None, metavar="N|CSV",
              help="The LA's 0-17 population for rates per 10,000: a number, or DfE's cla_number_and_rate_per_10k_children.csv "
                   "(its population_estimate for the LA).")
@la_option
def annex_a_command(annex, as_at, months, json_path, drilldown_path, built_at, population, la) -> None:
    """ChAT's headline figures computed from Ofsted's Annex A lists: each with its numerator and denominator."""
    from .annex_a import annex_a_report, write_drilldown, write_json
    from .sources.annex_a_measures import population_from

    people = None
    if population:
        from .workspace import load_workspace

        people = population_from(population, set(load_workspace(la=la).la.codes))
    report = annex_a_report(annex, as_at, months, population=people)
    for line in report.summary():
        console.print(line, markup=False)
    written = []
    with Outputs() as outputs:
        if json_path:
            written.append(("JSON", write_json(report, json_path, outputs=outputs)))
        if drilldown_path:
            written.append(("Drill-down (officer only: personal data)",
                            write_drilldown(report, drilldown_path, built_at=built_at, outputs=outputs)))
    _print_written(written)


@cli.command("init")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--la", "la", required=True, metavar="CODE", help="The council this workspace builds for: new (E06…) or old (three-digit) code.")
@click.option("--name", default=None, metavar="TEXT", help="The name to show in workbooks (default: DfE's name, without ', County of' / ', City of').")
@click.option("--published", type=click.Path(path_type=Path, file_okay=False), default=None, metavar="DIR",
              help="A folder of DfE open-data CSVs to use for the published measures (default: a copy of the bundled sample's).")
def init_command(folder, la, name, published) -> None:
    """Start a workspace for a council: its settings, editable mappings and templates, an inputs skeleton, and a first validate."""
    from .init import init_workspace

    done = init_workspace(folder, la, name=name, published=published)
    for line in done.summary():
        console.print(line, markup=False)


@cli.group("release")
def release_group() -> None:
    """DfE's releases: what changed from one to the next."""


@release_group.command("diff")
@click.argument("old", type=click.Path(path_type=Path, exists=True))
@click.argument("new", type=click.Path(path_type=Path, exists=True))
@click.option("--la", "la", default=None, metavar="CODE",
              help="Keep the revised figures of this LA only (new or old code). Default: all, with the workspace LA's listed here.")
@click.option("--json", "json_path", type=click.Path(path_type=Path, dir_okay=False), help="Write every change as JSON here.")
@click.option("--xlsx", "xlsx_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Write a report workbook (Changes, Revisions, Audit, Sources).")
@click.option("--built-at", default=None, metavar="TEXT", help="Time shown in the report (default: SOURCE_DATE_EPOCH, else now).")
def release_diff_command(old, new, la, json_path, xlsx_path, built_at) -> None:
    """What changed between two releases of DfE's files (OLD and NEW: a folder or a CSV each): columns renamed,
    added and removed, labels reworded, periods and LA codes, and every figure revised for a period both hold."""
    from .release_diff import SHOWN, release_diff, write_json, write_report
    from .workspace import load_workspace
    from .writers.release_diff import change_rows

    diff = release_diff(old, new, la=la)
    focus = None if la else load_workspace().chosen  # the workspace's own LA: its revisions are the ones listed here
    console.print(f"DfE release diff: old {old}, new {new}", markup=False)
    rows = change_rows(diff)
    for f in diff.files:
        changes = Table(title=f.name, title_justify="left", title_style="bold")
        for column in ("What", "Change", "Old", "New", "Found by; used by"):
            changes.add_column(column, overflow="fold")
        for _, what, change, was, now, how, users in (r for r in rows if r[0] == f.name):
            changes.add_row(what, change, was, now, "; ".join(filter(None, [how, users])))
        console.print(changes)
        if not f.revisions:
            continue
        if diff.la or focus is None:
            shown = ([r for r in f.revisions if r.measure] + [r for r in f.revisions if not r.measure])[:SHOWN]
            which = "measures of published.yaml first"
        else:
            shown = [r for r in f.revisions if r.level == "national" and r.measure or r.code in focus.codes]
            which = f"England's for published.yaml measures and every one of {focus.name}'s"
        table = Table(title=f"{f.name}: {len(f.revisions)} figure(s) revised" + (f" for {diff.la}" if diff.la else "")
                      + (f"; {len(shown)} shown ({which}; all in --xlsx and --json)" if len(shown) < len(f.revisions) else ""),
                      title_justify="left")
        if not shown:
            console.print(table.title, markup=False)
            continue
        for column in ("Period", "Code", "Area", "Measure / column", "Filters", "Old", "New"):
            table.add_column(column, overflow="fold")
        for r in shown:
            table.add_row(r.period, r.code, r.area, r.measure or r.column, r.filters, r.old, r.new)
        console.print(table)
    for line in diff.summary():
        console.print(line, markup=False)
    written = []
    with Outputs() as outputs:
        if json_path:
            written.append(("JSON", write_json(diff, json_path, outputs=outputs)))
        if xlsx_path:
            written.append(("Report", write_report(diff, xlsx_path, built_at=built_at, outputs=outputs)))
    _print_written(written)


@cli.group("addin")
def addin_group() -> None:
    """The Scorecard Excel add-in: a ribbon tab whose buttons run these same commands from Excel."""


@addin_group.command("build")
@click.option("--out", type=click.Path(path_type=Path), default=None, help="File or folder to write Scorecard.xlam to. Default: dist/.")
def addin_build_command(out) -> None:
    """Write Scorecard.xlam: the ribbon tab and its VBA, compiled from excel/ and the installed xlwings."""
    from .addin import build_addin

    console.print(f"Add-in written to {_shown(build_addin(out))}", markup=False)


@addin_group.command("install")
@click.option("--addin", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="The add-in to install. Default: build it now from this project.")
def addin_install_command(addin) -> None:
    """Copy Scorecard.xlam to Excel's start-up folder (Windows, macOS) and write your scorecard.conf if you have none."""
    from .addin import install_addin

    done = install_addin(addin)
    console.print(f"Installed {done.addin}; Excel loads it the next time it starts.", markup=False)
    state = "written (check the paths in it)" if done.config_written else "kept as it was"
    console.print(f"Settings: {done.config} {state}.", markup=False)
    for note in done.notes:
        console.print(note, markup=False)


def _shown(path: Path | None) -> str:
    """A path relative to the current folder when it is inside it."""
    if path is None:
        return ""
    try:
        return str(resolved(path).relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _print_written(written: list[tuple[str, Path]]) -> None:
    """'JSON written to …' for each output of a run, once every one of them is in place."""
    for what, path in written:
        console.print(f"{what} written to {_shown(path)}", markup=False)


def _terminated(signum, frame) -> None:
    """SIGTERM (a scheduler stopping the batch): unwind like Ctrl-C, so temporary files are removed."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> None:
    library.collect_less_often()
    signal.signal(signal.SIGTERM, _terminated)
    try:
        cli.main(args=argv, prog_name="scorecard", standalone_mode=False)
    except (KeyboardInterrupt, click.exceptions.Abort):  # Ctrl-C or SIGTERM (click turns both into Abort)
        written = files.moved_into_place()
        if written:  # the interrupt came after the outputs were in place: say so, not that nothing was written
            errors.print(f"Interrupted after the run's {len(written)} output(s) were written in full and moved into place; "
                         "nothing is half-written.")
        else:
            errors.print("Interrupted: nothing was written (every output is as it was).")
        sys.exit(130)
    except UserError as exc:
        errors.print(exc.render(), markup=False)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)


if __name__ == "__main__":  # pragma: no cover
    main()
