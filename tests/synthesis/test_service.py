"""Themes stored with the curators' edits, and the edits surviving new answers."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from facilitator.answers import service as live
from facilitator.answers.models import Answer
from facilitator.breakouts.models import BreakoutGroup
from facilitator.extensions import db
from facilitator.joining.models import Participant
from facilitator.meetings.models import Question
from facilitator.synthesis import service
from facilitator.synthesis.models import SynthesisTheme, ThemeAnswer

PARAPHRASES = {
    "water-0001": "Map every water point in the district",
    "water-0002": "mapping all the water points of the district",
    "water-0003": "A map of every water point, district by district",
    "budget-0001": "Publish the budget of each project openly",
    "budget-0002": "publish each project budget openly online",
}


def question(question_id: int) -> Question:
    return db.session.get(Question, question_id)


def theme_with(result: service.QuestionSynthesis, text: str) -> service.ThemeView:
    return next(theme for theme in result.themes if any(a.text == text for a in theme.answers))


def add_answer(held, client_id: str, text: str) -> int:
    """A late wall answer, written straight to the database: the held meeting's round is closed."""
    group = db.session.get(BreakoutGroup, held.group_ids[0])
    person = db.session.get(Participant, group.members[0].participant_id)
    answer = Answer(
        question_id=held.question_ids[0],
        participant_id=person.id,
        group_id=group.id,
        client_id=client_id,
        text=text,
    )
    db.session.add(answer)
    db.session.commit()
    return answer.id


def test_themes_are_stored_and_stable(held):
    meeting = held(extra_answers=PARAPHRASES)
    first = service.synthesize(question(meeting.question_ids[0]))
    water = theme_with(first, PARAPHRASES["water-0001"])
    assert {a.text for a in water.answers} >= {PARAPHRASES["water-0002"], PARAPHRASES["water-0003"]}
    budget = theme_with(first, PARAPHRASES["budget-0001"])
    assert budget.id != water.id
    assert PARAPHRASES["budget-0002"] in {a.text for a in budget.answers}

    again = service.synthesize(question(meeting.question_ids[0]))
    assert [(t.id, [a.id for a in t.answers]) for t in again.themes] == [
        (t.id, [a.id for a in t.answers]) for t in first.themes
    ]
    visible = {a.id for a in first.answers}
    stored = set(db.session.scalars(select(ThemeAnswer.answer_id)))
    assert visible <= stored


def test_a_theme_raised_by_two_groups_is_shared(held):
    meeting = held()
    result = service.synthesize(question(meeting.question_ids[0]))
    assert all(theme.shared == (len(theme.groups) >= 2) for theme in result.themes)
    assert all(len(theme.groups) <= 2 for theme in result.themes)


def test_curation_survives_new_answers(held):
    meeting = held(extra_answers=PARAPHRASES)
    q1 = question(meeting.question_ids[0])
    result = service.synthesize(q1)
    water = db.session.get(SynthesisTheme, theme_with(result, PARAPHRASES["water-0001"]).id)
    budget = db.session.get(SynthesisTheme, theme_with(result, PARAPHRASES["budget-0001"]).id)
    pumps = db.session.get(SynthesisTheme, theme_with(result, "Solar pumps for the dry season").id)
    service.rename(water, "  Know where the   water is ")
    service.merge(pumps, budget)
    women = service.membership_in_meeting(
        meeting.meeting_id, meeting.answer_ids["Ask the women's groups first"]
    )
    service.move(women, water)
    service.set_hidden(budget, True)
    quote = service.membership_in_meeting(meeting.meeting_id, meeting.answer_ids[PARAPHRASES["water-0002"]])
    service.pin(quote, True)
    db.session.commit()

    new_id = add_answer(meeting, "water-0004", "We should map the water points in every district")
    after = service.synthesize(question(meeting.question_ids[0]))

    renamed = next(t for t in after.themes if t.id == water.id)
    assert renamed.label == "Know where the water is" and renamed.renamed
    assert new_id in {a.id for a in renamed.answers}, "a paraphrase joins the curated theme"
    assert meeting.answer_ids["Ask the women's groups first"] in {a.id for a in renamed.answers}
    assert renamed.pinned == {meeting.answer_ids[PARAPHRASES["water-0002"]]}
    merged = next(t for t in after.themes if t.id == budget.id)
    assert merged.hidden
    assert meeting.answer_ids["Solar pumps for the dry season"] in {a.id for a in merged.answers}
    assert db.session.get(SynthesisTheme, pumps.id) is None


def test_renaming_to_nothing_restores_the_automatic_label(held):
    meeting = held()
    result = service.synthesize(question(meeting.question_ids[0]))
    row = db.session.get(SynthesisTheme, result.themes[0].id)
    service.rename(row, "Chosen")
    service.rename(row, "   ")
    assert row.custom_label is None
    with pytest.raises(service.SynthesisError):
        service.rename(row, "x" * 121)


def test_moving_the_last_answer_out_removes_the_theme_and_new_makes_one(held):
    meeting = held()
    result = service.synthesize(question(meeting.question_ids[0]))
    lonely = next(t for t in result.themes if len(t.answers) == 1)
    member = service.membership_in_meeting(meeting.meeting_id, lonely.answers[0].id)
    created = service.move(member, None)
    db.session.commit()
    assert db.session.get(SynthesisTheme, lonely.id) is None
    after = service.synthesize(question(meeting.question_ids[0]))
    moved = next(t for t in after.themes if t.id == created.id)
    assert [a.id for a in moved.answers] == [lonely.answers[0].id]
    assert moved.label, "the next computation names the new theme"


def test_hidden_and_deleted_answers_leave_their_theme(held):
    meeting = held()
    result = service.synthesize(question(meeting.question_ids[0]))
    texts = {a.text for t in result.themes for a in t.answers}
    assert "Moderator hid this remark" not in texts and "Author withdrew this remark" not in texts
    wells = meeting.answer_ids["Map every water point"]
    live.set_answer_hidden(meeting.meeting(), wells, True)
    db.session.commit()
    after = service.synthesize(question(meeting.question_ids[0]))
    assert wells not in {a.id for t in after.themes for a in t.answers}
    live.set_answer_hidden(meeting.meeting(), wells, False)
    db.session.commit()
    back = service.synthesize(question(meeting.question_ids[0]))
    assert wells in {a.id for t in back.themes for a in t.answers}


def test_curation_refuses_another_meetings_themes_and_other_questions(held):
    first, second = held(), held()
    theirs = service.synthesize(question(second.question_ids[0])).themes[0]
    with pytest.raises(service.SynthesisError):
        service.theme_of_meeting(first.meeting_id, theirs.id)
    with pytest.raises(service.SynthesisError):
        service.membership_in_meeting(first.meeting_id, theirs.answers[0].id)
    mine_q1 = service.synthesize(question(first.question_ids[0])).themes[0]
    mine_q2 = service.synthesize(question(first.question_ids[1])).themes[0]
    with pytest.raises(service.SynthesisError):
        service.merge(db.session.get(SynthesisTheme, mine_q1.id), db.session.get(SynthesisTheme, mine_q2.id))


def test_nothing_is_written_when_nothing_changed(held, app):
    meeting = held()
    service.synthesize(question(meeting.question_ids[0]))
    count = db.session.scalar(select(func.count()).select_from(SynthesisTheme))
    statements = []
    from sqlalchemy import event

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        service.synthesize(question(meeting.question_ids[0]))
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert not [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert db.session.scalar(select(func.count()).select_from(SynthesisTheme)) == count
