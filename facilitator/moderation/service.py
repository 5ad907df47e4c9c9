"""Removing a participant and what they sent, hiding their answers, merging two identities.

Removal deletes the participant row: the database cascades to their answers (plenary and
wall), votes, group memberships, help requests and presence, and forgets them as rapporteur.
Their cookie's hash is kept in RemovedPhone so that the phone cannot join again with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, select, update

from facilitator.answers.models import Answer, Ballot, Vote
from facilitator.breakouts.models import BreakoutGroup, GroupMember, HelpRequest
from facilitator.errors import N_, DomainError
from facilitator.extensions import db
from facilitator.joining.models import Participant, RemovedPhone
from facilitator.meetings.models import Meeting
from facilitator.realtime.models import Presence
from facilitator.timeutil import utcnow


class ModerationError(DomainError):
    pass


@dataclass
class Touched:
    """What a change reached, so that every screen showing it can be told once."""

    question_ids: set[int] = field(default_factory=set)
    # (question id, group id or None) of every ballot the participant cast: those results change.
    ballot_scopes: set[tuple[int, int | None]] = field(default_factory=set)
    group_ids: set[int] = field(default_factory=set)
    sids: list[str] = field(default_factory=list)


def participant_in(meeting: Meeting, participant_id: object) -> Participant:
    participant = (
        db.session.get(Participant, participant_id)
        if isinstance(participant_id, int) and not isinstance(participant_id, bool)
        else None
    )
    if participant is None or participant.meeting_id != meeting.id:
        raise ModerationError(N_("This participant is not in this meeting."))
    return participant


def _touched_by(participant: Participant) -> Touched:
    touched = Touched()
    for question_id, group_id in db.session.execute(
        select(Answer.question_id, Answer.group_id).where(Answer.participant_id == participant.id).distinct()
    ):
        touched.question_ids.add(question_id)
        if group_id is not None:
            touched.group_ids.add(group_id)
    # Votes on questions from the floor change those lists too.
    touched.question_ids.update(
        db.session.scalars(
            select(Answer.question_id)
            .join(Vote, Vote.answer_id == Answer.id)
            .where(Vote.participant_id == participant.id)
        )
    )
    touched.ballot_scopes.update(
        (question_id, group_id)
        for question_id, group_id in db.session.execute(
            select(Ballot.question_id, Ballot.group_id).where(Ballot.participant_id == participant.id)
        )
    )
    voted_groups = (
        select(Answer.group_id)
        .join(Vote, Vote.answer_id == Answer.id)
        .where(Vote.participant_id == participant.id, Answer.group_id.is_not(None))
    )
    touched.group_ids.update(db.session.scalars(voted_groups))
    touched.group_ids.update(
        db.session.scalars(select(GroupMember.group_id).where(GroupMember.participant_id == participant.id))
    )
    touched.sids = list(
        db.session.scalars(select(Presence.sid).where(Presence.participant_id == participant.id))
    )
    return touched


def _retire(participant: Participant, *, merged: bool) -> None:
    db.session.add(
        RemovedPhone(meeting_id=participant.meeting_id, token_hash=participant.token_hash, merged=merged)
    )
    db.session.execute(delete(Presence).where(Presence.participant_id == participant.id))
    db.session.delete(participant)


def remove(meeting: Meeting, participant: Participant) -> Touched:
    """Removes the participant and everything they sent; the caller commits."""
    touched = _touched_by(participant)
    _retire(participant, merged=False)
    return touched


def hide_all_answers(meeting: Meeting, participant: Participant) -> Touched:
    """Hides every visible answer of this participant (plenary and walls); the caller commits."""
    touched = _touched_by(participant)
    touched.sids = []
    db.session.execute(
        update(Answer)
        .where(
            Answer.participant_id == participant.id, Answer.hidden_at.is_(None), Answer.deleted_at.is_(None)
        )
        .values(hidden_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()
    return touched


def merge(meeting: Meeting, kept: Participant, duplicate: Participant) -> Touched:
    """One person, two identities: the duplicate's answers move to the kept identity, a vote
    both gave counts once, and the duplicate's phone is retired. The caller commits."""
    if kept.id == duplicate.id:
        raise ModerationError(N_("Choose two different participants to merge."))
    touched = _touched_by(duplicate)
    kept_client_ids = set(
        db.session.scalars(select(Answer.client_id).where(Answer.participant_id == kept.id))
    )
    for answer in db.session.scalars(select(Answer).where(Answer.participant_id == duplicate.id)):
        if answer.client_id in kept_client_ids:
            answer.client_id = f"{answer.client_id[:50]}-m{duplicate.id}"
        answer.participant_id = kept.id
    kept_votes = select(Vote.answer_id).where(Vote.participant_id == kept.id)
    db.session.execute(
        delete(Vote)
        .where(Vote.participant_id == duplicate.id, Vote.answer_id.in_(kept_votes))
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Vote)
        .where(Vote.participant_id == duplicate.id)
        .values(participant_id=kept.id)
        .execution_options(synchronize_session=False)
    )
    _merge_ballots(kept, duplicate)
    _merge_memberships(kept, duplicate)
    db.session.execute(
        update(HelpRequest)
        .where(HelpRequest.participant_id == duplicate.id)
        .values(participant_id=kept.id)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    _retire(duplicate, merged=True)
    return touched


def _merge_ballots(kept: Participant, duplicate: Participant) -> None:
    """One ballot per person and question: where the kept identity voted, its ballot stands;
    elsewhere the duplicate's ballot becomes the kept identity's."""
    kept_scopes = {
        (question_id, scope)
        for question_id, scope in db.session.execute(
            select(Ballot.question_id, Ballot.scope).where(Ballot.participant_id == kept.id)
        )
    }
    for ballot in db.session.scalars(select(Ballot).where(Ballot.participant_id == duplicate.id)).all():
        if (ballot.question_id, ballot.scope) in kept_scopes:
            db.session.delete(ballot)
        else:
            ballot.participant_id = kept.id
    db.session.flush()


def _merge_memberships(kept: Participant, duplicate: Participant) -> None:
    """In each round the kept identity stays where it is; one that was in no group takes the
    duplicate's place (and its rapporteur role)."""
    kept_rounds = {
        member.round_id: member
        for member in db.session.scalars(select(GroupMember).where(GroupMember.participant_id == kept.id))
    }
    for member in db.session.scalars(select(GroupMember).where(GroupMember.participant_id == duplicate.id)):
        group = db.session.get(BreakoutGroup, member.group_id)
        if member.round_id in kept_rounds:
            if group.rapporteur_id == duplicate.id:
                same_group = kept_rounds[member.round_id].group_id == group.id
                group.rapporteur_id = kept.id if same_group else None
            db.session.delete(member)
        else:
            member.participant_id = kept.id
            if group.rapporteur_id == duplicate.id:
                group.rapporteur_id = kept.id
