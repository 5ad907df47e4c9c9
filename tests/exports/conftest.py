"""A meeting that has been held: plenary answers, an ad-hoc question, a breakout round with
walls, votes and summaries, one hidden and one deleted answer."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from facilitator.answers import service as answers_service
from facilitator.breakouts import planning
from facilitator.breakouts import service as breakouts
from facilitator.breakouts.models import BreakoutGroup
from facilitator.extensions import db
from facilitator.joining.models import Participant
from facilitator.meetings.models import Meeting
from facilitator.plenary import service as live

MAX = 2000

# Distinctive enough that finding one in an export can only mean it leaked.
PEOPLE = [
    ("Amina Diallo", "Senegal", "Ministry of Women"),
    ("Bruno Keller", "Switzerland", "Alpine Water Trust"),
    ("Chen Wei", "Singapore", "Harbour Institute"),
    ("Dalia Haddad", "Lebanon", "Cedar Cooperative"),
    ("Eero Virtanen", "Finland", "Northern Forest League"),
    ("Fatou Ndiaye", "Gambia", "River Delta Union"),
]
HIDDEN_TEXT = "Moderator hid this remark"
DELETED_TEXT = "Author withdrew this remark"


@dataclass
class Held:
    meeting_id: int
    join_code: str
    moderator_email: str
    question_ids: list[int]
    participant_ids: list[int]
    group_ids: list[int]
    answer_ids: dict[str, int]  # by text

    def meeting(self) -> Meeting:
        return db.session.get(Meeting, self.meeting_id)


def _person(participant_id: int) -> Participant:
    return db.session.get(Participant, participant_id)


def hold_meeting(make_meeting, attribution: str = "named", *, extra_answers: dict[str, str] | None = None):
    """extra_answers: client id → text, written by the first member of the first group."""
    world = make_meeting(phones=6, attribution=attribution, organisation_field="optional")
    meeting = db.session.get(Meeting, world.meeting_id)
    people = [_person(phone.participant_id) for phone in world.phones]
    for person, (name, country, organisation) in zip(people, PEOPLE, strict=True):
        person.display_name, person.country, person.organisation = name, country, organisation
    db.session.commit()
    answer_ids: dict[str, int] = {}

    def post(person, question_id, client_id, text, group=None):
        # During the round, the answer goes on the wall of the group the person is in.
        answer, _ = live.submit_answer(person, question_id, client_id, text, MAX)
        db.session.flush()
        answer_ids[text] = answer.id
        return answer

    # Plenary: the third guiding question, then an ad-hoc one.
    live.open_question(meeting, meeting.guiding_questions[2])
    post(people[0], world.question_ids[2], "plenary-0001", "Fund the village wells first")
    post(people[1], world.question_ids[2], "plenary-0002", "Train local repair teams")
    live.open_adhoc_question(meeting, "Anything else before the groups?", 1000)
    adhoc = meeting.current_question
    post(people[2], adhoc.id, "plenary-0003", "Share the budget openly")
    live.close_current_question(meeting)
    db.session.commit()

    plan = planning.plan_round(
        meeting, mode="balanced", question_ids=world.question_ids[:2], groups=2, seed=7
    )
    round_ = breakouts.open_round(meeting, plan, 10)
    db.session.commit()
    groups = list(round_.groups)
    members = {g.id: [m.participant for m in g.members] for g in groups}
    first, second = groups
    a, b = members[first.id], members[second.id]
    q1, q2 = world.question_ids[:2]
    wells = post(a[0], q1, "wall-a-0001", "Map every water point", first)
    post(a[1], q1, "wall-a-0002", "Ask the women's groups first", first)
    post(a[2], q2, "wall-a-0003", "Repair before building new", first)
    hidden = post(a[1], q2, "wall-a-0004", HIDDEN_TEXT, first)
    deleted = post(a[2], q1, "wall-a-0005", DELETED_TEXT, first)
    post(b[0], q1, "wall-b-0001", "Solar pumps for the dry season", second)
    pumps = answer_ids["Solar pumps for the dry season"]
    for client_id, text in (extra_answers or {}).items():
        post(a[0], q1, client_id, text, first)
    db.session.commit()

    breakouts.toggle_vote(first, a[1], wells.id, True)
    breakouts.toggle_vote(first, a[2], wells.id, True)
    breakouts.toggle_vote(second, b[1], pumps, True)
    breakouts.toggle_vote(first, a[0], hidden.id, True)  # votes for an answer that is then hidden
    breakouts.set_rapporteur(round_, first.id, a[0].id)
    breakouts.set_rapporteur(round_, second.id, b[0].id)
    breakouts.save_summary(
        first, q1, "Water points first, then the repair teams.\nWomen's groups lead.", 0, MAX
    )
    breakouts.save_summary(second, q1, "Solar pumping where the grid is far.", 0, MAX)
    db.session.commit()

    answers_service.set_answer_hidden(meeting, hidden.id, True)
    answers_service.delete_answer(answers_service.own_answer(a[2], deleted.client_id))
    db.session.commit()
    breakouts.close_round(round_.id)
    db.session.commit()
    return Held(
        meeting_id=meeting.id,
        join_code=meeting.join_code,
        moderator_email=world.moderator_email,
        question_ids=world.question_ids,
        participant_ids=[p.id for p in people],
        group_ids=[first.id, second.id],
        answer_ids=answer_ids,
    )


@pytest.fixture
def held(make_meeting):
    def make(attribution: str = "named", **options) -> Held:
        return hold_meeting(make_meeting, attribution, **options)

    return make


def group(group_id: int) -> BreakoutGroup:
    return db.session.get(BreakoutGroup, group_id)


@pytest.fixture
def ballot_meeting(make_meeting):
    """A meeting held with every question format (tests/exports/ballot_meeting.py)."""
    from tests.exports.ballot_meeting import hold_ballot_meeting

    def make(attribution: str = "named"):
        return hold_ballot_meeting(make_meeting, attribution)

    return make
