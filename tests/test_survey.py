"""The SEND annual-review survey source: raw 1-5 responses to termly % agree and mean score."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from workbook_builder.errors import UserError
from workbook_builder.sources.survey import aggregate, read_responses, survey_results

from .conftest import ROOT
from .helpers import Scorecard

RESPONSES = ROOT / "inputs" / "sample" / "survey" / "send_annual_review_responses.csv"


def _by_hand(term_months, outcome, respondent=None):
    scores = []
    with RESPONSES.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            month = dt.date.fromisoformat(row["date"]).month
            if month in term_months and row["outcome"] == outcome and (respondent is None or row["respondent_type"] == respondent):
                scores.append(int(row["score"]))
    return scores


@pytest.mark.parametrize("term, months, respondent", [
    ("2025-26 Spring", {1, 2, 3}, None), ("2025-26 Summer", {4, 5, 6, 7, 8}, None),
    ("2025-26 Summer", {4, 5, 6, 7, 8}, "Parent carer"),
])
def test_termly_percent_agree_and_mean_match_a_hand_count(term, months, respondent):
    results = survey_results(RESPONSES)
    table = results.table
    row = table[(table.term == term) & (table.outcome == "My voice is heard") & (table.question == "All questions")
                & (table.respondent_type == (respondent or "All"))].iloc[0]
    # the lookup the resolver makes (case-insensitive) finds the same result
    picked = [r for r in results.select({"Outcome": "my voice is heard", "question": "ALL QUESTIONS",
                                         "respondent_type": respondent or "all"}) if r["term"] == term]
    assert [(r["responses"], r["agree"], r["pct_agree"], r["mean_score"]) for r in picked] == \
        [(row.responses, row.agree, row.pct_agree, row.mean_score)]
    scores = _by_hand(months, "My voice is heard", respondent)
    assert row.responses == len(scores) > 50
    assert row.agree == sum(s >= 4 for s in scores)
    assert row.pct_agree == round(100 * sum(s >= 4 for s in scores) / len(scores), 1)
    assert row.mean_score == round(sum(scores) / len(scores), 2)


def test_survey_feeds_the_voice_measure_with_provenance(sample_build):
    card = Scorecard(sample_build.output)
    scores = _by_hand({4, 5, 6, 7, 8}, "My voice is heard")
    assert card.value("voice_influence_pct", "Shropshire") == round(100 * sum(s >= 4 for s in scores) / len(scores), 1)
    audit = next(a for a in card.audit() if a["Measure id"] == "voice_influence_pct" and a["Series"] == "Shropshire")
    assert audit["Period"] == "2025-26 Summer" and audit["Source file"] == "inputs/sample/survey/send_annual_review_responses.csv"
    assert audit["Transformation"].startswith(f"% of {len(scores)} scores that are 4 or 5")


def test_a_score_outside_1_to_5_names_the_row(tmp_path):
    path = tmp_path / "responses.csv"
    path.write_text("response_id,date,respondent_type,outcome,question,score\nR1,2026-01-10,Parent carer,I feel safe,Q,4\n"
                    "R1,2026-01-10,Parent carer,I feel safe,Q2,7\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"responses.csv:3: score '7' is not a whole number from 1 to 5"):
        read_responses(path)


def test_blank_scores_are_not_answers_and_terms_follow_the_school_year(tmp_path):
    path = tmp_path / "responses.csv"
    path.write_text("response_id,date,respondent_type,outcome,question,score\n"
                    "R1,2025-12-01,Child or young person,I feel safe,Q,5\nR2,2025-09-02,Child or young person,I feel safe,Q,2\n"
                    "R3,2025-10-02,Child or young person,I feel safe,Q,\n", encoding="utf-8")
    table = aggregate(read_responses(path))
    row = table[(table.respondent_type == "All") & (table.question == "Q")].iloc[0]
    assert (row.term, row.responses, row.agree, row.pct_agree, row.mean_score) == ("2025-26 Autumn", 2, 1, 50.0, 3.5)
