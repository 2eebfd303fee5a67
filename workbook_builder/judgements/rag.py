"""RAG judgements: one rule, two forms.

The same rule is written as a live Excel formula (so an officer's edit recolours the row)
and evaluated in Python (for the cached value every reader sees before recalculation, and
for the Audit). Rules, with polarity deciding which way is better:

* Green  — at least as good as the comparator (target, SN, England or previous value);
* Amber  — worse, but by no more than the measure's tolerance;
* Red    — worse by more than the tolerance.

Without a number to judge the result is "No data"; without a comparator, "No comparator";
measures with no rule are "Not rated". The colour is conditional formatting keyed on the
RAG text, so members who cannot tell colours apart read the same judgement as text.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..measures.mapping import Measure
from ..observations import Observation, is_number

GREEN, AMBER, RED = "G", "A", "R"
NO_DATA, NO_COMPARATOR, NOT_RATED = "No data", "No comparator", "Not rated"
RAG_COLOURS = {GREEN: ("C6EFCE", "006100"), AMBER: ("FFEB9C", "9C5700"), RED: ("FFC7CE", "9C0006")}  # fill, font

COMPARATOR_NAMES = {"target": "target", "sn": "statistical neighbours", "england": "England", "previous": "previous period"}


@dataclass(frozen=True)
class Judgement:
    rag: str
    reason: str
    formula: str | None  # Excel formula (no leading '=') or None when the RAG is constant text


def _fmt(number: float) -> str:
    """A constant for a formula at full precision (Excel keeps 15 significant digits)."""
    text = format(float(number), ".15g")
    return text if "e" not in text else repr(float(number))


def judge(measure: Measure, values: dict[str, Observation], cells: dict[str, str]) -> Judgement:
    """The RAG of a measure from its resolved values; ``cells`` maps la/sn/england/previous to the A1
    references the live formula reads (the writer has checked the rule's comparator has a cell)."""
    rule, tolerance = measure.rag.rule, measure.rag.tolerance
    if rule == "none":
        return Judgement(NOT_RATED, "no RAG rule for this measure (context or no comparator yet)", None)
    value = values["la"].value
    if rule == "target":
        target = values.get("target")
        if target is None or not is_number(target.value):  # another LA's plan: no target to judge against
            return Judgement(NO_COMPARATOR, f"no target to judge against ({target.note if target else 'none stated'})", None)
        comparator, comparator_ref = measure.target, _fmt(measure.target)
    else:
        comparator, comparator_ref = values[rule].value, cells[rule]
    formula = excel_formula(cells["la"], comparator_ref, measure.polarity, tolerance, constant=rule == "target")
    name = COMPARATOR_NAMES[rule]
    if not is_number(value):
        return Judgement(NO_DATA, f"no {measure.id} value to judge ({value})", formula)
    if not is_number(comparator):
        return Judgement(NO_COMPARATOR, f"{name} value not available ({comparator})", formula)
    rag = evaluate(float(value), float(comparator), measure.polarity, tolerance)
    better = ">=" if measure.polarity == "higher_is_better" else "<="
    reason = f"{value} against {name} {comparator} ({'higher' if better == '>=' else 'lower'} is better; tolerance {_fmt(tolerance)})"
    return Judgement(rag, reason, formula)


def evaluate(value: float, comparator: float, polarity: str, tolerance: float) -> str:
    """The Python twin of :func:`excel_formula`."""
    # The same comparisons as the formula, with the threshold rounded as Excel's 15-digit arithmetic rounds it,
    # so that the cached text always equals what Excel or LibreOffice recalculates (1.2 >= 2.2-1 is true there).
    if polarity == "higher_is_better":
        if value >= comparator:
            return GREEN
        return AMBER if value >= _excel(comparator - tolerance) else RED
    if value <= comparator:
        return GREEN
    return AMBER if value <= _excel(comparator + tolerance) else RED


def _excel(number: float) -> float:
    return float(format(number, ".15g"))


def excel_formula(value_ref: str, comparator_ref: str, polarity: str, tolerance: float, *, constant: bool = False) -> str:
    v, c, t = value_ref, comparator_ref, _fmt(tolerance)
    if polarity == "higher_is_better":
        test = f'IF({v}>={c},"G",IF({v}>={c}-{t},"A","R"))'
    else:
        test = f'IF({v}<={c},"G",IF({v}<={c}+{t},"A","R"))'
    guard = "" if constant else f'IF(NOT(ISNUMBER({c})),"{NO_COMPARATOR}",'
    close = "" if constant else ")"
    return f'IF(NOT(ISNUMBER({v})),"{NO_DATA}",{guard}{test}{close})'


def cf_rules(rag_ref: str) -> dict[str, str]:
    """Conditional-format formulas keyed on the RAG text cell (absolute column, relative row)."""
    return {rag: f'{rag_ref}="{rag}"' for rag in (GREEN, AMBER, RED)}
