"""The moderator's cockpit: every group at a glance, with who is online and who needs help."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from facilitator.answers import tally
from facilitator.answers.models import Answer
from facilitator.breakouts.models import BreakoutRound, GroupMember, HelpRequest
from facilitator.breakouts.payloads import (
    member_label,
    members_payload,
    messages_for,
    questions_payload,
    round_payload,
    summaries,
)
from facilitator.extensions import db
from facilitator.joining.models import Participant
from facilitator.meetings.formats import BALLOT_FORMATS
from facilitator.meetings.models import Meeting, Question
from facilitator.realtime.models import Presence
from facilitator.timeutil import isoformat_utc, utcnow

PRESENCE_TIMEOUT_S = 75


def connected_participants(meeting_id: int) -> set[int]:
    horizon = utcnow().timestamp() - PRESENCE_TIMEOUT_S
    rows = db.session.execute(
        select(Presence.participant_id, Presence.seen_at).where(Presence.meeting_id == meeting_id)
    ).all()
    return {pid for pid, seen in rows if seen.timestamp() >= horizon}


def help_requests(round_: BreakoutRound) -> dict[int, str]:
    rows = db.session.execute(
        select(HelpRequest.group_id, HelpRequest.created_at).where(
            HelpRequest.group_id.in_([g.id for g in round_.groups]), HelpRequest.resolved_at.is_(None)
        )
    ).all()
    return {group_id: isoformat_utc(created) for group_id, created in rows}


def cockpit(meeting: Meeting, round_: BreakoutRound) -> dict:
    """Every group at a glance for the moderator."""
    connected = connected_participants(meeting.id)
    helps = help_requests(round_)
    counts = dict(
        (tuple(key), n)
        for *key, n in db.session.execute(
            select(Answer.group_id, Answer.question_id, func.count())
            .where(Answer.group_id.in_([g.id for g in round_.groups]), Answer.deleted_at.is_(None))
            .group_by(Answer.group_id, Answer.question_id)
        ).all()
    )
    groups = []
    for group in round_.groups:
        written = summaries(group)
        groups.append(
            {
                "id": group.id,
                "name": group.name,
                "number": group.number,
                "capacity": group.capacity,
                "rapporteur_id": group.rapporteur_id,
                "members": members_payload(meeting, group, connected),
                "questions": [
                    {
                        **question,
                        "answers": counts.get((group.id, question["id"]), 0),
                        "has_summary": bool(written.get(str(question["id"]), {}).get("text")),
                    }
                    for question in questions_payload(group.question_ids)
                ],
                "help_since": helps.get(group.id),
            }
        )
    return {
        "round": round_payload(round_),
        "groups": groups,
        "unassigned": unassigned(meeting, round_),
        "messages": messages_for(round_, None),
        "results": group_results(round_),
    }


def group_results(round_: BreakoutRound) -> dict[str, dict[str, dict]]:
    """Each group's results on each of its ballot questions: {question id: {group id: results}}."""
    question_ids = {qid for group in round_.groups for qid in group.question_ids}
    if not question_ids:
        return {}
    questions = db.session.scalars(
        select(Question)
        .where(Question.id.in_(question_ids), Question.format.in_(BALLOT_FORMATS))
        .options(selectinload(Question.options))
    )
    results: dict[str, dict[str, dict]] = {}
    for question in questions:
        counted = tally.results_by_group(question)
        results[str(question.id)] = {
            str(group.id): counted.get(group.id) or tally.empty_results(question)
            for group in round_.groups
            if question.id in group.question_ids
        }
    return results


def unassigned(meeting: Meeting, round_: BreakoutRound) -> list[dict]:
    placed = select(GroupMember.participant_id).where(GroupMember.round_id == round_.id)
    people = db.session.scalars(
        select(Participant).where(Participant.meeting_id == meeting.id, Participant.id.not_in(placed))
    )
    return [{"id": p.id, "name": p.display_name, "label": member_label(meeting, p)} for p in people]
