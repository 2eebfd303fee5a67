"""Draw the Scorecard ribbon tab as a picture for the README (``docs/ribbon.png``), without Excel.

The tab's label, group and buttons are read from ``excel/customUI14.xml``, so the picture
shows what the add-in defines; the glyphs stand in for Office's own ``imageMso`` icons,
which only Office can draw. The mock is a small XlsxWriter sheet rendered by LibreOffice
to PDF and cropped to PNG by pdftoppm (both as used by ``scripts/render.py``).

Run: ``python scripts/render_ribbon.py [--out docs/ribbon.png]``
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

import xlsxwriter
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
UI = "{http://schemas.microsoft.com/office/2009/07/customui}"
GLYPHS = {"RefreshAll": "⟳", "AcceptInvitation": "✔", "DataValidation": "☑", "TracePrecedents": "⤴", "FileOpen": "▤"}
OTHER_TABS = ["File", "Home", "Insert", "Page Layout", "Formulas", "Data", "Review", "View"]


def draw(xlsx: Path) -> None:
    root = etree.parse(str(ROOT / "excel" / "customUI14.xml")).getroot()
    [tab] = root.iter(f"{UI}tab")
    [group] = tab.iter(f"{UI}group")
    buttons = list(group.iter(f"{UI}button"))

    book = xlsxwriter.Workbook(str(xlsx))
    sheet = book.add_worksheet("Ribbon")
    sheet.hide_gridlines(2)
    base = {"font_name": "DejaVu Sans", "font_size": 9, "align": "center", "valign": "vcenter", "bg_color": "#F3F2F1"}
    bar = book.add_format({**base, "bg_color": "#217346", "font_color": "#FFFFFF"})
    selected = book.add_format({**base, "bold": True, "font_color": "#217346", "bottom": 2, "bottom_color": "#217346"})
    icon = book.add_format({**base, "font_size": 20, "font_color": "#217346"})
    label = book.add_format({**base, "text_wrap": True, "valign": "top"})
    plain = book.add_format(base)

    columns = len(OTHER_TABS) + 1
    width = max(columns, len(buttons) + 1)
    sheet.set_column(0, width - 1, 13)
    sheet.set_row(0, 18)
    sheet.merge_range(0, 0, 0, width - 1, "Book1 - Excel", bar)
    sheet.set_row(1, 18)
    for c in range(width):
        name = (OTHER_TABS + [tab.get("label")])[c] if c < columns else ""
        sheet.write(2 - 1, c, name, selected if name == tab.get("label") else plain)
    sheet.set_row(2, 34)
    sheet.set_row(3, 30)
    sheet.set_row(4, 16)
    last = len(buttons) - 1
    icon_edge = book.add_format({**base, "font_size": 20, "font_color": "#217346", "right": 1, "right_color": "#C8C6C4"})
    label_edge = book.add_format({**base, "text_wrap": True, "valign": "top", "right": 1, "right_color": "#C8C6C4"})
    for c, button in enumerate(buttons):
        sheet.write(2, c, GLYPHS.get(button.get("imageMso"), "■"), icon_edge if c == last else icon)
        sheet.write(3, c, button.get("label"), label_edge if c == last else label)
    for c in range(len(buttons), width):
        for r in (2, 3, 4):
            sheet.write_blank(r, c, None, plain)
    sheet.merge_range(4, 0, 4, last, group.get("label"), book.add_format({**base, "font_color": "#605E5C", "right": 1, "right_color": "#C8C6C4"}))
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.print_area(0, 0, 4, width - 1)
    sheet.fit_to_pages(1, 1)
    sheet.set_margins(0.2, 0.2, 0.2, 0.2)
    book.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "ribbon.png")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        draw(work / "ribbon.xlsx")
        subprocess.run(["soffice", f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(work), str(work / "ribbon.xlsx")], check=True, capture_output=True, timeout=240)
        # keep the drawn band only: the page below the last row is cut off
        subprocess.run(["pdftoppm", "-r", "110", "-png", "-singlefile", "-x", "0", "-y", "0", "-W", "1290", "-H", "190",
                        str(work / "ribbon.pdf"), str(args.out.with_suffix(""))], check=True)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
