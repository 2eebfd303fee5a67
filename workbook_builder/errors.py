"""Errors a user can act on.

A :class:`UserError` carries a message that names the file, sheet, row or key at fault
and says what to do. It renders itself (click's pattern for exceptions): the CLI prints
:meth:`UserError.render` to standard error and exits with status 2, the Excel ribbon shows
the same text in a message box. Neither shows a traceback.
"""

from __future__ import annotations


class UserError(Exception):
    """Bad input, bad mapping or a missing file: exit status 2, no traceback."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  {self.hint}"

    def render(self) -> str:
        """The error as people read it: ``Error: <message>`` and, indented below, what to do."""
        return f"Error: {self}"

    def within(self, context: str) -> "UserError":
        """The same error with ``context`` (say, the measure and mapping line that asked) put before its message."""
        return type(self)(f"{context}: {self.message}", hint=self.hint)
