"""What a report says about a meeting, before any format renders it."""

from datetime import datetime

from facilitator.answers.models import Answer
from facilitator.answers.payloads import author_label
from facilitator.breakouts.models import BreakoutGroup
from facilitator.exports.report import build_report
from facilitator.extensions import db
from facilitator.joining.models import Participant
from facilitator.meetings.models import Meeting
from tests.exports.conftest import DELETED_TEXT, HIDDEN_TEXT


def test_report_follows_the_meeting(held):
    h = held("named")
    report = build_report(h.meeting())
    assert report.title.startswith("Learning session") and report.attribution == "named"
    assert [q.label for q in report.questions] == [
        "Question 1",
        "Question 2",
        "Question 3",
        "Plenary question 1",
    ]
    first = report.questions[0]
    rapporteurs = {g: db.session.get(BreakoutGroup, g).rapporteur_id for g in h.group_ids}
    labels = {g: author_label(h.meeting(), db.session.get(Participant, p)) for g, p in rapporteurs.items()}
    assert [(s.place, s.rapporteur) for s in first.summaries] == [
        ("Round 1 · Group 1", labels[h.group_ids[0]]),
        ("Round 1 · Group 2", labels[h.group_ids[1]]),
    ]
    assert first.summaries[0].text == "Water points first, then the repair teams.\nWomen's groups lead."
    # Most supported: by votes, and only answers someone supported.
    assert [(a.text, a.votes) for a in first.top_answers] == [
        ("Map every water point", 2),
        ("Solar pumps for the dry season", 1),
    ]
    assert first.themes == []  # no clustering given: nothing invented
    assert [section.title for section in first.sections] == ["Round 1 · Group 1", "Round 1 · Group 2"]
    plenary = report.questions[2]
    assert [s.title for s in plenary.sections] == ["Plenary"]
    assert [a.text for a in plenary.sections[0].answers] == [
        "Fund the village wells first",
        "Train local repair teams",
    ]
    assert report.questions[3].sections[0].answers[0].text == "Share the budget openly"
    assert report.questions[0].overview.startswith("3 answers (Round 1 · Group 1: 2, Round 1 · Group 2: 1)")


def test_hidden_and_deleted_answers_are_not_in_the_report(held):
    report = build_report(held("named").meeting())
    texts = {answer.text for _, answer in report.answers()}
    assert HIDDEN_TEXT not in texts and DELETED_TEXT not in texts
    assert len(texts) == report.participation.answers == 7


def test_participation_counts_people_by_country_and_organisation(held):
    h = held("affiliation")
    # Spellings that differ only in case and spaces are one country; the common spelling names it.
    for pid, country in zip(h.participant_ids[:3], ["Kenya", " kenya ", "KENYA"], strict=True):
        db.session.get(Participant, pid).country = country
    db.session.get(Participant, h.participant_ids[3]).country = ""
    db.session.commit()
    participation = build_report(h.meeting()).participation
    authors = db.session.scalars(
        db.select(Answer.participant_id).where(Answer.deleted_at.is_(None), Answer.hidden_at.is_(None))
    )
    assert participation.participants == 6 and participation.contributors == len(set(authors)) > 1
    assert [(c.label, c.count) for c in participation.by_country] == [
        ("Kenya", 3),
        ("Finland", 1),
        ("Gambia", 1),
        ("Not given", 1),
    ]
    assert participation.countries == 3
    assert len(participation.by_organisation) == 6


def test_fields_the_meeting_never_asked_for_are_left_out(make_meeting):
    world = make_meeting(phones=2, organisation_field="off")
    participation = build_report(db.session.get(Meeting, world.meeting_id)).participation
    assert participation.by_organisation is None and participation.organisations is None
    assert [(c.label, c.count) for c in participation.by_country] == [("Country 0", 1), ("Country 1", 1)]


def test_a_meeting_without_answers_still_has_a_report(make_meeting):
    world = make_meeting(phones=0)
    report = build_report(db.session.get(Meeting, world.meeting_id))
    assert report.participation.participants == 0
    assert [q.overview for q in report.questions] == ["No answers."] * 3


def test_themes_come_from_the_clustering_and_never_bring_back_a_hidden_answer(held):
    h = held("named")
    seen = {}

    def themes_for(question, answers):
        seen[question.id] = [a.text for a in answers]
        if question.id != h.question_ids[0]:
            return []
        return [
            {
                "label": "Water first",
                "groups": [h.group_ids[0], h.group_ids[1]],
                "votes": 3,
                "answer_ids": [
                    h.answer_ids["Map every water point"],
                    h.answer_ids["Solar pumps for the dry season"],
                    h.answer_ids[DELETED_TEXT],
                ],
            }
        ]

    report = build_report(h.meeting(), themes_for=themes_for)
    assert DELETED_TEXT not in seen[h.question_ids[0]] and HIDDEN_TEXT not in seen[h.question_ids[1]]
    (theme,) = report.questions[0].themes
    assert theme.label == "Water first" and theme.votes == 3
    assert theme.groups == ["Group 1", "Group 2"]
    assert theme.answer_ids == [
        h.answer_ids["Map every water point"],
        h.answer_ids["Solar pumps for the dry season"],
    ]
    by_text = {a.text: a for _, a in report.answers()}
    assert by_text["Map every water point"].themes == ["Water first"]
    assert by_text["Repair before building new"].themes == []


def test_meeting_date_is_the_announced_one(held):
    h = held("named")
    meeting = h.meeting()
    meeting.starts_at = datetime(2026, 3, 9, 9, 30)
    db.session.commit()
    assert str(build_report(meeting).date) == "2026-03-09"
