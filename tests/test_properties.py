"""Property-based tests (Hypothesis): whatever bytes arrive — random, truncated, mutated rows, odd
encodings, extreme cells — every reader and the mapping loader either read them or raise the
project's UserError naming the file. Never another exception, never a traceback.

The default profile ('ci', set in conftest.py, derandomized so CI is repeatable) runs the examples each
test asks for; for ten times as many, with fresh random draws:
``pytest tests/test_properties.py --hypothesis-profile deep`` (or ``HYPOTHESIS_PROFILE=deep``).
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbook_builder.errors import UserError

from .conftest import ROOT

SAMPLE = ROOT / "inputs" / "sample"
SUPPRESS = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]


def examples(n: int):
    """The settings of one property test: ``n`` examples in the 'ci' profile (which has 100 by default),
    scaled with the loaded profile's (ten times as many in 'deep'); no deadline."""
    return settings(max_examples=max(1, n * settings.default.max_examples // 100), suppress_health_check=SUPPRESS, deadline=None)


_SCRATCH = tempfile.TemporaryDirectory(prefix="scorecard-prop-")  # removed when the tests end, however they end


def written(data: bytes, name: str) -> Path:
    """``data`` as a file named ``name``, in a folder of its own (Hypothesis runs many examples in one test)."""
    folder = Path(tempfile.mkdtemp(dir=_SCRATCH.name))
    path = folder / name
    path.write_bytes(data)
    return path


def reads_or_refuses(path: Path, read) -> None:
    """``read(path)`` succeeds, or raises a UserError that names the file."""
    try:
        read(path)
    except UserError as exc:
        assert path.name in str(exc) or str(path.parent) in str(exc), f"the error does not name the file: {exc}"


# --- text: cells, rows, encodings --------------------------------------------------------------------------

CELLS = st.one_of(
    st.integers(-10**12, 10**12).map(str), st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["c", "z", "x", "k", "low", ":", "", "NaN", "inf", "-Infinity", "1e400", "1,234", "=1+1", "2024", "202425",
                     "2025-26 Q1", "31/03/2025", "Local authority", "National", "Regional", "E06000051", "893"]),
    st.text(max_size=12),
)


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"])


def encoded(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


@st.composite
def mutated(draw, original: bytes) -> bytes:
    """``original`` truncated, with bytes flipped, or a row repeated: what a damaged download looks like."""
    data = bytearray(original)
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["truncate", "flip", "insert", "duplicate"]))
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        if kind == "truncate":
            del data[at:]
        elif kind == "flip":
            data[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[at:at] = draw(st.binary(max_size=20))
        else:
            line_end = data.find(b"\n", at)
            if line_end > 0:
                data[at:at] = data[at:line_end + 1]
    return bytes(data)


DFE_HEADER = ["time_period", "time_identifier", "geographic_level", "country_code", "old_la_code", "la_name", "new_la_code", "indicator", "value"]


@examples(200)
@given(rows=st.lists(st.lists(CELLS, min_size=len(DFE_HEADER), max_size=len(DFE_HEADER)), max_size=12),
       encoding=ENCODINGS, drop=st.sets(st.sampled_from(DFE_HEADER), max_size=2))
def test_the_dfe_reader_reads_or_refuses(rows, encoding, drop):
    from workbook_builder.sources.dfe import DfeTable

    header = [h for h in DFE_HEADER if h not in drop]
    body = [[cell for h, cell in zip(DFE_HEADER, row) if h not in drop] for row in rows]
    path = written(encoded(csv_text(header, body), encoding), "release.csv")

    def read(p):
        table = DfeTable.read(p)
        if "value" in header:
            table.value_column("value")
        if "indicator" in header:
            records = table.records({"indicator": "x"})
            records.periods()
    reads_or_refuses(path, read)


@examples(150)
@given(data=mutated((SAMPLE / "dfe" / "c1_children_in_need_referrals_and_rereferrals_2024_to_2025.csv").read_bytes()))
def test_a_damaged_dfe_download_reads_or_refuses(data):
    from workbook_builder.sources.dfe import DfeTable

    reads_or_refuses(written(data, "cin.csv"), lambda p: DfeTable.read(p).value_column("rereferral_percent"))


@examples(200)
@given(rows=st.lists(st.lists(CELLS, min_size=3, max_size=3), max_size=12), encoding=ENCODINGS,
       wanted=st.sampled_from(["latest", "previous", "2025-26 Q1", "2024"]))
def test_a_local_long_table_reads_or_refuses(rows, encoding, wanted):
    from workbook_builder.authorities import LocalAuthority
    from workbook_builder.sources.base import Context, InputFile
    from workbook_builder.sources.locator import Locator
    from workbook_builder.sources.tables import observe_table

    path = written(encoded(csv_text(["measure", "period", "value"], rows), encoding), "local.csv")
    locator = Locator(source="local", filters={"measure": rows[0][0] if rows else "x"}, column="value", period_column="period", period=wanted)
    context = Context(la=LocalAuthority("E06000051", "893", "LA"), file=InputFile("local", "local_table", path, path.name),
                      mapping_ref="m:1", neighbours=lambda: [])
    reads_or_refuses(path, lambda p: observe_table(locator, context))


@examples(150)
@given(rows=st.lists(st.lists(st.one_of(CELLS, st.sampled_from(["1", "3", "5", "6", "0", "2026-01-21", "2026-13-01"])),
                              min_size=6, max_size=6), max_size=10), encoding=ENCODINGS)
def test_survey_responses_read_or_refuse(rows, encoding):
    from workbook_builder.sources.survey import aggregate, read_responses

    header = ["response_id", "date", "respondent_type", "outcome", "question", "score"]
    path = written(encoded(csv_text(header, rows), encoding), "survey.csv")
    reads_or_refuses(path, lambda p: aggregate(read_responses(p)))


@examples(150)
@given(rows=st.lists(st.lists(CELLS, min_size=3, max_size=5), max_size=10), encoding=ENCODINGS)
def test_reconcile_local_figures_read_or_refuse(rows, encoding):
    from workbook_builder.reconcile import read_local

    path = written(encoded(csv_text(["measure_id", "period", "value", "numerator", "denominator"], rows), encoding), "local.csv")
    reads_or_refuses(path, lambda p: read_local(p, "2025", {"cla_rate_per_10k", "x"}))


@examples(150)
@given(rows=st.lists(st.lists(st.one_of(CELLS, st.sampled_from(["Sheet1", "A1", "XFD1048576", "XFE1", "A0", "B2", "number", "date",
                                                                 "formula", "blank", "text"])), min_size=3, max_size=4), max_size=10),
       encoding=ENCODINGS)
def test_fill_values_read_or_refuse(rows, encoding):
    from workbook_builder.fill import read_changes
    from workbook_builder.writers.ooxml import WorkbookPackage

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.add_worksheet("Sheet1").write(0, 0, "x")
    book.close()
    package = WorkbookPackage.from_bytes(buffer.getvalue(), "template.xlsx")
    path = written(encoded(csv_text(["sheet", "cell", "value", "type"], rows), encoding), "values.csv")
    reads_or_refuses(path, lambda p: read_changes(p, package))


# --- workbooks: damaged zips and extreme cells --------------------------------------------------------------

def _written_sheet(cells: list[tuple[int, int, object]]) -> bytes:
    """The workbook of :func:`_small_workbook` with its sheet's XML written here, as Excel lays it out
    (XlsxWriter walks every row up to the last, which is seconds for a cell in row 1,048,576)."""
    from xml.sax.saxutils import escape

    from xlsxwriter.utility import xl_rowcol_to_cell

    grid: dict[int, dict[int, object]] = {}
    for row, col, value in [(0, 0, "LA number"), (0, 1, "LA name"), (0, 2, "2024"), *cells]:
        grid.setdefault(row, {})[col] = value
    rows = []
    for row in sorted(grid):
        out = []
        for col, value in sorted(grid[row].items()):
            ref = xl_rowcol_to_cell(row, col)
            if isinstance(value, str):
                out.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>')
            else:
                out.append(f'<c r="{ref}"><v>{value!r}</v></c>')
        rows.append(f'<row r="{row + 1}">{"".join(out)}</row>')
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/'
           f'spreadsheetml/2006/main"><sheetData>{"".join(rows)}</sheetData></worksheet>').encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(BASE_WORKBOOK)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            target.writestr(name, xml if name == "xl/worksheets/sheet1.xml" else source.read(name))
    return out.getvalue()


def _small_workbook(cells: list[tuple[int, int, object]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    sheet = book.add_worksheet("Data")
    sheet.write(0, 0, "LA number")
    sheet.write(0, 1, "LA name")
    sheet.write(0, 2, "2024")
    for row, col, value in cells:
        sheet.write(row, col, value)
    book.close()
    return buffer.getvalue()


# Cells near A1, and cells whose grid is over the limit (far down and right). A far cell that makes a
# grid just under the limit (a million rows of one column) would be read in full: seconds per example
# for no new behaviour, so those are left to tests/test_hostile.py.
PLACES = st.one_of(st.tuples(st.integers(0, 40), st.integers(0, 10)),
                   st.tuples(st.sampled_from([1048575, 200000]), st.integers(26, 16383)),
                   st.tuples(st.integers(0, 40), st.sampled_from([16383, 700])))
EXTREME_CELLS = st.lists(st.tuples(PLACES,
                                   st.one_of(st.integers(-10**9, 10**9), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20),
                                             st.sampled_from(["c", "NaN", "inf", "1e400", "England", "893"]))), max_size=8)


@examples(120)
@given(cells=EXTREME_CELLS)
def test_a_workbook_with_extreme_cells_reads_or_refuses(cells):
    from workbook_builder.sources.lait import read_indicator
    from workbook_builder.sources.tables import find_table, read_grid

    path = written(_written_sheet([(row, col, value) for (row, col), value in cells]), "extract.xlsx")

    def read(p):
        grid = read_grid(p, "Data")
        find_table(grid)
        try:
            indicator = read_indicator(grid)
        except UserError:
            return
        for row in list(indicator.by_code.values())[:3]:
            indicator.value(row, indicator.latest())
    reads_or_refuses(path, read)


@examples(100)
@given(cells=st.lists(st.tuples(st.one_of(st.integers(0, 60), st.sampled_from([1000, 4999])), st.integers(0, 800),
                                st.integers(0, 9)), max_size=30))
def test_a_sheets_extent_from_its_references_is_its_extent_counted_cell_by_cell(cells):
    """The fast measure (references found in one pass) agrees with counting every tag, on what Excel-like writers write."""
    from workbook_builder import limits

    with zipfile.ZipFile(io.BytesIO(_small_workbook(cells))) as archive:
        data = archive.read("xl/worksheets/sheet1.xml")
    fast, slow = (limits._Extent("x.xlsx", "Data", limits.SharedStrings()) for _ in range(2))
    assert limits._canonical(data, fast)
    limits._TagByTag(slow).measure(data)
    assert (fast.rows, fast.cols) == (slow.rows, slow.cols)
    assert (fast.rows, fast.cols) == (max([1] + [r + 1 for r, _c, _v in cells]), max([3] + [c + 1 for _r, c, _v in cells]))


BASE_WORKBOOK = _small_workbook([(1, 0, 893), (1, 1, "An LA"), (1, 2, 54)])


@examples(150)
@given(data=mutated(BASE_WORKBOOK))
def test_a_damaged_workbook_reads_or_refuses(data):
    from workbook_builder.sources.tables import read_grid, sheet_names

    path = written(data, "damaged.xlsx")
    reads_or_refuses(path, lambda p: [read_grid(p, name) for name in sheet_names(p)])


@st.composite
def rewritten_parts(draw) -> bytes:
    """The workbook with one part's XML replaced by mutated or random text (shapes no spreadsheet program writes)."""
    source = zipfile.ZipFile(io.BytesIO(BASE_WORKBOOK))
    names = source.namelist()
    victim = draw(st.sampled_from(names))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in names:
            data = source.read(name)
            if name == victim:
                data = draw(st.one_of(mutated(data), st.binary(max_size=200), st.just(b"")))
            target.writestr(name, data)
    return out.getvalue()


@examples(150)
@given(data=rewritten_parts())
def test_a_workbook_with_a_broken_part_reads_or_refuses(data):
    from workbook_builder.sources.tables import read_grid, sheet_names

    path = written(data, "broken.xlsx")
    reads_or_refuses(path, lambda p: [read_grid(p, name) for name in sheet_names(p)])


@examples(100)
@given(data=st.binary(max_size=400), name=st.sampled_from(["x.xlsx", "x.csv", "x.xlsm", "x.xls"]))
def test_random_bytes_read_or_refuse(data, name):
    from workbook_builder.sources.tables import read_grid

    reads_or_refuses(written(data, name), lambda p: read_grid(p))


# --- the mapping loader ---------------------------------------------------------------------------------------

MAPPING = (ROOT / "mappings" / "appendix_x.yaml").read_bytes()


@st.composite
def mutated_mapping(draw) -> bytes:
    """A real mapping with lines dropped, doubled or swapped, values replaced by odd scalars, or bytes mangled."""
    lines = MAPPING.decode("utf-8").splitlines()
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["drop", "double", "value", "indent", "alias", "bytes"]))
        if kind == "drop":
            del lines[at]
        elif kind == "double":
            lines.insert(at, lines[at])
        elif kind == "value" and ":" in lines[at]:
            key = lines[at].split(":", 1)[0]
            lines[at] = key + ": " + draw(st.sampled_from([".nan", ".inf", "-1", "[]", "{}", "null", "'x'", "*missing", "? [a]", "&a [*a]", "1e400",
                                                           '"{la}"', "~"]))
        elif kind == "indent":
            lines[at] = " " * draw(st.integers(0, 6)) + lines[at].lstrip()
        elif kind == "alias":
            lines.insert(at, "x: &a [1, 2]\ny: [*a, *a, *a]")
    data = "\n".join(lines).encode("utf-8")
    if draw(st.booleans()):
        data = draw(mutated(data))
    return data


@examples(200)
@given(data=mutated_mapping())
def test_the_mapping_loader_reads_or_refuses(data):
    from workbook_builder.measures.mapping import load_mapping

    reads_or_refuses(written(data, "appendix_x.yaml"), load_mapping)


@examples(100)
@given(data=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(lambda t: t.encode("utf-8"))))
def test_any_yaml_file_reads_or_refuses(data):
    from workbook_builder.measures.mapping import load_mapping
    from workbook_builder.workspace import read_config, read_manifest

    path = written(data, "scorecard.yaml")
    reads_or_refuses(path, load_mapping)
    reads_or_refuses(path, read_config)
    manifest = path.with_name("MANIFEST.yaml")
    manifest.write_bytes(data)
    reads_or_refuses(manifest, lambda p: read_manifest(p.parent))


def test_the_generators_make_real_inputs_too():
    """The strategies are not all noise: the unmutated inputs read."""
    from workbook_builder.measures.mapping import load_mapping
    from workbook_builder.sources.tables import read_grid

    load_mapping(written(MAPPING, "appendix_x.yaml"))
    assert read_grid(written(BASE_WORKBOOK, "ok.xlsx"), "Data").rows[1][:3] == [893, "An LA", 54]


def test_the_profile_sets_the_number_of_examples():
    """'ci' runs what each test asks; --hypothesis-profile deep ten times as many."""
    from hypothesis import settings as current

    ci, deep = current.get_profile("ci"), current.get_profile("deep")
    assert (ci.max_examples, ci.derandomize, deep.max_examples, deep.derandomize) == (100, True, 1000, False)
    # one of the two is loaded (Hypothesis's own default is random, so a profile that did not load shows)
    loaded = {(100, True): "ci", (1000, False): "deep"}[(current.default.max_examples, current.default.derandomize)]
    assert examples(150).max_examples == {"ci": 150, "deep": 1500}[loaded]


@examples(300)
@given(furthest=st.tuples(st.integers(1, 1_048_576), st.integers(1, 16_384)),
       cell=st.tuples(st.integers(1, 1_048_576), st.integers(1, 16_384)), near=st.booleans())
def test_the_one_pass_extent_check_finds_exactly_the_cells_beyond_the_last(furthest, cell, near):
    """The fast path of the extent check takes the last cell as the furthest and searches, in one
    pattern, for any cell beyond it: that pattern must match a cell exactly when it lies beyond."""
    from workbook_builder.limits import _letters, _unusual

    rows, cols = furthest
    row, col = (max(1, rows + cell[0] % 3 - 1), max(1, cols + cell[1] % 3 - 1)) if near else cell
    tag = f'<c r="{_letters(col)}{row}" s="1"><v>1</v></c>'.encode()
    assert (_unusual(rows, cols).search(tag) is not None) == (row > rows or col > cols)
    assert _unusual(rows, cols).search(b"<c\tr='A1'><v>1</v></c>")[0] == b"<c"  # not canonical: found too


# --- Annex A lists and DfE's statistical-neighbour workbook ----------------------------------------------------

def _annex_a_workbook(rows: dict[int, list[list[object]]], sheet_style: int) -> bytes:
    """An Annex A workbook with lists 1 to 9 headed by the headers the reader accepts (the template's
    first text for each field), ``rows[n]`` under list n's header; sheets named as the 2019 template,
    the 2021/2024 exports, or untitled with a title row above the header."""
    import datetime as dt

    from workbook_builder.sources.annex_a import FIELDS, LISTS

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                        "strings_to_urls": False})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    for number, fields in FIELDS.items():
        name = ["List_{}", "List {}", "Sheet{}"][sheet_style].format(number)
        sheet = book.add_worksheet(name)
        top = 0
        if sheet_style == 2:
            sheet.write(0, 0, f"List {number}: {LISTS[number]}")
            top = 1
        sheet.write_row(top, 0, [texts[0].title() for texts in fields.values()])
        for r, cells in enumerate(rows.get(number, []), top + 1):
            for c, value in enumerate(cells[:len(fields)]):
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, c, value, date_format)
                elif value is not None:
                    sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


def _annex_a_cells():
    import datetime as dt

    return st.one_of(
        st.none(), st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)), st.dates(dt.date(2024, 1, 1), dt.date(2027, 1, 1)),
        st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False), st.booleans(),
        st.sampled_from(["Y", "N", "Yes", "No", "a", "b", "1", "0", "31/02/2025", "29/02/2024", "9999-12-31", "0001-01-01",
                         "2025-06-18", "18/06/2025", "18 Jun 2025", "20250618", "=1+1", "<script>", "NaN", "inf", "1e400", " ", ""]),
        st.text(max_size=10))


@examples(120)
@given(rows=st.dictionaries(st.integers(1, 9), st.lists(st.lists(_annex_a_cells(), min_size=1, max_size=8), max_size=6), max_size=9),
       sheet_style=st.integers(0, 2), as_at=st.sampled_from(["2025-06-18", "2026-03-31", "2000-01-01", "2099-12-31"]),
       months=st.integers(1, 24), population=st.one_of(st.none(), st.integers(1, 10**7)))
def test_an_annex_a_workbook_reads_or_refuses(rows, sheet_style, as_at, months, population):
    """Any cells in the lists: the report, its JSON (finite numbers only) and the drill-down are made, or
    the file is refused by name."""
    import json

    from workbook_builder.sources.annex_a_measures import Population, annex_a_report
    from workbook_builder.writers.annex_a_drilldown import drilldown_bytes

    path = written(_annex_a_workbook(rows, sheet_style), "AnnexA.xlsx")

    def read(p):
        people = None if population is None else Population(population, f"population {population:,} as configured")
        report = annex_a_report(p, as_at, months, population=people)
        json.dumps(report.to_json(), allow_nan=False)
        report.summary()
        assert drilldown_bytes(report, "2026-01-01 00:00", "0")[:2] == b"PK"
    reads_or_refuses(path, read)


@examples(80)
@given(data=mutated(_annex_a_workbook({3: [["C1", "2010-01-01", "2025-05-01", "N", 1]], 7: [["C1", "2025-04-01", "Y", None, 0]]}, 1)))
def test_a_damaged_annex_a_workbook_reads_or_refuses(data):
    from workbook_builder.sources.annex_a_measures import annex_a_report

    reads_or_refuses(written(data, "AnnexA.xlsx"), lambda p: annex_a_report(p, "2025-06-18", 6))


def _sn_workbook(rows: list[list[object]]) -> bytes:
    """DfE's statistical-neighbour workbook's shape: a title, the 'LA num … SN1 SNP1 … SN10 SNP10' header, rows."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    sheet = book.add_worksheet("SN")
    sheet.write(0, 0, "Statistical neighbours")
    header = ["LA num", "LA name"] + [h for k in range(1, 11) for h in (f"SN{k}", "SNP")]
    sheet.write_row(2, 0, header)
    for r, cells in enumerate(rows, 3):
        for c, value in enumerate(cells[:len(header)]):
            if value is not None:
                sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


SN_CELLS = st.one_of(st.none(), st.sampled_from(["-", "Old SNs", "893", "894", 893, 894.0, 201, "x", "", "=1", "1e400", 0.5, "Very Close"]),
                     st.integers(0, 999), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=6))


@examples(100)
@given(rows=st.lists(st.lists(SN_CELLS, min_size=2, max_size=22), max_size=8))
def test_dfe_statistical_neighbour_workbook_reads_or_refuses(rows):
    from workbook_builder.sources.neighbours import read_dfe_model

    def read(p):
        for row in read_dfe_model(p):
            assert len(row.la) == 3 and len(row.neighbour) == 3
    reads_or_refuses(written(_sn_workbook(rows), "sn_may_2025.xlsx"), read)
