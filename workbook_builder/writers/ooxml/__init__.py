"""Fill an Excel-authored workbook (.xlsx/.xlsm) by editing its zip package in place.

Nothing is loaded into a spreadsheet object model and re-saved: the parts that are
edited (a worksheet, and styles.xml / workbook.xml when needed) are changed surgically
with lxml, and every other part - drawings, images, charts, comments, VBA, printer
settings, custom XML - is written back with byte-identical content.

    from workbook_builder.writers.ooxml import WorkbookPackage, Formula, CFRule

    pkg = WorkbookPackage.open("template.xlsx")
    ws = pkg.worksheet("Scorecard")
    ws.set_value("D5", 12.5)
    ws.set_value("E5", Formula("D5/C5", cached=0.42), style=pkg.add_cell_style(num_fmt="0.0%"))
    pkg.save("out/scorecard.xlsx", refuse_paths=[input_path])
"""

from .model import CFRule, Formula
from .package import WorkbookPackage
from .worksheet import Worksheet

__all__ = ["CFRule", "Formula", "Worksheet", "WorkbookPackage"]
