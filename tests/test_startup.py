"""Start-up cost matters for the ribbon: `--help` and `trace` must not import pandas (issue 7)."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT, published_options

PROBE = """
import sys
from workbook_builder.cli import main
try:
    main({argv!r})
except SystemExit as exit:
    code = exit.code
else:
    code = 0
print(code, 'pandas' in sys.modules, 'pydantic' in sys.modules, 'openpyxl' in sys.modules)
"""


def _probe(argv) -> list[str]:
    out = subprocess.run([sys.executable, "-c", PROBE.format(argv=argv)], cwd=ROOT, capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1].split()


def test_help_imports_no_heavy_library():
    assert _probe(["--help"]) == ["0", "False", "False", "False"]


def test_trace_imports_no_heavy_library(sample_build):
    assert _probe(["trace", str(sample_build.output), "'Scorecard'!E32"]) == ["0", "False", "False", "False"]


def test_batch_progress_bar_is_quiet_when_output_is_not_a_terminal(tmp_path, shared_data):
    out = subprocess.run([sys.executable, "-m", "workbook_builder", "build", "--workbook", "appendix_2", "--la", "893", "--la", "E06000019",
                          "--published-only", *published_options(shared_data), "--out", str(tmp_path), "--built-at", "2026-07-01 09:00"],
                         cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stderr == "" and "2 LA workbook(s), 458 values" in out.stdout


def test_importing_the_library_and_the_ribbon_loads_no_heavy_library():
    """A ribbon click starts a Python that imports these two; only the buttons that need pandas load it."""
    code = ("import sys, workbook_builder.build, workbook_builder.ribbon; "
            "print('pandas' in sys.modules, 'pydantic' in sys.modules, 'openpyxl' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "False"]
