"""Write the bundled sample inputs in ``inputs/sample/`` (deterministic: same bytes every run).

* ``chat/`` — a ChAT export carrying the real figures printed in the committee paper
  (ChAT dated 18 June 2026: headline figures, the 23-row comparison table, placements,
  missing, care leavers by age band, adoption). The file layout is modelled by this project.
* ``dfe/`` — DfE open-data CSVs in the real format (BOM, symbols, duplicate England rows).
  LA, SN and England figures are those the paper prints where it prints them; the ten
  per-neighbour values are synthetic, chosen so that their mean is the printed SN figure.
  Where the paper prints nothing the figures are synthetic.
* ``local/`` — local operational tables. Baselines the paper prints are used (attendance
  84.8%, INMSS 9.1%, EHCP 20-week 20%, EaH 3,297); everything else is synthetic.
* ``MANIFEST.yaml`` — one entry per file: what it is and whether it is sample data.

Run: ``python scripts/make_sample_inputs.py``; the files it writes are committed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import random
import statistics
from pathlib import Path

import xlsxwriter

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "inputs" / "sample"
FIXED_TIME = dt.datetime(2026, 6, 18, 9, 0, 0)

LA = ("893", "Shropshire", "E06000051", "E12000005", "West Midlands")
NEIGHBOURS = [  # closest first, as in the published statistical-neighbour table
    ("815", "North Yorkshire", "E06000065", "E12000002", "Yorkshire and The Humber"),
    ("933", "Somerset", "E06000066", "E12000009", "South West"),
    ("860", "Staffordshire", "E10000028", "E12000005", "West Midlands"),
    ("811", "East Riding of Yorkshire", "E06000011", "E12000002", "Yorkshire and The Humber"),
    ("838", "Dorset", "E06000059", "E12000009", "South West"),
    ("884", "Herefordshire, County of", "E06000019", "E12000005", "West Midlands"),
    ("830", "Derbyshire", "E10000007", "E12000004", "East Midlands"),
    ("885", "Worcestershire", "E10000034", "E12000005", "West Midlands"),
    ("943", "Westmorland and Furness", "E06000064", "E12000002", "North West"),
    ("916", "Gloucestershire", "E10000013", "E12000009", "South West"),
]
# Offsets around the SN mean; they sum to 0, and to 0 without Herefordshire (index 5),
# so the mean is the printed figure whether or not Herefordshire is suppressed.
WIDE = [-6, 4, -2, 5, -3, 0, 2, -4, 3, 1]
NARROW = [-2, 1, -1, 2, -1, 0, 1, -1, 1, 0]
GEO = ["time_period", "time_identifier", "geographic_level", "country_code", "country_name",
       "region_code", "region_name", "old_la_code", "la_name", "new_la_code"]


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _geo(period: str, identifier: str, area) -> list[str]:
    if area == "England":
        return [period, identifier, "National", "E92000001", "England", "", "", "", "", ""]
    old, name, new, region_code, region = area
    return [period, identifier, "Local authority", "E92000001", "England", region_code, region, old, name, new]


def _neighbour_values(mean: float, spread: float, pattern=WIDE) -> list[float]:
    return [round(mean + spread * o, 1) for o in pattern]


def _write_csv(path: Path, header: list[str], rows: list[list[str]], *, bom: bool = False) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8"))


def dfe_rows(periods: dict[str, dict], identifier: str, filters: list[str], value_of, *,
             suppress: set[str] = frozenset(), pattern=WIDE, duplicate_england: bool = False) -> list[list[str]]:
    """Rows for England, the LA and its neighbours for each period and filter value."""
    rows = []
    for period, spec in periods.items():
        for key in filters:
            la, sn, eng, spread = spec[key]
            areas = [("England", eng), (LA, la)] + list(zip(NEIGHBOURS, _neighbour_values(sn, spread, pattern)))
            for area, value in areas:
                suppressed = area != "England" and area[1] in suppress and key in spec.get("_suppress", [key])
                row = _geo(period, identifier, area) + value_of(key, value, suppressed)
                rows.append(row)
                if duplicate_england and area == "England":
                    rows.append(list(row))  # real DfE files repeat England rows
    return rows


def make_dfe(out: Path) -> None:
    # EYFS profile: good level of development (synthetic).
    gld = {"202324": {"All pupils": (66.2, 68.4, 67.7, 0.5)}, "202425": {"All pupils": (67.1, 69.0, 68.3, 0.5)}}
    _write_csv(out / "dfe" / "eyfsp_good_level_of_development.csv", GEO + ["characteristic", "gld_percentage"],
               dfe_rows(gld, "Academic year", ["All pupils"], lambda g, v, s: [g, _num(v)]))

    # Attendance by SEN status (synthetic).
    att = {"202324": {"EHC plan": (84.1, 87.2, 87.0, 0.4), "SEN support": (89.6, 90.9, 90.8, 0.3)},
           "202425": {"EHC plan": (84.8, 87.9, 87.6, 0.4), "SEN support": (90.2, 91.3, 91.1, 0.3)}}
    _write_csv(out / "dfe" / "pupil_attendance_send.csv", GEO + ["sen_status", "attendance_percentage"],
               dfe_rows(att, "Academic year", ["EHC plan", "SEN support"], lambda g, v, s: [g, _num(v)]))


# DfE's per-LA published measures (mappings/published.yaml) for every LA, so benchmarks, quartiles and
# `scorecard reconcile` run on the sample: (LA, SN mean, England, ChAT's printed mid-50% position,
# neighbour offsets, spread). 2025 is the paper's comparison table (2024-25) where it prints the row.
PUBLISHED_SAMPLE = {
    "2025": {
        "cla_rate_per_10k": (119, 68, 67, "Higher", WIDE, 3),
        "cla_missing_pct": (6, 9, 11, "Lower", NARROW, 1),
        "cla_away_pct": (0, 1, 3, "In range", NARROW, 0.5),
        "cla_health_assessment_pct": (81, 89, 90, "Lower", WIDE, 1),
        "cla_dental_check_pct": (65, 80, 81, "Lower", WIDE, 2),
        "cla_ceased_adopted_pct": (9, 12, 9, "In range", NARROW, 2),
        "cla_ceased_sgo_pct": (11, 13, 12, "In range", NARROW, 2),
        "care_leavers_17_18_eet_pct": (62, 64, 65, "In range", WIDE, 2),
        "care_leavers_19_21_eet_pct": (50, 59, 54, "In range", WIDE, 2),
        "care_leavers_19_21_suitable_accommodation_pct": (92, 93, 89, "In range", NARROW, 2),
        "care_leavers_19_21_in_touch_pct": (93, 92, 93, "In range", NARROW, 2),
        "cla_3plus_placements_pct": (11, 10, 10, "In range", NARROW, 1),
        # children in need (seed 002 prints the child-based re-referrals and second plans: 13, 18, 21 and 21, 27, 25)
        "cin_rereferral_pct": (14, 19, 23, "Lower", WIDE, 1),
        "cin_rereferral_child_pct": (13, 18, 21, "Lower", WIDE, 1),
        "cp_second_subsequent_pct": (21, 27, 25, "In range", WIDE, 1),
        "cp_open_2yrs_plus_pct": (2, 3, 2, "In range", NARROW, 0.5),
        # outcomes (academic year 2024/25), EHC plans (calendar year 2024), workforce (30 September 2025): synthetic
        "ks4_att8_cla": (20.4, 20.1, 19.4, "In range", NARROW, 0.3),
        "cla_absence_pct": (11, 12, 12, "In range", NARROW, 0.5),
        "cla_school_moves_pct": (10, 11, 12, "In range", NARROW, 1),
        "ehcp_20wk_excl_exceptions_pct": (20, 51, 46, "Lower", WIDE, 3),
        "ehcp_20wk_incl_exceptions_pct": (18, 48, 45, "Lower", WIDE, 3),
        "sw_turnover_pct": (15, 16, 15, "In range", WIDE, 1),
        "sw_agency_pct": (18, 14, 16, "In range", WIDE, 1),
        "sw_vacancy_pct": (17, 19, 18, "In range", WIDE, 1),
        "sw_caseload": (16, 17, 16, "In range", NARROW, 1),
    },
    "2024": {
        "cla_rate_per_10k": (121, 66, 70, "Higher", WIDE, 3),
        "cla_missing_pct": (7, 10, 11, "Lower", NARROW, 1),
        "cla_away_pct": (1, 1, 3, "In range", NARROW, 0.5),
        "cla_health_assessment_pct": (84, 90, 90, "Lower", WIDE, 1),
        "cla_dental_check_pct": (70, 79, 80, "Lower", WIDE, 2),
        "cla_ceased_adopted_pct": (10, 12, 10, "In range", NARROW, 2),
        "cla_ceased_sgo_pct": (12, 13, 12, "In range", NARROW, 2),
        "care_leavers_17_18_eet_pct": (60, 63, 64, "In range", WIDE, 2),
        "care_leavers_19_21_eet_pct": (51, 57, 55, "In range", WIDE, 2),
        "care_leavers_19_21_suitable_accommodation_pct": (90, 92, 88, "In range", NARROW, 2),
        "care_leavers_19_21_in_touch_pct": (94, 93, 93, "In range", NARROW, 2),
        "cla_3plus_placements_pct": (10, 10, 10, "In range", NARROW, 1),
        "cin_rereferral_pct": (16, 20, 23, "Lower", WIDE, 1),
        "cin_rereferral_child_pct": (15, 19, 22, "Lower", WIDE, 1),
        "cp_second_subsequent_pct": (22, 26, 24, "In range", WIDE, 1),
        "cp_open_2yrs_plus_pct": (3, 3, 2, "In range", NARROW, 0.5),
        "ks4_att8_cla": (18.7, 19.8, 19.1, "In range", NARROW, 0.3),
        "cla_absence_pct": (12, 12, 12, "In range", NARROW, 0.5),
        "cla_school_moves_pct": (11, 11, 12, "In range", NARROW, 1),
        "ehcp_20wk_excl_exceptions_pct": (24, 50, 50, "Lower", WIDE, 3),
        "ehcp_20wk_incl_exceptions_pct": (22, 47, 48, "Lower", WIDE, 3),
        "sw_turnover_pct": (17, 16, 16, "In range", WIDE, 1),
        "sw_agency_pct": (20, 15, 17, "In range", WIDE, 1),
        "sw_vacancy_pct": (19, 20, 20, "In range", WIDE, 1),
        "sw_caseload": (17, 17, 16, "In range", NARROW, 1),
    },
}
SUPPRESSED = {("cla_away_pct", "E06000019"), ("cp_second_subsequent_pct", "E06000019"), ("cla_away_pct", "E06000053"), ("cla_3plus_placements_pct", "E06000053")}  # 'c'
LOCAL_RETURNS = {"cla_dental_check_pct": 66, "care_leavers_19_21_eet_pct": 50.4}  # differ from published, to show the statuses


def _quartile_position(value: float, values: list[float]) -> str:
    """ChAT's position against the middle 50% of LAs, with the percentiles benchmark() uses (linear, i.e. inclusive)."""
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return "Lower" if value < q1 else "Higher" if value > q3 else "In range"


def _other_las(measure_id: str, period: str, spec, n: int, fixed: list[float]) -> list[float]:
    """Synthetic whole-number values for the LAs other than Shropshire and its neighbours, spread around England
    so that Shropshire's position among all LAs is the one ChAT prints."""
    la, _sn, eng, position, _pattern, _spread = spec
    rng = random.Random(f"{measure_id}:{period}")
    z = [(i + 0.5) / n for i in range(n)]
    z = [math.copysign(math.sqrt(-2 * math.log(min(p, 1 - p))) - 0.8, p - 0.5) if abs(p - 0.5) > 0.02 else 0.0 for p in z]
    rng.shuffle(z)
    gap = max(abs(la - eng), 1)
    for k in (0.8, 1.0, 1.5, 2, 3, 4, 6) if position != "In range" else (1.5, 2, 3, 4, 6, 8):
        scale = gap / k if position != "In range" else gap * k / 2
        values = [min(100.0, max(0.0, round(eng + scale * v))) if "pct" in measure_id else max(1.0, round(eng + scale * v)) for v in z]
        if _quartile_position(la, values + fixed) == position:
            return values
    raise SystemExit(f"cannot place {measure_id} {period} at '{position}'")


#: the DfE time_period a measure's figures for a reporting year are published under, and its time_identifier
ACADEMIC = {"ks4_att8_cla", "cla_absence_pct"}  # academic years: 2025 -> 202425
CALENDAR = {"ehcp_20wk_excl_exceptions_pct", "ehcp_20wk_incl_exceptions_pct"}  # calendar years: 2025 -> 2024
VERSIONS = {"ks4_la.csv": {"202324": "Final", "202425": "Revised"}}  # files with DfE's version column


def sample_period(measure_id: str, year: str) -> tuple[str, str]:
    """The ``time_period`` and ``time_identifier`` of reporting year ``year`` in the measure's file."""
    if measure_id in ACADEMIC:
        return f"{int(year) - 1}{year[2:]}", "Academic year"
    if measure_id in CALENDAR:
        return str(int(year) - 1), "Calendar year"
    return year, "Reporting year"


def sample_file_name(pattern: str) -> str:
    """The sample's name for a file DfE names with the years it covers (``*`` in published.yaml)."""
    return pattern.replace("*", "2024_to_2025")


def make_published(out: Path) -> None:
    """The DfE files of mappings/published.yaml for every LA, in the real files' shape (BOM and headers as DfE has them).

    Measures that share a file and its filters (the referrals file's two re-referral percentages, the
    workforce file's four indicators) share its rows, one column each, as DfE's files have them."""
    import yaml

    measures = yaml.safe_load((ROOT / "mappings" / "published.yaml").read_text(encoding="utf-8"))["measures"]
    with (ROOT / "mappings" / "local_authorities.csv").open(encoding="utf-8", newline="") as handle:
        las = [(r["old_la_code"], r["la_name"], r["la_code"], r["region_code"], r["region_name"]) for r in csv.DictReader(handle)]
    fixed_codes = {LA[2]} | {n[2] for n in NEIGHBOURS}
    others = [a for a in las if a[2] not in fixed_codes]
    regions = sorted({(a[3], a[4]) for a in las})
    # file -> (filter columns, value columns, {(period, identifier, area key, filter values): {column: cell}})
    files: dict[str, tuple[list[str], list[str], dict]] = {}
    returns = []
    for measure_id, m in measures.items():
        if measure_id not in PUBLISHED_SAMPLE["2025"]:
            raise SystemExit(f"no sample figures for {measure_id}: add it to PUBLISHED_SAMPLE")
        layout = m["layouts"][-1] if "layouts" in m else m  # the oldest release's layout: the sample is the 2024 release's shape
        filters = list(layout["filters"].items())
        column = layout["column"]
        if column == "rate_per_10000":
            tail = ["population_estimate", "number", "rate_per_10000"]
        elif column == "percentage":
            tail = ["number", "percentage"]
        else:
            tail = [column]
        name = sample_file_name(m["file"])
        keys_of, columns, rows = files.setdefault(name, ([("CLA_group" if k == "cla_group" and column == "number" else k)
                                                          for k, _ in filters], [], {}))
        columns.extend(c for c in tail if c not in columns)
        for year in ("2024", "2025"):
            period, identifier = sample_period(measure_id, year)
            spec = PUBLISHED_SAMPLE[year][measure_id]
            la, sn, eng, _position, pattern, spread = spec
            neighbours = _neighbour_values(sn, spread, pattern)
            values = {LA[2]: la, **{n[2]: v for n, v in zip(NEIGHBOURS, neighbours)}}
            fixed = [la] + [v for n, v in zip(NEIGHBOURS, neighbours) if (measure_id, n[2]) not in SUPPRESSED]
            values.update(zip([a[2] for a in others], _other_las(measure_id, year, spec, len(others), fixed)))

            def cells(value, cohort: int, suppressed: bool = False) -> list[str]:
                if suppressed:
                    return ["c"] * len(tail) if column != "rate_per_10000" else [str(cohort), "c", "c"]
                if column == "rate_per_10000":
                    return [str(cohort * 100), str(round(value * cohort / 100)), _num(value)]
                if column == "percentage":
                    return [str(round(value * cohort / 100)), _num(value)]
                return [_num(value)]

            def put(area: tuple, value, cohort: int, suppressed: bool = False, repeat: int = 1) -> None:
                for copy in range(repeat):
                    cell = rows.setdefault((period, identifier, area, tuple(v for _, v in filters), copy), {})
                    cell.update(zip(tail, cells(value, cohort, suppressed)))

            national = ("National", "E92000001", "England", "", "", "", "", "")
            put(national, eng, 60_000 if column != "percentage" else 80_000, repeat=2 if name.startswith("cla_number") else 1)
            for code, region_name in regions:
                members = [values[a[2]] for a in las if a[3] == code]
                put(("Regional", "E92000001", "England", code, region_name, "", "", ""), round(sum(members) / len(members)), 5_000)
            cohort = random.Random(f"cohort:{measure_id}")
            for area in las:
                size = cohort.randint(60, 900)
                put(("Local authority", "E92000001", "England", area[3], area[4], area[0], area[1], area[2]),
                    values[area[2]], size, (measure_id, area[2]) in SUPPRESSED)
            if year == "2025":
                returns.append([measure_id, period, _num(LOCAL_RETURNS.get(measure_id, la))])
    for name, (keys, columns, rows) in files.items():
        versions = VERSIONS.get(name)
        header = GEO + keys + (["version"] if versions else []) + columns
        body = [[period, identifier, *area, *filter_values, *([versions[period]] if versions else []),
                 *(cell.get(c, "x") for c in columns)]
                for (period, identifier, area, filter_values, _copy), cell in rows.items()]
        _write_csv(out / "dfe" / name, header, body, bom=name.startswith(("cla_number", "la_children_who_were", "la_cla_placement", "ks4_la")))
    _write_csv(out / "local" / "dfe_returns.csv", ["measure_id", "period", "value"], returns)


LAIT_INDICATORS = [  # sheet, title, source note, years, (LA, SN average, England) for the latest year
    ("SEND 16-17 EET", "Percentage of 16-17 year olds with an EHC plan in education, employment or training",
     "Source: DfE, NEET and participation: local authority figures (synthetic sample)",
     ["2019", "2020", "2021", "2022", "2023", "2024"], (61.9, 63.1, 64.5)),
    ("SEND absence", "Overall absence rate of pupils with an EHC plan (%)",
     "Source: DfE, Pupil absence in schools in England (synthetic sample)",
     ["2018/19", "2019/20", "2020/21", "2021/22", "2022/23", "2023/24"], (12.6, 12.1, 12.4)),
]


def make_lait(out: Path) -> None:
    """A LAIT download in the shape DfE's tool gives: one indicator per sheet, areas in rows, years in columns."""
    with (ROOT / "mappings" / "local_authorities.csv").open(encoding="utf-8", newline="") as handle:
        las = [(r["old_la_code"], r["la_name"], r["region_name"]) for r in csv.DictReader(handle)]
    path = out / "lait" / "LAIT_download_Shropshire_2026-05-12.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    workbook.set_properties({"created": FIXED_TIME})
    bold = workbook.add_format({"bold": True})
    contents = workbook.add_worksheet("Contents")
    contents.write(0, 0, "Local Authority Interactive Tool (LAIT): download for Shropshire", bold)
    for i, (sheet, title, *_rest) in enumerate(LAIT_INDICATORS, 2):
        contents.write(i, 0, sheet)
        contents.write(i, 1, title)
    regions = sorted({la[2] for la in las})
    for sheet_name, title, source, years, (la_latest, sn_latest, eng_latest) in LAIT_INDICATORS:
        rng = random.Random(sheet_name)
        sheet = workbook.add_worksheet(sheet_name)
        sheet.write(0, 0, title, bold)
        sheet.write(1, 0, source)
        sheet.write(2, 0, "c = suppressed to protect confidentiality; x = not available")
        header = ["LA number", "LA name", "Region"] + years
        sheet.write_row(4, 0, header, bold)

        def series(latest: float) -> list[float]:  # a gentle trend ending at the latest figure
            return [round(latest - 0.4 * (len(years) - 1 - i) + rng.uniform(-0.3, 0.3), 1) for i in range(len(years) - 1)] + [latest]

        rows = [(None, "England", None, series(eng_latest)), (None, "Statistical neighbours", None, series(sn_latest))]
        rows += [(None, region, None, series(round(eng_latest + rng.uniform(-2, 2), 1))) for region in regions]
        for old, name, region in las:
            values = series(la_latest) if old == LA[0] else series(round(eng_latest + rng.gauss(0, 3), 1))
            if old == "884":  # Herefordshire: small cohort, suppressed in the latest year
                values[-1] = "c"
            rows.append((int(old), name, region, values))
        for r, (code, name, region, values) in enumerate(rows, 5):
            if code is not None:
                sheet.write_number(r, 0, code)
            sheet.write(r, 1, name)
            if region:
                sheet.write(r, 2, region)
            for c, value in enumerate(values, 3):
                sheet.write(r, c, value)
        sheet.set_column(1, 2, 28)
    workbook.close()


LOCAL = {  # measure: [(period, value, note)], oldest first
    "you_said_we_did_count": [("2025-26 Q4", 9, ""), ("2026-27 Q1", 12, "")],
    "send_eet_pct": [("2025-26 Q4", 61.5, ""), ("2026-27 Q1", 62.8, "")],
    "attendance_ehcp_pct": [("2024-25", 84.1, ""), ("2025-26", 84.8, "baseline printed in the Local SEND Reform Plan")],
    "eyfs_gld_pct": [("2024-25", 66.1, ""), ("2025-26", 67.4, "")],
    "mainstream_topups_count": [("2025-26 Q4", 1180, ""), ("2026-27 Q1", 1236, "")],
    "wellbeing_improved_pct": [("2025-26 Q4", 71, ""), ("2026-27 Q1", 74, "")],
    "ep_slt_ot_without_plan_count": [("2024-25", 3050, ""), ("2025-26", 3297, "baseline printed in the Local SEND Reform Plan: SLT 1914, OT 338, EP 1045")],
    "bsil_reach_count": [("2025-26 Q4", 412, ""), ("2026-27 Q1", 455, "")],
    "inmss_pct_of_ehcp": [("2025-26", 9.1, "baseline printed in the Local SEND Reform Plan"), ("2026-27 Q1", 9.3, "")],
    "ehcp_20_week_pct": [("2025-26", 20, "baseline printed in the Local SEND Reform Plan"), ("2026-27 Q1", 38, "")],
    "annual_review_timely_pct": [("2025-26 Q4", 48, ""), ("2026-27 Q1", 52, "")],
    "travel_over_60_min_pct": [("2025-26 Q4", 14.2, ""), ("2026-27 Q1", 13.1, "")],
    # Local SEND Reform Plan success measures: baseline as printed, latest synthetic
    "attendance_sen_support_pct": [("2025-26", 90.2, "baseline printed in the Local SEND Reform Plan"), ("2026-27 Q1", 90.6, "")],
    "ehe_ehcp_count": [("2025-26", 53, "baseline printed in the Local SEND Reform Plan"), ("2026-27 Q1", 58, "")],
    "ehe_sen_support_count": [("2025-26", 100, "baseline printed in the Local SEND Reform Plan"), ("2026-27 Q1", 104, "")],
    "eaho_slt_count": [("2025-26", 1914, "baseline printed in the Local SEND Reform Plan"), ("2026-27 Q1", 1990, "")],
    "eaho_ot_count": [("2025-26", 338, "baseline printed in the Local SEND Reform Plan"), ("2026-27 Q1", 351, "")],
    "eaho_ep_count": [("2025-26", 1045, "baseline printed in the Local SEND Reform Plan"), ("2026-27 Q1", 1102, "")],
    "tribunal_rate": [("2025", 0.7, "baseline printed in the Local SEND Reform Plan"), ("2026-27 Q1", 0.65, "")],
    "complaints_per_month": [("2026-27 Q1", 11, "")],
    "slt_within_18_weeks_pct": [("2025-26", 60, "baseline printed in the Local SEND Reform Plan"), ("2026-27 Q1", 63, "")],
    "asd_0_5_within_18_weeks_pct": [("2025-26", 41.5, "baseline printed in the Local SEND Reform Plan"), ("2026-27 Q1", 46, "")],
    "mh_within_18_weeks_pct": [("2025-26", 77, "baseline printed in the Local SEND Reform Plan"), ("2026-27 Q1", 79, "")],
    "slt_referrals_accepted_pct": [("2025-26", 91, "baseline printed in the Local SEND Reform Plan"), ("2026-27 Q1", 93, "")],
    "ot_referrals_accepted_pct": [("2025-26", 96, "baseline printed in the Local SEND Reform Plan"), ("2026-27 Q1", 96, "")],
    "topup_nmss_above_sn_pct": [("2025-26", 47.6, "baseline printed in the Local SEND Reform Plan"), ("2026-27 Q1", 46.9, "")],
    # ONS mid-year estimate of children aged 0-17 (synthetic, close to the figure implied by ChAT's rates)
    "population_0_17": [("2025", 60200, "")],
}


def make_local(out: Path) -> None:
    rows = []
    for measure, points in LOCAL.items():
        for period, value, note in points:
            synthetic = "synthetic" if not note.startswith("baseline") else "real baseline"
            rows.append([measure, period, _num(value), synthetic, note])
    _write_csv(out / "local" / "local_outcome_measures.csv", ["measure", "period", "value", "status", "note"], rows)

    path = out / "local" / "finance_monitoring.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"title": "Finance monitoring (SAMPLE DATA)", "created": FIXED_TIME})
    bold = workbook.add_format({"bold": True})
    money = workbook.add_format({"num_format": "£#,##0"})
    millions = workbook.add_format({"num_format": "£#,##0.0\"m\""})
    sheet = workbook.add_worksheet("Residential care")
    sheet.write(0, 0, "Residential care cost monitoring", bold)
    sheet.write_row(1, 0, ["Period", "Placements", "Average weekly cost (£)", "Total spend (£)"], bold)
    for r, (period, placements, weekly, spend) in enumerate(
        [("2025-26 Q3", 128, 6720, 11_180_000), ("2025-26 Q4", 131, 6850, 11_660_000), ("2026-27 Q1", 133, 7120, 12_310_000)], 2):
        sheet.write(r, 0, period)
        sheet.write_number(r, 1, placements)
        sheet.write_number(r, 2, weekly, money)
        sheet.write_number(r, 3, spend, money)
    sheet.write(6, 0, "SAMPLE DATA: synthetic figures for demonstration, not Shropshire's.")
    sheet.set_column(0, 3, 24)
    sheet = workbook.add_worksheet("High needs")
    sheet.write(0, 0, "DSG high needs block", bold)
    sheet.write_row(1, 0, ["Period", "In-year deficit (£m)", "Cumulative deficit (£m)", "Independent placement spend (£m)"], bold)
    for r, values in enumerate([("2025-26 Q3", 4.1, 26.2, 17.9), ("2025-26 Q4", 5.6, 28.4, 18.6), ("2026-27 Q1", 5.5, 33.9, 19.4)], 2):
        sheet.write(r, 0, values[0])
        for c, v in enumerate(values[1:], 1):
            sheet.write_number(r, c, v, millions)
    sheet.write(6, 0, "SAMPLE DATA: synthetic figures for demonstration, not Shropshire's.")
    sheet.set_column(0, 3, 30)
    workbook.close()


CHAT_COMPARISON = [
    # indicator, LA latest, direction, LA published, SNs, England, mid-50% position, date
    ("Referrals received (annual rate per 10,000 of children)", 210, "Decrease", 250, 477, 519, "Lower"),
    ("Referrals to social care that were within 12 months of a previous referral (%)", 7, "Decrease", 13, 18, 21, "Lower"),
    ("Assessments completed (annual rate per 10,000 of children)", 306, "Decrease", 386, 466, 533, "Lower"),
    ("Assessments completed within 45 working days (%)", 87, "Increase", 68, 81, 86, "Lower"),
    ("Children subject to section 47 enquiries (annual rate per 10,000 of children)", 145, "Decrease", 171, 186, 189, "In range"),
    ("Children subject of an initial child protection conference (annual rate per 10,000 of children)", 51, "Decrease", 56, 63, 59, "In range"),
    ("Initial Child Protection Conferences held within 15 working days of the start of the section 47 enquiry (%)", 77, "Increase", 56, 83, 81, "Lower"),
    ("Children in need (snapshot rate per 10,000 children)", 226, "Decrease", 367, 335, 330, "In range"),
    ("Children who are the subject of a child protection plan (snapshot rate per 10,000 children)", 37, "Increase", 29, 41, 41, "Lower"),
    ("Children who became the subject of a CP plan for a second or subsequent time (%)", 19, "Decrease", 21, 27, 25, "In range"),
    ("Children who ceased to be on a CP plan whose plan lasted 2 years or more (%)", 0, "Decrease", 3, 4, 4, "Lower"),
    ("Children who are looked after (snapshot rate per 10,000 children)", 111, "Decrease", 119, 68, 67, "Higher"),
    ("Children looked after who had a missing incident in the period (%)", 8, "Increase", 6, 9, 11, "Lower"),
    ("Children looked after who were away without authorisation in the period (%)", 0, "Increase", 0, 1, 3, "In range"),
    ("Children looked after who had their teeth checked by a dentist in the last 12 months (%)", 45, "Decrease", 65, 80, 81, "Lower"),
    ("Children looked after who had their annual health assessment (%)", 65, "Decrease", 81, 89, 90, "Lower"),
    ("Children who ceased to be looked after in the period who were adopted (%)", 14, "Increase", 9, 12, 9, "In range"),
    ("Children who ceased to be looked after in the period due to a Special Guardianship Order (%)", 7, "Decrease", 11, 13, 12, "In range"),
    ("Children leaving care over the age of 16 who remained looked after until their 18th birthday (%)", 88, "Decrease", 100, 94, 77, "In range"),
    ("Care leavers aged 19-21 in suitable accommodation (%)", 93, "Increase", 92, 93, 89, "In range"),
    ("Care leavers aged 19-21 in education, employment, or training (%)", 54, "Increase", 50, 59, 54, "In range"),
    ("A10 - Time between entering care and placed with family for adopted children", 654, "Increase", 300, 425, 475, "Lower"),
    ("A2 - Time between placement order and deciding on a match", 286, "Increase", 167, 217, 205, "In range"),
]

CHAT_HEADLINES = [
    ("Contacts in the last 6 months", 6491), ("Early Help in the last 6 months", 936),
    ("Referrals in the last 6 months", 633), ("Total assessments in the last 6 months", 1193),
    ("Assessments completed in the last 6 months", 920), ("Ongoing assessments", 273),
    ("Section 47 enquiries in the last 6 months", 436), ("ICPCs that started from an S47 in the last 6 months", 154),
    ("Total CIN in the last 6 months", 1845), ("CIN started in the last 6 months", 547),
    ("CIN ceased in the last 6 months", 485), ("Current children in need (snapshot)", 1360),
    ("Total CPP in the last 6 months", 366), ("CPP started in the last 6 months", 170),
    ("CPP ceased in the last 6 months", 138), ("Current children subject of a child protection plan (snapshot)", 224),
    ("Total CLA in the last 6 months", 772), ("CLA started in the last 6 months", 73),
    ("CLA ceased in the last 6 months", 106), ("Current children looked after (snapshot)", 666),
    ("Care leavers who have reached the threshold for receiving leaving care services", 597),
    ("Children adopted, waiting to be adopted, or had an adoption decision reversed in the last 12 months", 171),
    ("Children adopted in the last 12 months", 23), ("Children waiting to be adopted (snapshot)", 26),
    ("Children with decision reversed in the last 12 months", 14), ("Prospective adopters in the last 12 months", 138),
]

PLACEMENTS = [
    ("Foster placement", 278, 138, 9, 425), ("Placed for adoption", 6, 0, 1, 7), ("Placed with parents", 0, 0, 47, 47),
    ("Independent living", 0, 0, 0, 0), ("Residential employment", 0, 0, 0, 0), ("Residential accommodation", 1, 29, 0, 30),
    ("Secure Children's Homes", 0, 0, 0, 0), ("Children's Homes", 9, 120, 2, 131), ("Residential Care Home", 0, 0, 0, 0),
    ("NHS/Health Trust", 0, 0, 0, 0), ("Family Centre", 0, 1, 0, 1), ("Young Offender Institution", 0, 0, 0, 0),
    ("Residential school", 0, 1, 0, 1), ("Other placements", 7, 1, 15, 23), ("Temporary placement", 0, 0, 0, 0),
    ("Total placements", 301, 290, 74, 665),
]

CARE_LEAVER_TABLES = [
    ("LA in touch with 17-18 year olds (relevant/former relevant)", ["Aged 17", "Aged 18", "Total"],
     [("Numbers in cohort", 7, 79, 86), ("LA in touch with YP", 86, 78, 79)]),
    ("LA in touch with 19-21 year olds (former relevant)", ["Aged 19", "Aged 20", "Aged 21", "Total"],
     [("Numbers in cohort", 71, 86, 82, 239), ("LA in touch with YP", 99, 97, 96, 97)]),
    ("Accommodation suitability of 17-18 year olds (relevant/former relevant)", ["Aged 17", "Aged 18", "Total"],
     [("Numbers in cohort", 7, 79, 86), ("In suitable accommodation", 86, 73, 74), ("In suit accomm (In touch only)", 100, 94, 94)]),
    ("Accommodation suitability of 19-21 year olds (former relevant)", ["Aged 19", "Aged 20", "Aged 21", "Total"],
     [("Numbers in cohort", 71, 85, 79, 235), ("In suitable accommodation", 96, 93, 90, 93), ("In suit accomm (In touch only)", 96, 93, 91, 93)]),
    ("Education, Employment, or Training (EET) of 17-18 year olds (relevant/former relevant)", ["Aged 17", "Aged 18", "Total"],
     [("Numbers in cohort", 7, 79, 86), ("In EET", 86, 56, 58), ("In EET (In Touch Only)", 100, 71, 74)]),
    ("Education, Employment, or Training (EET) of 19-21 year olds (former relevant)", ["Aged 19", "Aged 20", "Aged 21", "Total"],
     [("Numbers in cohort", 71, 86, 82, 239), ("In EET", 54, 64, 45, 54), ("In EET (In Touch Only)", 54, 65, 47, 56)]),
]


def make_chat(out: Path) -> None:
    path = out / "chat" / "ChAT_Shropshire_2026-06-18.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"title": "Children's services Analysis Tool (ChAT) — Shropshire", "created": FIXED_TIME})
    bold = workbook.add_format({"bold": True})
    title = workbook.add_format({"bold": True, "font_size": 13})
    date = workbook.add_format({"num_format": "dd/mm/yyyy", "align": "left"})

    def table(sheet, row, heading, header, rows, widths=None):
        sheet.write(row, 0, heading, title)
        sheet.write_row(row + 1, 0, header, bold)
        for r, values in enumerate(rows, row + 2):
            sheet.write_row(r, 0, values)
        return row + 2 + len(rows) + 1

    about = workbook.add_worksheet("About")
    about.write(0, 0, "Children's services Analysis Tool (ChAT)", title)
    about.write_row(1, 0, ["Field", "Value"], bold)
    about.write_row(2, 0, ["Local authority", "Shropshire"])
    about.write_row(3, 0, ["LA code", "E06000051"])
    about.write(4, 0, "Extract date")
    about.write_datetime(4, 1, dt.datetime(2026, 6, 18), date)
    about.write_row(5, 0, ["Six-month period", "19/12/2025 to 18/06/2026"])
    about.write_row(6, 0, ["Based on", "Ofsted's ILACS Annex A dataset"])
    about.write_row(7, 0, ["Note", "Sample file written by the scorecard project: figures are those printed in the committee paper (ChAT dated 18 June 2026); the layout is a model of a ChAT export."])
    about.set_column(0, 0, 22)
    about.set_column(1, 1, 60)

    sheet = workbook.add_worksheet("Headline figures")
    table(sheet, 0, "Headline figures", ["Measure", "Value"], CHAT_HEADLINES)
    sheet.set_column(0, 0, 90)

    sheet = workbook.add_worksheet("Comparison")
    table(sheet, 0, "Comparisons of headline figures and performance data to published statistics",
          ["Indicator", "LA latest (ChAT)", "Direction of travel", "LA published", "SNs published", "England published",
           "LA compared to mid-50% range of all LAs", "Date"],
          [row + ("2024-25",) for row in CHAT_COMPARISON])
    sheet.set_column(0, 0, 100)
    sheet.set_column(1, 7, 16)

    sheet = workbook.add_worksheet("Placements")
    table(sheet, 0, "CLA placements by type and provision", ["Placement type (open CLA)", "Own LA", "Private", "Other", "Total"], PLACEMENTS)
    sheet.set_column(0, 0, 32)

    sheet = workbook.add_worksheet("Care leavers")
    row = 0
    for heading, header, rows in CARE_LEAVER_TABLES:
        row = table(sheet, row, heading, ["ChAT"] + header, rows)
    sheet.set_column(0, 0, 34)

    sheet = workbook.add_worksheet("Missing")
    row = table(sheet, 0, "Missing from placement", ["Measure", "Latest data", "LA 24-25", "SNs 24-25", "Eng 24-25"], [
        ("Number of all CLA with a missing incident", 63, 53, None, None),
        ("Percentage of all CLA with a missing incident", 8, 6, 9, 11),
        ("Total number of missing incidents for all CLA", 277, 165, None, None),
        ("Average number of incidents per CLA who went missing", 4.4, 3.1, 4.3, 6.8)])
    row = table(sheet, row, "Absent from placement", ["Measure", "Latest data", "LA 24-25", "SNs 24-25", "Eng 24-25"], [
        ("Number of all CLA with an absent incident", 2, 0, None, None),
        ("Percentage of all CLA with an absent incident", 0, 0, 1, 3),
        ("Total number of absent incidents for all CLA", 2, 0, None, None),
        ("Average number of incidents per CLA who were absent", 1.0, 0.0, 0.6, 4.5)])
    table(sheet, row, "Missing incidents - return home interviews", ["Measure", "Number", "Of", "Percentage"], [
        ("Missing children offered return interview", 57, 63, 90), ("Missing children not offered return interview", 0, 63, 0),
        ("Missing children return interview offer not recorded", 6, 63, 10), ("Missing children accepted return interview", 44, 57, 77),
        ("Missing children not accepted return interview", 13, 57, 23)])
    sheet.set_column(0, 0, 56)

    sheet = workbook.add_worksheet("Adoption")
    table(sheet, 0, "Adoption benchmarking", ["Measure", "Value", "Children"], [
        ("A10 - Time between entering care and placed with family for adopted children (days)", 654, 23),
        ("A2 - Time between placement order and deciding on a match (days)", 286, 21),
        ("A20 - Time between entering care and placement order (days)", 466, 21),
        ("Permanence decision changed away from adoption (%)", 8, 169)])
    sheet.set_column(0, 0, 80)
    workbook.close()


SURVEY = {  # outcome: [(child / young person question, parent carer question)] — SEND and AP Outcomes Framework
    "My voice is heard": [
        ("I am helped to communicate my views and wishes", "I feel able to share my views and wishes about my child's education, care and health."),
        ("Adults listen to me. They consider my views when making decisions about me", "My views and wishes are considered carefully by practitioners when decisions are being made about my child"),
        ("I am being included in making decisions about my Plan (EHCP)", "I feel I have been involved in co-producing my child's EHCP")],
    "I am achieving": [
        ("I feel I am learning and making progress.", "I feel my child is making progress towards reaching their potential"),
        ("I have a chance to take part in clubs and activities.", "My child has the opportunity to take part in clubs and activities they wish to engage with."),
        ("I have examples of my achievements.", "My child's achievements are celebrated")],
    "I am healthy and happy": [
        ("I can tell people how well and happy I feel - or about any worries I have", "I am confident my child can tell someone how well and happy they are"),
        ("I get help to be healthy and happy when I need it", "I feel my child is well supported to be as healthy and happy as possible"),
        ("I know where to find information about my health and well-being", "I know where to find information to help my child with health, wellbeing and education"),
        (None, "My child is getting the right help at the right time for their health and well-being")],
    "I am supported": [
        ("I can name an adult I trust", "I feel I have a network of support I can go to (if I wish)"),
        ("I have the help I need to take part and succeed", "My child has access to the help they need so they can take part and succeed"),
        (None, "I feel processes and timescales are clear to me (around the support my child and our family receive)")],
    "I feel safe": [
        ("I feel safe in the place where I receive my education or training.", "I feel my child is safe in the place where they receive their education or training."),
        ("I can name adults I trust to go to for help", "My child can identify trusted adults"),
        ("I feel safe online", "My child is safe online."),
        ("I feel safe in my local area when I go out and about", "My child is safe in their local community")],
    "I have independence": [
        ("I have help to learn life skills and to practice them.", "My child is learning and practicing life skills to help prepare them for their future"),
        ("I have help to plan what I would like to achieve when I am older.", "My child is being supported to be aspirational about their future"),
        ("I am provided with choices about my future and supported to understand them.", "My child is provided with choices about their future and we understand what these options are."),
        ("I am helped to manage changes that affects me. I am provided with the right information at the right time.", "Transitions for my child are planned for in a timely fashion and well supported")],
}


def make_survey(out: Path) -> None:
    """Synthetic annual-review survey responses for two terms (deterministic)."""
    rng = random.Random(2026)
    rows, response = [], 0
    # (first day, days in window, reviews, chance a score is 4-5): responses improve a little in the later term
    for start, days, reviews, agree in [(dt.date(2026, 1, 6), 80, 34, 0.56), (dt.date(2026, 4, 13), 75, 38, 0.62)]:
        for _ in range(reviews):
            date = (start + dt.timedelta(days=rng.randrange(days))).isoformat()
            for respondent, index in (("Child or young person", 0), ("Parent carer", 1)):
                if respondent == "Child or young person" and rng.random() < 0.2:
                    continue  # not every child or young person takes part
                response += 1
                for outcome, questions in SURVEY.items():
                    for pair in questions:
                        question = pair[index]
                        if question is None or rng.random() < 0.05:
                            continue  # not asked, or not answered
                        score = rng.choice([4, 5]) if rng.random() < agree else rng.choice([1, 2, 3, 3])
                        rows.append([f"R{response:04d}", date, respondent, outcome, question, str(score)])
    _write_csv(out / "survey" / "send_annual_review_responses.csv",
               ["response_id", "date", "respondent_type", "outcome", "question", "score"], rows)


MONTHLY = {  # SEND dashboard measures with a local monthly extract: April to June 2026 reported so far (synthetic)
    "ehcp_issued": [31, 28, 35], "ehcna_requests": [64, 71, 58], "decisions_to_assess": [41, 47, 39],
    "ehcp_20_weeks_pct": [31.0, 34.5, 38.0], "ehcna_overdue_30_weeks": [52, 47, 41], "ehcna_overdue_52_weeks": [12, 11, 9],
    "tribunals": [4, 6, 5], "mediations": [9, 7, 8], "ehcp_total": [3105, 3121, 3140],
    "suspensions_send": [212, 198, 176], "topup_no_ehcp": [1204, 1218, 1236], "no_school_place_15_days": [14, 12, 11],
    "ehe_ehcp": [55, 57, 58], "eotas_packages": [38, 39, 41], "ehcp_mainstream_pct": [41.2, 41.0, 40.8],
    "ehcp_special_pct": [38.9, 39.1, 39.4], "ehcp_inmss_pct": [9.2, 9.3, 9.3], "transport_ehcp": [1562, 1571, 1580],
    "ar_due": [260, 244, 281], "ar_completed_in_month_pct": [44.0, 47.5, 52.0], "ar_within_12_months_pct": [58.0, 60.5, 61.0],
    "pep_good_quality_pct": [78.0, 81.0, 83.0], "short_breaks": [612, 618, 625], "health_seen_18_weeks_pct": [61.0, 62.0, 63.0],
    "birth_visits_14_days_pct": [89.0, 91.0, 90.0],
}


def make_send_monthly(out: Path) -> None:
    rows = [[measure, f"2026-{month:02d}", _num(value)] for measure, values in MONTHLY.items() for month, value in zip((4, 5, 6), values)]
    _write_csv(out / "local" / "send_monthly.csv", ["measure", "month", "value"], rows)


MANIFEST = """\
# Sample inputs for the scorecard build. Written by scripts/make_sample_inputs.py; do not edit by hand.
# `sample: true` marks made-up or modelled data; the built workbooks say so on the cover and Sources sheet.
# `la:` is the council whose local extracts these are: a build for any other LA does not read them.
la: E06000051
files:
  chat/ChAT_Shropshire_2026-06-18.xlsx:
    sample: true
    note: Real figures printed in the committee paper (ChAT dated 18 June 2026); the workbook layout is modelled by this project.
  dfe/cla_number_and_rate_per_10k_children.csv: &published
    sample: true
    note: "DfE open-data format, every LA (mappings/local_authorities.csv), 2024 and 2025. For 2025 Shropshire, the SN mean and England are the paper's comparison table (e.g. CLA rate 119, SN 68, England 67) and the other LAs' synthetic values put Shropshire where ChAT's mid-50% position does; per-neighbour values synthetic, chosen so their mean is the printed SN figure."
  dfe/la_care_leavers_activity.csv: *published
  dfe/la_care_leavers_accommodation_suitability.csv: *published
  dfe/la_care_leavers_intouch.csv: *published
  dfe/la_children_who_ceased_during_the_year.csv: *published
  dfe/la_children_who_were_missing_or_away_from_placement_without_authorisation.csv: *published
  dfe/la_cla_placement_stability.csv: *published
  dfe/la_conviction_health_outcome_cla.csv: *published
  dfe/c1_children_in_need_referrals_and_rereferrals_2024_to_2025.csv: &published_other
    sample: true
    note: "DfE open-data format, every LA, the two latest years of each publication (children in need 2024 and 2025; academic years 2023/24 and 2024/25; EHC plans calendar years 2023 and 2024; workforce 30 September 2024 and 2025). Shropshire's child-based re-referrals (13, SN 18, England 21) and second CP plans (21, 27, 25) are the paper's comparison table; everything else synthetic. Herefordshire suppressed (c) for second plans to show suppression handling."
  dfe/d3_cpps_subsequent_plan_2024_to_2025.csv: *published_other
  dfe/d5_cpps_at31march_by_duration_2024_to_2025.csv: *published_other
  dfe/ks4_la.csv: *published_other
  dfe/absence_la.csv: *published_other
  dfe/la_cla_school_moves.csv: *published_other
  dfe/timeliness_20_week.csv: *published_other
  dfe/csww_indicators_2024_to_2025.csv: *published_other
  lait/LAIT_download_Shropshire_2026-05-12.xlsx:
    sample: true
    note: A LAIT download in the tool's shape (one indicator per sheet, LAs in rows, years in columns, England, region and statistical-neighbour rows); synthetic figures.
  local/dfe_returns.csv:
    sample: true
    note: Shropshire's own 2025 figures for the published measures (academic year 202425 and calendar year 2024 where DfE publishes so), for `scorecard reconcile`; equal to the sample's published figures except dental checks (66, a mismatch) and care leavers 19-21 EET (50.4, within DfE's rounding).
  dfe/eyfsp_good_level_of_development.csv:
    sample: true
    note: Synthetic figures in DfE open-data format.
  dfe/pupil_attendance_send.csv:
    sample: true
    note: Synthetic figures in DfE open-data format.
  local/local_outcome_measures.csv:
    sample: true
    note: Synthetic, except the baselines printed in the Local SEND Reform Plan (attendance EHCP 84.8%, INMSS 9.1%, EHCP 20-week 20%, EaH 3,297).
  local/finance_monitoring.xlsx:
    sample: true
    note: Synthetic finance figures.
  survey/send_annual_review_responses.csv:
    sample: true
    note: Synthetic responses to the SEND annual-review survey questions of the SEND and AP Outcomes Framework (1-5 scale), two terms.
  local/send_monthly.csv:
    sample: true
    note: Synthetic monthly SEND figures for April to June 2026.
  annex_a/AnnexA_Shropshire_2026-06-18.xlsx:
    sample: true
    note: "Synthetic child-level Annex A lists (Ofsted's 2024 layout, made-up children) written by scripts/make_annex_a.py: for the six months to 18 June 2026 they give the ChAT headline figures the paper prints (6,491 contacts, 633 referrals, 1,193 assessments, 436 section 47 enquiries, 154 ICPCs, 1,360 children in need, 224 on a plan, 666 looked after)."
"""


def make_annex_a(out: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_annex_a", Path(__file__).with_name("make_annex_a.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate(out / "annex_a" / module.SAMPLE.name)


def main(out: Path = OUT) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    make_chat(out)
    make_dfe(out)
    make_published(out)
    make_lait(out)
    make_local(out)
    make_survey(out)
    make_send_monthly(out)
    make_annex_a(out)
    (out / "MANIFEST.yaml").write_text(MANIFEST, encoding="utf-8")
    return out


if __name__ == "__main__":
    print(f"sample inputs written to {main().relative_to(ROOT)}")
