"""``scorecard publish`` (issue 17): accessible, self-contained HTML pages, checked in a real browser.

Each page is parsed (lxml) for its structure, compared with the workbook built from the same inputs,
searched for child-level data, and opened in headless Chromium with axe-core's WCAG 2.2 A and AA rules
(axe-core is installed into ``tests/.axe`` by ``.ci/run``; without Chromium or axe-core the browser tests
are skipped, except in CI, where they must run).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import html as lxml_html
from python_calamine import CalamineWorkbook

from .conftest import FIXED_BUILT_AT, ROOT
from .helpers import Scorecard
from .test_mapping_and_cli import run

AXE = ROOT / "tests" / ".axe" / "node_modules" / "axe-core" / "axe.min.js"
SAMPLE = ROOT / "inputs" / "sample"


@pytest.fixture(scope="module")
def pages(tmp_path_factory, shared_data):
    from workbook_builder.publish import publish

    out = tmp_path_factory.mktemp("pages")
    sample = publish(inputs=SAMPLE, out_dir=out, built_at=FIXED_BUILT_AT, root=ROOT)
    pack = publish(["appendix_2"], inputs=SAMPLE, out_dir=out, built_at=FIXED_BUILT_AT, root=ROOT, la="E06000019",
                   published=[shared_data], published_only=True)
    return {r.workbook if r.la.code == "E06000051" else f"{r.workbook}:{r.la.code}": r for r in sample + pack}


def _tree(path: Path):
    return lxml_html.fromstring(path.read_bytes())


def test_a_page_per_workbook_and_for_another_las_pack(pages):
    assert sorted(pages) == ["appendix_2", "appendix_2:E06000019", "appendix_x", "send_dashboard"]
    assert pages["appendix_2:E06000019"].output.name == (
        "Appendix 2 - Children's Services Performance Scorecard Workbook - DfE published - Herefordshire, County of.html")


@pytest.mark.parametrize("key", ["appendix_2", "appendix_x", "send_dashboard", "appendix_2:E06000019"])
def test_each_page_is_structured_for_screen_readers_and_self_contained(pages, key):
    path = pages[key].output
    text = path.read_text(encoding="utf-8")
    tree = _tree(path)
    assert tree.get("lang") == "en-GB" and len(tree.xpath("//h1")) == 1
    # keyboard order is document order: no positive tabindex anywhere, and the skip link is the first thing to reach
    assert not [e for e in tree.xpath("//*[@tabindex]") if int(e.get("tabindex")) > 0]
    skip = tree.xpath("//a[@class='skip']")[0]
    assert tree.xpath("//body/*[1]")[0] is skip
    assert skip.get("href") == "#main" and tree.xpath("//main[@id='main']")
    assert tree.xpath("//header") and tree.xpath("//nav[@aria-label='Contents']") and tree.xpath("//footer")
    # no request of its own: no external script, style sheet, image, font or frame
    assert not tree.xpath("//*[@src] | //link | //iframe | //object") and "http://" not in text and "https://" not in text
    for table in tree.xpath("//table"):
        assert table.xpath("./caption") and table.xpath("./thead/tr/th")
        assert all(th.get("scope") == "col" for th in table.xpath("./thead/tr/th"))
        for row in table.xpath("./tbody/tr[not(@class='prov')]"):
            assert row.xpath("./th[@scope='row' or @scope='colgroup']"), html.unescape(lxml_html.tostring(row, encoding=str))[:200]
            assert all((td.text_content() or "").strip() for td in row.xpath("./td")), "a blank cell"  # never blank
    measures = tree.xpath("//table[not(caption[starts-with(., 'The input files') or starts-with(., 'The numbers the chart')])]"
                          "/tbody/tr[th[@scope='row']]")
    assert len(measures) == pages[key].measures == len(tree.xpath("//tr[@class='prov']//details/summary"))
    for cell in tree.xpath("//td[@class='rag']"):  # text first: the colour's name and its reason, never colour alone
        assert re.match(r"(Green|Amber|Red) — |(No data|No comparator|Not rated) — ", cell.text_content()), cell.text_content()


def test_a_page_says_what_its_workbook_shows(pages, tmp_path):
    from workbook_builder.build import build

    [built] = build(["appendix_2"], inputs=SAMPLE, out_dir=tmp_path, built_at=FIXED_BUILT_AT, root=ROOT)
    card = Scorecard(built.output, sheet="Statutory indicators")
    tree = _tree(pages["appendix_2"].output)
    row = tree.xpath("//tr[th[@scope='row' and starts-with(., 'Assessments completed within 45 working days')]]")[0]
    cells = [td.text_content() for td in row.xpath("./td")]
    assert card.value("assessments_45_days_pct", "Shropshire (latest)") == 87 and "87%" in cells
    assert card.value("assessments_45_days_pct", "RAG") == "G" and "Green — at least as good as England" in cells
    assert "Up — improving" in cells  # ▲ Up in the workbook: 87% against 68%, higher is better
    details = row.getnext().text_content()
    assert "800 of 920 = 87%" in details and "inputs/sample/annex_a/AnnexA_Shropshire_2026-06-18.xlsx" in details
    text = pages["appendix_2:E06000019"].output.read_text(encoding="utf-8")
    assert "u — low reliability" in text and "Not yet available" in text  # symbols and missing values in words
    assert "Contains sample data" in pages["appendix_2"].output.read_text(encoding="utf-8")


def test_each_chart_is_an_inline_svg_with_a_title_a_description_and_its_numbers_as_a_table(pages):
    tree = _tree(pages["appendix_2"].output)
    charts = tree.xpath("//figure/*[local-name()='svg']")
    assert len(charts) == 3  # the statutory sheet's sections of three or more measures with SN and England, as the workbook's Charts
    for svg in charts:
        labelled = svg.get("aria-labelledby").split()
        title, desc = (tree.xpath(f"//*[@id='{i}']")[0] for i in labelled)
        assert svg.get("role") == "img" and title.tag.endswith("title") and desc.tag.endswith("desc")
        assert "The numbers are in the table below the chart." in desc.text_content()
        table = svg.getparent().getnext().xpath(".//table")[0]
        assert table.xpath("./caption")[0].text_content().startswith("The numbers the chart draws: ")
        bars = [t.text for t in svg.xpath(".//*[local-name()='text']")]
        numbers = [td.text_content() for td in table.xpath(".//td")]
        assert [b for b in bars if b and b[0].isdigit()] == [n for n in numbers if n[0].isdigit()]  # every bar labelled with its number
    first = tree.xpath("//figure")[0].getnext().xpath(".//tbody/tr")[1]
    assert [c.text_content() for c in first] == ["Assessments completed within 45 working days (%)", "87%", "81%", "86%"]
    # the SEND dashboard's monthly trends: a line per measure, and the months it draws as a table
    dashboard = _tree(pages["send_dashboard"].output)
    lines = dashboard.xpath("//figure/*[local-name()='svg']")
    assert len(lines) >= 10 and all(svg.get("role") == "img" for svg in lines)
    ehcp = dashboard.xpath("//*[local-name()='title' and starts-with(., 'Number of EHCPs issued')]")[0].getparent()
    assert [t.text for t in ehcp.xpath(".//*[local-name()='text']")][:3] == ["31", "28", "35"]  # send_monthly.csv, April to June
    months = dashboard.xpath("//table[caption[starts-with(., 'The numbers the charts draw')]]//tr[th[starts-with(., 'Number of EHCPs issued')]]/td")
    assert [td.text_content() for td in months][:4] == ["31", "28", "35", "Not yet reported"]


def test_no_child_level_data_reaches_a_page(pages):
    book = CalamineWorkbook.from_path(str(SAMPLE / "annex_a" / "AnnexA_Shropshire_2026-06-18.xlsx"))
    ids = {str(int(r[0])) for name in book.sheet_names for r in book.get_sheet_by_name(name).to_python()[1:] if r[0] != ""}
    for result in pages.values():
        found = set(re.findall(r"(?<!\d)\d{8}(?!\d)", result.output.read_text(encoding="utf-8"))) & ids
        assert not found, (result.output.name, sorted(found)[:3])


def test_the_command_writes_the_pages(tmp_path):
    result = run("publish", "--workbook", "appendix_x", "--out", str(tmp_path), "--built-at", FIXED_BUILT_AT)
    assert result.returncode == 0, result.stderr
    assert "appendix_x for Shropshire: 22 measures as an accessible page (contains sample data)" in result.stdout
    again = run("publish", "--workbook", "appendix_x", "--out", str(tmp_path / "again"), "--built-at", FIXED_BUILT_AT)
    assert again.returncode == 0
    [first], [second] = list(tmp_path.glob("*.html")), list((tmp_path / "again").glob("*.html"))
    assert first.read_bytes() == second.read_bytes()  # deterministic


# --- in a real browser ---------------------------------------------------------------------------------------------------

def _browser():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium and AXE.is_file():
        return chromium
    if os.environ.get("CI"):
        pytest.fail(f"headless Chromium and axe-core are needed in CI (chromium: {chromium}, axe-core: {AXE.is_file()})")
    pytest.skip("headless Chromium or axe-core not installed (.ci/run installs both)")


PROBE = """<script>{axe}</script><script>
axe.run(document, {{runOnly: {{type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}}}}).then(function (r) {{
  var summaries = Array.prototype.slice.call(document.querySelectorAll('details > summary'));
  var out = {{violations: r.violations.map(function (v) {{ return {{id: v.id, help: v.help, nodes: v.nodes.map(function (n) {{ return n.html.slice(0, 120); }})}}; }}),
             passes: r.passes.length, summaries: summaries.length,
             focusable: summaries.filter(function (s) {{ return s.tabIndex >= 0 && s.getClientRects().length > 0; }}).length}};
  var pre = document.createElement('pre'); pre.id = 'probe-result'; pre.textContent = JSON.stringify(out); document.body.appendChild(pre);
}});
</script>"""


def _probe(chromium: str, page: Path, tmp_path: Path) -> dict:
    probe = tmp_path / "probe.html"
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE.format(axe=AXE.read_text(encoding="utf-8")) + "</body>"),
                     encoding="utf-8")
    dom = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=30000", "--dump-dom",
                          probe.as_uri()], capture_output=True, text=True, timeout=180).stdout
    found = re.search(r'<pre id="probe-result">(.*?)</pre>', dom, re.S)
    assert found, dom[-500:]
    return json.loads(html.unescape(found[1]))


@pytest.mark.parametrize("key", ["appendix_2", "appendix_x", "send_dashboard", "appendix_2:E06000019"])
def test_axe_finds_no_wcag_2_2_aa_violation_in_chromium(pages, key, tmp_path):
    chromium = _browser()
    result = _probe(chromium, pages[key].output, tmp_path)
    assert result["violations"] == [] and result["passes"] > 10
    # keyboard: every provenance entry is reachable (a focusable summary, shown), one per measure row
    assert result["summaries"] == result["focusable"] == pages[key].measures


def test_screenshots_at_1280_and_320_pixels_wide(pages, tmp_path):
    chromium = _browser()
    for width in (1280, 320):
        shot = tmp_path / f"page-{width}.png"
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--window-size={width},1200",
                        f"--screenshot={shot}", pages["appendix_x"].output.as_uri()], capture_output=True, timeout=180, check=True)
        data = shot.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(data[16:20], "big") == width
