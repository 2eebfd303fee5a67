"""Run LibreOffice headless on our workbooks, in a throwaway profile that recalculates on load."""

from __future__ import annotations

import subprocess
from pathlib import Path

from .conftest import soffice

RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def convert(workbook: Path, fmt: str, outdir: Path, *, recalc: bool = False) -> Path:
    """Convert with LibreOffice (``fmt``: pdf, csv, xlsx); ``recalc`` makes it recalculate every formula on load."""
    binary = soffice()
    profile = outdir / ("lo_profile_recalc" if recalc else "lo_profile")
    if recalc:
        (profile / "user").mkdir(parents=True, exist_ok=True)
        (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS, encoding="utf-8")
    result = subprocess.run([binary, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", fmt,
                             "--outdir", str(outdir), str(workbook)], capture_output=True, text=True, timeout=240)
    produced = outdir / f"{workbook.stem}.{fmt.split(':')[0]}"
    per_sheet = list(outdir.glob(f"{workbook.stem}-*.{fmt.split(':')[0]}"))  # CSV of every sheet (filter option -1)
    assert result.returncode == 0 and (produced.is_file() or per_sheet), f"LibreOffice failed on {workbook.name}: {result.stdout} {result.stderr}"
    return produced
