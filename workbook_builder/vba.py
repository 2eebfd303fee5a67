"""A VBA project (``vbaProject.bin``) built from VBA source text, without Excel.

The container (an OLE compound file holding the ``PROJECT``, ``VBA/dir``, ``VBA/_VBA_PROJECT``
and one stream per module, MS-OVBA 2.3) is written by the ``ms-ovba`` package. Three things
about ms-ovba 0.0.1 are handled here rather than trusted:

* it writes scratch files into the current folder (and next to the source files it is given),
  so it runs inside a temporary folder that is removed afterwards, and is given copies;
* its compressor corrupts any stream longer than one 4096-byte chunk (olevba reads the
  xlwings module back 5 KB short), so :func:`compress` below — MS-OVBA 2.4.1.3 — replaces it;
* it draws the PROJECT stream's obfuscation seeds (CMG, DPB, GC, MS-OVBA 2.4.3) from the
  global ``random`` module, so a fixed-seed generator stands in for it: same sources, same bytes.

The project holds source code only (no compiled p-code cache): Excel compiles it when the
add-in is first loaded, as it does for any project whose cache is missing or from another version.
"""

from __future__ import annotations

import contextlib
import os
import random
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import UserError

CODEPAGE = "cp1252"  # the dir stream ms-ovba writes declares code page 1252
EXCEL_WORKBOOK_GUID = "00020819-0000-0000-C000-000000000046"  # ThisWorkbook's VB_Base
EXCEL_WORKSHEET_GUID = "00020820-0000-0000-C000-000000000046"  # a worksheet's VB_Base
PROJECT_ID = "{5C0B6D3E-8A7F-4C1D-9B2E-3F4A5D6C7B8E}"  # fixed, so builds are reproducible


@dataclass(frozen=True)
class Module:
    """One VBA module: ``kind`` is ``module`` (.bas), ``class`` (.cls) or ``document`` (ThisWorkbook, a sheet)."""

    name: str
    kind: str
    code: str  # source as in a .bas/.cls export, Attribute lines included, without the VERSION/BEGIN header

    def stream_text(self) -> bytes:
        """The module's source as Excel stores it: CRLF line ends, code page 1252."""
        lines = self.code.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n").split("\n")
        try:
            return ("\r\n".join(lines) + "\r\n").encode(CODEPAGE)
        except UnicodeEncodeError as exc:
            raise UserError(f"VBA module {self.name}: character {exc.object[exc.start]!r} cannot be stored in code page 1252",
                            hint="Use plain ASCII (or Windows-1252) characters in .bas files.") from None


def read_source(path: Path, name: str | None = None) -> Module:
    """A module from an exported .bas or .cls file (a class file's VERSION/BEGIN…END header is dropped)."""
    text = Path(path).read_bytes().decode(CODEPAGE)
    kind = "class" if Path(path).suffix.lower() == ".cls" else "module"
    lines = text.replace("\r\n", "\n").split("\n")
    if kind == "class" and lines and lines[0].startswith("VERSION"):
        end = next((i for i, line in enumerate(lines) if line.strip() == "END"), None)
        if end is not None:
            lines = lines[end + 1:]
    return Module(name=name or Path(path).stem, kind=kind, code="\n".join(lines))


def document_module(name: str, base_guid: str) -> Module:
    """An empty document module (ThisWorkbook or a sheet) with the attributes Excel writes for one."""
    attributes = [f'Attribute VB_Name = "{name}"', f'Attribute VB_Base = "0{{{base_guid}}}"',
                  "Attribute VB_GlobalNameSpace = False", "Attribute VB_Creatable = False",
                  "Attribute VB_PredeclaredId = True", "Attribute VB_Exposed = True",
                  "Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = True"]
    return Module(name=name, kind="document", code="\n".join(attributes))


# --- MS-OVBA 2.4.1 compression ------------------------------------------------------------

CHUNK = 4096


def _bit_count(difference: int) -> int:
    """CopyTokenHelp (2.4.1.3.19.1): bits for the offset, given how far into the chunk we are."""
    bits = 4
    while (1 << bits) < difference:
        bits += 1
    return bits


def _compress_chunk(data: bytes) -> bytes:
    out = bytearray()
    pos, end = 0, len(data)
    heads: dict[bytes, list[int]] = {}  # 3-byte prefix -> earlier positions in this chunk

    def remember(i: int) -> None:
        if i + 3 <= end:
            heads.setdefault(data[i:i + 3], []).append(i)

    while pos < end:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= end:
                break
            bits = _bit_count(pos)
            max_length = (0xFFFF >> bits) + 3
            best_length, best_offset = 0, 0
            for candidate in reversed(heads.get(data[pos:pos + 3], [])):
                offset = pos - candidate
                if offset > (1 << bits):
                    break
                length = 0
                limit = min(max_length, end - pos)
                while length < limit and data[candidate + length] == data[pos + length]:
                    length += 1
                if length > best_length:
                    best_length, best_offset = length, offset
                    if length == limit:
                        break
            if best_length >= 3:
                token = ((best_offset - 1) << (16 - bits)) | (best_length - 3)
                out += token.to_bytes(2, "little")
                flags |= 1 << bit
                for i in range(pos, pos + best_length):
                    remember(i)
                pos += best_length
            else:
                out.append(data[pos])
                remember(pos)
                pos += 1
        out[flag_at] = flags
    if len(out) > CHUNK:  # incompressible: store the chunk raw (only possible for a full chunk)
        if len(data) != CHUNK:
            raise ValueError("a short final chunk that does not compress cannot be stored raw")
        return (0x3000 | (CHUNK + 2 - 3)).to_bytes(2, "little") + data
    return (0xB000 | (len(out) + 2 - 3)).to_bytes(2, "little") + bytes(out)


def compress(data: bytes) -> bytes:
    """A CompressedContainer (MS-OVBA 2.4.1.3.6): signature byte 1, then each 4096-byte chunk compressed."""
    return b"\x01" + b"".join(_compress_chunk(data[i:i + CHUNK]) for i in range(0, len(data), CHUNK))


class _Compressor:
    """Stands in for ``ms_ovba_compression.ms_ovba.MsOvba`` inside ms-ovba."""

    def compress(self, data: bytes) -> bytes:
        return compress(bytes(data))


# --- the project ----------------------------------------------------------------------------

def _ms_ovba():
    try:
        import ms_ovba.Models.Entities.doc_module as doc_module
        import ms_ovba.Models.Entities.module_base as module_base
        import ms_ovba.Views.dirStream as dir_stream
        import ms_ovba_crypto.ms_ovba_crypto as crypto
    except ImportError:
        raise UserError("building the add-in needs the ms-ovba package, which is not installed",
                        hint="Run: pip install -e '.[excel]'  (or: pip install ms-ovba)") from None
    return module_base, doc_module, dir_stream, crypto


@contextlib.contextmanager
def _patched(module, name: str, value) -> Iterator[None]:
    old = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, old)


@contextlib.contextmanager
def _scratch_folder() -> Iterator[Path]:
    """A temporary current folder for ms-ovba's scratch files; the previous folder is restored after."""
    previous = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="scorecard-vba-") as folder:
        os.chdir(folder)
        try:
            yield Path(folder)
        finally:
            os.chdir(previous)


def build_project(modules: list[Module]) -> bytes:
    """``vbaProject.bin`` holding ``modules`` (in order), with references to OLE Automation and Office."""
    module_base, doc_module, dir_stream, crypto = _ms_ovba()
    from ms_ovba.Models.Entities.doc_module import DocModule
    from ms_ovba.Models.Entities.module_base import ModuleBase
    from ms_ovba.Models.Entities.reference import Reference
    from ms_ovba.Models.Entities.reference_registered import ReferenceRegistered
    from ms_ovba.Models.Entities.std_module import StdModule
    from ms_ovba.Models.Fields.libid_reference import LibidReference
    from ms_ovba.vbaProject import VbaProject
    from ms_ovba.Views.project_ole_file import ProjectOleFile

    class ClassModule(ModuleBase):
        """A class module: listed as ``Class=`` in PROJECT, MODULETYPE 0x0022 in dir (MS-OVBA 2.3.4.2.3.2.8)."""

        def __init__(self, name: str) -> None:
            super().__init__(name)
            self.type = "Class"

        def pack(self, endien: str, cp_name: str) -> bytes:
            self.type = "Document"  # ms-ovba writes 0x0022 only for this type name
            try:
                return super().pack(endien, cp_name)
            finally:
                self.type = "Class"

    names = [m.name for m in modules]
    if len(set(n.lower() for n in names)) != len(names):
        raise UserError(f"two VBA modules share a name: {', '.join(names)}")
    with contextlib.ExitStack() as stack:
        folder = stack.enter_context(_scratch_folder())
        stack.enter_context(_patched(module_base, "MsOvba", _Compressor))
        stack.enter_context(_patched(doc_module, "MsOvba", _Compressor))
        stack.enter_context(_patched(dir_stream, "MsOvba", _Compressor))
        stack.enter_context(_patched(crypto, "random", random.Random(20240601)))
        project = VbaProject()
        project.project_id = PROJECT_ID
        for index, m in enumerate(modules):
            record = {"module": StdModule, "class": ClassModule, "document": DocModule}[m.kind](m.name)
            scratch = folder / f"module{index}"  # ms-ovba writes <path>.bin and reads <path>.new
            (folder / f"module{index}.new").write_bytes(m.stream_text())
            record.add_file(str(scratch))
            project.add_module(record)
        stdole = LibidReference(uuid.UUID("00020430-0000-0000-C000-000000000046"), "2.0", "0",
                                "C:\\Windows\\System32\\stdole2.tlb", "OLE Automation")
        office = LibidReference(uuid.UUID("2DF8D04C-5BFA-101B-BDE5-00AA0044DE52"), "2.0", "0",
                                "C:\\Program Files\\Common Files\\Microsoft Shared\\OFFICE16\\MSO.DLL",
                                "Microsoft Office 16.0 Object Library")
        project.add_reference(Reference(ReferenceRegistered(stdole), "stdole"))
        project.add_reference(Reference(ReferenceRegistered(office), "Office"))
        ProjectOleFile.write_file(project)
        return (folder / "vbaProject.bin").read_bytes()
