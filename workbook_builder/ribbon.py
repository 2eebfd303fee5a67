"""The Excel entry points: one function per button of the Scorecard ribbon tab.

``excel/ScorecardRibbon.bas`` hands each click to one function here through xlwings'
``RunPython``, e.g. ``RunPython "import workbook_builder.ribbon as ribbon; ribbon.build_scorecards()"``.
Each function calls the same library function the CLI calls (``build.build``,
``build.validate``, ``build.trace``, ``reconcile.reconcile`` + ``reconcile.write_report``) with
the settings of ``scorecard.conf`` (:mod:`workbook_builder.config`), and adds only what
Excel needs: the calling workbook and selected cell, a status-bar message while it works, a
message box with the outcome, and opening what it made.

Called by RunPython, with no arguments, the shell is Excel (through xlwings). Called with an
explicit ``workbook`` path, as the tests do, nothing needs Excel: messages and files to open
are recorded on the returned :class:`Outcome`. A :class:`UserError` reaches the officer as
the CLI's own message ("Error: …" and what to do); any other exception as a short message
naming a log file that holds the traceback — never a traceback window.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import build as library
from .config import Config, find_config, load_config
from .errors import UserError
from .files import make_folder, resolved
from .refs import sheet_ref

LOG_NAME = "scorecard-excel.log"


@dataclass
class Outcome:
    """What a click did: the message box shown, and the files and folder opened."""

    title: str
    message: str = ""
    ok: bool = True
    opened: list[Path] = field(default_factory=list)
    folder: Path | None = None
    statuses: list[str] = field(default_factory=list)


class Shell:
    """Excel-free stand-in: records what would have been shown and opened."""

    def __init__(self) -> None:
        self.statuses: list[str] = []
        self.alerts: list[tuple[str, str]] = []
        self.opened: list[Path] = []
        self.folders: list[Path] = []
        self.settings: str | None = None

    def status(self, text: str | None) -> None:
        if text:
            self.statuses.append(text)

    def alert(self, title: str, text: str) -> None:
        self.alerts.append((title, text))

    def open_workbook(self, path: Path) -> None:
        self.opened.append(Path(path))

    def open_folder(self, path: Path) -> None:
        self.folders.append(Path(path))


class ExcelShell(Shell):
    """The calling Excel, through xlwings: status bar, message box, opening workbooks and folders."""

    def __init__(self, book) -> None:
        super().__init__()
        self.book = book

    def status(self, text: str | None) -> None:
        super().status(text)
        self.book.app.status_bar = text or False  # False hands the status bar back to Excel

    def alert(self, title: str, text: str) -> None:
        super().alert(title, text)
        self.book.app.alert(text, title=title)

    def open_workbook(self, path: Path) -> None:
        super().open_workbook(path)
        self.book.app.books.open(str(path))

    def open_folder(self, path: Path) -> None:
        super().open_folder(path)
        if sys.platform.startswith("win"):
            os.startfile(str(path))  # noqa: S606 - opens Explorer on the outputs folder
        else:
            subprocess.run(["open" if sys.platform == "darwin" else "xdg-open", str(path)], check=False)


def _excel() -> tuple[Path | None, object]:
    """The workbook RunPython was called from (its path, when saved) and the xlwings Book."""
    try:
        import xlwings as xw
    except ImportError:  # pragma: no cover - only reachable from Excel without the [excel] extra
        raise UserError("xlwings is not installed in the Python that Excel runs",
                        hint="Run: pip install -e '.[excel]' in that environment.") from None
    book = xw.Book.caller()
    full = Path(book.fullname)
    return (full if full.is_absolute() and full.is_file() else None), book


def _settings(workbook: Path | None, config: Path | None, shell: Shell) -> Config:
    """``config`` if given, else ``scorecard.conf`` beside the workbook or the user's, else the defaults."""
    path = Path(config) if config else find_config(workbook)
    cfg = load_config(path, project=Path(workbook).parent if workbook else None)
    shell.settings = cfg.where  # named under any error message, so the officer knows which file to edit
    return cfg


def log_path() -> Path:
    return Path(tempfile.gettempdir()) / LOG_NAME


def _click(title: str, workbook: str | Path | None, shell: Shell | None,
           work: Callable[[Path | None, Shell], Outcome]) -> Outcome:
    """Run one button's work with its shell: status bar while it runs, a message box after, never a traceback."""
    if workbook is None and shell is None:
        path, book = _excel()
        shell = ExcelShell(book)
    else:
        path = Path(workbook) if workbook is not None else None
        shell = shell or Shell()
    library.collect_less_often()
    try:
        outcome = work(path, shell)
    except UserError as exc:
        settings = getattr(shell, "settings", None)
        outcome = Outcome(title=f"{title}: could not finish", ok=False,
                          message=exc.render() + (f"\n  (Ribbon settings: {settings}.)" if settings else ""))
    except Exception as exc:  # noqa: BLE001 - the officer gets a message box and the log, not a traceback window
        log = log_path()
        try:
            with log.open("a", encoding="utf-8") as handle:
                handle.write(f"--- {dt.datetime.now().isoformat(timespec='seconds')} {title}\n{traceback.format_exc()}\n")
            where = f"The details are in {log}."
        except OSError:
            where = "The details could not be written to a log file."
        outcome = Outcome(title=f"{title}: unexpected problem", ok=False,
                          message=f"Error: {type(exc).__name__}: {exc}\n  {where} Please send it to whoever looks after scorecard.")
    finally:
        shell.status(None)
    if outcome.ok:
        for path_to_open in outcome.opened:
            shell.open_workbook(path_to_open)
        if outcome.folder is not None:
            shell.open_folder(outcome.folder)
    if outcome.message:
        shell.alert(outcome.title, outcome.message)
    outcome.statuses = list(shell.statuses)
    return outcome


def _shown(path: Path, cfg: Config) -> str:
    try:
        return resolved(path).relative_to(cfg.root).as_posix()
    except ValueError:
        return str(path)


# --- the buttons -------------------------------------------------------------------------------

def build_scorecards(workbook: str | Path | None = None, config: str | Path | None = None, *,
                     built_at: str | None = None, shell: Shell | None = None) -> Outcome:
    """Build scorecards: every workbook, for the configured period, into the outputs folder; open them."""

    def work(path: Path | None, shell: Shell) -> Outcome:
        cfg = _settings(path, config, shell)
        shell.status(f"Scorecard: building the scorecards from {_shown(cfg.inputs, cfg)} (a few seconds)…")
        results = library.build(None, inputs=cfg.inputs, out_dir=cfg.outputs, period=cfg.period, built_at=built_at, root=cfg.root,
                                la=cfg.la)
        lines = [r.summary() for r in results]
        lines += [f"warning: {r.workbook}: {w}" for r in results for w in r.warnings]
        lines.append(f"Written to {cfg.outputs}. Period: {cfg.period or 'latest available'}.")
        shell.status("Scorecard: opening the built workbooks…")
        return Outcome(title="Scorecard: built", message="\n".join(lines), opened=[r.output for r in results])

    return _click("Scorecard: Build scorecards", workbook, shell, work)


def reconcile_with_dfe(workbook: str | Path | None = None, config: str | Path | None = None, *,
                       built_at: str | None = None, shell: Shell | None = None) -> Outcome:
    """Reconcile with DfE: local figures against DfE's published data; write the report workbook and open it."""

    def work(path: Path | None, shell: Shell) -> Outcome:
        from . import reconcile as reconciliation  # pandas is loaded only by the buttons that need it

        cfg = _settings(path, config, shell)
        shell.status(f"Scorecard: reconciling {cfg.la or 'the LA'} {cfg.dfe_period} with DfE published data…")
        report = reconciliation.reconcile(cfg.la, cfg.dfe_period, cfg.local, cfg.published, root=cfg.root)
        make_folder(cfg.outputs, hint=f"Set OUTPUTS in {cfg.where} to a folder you can write to.")
        target = reconciliation.write_report(report, cfg.outputs / report.report_name(), built_at=built_at)
        lines = report.summary() + [f"Report: {target}"]
        return Outcome(title=f"Scorecard: reconciled {report.code} {report.period}", message="\n".join(lines), opened=[target])

    return _click("Scorecard: Reconcile with DfE", workbook, shell, work)


def validate_inputs(workbook: str | Path | None = None, config: str | Path | None = None, *,
                    shell: Shell | None = None) -> Outcome:
    """Validate inputs: check mappings, inputs and templates without building; summarise what was found."""

    def work(path: Path | None, shell: Shell) -> Outcome:
        cfg = _settings(path, config, shell)
        shell.status(f"Scorecard: checking mappings and inputs in {_shown(cfg.inputs, cfg)}…")
        reports = library.validate(None, inputs=cfg.inputs, period=cfg.period, root=cfg.root, la=cfg.la)
        lines = [r.summary() for r in reports]
        lines += [f"warning: {r.workbook}: {w}" for r in reports for w in r.warnings]
        lines.append("OK: every mapped value resolves to exactly one source value.")
        return Outcome(title="Scorecard: inputs OK", message="\n".join(lines))

    return _click("Scorecard: Validate inputs", workbook, shell, work)


TRACE_LIMIT = 240  # characters per field in the message box; the Audit sheet has the whole row


def trace_selected_cell(workbook: str | Path | None = None, cell: str | None = None, *,
                        shell: Shell | None = None) -> Outcome:
    """Trace selected cell: where the number in the active cell came from, from the workbook's Audit sheet."""
    book = None
    if workbook is None and shell is None:
        path, book = _excel()
        shell = ExcelShell(book)
        workbook = path

    def work(path: Path | None, shell: Shell) -> Outcome:
        ref = cell
        if ref is None:
            selection = book.app.selection
            ref = sheet_ref(selection.sheet.name, selection.get_address(False, False).split(":")[0])
        if path is None:
            raise UserError(f"the active workbook ({getattr(book, 'name', '?')}) has not been saved, so it has no Audit sheet to read",
                            hint="Open a workbook built by scorecard (see the outputs folder) and select one of its figures.")
        rows = library.trace(path, ref)
        blocks = ["\n".join(f"{name}: {_clip(value)}" for name, value in row.items() if value not in (None, "")) for row in rows]
        return Outcome(title=f"Scorecard: where {ref} came from", message="\n\n".join(blocks))

    return _click("Scorecard: Trace selected cell", workbook, shell, work)


def _clip(value: object) -> str:
    text = str(value)
    return text if len(text) <= TRACE_LIMIT else text[:TRACE_LIMIT - 1] + "… (in full on the Audit sheet)"


def open_outputs_folder(workbook: str | Path | None = None, config: str | Path | None = None, *,
                        shell: Shell | None = None) -> Outcome:
    """Open outputs folder: the configured outputs folder in Explorer / Finder (created if missing)."""

    def work(path: Path | None, shell: Shell) -> Outcome:
        cfg = _settings(path, config, shell)
        make_folder(cfg.outputs, hint=f"Set OUTPUTS in {cfg.where} to a folder you can write to.")
        return Outcome(title="Scorecard: outputs folder", folder=cfg.outputs)

    return _click("Scorecard: Open outputs folder", workbook, shell, work)
