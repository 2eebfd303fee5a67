"""Direction of travel: latest value against the previous period.

The arrow says which way the number moved (▲ up, ▼ down, ► no change); the colour, set by
conditional formatting from the measure's polarity, says whether that is good (green) or
bad (red), as in ChAT ("Decreasing, low is good"). Context-only measures stay grey.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..observations import Observation, is_number

UP, DOWN, SAME, NONE = "▲ Up", "▼ Down", "► Same", "–"


@dataclass(frozen=True)
class Direction:
    text: str
    good: bool | None  # None: no judgement (no previous value, no change, or context-only)
    formula: str


def excel_formula(la_ref: str, previous_ref: str) -> str:
    v, p = la_ref, previous_ref
    return f'IF(AND(ISNUMBER({v}),ISNUMBER({p})),IF({v}>{p},"{UP}",IF({v}<{p},"{DOWN}","{SAME}")),"{NONE}")'


def direction(la: Observation, previous: Observation, polarity: str, la_ref: str, previous_ref: str) -> Direction:
    formula = excel_formula(la_ref, previous_ref)
    if not (is_number(la.value) and is_number(previous.value)):
        return Direction(NONE, None, formula)
    if la.value == previous.value:
        return Direction(SAME, None, formula)
    text = UP if la.value > previous.value else DOWN
    if polarity == "context":
        return Direction(text, None, formula)
    return Direction(text, (la.value > previous.value) == (polarity == "higher_is_better"), formula)


def cf_rules(la_ref: str, previous_ref: str, polarity: str) -> dict[str, str]:
    """Formulas for a green (good) and red (bad) font on the direction cell."""
    both = f"ISNUMBER({la_ref}),ISNUMBER({previous_ref})"
    up, down = f"AND({both},{la_ref}>{previous_ref})", f"AND({both},{la_ref}<{previous_ref})"
    if polarity == "higher_is_better":
        return {"good": up, "bad": down}
    if polarity == "lower_is_better":
        return {"good": down, "bad": up}
    return {}
