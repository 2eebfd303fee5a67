"""A built scorecard as one accessible, self-contained HTML page, for members and the public.

The page shows what the workbook shows, from the same resolved measures and judgements the
workbook writer uses: the title, LA, reporting period, data currency and the sample-data warning
as headings and text; each sheet as a table with a caption, column and row headers (``scope``)
and its sections as header rows; numbers formatted as in the workbook; a suppressed or missing
value as its words ("c — suppressed to protect confidentiality", "No data"), never blank; RAG and
direction as text first ("Red — worse than England by more than 2") with colour as a second cue,
every colour pair at a contrast of 4.5:1 or more; and every row's provenance in a ``details``
element (source file, period, transformation), reachable by keyboard and read by screen readers.

It makes no request of its own: styles and the one script (opening every provenance entry before
printing) are inline, so the page can be attached to a committee paper or put on a website as it
is. It has ``lang``, landmarks, a skip link, a print stylesheet, and reflows at 320 px (a wide
table scrolls inside its own focusable region). Child-level data never reaches it: an Annex A
figure's provenance is its list, rule, window and counts.
"""

from __future__ import annotations

import re
from html import escape

from ..judgements.direction import DOWN, SAME, UP, direction
from ..judgements.rag import AMBER, COMPARATOR_NAMES, GREEN, RED, judge
from ..observations import SYMBOLS, is_number, is_symbol
from ..periods import MONTH_KEYS

#: the series shown as columns, in this order when a sheet has them (others follow in the mapping's order)
ORDER = ["previous", "la", "sn", "england", "region", "position", "date", "baseline", "target_2026_27", "target_2027_28",
         "target_2028_29", "mean_score", "responses"]
#: RAG text colour on its fill: the workbook's pairs (contrast 5.1:1 to 6.5:1)
RAG_STYLE = {GREEN: ("#C6EFCE", "#006100", "Green"), AMBER: ("#FFEB9C", "#7A4500", "Amber"), RED: ("#FFC7CE", "#9C0006", "Red")}

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: Arial, "Liberation Sans", sans-serif; font-size: 1rem; line-height: 1.45; color: #1b1b1b; background: #fff;
       margin: 0; padding: 0 1rem 2rem; max-width: 100rem; }
a { color: #1d4f91; }
a:focus, summary:focus, .scroll:focus { outline: 3px solid #b35c00; outline-offset: 2px; }
nav li { margin: .3rem 0; }
nav a { display: inline-block; min-height: 24px; padding: .15rem 0; }
.skip { position: absolute; left: -999rem; }
.skip:focus { position: static; display: inline-block; margin: .5rem 0; padding: .5rem; background: #fff; }
header { border-bottom: 4px solid #1f3864; padding: .5rem 0 1rem; }
h1 { font-size: 1.6rem; color: #1f3864; margin: .5rem 0; }
h2 { font-size: 1.3rem; color: #1f3864; margin: 2rem 0 .5rem; }
h3 { font-size: 1.1rem; color: #1f3864; margin: 1.5rem 0 .5rem; }
figure { margin: 1rem 0 .25rem; }
figcaption { font-weight: bold; }
.meta { margin: .25rem 0; }
.warning { border-left: 6px solid #9c0006; background: #fff0f1; padding: .5rem .75rem; color: #5c0004; font-weight: bold; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; min-width: 40rem; margin: .5rem 0 1rem; font-size: .9rem; }
caption { text-align: left; font-weight: bold; padding: .25rem 0; }
th, td { border: 1px solid #767676; padding: .3rem .4rem; vertical-align: top; text-align: left; }
thead th { background: #1f3864; color: #fff; }
th.group { background: #dde5f0; color: #1b1b1b; }
tbody th[scope=row] { font-weight: normal; min-width: 14rem; }
td.num { text-align: right; white-space: nowrap; }
td.missing { color: #4a4a4a; font-style: italic; }
.rag { font-weight: bold; }
tr.prov td { border-top: 0; background: #fafafa; font-size: .85rem; }
details summary { cursor: pointer; color: #1d4f91; }
details ul { margin: .25rem 0 .25rem 1.25rem; padding: 0; }
footer { border-top: 1px solid #767676; margin-top: 2rem; padding-top: .5rem; font-size: .9rem; }
@media print {
  .skip, nav { display: none; }
  body { font-size: 9pt; max-width: none; padding: 0; }
  .scroll { overflow: visible; }
  table { min-width: 0; page-break-inside: auto; }
  tr { page-break-inside: avoid; }
  h2 { page-break-after: avoid; }
  a { color: #1b1b1b; text-decoration: none; }
}
"""
SCRIPT = "window.addEventListener('beforeprint',function(){document.querySelectorAll('details').forEach(function(d){d.open=true;});});"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "sheet"


def value_text(value: object, unit: str) -> str:
    """A value as the workbook shows it: its number in the unit's format, or the words for a missing one."""
    if is_number(value):
        whole = float(value).is_integer()
        if unit == "percent":
            return f"{value:.0f}%" if whole else f"{value:.1f}%"
        if unit == "gbp":
            return f"£{value:,.0f}" if whole else f"£{value:,.2f}"
        if unit == "gbp_m":
            return f"£{value:,.1f}m"
        if unit == "score":
            return f"{value:.1f}" if not whole or value < 100 else f"{value:,.0f}"
        return f"{value:,.0f}" if whole else f"{value:,.1f}"
    if value is None or value == "":
        return "Not shown"
    text = str(value)
    meaning = SYMBOLS.get(text.strip().lower())
    return f"{text} — {meaning}" if meaning else text


def rag_text(measure, judgement) -> str:
    """The RAG judgement in words, the colour's name first."""
    rule, tolerance = measure.rag.rule, measure.rag.tolerance
    against = "its target" if rule == "target" else COMPARATOR_NAMES.get(rule, rule)
    if judgement.rag == GREEN:
        return f"Green — at least as good as {against}"
    if judgement.rag == AMBER:
        return f"Amber — worse than {against}, by no more than {tolerance:g}"
    if judgement.rag == RED:
        return f"Red — worse than {against} by more than {tolerance:g}"
    return f"{judgement.rag} — {judgement.reason}"


def direction_text(travel) -> str:
    """The direction of travel in words: which way it moved, and whether that is better."""
    if travel.text == UP or travel.text == DOWN:
        moved = "Up" if travel.text == UP else "Down"
        return f"{moved} — {'improving' if travel.good else 'getting worse'}" if travel.good is not None else f"{moved} — not judged"
    if travel.text == SAME:
        return "No change"
    return "No previous figure to compare"


def _provenance(label: str, observation) -> str:
    p = observation.provenance
    if p is None:
        return f"<li><strong>{escape(label)}</strong>: {escape(observation.note or 'not from a file')}</li>"
    parts = [f"source {escape(p.display_path)}"]
    if p.period:
        parts.append(f"period {escape(p.period)}")
    parts.append(escape(p.transformation))
    return f"<li><strong>{escape(label)}</strong>: {'; '.join(parts)}</li>"


def render_page(mapping, la, resolved, files, *, built_at: str, version: str, period: str | None = None,
                column_titles: dict[str, str] | None = None) -> str:
    """The whole page for one built workbook (``resolved``: its measures, as the workbook writer fills them)."""
    headers = {role: la.fill(text) for role, text in mapping.headers().items()}
    headers.update(column_titles or {})
    title = la.fill(mapping.title)
    sample = [f for f in files if f.sample]
    by_sheet: dict[str, list] = {}
    for measure in resolved:
        by_sheet.setdefault(mapping.sheet_of(measure.section), []).append(measure)
    out = ['<!DOCTYPE html>', '<html lang="en-GB">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{escape(title)} — {escape(la.name)}</title>", f"<style>{CSS}</style>", f"<script>{SCRIPT}</script>", "</head>",
           "<body>", '<a class="skip" href="#main">Skip to the scorecard</a>', "<header>", f"<h1>{escape(title)}</h1>",
           f'<p class="meta">{escape(la.name)} ({escape(la.code)}). Reporting period: '
           f"{escape(period or 'the latest available for each measure')}. Built {escape(built_at)} by scorecard {escape(version)}.</p>"]
    if sample:
        out.append(f'<p class="warning">Contains sample data: {len(sample)} of {len(files)} input files are sample or synthetic. '
                   f"Do not publish these figures as {escape(la.name)}'s.</p>")
    out += ["</header>", '<nav aria-label="Contents"><h2 id="contents">Contents</h2><ul>']
    out += [f'<li><a href="#{_slug(name)}">{escape(name)}</a></li>' for name in by_sheet]
    out += ['<li><a href="#data-currency">Data currency</a></li>', "</ul></nav>", '<main id="main">']
    for name, measures in by_sheet.items():
        out += _sheet(name, measures, headers, la)
    out += ['<section aria-labelledby="data-currency">', '<h2 id="data-currency">Data currency</h2>', '<div class="scroll" role="region" '
            'aria-label="Data currency table" tabindex="0">', "<table><caption>The input files of this scorecard</caption>",
            '<thead><tr><th scope="col">Source</th><th scope="col">File</th><th scope="col">Periods covered</th>'
            '<th scope="col">Sample data</th></tr></thead><tbody>']
    for f in files:
        shown = "not read: " + f.missing if f.missing else f.display_path
        out.append(f'<tr><th scope="row">{escape(f.description or f.source_id)}</th><td>{escape(shown)}</td>'
                   f"<td>{escape(', '.join(sorted(f.periods)) or 'Not recorded')}</td><td>{'Yes' if f.sample else 'No'}</td></tr>")
    out += ["</tbody></table></div>", "</section>", "</main>",
            f"<footer><p>Every figure's source file, period and calculation is in the “Where these figures come from” entry under "
            f"its row; the workbook's Audit sheet holds the same, cell by cell. Built by scorecard {escape(version)}.</p></footer>",
            "</body>", "</html>"]
    return "\n".join(out) + "\n"


BARS = (("la", "#1F3864"), ("sn", "#4A7EBB"), ("england", "#6B6B6B"))  # each 4.5:1 or more on white, and named in the legend


def bar_chart(title: str, measures: list, headers: dict[str, str], la, chart_id: str) -> list[str]:
    """One section's LA, statistical-neighbour and England figures as an inline SVG (its own title and
    description), followed by the table of the numbers it draws — as the workbook's Charts sheet draws them."""
    rows = []
    for resolved in measures:
        values = {s: resolved.values[s].value for s, _ in BARS if s in resolved.values}
        if any(is_number(v) for v in values.values()):
            rows.append((re.sub(r"</?i>", "", la.fill(resolved.measure.label)), resolved.measure.unit, values))
    if not rows:
        return []
    top = max(float(v) for _, _, values in rows for v in values.values() if is_number(v)) or 1.0
    label_w, bar_w, step = 300, 380, 16
    height = 40 + len(rows) * (len(BARS) * step + 26)
    names = [headers.get(s, s) for s, _ in BARS]
    desc = (f"Horizontal bars for {len(rows)} measures: for each, {', '.join(names)}. "
            f"The numbers are in the table below the chart.")
    svg = [f'<figure aria-labelledby="{chart_id}-caption">', f'<figcaption id="{chart_id}-caption">{escape(title)}</figcaption>',
           f'<svg role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {label_w + bar_w + 80} {height}" '
           f'width="100%" style="max-width:{label_w + bar_w + 80}px" font-family="Arial, sans-serif" font-size="11">',
           f'<title id="{chart_id}-title">{escape(title)}</title>', f'<desc id="{chart_id}-desc">{escape(desc)}</desc>']
    x = 0
    for (series, colour), name in zip(BARS, names):  # the legend: a swatch and its name
        svg.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{colour}"/><text x="{x + 16}" y="14" fill="#1b1b1b">{escape(name)}</text>')
        x += 30 + 7 * len(name)
    y = 32
    for label, unit, values in rows:
        svg.append(f'<text x="0" y="{y + 11}" fill="#1b1b1b">{escape(label[:52] + ("…" if len(label) > 52 else ""))}</text>')
        for i, (series, colour) in enumerate(BARS):
            value = values.get(series)
            top_y = y + i * step
            if is_number(value):
                width = max(1.0, bar_w * float(value) / top)
                svg.append(f'<rect x="{label_w}" y="{top_y}" width="{width:.1f}" height="{step - 3}" fill="{colour}"/>')
                svg.append(f'<text x="{label_w + width + 4:.1f}" y="{top_y + 11}" fill="#1b1b1b">{escape(value_text(value, unit))}</text>')
            else:
                svg.append(f'<text x="{label_w}" y="{top_y + 11}" fill="#1b1b1b">{escape(value_text(value, unit))}</text>')
        y += len(BARS) * step + 26
    svg += ["</svg>", "</figure>"]
    table = [f'<div class="scroll" role="region" aria-label="Numbers of the chart: {escape(title)}" tabindex="0">',
             f"<table><caption>The numbers the chart draws: {escape(title)}</caption><thead><tr>"
             '<th scope="col">Measure</th>' + "".join(f'<th scope="col">{escape(n)}</th>' for n in names) + "</tr></thead><tbody>"]
    for label, unit, values in rows:
        table.append(f'<tr><th scope="row">{escape(label)}</th>' +
                     "".join(f'<td class="num">{escape(value_text(values.get(s), unit))}</td>' for s, _ in BARS) + "</tr>")
    table.append("</tbody></table></div>")
    return svg + table


def line_chart(label: str, unit: str, points: list[tuple[str, object]], chart_id: str) -> list[str]:
    """A measure's months as an inline SVG line (title, description, each point labelled with its number)."""
    numbers = [(i, float(v)) for i, (_, v) in enumerate(points) if is_number(v)]
    low, high = min(v for _, v in numbers), max(v for _, v in numbers)
    span = (high - low) or 1.0
    width, height, left, top, plot_h = 420, 150, 10, 28, 80
    step = (width - 2 * left) / (len(points) - 1)
    xy = [(left + i * step, top + plot_h - (v - low) / span * plot_h) for i, v in numbers]
    shown = [f"{points[i][0]} {value_text(v, unit)}" for i, v in numbers]
    desc = f"Line through {len(numbers)} months: {', '.join(shown)}. Months not yet reported are gaps."
    svg = [f'<figure aria-labelledby="{chart_id}-caption">', f'<figcaption id="{chart_id}-caption">{escape(label)}: month by month</figcaption>',
           f'<svg role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {width} {height}" width="100%" '
           f'style="max-width:{width}px" font-family="Arial, sans-serif" font-size="10">',
           f'<title id="{chart_id}-title">{escape(label)}: month by month</title>', f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
           f'<polyline fill="none" stroke="#1F3864" stroke-width="2" points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in xy)}"/>']
    for (x, y), (i, v) in zip(xy, numbers):
        svg.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#1F3864"/>'
                   f'<text x="{x:.1f}" y="{y - 7:.1f}" text-anchor="middle" fill="#1b1b1b">{escape(value_text(v, unit))}</text>')
    for i, (month, _) in enumerate(points):
        svg.append(f'<text x="{left + i * step:.1f}" y="{height - 8}" text-anchor="middle" fill="#1b1b1b">{escape(month)}</text>')
    return svg + ["</svg>", "</figure>"]


def _monthly(name: str, measures: list, headers: dict[str, str], la) -> list[str]:
    """A line chart for each measure with two or more reported months, and the table of the numbers they draw."""
    drawn = [r for r in measures if sum(1 for m in MONTH_KEYS if m in r.values and is_number(r.values[m].value)) >= 2]
    if not drawn:
        return []
    months = [headers.get(m, m.capitalize()) for m in MONTH_KEYS]
    out = [f'<h3 id="charts-{_slug(name)}">{escape(name)}: monthly trends</h3>']
    for resolved in drawn:
        label = re.sub(r"</?i>", "", la.fill(resolved.measure.label))
        points = [(month, resolved.values[m].value if m in resolved.values else None) for m, month in zip(MONTH_KEYS, months)]
        out += line_chart(label, resolved.measure.unit, points, f"chart-{_slug(name)}-{resolved.id}")
    out += ['<div class="scroll" role="region" aria-label="Numbers of the monthly charts" tabindex="0">',
            "<table><caption>The numbers the charts draw: each measure's months</caption><thead><tr><th scope=\"col\">Measure</th>"
            + "".join(f'<th scope="col">{escape(m)}</th>' for m in months) + "</tr></thead><tbody>"]
    for resolved in drawn:
        label = re.sub(r"</?i>", "", la.fill(resolved.measure.label))
        cells = "".join(f'<td class="num">{escape(_month_text(resolved, m))}</td>' for m in MONTH_KEYS)
        out.append(f'<tr><th scope="row">{escape(label)}</th>{cells}</tr>')
    return out + ["</tbody></table></div>"]


def _month_text(resolved, month: str) -> str:
    observation = resolved.values.get(month)
    if observation is None or observation.value is None:
        return "Not yet reported"
    return value_text(observation.value, resolved.measure.unit)


def _charts(name: str, measures: list, headers: dict[str, str], la) -> list[str]:
    """The sheet's charts: a bar chart per section of a sheet with LA, SN and England columns."""
    sections: dict = {}
    for resolved in measures:
        if all(s in resolved.measure.series for s in ("sn", "england")):
            sections.setdefault(resolved.section.id, (resolved.section, []))[1].append(resolved)
    out = []
    for section_id, (section, items) in sections.items():
        if len(items) >= 3:
            out += bar_chart(f"{la.fill(section.title).split(' — ')[0]}: {la.name}, statistical neighbours and England", items,
                             headers, la, f"chart-{_slug(name)}-{section_id}")
    if out:
        out = [f'<h3 id="charts-{_slug(name)}">{escape(name)}: charts</h3>'] + out
    return out


def _sheet(name: str, measures: list, headers: dict[str, str], la) -> list[str]:
    series = []
    for measure in measures:
        series += [s for s in measure.measure.series if s not in series]
    months = [m for m in MONTH_KEYS if any(m in r.values for r in measures)]
    columns = [s for s in ORDER if s in series] + [s for s in series if s not in ORDER] + months
    width = 1 + len(columns) + 2
    slug = _slug(name)
    out = [f'<section aria-labelledby="{slug}">', f'<h2 id="{slug}">{escape(name)}</h2>',
           f'<div class="scroll" role="region" aria-label="{escape(name)} table" tabindex="0">',
           f"<table><caption>{escape(name)}: each measure's latest figure, its comparators, RAG and direction of travel</caption>",
           "<thead><tr>", f'<th scope="col">{escape(headers.get("measure", "Measure"))}</th>']
    out += [f'<th scope="col">{escape(headers.get(s, s.replace("_", " ").capitalize()))}</th>' for s in columns]
    out += ['<th scope="col">RAG</th>', '<th scope="col">Direction</th>', "</tr></thead>"]
    section = None
    for resolved in measures:
        if resolved.section is not section:
            if section is not None:
                out.append("</tbody>")
            section = resolved.section
            out += ["<tbody>", f'<tr><th scope="colgroup" colspan="{width}" class="group">{escape(la.fill(section.title))}</th></tr>']
        measure, values = resolved.measure, resolved.values
        label = re.sub(r"</?i>", "", la.fill(measure.label))
        cells = {s: s for s in ("la", "sn", "england", "previous")}
        judgement = judge(measure, values, cells)
        travel = direction(values["la"], values["previous"], measure.polarity, "la", "previous") if "previous" in values else None
        row = [f'<tr><th scope="row">{escape(label)}</th>']
        for s in columns:
            observation = values.get(s)
            if s in MONTH_KEYS:
                cls = "num" if observation is not None and is_number(observation.value) else "missing"
                row.append(f'<td class="{cls}">{escape(_month_text(resolved, s) if observation else "Not monthly")}</td>')
                continue
            if observation is None or s not in measure.series and s != "previous":
                row.append('<td class="missing">Not shown for this measure</td>')
                continue
            text = value_text(observation.value, measure.unit if s not in ("mean_score", "responses") else
                              ("score" if s == "mean_score" else "count"))
            cls = "num" if is_number(observation.value) else "missing" if observation.value in (None, "") or is_symbol(observation.value) else "text"
            row.append(f'<td class="{cls}">{escape(text)}</td>')
        fill, ink, _name = RAG_STYLE.get(judgement.rag, ("#ffffff", "#1b1b1b", ""))
        row.append(f'<td class="rag" style="background:{fill};color:{ink}">{escape(rag_text(measure, judgement))}</td>')
        row.append(f"<td>{escape(direction_text(travel) if travel else 'No previous figure to compare')}</td></tr>")
        out.append("".join(row))
        entries = [_provenance(headers.get(s, s), values[s]) for s in columns if s in values and s in measure.series]
        if "previous" in values and "previous" not in measure.series:
            entries.append(_provenance(headers.get("previous", "Previous"), values["previous"]))
        entries.append(f"<li><strong>RAG</strong>: {escape(judgement.reason)}</li>")
        out.append(f'<tr class="prov"><td colspan="{width}"><details><summary>Where these figures come from: {escape(label)}'
                   f"</summary><ul>{''.join(entries)}</ul></details></td></tr>")
    if section is not None:
        out.append("</tbody>")
    charts = _charts(name, measures, headers, la) if name == "Statutory indicators" else _monthly(name, measures, headers, la) if months else []
    out += ["</table></div>"] + charts + ["</section>"]
    return out


__all__ = ["bar_chart", "direction_text", "line_chart", "rag_text", "render_page", "value_text"]
