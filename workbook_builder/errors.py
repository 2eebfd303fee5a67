"""Errors a user can act on.

A :class:`UserError` carries a message that names the file, sheet, row or key at fault
and says what to do. The CLI prints it without a traceback and exits with status 2.
"""

from __future__ import annotations


class UserError(Exception):
    """Bad input, bad mapping or a missing file: exit status 2, no traceback."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message if not self.hint else f"{self.message}\n  {self.hint}"


def error_text(exc: UserError) -> str:
    """The message as the CLI prints it: ``Error: message`` and, indented below, what to do."""
    return f"Error: {exc.message}" + (f"\n  {exc.hint}" if exc.hint else "")
