"""Render built workbooks as a person sees them: LibreOffice -> PDF -> PNG pages (pdftoppm).

Run: ``python scripts/render.py [WORKBOOK.xlsx ...]`` (default: every workbook in outputs/).
Writes ``<name>.pdf`` and ``<name>-N.png`` into ``outputs/render/``. Needs LibreOffice
(``soffice``) and poppler-utils (``pdftoppm``). ``--screenshot PATH`` also writes the top
of the first page, as used in the README.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def render(workbook: Path, out: Path, dpi: int = 80) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        source = work / "book.xlsx"
        shutil.copy(workbook, source)
        subprocess.run(["soffice", f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(work), str(source)], check=True, capture_output=True, timeout=240)
        pdf = out / f"{workbook.stem}.pdf"
        shutil.copy(work / "book.pdf", pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(out / workbook.stem)], check=True)
    return sorted(out.glob(f"{workbook.stem}-*.png"))


def screenshot(pdf: Path, target: Path) -> None:
    """The top of page 1 at a readable resolution."""
    stem = target.with_suffix("")
    subprocess.run(["pdftoppm", "-r", "100", "-png", "-f", "1", "-l", "1", "-x", "0", "-y", "0", "-W", "1680", "-H", "820",
                    "-singlefile", str(pdf), str(stem)], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workbooks", nargs="*", type=Path)
    parser.add_argument("--screenshot", type=Path)
    args = parser.parse_args()
    books = args.workbooks or sorted((ROOT / "outputs").glob("*.xlsx"))
    for book in books:
        pages = render(book, ROOT / "outputs" / "render")
        print(f"{book.name}: {len(pages)} page(s) in outputs/render/")
        if args.screenshot:
            screenshot(ROOT / "outputs" / "render" / f"{book.stem}.pdf", args.screenshot)


if __name__ == "__main__":
    main()
