"""Every visible answer as one CSV row, for sorting and counting in a spreadsheet.

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

from facilitator.exports.report import Report, strip_unprintable
from facilitator.timeutil import isoformat_utc

BASE_COLUMNS = ("question_label", "question", "round", "group", "answer", "theme", "votes", "created_at")
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
    return BASE_COLUMNS + report.author_fields


def to_csv(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    columns = columns_for(report)
    writer.writerow(columns)
    plenary = gettext("Plenary")
    for question, answer in report.answers():
        row = {
            "question_label": question.label,
            "question": question.text,
            "round": answer.round_number if answer.round_number is not None else "",
            "group": answer.group_name if answer.group_name is not None else plenary,
            "answer": answer.text,
            "theme": "; ".join(answer.themes),
            "votes": answer.votes,
            "created_at": isoformat_utc(answer.created_at),
            **answer.author_fields,
        }
        writer.writerow([_cell(row[name]) for name in columns])
    return buffer.getvalue()
