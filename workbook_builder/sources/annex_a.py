"""Ofsted's Annex A child-level data lists, read as councils produce them.

Annex A is the workbook of child-level lists every council keeps ready for an ILACS inspection
(List 1 contacts … List 11 adopters); ChAT computes its headline figures from it. The lists come in
several layouts: Ofsted's August 2019 template (sheets ``List_1`` …, a title row "List 3: Referral"
above the header), and councils' own exports in the 2021 and 2024 layouts (sheets ``List 1`` …,
the header on row 1, List 9 with UASC, personal adviser and pathway-plan columns from 2024).

So the reader finds

* each **list** by its number, whatever its sheet is called (``List_3``, ``List 3``, ``list3``), or
  by a title cell "List 3: …" above the header;
* its **header row** by content (the first of its top rows that names the list's first field);
* each **column** by its meaning: :data:`FIELDS` holds the header texts accepted for each field,
  matched after :func:`header_key` (case, spaces, punctuation and curly quotes ignored), so
  "LA In Touch " and "LA in Touch", "Date of referral" and "Date of Referral" meet;

and reads dates typed, written as text or held as formula results, keeping the workbook row of
every record. A list or field it cannot find is a :class:`~workbook_builder.errors.UserError` naming
the file, the list and the field, with the headers it saw.

Child-level data is personal data: records stay inside this module and the measures computed from
them (:mod:`workbook_builder.sources.annex_a_measures`); a scorecard receives only counts and
percentages.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from ..errors import UserError
from ..limits import WORKBOOK_SUFFIXES
from ..refs import col_letters as column_letter
from .tables import clean, norm, raw_rows, sheet_names, unsaved_formulas

#: list number -> what the list holds (Ofsted's titles)
LISTS: dict[int, str] = {
    1: "Contacts", 2: "Early help", 3: "Referrals", 4: "Assessments", 5: "Section 47 enquiries and ICPCs",
    6: "Children in need", 7: "Child protection", 8: "Children looked after", 9: "Care leavers", 10: "Adoption",
    11: "Adopters",
}

_ID = ("child unique id", "child id", "unique id")
COMMON_FIELDS = frozenset({"child_id", "date_of_birth", "gender", "ethnicity", "disability"})  # in every list, ILACS or not
AREA_SEND_HEADERS = frozenset({"date initial ehc plan issued", "date updated ehc plan issued", "date ehc plan last reviewed",
                               "sen primary need"})  # the Area SEND inspection's Annex A (after header_key), which shares the list names
#: list -> field -> the header texts accepted for it (compared after header_key), first the template's
FIELDS: dict[int, dict[str, tuple[str, ...]]] = {
    1: {"child_id": _ID, "date_of_birth": ("date of birth",), "contact_date": ("date of contact", "contact date"),
        "contact_source": ("contact source",)},
    2: {"child_id": _ID, "start": ("assessment start date",), "end": ("assessment completion date",)},
    3: {"child_id": _ID, "date_of_birth": ("date of birth",), "referral_date": ("date of referral", "referral date"),
        "nfa": ("referral nfa",), "referrals_12m": ("number of referrals in last 12 months",)},
    4: {"child_id": _ID, "start": ("continuous assessment start date", "assessment start date"),
        "child_seen": ("child seen during continuous assessment", "child seen during assessment"),
        "authorised": ("continuous assessment date of authorisation", "assessment date of authorisation",
                       "assessment authorisation date", "assessment completion date")},
    5: {"child_id": _ID, "strategy_date": ("strategy discussion initiating section 47 enquiry start date",
                                           "strategy discussion date", "section 47 enquiry start date"),
        "icpc_unnecessary": ("was an initial child protection conference deemed unnecessary",),
        "icpc_date": ("date of initial child protection conference", "icpc date"),
        "icpc_plan": ("did the initial child protection conference result in a child protection plan",)},
    6: {"child_id": _ID, "start": ("cin start date",), "end": ("cin closure date",)},
    7: {"child_id": _ID, "start": ("child protection plan start date",), "seen_alone": ("was the child seen alone",),
        "end": ("child protection plan end date",),
        "previous_plans": ("number of previous child protection plans",)},
    8: {"child_id": _ID, "start": ("date started to be looked after",), "health": ("date of last health assessment",),
        "dental": ("date of last dental check",), "end": ("date ceased to be looked after",)},
    9: {"child_id": _ID, "date_of_birth": ("date of birth",), "eligibility": ("eligibility category",),
        "in_touch": ("la in touch",), "accommodation": ("suitability of accommodation",),
        "activity": ("activity status",)},
}

_PUNCT_RE = re.compile(r"[^0-9a-z]+")
_LIST_NAME_RE = re.compile(r"^list[\s_\-]*(\d{1,2})\b")
_TITLE_RE = re.compile(r"^list\s*(\d{1,2})\s*[:\-]")
_ISO_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_UK_RE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})$")
_YMD_RE = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$|^(\d{4})(\d{2})(\d{2})$")
_TEXT_FORMATS = ("%d %b %Y", "%d %B %Y", "%d-%b-%y", "%d-%b-%Y", "%d %b %y")
YEARS = (1900, 2100)  # a date outside these years is a typing error, not a date
_EXCEL_EPOCH = dt.date(1899, 12, 30)
HEADER_SEARCH = 10  # rows at the top of a list searched for its header


def header_key(text: object) -> str:
    """A header as matched: case-folded, curly quotes plain, every run of other characters one space."""
    return _PUNCT_RE.sub(" ", norm(text).replace("\u00a0", " ")).strip()


def _cell(value: object) -> object:
    """A calamine cell as a record keeps it: text stripped (empty is None), whole numbers as int, dates kept as dates."""
    kind = type(value)
    if kind is str:
        return value.strip() or None
    if kind is float:
        return int(value) if value.is_integer() else value
    if kind is dt.date or kind is dt.datetime:
        return value
    return clean(value)


def parse_date(value: object) -> dt.date | None | str:
    """A date cell as a date: typed (read as ISO text), text (``2025-10-01``, ``01/10/2025``) or an Excel
    serial number (a formula's result without a date format). Empty is None; anything else (``#N/A``,
    ``unknown``) comes back as the text, for the data-quality check to name."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value if YEARS[0] <= value.year <= YEARS[1] else value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        if 1 <= value < 73051:  # Excel's serial numbers for 1900-01-01 .. 2099-12-31
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        return str(value)
    text = str(value).replace("\u00a0", " ").strip()
    if not text:
        return None
    day = None
    try:
        if match := _ISO_RE.match(text):
            day = dt.date(int(match[1]), int(match[2]), int(match[3]))
        elif match := _UK_RE.match(text):  # Annex A is English: day first; a two-digit year is this century's
            year = int(match[3]) + (2000 if len(match[3]) == 2 else 0)
            day = dt.date(year, int(match[2]), int(match[1]))
        elif match := _YMD_RE.match(text):
            parts = [int(p) for p in match.groups() if p is not None]
            day = dt.date(parts[0], parts[1], parts[2])
        else:
            for form in _TEXT_FORMATS:
                try:
                    day = dt.datetime.strptime(text, form).date()
                    break
                except ValueError:
                    continue
    except ValueError:
        return text
    return day if day is not None and YEARS[0] <= day.year <= YEARS[1] else text


def parse_id(value: object) -> str | None:
    """A child's ID as text: ``9212044.0`` (a number cell) and ``9212044`` are the same child."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\u00a0", " ").strip()
    if re.fullmatch(r"\d+\.0+", text):  # a number stored as text with its decimal point
        text = text.split(".")[0]
    return text or None


def code_of(value: object) -> str:
    """A coded answer without its list letter, for comparing: ``a) Yes`` -> ``yes``; ``b) No`` -> ``no``."""
    text = header_key(value)
    return re.sub(r"^[a-z] ", "", text) if re.match(r"^[a-z] ", text) and ")" in str(value)[:3] else text


@dataclass
class Records:
    """One list's records: each field's values in row order, and each record's workbook row number."""

    number: int
    sheet: str
    header_row: int
    headers: list[str]
    columns: dict[str, int]  # field -> 0-based column index
    rows: list[int]  # the workbook row (1-based) of each record
    values: dict[str, list[object]]  # field -> raw cell values, one per record
    unsaved: list[tuple[int, str]] = field(default_factory=list)  # (workbook row, field) of formulas saved without their result
    _cache: dict = field(default_factory=dict, repr=False, compare=False)  # parsed columns, by (field, parser)

    def __len__(self) -> int:
        return len(self.rows)

    @cached_property
    def child_ids(self) -> list[str | None]:
        """Each record's child ID as text (a number cell's ``.0`` dropped)."""
        return [parse_id(v) for v in self.values["child_id"]]

    def dates(self, name: str) -> list[dt.date | None | str]:
        """The field's values as dates (None when empty; the text itself when it is not a date)."""
        return self._parsed(name, parse_date)

    def codes(self, name: str) -> list[str]:
        """The field's coded answers without their list letter, for comparing (``a) Yes`` -> ``yes``)."""
        return self._parsed(name, code_of)

    def numbers(self, name: str) -> list[float | None]:
        """The field's values as numbers (None when empty or not a finite number)."""
        def number(value):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                found = float(value)
            else:
                try:
                    found = float(str(value).replace("\u00a0", " ").strip()) if value is not None else None
                except ValueError:
                    return None
            return found if found is None or math.isfinite(found) else None  # 'inf', '1e400', 'NaN' are not numbers
        return self._parsed(name, number)

    def _parsed(self, name: str, parse) -> list:
        key = (name, parse)
        if key not in self._cache:
            self._cache[key] = [parse(v) for v in self.values[name]]
        return self._cache[key]


    def where(self, path: Path) -> str:
        """The list as an error message names it: file, list number and title, sheet."""
        return f"{path} List {self.number} ({LISTS[self.number]}, sheet '{self.sheet}')"


@dataclass
class AnnexA:
    """An Annex A workbook: its lists found by number, each read (and its fields found) when first asked for."""

    path: Path
    _lists: dict[int, Records] = field(default_factory=dict, repr=False)

    @classmethod
    def read(cls, path: Path) -> "AnnexA":
        """Open an Annex A workbook and find its lists (each list's records are read when first asked for)."""
        path = Path(path)
        if not path.is_file():
            raise UserError(f"{path}: no such file", hint="Give the Annex A workbook (.xlsx) the council prepares for Ofsted.")
        if path.suffix.lower() not in WORKBOOK_SUFFIXES:
            raise UserError(f"{path}: Annex A is read from the workbook of its lists (.xlsx), not a {path.suffix or 'file without an extension'}",
                            hint="Give the Annex A workbook itself, with its sheets List 1 … List 11.")
        annex = cls(path=path)
        annex.sheets  # noqa: B018 - finds the lists now, so a workbook without any is refused at once
        return annex

    @cached_property
    def sheets(self) -> dict[int, str]:
        """List number -> sheet, from sheet names (``List_3``, ``List 3``) or, failing that, a title cell
        ("List 3: Referral") in the sheet's first rows."""
        names = sheet_names(self.path)
        found: dict[int, str] = {}
        for name in names:
            match = _LIST_NAME_RE.match(norm(name))
            if match and int(match[1]) in LISTS:
                number = int(match[1])
                if number in found:  # reading either would ignore the other in silence
                    raise UserError(f"{self.path}: sheets '{found[number]}' and '{name}' are both List {number} ({LISTS[number]})",
                                    hint="Keep one of them in the workbook (rename the other so it does not start 'List "
                                         f"{number}'): scorecard will not guess which holds the list.")
                found[number] = name
        for name in names if not found else ():  # no sheet named for its list: look for titles ("List 3: Referral")
            try:
                top = raw_rows(self.path, name, HEADER_SEARCH)
            except UserError:
                continue  # a sheet that cannot be read is not one of the lists
            for row in ([clean(c) for c in r] for r in top):
                cells = [c for c in row if c is not None]
                match = _TITLE_RE.match(norm(cells[0])) if cells else None
                if match and int(match[1]) in LISTS:
                    found.setdefault(int(match[1]), name)
                    break
        if not found:
            raise UserError(f"{self.path}: no Annex A lists found (sheets: {', '.join(names)})",
                            hint="Annex A lists are sheets named 'List 1' … 'List 11' (or 'List_1'), as in Ofsted's template.")
        return dict(sorted(found.items()))

    def records(self, number: int, fields: tuple[str, ...] | None = None) -> Records:
        """List ``number``'s records with ``fields`` (default: every field :data:`FIELDS` knows for it; a
        field not asked for may be missing from the sheet)."""
        wanted = fields or tuple(FIELDS[number])
        if number not in self._lists:
            self._lists[number] = self._read(number)
        records = self._lists[number]
        missing = [f for f in wanted if f not in records.columns]
        if missing:
            accepted = "; ".join(f"{f}: " + " / ".join(repr(h) for h in FIELDS[number][f]) for f in missing)
            seen = {header_key(h) for h in records.headers if h}
            own = [f for f in FIELDS[number] if f not in COMMON_FIELDS]
            send = seen & AREA_SEND_HEADERS  # one such column in an ILACS list is a council's addition; the SEND lists have several
            if (len(send) >= 2 or (send and max(self.sheets) <= 2)) and not any(f in records.columns for f in own):
                raise UserError(f"{self.path}: this looks like an Area SEND Annex A (its sheet {records.sheet!r} has "
                                f"{', '.join(repr(h) for h in sorted(send))} and none of List {number}'s own "
                                f"columns), not the children's social care (ILACS) Annex A that scorecard reads",
                                hint="Give the ILACS Annex A workbook: List 1 Contacts … List 11 Adoption, as in Ofsted's template. "
                                     f"(Looked for {accepted}.)")
            raise UserError(f"{records.where(self.path)}: no column for {', '.join(missing)} (accepted headers: {accepted})",
                            hint=f"Headers seen on row {records.header_row}: {', '.join(repr(h) for h in records.headers if h)}.")
        return records

    def _read(self, number: int) -> Records:
        if number not in self.sheets:
            raise UserError(f"{self.path}: no List {number} ({LISTS[number]})",
                            hint=f"Lists found: {', '.join(f'List {n} (sheet {s!r})' for n, s in self.sheets.items())}.")
        sheet = self.sheets[number]
        raw = raw_rows(self.path, sheet)  # only the columns of known fields are cleaned: a council's List 1 is 100,000 rows
        top = [[clean(c) for c in row] for row in raw[:HEADER_SEARCH]]
        accepted = {header_key(h): name for name, texts in FIELDS.get(number, {}).items() for h in texts}
        first = {header_key(h) for h in FIELDS[number]["child_id"]}
        header_at = next((i for i, row in enumerate(top) if any(header_key(c) in first for c in row)), None)
        if header_at is None:  # the cells are not shown: without a header they may be a child's data
            raise UserError(f"{self.path} List {number} ({LISTS[number]}, sheet '{sheet}'): no header row with "
                            f"'Child Unique ID' in its first {HEADER_SEARCH} rows",
                            hint="Put the list's header row (Ofsted's column titles, starting with 'Child Unique ID') in its first rows.")
        headers = [("" if c is None else str(c)) for c in top[header_at]]
        columns: dict[str, int] = {}
        for index, text in enumerate(headers):
            name = accepted.get(header_key(text))
            if name and name in columns:
                first_at = columns[name]
                raise UserError(f"{self.path} List {number} ({LISTS[number]}, sheet '{sheet}'): two columns for {name}: "
                                f"{column_letter(first_at + 1)} ({headers[first_at]!r}) and {column_letter(index + 1)} ({text!r})",
                                hint="Keep one of them: the list is read by its column titles, and two would disagree.")
            if name:
                columns[name] = index
        body = raw[header_at + 1:]
        wanted = sorted(columns.values())
        rows, kept = [], []
        for offset, row in enumerate(body):
            cells = [_cell(row[i]) if i < len(row) else None for i in wanted]
            if not any(c is not None for c in cells):
                continue  # a blank row between records, or the sheet's empty tail
            rows.append(header_at + 2 + offset)
            kept.append(cells)
        at = {index: k for k, index in enumerate(wanted)}
        values = {name: [row[at[index]] for row in kept] for name, index in columns.items()}
        field_at = {index: name for name, index in columns.items()}
        unsaved = sorted((row, field_at[col]) for row, col in unsaved_formulas(self.path, sheet) if row > header_at + 1 and col in field_at)
        return Records(number=number, sheet=sheet, header_row=header_at + 1, headers=headers, columns=columns,
                       rows=rows, values=values, unsaved=unsaved)


@lru_cache(maxsize=8)
def _loaded(path: str, mtime_ns: int) -> AnnexA:
    return AnnexA.read(Path(path))


def load(path: Path) -> AnnexA:
    """The workbook's lists, read once per version of the file however many measures ask."""
    return _loaded(str(path), Path(path).stat().st_mtime_ns)


__all__ = ["AnnexA", "FIELDS", "LISTS", "Records", "code_of", "header_key", "load", "parse_date", "parse_id"]
