"""Write a synthetic Annex A workbook (Ofsted's child-level lists) whose figures are chosen in advance.

``python scripts/make_annex_a.py`` writes the bundled sample, ``inputs/sample/annex_a/AnnexA_Shropshire_2026-06-18.xlsx``,
in the 2024 layout: for the six months to 18 June 2026 its figures are the ChAT headline figures the
committee paper prints (seed 002: 6,491 contacts, 633 referrals, 1,193 assessments of which 920
completed and 87% of those within 45 working days, 436 section 47 enquiries, 154 ICPCs of which 77%
within 15 working days, 1,360 children in need, 224 on a plan, 666 looked after, and the
percentages of its comparison table). Everything else about the children is made up.

The awkward cases are there on purpose: bank holidays inside assessment and ICPC windows (Easter and
the May bank holidays of 2026), records dated on the window's first day and on the as-at date,
episodes ending on the as-at date (still open), re-referrals whose earlier referral falls before the
window, dates written as text or held as Excel serial numbers, coded answers (``a) Yes``) beside plain
ones (``Yes``), non-breaking spaces in names and ``#N/A`` where a date is unknown.

:func:`generate` is also what the tests use, with other targets, windows, seeds and the 2021 layout;
it returns the records it wrote (as plain Python values) so a test can recompute every measure from
them without the project's reader.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import NamedTuple

import holidays
import xlsxwriter

from workbook_builder.sources.annex_a_measures import add_months

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "inputs" / "sample" / "annex_a" / "AnnexA_Shropshire_2026-06-18.xlsx"
FIXED_TIME = dt.datetime(2026, 6, 18, 9, 0, 0)

#: seed 002's ChAT headline figures (as at 18 June 2026, six months)
PAPER = {
    "as_at": dt.date(2026, 6, 18), "months": 6, "contacts": 6491, "referrals": 633, "rereferrals": 46,
    "assessments_completed": 920, "assessments_open": 273, "assessments_45wd": 800, "s47": 436, "icpcs": 154, "icpc_15wd": 119,
    "cin_open": 1360, "cin_ceased": 485, "cp_open": 224, "cp_seen_alone": 152, "cp_started": 170, "cp_second": 32, "cp_ceased": 138,
    "cla_open": 666, "cla_12m": 560, "cla_health": 364, "cla_dental": 252, "cla_started": 73, "cla_ceased": 106,
    "leavers_17_18": 150, "leavers_17_18_eet": 87, "leavers_17_18_suitable": 144, "leavers_17_18_in_touch": 146,
    "leavers_19_21": 300, "leavers_19_21_eet": 162, "leavers_19_21_suitable": 279, "leavers_19_21_in_touch": 285,
    "leavers_older": 147,
}

HEADERS = {  # the 2024 layout's headers (the fake 2024 file's), the fields generate() fills
    1: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Date of Contact", "Contact Source"],
    2: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Assessment start date", "Assessment completion date",
        "Organisation completing assessment"],
    3: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Date of Referral", "Referral Source", "Referral NFA?",
        "Number of Referrals in Last 12 Months", "Allocated Team", "Allocated Worker"],
    4: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Does the Child have a Disability",
        "Continuous Assessment Start Date", "Child Seen During Continuous Assessment", "Continuous Assessment Date of Authorisation",
        "Was the child assessed as requiring LA children's social care support?", "Allocated Team", "Allocated Worker"],
    5: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Does the Child have a Disability",
        "Strategy discussion initiating Section 47 Enquiry Start Date", "Was an Initial Child Protection Conference deemed unnecessary?",
        "Date of Initial Child Protection Conference", "Did the Initial Child Protection Conference Result in a Child Protection Plan",
        "Number of Section 47 Enquiries in the last 12 months", "Number of ICPCs in the last 12 months", "Allocated Team", "Allocated Worker"],
    6: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Does the Child have a Disability", "CIN Start Date",
        "Primary Need Code", "Date Child Was Last Seen", "CIN Closure Date", "Reason for Closure", "Case Status", "Allocated Team",
        "Allocated Worker"],
    7: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Does the Child have a Disability",
        "Child Protection Plan Start Date", "Initial Category of Abuse", "Latest Category of Abuse", "Date of the Last Statutory Visit",
        "Was the Child Seen Alone?", "Date of latest review conference", "Child Protection Plan End Date",
        "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
        "Number of Previous Child Protection Plans", "Allocated Team", "Allocated Worker"],
    8: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N))",
        "Does the Child have a Disability", "Date Started to be Looked After", "Child's Category of Need",
        "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)",
        "Start date of current legal status", "Child's Legal Status", "Date of Latest Statutory Review", "Date of Last Social Work Visit",
        "What is the permanence plan for this child?", "Date of Last IRO Visit / Contact to the Child", "Date of Last Health Assessment",
        "Date of Last Dental Check", "Number of Placements in the Last 12 months", "Date Ceased to be Looked After",
        "Reason Ceased to be Looked After", "Start Date of Most Recent Placement", "Placement Type", "Placement Provider"],
    9: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age",
        "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)", "Does the Child have a Disability",
        "Allocated Team", "Allocated Worker", "Allocated Personal Advisor", "Eligibility Category", "Latest Pathway Plan Review Date",
        "LA in Touch", "Latest Date of Contact", "Type of Accommodation", "Suitability of Accommodation", "Activity Status"],
}
#: the 2021 layout differs in List 9 (no UASC, personal adviser, pathway plan or contact date columns) and "LA In Touch "
HEADERS_2021 = {**HEADERS, 9: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Does the Child have a Disability",
                               "Allocated Team", "Allocated Worker", "Eligibility Category", "LA In Touch ", "Type of Accommodation",
                               "Suitability of Accommodation", "Activity Status"]}
FIELD_HEADERS = {  # field -> header, per list (what generate() writes into each record)
    1: {"contact_date": "Date of Contact"}, 2: {"start": "Assessment start date", "end": "Assessment completion date"}, 3: {"referral_date": "Date of Referral", "referrals_12m": "Number of Referrals in Last 12 Months"},
    4: {"start": "Continuous Assessment Start Date", "child_seen": "Child Seen During Continuous Assessment",
        "authorised": "Continuous Assessment Date of Authorisation"},
    5: {"strategy_date": "Strategy discussion initiating Section 47 Enquiry Start Date", "icpc_date": "Date of Initial Child Protection Conference",
        "icpc_unnecessary": "Was an Initial Child Protection Conference deemed unnecessary?"},
    6: {"start": "CIN Start Date", "end": "CIN Closure Date"},
    7: {"start": "Child Protection Plan Start Date", "seen_alone": "Was the Child Seen Alone?", "end": "Child Protection Plan End Date",
        "previous_plans": "Number of Previous Child Protection Plans"},
    8: {"start": "Date Started to be Looked After", "health": "Date of Last Health Assessment", "dental": "Date of Last Dental Check",
        "end": "Date Ceased to be Looked After"},
    9: {"in_touch": "LA in Touch", "accommodation": "Suitability of Accommodation", "activity": "Activity Status"},
}
DATE_FIELDS = {"contact_date", "referral_date", "start", "authorised", "strategy_date", "icpc_date", "end", "health", "dental",
               "date_of_birth"}


def _bank_holidays(years) -> set[dt.date]:
    return set(holidays.country_holidays("GB", subdiv="ENG", years=list(years)))


class Generated(NamedTuple):
    """What generate() wrote: per list, one dict per record (field -> plain value; ``row`` its workbook row)."""

    path: Path
    as_at: dt.date
    months: int
    lists: dict[int, list[dict]]


class _Maker:
    def __init__(self, spec: dict, seed: int):
        self.spec = spec
        self.rng = random.Random(seed)
        self.as_at = spec["as_at"]
        self.start = add_months(self.as_at + dt.timedelta(days=1), -spec["months"])
        self.closed = _bank_holidays(range(self.as_at.year - 3, self.as_at.year + 1))
        self.next_id = 20_000_000 + seed % 1000 * 100_000  # eight digits, as councils' IDs often are
        self.lists: dict[int, list[dict]] = {n: [] for n in HEADERS}

    def child(self) -> str:
        self.next_id += self.rng.randint(1, 7)
        return str(self.next_id)

    def day_in(self, first: dt.date, last: dt.date) -> dt.date:
        return first + dt.timedelta(days=self.rng.randint(0, (last - first).days))

    def in_window(self) -> dt.date:
        return self.day_in(self.start, self.as_at)

    def working_days_after(self, start: dt.date, count: int) -> dt.date:
        """The day ``count`` working days after ``start`` (the day after start is the first counted)."""
        day = start
        while count:
            day += dt.timedelta(days=1)
            if day.weekday() < 5 and day not in self.closed:
                count -= 1
        return day

    def timed(self, within: bool, limit: int, last: dt.date, first: dt.date | None = None) -> tuple[dt.date, dt.date]:
        """A (start, end) pair ``limit`` or fewer working days apart (or more), the end in the window by ``last``
        and the start from ``first`` (default: 90 days before the window)."""
        for _ in range(1000):
            days = self.rng.randint(max(1, limit - 20), limit) if within else self.rng.randint(limit + 1, limit + 40)
            begin = self.day_in(first or self.start - dt.timedelta(days=90), last)
            end = self.working_days_after(begin, days)
            if self.start <= end <= last:
                return begin, end
        raise SystemExit("cannot place a record in the window")

    def record(self, number: int, **fields) -> dict:
        child = fields.pop("child_id", None)
        record = {"child_id": self.child() if child is None else child or None, **fields}
        if "date_of_birth" not in record:
            record["date_of_birth"] = self.day_in(self.as_at - dt.timedelta(days=17 * 365), self.as_at - dt.timedelta(days=30))
        self.lists[number].append(record)
        return record

    def yes(self, value: bool) -> str:
        return self.rng.choice(["a) Yes", "Yes"]) if value else self.rng.choice(["b) No", "No"])

    def make(self) -> dict[int, list[dict]]:
        s, a, w0 = self.spec, self.as_at, self.start
        # List 1: contacts in the window (the first and last days included) and some just before it
        for i in range(s["contacts"]):
            self.record(1, contact_date=w0 if i == 0 else a if i == 1 else self.in_window())
        for _ in range(max(5, s["contacts"] // 20)):
            self.record(1, contact_date=self.day_in(w0 - dt.timedelta(days=40), w0 - dt.timedelta(days=1)))
        # List 3: referrals; re-referrals have an earlier referral within 12 months, mostly before the window
        firsts = s["referrals"] - s["rereferrals"]
        inside_pairs = min(6, s["rereferrals"] // 4)
        for i in range(s["rereferrals"]):
            child = self.child()
            later = self.day_in(w0 + dt.timedelta(days=40), a) if i < inside_pairs else self.in_window()
            if i < inside_pairs:  # both referrals in the window: the earlier is a first referral
                earlier = self.day_in(w0, later - dt.timedelta(days=1))
                firsts -= 1
            else:  # the earlier referral across the window's start, within 12 months
                earlier = self.day_in(max(add_months(later, -12), w0 - dt.timedelta(days=300)), w0 - dt.timedelta(days=1))
            self.record(3, child_id=child, referral_date=earlier, referrals_12m=1)
            self.record(3, child_id=child, referral_date=later, referrals_12m=2 if i % 3 else None)
        for i in range(firsts):
            child, day = self.child(), self.in_window()
            self.record(3, child_id=child, referral_date=day, referrals_12m=self.rng.choice([1, 1, 1, None]))
            if i < max(3, s["referrals"] // 40):  # a previous referral more than 12 months before: not a re-referral
                self.record(3, child_id=child, referral_date=add_months(day, -13), referrals_12m=1)
        # List 4: assessments completed in the window (some within 45 working days across bank holidays), open ones, older ones
        for i in range(s["assessments_completed"]):
            begin, end = self.timed(i < s["assessments_45wd"], 45, a)
            if i == 0:  # exactly 45 working days over Easter 2026
                begin, end = dt.date(2026, 3, 20), self.working_days_after(dt.date(2026, 3, 20), 45)
            self.record(4, start=begin, authorised=end, child_seen=self.yes(self.rng.random() < 0.95))
        for _ in range(s["assessments_open"]):
            self.record(4, start=self.day_in(a - dt.timedelta(days=80), a), authorised=None, child_seen=None)
        for _ in range(20):  # completed before the window
            begin = self.day_in(w0 - dt.timedelta(days=120), w0 - dt.timedelta(days=60))
            self.record(4, start=begin, authorised=self.working_days_after(begin, 30), child_seen="a) Yes")
        # List 5: section 47 enquiries in the window; ICPCs from them, some within 15 working days
        icpc = 0
        for i in range(s["s47"]):
            if icpc < s["icpcs"]:  # the strategy discussion and the conference both in the window
                begin, end = self.timed(icpc < s["icpc_15wd"], 15, a, first=w0)
                self.record(5, strategy_date=begin, icpc_date=end, icpc_unnecessary="b) No")
                icpc += 1
            else:
                self.record(5, strategy_date=self.in_window(), icpc_date=None, icpc_unnecessary=self.yes(True))
        # List 6: children in need open at the as-at date (three episodes end on it: still open), and ceased in the window
        for i in range(s["cin_open"]):
            self.record(6, start=self.day_in(a - dt.timedelta(days=900), a), end=a if i < 3 else None)
        for _ in range(s["cin_ceased"]):
            begin = self.day_in(w0 - dt.timedelta(days=400), a - dt.timedelta(days=2))
            self.record(6, start=begin, end=self.day_in(max(begin, w0), a - dt.timedelta(days=1)))
        # List 7: CP plans open at the as-at date, started in the window, ended in the window
        started_open = min(74, s["cp_open"], s["cp_started"])
        second = 0
        for i in range(s["cp_open"]):
            inside = i < started_open
            begin = self.in_window() if inside else self.day_in(w0 - dt.timedelta(days=700), w0 - dt.timedelta(days=1))
            previous = 1 if inside and second < s["cp_second"] and self.rng.random() < 0.5 else 0
            second += previous if inside else 0
            self.record(7, start=begin, end=None, seen_alone=self.yes(i < s["cp_seen_alone"]), previous_plans=previous)
        started_closed = s["cp_started"] - started_open
        for i in range(s["cp_ceased"]):
            inside = i < started_closed
            begin = self.day_in(w0, a - dt.timedelta(days=10)) if inside else \
                self.day_in(w0 - dt.timedelta(days=s.get("cp_ceased_longest", 500)), w0 - dt.timedelta(days=1))  # the paper: none after 2 years
            previous = 0
            if inside and second < s["cp_second"]:
                previous, second = 1 + (i % 4 == 0), second + 1
            self.record(7, start=begin, end=self.day_in(max(begin + dt.timedelta(days=1), w0), a - dt.timedelta(days=1)),
                        seen_alone=self.yes(False), previous_plans=previous)
        if second < s["cp_second"]:
            raise SystemExit("cannot place the second or subsequent plans: raise cp_started or cp_ceased")
        # List 8: looked after at the as-at date (a year or more, with or without their checks), started and ceased in the window
        year_ago = add_months(a, -12)
        for i in range(s["cla_open"]):
            long_term = i < s["cla_12m"]
            begin = self.day_in(a - dt.timedelta(days=3000), year_ago) if long_term else self.day_in(year_ago + dt.timedelta(days=1), a)
            health = self.day_in(year_ago + dt.timedelta(days=1), a) if long_term and i < s["cla_health"] else \
                self.day_in(year_ago - dt.timedelta(days=200), year_ago)
            dental = self.day_in(year_ago + dt.timedelta(days=1), a) if long_term and i < s["cla_dental"] else \
                ("#N/A" if i % 17 == 0 else self.day_in(year_ago - dt.timedelta(days=300), year_ago))
            self.record(8, start=begin, health=health, dental=dental, end=a if i == s["cla_12m"] - 1 else None)
        for _ in range(s["cla_ceased"]):
            begin = self.day_in(a - dt.timedelta(days=2000), w0)
            self.record(8, start=begin, health=None, dental=None, end=self.day_in(w0, a - dt.timedelta(days=1)))
        # List 9: care leavers by age at the as-at date
        for band, (low, high) in (("17_18", (17, 18)), ("19_21", (19, 21)), ("older", (22, 24))):
            total = s[f"leavers_{band}"]
            for i in range(total):
                age = low + i % (high - low + 1)
                born = add_months(a, -12 * age - self.rng.randint(1, 11))
                if band == "older":
                    self.record(9, date_of_birth=born, in_touch="a) Yes", accommodation="a) Suitable", activity="F4: Full time training or employment")
                    continue
                eet = i < s[f"leavers_{band}_eet"]
                self.record(9, date_of_birth=born, in_touch=self.yes(i < s[f"leavers_{band}_in_touch"]),
                            accommodation="a) Suitable" if i < s[f"leavers_{band}_suitable"] else "b) Unsuitable",
                            activity=self.rng.choice(["F1: Full time in higher education", "F2: Full time in education other than higher",
                                                      "P4: Part time training or employment"]) if eet
                            else self.rng.choice(["G5: Not in education, employment or training - other", "G4: NEET - illness or disability"]))
        self.problems()
        for records in self.lists.values():
            self.rng.shuffle(records)
        return self.lists

    def problems(self) -> None:
        """Records the data-quality check must name, placed where no measure counts them."""
        w0, a = self.start, self.as_at
        early = self.day_in(w0, a - dt.timedelta(days=20))
        for _ in range(3):  # List 2, early help, which no measure reads: one completed before it started
            begin = self.in_window()
            self.record(2, start=begin, end=begin + dt.timedelta(days=self.rng.randint(5, 40)) if begin < a - dt.timedelta(days=40) else None)
        self.record(2, start=early, end=early - dt.timedelta(days=3))
        before = self.record(1, contact_date=w0 - dt.timedelta(days=3))  # a contact before the window, entered twice
        self.record(1, child_id=before["child_id"], contact_date=before["contact_date"], date_of_birth=before["date_of_birth"])
        self.record(1, contact_date=a + dt.timedelta(days=5))  # a contact dated after the as-at date
        self.record(9, child_id="", date_of_birth=add_months(a, -12 * 23), in_touch="a) Yes", accommodation="a) Suitable",
                    activity="F4: Full time training or employment")  # a care leaver aged 23 with no child ID
        self.record(9, date_of_birth=add_months(a, -12 * 22 - 2), in_touch="Maybe", accommodation="a) Suitable",
                    activity="F4: Full time training or employment")  # an answer the list does not use


def generate(path: Path, spec: dict | None = None, seed: int = 1, layout: str = "2024", text_dates: bool = True) -> Generated:
    """Write an Annex A workbook with the figures of ``spec`` (default :data:`PAPER`) and return its records."""
    spec = {**PAPER, **(spec or {})}
    maker = _Maker(spec, seed)
    lists = maker.make()
    headers = HEADERS if layout == "2024" else HEADERS_2021
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path))
    book.set_properties({"title": "Annex A data lists (synthetic)", "author": "scorecard", "created": FIXED_TIME})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    rng = random.Random(seed * 7 + 1)
    for number, names in headers.items():
        sheet = book.add_worksheet(f"List {number}")
        for col, name in enumerate(names):
            sheet.write_string(0, col, name)
        by_header = {FIELD_HEADERS[number][f].strip(): f for f in FIELD_HEADERS[number]}
        for row, record in enumerate(lists[number], 1):
            record["row"] = row + 1
            for col, name in enumerate(names):
                key = name.strip()
                fieldname = "child_id" if name == "Child Unique ID" else "date_of_birth" if name == "Date of Birth" else by_header.get(key)
                if key == "LA In Touch":
                    fieldname = "in_touch"
                value = record.get(fieldname) if fieldname else None
                if fieldname is None:
                    filler = {"Gender": rng.choice(["a) Male", "b) Female", "Male"]), "Ethnicity": rng.choice(["a) WBRI", "WBRI", "c) WOTH"]),
                              "Allocated Worker": f"Worker\u00a0{rng.randint(1, 40)}", "Allocated Team": f"Team {rng.randint(1, 8)}"}
                    if key in filler:
                        sheet.write_string(row, col, filler[key])
                    continue
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    style = rng.random() if text_dates else 0.0
                    if style < 0.05:  # a date typed as text
                        sheet.write_string(row, col, value.strftime("%d/%m/%Y"))
                    elif style < 0.08:  # a formula's result with no date format: an Excel serial number
                        sheet.write_formula(row, col, f"={(value - dt.date(1899, 12, 30)).days}", None, (value - dt.date(1899, 12, 30)).days)
                    else:
                        sheet.write_datetime(row, col, dt.datetime(value.year, value.month, value.day), date_format)
                elif fieldname == "child_id":
                    sheet.write_number(row, col, int(value))
                elif isinstance(value, (int, float)):
                    sheet.write_number(row, col, value)
                else:
                    sheet.write_string(row, col, str(value))
    book.close()
    return Generated(path=path, as_at=spec["as_at"], months=spec["months"], lists=lists)


def main() -> None:
    generated = generate(SAMPLE)
    print(f"Annex A written to {generated.path.relative_to(ROOT)}: "
          + ", ".join(f"List {n} {len(r)}" for n, r in generated.lists.items()))


if __name__ == "__main__":
    main()
