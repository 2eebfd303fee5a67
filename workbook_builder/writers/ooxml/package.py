"""The zip package of an Excel workbook, edited in place.

Only parts that are edited are re-serialised; every other part is written back with
byte-identical content, in the template's member order.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import re
import shutil
import zipfile
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from ... import refs as R
from ...errors import UserError
from ...files import refuse_overwriting, resolved, write_atomic
from ...limits import DAMAGED, MAX_PARSED_PART, MB, TEMPLATE_LIMITS, open_zip
from . import xml as X
from .xml import NS_CT, NS_PKG_REL, NS_R, q

# Bounds applied before any part is decompressed (workbook_builder.limits, shared with the readers).
MAX_PART_BYTES = TEMPLATE_LIMITS.part_bytes
MAX_FILE_BYTES = TEMPLATE_LIMITS.file_bytes

# Fixed zip metadata so the same inputs give byte-identical output.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
ZIP_LEVEL = 6

WORKBOOK_ORDER = [
    "fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews", "sheets",
    "functionGroups", "externalReferences", "definedNames", "calcPr", "oleSize",
    "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes", "webPublishing",
    "fileRecoveryPr", "webPublishObjects", "extLst",
]

_FORBIDDEN_SHEET_CHARS = set('[]:*?/\\')
CT_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
_TEMPLATE_PARTS: dict[bytes, dict[str, bytes]] = {}  # a workbook's digest -> its parts as decompressed (see _load)
_REPLACEMENT_PLANS: dict[tuple[bytes, str], tuple | None] = {}  # (digest, text) -> where replace_text puts it (see there)
_STAND_IN = "\ue000scorecard\ue001"
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def xml_escape(text: str) -> str:
    """Text as XML element content (xml.sax.saxutils.escape, without importing urllib and ssl with it)."""
    return text.translate(_XML_ESCAPES)  # stands for the new text in a kept plan (private-use characters)
NS_CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"
NS_DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/main"


class _Rels:
    """A parsed .rels part."""

    def __init__(self, pkg: "WorkbookPackage", rels_part: str, source_part: str):
        self.pkg = pkg
        self.part = rels_part
        self.source = source_part
        if pkg._exists(rels_part):
            self.tree = pkg._tree(rels_part)
        else:
            root = etree.Element(q("Relationships", NS_PKG_REL), nsmap={None: NS_PKG_REL})
            self.tree = etree.ElementTree(root)
            pkg._trees[rels_part] = self.tree
            pkg._new_part(rels_part, self.tree)

    @property
    def root(self):
        """The ``<Relationships>`` element."""
        return self.tree.getroot()

    def items(self):
        """Every ``<Relationship>`` element, in document order."""
        for el in self.root.findall(q("Relationship", NS_PKG_REL)):
            yield el

    def by_id(self, rid: str):
        """The relationship with id ``rid``, or None."""
        for el in self.items():
            if el.get("Id") == rid:
                return el
        return None

    def target_part(self, el) -> str | None:
        """The part a relationship points at, as a package path (None for an external target such as a web link)."""
        if el.get("TargetMode") == "External":
            return None
        return self.pkg._resolve(self.source, el.get("Target", ""))

    def first_of_type(self, rel_type: str):
        """The first relationship of type ``rel_type`` (a workbook has one styles part, one shared-strings part), or None."""
        for el in self.items():
            if el.get("Type") == rel_type:
                return el
        return None

    def add(self, rel_type: str, target_part: str) -> str:
        """Add a relationship to ``target_part`` under a new id (``rIdN``, never reusing one) and return the id."""
        ids = {el.get("Id") for el in self.items()}
        n = len(ids) + 1
        while f"rId{n}" in ids:
            n += 1
        rid = f"rId{n}"
        target = posixpath.relpath(target_part, posixpath.dirname(self.source) or ".")
        el = etree.SubElement(self.root, q("Relationship", NS_PKG_REL))
        el.set("Id", rid)
        el.set("Type", rel_type)
        el.set("Target", target)
        self.pkg._touch(self.part)
        return rid

    def remove_target(self, part: str) -> None:
        """Remove every relationship pointing at ``part`` (a part being dropped, such as a stale calcChain.xml)."""
        for el in list(self.items()):
            if self.target_part(el) == part:
                self.root.remove(el)
                self.pkg._touch(self.part)


def rels_part_for(part: str) -> str:
    """The relationships part of ``part``: ``xl/workbook.xml`` -> ``xl/_rels/workbook.xml.rels``."""
    d, f = posixpath.split(part)
    return posixpath.join(d, "_rels", f + ".rels")


class WorkbookPackage:
    """An Excel workbook package opened for careful editing.

    Use :meth:`open`, edit through :meth:`worksheet`, :meth:`add_worksheet`,
    :meth:`add_cell_style` and friends, then :meth:`save` to a new path."""

    # ------------------------------------------------------------------ opening

    def __init__(self) -> None:  # use WorkbookPackage.open()
        self.path: Path
        self._zip: zipfile.ZipFile
        self._order: list[str] = []
        self._infos: dict[str, zipfile.ZipInfo] = {}
        self._ci: dict[str, str] = {}
        self._raw: dict[str, bytes] = {}  # parts whose bytes this package changed
        self._parts: dict[str, bytes] = {}  # parts as decompressed: shared by packages opened from the same file
        self._trees: dict[str, etree._ElementTree] = {}
        self._parsed: dict[str, int] = {}  # bytes of XML behind each tree parsed from the package
        self._dirty: set[str] = set()
        self._new: list[str] = []
        self._removed: set[str] = set()
        self._worksheets: dict[str, object] = {}
        self._styles = None
        self._shared_strings: list[str] | None = None
        self._formula_removed = False

    @classmethod
    def from_bytes(cls, data: bytes, label: str) -> "WorkbookPackage":
        """A package made in memory (an XlsxWriter workbook, say), to be edited like a template and saved;
        ``label`` names it in messages."""
        self = cls()
        self.path = Path(label)
        self._resolved = None  # no file on disk to protect
        self._label = label
        return self._load(data)

    @classmethod
    def open(cls, path) -> "WorkbookPackage":
        """Open a workbook for editing, refusing what is not an Excel package before decompressing anything:
        an encrypted or old .xls file, a damaged zip, an oversized or zip-bomb part, a duplicated part."""
        self = cls()
        self.path = Path(path)
        self._resolved = resolved(self.path)
        src = self._label = str(self.path)
        if not self.path.exists():
            raise UserError(f"Template {src} does not exist.", hint="Check the path and try again.")
        if not self.path.is_file():
            raise UserError(f"Template {src} is not a file.")
        try:
            size = self.path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise UserError(f"Template {src} is larger than {MAX_FILE_BYTES // MB} MB; refusing to open it.")
            data = self.path.read_bytes()
        except OSError as exc:
            raise UserError(f"Cannot read template {src}: {exc.strerror or exc}.",
                            hint="If it is open in Excel, close it and try again.") from None
        return self._load(data)

    def _load(self, data: bytes) -> "WorkbookPackage":
        src = self._label
        # Packages opened from the same bytes (every LA's pack in a batch opens one template) share its
        # decompressed parts: they are never changed in place, only replaced in this package's _raw.
        key = self._digest = hashlib.sha1(data).digest()
        if key not in _TEMPLATE_PARTS:
            while len(_TEMPLATE_PARTS) >= 8:
                _TEMPLATE_PARTS.pop(next(iter(_TEMPLATE_PARTS)))
            _TEMPLATE_PARTS[key] = {}
        self._parts = _TEMPLATE_PARTS[key]
        self._zip, members = open_zip(io.BytesIO(data), src, TEMPLATE_LIMITS)
        for info in members:
            name = info.filename
            self._order.append(name)
            self._infos[name] = info
            self._ci[name.lower()] = name
        self._load_structure()
        return self

    def _load_structure(self) -> None:
        src = self._label
        if not self._exists("[Content_Types].xml") or not self._exists("_rels/.rels"):
            raise UserError(
                f"{src} is not an Excel workbook package (no [Content_Types].xml or _rels/.rels).",
                hint="Open it in Excel and save it as an Excel Workbook (.xlsx).",
            )
        self._ct_part = self._ci["[content_types].xml"]
        root_rels = _Rels(self, self._ci["_rels/.rels"], "")
        doc = root_rels.first_of_type(X.REL_OFFICE_DOC)
        if doc is None:
            if any(el.get("Type", "").startswith("http://purl.oclc.org/ooxml/") for el in root_rels.items()):
                raise UserError(f"{src} is saved as 'Strict Open XML Spreadsheet', which this tool does not edit.",
                                hint="In Excel use File > Save As > 'Excel Workbook (*.xlsx)' and try again.")
            raise UserError(f"{src} is not an Excel workbook package (no main document relationship).",
                            hint="Open it in Excel and save it as an Excel Workbook (.xlsx).")
        wb_part = root_rels.target_part(doc)
        if wb_part is None or not self._exists(wb_part):
            raise UserError(f"{src} is damaged: its workbook part {wb_part!r} is missing.",
                            hint="Open it in Excel, let it repair the file and save a copy.")
        self._wb_part = self._name(wb_part)
        ctype = self.content_type(self._wb_part)
        if ctype not in X.WORKBOOK_CONTENT_TYPES:
            raise UserError(f"{src} is not an Excel workbook (its main part is {ctype or 'of unknown type'}).",
                            hint="Use an .xlsx or .xlsm file saved by Excel.")
        self._wb_ctype = ctype
        self._root_rels = root_rels
        self._wb_tree = self._tree(self._wb_part)
        wb = self._wb_tree.getroot()
        if etree.QName(wb).namespace == X.NS_STRICT_MAIN:
            raise UserError(f"{src} is saved as 'Strict Open XML Spreadsheet', which this tool does not edit.",
                            hint="In Excel use File > Save As > 'Excel Workbook (*.xlsx)' and try again.")
        self._wb_rels = _Rels(self, rels_part_for(self._wb_part), self._wb_part)
        self._sheets: list[dict] = []
        sheets_el = wb.find(q("sheets"))
        if sheets_el is None:
            raise UserError(f"{src} is damaged: the workbook lists no sheets.")
        for el in sheets_el.findall(q("sheet")):
            self._sheets.append(self._sheet_record(el))
        # Excel writes calcChain.xml exactly when the workbook holds formulas.
        self._has_formulas = self._wb_rels.first_of_type(X.REL_CALC_CHAIN) is not None

    def _sheet_record(self, el) -> dict:
        rid = el.get(q("id", NS_R))
        rel = self._wb_rels.by_id(rid) if rid else None
        rtype = rel.get("Type", "") if rel is not None else ""
        part = self._wb_rels.target_part(rel) if rel is not None else None
        return {
            "el": el,
            "name": el.get("name", ""),
            "kind": rtype.rsplit("/", 1)[-1],
            "part": self._name(part) if part else None,
        }

    # ------------------------------------------------------------------ part access

    def _name(self, part: str) -> str:
        """The actual zip member name for a part name (case-insensitive, %-decoding)."""
        if part in self._infos or part in self._trees:
            return part
        for cand in (part, unquote(part)):
            hit = self._ci.get(cand.lower())
            if hit is not None:
                return hit
        return part

    def _exists(self, part: str) -> bool:
        name = self._name(part)
        if name in self._removed:
            return False
        return name in self._infos or name in self._trees

    def _resolve(self, source_part: str, target: str) -> str:
        if target.startswith("/"):
            return posixpath.normpath(target.lstrip("/"))
        base = posixpath.dirname(source_part)
        return posixpath.normpath(posixpath.join(base, target)) if base else posixpath.normpath(target)

    def _read(self, part: str) -> bytes:
        name = self._name(part)
        if name in self._raw:  # this package's own edit of the part's bytes
            return self._raw[name]
        if name in self._parts:  # decompressed once for every package opened from the same bytes
            return self._parts[name]
        info = self._infos.get(name)
        if info is None:
            raise UserError(f"{self._label} is damaged: part {part} is missing.",
                            hint="Open it in Excel, let it repair the file and save a copy.")
        try:
            with self._zip.open(info) as fh:
                data = fh.read(MAX_PART_BYTES + 1)
        except DAMAGED as exc:
            raise UserError(
                f"{self._label} is damaged: part {name} cannot be decompressed ({exc}).",
                hint="Open it in Excel, let it repair the file, save a copy and use that copy.",
            ) from None
        if len(data) > MAX_PART_BYTES:
            raise UserError(f"{self._label}: part {name} expands beyond {MAX_PART_BYTES // MB} MB; refusing.")
        self._parts[name] = data
        return data

    def _tree(self, part: str) -> etree._ElementTree:
        name = self._name(part)
        tree = self._trees.get(name)
        if tree is None:
            info = self._infos.get(name)
            stored = name not in self._raw and name not in self._parts and info is not None
            # a part still in the zip is measured before it is decompressed (zipfile reads no more than its stated size)
            self._check_parsable(name, info.file_size if stored else len(self._read(name)))
            data = self._read(name)
            tree = X.parse_xml(data, part=name, source=self._label)
            self._trees[name] = tree
            self._parsed[name] = len(data)
        return tree

    def _check_parsable(self, name: str, size: int) -> None:
        """A parsed tree takes about 28 times its XML in memory (183 MB of sheet took 4.8 GB), so the parts
        one package parses may hold at most MAX_PARSED_PART of XML between them."""
        held = sum(n for part, n in self._parsed.items() if part != name)
        if size + held <= MAX_PARSED_PART:
            return
        hint = ("Delete the unused rows and columns of that sheet (Ctrl+End shows where Excel thinks it ends) "
                "or split it into several sheets, then save and try again.")
        if size > MAX_PARSED_PART:
            raise UserError(f"{self._label}: part {name} is {size // MB} MB of XML, and editing it means holding it in memory at "
                            f"about 28 times that; refusing to edit a part over {MAX_PARSED_PART // MB} MB.", hint=hint)
        large = sorted(part for part, n in self._parsed.items() if part != name and n >= MB)
        small = len(self._parsed) - len(large) - (name in self._parsed)
        before = ", ".join(large) + (f" and {small} smaller part{'s' * (small != 1)}" if small and large else "")
        raise UserError(f"{self._label}: editing part {name} ({size / MB:.1f} MB of XML) after {before or f'{small} other parts'} "
                        f"({held / MB:.1f} MB) would hold more than {MAX_PARSED_PART // MB} MB of the workbook's XML in memory "
                        "(at about 28 times its size); refusing.", hint=hint)

    def _touch(self, part: str) -> None:
        self._dirty.add(self._name(part))

    def _new_part(self, part: str, tree: etree._ElementTree) -> None:
        self._trees[part] = tree
        self._new.append(part)
        self._dirty.add(part)

    def _remove_part(self, part: str) -> None:
        name = self._name(part)
        if not self._exists(name):
            return
        self._removed.add(name)
        self._wb_rels.remove_target(name)
        ct = self._tree(self._ct_part).getroot()
        for el in ct.findall(q("Override", NS_CT)):
            if el.get("PartName", "").lstrip("/").lower() == name.lower():
                ct.remove(el)
                self._touch(self._ct_part)

    def content_type(self, part: str) -> str | None:
        """The content type ``[Content_Types].xml`` gives ``part`` (an Override, else the Default for its extension)."""
        ct = self._tree(self._ct_part).getroot()
        want = "/" + part.lstrip("/")
        for el in ct.findall(q("Override", NS_CT)):
            if el.get("PartName", "").lower() == want.lower():
                return el.get("ContentType")
        ext = posixpath.splitext(part)[1].lstrip(".").lower()
        for el in ct.findall(q("Default", NS_CT)):
            if el.get("Extension", "").lower() == ext:
                return el.get("ContentType")
        return None

    def _add_override(self, part: str, ctype: str) -> None:
        ct = self._tree(self._ct_part).getroot()
        el = etree.SubElement(ct, q("Override", NS_CT))
        el.set("PartName", "/" + part)
        el.set("ContentType", ctype)
        self._touch(self._ct_part)

    # ------------------------------------------------------------------ workbook-level info

    @property
    def sheet_names(self) -> list[str]:
        """Worksheet names in workbook order (chart sheets and macro sheets excluded)."""
        return [s["name"] for s in self._sheets if s["kind"] == "worksheet"]

    @property
    def _wb(self):
        return self._wb_tree.getroot()

    @property
    def date1904(self) -> bool:
        """Whether the workbook counts dates from 1904 (old Mac workbooks): dates written must follow it."""
        pr = self._wb.find(q("workbookPr"))
        return pr is not None and pr.get("date1904", "0").lower() in ("1", "true")

    @property
    def defined_names(self) -> dict[str, str]:
        """Workbook-scope defined names: name -> refersTo text (a copy; read only)."""
        out: dict[str, str] = {}
        dn = self._wb.find(q("definedNames"))
        if dn is not None:
            for el in dn.findall(q("definedName")):
                if el.get("localSheetId") is None:
                    out[el.get("name", "")] = el.text or ""
        return out

    def hide_sheet(self, name: str) -> None:
        """Hide a worksheet's tab (it stays in the workbook, and Excel can unhide it)."""
        for el in self._wb.find(q("sheets")).findall(q("sheet")):
            if el.get("name") == name:
                el.set("state", "hidden")
                self._touch(self._wb_part)
                return
        raise KeyError(name)

    def _sheet_index(self, name: str) -> int:
        for i, s in enumerate(self._sheets):
            if s["name"] == name:
                return i
        raise KeyError(name)

    def _set_defined_name(self, name: str, text: str, *, local_sheet_id: int | None = None,
                          hidden: bool = False) -> None:
        wb = self._wb
        dn = X.get_or_create(wb, "definedNames", WORKBOOK_ORDER)
        lsid = None if local_sheet_id is None else str(local_sheet_id)
        for el in dn.findall(q("definedName")):
            if el.get("name", "").lower() == name.lower() and el.get("localSheetId") == lsid:
                dn.remove(el)
        el = etree.SubElement(dn, q("definedName"))
        el.set("name", name)
        if lsid is not None:
            el.set("localSheetId", lsid)
        if hidden:
            el.set("hidden", "1")
        el.text = text
        self._touch(self._wb_part)

    def named_cells(self) -> dict[str, tuple[str, str]]:
        """Workbook-scope names that refer to a cell or range on a sheet, lower-cased:
        name -> (sheet, top-left cell), e.g. ``scorecardinfo`` -> ("Cover", "A4")."""
        cells = {}
        for name, refers in self.defined_names.items():
            sheet, ref = R.split_sheet_ref(refers)
            if sheet is not None:
                cells[name.lower()] = (sheet, ref.split(":")[0])
        return cells

    def replace_text(self, old: str, new: str) -> list[str]:
        """Replace ``old`` by ``new`` in the text of every worksheet cell that holds it (shared or
        inline strings; rich-text runs keep their formatting), in the charts' copies of that text,
        and in the document title, subject and description.

        This is how a template's placeholders (``{la}``) become the text of one build. Cells whose
        text changes become inline strings (``sharedStrings.xml`` is never changed); other cells,
        and sheets without the text, are left exactly as they were. The header cells of tables are
        left alone (renaming them would make Excel repair the table). Returns the cells changed, as
        sheet-qualified references.

        A sheet nobody has parsed yet is edited in its own bytes. When nothing of the package has been
        edited yet, where the text goes is worked out once per template and kept (with a stand-in for
        ``new``), so the next package opened from the same template — the next LA of a batch — only
        puts its own words in."""
        if not old:
            return []
        untouched = not (self._worksheets or self._dirty or self._raw)
        key = (self._digest, old)
        if untouched and key not in _REPLACEMENT_PLANS and not self._holds(_STAND_IN.encode("utf-8")):
            while len(_REPLACEMENT_PLANS) >= 32:
                _REPLACEMENT_PLANS.pop(next(iter(_REPLACEMENT_PLANS)))
            _REPLACEMENT_PLANS[key] = self._replacement(old, _STAND_IN, plan_only=True)
        plan = _REPLACEMENT_PLANS.get(key) if untouched else None
        if plan is None:
            return self._replacement(old, new)[0]
        refs, parts = plan
        stand_in = _STAND_IN.encode("utf-8")
        words = {"sheet": xml_escape(X.escape_xstring(new)).encode("utf-8"), "text": xml_escape(new).encode("utf-8")}
        for part, kind, data in parts:
            self._raw[part] = data.replace(stand_in, words[kind])
        if any(kind == "sheet" for _part, kind, _data in parts):
            self._note_input_changed()
        return list(refs)

    def _holds(self, needle: bytes) -> bool:
        """Whether any part that replace_text may edit holds ``needle`` (a template holding the stand-in is never planned)."""
        return any(needle in self._read(name) for name in self._order if name.startswith(("xl/worksheets/", "xl/charts/", "docProps/core")))

    def _replacement(self, old: str, new: str, *, plan_only: bool = False):
        """Do (or, with ``plan_only``, plan without changing anything) the replacement; returns the cells
        changed and the parts edited in their bytes as (part, 'sheet' or 'text', bytes). A plan is None
        when a sheet needs its tree, which a plan cannot hold."""
        hits = {i for i, text in enumerate(self.shared_strings()) if old in text}
        changed: list[str] = []
        parts: list[tuple[str, str, bytes]] = []
        sheet_words = xml_escape(X.escape_xstring(new)).encode("utf-8")
        for record in self._sheets:
            if record["kind"] != "worksheet" or not record["part"]:
                continue
            if record["name"] not in self._worksheets:
                done = self._replace_in_sheet_bytes(record["part"], old, sheet_words, hits)
                if done is not None:
                    refs, edited = done
                    changed += [R.sheet_ref(record["name"], ref) for ref in refs]
                    if edited is not None:
                        parts.append((self._name(record["part"]), "sheet", edited))
                    continue
            if plan_only:
                return None
            changed += [R.sheet_ref(record["name"], ref) for ref in self.worksheet(record["name"]).replace_text(old, new, hits)]
        parts += self._replace_in_text_parts(old, xml_escape(new).encode("utf-8"))
        if plan_only:
            return tuple(changed), tuple(parts)
        for part, kind, data in parts:
            self._raw[part] = data
        if any(kind == "sheet" for _part, kind, _data in parts):
            self._note_input_changed()
        return changed, parts

    _PLAIN_ROOT = re.compile(rb'<worksheet\b[^>]*\sxmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"')
    # every string cell, whatever its prefix or quotes: what the edit below must have matched, one for one
    _ANY_STRING_CELL = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?c\b[^>]*\st=["'](s|inlineStr)["']""")
    _CELL = re.compile(rb'<c((?:\s+[A-Za-z_][\w:.-]*="[^"]*")*)\s*>(?:<v>\s*(\d+)\s*</v>|<is>(.*?)</is>)</c>', re.S)
    _ATTRIBUTE = re.compile(rb'([A-Za-z_][\w:.-]*)="([^"]*)"')
    _RUN_TEXT = re.compile(rb"(<(?:[A-Za-z_][\w.-]*:)?t(?:\s[^>]*)?>)([^<]*)(</)")

    def _replace_in_sheet_bytes(self, part: str, old: str, words: bytes, hits: set[int]) -> tuple[list[str], bytes | None] | None:
        """:meth:`replace_text` on an unparsed sheet, in its bytes (``words``: the new text, escaped): the
        cells that change become inline strings, every other byte stays as it was. Returns the cells
        changed and the sheet's new bytes (None when none changed), or None when the sheet holds the
        text in a shape this does not edit (it is then parsed and edited as a tree)."""
        data = self._read(part)
        if not self._PLAIN_ROOT.search(data, 0, 4096):
            return None  # a sheet whose elements carry a namespace prefix: the tree path reads it
        needle = old.encode("utf-8")
        shared = (rb"""<c(?=[^>]*\st=["']s["'])[^>]*>\s*<v>\s*(?:""" + b"|".join(str(i).encode() for i in sorted(hits)) + rb")\s*</v>"
                  if hits else None)
        if needle not in data and (shared is None or not re.search(shared, data)):
            return [], None
        if b"<tableParts" in data:
            return None  # table headers must keep their text: the tree path knows which cells they are
        changed: list[str] = []
        seen = {b"s": 0, b"inlineStr": 0}  # string cells the pattern matched, to check it matched them all
        missing_ref = False

        def swap(runs: bytes) -> bytes:
            return self._RUN_TEXT.sub(lambda m: m.group(1) + m.group(2).replace(needle, words) + m.group(3), runs)

        def cell(match):
            nonlocal missing_ref
            attributes = dict(self._ATTRIBUTE.findall(match.group(1)))
            kind, index, inline = attributes.get(b"t"), match.group(2), match.group(3)
            if kind in seen and (index if kind == b"s" else inline) is not None:
                seen[kind] += 1
            if kind == b"s" and index is not None and int(index) in hits:
                item = self.shared_string_item(int(index))
                runs = b"".join(etree.tostring(child) for child in item if X.local(child) not in ("rPh", "phoneticPr")) if item is not None else b""
            elif kind == b"inlineStr" and inline is not None and needle in inline:
                runs = inline
            else:
                return match.group(0)
            edited = swap(runs)
            if edited == runs:
                return match.group(0)  # the text spans two runs: left as it is
            if b"r" not in attributes:
                missing_ref = True
                return match.group(0)
            attributes[b"t"] = b"inlineStr"
            changed.append(attributes[b"r"].decode())
            return b"<c" + b"".join(b" %s=\"%s\"" % kv for kv in attributes.items()) + b"><is>" + edited + b"</is></c>"

        edited = self._CELL.sub(cell, data)
        every = Counter(self._ANY_STRING_CELL.findall(data)) == {k: v for k, v in seen.items() if v}
        if missing_ref or not every:
            return None  # a string cell of a shape the pattern does not know: the tree path reads them all
        return changed, (edited if changed else None)

    _TEXT_ELEMENT = re.compile(rb"(<(?:[A-Za-z_][\w.-]*:)?(?:v|t|title|subject|description)(?:\s[^>]*)?>)([^<]*)(</)")

    def _replace_in_text_parts(self, old: str, words: bytes) -> list[tuple[str, str, bytes]]:
        """Charts keep a copy of the text they show (series names read from header cells, titles), and
        ``docProps/core.xml`` the document's title: the same replacement there, in the parts' own bytes
        (only the text of ``v``/``t`` elements of a chart and of the title, subject and description)."""
        needle = old.encode("utf-8")
        wanted = {el.get("PartName", "").lstrip("/").lower() for el in self._tree(self._ct_part).getroot().findall(q("Override", NS_CT))
                  if el.get("ContentType") == CT_CHART}
        wanted.add("docprops/core.xml")
        edited_parts = []
        for name in self._order:
            if name.lower() not in wanted or name in self._dirty or needle not in self._read(name):
                continue
            data = self._read(name)
            edited = self._TEXT_ELEMENT.sub(lambda m: m.group(1) + m.group(2).replace(needle, words) + m.group(3), data)
            if edited != data:
                edited_parts.append((name, "text", edited))
        return edited_parts

    def shared_string_item(self, index: int):
        """The ``<si>`` element of shared string ``index`` (read only: copy it before changing it)."""
        rel = self._wb_rels.first_of_type(X.REL_SHARED_STRINGS)
        part = self._wb_rels.target_part(rel) if rel is not None else None
        items = self._tree(part).getroot().findall(q("si")) if part and self._exists(part) else []
        return items[index] if 0 <= index < len(items) else None

    def shared_strings(self) -> list[str]:
        """The text of every shared string, read once (cells that use them are read through it; it is never changed)."""
        if self._shared_strings is None:
            rel = self._wb_rels.first_of_type(X.REL_SHARED_STRINGS)
            part = self._wb_rels.target_part(rel) if rel is not None else None
            out: list[str] = []
            if part and self._exists(part):
                root = self._tree(part).getroot()
                for si in root.findall(q("si")):
                    out.append(string_item_text(si))
            self._shared_strings = out
        return self._shared_strings

    # ------------------------------------------------------------------ worksheets

    def worksheet(self, name: str):
        """The worksheet called ``name`` (as Excel shows it), parsed on first use; an unknown name is an error listing the sheets."""
        from .worksheet import Worksheet

        ws = self._worksheets.get(name)
        if ws is not None:
            return ws
        rec = next((s for s in self._sheets if s["name"] == name), None)
        if rec is None:
            # Excel sheet names are case-insensitive; accept a unique case-insensitive match.
            matches = [s for s in self._sheets if s["name"].casefold() == str(name).casefold()]
            rec = matches[0] if len(matches) == 1 else None
        if rec is None or rec["kind"] != "worksheet":
            avail = ", ".join(repr(n) for n in self.sheet_names) or "(none)"
            if rec is None:
                msg = f"{self._label} has no worksheet named {name!r}."
            else:
                msg = f"Sheet {rec['name']!r} in {self._label} is a {rec['kind'] or 'non-worksheet sheet'}, not a worksheet."
            raise UserError(msg, hint=f"Worksheets in this workbook: {avail}. Check the sheet name and try again.")
        if rec["name"] in self._worksheets:
            return self._worksheets[rec["name"]]
        if not rec["part"] or not self._exists(rec["part"]):
            raise UserError(f"{self._label} is damaged: the part for sheet {name!r} is missing.",
                            hint="Open it in Excel, let it repair the file and save a copy.")
        ws = Worksheet(self, rec["name"], rec["part"], self._tree(rec["part"]))
        self._worksheets[rec["name"]] = ws
        return ws

    def add_worksheet(self, name: str):
        """A new, empty worksheet after the last sheet (registered in the workbook, its relationships, the content
        types and app.xml), for the sheets a build adds: Audit and Sources."""
        from .worksheet import Worksheet, new_sheet_tree

        check_sheet_name(name)
        for s in self._sheets:
            if s["name"].casefold() == name.casefold():
                raise UserError(f"{self._label} already has a sheet named {s['name']!r}.",
                                hint="Choose another name, or remove that sheet from the template.")
        wb_dir = posixpath.dirname(self._wb_part)
        n = 1
        while True:
            part = posixpath.join(wb_dir, "worksheets", f"sheet{n}.xml")
            if part.lower() not in self._ci and part not in self._trees:
                break
            n += 1
        tree = new_sheet_tree()
        self._new_part(part, tree)
        self._add_override(part, X.CT_WORKSHEET)
        rid = self._wb_rels.add(X.REL_WORKSHEET, part)
        sheets_el = self._wb.find(q("sheets"))
        ids = [int(s.get("sheetId")) for s in sheets_el.findall(q("sheet")) if (s.get("sheetId") or "").isdigit()]
        el = etree.SubElement(sheets_el, q("sheet"))
        el.set("name", name)
        el.set("sheetId", str(max(ids, default=0) + 1))
        el.set(q("id", NS_R), rid)
        self._touch(self._wb_part)
        self._sheets.append({"el": el, "name": name, "kind": "worksheet", "part": part})
        self._update_app_xml(name)
        ws = Worksheet(self, name, part, tree, new=True)
        self._worksheets[name] = ws
        return ws

    def _update_app_xml(self, new_name: str) -> None:
        """Add the sheet to docProps/app.xml when the layout is the plain one Excel writes;
        otherwise leave app.xml alone (Excel rebuilds it and tolerates a stale one)."""
        rel = self._root_rels.first_of_type(X.REL_EXTENDED_PROPS)
        part = self._root_rels.target_part(rel) if rel is not None else None
        if not part or not self._exists(part):
            return
        try:
            root = self._tree(part).getroot()
        except UserError:
            return
        ep, vt = X.NS_EP, X.NS_VT
        hp = root.find(f"{q('HeadingPairs', ep)}/{q('vector', vt)}")
        tp = root.find(f"{q('TitlesOfParts', ep)}/{q('vector', vt)}")
        if hp is None or tp is None:
            return
        variants = hp.findall(q("variant", vt))
        titles = tp.findall(q("lpstr", vt))
        if len(variants) < 2 or len(variants) % 2 or len(variants) != len(hp) or len(titles) != len(tp):
            return
        pairs = []
        for i in range(0, len(variants), 2):
            label = variants[i].find(q("lpstr", vt))
            count = variants[i + 1].find(q("i4", vt))
            if label is None or count is None or not (count.text or "").strip().isdigit():
                return
            pairs.append((label.text, count))
        if pairs[0][0] != "Worksheets":
            return
        if sum(int(c.text) for _, c in pairs) != len(titles):
            return
        if hp.get("size") != str(len(variants)) or tp.get("size") != str(len(titles)):
            return
        k = int(pairs[0][1].text)
        new = etree.Element(q("lpstr", vt))
        new.text = new_name
        if k < len(titles):
            titles[k].addprevious(new)
        else:
            tp.append(new)
        pairs[0][1].text = str(k + 1)
        tp.set("size", str(len(titles) + 1))
        self._touch(part)

    # ------------------------------------------------------------------ styles

    @property
    def styles(self):
        """The workbook's :class:`~workbook_builder.writers.ooxml.styles.Styles`, parsed on first use (created if the workbook has none)."""
        if self._styles is None:
            from .styles import Styles, new_styles_tree

            rel = self._wb_rels.first_of_type(X.REL_STYLES)
            part = self._wb_rels.target_part(rel) if rel is not None else None
            if part and self._exists(part):
                part = self._name(part)
                tree = self._tree(part)
            else:
                part = posixpath.join(posixpath.dirname(self._wb_part), "styles.xml")
                tree = new_styles_tree()
                self._new_part(part, tree)
                self._add_override(part, X.CT_STYLES)
                self._wb_rels.add(X.REL_STYLES, part)
            self._styles = Styles(self, part, tree)
        return self._styles

    def add_cell_style(self, *, num_fmt: str | None = None, bold: bool = False, italic: bool = False,
                       font_color: str | None = None, font_size: float | None = None,
                       fill_color: str | None = None, wrap: bool = False, h_align: str | None = None,
                       v_align: str | None = None, border: bool = False, underline: bool = False,
                       base_style: int | None = None) -> int:
        """Append a cell format to styles.xml (existing indices never move); returns its index."""
        return self.styles.add_cell_style(
            num_fmt=num_fmt, bold=bold, italic=italic, font_color=font_color, font_size=font_size,
            fill_color=fill_color, wrap=wrap, h_align=h_align, v_align=v_align, border=border,
            underline=underline, base_style=base_style)

    def add_dxf(self, *, font_color: str | None = None, fill_color: str | None = None,
                bold: bool = False) -> int:
        """Append a differential format (for conditional formatting); returns its index."""
        return self.styles.add_dxf(font_color=font_color, fill_color=fill_color, bold=bold)

    # ------------------------------------------------------------------ calculation

    def request_full_recalc(self) -> None:
        """Ask Excel to recalculate every formula on open (``fullCalcOnLoad``): cached results may be stale after an edit."""
        calc = X.get_or_create(self._wb, "calcPr", WORKBOOK_ORDER)
        if calc.get("fullCalcOnLoad") not in ("1", "true"):
            calc.set("fullCalcOnLoad", "1")
            self._touch(self._wb_part)

    def _note_input_changed(self) -> None:
        """A cell value changed in a workbook that has formulas: their cached results may
        now be stale, and Excel only recalculates on open if asked to."""
        if self._has_formulas:
            self.request_full_recalc()

    def _note_formula_removed(self) -> None:
        """A formula cell lost its formula: calcChain.xml would point at a non-formula cell,
        which Excel reports as unreadable content, so drop it (Excel rebuilds it)."""
        if self._formula_removed:
            return
        self._formula_removed = True
        rel = self._wb_rels.first_of_type(X.REL_CALC_CHAIN)
        part = self._wb_rels.target_part(rel) if rel is not None else None
        if part:
            self._remove_part(part)

    # ------------------------------------------------------------------ saving

    def _payload(self):
        """(name, bytes or ZipInfo) for each part of the finished package, in order: a ZipInfo is a
        template part nobody read or changed, copied across as it decompresses (never held whole)."""
        for ws in self._worksheets.values():
            ws._before_save()
        sheets = {ws.part_name: ws for ws in self._worksheets.values()}
        for name in self._order + self._new:
            if name in self._removed:
                continue
            if name in sheets and name in self._dirty:
                yield name, sheets[name].serialized()
            elif name in self._dirty:
                yield name, X.serialize(self._trees[name])
            elif name in self._raw or name in self._parts:
                yield name, self._read(name)
            else:
                yield name, self._infos[name]

    def to_bytes(self) -> bytes:
        """The finished package as bytes (what :meth:`save` writes)."""
        buf = io.BytesIO()
        self._write_zip(buf)
        return buf.getvalue()

    def _write_zip(self, fh) -> None:
        with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            for name, data in self._payload():
                zi = zipfile.ZipInfo(name, date_time=ZIP_DATE)
                zi.compress_type = zipfile.ZIP_DEFLATED
                zi.create_system = 0
                zi.create_version = 20
                zi.extract_version = 20
                zi.external_attr = 0
                if isinstance(data, zipfile.ZipInfo):
                    self._copy_part(zf, zi, data)
                else:
                    zf.writestr(zi, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL)

    def _copy_part(self, zf: zipfile.ZipFile, zi: zipfile.ZipInfo, info: zipfile.ZipInfo) -> None:
        """Write a template part into ``zf`` a megabyte at a time, as ``writestr`` would write its bytes."""
        zi.file_size = info.file_size  # what writestr sets first (it decides zip64 the same way)
        zi._compresslevel = ZIP_LEVEL
        try:
            with self._zip.open(info) as src, zf.open(zi, "w") as dst:
                shutil.copyfileobj(src, dst, MB)
        except DAMAGED as exc:
            raise UserError(
                f"{self._label} is damaged: part {info.filename} cannot be decompressed ({exc}).",
                hint="Open it in Excel, let it repair the file, save a copy and use that copy.",
            ) from None

    def save(self, out_path, *, refuse_paths=(), outputs=None) -> None:
        """Write the edited package to ``out_path`` through a temporary file that is then moved into place.

        Refused before anything is written: the template itself or any of ``refuse_paths`` as the output, a
        missing folder, a folder as the file, a workbook open in Excel (its ``~$`` lock file), and an extension
        that does not match the workbook's type (Excel will not open an .xlsm saved as .xlsx). With ``outputs``
        (a :class:`workbook_builder.files.Outputs`) the file replaces ``out_path`` only when every output of
        the run has been written."""
        out = Path(out_path)
        target = resolved(out)
        label = str(out)
        if self._resolved is not None:
            refuse_overwriting(out, [self.path], what="the template")
        refuse_overwriting(out, refuse_paths)
        parent = target.parent
        if not parent.is_dir():
            raise UserError(f"Cannot write {label}: folder {parent} does not exist.",
                            hint="Create the folder or choose another output path.")
        if out.exists() and out.is_dir():
            raise UserError(f"Cannot write {label}: it is a folder.", hint="Give a file name ending in .xlsx or .xlsm.")
        want = X.WORKBOOK_CONTENT_TYPES[self._wb_ctype]
        suffix = out.suffix.lower()
        if suffix in {".xlsx", ".xlsm", ".xltx", ".xltm"} and suffix != want:
            raise UserError(
                f"Cannot save {label}: the template {self.path.name} is a {want} workbook, so the output must end in {want}.",
                hint=f"Excel refuses to open a {want} workbook saved as {suffix}. Rename the output to end in {want}.",
            )
        write_atomic(target, self._write_zip, hint="Check that the folder exists and you may write to it.",
                     locked_hint="If the file is open in Excel, close it in Excel and try again.", outputs=outputs)


def check_sheet_name(name: str) -> None:
    """Refuse a sheet name Excel would reject (empty, over 31 characters, ``[]:*?/\\``, edge apostrophes, 'History')."""
    if not isinstance(name, str) or not name.strip():
        raise UserError("A sheet name cannot be empty.")
    if len(name) > 31:
        raise UserError(f"Sheet name {name!r} is longer than Excel's limit of 31 characters.")
    bad = sorted(set(name) & _FORBIDDEN_SHEET_CHARS)
    if bad:
        raise UserError(f"Sheet name {name!r} contains {' '.join(bad)}, which Excel does not allow in sheet names.")
    if name.startswith("'") or name.endswith("'"):
        raise UserError(f"Sheet name {name!r} cannot start or end with an apostrophe.")
    if name.casefold() == "history":
        raise UserError("'History' is reserved by Excel and cannot be used as a sheet name.")
    X.check_xml_text(name, f"Sheet name {name!r}")


def string_item_text(si) -> str:
    """Text of a shared-string <si> or inline <is>: plain <t> or rich-text runs (phonetic runs ignored)."""
    t = si.find(q("t"))
    if t is not None:
        return X.unescape_xstring(t.text or "")
    parts = []
    for r in si.findall(q("r")):
        rt = r.find(q("t"))
        if rt is not None and rt.text:
            parts.append(rt.text)
    return X.unescape_xstring("".join(parts))
