"""A meeting held with every question format: choices, a rating and a ranking in plenary and in
breakout groups, a word cloud, and questions from the floor (named, anonymous, answered, hidden,
waiting for approval, merged). Everything goes through the domain's own functions."""

from __future__ import annotations

from dataclasses import dataclass

from facilitator.answers import ballots, floor
from facilitator.breakouts import planning
from facilitator.breakouts import service as breakouts
from facilitator.extensions import db
from facilitator.joining.models import Participant
from facilitator.meetings import service as meetings
from facilitator.meetings.models import Meeting, Question
from facilitator.plenary import service as plenary
from tests.exports.conftest import PEOPLE

MAX = 2000

CHOICE = "Which priority comes first?"
RATING = "How ready is your district?"
RANKING = "Rank these measures"
WORDS = "One word for the future"
FLOOR = "Questions for the panel"
MULTIPLE = "Which tools do you use?"

NAMED_ITEM = "Who pays for the pumps?"
ANONYMOUS_ITEM = "Will the survey data be public?"
HIDDEN_ITEM = "Floor remark the moderator hid"
PENDING_ITEM = "Floor question still awaiting approval"
MERGED_ITEM = "Duplicate floor question merged away"


@dataclass
class BallotMeeting:
    meeting_id: int
    moderator_email: str
    questions: dict[str, int]  # by text
    participant_ids: list[int]
    group_ids: list[int]
    items: dict[str, int]  # floor items by text

    def meeting(self) -> Meeting:
        return db.session.get(Meeting, self.meeting_id)

    def question(self, text: str) -> Question:
        return db.session.get(Question, self.questions[text])


def hold_ballot_meeting(make_meeting, attribution: str = "named") -> BallotMeeting:
    world = make_meeting(questions=0, phones=6, attribution=attribution, organisation_field="optional")
    meeting = db.session.get(Meeting, world.meeting_id)
    people = [db.session.get(Participant, phone.participant_id) for phone in world.phones]
    for person, (name, country, organisation) in zip(people, PEOPLE, strict=True):
        person.display_name, person.country, person.organisation = name, country, organisation
    scale = {"scale_min": 1, "scale_max": 5, "low_label": "Not at all", "high_label": "Completely"}
    added = [
        meetings.add_question(meeting, CHOICE, "single", ["Wells", "Schools", "Roads"]),
        meetings.add_question(meeting, RATING, "rating", [], scale),
        meetings.add_question(meeting, RANKING, "ranking", ["Repair", "Build", "Train"]),
        meetings.add_question(meeting, WORDS, "words", [], {"max_words": 2}),
        meetings.add_question(meeting, FLOOR, "floor", [], {"premoderation": True}),
        meetings.add_question(meeting, MULTIPLE, "multiple", ["Radio", "Phone", "Paper"], {"max_choices": 2}),
    ]
    db.session.commit()
    q = {question.text: question for question in added}
    options = {text: {o.text: o.id for o in question.options} for text, question in q.items()}
    counter = iter(range(1, 1000))

    def cast(person, text, response, group_id=None):
        number = next(counter)
        ballots.cast(person, q[text], f"ballot-{number:04d}", number, response, group_id=group_id)

    # Plenary: a choice, a ranking and a word cloud, each opened and closed in turn.
    plenary.open_question(meeting, q[CHOICE])
    wells, schools, roads = (options[CHOICE][t] for t in ("Wells", "Schools", "Roads"))
    for person, option in zip(people[:4], [wells, wells, schools, wells], strict=True):
        cast(person, CHOICE, {"options": [option]})
    cast(people[4], CHOICE, {"options": [roads]})
    ballots.withdraw(people[4], q[CHOICE], "ballot-withdrawn", 999)
    plenary.open_question(meeting, q[RANKING])
    repair, build, train = (options[RANKING][t] for t in ("Repair", "Build", "Train"))
    cast(people[0], RANKING, {"ranking": [repair, train, build]})
    cast(people[1], RANKING, {"ranking": [repair, build, train]})
    cast(people[2], RANKING, {"ranking": [train, repair, build]})
    plenary.open_question(meeting, q[WORDS])
    cast(people[0], WORDS, {"words": ["Water", "Schools"]})
    cast(people[1], WORDS, {"words": ["water"]})
    cast(people[2], WORDS, {"words": ["Peace"]})

    # Questions from the floor, under premoderation.
    plenary.open_question(meeting, q[FLOOR])
    items = {}
    for person, text, anonymous in (
        (people[0], NAMED_ITEM, False),
        (people[1], ANONYMOUS_ITEM, True),
        (people[2], HIDDEN_ITEM, False),
        (people[3], PENDING_ITEM, False),
        (people[4], MERGED_ITEM, False),
    ):
        item, _ = floor.ask(person, q[FLOOR], f"floor-{len(items):04d}", text, MAX, anonymous=anonymous)
        db.session.flush()
        items[text] = item
        if text != PENDING_ITEM:
            floor.moderate(item, "approve")
    db.session.flush()
    for voter in people[2:5]:
        floor.support(voter, items[ANONYMOUS_ITEM], True)
    floor.support(people[5], items[MERGED_ITEM], True)
    floor.support(people[3], items[NAMED_ITEM], True)
    floor.moderate(items[NAMED_ITEM], "answered")
    floor.moderate(items[HIDDEN_ITEM], "hide")
    floor.merge(items[MERGED_ITEM], items[NAMED_ITEM])  # its vote goes to the named item
    plenary.close_current_question(meeting)
    db.session.commit()

    # A breakout round on the rating and the multiple choice.
    plan = planning.plan_round(
        meeting, mode="balanced", question_ids=[q[RATING].id, q[MULTIPLE].id], groups=2, seed=7
    )
    round_ = breakouts.open_round(meeting, plan, 10)
    db.session.commit()
    groups = list(round_.groups)
    radio, phone, paper = (options[MULTIPLE][t] for t in ("Radio", "Phone", "Paper"))
    for index, group in enumerate(groups):
        members = [member.participant for member in group.members]
        for position, person in enumerate(members):
            cast(person, RATING, {"ratings": {"0": 2 + index + position % 2}}, group.id)
        cast(members[0], MULTIPLE, {"options": [radio, phone] if index == 0 else [paper]}, group.id)
        breakouts.set_rapporteur(round_, group.id, members[0].id)
    db.session.commit()
    breakouts.close_round(round_.id)
    db.session.commit()
    return BallotMeeting(
        meeting_id=meeting.id,
        moderator_email=world.moderator_email,
        questions={text: question.id for text, question in q.items()},
        participant_ids=[p.id for p in people],
        group_ids=[g.id for g in groups],
        items={text: item.id for text, item in items.items()},
    )
