"""``python -m workbook_builder`` runs the ``scorecard`` command."""

from .cli import main

main()
