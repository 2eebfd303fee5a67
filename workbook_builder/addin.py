"""``scorecard addin build`` and ``scorecard addin install``: the Scorecard Excel add-in (``Scorecard.xlam``).

The add-in is made, without Excel, from text in the repository and the installed xlwings:

* ``excel/customUI14.xml`` — the ribbon tab, stored as ``customUI/customUI14.xml`` with a root
  relationship of type ``…/2007/relationships/ui/extensibility``;
* ``excel/ScorecardRibbon.bas`` — one ``Sub Name(control As IRibbonControl)`` per button, each a
  ``RunPython`` call into :mod:`workbook_builder.ribbon`;
* xlwings' own VBA (``xlwings_custom_addin.bas`` with its project name set to ``scorecard``, and
  ``addin/Dictionary.cls`` for the Mac), read from the installed xlwings package — the module that
  defines ``RunPython`` — so the add-in works without the separate xlwings add-in, exactly as
  ``xlwings quickstart --addin`` sets up a custom add-in.

:mod:`workbook_builder.vba` compiles the modules into ``vbaProject.bin``; XlsxWriter writes a
one-sheet macro-enabled workbook around it; the content type is then changed to an add-in's and
the ribbon part added. Zip entries are written in a fixed order with fixed timestamps: the same
sources give a byte-identical add-in.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .config import KEYS, user_config_path, write_config
from .errors import UserError
from .files import make_folder, write_atomic
from .vba import EXCEL_WORKBOOK_GUID, EXCEL_WORKSHEET_GUID, Module, build_project, document_module, read_source
from .workspace import PACKAGE_ROOT, project_root

ADDIN_NAME = "Scorecard.xlam"
ADDIN_CONTENT_TYPE = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
MACRO_WORKBOOK_CONTENT_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
CUSTOMUI_PART = "customUI/customUI14.xml"
CUSTOMUI_NAMESPACE = "http://schemas.microsoft.com/office/2009/07/customui"
UI_RELATIONSHIP = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
XLWINGS_PROJECT_LINE = 'Public Const PROJECT_NAME As String = "myaddin"'
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def excel_folder(root: Path | None = None) -> Path:
    """``excel/`` of the project: the ribbon XML and the VBA sources."""
    for base in filter(None, [root, project_root(), PACKAGE_ROOT]):
        if (Path(base) / "excel" / "ScorecardRibbon.bas").is_file():
            return Path(base) / "excel"
    raise UserError("excel/ScorecardRibbon.bas not found", hint="Run scorecard addin build from the scorecard project folder.")


def xlwings_folder() -> Path:
    """The installed xlwings package, whose VBA sources go into the add-in."""
    try:
        import xlwings
    except ImportError:
        raise UserError("building the add-in needs xlwings (its VBA module provides RunPython), which is not installed",
                        hint="Run: pip install -e '.[excel]'") from None
    return Path(xlwings.__file__).parent


def xlwings_modules() -> list[Module]:
    """xlwings' VBA for a custom add-in, its project name set to ``scorecard`` (so it reads scorecard.conf)."""
    folder = xlwings_folder()
    source, dictionary = folder / "xlwings_custom_addin.bas", folder / "addin" / "Dictionary.cls"
    for path in (source, dictionary):
        if not path.is_file():
            raise UserError(f"the installed xlwings has no {path.name}", hint="Install a full xlwings: pip install -e '.[excel]'")
    main = read_source(source, "xlwings")
    if main.code.count(XLWINGS_PROJECT_LINE) != 1:
        raise UserError(f"{source}: cannot find the line {XLWINGS_PROJECT_LINE!r} to name the project",
                        hint="This xlwings version changed its custom add-in module; pin xlwings to a version this scorecard supports.")
    main = Module(name=main.name, kind=main.kind, code=main.code.replace(XLWINGS_PROJECT_LINE, XLWINGS_PROJECT_LINE.replace("myaddin", "scorecard")))
    return [main, read_source(dictionary, "Dictionary")]


def addin_modules(root: Path | None = None) -> list[Module]:
    """Every module of the add-in's VBA project, in order: the documents, the ribbon callbacks, xlwings."""
    ribbon = read_source(excel_folder(root) / "ScorecardRibbon.bas")
    return [document_module("ThisWorkbook", EXCEL_WORKBOOK_GUID), document_module("Sheet1", EXCEL_WORKSHEET_GUID),
            ribbon, *xlwings_modules()]


def package(*, root: Path | None = None, content_type: str = ADDIN_CONTENT_TYPE) -> bytes:
    """The add-in package as bytes; ``content_type`` of the workbook part may be a macro-enabled workbook's instead."""
    import xlsxwriter

    folder = excel_folder(root)
    custom_ui = (folder / "customUI14.xml").read_bytes()
    vba = build_project(addin_modules(root))
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"title": "Scorecard", "subject": "Scorecard ribbon tab for children's services scorecards",
                         "created": dt.datetime(2000, 1, 1)})
    sheet = book.add_worksheet("Scorecard")
    bold = book.add_format({"bold": True})
    for row, (text, style) in enumerate([
        ("Scorecard add-in", bold),
        ("Adds the Scorecard tab to the ribbon. Each button runs workbook_builder.ribbon in Python through xlwings.", None),
        ("Settings (Python interpreter, folders, period) are in scorecard.conf; see the scorecard README.", None),
    ]):
        sheet.write(row, 0, text, style)
    book.add_vba_project(io.BytesIO(vba), is_stream=True)
    book.close()

    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    types = parts["[Content_Types].xml"].decode("utf-8")
    if MACRO_WORKBOOK_CONTENT_TYPE not in types:
        raise UserError("XlsxWriter did not write a macro-enabled workbook", hint="Upgrade XlsxWriter: pip install -U XlsxWriter")
    parts["[Content_Types].xml"] = types.replace(MACRO_WORKBOOK_CONTENT_TYPE, content_type).encode("utf-8")
    rels = parts["_rels/.rels"].decode("utf-8")
    relationship = f'<Relationship Id="rIdScorecardUI" Type="{UI_RELATIONSHIP}" Target="{CUSTOMUI_PART}"/>'
    parts["_rels/.rels"] = rels.replace("</Relationships>", relationship + "</Relationships>").encode("utf-8")
    parts[CUSTOMUI_PART] = custom_ui

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():  # XlsxWriter's order ([Content_Types].xml first), then the ribbon
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, data)
    return out.getvalue()


def _write(path: Path, data: bytes) -> None:
    """Write the add-in through a temporary file beside ``path``, then move it into place."""
    hint = "Pass --out with a folder you can write to."
    make_folder(path.parent, hint=hint)
    write_atomic(path, data, hint=hint, locked_hint="Close Excel (it locks an installed add-in) or pass --out with a folder you can write to.")


def default_addin_path(root: Path | None = None) -> Path:
    return (root or project_root()) / "dist" / ADDIN_NAME


def build_addin(out: Path | None = None, *, root: Path | None = None) -> Path:
    """Write the add-in to ``out`` (a file, or a folder to put Scorecard.xlam in); default ``dist/Scorecard.xlam``."""
    target = Path(out) if out else default_addin_path(root)
    if target.is_dir() or (out is not None and not target.suffix):
        target = target / ADDIN_NAME
    if target.suffix.lower() != ".xlam":
        raise UserError(f"{target}: an Excel add-in's file name must end in .xlam", hint="Pass --out Scorecard.xlam or a folder.")
    _write(target, package(root=root))
    return target


# --- install -------------------------------------------------------------------------------------

def startup_folder(platform: str | None = None) -> Path:
    """Where Excel opens add-ins by itself at start-up (the folder ``xlwings addin install`` uses)."""
    platform = platform or sys.platform
    if platform.startswith("win"):
        appdata = os.environ.get("APPDATA") or str(Path.home() / "AppData" / "Roaming")
        return Path(appdata) / "Microsoft" / "Excel" / "XLSTART"
    if platform == "darwin":
        return (Path.home() / "Library" / "Group Containers" / "UBF8T346G9.Office" / "User Content.localized"
                / "Startup.localized" / "Excel")
    raise UserError(f"cannot install the add-in on this system ({platform}): Excel runs on Windows and macOS only",
                    hint=f"Run scorecard addin build, copy {ADDIN_NAME} to the officer's PC or Mac, and run scorecard addin install there "
                         "(the README says where it goes).")


@dataclass
class Installed:
    addin: Path
    config: Path
    config_written: bool
    notes: list[str]


def install_addin(addin: Path | None = None, *, root: Path | None = None, platform: str | None = None,
                  startup: Path | None = None, config: Path | None = None) -> Installed:
    """Copy the add-in into Excel's start-up folder, and write the user's scorecard.conf if there is none yet."""
    platform = platform or sys.platform
    startup = Path(startup) if startup else startup_folder(platform)
    root = (root or project_root()).resolve()
    source = Path(addin) if addin else default_addin_path(root)
    if addin is None:
        build_addin(source, root=root)  # always install what the current sources make
    if not source.is_file():
        raise UserError(f"add-in not found: {source}", hint="Run: scorecard addin build")
    target = startup / ADDIN_NAME
    _write(target, source.read_bytes())

    config = Path(config) if config else user_config_path(platform)
    written = not config.is_file()
    if written:
        values = {key: str((root / default).resolve()) if key in ("INPUTS", "MAPPINGS", "OUTPUTS", "PUBLISHED", "LOCAL") else default
                  for key, (default, _) in KEYS.items()}
        values["INTERPRETER_WIN" if platform.startswith("win") else "INTERPRETER_MAC"] = sys.executable
        write_config(config, values)
    notes = []
    if platform == "darwin":
        notes.append("On a Mac, xlwings also needs its AppleScript once: run `xlwings runpython install`.")
    return Installed(addin=target, config=config, config_written=written, notes=notes)
