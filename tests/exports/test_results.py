"""Results of choice, rating, ranking and word questions, and questions from the floor, in the
report and in every format that renders it."""

import csv
import io

import docx
import pytest
from flask_babel import force_locale

from facilitator.exports.archive import to_json
from facilitator.exports.docx import to_docx
from facilitator.exports.markdown import to_markdown
from facilitator.exports.report import build_report
from facilitator.exports.tabular import BASE_COLUMNS, RESULT_COLUMNS, to_csv
from tests.exports.ballot_meeting import (
    ANONYMOUS_ITEM,
    CHOICE,
    FLOOR,
    HIDDEN_ITEM,
    MERGED_ITEM,
    MULTIPLE,
    NAMED_ITEM,
    PENDING_ITEM,
    RANKING,
    RATING,
    WORDS,
)
from tests.exports.conftest import PEOPLE
from tests.exports.helpers import FORMATS, exported

NEVER_LEAVES = (HIDDEN_ITEM, PENDING_ITEM, MERGED_ITEM)


def section(report, text):
    return next(q for q in report.questions if q.text == text)


def test_report_has_each_ballot_questions_results_where_it_was_asked(ballot_meeting):
    h = ballot_meeting("named")
    report = build_report(h.meeting())
    choice = section(report, CHOICE)
    assert choice.format == "single" and choice.is_ballot and choice.group_results == []
    # The withdrawn ballot is not counted.
    assert choice.results["respondents"] == 4
    assert [(o["text"], o["count"], o["percent"]) for o in choice.results["options"]] == [
        ("Wells", 3, 75.0),
        ("Schools", 1, 25.0),
        ("Roads", 0, 0.0),
    ]
    assert choice.overview == "4 people responded."
    assert choice.sections == [] and choice.themes == [] and choice.floor_items == []

    # Asked in the breakout round only: each group's results, no empty plenary chart.
    rating = section(report, RATING)
    assert rating.results is None
    assert [(g.place, g.results["respondents"]) for g in rating.group_results] == [
        ("Round 1 · Group 1", 3),
        ("Round 1 · Group 2", 3),
    ]
    assert rating.overview == "6 responses (Round 1 · Group 1: 3, Round 1 · Group 2: 3)."
    assert [g.results["format"] for g in section(report, MULTIPLE).group_results] == ["multiple", "multiple"]

    ranking = section(report, RANKING).results
    assert [(i["text"], i["borda"]) for i in ranking["ranking"]] == [
        ("Repair", 5),
        ("Train", 3),
        ("Build", 1),
    ]
    words = section(report, WORDS).results
    assert words["words"][0] == {"text": "Water", "count": 2}


def test_floor_items_are_listed_by_support_and_never_those_that_stay_in_the_room(ballot_meeting):
    h = ballot_meeting("named")
    floor = section(build_report(h.meeting()), FLOOR)
    assert floor.is_floor and floor.sections == [] and floor.top_answers == []
    assert [(i.text, i.votes, i.answered) for i in floor.floor_items] == [
        (ANONYMOUS_ITEM, 3, False),
        (NAMED_ITEM, 2, True),  # with the merged duplicate's vote
    ]
    assert floor.overview == "2 questions from the floor (answered: 1)."


@pytest.mark.parametrize(
    ("attribution", "named_author"),
    [
        ("named", "Amina Diallo · Senegal"),
        ("affiliation", "Senegal · Ministry of Women"),
        ("anonymous", None),
    ],
)
def test_floor_items_follow_the_attribution_rule_and_their_own_anonymity(
    ballot_meeting, attribution, named_author
):
    h = ballot_meeting(attribution)
    items = {i.text: i for i in section(build_report(h.meeting()), FLOOR).floor_items}
    assert items[NAMED_ITEM].author == named_author
    # Its author asked not to be named: nobody is, whatever the meeting's rule.
    assert items[ANONYMOUS_ITEM].author is None and items[ANONYMOUS_ITEM].author_fields == {}


@pytest.mark.parametrize("fmt", FORMATS)
def test_hidden_pending_and_merged_floor_items_appear_in_no_export(ballot_meeting, fmt):
    h = ballot_meeting("named")
    texts = exported(h.meeting(), fmt)
    everything = "\n".join(texts.values())
    assert NAMED_ITEM in everything and ANONYMOUS_ITEM in everything
    assert [text for text in NEVER_LEAVES if text in everything] == []


@pytest.mark.parametrize("fmt", ["docx", "md", "csv"])
def test_an_anonymous_floor_item_names_nobody_in_any_report(ballot_meeting, fmt):
    h = ballot_meeting("named")
    # Bruno Keller wrote nothing but the question he asked without being named.
    everything = "\n".join(exported(h.meeting(), fmt).values())
    assert ANONYMOUS_ITEM in everything and "Amina Diallo" in everything
    assert "Bruno Keller" not in everything


def test_an_anonymous_floor_item_has_no_author_in_a_named_archive(ballot_meeting):
    h = ballot_meeting("named")
    answers = {a["text"]: a for a in to_json(h.meeting())["answers"]}
    assert "author" not in answers[ANONYMOUS_ITEM] and answers[ANONYMOUS_ITEM]["anonymous"] is True
    assert answers[NAMED_ITEM]["author"] and answers[NAMED_ITEM]["anonymous"] is False
    assert answers[NAMED_ITEM]["answered_at"].endswith("Z") and answers[ANONYMOUS_ITEM]["answered_at"] is None


@pytest.mark.parametrize("fmt", FORMATS)
def test_anonymous_meeting_with_ballots_and_floor_names_nobody(ballot_meeting, fmt):
    h = ballot_meeting("anonymous")
    everything = "\n".join(exported(h.meeting(), fmt).values())
    assert [value for person in PEOPLE for value in person if value in everything] == []
    assert "Wells" in everything and NAMED_ITEM in everything


def test_word_report_has_a_results_table_per_place_and_a_numbered_floor_list(ballot_meeting):
    h = ballot_meeting("named")
    document = docx.Document(io.BytesIO(to_docx(build_report(h.meeting()))))
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    choice = next(t for t in tables if t[0][:3] == ["Option", "Answers", "Percent"])
    assert choice[1][:3] == ["Wells", "3", "75.0%"] and choice[1][3] == "\u2588" * 15
    assert choice[3][3] == ""  # nobody chose Roads: no bar
    rating = [t for t in tables if t[0] == ["Statement", "Mean", "Answers", "Distribution"]]
    assert len(rating) == 2 and rating[0][1][1:3] == ["2.33", "3"]
    assert rating[0][1][3] == "1: 0 · 2: 2 · 3: 1 · 4: 0 · 5: 0"
    ranking = next(t for t in tables if t[0][:4] == ["Rank", "Item", "Mean rank", "Borda points"])
    assert ranking[1][:4] == ["1", "Repair", "1.33", "5"]
    assert next(t for t in tables if t[0][:2] == ["Word", "Mentions"])[1][:2] == ["Water", "2"]
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert ("Heading 2", "Results") in paragraphs and ("Heading 3", "Round 1 · Group 2") in paragraphs
    assert ("Heading 2", "Questions from the floor") in paragraphs
    texts = [text for _, text in paragraphs]
    assert f"1. {ANONYMOUS_ITEM}\n3 votes" in texts
    assert f"2. {NAMED_ITEM}\nAmina Diallo · Senegal · 2 votes · answered" in texts
    assert "Scale: 1 (Not at all) to 5 (Completely)." in texts


def test_markdown_report_has_results_tables_and_the_floor_list(ballot_meeting):
    h = ballot_meeting("named")
    markdown = to_markdown(build_report(h.meeting()))
    assert "| Option | Answers | Percent |\n| --- | ---: | ---: |\n| Wells | 3 | 75.0% |" in markdown
    assert "#### Round 1 · Group 1\n\n*Scale: 1 (Not at all) to 5 (Completely).*" in markdown
    assert "| 1 | Repair | 1.33 | 5 |" in markdown
    assert "| Water | 2 |" in markdown
    assert f"1. {ANONYMOUS_ITEM}\\\n   *3 votes*\n2. {NAMED_ITEM}\\" in markdown
    assert "*Amina Diallo · Senegal · 2 votes · answered*" in markdown


def test_markdown_escapes_option_texts(ballot_meeting):
    h = ballot_meeting("named")
    question = h.question(CHOICE)
    question.options[0].text = "| [x](javascript:alert(1)) |"
    report = build_report(h.meeting())
    assert "| \\| \\[x\\](javascript:alert(1)) \\| | 3 | 75.0% |" in to_markdown(report)


def test_csv_adds_result_and_floor_rows_after_the_columns_it_had(ballot_meeting):
    h = ballot_meeting("named")
    text = to_csv(build_report(h.meeting()))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == (*BASE_COLUMNS, "name", "country", "organisation", *RESULT_COLUMNS)
    results = [r for r in rows if r["kind"] == "result"]
    wells = next(r for r in results if r["item"] == "Wells")
    assert (wells["format"], wells["group"], wells["round"]) == ("single", "Plenary", "")
    assert (wells["respondents"], wells["count"], wells["percent"]) == ("4", "3", "75.0")
    rating = [r for r in results if r["format"] == "rating"]
    assert [(r["group"], r["round"], r["mean"], r["count"]) for r in rating] == [
        ("Group 1", "1", "2.33", "3"),
        ("Group 2", "1", "3.33", "3"),
    ]
    assert rating[0]["distribution"] == "1=0; 2=2; 3=1; 4=0; 5=0"
    repair = next(r for r in results if r["item"] == "Repair")
    assert (repair["mean_rank"], repair["borda"]) == ("1.33", "5")
    assert next(r for r in results if r["item"] == "Water")["count"] == "2"
    floor = [r for r in rows if r["kind"] == "floor"]
    assert [(r["answer"], r["votes"], r["answered"], r["name"]) for r in floor] == [
        (ANONYMOUS_ITEM, "3", "false", ""),
        (NAMED_ITEM, "2", "true", "Amina Diallo"),
    ]
    assert floor[0]["country"] == "" and floor[0]["organisation"] == ""


def test_themes_are_for_written_answers_only(ballot_meeting):
    h = ballot_meeting("named")
    asked = []

    def themes_for(question, answers):
        asked.append(question.text)
        return [{"label": "Everything", "answer_ids": [a.id for a in answers]}]

    report = build_report(h.meeting(), themes_for=themes_for)
    assert asked == [] and all(q.themes == [] for q in report.questions)


def test_results_in_french_use_the_languages_numbers_and_words(ballot_meeting):
    h = ballot_meeting("named")
    with force_locale("fr"):
        report = build_report(h.meeting())
        markdown = to_markdown(report)
        rows = list(csv.DictReader(io.StringIO(to_csv(report))))
    assert "| Wells | 3 | 75,0\u00a0% |" in markdown
    assert "*Échelle : de 1 (Not at all) à 5 (Completely).*" in markdown
    assert "| Énoncé | Moyenne | Réponses | Répartition |" in markdown
    assert "2 questions de la salle (traitées : 1)." in markdown
    assert "*Amina Diallo · Senegal · 2 soutiens · traitée*" in markdown
    # The CSV's numbers stay numbers a spreadsheet reads, whatever the language.
    assert next(r for r in rows if r["item"] == "Wells")["percent"] == "75.0"


def test_participation_counts_written_answers_questions_from_the_floor_and_votes_apart(ballot_meeting):
    from facilitator.answers.models import Ballot
    from facilitator.extensions import db

    h = ballot_meeting("named")
    participation = build_report(h.meeting()).participation
    standing = db.session.scalars(db.select(Ballot.participant_id).where(Ballot.response.is_not(None))).all()
    assert participation.answers == 0  # the meeting asked nothing in writing
    assert participation.floor_questions == 2  # hidden, pending and merged ones never leave the meeting
    assert participation.ballots == len(standing) > 0
    # Everyone who voted took part, though none of them wrote an answer.
    assert participation.contributors >= len(set(standing))
    markdown = to_markdown(build_report(h.meeting())).replace("**", "")
    assert f"Votes on choice, rating, ranking and word questions: {len(standing)}" in markdown
