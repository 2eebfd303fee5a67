"""Reader for SEND annual-review survey responses (SEND and AP Outcomes Framework; source kind ``survey``).

Children and young people, and parent carers, answer each question on a 1–5 scale at the
Annual Review; results are aggregated termly. Input: one row per response and question,
with columns ``response_id, date, respondent_type, outcome, question, score``. Output: a
long table with, per term, respondent type (and "All"), outcome and question (and "All
questions" per outcome): ``responses``, ``agree`` (scores of 4 or 5), ``pct_agree`` and
``mean_score``. Terms follow the school year: Autumn (Sep–Dec), Spring (Jan–Mar),
Summer (Apr–Aug), labelled like ``2025-26 Autumn`` — labels that sort in time order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import pandas as pd

from .. import csvfile
from ..errors import UserError
from ..observations import Observation
from .base import Context
from .locator import Locator

KIND = "survey"
SCOPE = "local"  # one council's own responses

COLUMNS = ("response_id", "date", "respondent_type", "outcome", "question", "score")
ALL_RESPONDENTS, ALL_QUESTIONS = "All", "All questions"


def term_of(dates: pd.Series) -> pd.Series:
    """School term labels ('2025-26 Autumn') for a series of dates."""
    month, year = dates.dt.month, dates.dt.year
    start = year.where(month >= 9, year - 1)
    name = pd.Series("Summer", index=dates.index).mask(month >= 9, "Autumn").mask(month <= 3, "Spring")
    return start.astype(str) + "-" + ((start + 1) % 100).astype(str).str.zfill(2) + " " + name


def read_responses(path: Path) -> pd.DataFrame:
    """Raw responses, checked: every score a whole number 1–5 (blank = not answered, dropped)."""
    header, records = csvfile.records(path, required=tuple(COLUMNS), what="survey responses CSV")
    frame = pd.DataFrame([row for _line, row in records], index=[line for line, _row in records],
                         columns=[c for c in header if c], dtype=str)  # indexed by the line each response is on
    frame = frame[frame["score"].str.strip() != ""].copy()
    scores = pd.to_numeric(frame["score"].str.strip(), errors="coerce")
    bad = frame.index[~scores.isin([1, 2, 3, 4, 5])]
    if len(bad):
        row = int(bad[0])
        raise UserError(f"{path}:{row}: score '{frame.loc[bad[0], 'score']}' is not a whole number from 1 to 5",
                        hint="Scores are 1 (strongly disagree) to 5 (strongly agree); leave blank when not answered.")
    dates = pd.to_datetime(frame["date"].str.strip(), format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        row = int(frame.index[dates.isna()][0])
        raise UserError(f"{path}:{row}: date '{frame.loc[frame.index[dates.isna()][0], 'date']}' is not YYYY-MM-DD")
    frame["score"] = scores.astype(int)
    frame["term"] = term_of(dates)
    return frame


def aggregate(responses: pd.DataFrame) -> pd.DataFrame:
    """Termly '% agree (4–5)' and mean score, by respondent type and overall, per question and per outcome."""
    data = responses.assign(agree=(responses["score"] >= 4).astype(int))
    everyone = data.assign(respondent_type=ALL_RESPONDENTS)
    both = pd.concat([data, everyone], ignore_index=True)
    per_outcome = both.assign(question=ALL_QUESTIONS)
    stacked = pd.concat([both, per_outcome], ignore_index=True)
    keys = ["term", "respondent_type", "outcome", "question"]
    table = stacked.groupby(keys, sort=True).agg(responses=("score", "size"), agree=("agree", "sum"),
                                                 mean_score=("score", "mean")).reset_index()
    table["pct_agree"] = (100 * table["agree"] / table["responses"]).round(1)
    table["mean_score"] = table["mean_score"].round(2)
    return table


@dataclass(frozen=True)
class SurveyResults:
    """The aggregated table of one responses file, with its rows as plain records for lookups.

    A dashboard asks for dozens of single results (one outcome, question and respondent
    type in one term); matching those against a list of a few hundred records is far
    cheaper than a pandas mask per question.
    """

    table: pd.DataFrame
    scored: int  # scored responses read
    records: tuple[dict, ...]
    _indexes: dict = field(default_factory=dict, repr=False, compare=False)  # filter columns -> index (see _index)

    @property
    def columns(self) -> list[str]:
        """The aggregated table's columns: what a survey locator's ``column`` and ``filters`` may name."""
        return list(self.table.columns)

    @cached_property
    def terms(self) -> list[str]:
        """The terms the responses cover, in time order (the labels sort as the terms fall)."""
        return sorted({r["term"] for r in self.records})

    def select(self, filters: dict[str, str]) -> list[dict]:
        """Records whose columns equal every filter, case-insensitively; ``KeyError`` names an unknown column."""
        wanted = {name.lower(): str(value).casefold() for name, value in filters.items()}
        for name in wanted:
            if name not in self.table.columns:
                raise KeyError(name)
        names = tuple(sorted(wanted))
        return list(self._index(names).get(tuple(wanted[n] for n in names), ()))

    def _index(self, names: tuple[str, ...]) -> dict[tuple[str, ...], list[dict]]:
        """Records grouped by their case-folded values of ``names``, built once per set of filter columns."""
        if names not in self._indexes:
            index: dict[tuple[str, ...], list[dict]] = {}
            for record in self.records:
                index.setdefault(tuple(str(record[n]).casefold() for n in names), []).append(record)
            self._indexes[names] = index
        return self._indexes[names]


@lru_cache(maxsize=8)
def _survey_results(path: str, mtime_ns: int) -> SurveyResults:
    responses = read_responses(Path(path))
    table = aggregate(responses)
    return SurveyResults(table, len(responses), tuple(table.to_dict("records")))


def survey_results(path: Path) -> SurveyResults:
    """The aggregated results of a responses file, read once per file version."""
    return _survey_results(str(path), path.stat().st_mtime_ns)


def check(locator: Locator) -> str | None:
    if locator.column is None or not locator.filters:
        return ("a survey locator needs `filters` (outcome, question, respondent_type) and `column` "
                "(pct_agree, mean_score, responses or agree)")
    return None


def observe(locator: Locator, area: str, context: Context) -> Observation:
    """One result of one term: the share agreeing (4 or 5), the mean score or a count, for the outcome,
    question and respondent type the filters name, in the term ``period`` picks (latest by default)."""
    record = context.file
    results = survey_results(record.path)
    record.rows_read = results.scored
    try:
        rows = results.select(locator.filters)
    except KeyError as exc:
        raise UserError(f"{record.path}: survey results have no column '{exc.args[0]}'",
                        hint=f"Columns: {', '.join(results.columns)}") from None
    if not rows:
        raise UserError(f"{record.path}: no survey results match {dict(locator.filters)}", hint="Check outcome, question and respondent_type.")
    column = locator.column.lower()
    if column not in results.columns:
        raise UserError(f"{record.path}: survey results have no column '{locator.column}'", hint="Use pct_agree, mean_score, responses or agree.")
    record.periods.update(results.terms)
    term = context.pick(sorted({r["term"] for r in rows}), locator.period)
    matches = [r for r in rows if r["term"] == term]
    if len(matches) != 1:
        raise UserError(f"{record.path}: {len(matches)} survey results match {dict(locator.filters)} in {term}",
                        hint="Add filters for respondent_type, outcome and question.")
    row = matches[0]
    value = row[column]
    value = int(value) if isinstance(value, float) and value.is_integer() else value
    how = {"pct_agree": f"% of {row['responses']} scores that are 4 or 5 ({row['agree']} agree), rounded to 1 dp",
           "mean_score": f"mean of {row['responses']} scores (1–5), rounded to 2 dp"}.get(column, "count of scored responses")
    return Observation(value=value, provenance=context.provenance(
        f"responses with term={term}; {locator.filters_text}; column {column}", period=term, transformation=how))


def describe(locators: list[Locator]) -> list[str]:
    """The responses file's columns, with an example row."""
    outcomes = sorted({str(loc.filters.get("outcome")) for loc in locators if loc.filters.get("outcome")})
    return [f"One row per response and question, with the columns {', '.join(f'`{c}`' for c in COLUMNS)}; for example "
            "`R0001, 2026-01-21, Parent carer, My voice is heard, <question>, 4` (score 1-5; blank when not answered).",
            f"Outcomes read: {', '.join(f'`{o}`' for o in outcomes)}." if outcomes else ""]
