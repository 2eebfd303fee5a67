"""Local authorities: the one class for an LA, and the project's list of England's 153.

An LA is known by its new-style code (nine characters, ``E06…``, ``E08…``, ``E09…``, ``E10…``) and its old
three-digit number; DfE's files carry both, LAIT and older tables only the number. Names are for
people: they differ between publications (a ``, County of`` suffix in one, none in another),
so nothing is ever matched on a name. The list is ``mappings/local_authorities.csv``
(``la_code, old_la_code, la_name, region_code, region_name``), derived from DfE's own files
by ``scripts/make_statistical_neighbours.py``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from .errors import UserError
from .limits import check_text_file

LIST_COLUMNS = ("la_code", "old_la_code", "la_name", "region_code", "region_name")

#: Written in a template or a mapping wherever the LA's name belongs; a build puts the name there.
LA_TOKEN = "{la}"


@dataclass(frozen=True)
class LocalAuthority:
    """One council: codes, the name shown for it, and its region as DfE publishes it."""

    code: str  # new-style: E06, E08, E09 or E10 and six digits
    old_code: str  # old-style: three digits
    name: str  # as shown in workbooks: DfE's name unless the workspace names it otherwise
    region_code: str = ""
    region_name: str = ""

    @property
    def codes(self) -> frozenset[str]:
        """Both codes, for matching rows that carry either."""
        return frozenset(c for c in (self.code, self.old_code) if c)

    def has_code(self, code: str) -> bool:
        """Whether ``code`` is one of the LA's, as people write it (spaces round it, a new code in any case)."""
        wanted = str(code).strip()
        return bool(wanted) and (wanted in (self.code, self.old_code) or wanted.upper() == self.code)

    def fill(self, text: str) -> str:
        """``text`` with every ``{la}`` replaced by the LA's name: "{la} (latest)" -> "<the LA's name> (latest)"."""
        return text.replace(LA_TOKEN, self.name) if LA_TOKEN in text else text

    def named(self, name: str | None) -> "LocalAuthority":
        """The same LA shown under another name (a workspace's ``name:``), or itself when ``name`` is empty."""
        return replace(self, name=name) if name else self


def check_name(name: str, where: str) -> str:
    """``name`` as an LA's shown name, or a UserError naming ``where``: it goes into cells, charts and the
    document title, so it may not hold a control character (a tab or line break pasted from a document)."""
    text = str(name).strip()
    if not text or any(ord(ch) < 32 or 0xFFFE <= ord(ch) <= 0xFFFF or 0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        raise UserError(f"{where}: the LA's name {name!r} is empty or holds a control character",
                        hint="Write the name as it should appear on the workbooks, on one line.")
    return text


def read_local_authorities(path: Path) -> list[LocalAuthority]:
    """Every LA of a list in the project's format (``mappings/local_authorities.csv``), in file order."""
    return list(_read(str(Path(path))))


def _read(path: str) -> tuple[LocalAuthority, ...]:
    try:
        stat = Path(path).stat()
    except OSError as exc:
        raise UserError(f"cannot read the LA list {path}: {exc.strerror or exc}",
                        hint="It lives in mappings/local_authorities.csv of the scorecard project.") from None
    return _read_version(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _read_version(path: str, mtime_ns: int, size: int) -> tuple[LocalAuthority, ...]:
    check_text_file(Path(path))
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in LIST_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise UserError(f"{path}: the LA list needs columns {', '.join(LIST_COLUMNS)} (missing {', '.join(missing)})")
            return tuple(LocalAuthority(r["la_code"].strip(), r["old_la_code"].strip(), r["la_name"].strip(),
                                        r["region_code"].strip(), r["region_name"].strip()) for r in reader)
    except OSError as exc:
        raise UserError(f"cannot read the LA list {path}: {exc.strerror or exc}",
                        hint="It lives in mappings/local_authorities.csv of the scorecard project.") from None


def find_authority(path: Path, code: str) -> LocalAuthority:
    """The LA whose new or old code is ``code``; an unknown code is an error that says where codes are listed."""
    for la in read_local_authorities(path):
        if la.has_code(code):
            return la
    raise UserError(f"unknown LA code '{code}'",
                    hint=f"Use a new code (E06…, E08…, E09…, E10…) or an old three-digit one, as listed in {Path(path).name}.")


__all__ = ["LA_TOKEN", "LocalAuthority", "check_name", "find_authority", "read_local_authorities"]
