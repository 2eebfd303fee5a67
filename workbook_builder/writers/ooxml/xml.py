"""Defensive XML parsing, serialisation and schema-ordered insertion."""

from __future__ import annotations

import re
from typing import Sequence

from lxml import etree

from workbook_builder.errors import UserError

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
NS_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
NS_EP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
NS_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
NS_XML = "http://www.w3.org/XML/1998/namespace"
NS_STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"

REL_OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
REL_WORKSHEET = NS_R + "/worksheet"
REL_CHARTSHEET = NS_R + "/chartsheet"
REL_STYLES = NS_R + "/styles"
REL_SHARED_STRINGS = NS_R + "/sharedStrings"
REL_CALC_CHAIN = NS_R + "/calcChain"
REL_EXTENDED_PROPS = REL_OFFICE_DOC.rsplit("/", 1)[0] + "/extended-properties"

CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"

WORKBOOK_CONTENT_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": ".xlsx",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": ".xlsm",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": ".xltx",
    "application/vnd.ms-excel.template.macroEnabled.main+xml": ".xltm",
}


def q(tag: str, ns: str = NS_MAIN) -> str:
    """Clark notation: q('row') -> '{main-ns}row'."""
    return f"{{{ns}}}{tag}"


def local(el) -> str | None:
    """An element's local name, without its namespace; None for a comment or processing instruction."""
    tag = el.tag
    if not isinstance(tag, str):
        return None  # comment / processing instruction
    return tag.rpartition("}")[2]  # '{ns}name' or 'name': what etree.QName(tag).localname gives, without the object


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        remove_blank_text=False,
        load_dtd=False,
        dtd_validation=False,
    )


def parse_xml(data: bytes, *, part: str, source: str) -> etree._ElementTree:
    """Parse one package part, refusing DTDs/entities (OOXML never uses them)."""
    try:
        tree = etree.ElementTree(etree.fromstring(data, _parser()))
    except etree.XMLSyntaxError as exc:
        raise UserError(
            f"{source}: part {part} is not well-formed XML ({exc}).",
            hint="The file is damaged. Open it in Excel, let Excel repair it, save it and try again.",
        ) from None
    info = tree.docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise UserError(
            f"{source}: part {part} declares a DTD, which Excel never writes; refusing to read it.",
            hint="Re-save the workbook from Excel and try again.",
        )
    return tree


def serialize(tree: etree._ElementTree) -> bytes:
    """A part as Excel writes it: UTF-8, with a standalone XML declaration."""
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)


def order_key(el, ns: str = NS_MAIN) -> str | None:
    """The schema name an element occupies in its parent's sequence.

    ``mc:AlternateContent`` takes the name of the first element in its first Choice,
    so an AlternateContent wrapping <controls> sorts as 'controls'."""
    if not isinstance(el.tag, str):
        return None
    qn = etree.QName(el.tag)
    if qn.namespace == ns:
        return qn.localname
    if qn.namespace == NS_MC and qn.localname == "AlternateContent":
        for branch in el:
            if isinstance(branch.tag, str):
                for inner in branch:
                    if isinstance(inner.tag, str):
                        return order_key(inner, ns)
                break
    return None


def insert_in_order(parent, new_el, order: Sequence[str], ns: str = NS_MAIN):
    """Insert new_el among parent's children respecting the schema sequence `order`.

    It goes before the first child whose position in `order` is later than its own,
    i.e. after all existing siblings of the same or earlier kind; children of unknown
    kind are ignored for positioning."""
    name = etree.QName(new_el.tag).localname
    idx = order.index(name)
    for pos, child in enumerate(parent):
        key = order_key(child, ns)
        if key in order and order.index(key) > idx:
            parent.insert(pos, new_el)
            return new_el
    parent.append(new_el)
    return new_el


def get_or_create(parent, name: str, order: Sequence[str], ns: str = NS_MAIN, **attrs):
    """The child ``name`` of ``parent``, created (with ``attrs``) in its schema position when it is missing."""
    el = parent.find(q(name, ns))
    if el is None:
        el = etree.Element(q(name, ns), nsmap=None)
        for k, v in attrs.items():
            el.set(k, v)
        insert_in_order(parent, el, order, ns)
    return el


# --- ST_Xstring escaping (_xHHHH_) ---------------------------------------------------

_ESCAPED_RE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_ILLEGAL_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XSTRING_SPECIAL_RE = re.compile("_x[0-9A-Fa-f]{4}_|[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape_xstring(text: str) -> str:
    """Make arbitrary text storable in an Excel string element.

    Literal '_xHHHH_' sequences get their underscore escaped (as Excel does) and
    characters XML 1.0 cannot hold become '_xHHHH_'."""
    if not _XSTRING_SPECIAL_RE.search(text):  # nearly all text: one scan, no copies
        return text
    text = _ESCAPED_RE.sub(lambda m: "_x005F" + m.group(0), text)
    return _ILLEGAL_XML_RE.sub(lambda m: "_x%04X_" % ord(m.group(0)), text)


def unescape_xstring(text: str) -> str:
    """The inverse of :func:`escape_xstring`: ``_x000D_`` back to a carriage return."""
    return _ESCAPED_RE.sub(lambda m: chr(int(m.group(1), 16)), text)


def check_xml_text(text: str, what: str) -> str:
    """``text`` unchanged, or a UserError naming ``what`` when it holds a character XML cannot store."""
    if _ILLEGAL_XML_RE.search(text):
        raise UserError(f"{what} contains a control character that cannot be stored in a workbook: {text!r}.")
    return text
