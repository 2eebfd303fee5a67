"""``scorecard``: the command-line shell over :mod:`workbook_builder.build`.

Exit status: 0 success; 2 for a user error (bad input, bad mapping, missing file), printed
as one message naming the file, sheet, row or key, with no traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from . import __version__, build as library
from .errors import UserError
from .audiences import AUDIENCES

console = Console(highlight=False, soft_wrap=True)
errors = Console(stderr=True, highlight=False, soft_wrap=True)

inputs_option = click.option("--inputs", type=click.Path(path_type=Path, file_okay=False), default=None,
                             help="Folder of input extracts (chat/, dfe/, local/, reference/). Default: inputs/sample.")
workbook_option = click.option("--workbook", "workbooks", multiple=True, metavar="NAME",
                               help="Workbook id from mappings/ (e.g. appendix_x). Repeatable. Default: all.")
published_option = click.option("--published", type=click.Path(path_type=Path, file_okay=False), default=None, metavar="DIR",
                                 help="Folder of DfE open-data CSVs for the measures DfE publishes per LA (mappings/published.yaml): "
                                      "their SN, England and position come from it. Default: the inputs' dfe/ folder.")
period_option = click.option("--period", default=None, metavar="LABEL",
                             help="Reporting period, e.g. '2026-27 Q1': shown on the scorecard, and the latest local period used.")


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
              help="With --published-only: build for this LA (new or old code; repeatable), or 'all' for every LA.")
@click.option("--published-only", is_flag=True,
              help="Fill only the measures DfE publishes per LA (LA, SN, England, position from --published): a benchmarking pack per LA.")
def build_command(workbooks, inputs, out, period, published, built_at, audience, las, published_only) -> None:
    """Build workbooks from the inputs into the output folder."""
    if las and not published_only:
        raise UserError("--la needs --published-only", hint="Local extracts belong to the mapping's own LA; other LAs get DfE's published figures only.")
    if published_only:
        return _build_published(list(workbooks), list(las), inputs, out, published, built_at)
    results = library.build(list(workbooks) or None, inputs=inputs, out_dir=out, period=period, built_at=built_at, audience=audience,
                            published=published)
    for r in results:
        sample = " [bold red](contains sample data)[/bold red]" if r.sample else ""
        console.print(f"[bold]{r.workbook}[/bold]: {r.measures} measures, {r.values_filled} values, {r.audit_rows} audit rows, "
                      f"{len(r.sources)} input files{sample}, {r.seconds:.2f} s\n  -> {_shown(r.output)}")
    for r in results:
        for warning in r.warnings:
            errors.print(f"warning: {r.workbook}: {warning}")


def _build_published(workbooks, las, inputs, out, published, built_at) -> None:
    """`build --published-only`: one benchmarking workbook per LA, with a progress bar on a terminal."""
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .batch import build_published

    for workbook in workbooks or ["appendix_2"]:
        started = time.perf_counter()
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=errors, disable=not errors.is_terminal, transient=True) as bar:
            tasks = {}

            def progress(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(f"{workbook}: {'resolving' if stage == 'resolve' else 'writing'}", total=total)
                bar.update(tasks[stage], completed=done)

            results = build_published(workbook, las or None, inputs=inputs, out_dir=out, published=published,
                                      built_at=built_at, progress=progress)
        seconds = time.perf_counter() - started
        folder = _shown(results[0].output.parent) if results else ""
        console.print(f"[bold]{workbook}[/bold] (DfE published only): {len(results)} LA workbook(s), "
                      f"{sum(r.values_filled for r in results)} values, {seconds:.1f} s ({seconds / max(len(results), 1):.2f} s per LA)\n  -> {folder}")


@cli.command("validate")
@workbook_option
@inputs_option
@period_option
@published_option
def validate_command(workbooks, inputs, period, published) -> None:
    """Check mappings, inputs and templates without building: every row resolvable, every locator one value."""
    reports = library.validate(list(workbooks) or None, inputs=inputs, period=period, published=published)
    for report in reports:
        console.print(f"[bold]{report.workbook}[/bold]: {report.measures} measures; {report.located} values located; "
                      f"{report.not_available} marked not available; {len(report.files)} input files read")
        for warning in report.warnings:
            errors.print(f"warning: {report.workbook}: {warning}")
    console.print("OK: every mapped value resolves to exactly one source value.")


@cli.command("trace")
@click.argument("workbook", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("cell")
def trace_command(workbook, cell) -> None:
    """Print where the number in CELL ('Scorecard'!D7) of a built WORKBOOK came from."""
    for row in library.trace(workbook, cell):
        table = Table(show_header=False, title=f"{row['Cell']}: {row['Measure id']} ({row['Series']})")
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
    console.print(f"{len(changes)} cell(s) filled; written to {_shown(out)}")


@cli.command("reconcile")
@click.option("--la", "la", required=True, metavar="CODE", help="LA code, new (E06000051) or old (893).")
@click.option("--period", required=True, metavar="PERIOD", help="DfE time_period, e.g. 2024.")
@click.option("--local", "local_csv", required=True, type=click.Path(path_type=Path, dir_okay=False), help="CSV: measure_id,period,value[,numerator,denominator].")
@click.option("--published", "published_dir", required=True, type=click.Path(path_type=Path, file_okay=False), help="Folder of DfE open-data CSVs.")
@click.option("--tolerance", default=0.0, show_default=True, type=float, help="Absolute difference accepted beyond DfE's rounding.")
@click.option("--json", "json_path", type=click.Path(path_type=Path, dir_okay=False), help="Write the results as JSON here.")
@click.option("--xlsx", "xlsx_path", type=click.Path(path_type=Path, dir_okay=False), help="Write a report workbook (Reconciliation, Audit, Sources).")
@click.option("--built-at", default=None, metavar="TEXT", help="Time shown in the report (default: SOURCE_DATE_EPOCH, else now).")
@click.option("--fail-on-mismatch", is_flag=True, help="Exit with status 1 when any measure mismatches.")
def reconcile_command(la, period, local_csv, published_dir, tolerance, json_path, xlsx_path, built_at, fail_on_mismatch) -> None:
    """Line local figures up against DfE's published data, measure by measure."""
    from .reconcile import reconcile, write_json

    report = reconcile(la, period, local_csv, published_dir, tolerance=tolerance)
    console.print(f"[bold]Reconciliation: {la}, {period}[/bold]  (local / published / SN mean (n) / England / quartile)")
    for r in report["results"]:
        console.print(f"{r['status']:<18} {r['measure_id']:<46} {_text(r['local']):>7} / {_text(r['published']):>5} / "
                      f"{_text(r['sn_average'])} ({r['sn_count']}) / {_text(r['england'])} / Q{_text(r['quartile']) or '-'}  {r['explanation']}",
                      markup=False)
    if json_path:
        write_json(report, json_path)
        console.print(f"JSON written to {_shown(json_path)}")
    if xlsx_path:
        from .build import build_time
        from .reconcile import write_xlsx

        write_xlsx(report, xlsx_path, local_csv=local_csv, published_dir=published_dir, built_at=build_time(built_at))
        console.print(f"Report written to {_shown(xlsx_path)}")
    mismatches = [r["measure_id"] for r in report["results"] if r["status"] == "mismatch"]
    if mismatches and fail_on_mismatch:
        errors.print(f"{len(mismatches)} mismatch(es): {', '.join(mismatches)}")
        sys.exit(1)


@cli.group("addin")
def addin_group() -> None:
    """The Scorecard Excel add-in: a ribbon tab whose buttons run these same commands from Excel."""


@addin_group.command("build")
@click.option("--out", type=click.Path(path_type=Path), default=None, help="File or folder to write Scorecard.xlam to. Default: dist/.")
def addin_build_command(out) -> None:
    """Write Scorecard.xlam: the ribbon tab and its VBA, compiled from excel/ and the installed xlwings."""
    from .addin import build_addin

    console.print(f"Add-in written to {_shown(build_addin(out))}")


@addin_group.command("install")
@click.option("--addin", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="The add-in to install. Default: build it now from this project.")
def addin_install_command(addin) -> None:
    """Copy Scorecard.xlam to Excel's start-up folder (Windows, macOS) and write your scorecard.conf if you have none."""
    from .addin import install_addin

    done = install_addin(addin)
    console.print(f"Installed {done.addin}; Excel loads it the next time it starts.")
    state = "written (check the paths in it)" if done.config_written else "kept as it was"
    console.print(f"Settings: {done.config} {state}.")
    for note in done.notes:
        console.print(note)


def _text(value) -> str:
    return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def _shown(path: Path | None) -> str:
    """A path relative to the current folder when it is inside it."""
    if path is None:
        return ""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> None:
    library.collect_less_often()
    try:
        cli.main(args=argv, prog_name="scorecard", standalone_mode=False)
    except UserError as exc:
        errors.print(f"Error: {exc.message}", markup=False)
        if exc.hint:
            errors.print(f"  {exc.hint}", markup=False)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        errors.print("Aborted.")
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)


if __name__ == "__main__":  # pragma: no cover
    main()
