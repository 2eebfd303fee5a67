"""The Excel ribbon: a thin xlwings shell over :mod:`workbook_builder.build`.

Each function is a ribbon button's callback (see ``excel/customUI.xml`` and
``excel/ScorecardRibbon.bas``). They call the same library functions as the CLI and only
add what Excel needs: the calling workbook, the selected cell, a message box, opening the
result. A :class:`UserError` becomes a message box, never a traceback.
"""

from __future__ import annotations

from pathlib import Path

from . import build as library
from .errors import UserError


def _xw():
    import xlwings as xw  # imported here so the library and CLI never need Excel

    return xw


def _alert(book, text: str, title: str = "Scorecard") -> None:
    book.app.alert(text, title=title)


def _project(book) -> Path:
    """The scorecard project folder: where the calling workbook sits, or the package's checkout."""
    return library.project_root(Path(book.fullname).parent)


def _attempt(book, title: str, call):
    """Run a library call; a UserError becomes a message box (the CLI's message), never a traceback."""
    try:
        return call()
    except UserError as exc:
        _alert(book, f"{exc.message}\n\n{exc.hint or ''}", title)
        return None


def build_scorecard() -> None:
    """Build every workbook from the project's inputs and open the results."""
    xw = _xw()
    book = xw.Book.caller()
    results = _attempt(book, "Scorecard: could not build", lambda: library.build(root=_project(book)))
    if results is None:
        return
    for result in results:
        xw.Book(str(result.output))
    _alert(book, "\n".join(f"{r.workbook}: {r.values_filled} values, {r.audit_rows} audit rows, {r.seconds:.1f} s" for r in results))


def validate_inputs() -> None:
    """Check mappings, inputs and templates without building."""
    xw = _xw()
    book = xw.Book.caller()
    reports = _attempt(book, "Scorecard: validation failed", lambda: library.validate(root=_project(book)))
    if reports is None:
        return
    _alert(book, "\n".join(f"{r.workbook}: {r.measures} measures, {r.located} values located, {r.not_available} not available"
                           for r in reports), "Scorecard: inputs OK")


def trace_this_cell() -> None:
    """Explain where the selected cell's number came from (from the Audit sheet of a built workbook)."""
    xw = _xw()
    book = xw.Book.caller()
    cell = book.app.selection
    ref = f"'{cell.sheet.name}'!{cell.get_address(False, False)}"
    rows = _attempt(book, "Scorecard: trace", lambda: library.trace(Path(book.fullname), ref))
    if rows is None:
        return
    lines = [f"{k}: {v}" for k, v in rows[0].items() if v not in (None, "")]
    _alert(book, "\n".join(lines), f"Where {ref} came from")
