"""A breakout round while it runs: groups, walls, votes, summaries, help, time, report-back.

Each function leaves its changes in the session; the caller commits, then broadcasts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import joinedload

from facilitator.answers import service as answers
from facilitator.answers.models import Answer
from facilitator.breakouts import assignment
from facilitator.breakouts.models import (
    AssignmentMode,
    BreakoutGroup,
    BreakoutRound,
    GroupMember,
    GroupMessage,
    GroupSummary,
    HelpRequest,
    RoundStatus,
)
from facilitator.breakouts.planning import RoundPlan
from facilitator.errors import N_, DomainError
from facilitator.extensions import db
from facilitator.integrity import insert_unless_present
from facilitator.joining import duplicates
from facilitator.joining.models import Participant
from facilitator.meetings.models import Meeting, QuestionStatus
from facilitator.meetings.revision import bump_revision
from facilitator.text import clean, clean_line, required_text
from facilitator.timeutil import utcnow

MIN_MINUTES, MAX_MINUTES = 1, 240
WARNING_BEFORE = timedelta(minutes=1)


class BreakoutError(DomainError):
    pass


# Once the round has ended, each late message says what was lost.
ANSWER_TOO_LATE = N_("This breakout round has ended; your answer arrived too late.")
VOTE_TOO_LATE = N_("This breakout round has ended; your vote arrived too late.")
SUMMARY_TOO_LATE = N_("This breakout round has ended; the summary can no longer be changed.")
HELP_TOO_LATE = N_("This breakout round has ended; the moderator is back with everyone.")
ROUND_ENDED = N_("This breakout round has already ended.")


class SummaryConflict(BreakoutError):
    """Someone saved the summary since this editor loaded it."""

    def __init__(self, summary: GroupSummary) -> None:
        super().__init__(
            N_("Someone else saved this summary meanwhile. Their version is shown; merge your changes.")
        )
        self.summary = summary


def open_round(meeting: Meeting, plan: RoundPlan, minutes: int, now: datetime | None = None) -> BreakoutRound:
    # One opening at a time per meeting (a double click, two moderators' tabs): the second
    # waits for the first, then finds its round running.
    db.session.execute(select(Meeting.id).where(Meeting.id == meeting.id).with_for_update())
    db.session.refresh(meeting)
    if meeting.current_round is not None and meeting.current_round.status == RoundStatus.OPEN:
        raise BreakoutError(N_("A breakout round is already running."))
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise BreakoutError(N_("The duration must be between 1 and 240 minutes."))
    valid = {
        p for (p,) in db.session.execute(select(Participant.id).where(Participant.meeting_id == meeting.id))
    }
    placed = [pid for group in plan.groups for pid in group.member_ids]
    if len(placed) != len(set(placed)) or not set(placed) <= valid:
        raise BreakoutError(N_("Each participant of this meeting can be in one group only."))
    now = now or utcnow()
    number = 1 + (
        db.session.scalar(
            select(func.max(BreakoutRound.number)).where(BreakoutRound.meeting_id == meeting.id)
        )
        or 0
    )
    round_ = BreakoutRound(
        meeting_id=meeting.id,
        number=number,
        mode=plan.mode,
        settings={**plan.settings, "seed": plan.seed},
        opened_at=now,
        ends_at=now + timedelta(minutes=minutes),
    )
    for index, planned in enumerate(plan.groups):
        round_.groups.append(
            BreakoutGroup(
                number=index + 1,
                name=clean_line(planned.name)[:80] or f"{index + 1}",
                capacity=planned.capacity,
                question_ids=list(planned.question_ids),
            )
        )
    db.session.add(round_)
    db.session.flush()
    db.session.add_all(
        GroupMember(round_id=round_.id, group_id=group.id, participant_id=pid)
        for group, planned in zip(round_.groups, plan.groups, strict=True)
        for pid in planned.member_ids
    )
    # Phones leave the plenary question for their groups.
    if meeting.current_question is not None and meeting.current_question.status == QuestionStatus.OPEN:
        meeting.current_question.status = QuestionStatus.CLOSED
        meeting.current_question.closed_at = now
    meeting.current_round = round_
    bump_revision(meeting)
    return round_


def running_round(meeting: Meeting) -> BreakoutRound | None:
    current = meeting.current_round
    return current if current is not None and current.status == RoundStatus.OPEN else None


def membership(round_: BreakoutRound, participant: Participant) -> GroupMember | None:
    # Every caller goes on to the group: loaded in the same statement.
    return db.session.scalar(
        select(GroupMember)
        .options(joinedload(GroupMember.group))
        .where(GroupMember.round_id == round_.id, GroupMember.participant_id == participant.id)
    )


def group_sizes(round_: BreakoutRound) -> dict[int, int]:
    counts = dict(
        db.session.execute(
            select(GroupMember.group_id, func.count())
            .where(GroupMember.round_id == round_.id)
            .group_by(GroupMember.group_id)
        ).all()
    )
    return {group.id: counts.get(group.id, 0) for group in round_.groups}


def place_late_joiner(round_: BreakoutRound, participant: Participant) -> BreakoutGroup | None:
    """Someone who arrives mid-round goes to the smallest group (self-select: they choose)."""
    # Someone joining again with a fresh cookie lands where they already are: a re-join never
    # chooses nor cycles groups to read another wall (facilitator/joining/duplicates.py).
    twin = _twin_group(round_, participant)
    if twin is not None:
        if _add_member(round_, twin, participant.id):
            return twin
        return membership(round_, participant).group
    if round_.mode == AssignmentMode.SELF_SELECT or not round_.groups:
        return None
    sizes = group_sizes(round_)
    group = round_.groups[assignment.place_late_joiner([sizes[g.id] for g in round_.groups])]
    if _add_member(round_, group, participant.id):
        return group
    # Another connection of the same phone placed it first.
    return membership(round_, participant).group


def _twin_group(round_: BreakoutRound, participant: Participant) -> BreakoutGroup | None:
    twins = duplicates.earlier_twins(participant)
    if not twins:
        return None
    member = db.session.scalar(
        select(GroupMember)
        .where(GroupMember.round_id == round_.id, GroupMember.participant_id.in_(twins))
        .limit(1)
    )
    return member.group if member else None


def _add_member(round_: BreakoutRound, group: BreakoutGroup, participant_id: int) -> bool:
    """False when the participant is already in a group of this round (the database decides)."""
    values = {
        "round_id": round_.id,
        "group_id": group.id,
        "participant_id": participant_id,
        "joined_at": utcnow(),
    }
    return insert_unless_present(GroupMember.__table__, values, ("round_id", "participant_id")) is not None


def _lock(group: BreakoutGroup) -> None:
    """Holds the group's row until commit, so that two requests about it run one after the other.

    Only PostgreSQL needs it (SQLite lets one writer at a time anyway, and SQLAlchemy
    leaves FOR UPDATE out there).
    """
    db.session.execute(
        # NO KEY UPDATE: answers and members that only reference the group are not held up.
        select(BreakoutGroup.id).where(BreakoutGroup.id == group.id).with_for_update(key_share=True)
    )


def group_in(round_: BreakoutRound, group_id: object) -> BreakoutGroup:
    group = (
        db.session.get(BreakoutGroup, group_id)
        if isinstance(group_id, int) and not isinstance(group_id, bool)
        else None
    )
    if group is None or group.round_id != round_.id:
        raise BreakoutError(N_("This group does not exist."))
    return group


def choose_group(round_: BreakoutRound, participant: Participant, group_id: object) -> BreakoutGroup:
    if round_.mode != AssignmentMode.SELF_SELECT:
        raise BreakoutError(N_("The moderator assigns the groups in this round."))
    if round_.status != RoundStatus.OPEN:
        raise BreakoutError(N_("This breakout round has ended."))
    group = group_in(round_, group_id)
    if membership(round_, participant) is not None:
        raise BreakoutError(N_("You are already in a group."))
    if group.capacity is not None:
        # Counted under the group's lock: of many phones taking the last place at once, one gets it.
        _lock(group)
        if _size(group) >= group.capacity:
            raise BreakoutError(N_("This group is full. Please choose another one."))
    if not _add_member(round_, group, participant.id):
        raise BreakoutError(N_("You are already in a group."))
    return group


def _size(group: BreakoutGroup) -> int:
    return db.session.scalar(
        select(func.count()).select_from(GroupMember).where(GroupMember.group_id == group.id)
    )


def move_member(
    round_: BreakoutRound, participant_id: object, group_id: object
) -> tuple[GroupMember, int | None]:
    """Returns the membership and the group the person came from."""
    group = group_in(round_, group_id)
    participant = db.session.get(Participant, participant_id) if isinstance(participant_id, int) else None
    meeting_id = db.session.scalar(select(Meeting.id).where(Meeting.id == round_.meeting_id))
    if participant is None or participant.meeting_id != meeting_id:
        raise BreakoutError(N_("This participant is not in this meeting."))
    member = membership(round_, participant)
    previous = member.group_id if member else None
    if member is None and _add_member(round_, group, participant.id):
        return membership(round_, participant), None
    if member is None:
        # The phone chose or was placed meanwhile: move it from there.
        member = membership(round_, participant)
        previous = member.group_id
    if previous != group.id and db.session.get(BreakoutGroup, previous).rapporteur_id == participant.id:
        db.session.get(BreakoutGroup, previous).rapporteur_id = None
    member.group_id = group.id
    return member, previous


def set_rapporteur(round_: BreakoutRound, group_id: object, participant_id: object) -> BreakoutGroup:
    group = group_in(round_, group_id)
    if participant_id is None:
        group.rapporteur_id = None
        return group
    member = (
        db.session.scalar(
            select(GroupMember).where(
                GroupMember.group_id == group.id, GroupMember.participant_id == participant_id
            )
        )
        if isinstance(participant_id, int)
        else None
    )
    if member is None:
        raise BreakoutError(N_("The rapporteur must be a member of the group."))
    group.rapporteur_id = member.participant_id
    return group


def volunteer(group: BreakoutGroup, participant: Participant) -> bool:
    """The first volunteer takes the role; a conditional update settles a race between two."""
    result = db.session.execute(
        update(BreakoutGroup)
        .where(BreakoutGroup.id == group.id, BreakoutGroup.rapporteur_id.is_(None))
        .values(rapporteur_id=participant.id)
    )
    db.session.refresh(group, ["rapporteur_id"])
    if result.rowcount == 0 and group.rapporteur_id != participant.id:
        raise BreakoutError(N_("This group already has a rapporteur."))
    return True


def is_rapporteur(participant: Participant) -> bool:
    """Rapporteur of a group in any round of the meeting, past or present."""
    return bool(db.session.scalar(select(exists().where(BreakoutGroup.rapporteur_id == participant.id))))


def require_open(round_: BreakoutRound, message: str) -> None:
    """The one check that a round still runs; `message` says what arrived too late."""
    if round_.status != RoundStatus.OPEN:
        raise BreakoutError(message)


def require_group_open(group_id: int, message: str) -> None:
    """The same check for a group known only by its id (an answer on its wall, say)."""
    status = db.session.scalar(
        select(BreakoutRound.status)
        .join(BreakoutGroup, BreakoutGroup.round_id == BreakoutRound.id)
        .where(BreakoutGroup.id == group_id)
    )
    if status != RoundStatus.OPEN:
        raise BreakoutError(message)


def toggle_vote(group: BreakoutGroup, participant: Participant, answer_id: object, supported: object) -> int:
    """+1 an answer of one's own group wall (one vote each, removable). Returns the new count."""
    require_open(group.round, VOTE_TOO_LATE)
    answer = db.session.get(Answer, answer_id) if answers.valid_id(answer_id) else None
    if answer is None or answer.group_id != group.id or not answer.visible:
        raise BreakoutError(N_("This answer does not exist."))
    return answers.set_support(participant, answer, supported, own_allowed=True)


def save_summary(
    group: BreakoutGroup, question_id: object, text: object, base_version: object, max_length: int
) -> GroupSummary:
    if question_id not in group.question_ids:
        raise BreakoutError(N_("This question is not one of this group's questions."))
    if not isinstance(base_version, int) or isinstance(base_version, bool):
        raise BreakoutError(N_("This request is malformed."))
    require_open(group.round, SUMMARY_TOO_LATE)
    if not isinstance(text, str) or len(text) > 4 * max_length:
        raise BreakoutError(N_("Too long: at most %(max)s characters."), max=max_length)
    text = clean(text)
    if len(text) > max_length:
        raise BreakoutError(N_("Too long: at most %(max)s characters."), max=max_length)
    summary = db.session.scalar(
        select(GroupSummary).where(GroupSummary.group_id == group.id, GroupSummary.question_id == question_id)
    )
    if summary is None:
        # Two tabs of the rapporteur may both write the first version: one row, one winner below.
        values = {
            "group_id": group.id,
            "question_id": question_id,
            "text": "",
            "version": 0,
            "updated_at": utcnow(),
        }
        insert_unless_present(GroupSummary.__table__, values, ("group_id", "question_id"))
        summary = db.session.scalar(
            select(GroupSummary).where(
                GroupSummary.group_id == group.id, GroupSummary.question_id == question_id
            )
        )
    # Compare-and-set in one statement: of two editors saving on the same version, one wins.
    result = db.session.execute(
        update(GroupSummary)
        .where(GroupSummary.id == summary.id, GroupSummary.version == base_version)
        .values(text=text, version=GroupSummary.version + 1, updated_at=utcnow())
    )
    db.session.refresh(summary)
    if result.rowcount == 0:
        raise SummaryConflict(summary)
    return summary


def ask_help(group: BreakoutGroup, participant: Participant) -> HelpRequest:
    require_open(group.round, HELP_TOO_LATE)
    # One open request per group, even when several members ask at the same moment.
    _lock(group)
    open_request = db.session.scalar(
        select(HelpRequest).where(HelpRequest.group_id == group.id, HelpRequest.resolved_at.is_(None))
    )
    if open_request is not None:
        return open_request
    request = HelpRequest(group_id=group.id, participant_id=participant.id)
    db.session.add(request)
    return request


def resolve_help(round_: BreakoutRound, group_id: object) -> BreakoutGroup:
    group = group_in(round_, group_id)
    db.session.execute(
        update(HelpRequest)
        .where(HelpRequest.group_id == group.id, HelpRequest.resolved_at.is_(None))
        .values(resolved_at=utcnow())
    )
    return group


def broadcast(round_: BreakoutRound, text: object, group_id: object, max_length: int) -> GroupMessage:
    require_open(round_, ROUND_ENDED)
    text = required_text(text, max_length)
    group = None if group_id is None else group_in(round_, group_id)
    message = GroupMessage(round_id=round_.id, group_id=group.id if group else None, text=text)
    db.session.add(message)
    return message


def adjust_time(round_: BreakoutRound, minutes: object, now: datetime | None = None) -> BreakoutRound:
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not -60 <= minutes <= 120 or minutes == 0:
        raise BreakoutError(N_("Change the time by between 1 and 120 minutes."))
    require_open(round_, ROUND_ENDED)
    now = now or utcnow()
    # Shortening never ends a round in the past: at the earliest, ten seconds from now.
    round_.ends_at = max(round_.ends_at + timedelta(minutes=minutes), now + timedelta(seconds=10))
    if round_.ends_at - now > WARNING_BEFORE:
        round_.warned_at = None
    return round_


def close_round(round_id: int, now: datetime | None = None) -> bool:
    """Closes an open round; True only for the one caller that actually closed it."""
    now = now or utcnow()
    result = db.session.execute(
        update(BreakoutRound)
        .where(BreakoutRound.id == round_id, BreakoutRound.status == RoundStatus.OPEN)
        .values(status=RoundStatus.CLOSED, closed_at=now)
    )
    if result.rowcount == 0:
        return False
    round_ = db.session.get(BreakoutRound, round_id)
    db.session.refresh(round_)
    db.session.execute(
        update(HelpRequest)
        .where(HelpRequest.group_id.in_([g.id for g in round_.groups]), HelpRequest.resolved_at.is_(None))
        .values(resolved_at=now)
    )
    bump_revision(db.session.get(Meeting, round_.meeting_id))
    return True


def due_rounds(now: datetime) -> list[int]:
    return list(
        db.session.scalars(
            select(BreakoutRound.id).where(
                BreakoutRound.status == RoundStatus.OPEN, BreakoutRound.ends_at <= now
            )
        )
    )


def claim_warning(now: datetime) -> list[int]:
    """Rounds whose last minute has begun and whose warning no process has sent yet."""
    candidates = db.session.scalars(
        select(BreakoutRound.id).where(
            BreakoutRound.status == RoundStatus.OPEN,
            BreakoutRound.warned_at.is_(None),
            BreakoutRound.ends_at <= now + WARNING_BEFORE,
        )
    ).all()
    claimed = []
    for round_id in candidates:
        result = db.session.execute(
            update(BreakoutRound)
            .where(BreakoutRound.id == round_id, BreakoutRound.warned_at.is_(None))
            .values(warned_at=now)
        )
        if result.rowcount:
            claimed.append(round_id)
    return claimed


def show_report(meeting: Meeting, group_id: object) -> BreakoutRound:
    round_ = meeting.current_round
    if round_ is None or round_.status != RoundStatus.CLOSED:
        raise BreakoutError(N_("Report-back starts when the breakout round is closed."))
    round_.report_group_id = None if group_id is None else group_in(round_, group_id).id
    bump_revision(meeting)
    return round_


def publish_walls(meeting: Meeting, published: object) -> BreakoutRound:
    if not isinstance(published, bool):
        raise BreakoutError(N_("This request is malformed."))
    round_ = meeting.current_round
    if round_ is None or round_.status != RoundStatus.CLOSED:
        raise BreakoutError(N_("Walls can be opened to everyone after the round is closed."))
    round_.walls_published = published
    bump_revision(meeting)
    return round_


def end_report_back(meeting: Meeting) -> None:
    """Back to the plenary: the round and its results stay, phones leave them."""
    if meeting.current_round is not None and meeting.current_round.status == RoundStatus.OPEN:
        raise BreakoutError(N_("Close the breakout round first."))
    meeting.current_round = None
    bump_revision(meeting)
