"""Append-only editing of xl/styles.xml: existing indices never move."""

from __future__ import annotations

import copy
import math
import re

from lxml import etree

from workbook_builder.errors import UserError

from . import xml as X
from .xml import NS_MAIN, q

STYLESHEET_ORDER = ["numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles",
                    "dxfs", "tableStyles", "colors", "extLst"]
FONT_ORDER = ["b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign", "sz",
              "color", "name", "family", "charset", "scheme"]
XF_ORDER = ["alignment", "protection", "extLst"]
DXF_ORDER = ["font", "numFmt", "fill", "alignment", "border", "protection", "extLst"]
BORDER_ORDER = ["start", "end", "left", "right", "top", "bottom", "diagonal", "vertical", "horizontal"]

H_ALIGN = {"general", "left", "center", "right", "fill", "justify", "centerContinuous", "distributed"}
V_ALIGN = {"top", "center", "bottom", "justify", "distributed"}

# Built-in number formats (ECMA-376 18.8.30) that need no <numFmt> entry.
BUILTIN_NUMFMTS = {
    "General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10, "0.00E+00": 11,
    "# ?/?": 12, "# ??/??": 13, "mm-dd-yy": 14, "d-mmm-yy": 15, "d-mmm": 16, "mmm-yy": 17,
    "h:mm AM/PM": 18, "h:mm:ss AM/PM": 19, "h:mm": 20, "h:mm:ss": 21, "m/d/yy h:mm": 22,
    "#,##0 ;(#,##0)": 37, "#,##0 ;[Red](#,##0)": 38, "#,##0.00;(#,##0.00)": 39,
    "#,##0.00;[Red](#,##0.00)": 40, "mm:ss": 45, "[h]:mm:ss": 46, "mmss.0": 47, "##0.0E+0": 48, "@": 49,
}

_HEX6 = re.compile(r"^#?([0-9A-Fa-f]{6})$")
_HEX8 = re.compile(r"^#?([0-9A-Fa-f]{8})$")


def argb(colour: str | None, what: str) -> str | None:
    """'RRGGBB' (or '#RRGGBB', or 'AARRGGBB') -> 'FFRRGGBB'."""
    if colour is None:
        return None
    if isinstance(colour, str):
        m = _HEX6.match(colour.strip())
        if m:
            return "FF" + m.group(1).upper()
        m = _HEX8.match(colour.strip())
        if m:
            return m.group(1).upper()
    raise UserError(f"{what} {colour!r} is not a colour; use six hex digits such as 'FFC7CE'.")


def new_styles_tree() -> etree._ElementTree:
    """The smallest styles part Excel accepts (only used when a package has none)."""
    xml = (
        f'<styleSheet xmlns="{NS_MAIN}">'
        '<fonts count="1"><font><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/>'
        '<scheme val="minor"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium9" '
        'defaultPivotStyle="PivotStyleLight16"/></styleSheet>'
    )
    return etree.ElementTree(etree.fromstring(xml.encode()))


def _c14n(el) -> bytes:
    return etree.tostring(el, method="c14n")


class Styles:
    """The workbook's ``styles.xml``, edited append-only: existing indexes never move, so every cell keeps its look."""
    def __init__(self, package, part: str, tree: etree._ElementTree):
        self._pkg = package
        self.part = part
        self._tree = tree
        self._root = tree.getroot()
        self._xf_cache: dict[tuple, int] = {}
        self._dxf_cache: dict[tuple, int] = {}
        self._appended: dict[str, dict[bytes, int]] = {"font": {}, "fill": {}, "border": {}}
        self._valid_xfs = 0  # cell styles known to exist (check_xf counts again only past this)

    # ------------------------------------------------------------------ helpers

    def _where(self) -> str:
        return f"{self._pkg._label} ({self.part})"

    def _container(self, name: str):
        return X.get_or_create(self._root, name, STYLESHEET_ORDER)

    @staticmethod
    def _items(container, tag: str) -> list:
        return container.findall(q(tag))

    def _append(self, container_name: str, tag: str, el) -> int:
        container = self._container(container_name)
        container.append(el)
        n = len(self._items(container, tag))
        container.set("count", str(n))
        self._pkg._touch(self.part)
        return n - 1

    def _append_dedup(self, container_name: str, tag: str, el) -> int:
        key = _c14n(el)
        seen = self._appended[tag]
        if key in seen:
            return seen[key]
        idx = self._append(container_name, tag, el)
        seen[key] = idx
        return idx

    def xf_count(self) -> int:
        """How many cell formats (``cellXfs``) the workbook has: valid style indexes are 0 to this less one."""
        cx = self._root.find(q("cellXfs"))
        return 0 if cx is None else len(self._items(cx, "xf"))

    def dxf_count(self) -> int:
        """How many differential formats (``dxfs``, used by conditional formatting) the workbook has."""
        d = self._root.find(q("dxfs"))
        return 0 if d is None else len(self._items(d, "dxf"))

    def check_xf(self, index, where: str) -> None:
        """Refuse a style index the workbook does not have (a cell pointing at it makes Excel repair the file)."""
        if type(index) is int and 0 <= index < self._valid_xfs:  # styles are append-only: once valid, always valid
            return
        n = self._valid_xfs = self.xf_count()
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < n:
            raise UserError(f"{where}: style {index!r} does not exist (the workbook has cell styles 0..{n - 1}).",
                            hint="Use an index returned by add_cell_style() or read from an existing cell.")

    def _nth(self, container_name: str, tag: str, idx: int):
        c = self._root.find(q(container_name))
        items = [] if c is None else self._items(c, tag)
        if 0 <= idx < len(items):
            return items[idx]
        return None

    # ------------------------------------------------------------------ number formats

    def num_fmt_id(self, code: str) -> int:
        """The id of number format ``code``: a built-in one, one the workbook defines already, or a new one appended."""
        if not isinstance(code, str) or not code:
            raise UserError(f"{self._where()}: number format {code!r} must be non-empty text such as '0.0%'.")
        X.check_xml_text(code, "Number format")
        if code in BUILTIN_NUMFMTS:
            return BUILTIN_NUMFMTS[code]
        nf = self._root.find(q("numFmts"))
        ids = []
        if nf is not None:
            for el in self._items(nf, "numFmt"):
                try:
                    fid = int(el.get("numFmtId"))
                except (TypeError, ValueError):
                    continue
                if el.get("formatCode") == code:
                    return fid
                ids.append(fid)
        new_id = max([163, *ids]) + 1
        el = etree.Element(q("numFmt"))
        el.set("numFmtId", str(new_id))
        el.set("formatCode", code)
        self._append("numFmts", "numFmt", el)
        return new_id

    # ------------------------------------------------------------------ cell formats

    def add_cell_style(self, *, num_fmt=None, bold=False, italic=False, font_color=None, font_size=None,
                       fill_color=None, wrap=False, h_align=None, v_align=None, border=False,
                       underline=False, base_style=None) -> int:
        """A cell format with these properties, on top of ``base_style`` (a cell's own style, so a filled cell keeps its
        borders and fill); appended once and reused for the same properties. Returns its index."""
        font_rgb = argb(font_color, "Font colour")
        fill_rgb = argb(fill_color, "Fill colour")
        if font_size is not None:
            try:
                size = float(font_size)
            except (TypeError, ValueError):
                raise UserError(f"Font size {font_size!r} is not a number.") from None
            if not math.isfinite(size) or not 1 <= size <= 409:
                raise UserError(f"Font size {font_size!r} is outside Excel's range 1..409.")
            font_size = int(size) if size.is_integer() else size
        if h_align is not None and h_align not in H_ALIGN:
            raise UserError(f"Horizontal alignment {h_align!r} is not one of {', '.join(sorted(H_ALIGN))}.")
        if v_align is not None and v_align not in V_ALIGN:
            raise UserError(f"Vertical alignment {v_align!r} is not one of {', '.join(sorted(V_ALIGN))}.")
        if base_style is not None:
            self.check_xf(base_style, self._where())
        key = (num_fmt, bool(bold), bool(italic), font_rgb, font_size, fill_rgb, bool(wrap), h_align, v_align,
               bool(border), bool(underline), base_style)
        if key in self._xf_cache:
            return self._xf_cache[key]

        if base_style is not None:
            xf = copy.deepcopy(self._nth("cellXfs", "xf", base_style))
        else:
            xf = etree.Element(q("xf"))
            for a in ("numFmtId", "fontId", "fillId", "borderId", "xfId"):
                xf.set(a, "0")

        # font
        if bold or italic or underline or font_rgb or font_size is not None:
            base_font = self._nth("fonts", "font", int(xf.get("fontId", "0")))
            font = copy.deepcopy(base_font) if base_font is not None else etree.Element(q("font"))
            if bold:
                self._font_child(font, "b")
            if italic:
                self._font_child(font, "i")
            if underline:
                self._font_child(font, "u")
            if font_size is not None:
                self._font_child(font, "sz").set("val", str(font_size))
            if font_rgb:
                color = self._font_child(font, "color")
                color.attrib.clear()
                color.set("rgb", font_rgb)
            xf.set("fontId", str(self._append_dedup("fonts", "font", font)))
            xf.set("applyFont", "1")
        # fill
        if fill_rgb:
            fill = etree.Element(q("fill"))
            pf = etree.SubElement(fill, q("patternFill"))
            pf.set("patternType", "solid")
            etree.SubElement(pf, q("fgColor")).set("rgb", fill_rgb)
            etree.SubElement(pf, q("bgColor")).set("indexed", "64")
            xf.set("fillId", str(self._append_dedup("fills", "fill", fill)))
            xf.set("applyFill", "1")
        # border
        if border:
            b = etree.Element(q("border"))
            for side in ("left", "right", "top", "bottom"):
                s = etree.SubElement(b, q(side))
                s.set("style", "thin")
                etree.SubElement(s, q("color")).set("indexed", "64")
            etree.SubElement(b, q("diagonal"))
            xf.set("borderId", str(self._append_dedup("borders", "border", b)))
            xf.set("applyBorder", "1")
        # number format
        if num_fmt is not None:
            xf.set("numFmtId", str(self.num_fmt_id(num_fmt)))
            xf.set("applyNumberFormat", "1")
        # alignment
        if wrap or h_align or v_align:
            al = X.get_or_create(xf, "alignment", XF_ORDER)
            if h_align:
                al.set("horizontal", h_align)
            if v_align:
                al.set("vertical", v_align)
            if wrap:
                al.set("wrapText", "1")
            xf.set("applyAlignment", "1")
        idx = self._append("cellXfs", "xf", xf)
        self._xf_cache[key] = idx
        return idx

    @staticmethod
    def _font_child(font, name: str):
        el = font.find(q(name))
        if el is None:
            el = X.insert_in_order(font, etree.Element(q(name)), FONT_ORDER)
        elif name in ("b", "i", "u"):
            el.attrib.pop("val", None)  # <b val="0"/> means not bold
        return el

    # ------------------------------------------------------------------ differential formats

    def add_dxf(self, *, font_color=None, fill_color=None, bold=False) -> int:
        """A differential format (what a conditional-formatting rule applies), appended once per set of properties."""
        font_rgb = argb(font_color, "Font colour")
        fill_rgb = argb(fill_color, "Fill colour")
        key = (font_rgb, fill_rgb, bool(bold))
        if key in self._dxf_cache:
            return self._dxf_cache[key]
        dxf = etree.Element(q("dxf"))
        if bold or font_rgb:
            font = etree.SubElement(dxf, q("font"))
            if bold:
                etree.SubElement(font, q("b"))
            if font_rgb:
                etree.SubElement(font, q("color")).set("rgb", font_rgb)
        if fill_rgb:
            fill = etree.SubElement(dxf, q("fill"))
            pf = etree.SubElement(fill, q("patternFill"))
            etree.SubElement(pf, q("bgColor")).set("rgb", fill_rgb)
        idx = self._append("dxfs", "dxf", dxf)
        self._dxf_cache[key] = idx
        return idx
