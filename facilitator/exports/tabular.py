"""Every visible answer as one CSV row, for sorting and counting in a spreadsheet; then, after
each question's answers, its results (one row per option, statement, item or word, per place)
or its questions from the floor (one row each).

Named tabular.py, not csv.py, so that it does not shadow the standard library's csv module.

The header row stays in English in every language: the column names are identifiers that
spreadsheet formulas, scripts and pivot tables refer to, and the same file layout must come out
of every Facilitator. The cells the app writes itself ("Question 2", "Plenary") are words people
read, so they follow the export's language; a script tells plenary answers apart by their empty
round, not by that word.
"""

from __future__ import annotations

import csv
import io

from flask_babel import gettext

from facilitator.exports.report import RESULT_ITEMS, Report, strip_unprintable
from facilitator.meetings.models import QuestionFormat
from facilitator.timeutil import isoformat_utc

BASE_COLUMNS = ("question_label", "question", "round", "group", "answer", "theme", "votes", "created_at")
# After the author columns, so that every column a file had before keeps its place. `kind` says
# what a row is: "answer" (a written answer), "result" (one line of a question's results in one
# place) or "floor" (a question from the floor, its text in `answer`).
RESULT_COLUMNS = (
    "kind",
    "format",
    "item",
    "respondents",
    "count",
    "percent",
    "mean",
    "mean_rank",
    "borda",
    "distribution",
    "answered",
)
# Spreadsheets run a cell that starts with one of these as a formula (=HYPERLINK(…) can send data
# away); the full-width forms count too in some East Asian versions of Excel.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def neutralise(value: str) -> str:
    """A leading single quote makes a spreadsheet show the cell as text instead of evaluating it."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _cell(value: object) -> object:
    if isinstance(value, str):
        # Stripped first, so that "\x01=…" cannot slip past the check as "=…".
        return neutralise(strip_unprintable(value))
    return value


def columns_for(report: Report) -> tuple[str, ...]:
    # Author columns exist only where the attribution rule allows them: absent, never empty.
    return BASE_COLUMNS + report.author_fields + RESULT_COLUMNS


def to_csv(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    columns = columns_for(report)
    writer.writerow(columns)
    plenary = gettext("Plenary")
    for question in report.questions:
        asked = {"question_label": question.label, "question": question.text, "format": question.format}
        rows: list[dict] = []
        for section in question.sections:
            for answer in section.answers:
                rows.append(
                    {
                        **asked,
                        "kind": "answer",
                        "round": answer.round_number if answer.round_number is not None else "",
                        "group": answer.group_name if answer.group_name is not None else plenary,
                        "answer": answer.text,
                        "theme": "; ".join(answer.themes),
                        "votes": answer.votes,
                        "created_at": isoformat_utc(answer.created_at),
                        **answer.author_fields,
                    }
                )
        if question.results is not None:
            rows += [{**asked, "group": plenary, **line} for line in result_lines(question.results)]
        for place in question.group_results:
            where = {"round": place.round_number, "group": place.group_name}
            rows += [{**asked, **where, **line} for line in result_lines(place.results)]
        for item in question.floor_items:
            rows.append(
                {
                    **asked,
                    "kind": "floor",
                    "group": plenary,
                    "answer": item.text,
                    "votes": item.votes,
                    "created_at": isoformat_utc(item.created_at),
                    "answered": "true" if item.answered else "false",
                    **item.author_fields,
                }
            )
        for row in rows:
            writer.writerow([_cell(row.get(name, "")) for name in columns])
    return buffer.getvalue()


def result_lines(results: dict) -> list[dict]:
    """One row per option, statement, ranked item or word: numbers as numbers, in any language."""
    result_format = results.get("format")
    common = {"kind": "result", "respondents": results.get("respondents", 0)}
    items = results.get(RESULT_ITEMS.get(result_format, "")) or []
    if result_format == QuestionFormat.RATING:
        return [
            {
                **common,
                "item": item.get("text", ""),
                "count": item.get("count", 0),
                "mean": "" if item.get("mean") is None else item["mean"],
                # "1=0; 2=3; 3=5": how many gave each value of the scale.
                "distribution": "; ".join(
                    f"{step['value']}={step['count']}" for step in item["distribution"]
                ),
            }
            for item in items
        ]
    if result_format == QuestionFormat.RANKING:
        return [
            {
                **common,
                "item": item["text"],
                "count": item.get("count", ""),
                "mean_rank": item["mean_rank"],
                "borda": item["borda"],
            }
            for item in items
        ]
    if result_format in (QuestionFormat.SINGLE, QuestionFormat.MULTIPLE):
        return [
            {**common, "item": item["text"], "count": item["count"], "percent": item["percent"]}
            for item in items
        ]
    return [{**common, "item": item["text"], "count": item["count"]} for item in items]
