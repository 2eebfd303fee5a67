"""Reconciliation judgements: does a local figure agree with the one DfE published?

One of six statuses, with the difference and a sentence saying why:

``match``              equal;
``within_tolerance``   explained by DfE's rounding (percentages and rates are published as whole
                       numbers, so a local 54.4 published as 54 agrees) or within the tolerance;
``mismatch``           anything else — the explanation says by how much;
``suppressed``         DfE publishes a symbol (``c``, ``z``, …) instead of a number;
``missing_local``      no local figure for the period;
``missing_published``  no published row for the LA and period.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..observations import NO_DATA, SYMBOLS

STATUSES = ("match", "within_tolerance", "mismatch", "suppressed", "missing_local", "missing_published")
WHOLE_NUMBERS = ("percent", "rate_per_10k")  # DfE rounds these to whole numbers in LA tables
#: fill and font colour of each status in a report (the text says the status; colour is a second cue)
STATUS_COLOURS = {"match": ("C6EFCE", "006100"), "within_tolerance": ("E2EFDA", "375623"), "mismatch": ("FFC7CE", "9C0006"),
                  "suppressed": ("EDEDED", "404040"), "missing_local": ("FFEB9C", "9C5700"), "missing_published": ("FFEB9C", "9C5700")}


@dataclass(frozen=True)
class Comparison:
    """A local figure against the published one: the status, local minus published, and why."""

    status: str
    difference: float | None
    explanation: str


def compare_with_published(local: float | None, published: object, *, period: str, unit: str, tolerance: float) -> Comparison:
    """Judge ``local`` against DfE's ``published`` value (a number, a symbol or "No data") for ``period``."""
    if published == NO_DATA:
        return Comparison("missing_published", None, f"no published row for this LA in {period}")
    if isinstance(published, str):
        return Comparison("suppressed", None, f"DfE publishes '{published}' ({SYMBOLS.get(published.lower(), 'a symbol')}), not a number")
    if local is None:
        return Comparison("missing_local", None, f"no local figure for {period}; DfE publishes {published}")
    difference = round(local - published, 10)
    if difference == 0:
        return Comparison("match", 0.0, "equal to the published figure")
    if unit in WHOLE_NUMBERS and math.floor(local + 0.5) == published:
        return Comparison("within_tolerance", difference, f"DfE publishes whole numbers: local {local:g} rounds to {published}")
    if abs(difference) <= tolerance:
        return Comparison("within_tolerance", difference, f"differs by {difference:+g}, within the tolerance of {tolerance:g}")
    return Comparison("mismatch", difference, f"local {local:g} against published {published}: {difference:+g}")
