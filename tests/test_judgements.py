"""RAG and direction: the Python judgement and the Excel formula are the same rule."""

from __future__ import annotations

import pytest

from workbook_builder.judgements import direction, rag


@pytest.mark.parametrize("value, comparator, polarity, tolerance, expected", [
    (54, 59, "higher_is_better", 3, "R"),
    (57, 59, "higher_is_better", 3, "A"),
    (59, 59, "higher_is_better", 3, "G"),
    (111, 68, "lower_is_better", 10, "R"),
    (75, 68, "lower_is_better", 10, "A"),
    (7, 21, "lower_is_better", 2, "G"),
    (9.3, 9, "lower_is_better", 0.5, "A"),
    (9.6, 9, "lower_is_better", 0.5, "R"),
])
def test_rag_rule_honours_polarity_and_tolerance(value, comparator, polarity, tolerance, expected):
    assert rag.evaluate(value, comparator, polarity, tolerance) == expected


def test_rag_formula_is_the_same_rule():
    assert rag.excel_formula("$D7", "$F7", "lower_is_better", 2) == (
        'IF(NOT(ISNUMBER($D7)),"No data",IF(NOT(ISNUMBER($F7)),"No comparator",IF($D7<=$F7,"G",IF($D7<=$F7+2,"A","R"))))')
    assert rag.excel_formula("$D9", "77", "higher_is_better", 10, constant=True) == (
        'IF(NOT(ISNUMBER($D9)),"No data",IF($D9>=77,"G",IF($D9>=77-10,"A","R")))')


def test_direction_arrow_and_judgement():
    from workbook_builder.observations import Observation

    down = direction.direction(Observation(111, None), Observation(119, None), "lower_is_better", "$D7", "$K7")
    assert (down.text, down.good) == ("▼ Down", True)
    up = direction.direction(Observation(9.3, None), Observation(9.1, None), "lower_is_better", "$D7", "$K7")
    assert (up.text, up.good) == ("▲ Up", False)
    missing = direction.direction(Observation("c", None), Observation(9.1, None), "higher_is_better", "$D7", "$K7")
    assert (missing.text, missing.good) == ("–", None)
    assert direction.cf_rules("$D7", "$K7", "context") == {}
