"""Planning a breakout round: who goes in which group, on which questions, before anyone moves."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from sqlalchemy import select

from facilitator.breakouts import assignment
from facilitator.breakouts.models import AssignmentMode
from facilitator.breakouts.roster import RosterRow, match_roster
from facilitator.errors import N_, DomainError
from facilitator.extensions import db
from facilitator.joining.models import Participant
from facilitator.meetings.models import Meeting

PROFILE_ATTRIBUTES = ("country", "organisation", "language")
MAX_GROUPS = 500


class PlanError(DomainError):
    pass


@dataclass
class PlannedGroup:
    name: str
    member_ids: list[int] = field(default_factory=list)
    question_ids: list[int] = field(default_factory=list)
    capacity: int | None = None


@dataclass
class RoundPlan:
    mode: str
    seed: int
    groups: list[PlannedGroup]
    settings: dict = field(default_factory=dict)
    unmatched: list[tuple[RosterRow, str]] = field(default_factory=list)


def participants_of(meeting: Meeting) -> list[Participant]:
    return list(
        db.session.scalars(
            select(Participant).where(Participant.meeting_id == meeting.id).order_by(Participant.id)
        )
    )


def people_of(participants: list[Participant]) -> list[assignment.Person]:
    return [
        assignment.Person(p.id, {name: getattr(p, name) or "" for name in PROFILE_ATTRIBUTES})
        for p in participants
    ]


def distribute_questions(question_ids: list[int], groups: int, jigsaw: bool) -> list[list[int]]:
    """Every group gets all chosen questions, or (jigsaw) one each, in turn."""
    if not question_ids:
        raise PlanError(N_("Choose at least one guiding question for the groups."))
    if not jigsaw:
        return [list(question_ids) for _ in range(groups)]
    return [[question_ids[index % len(question_ids)]] for index in range(groups)]


def plan_round(
    meeting: Meeting,
    *,
    mode: str,
    question_ids: list[int],
    groups: int | None = None,
    group_size: int | None = None,
    attribute: str = "country",
    jigsaw: bool = False,
    seed: int | None = None,
    capacity: int | None = None,
    roster: list[RosterRow] | None = None,
    name_for=lambda index: f"Group {index + 1}",
) -> RoundPlan:
    """name_for gives the default name of group i, in the moderator's language."""
    if mode not in set(AssignmentMode):
        raise PlanError(N_("Unknown way of assigning groups."))
    if attribute not in PROFILE_ATTRIBUTES:
        raise PlanError(N_("Groups can be formed by country, organisation or working language."))
    valid_questions = {q.id for q in meeting.guiding_questions}
    if not set(question_ids) <= valid_questions:
        raise PlanError(N_("This question does not exist."))
    seed = random.SystemRandom().randrange(1, 1_000_000) if seed is None else seed
    participants = participants_of(meeting)
    people = people_of(participants)
    unmatched: list = []
    if mode == AssignmentMode.ROSTER:
        plan_groups, unmatched = _groups_from_roster(participants, roster or [])
    else:
        count = assignment.group_count_for(max(len(people), 1), groups=groups, group_size=group_size)
        if count > MAX_GROUPS:
            raise PlanError(N_("At most %(max)s groups."), max=MAX_GROUPS)
        if mode == AssignmentMode.RANDOM:
            members = assignment.assign_random(people, count, seed)
        elif mode == AssignmentMode.BALANCED:
            members = assignment.assign_balanced(people, count, attribute, seed)
        elif mode == AssignmentMode.BY_ATTRIBUTE:
            members = assignment.assign_by_attribute(people, count, attribute, seed)
        else:  # by hand and self-select start from empty groups
            members = [[] for _ in range(count)]
        plan_groups = [PlannedGroup(name=name_for(i), member_ids=list(ids)) for i, ids in enumerate(members)]
    for group, questions in zip(
        plan_groups, distribute_questions(question_ids, len(plan_groups), jigsaw), strict=True
    ):
        group.question_ids = questions
        if mode == AssignmentMode.SELF_SELECT:
            group.capacity = capacity
    settings = {"attribute": attribute, "jigsaw": jigsaw, "capacity": capacity}
    return RoundPlan(mode=mode, seed=seed, groups=plan_groups, settings=settings, unmatched=unmatched)


def _groups_from_roster(participants: list[Participant], rows: list[RosterRow]):
    keys = {p.id: [p.display_name, participant_code(p.id)] for p in participants}
    match = match_roster(rows, keys)
    names: list[str] = []
    for row in rows:
        if row.group and row.group not in names:
            names.append(row.group)
    if not names:
        raise PlanError(N_("The file names no groups."))
    groups = [PlannedGroup(name=name[:80]) for name in names]
    by_name = {group.name: group for group in groups}
    for person_id, name in match.assignments.items():
        by_name[name[:80]].member_ids.append(person_id)
    # People the file does not list still need a group: the smallest one, as for late joiners.
    for person_id in match.unlisted:
        sizes = [len(group.member_ids) for group in groups]
        groups[assignment.place_late_joiner(sizes)].member_ids.append(person_id)
    return groups, match.unmatched


def participant_code(participant_id: int) -> str:
    """A short code a participant can read off their phone to be listed in a roster."""
    return f"P{participant_id:04d}"
