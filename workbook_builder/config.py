"""``scorecard.conf``: the settings an officer edits for the Excel ribbon, in xlwings' own config format.

One line per setting, two quoted values separated by a comma — ``"INPUTS","inputs\\sample"``.
It is the format xlwings' VBA reads (``Input #``), so the same file also gives xlwings the
Python interpreter (``INTERPRETER_WIN`` / ``INTERPRETER_MAC``) before Python starts; lines whose
first value starts with ``#`` are notes for the reader (xlwings ignores them as unknown keys).

Where it is looked for, first found wins (the order xlwings' ``GetConfig`` uses for files):

1. ``scorecard.conf`` beside the active workbook;
2. the user's file: ``%USERPROFILE%\\.scorecard\\scorecard.conf`` on Windows,
   ``~/Library/Containers/com.microsoft.Excel/Data/scorecard.conf`` on macOS (Excel's sandbox
   home), ``~/.scorecard/scorecard.conf`` elsewhere — ``scorecard addin install`` writes it.

Without either, the CLI's defaults apply (the project folder's ``inputs/sample``, ``mappings``,
``outputs``). Relative paths are resolved against the folder of the file that names them.
"""

from __future__ import annotations

import csv
import io
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UserError
from .files import make_folder, resolved, write_atomic
from .limits import check_text_file
from .periods import period_end

FILE_NAME = "scorecard.conf"
DEFAULT_DFE_PERIOD = "2025"  # the sample DfE files' latest year; 2024 for the real release in ../shared

# key -> (default, note shown in the annotated file)
KEYS: dict[str, tuple[str, str]] = {
    "INTERPRETER_WIN": ("", "Windows: full path of python.exe (or pythonw.exe) in the environment where scorecard is installed"),
    "INTERPRETER_MAC": ("", "macOS: full path of python in the environment where scorecard is installed"),
    "INPUTS": ("inputs/sample", "Folder of input extracts (chat, dfe, local, reference, survey)"),
    "MAPPINGS": ("mappings", "The mappings folder of the scorecard project (templates must sit beside it)"),
    "OUTPUTS": ("outputs", "Where built workbooks and the reconciliation report are written"),
    "PERIOD": ("", "Reporting period shown on the scorecards, e.g. 2026-27 Q1; blank = latest available"),
    "LA": ("", "LA code (new or old) to build, validate and reconcile for; blank = the LA the project's scorecard.yaml names"),
    "DFE_PERIOD": (DEFAULT_DFE_PERIOD, "DfE time_period to reconcile, e.g. 2024"),
    "PUBLISHED": ("inputs/sample/dfe", "Folder of DfE open-data CSVs to reconcile against"),
    "LOCAL": ("inputs/sample/local/dfe_returns.csv", "Local figures to reconcile: CSV with columns measure_id,period,value"),
}
PATH_KEYS = ("INPUTS", "MAPPINGS", "OUTPUTS", "PUBLISHED", "LOCAL")
XLWINGS_KEYS = ("PYTHONPATH", "CONDA PATH", "CONDA ENV", "SHOW CONSOLE", "USE UDF SERVER", "ADD_WORKBOOK_TO_PYTHONPATH", "TEMP DIR", "INTERPRETER")


@dataclass
class Config:
    """Resolved settings: every path absolute. ``path`` is the file read (None: the CLI's defaults)."""

    path: Path | None
    root: Path
    inputs: Path
    outputs: Path
    period: str | None
    la: str | None  # None: the workspace's own LA (scorecard.yaml)
    dfe_period: str
    published: Path
    local: Path
    values: dict[str, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return str(self.path) if self.path else "the built-in defaults (no scorecard.conf found)"


def user_config_path(platform: str | None = None) -> Path:
    """The per-user file that xlwings' VBA also reads (GetConfigFilePath with PROJECT_NAME = scorecard)."""
    platform = platform or sys.platform
    if platform.startswith("win"):
        return Path(os.environ.get("USERPROFILE") or Path.home()) / ".scorecard" / FILE_NAME
    if platform == "darwin":
        return Path.home() / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / FILE_NAME
    return Path.home() / ".scorecard" / FILE_NAME


def find_config(workbook: Path | None) -> Path | None:
    """``scorecard.conf`` beside ``workbook``, else the user's file, else None."""
    candidates = [Path(workbook).parent / FILE_NAME] if workbook else []
    candidates.append(user_config_path())
    return next((c for c in candidates if c.is_file()), None)


def read_pairs(path: Path) -> dict[str, tuple[str, int]]:
    """KEY -> (value, line) from a config file; notes (``#`` keys) and blank lines skipped."""
    check_text_file(Path(path))
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        text = Path(path).read_bytes().decode("cp1252")  # as written by VBA's Write # on Windows
    pairs: dict[str, tuple[str, int]] = {}
    for line_no, row in enumerate(csv.reader(io.StringIO(text), skipinitialspace=True), 1):
        if not row or all(not cell.strip() for cell in row) or row[0].strip().startswith("#"):
            continue
        if len(row) != 2:
            raise UserError(f"{path}:{line_no}: expected two quoted values, \"KEY\",\"value\", found {len(row)}",
                            hint='Write each setting on its own line, e.g. "PERIOD","2026-27 Q1".')
        key = row[0].strip().upper()
        if key not in KEYS and key not in XLWINGS_KEYS:
            raise UserError(f"{path}:{line_no}: unknown setting '{row[0].strip()}'",
                            hint=f"Settings: {', '.join(KEYS)} (and xlwings' own: {', '.join(XLWINGS_KEYS)}).")
        if key in pairs:
            raise UserError(f"{path}:{line_no}: {key} is set twice (first on line {pairs[key][1]})", hint="Keep one of them.")
        pairs[key] = (row[1].strip(), line_no)
    return pairs


def load_config(path: Path | None = None, *, project: Path | None = None) -> Config:
    """Settings from ``path`` (relative paths against its folder), or the defaults relative to ``project``."""
    from .workspace import project_root

    pairs = read_pairs(path) if path else {}
    base = resolved(path).parent if path else project_root(project)
    where = str(path) if path else "the defaults"

    def value(key: str) -> str:
        given = pairs.get(key, ("", 0))[0]
        return given or KEYS[key][0]

    def located(key: str) -> Path:
        return (base / Path(os.path.expandvars(value(key)).replace("\\", os.sep))).resolve()

    def complain(key: str, message: str, hint: str) -> UserError:
        line = pairs.get(key, ("", 0))[1]
        return UserError(f"{where}{':' + str(line) if line else ''}: {key}: {message}", hint=hint)

    mappings = located("MAPPINGS")
    root = mappings.parent
    if not mappings.is_dir():
        raise complain("MAPPINGS", f"folder not found: {mappings}", "Set MAPPINGS to the mappings folder of the scorecard project.")
    if mappings.name != "mappings" or not (root / "templates").is_dir():
        raise complain("MAPPINGS", f"{mappings} is not a scorecard project's mappings folder (templates/ must sit beside it)",
                       "Set MAPPINGS to <project folder>/mappings.")
    inputs = located("INPUTS")
    if not inputs.is_dir():
        raise complain("INPUTS", f"folder not found: {inputs}", "Set INPUTS to the folder holding chat, dfe, local and reference.")
    period = value("PERIOD") or None
    if period and period_end(period) is None:
        raise complain("PERIOD", f"'{period}' is not a period label",
                       "Use a label such as 2026-06 (month), 2025-26 (year), 2026-27 Q1 (quarter), or leave it blank.")
    dfe_period = value("DFE_PERIOD")
    if not dfe_period.isdigit():
        raise complain("DFE_PERIOD", f"'{dfe_period}' is not a DfE time_period", "Use the year as DfE writes it, e.g. 2024.")
    la = value("LA") or None
    return Config(path=resolved(path) if path else None, root=root, inputs=inputs, outputs=located("OUTPUTS"),
                  period=period, la=la, dfe_period=dfe_period, published=located("PUBLISHED"), local=located("LOCAL"),
                  values={k: v for k, (v, _) in pairs.items()})


def render(values: dict[str, str]) -> str:
    """An annotated config file: each setting preceded by a note saying what it is."""
    lines = ['"# Settings for the Scorecard tab in Excel. Edit the second value on a line; keep both quotes.",""',
             '"# Relative paths are relative to the folder holding this file.",""']
    for key, (default, note) in KEYS.items():
        lines.append(f'"# {note}",""')
        lines.append(f'"{key}","{values.get(key, default)}"')
    return "\r\n".join(lines) + "\r\n"


def write_config(path: Path, values: dict[str, str]) -> None:
    """Write an annotated config file (temporary file, then moved into place)."""
    path = Path(path)
    make_folder(path.parent, hint="Check the settings folder is one you may write to.")
    text = render(values)
    try:
        data = text.encode("cp1252")  # what VBA's Input # reads on Windows
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    write_atomic(path, data)
