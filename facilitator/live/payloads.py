"""What each screen receives about questions, answers and people.

The meeting's attribution rule is applied here, the one place that decides
what may be said about who wrote an answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from facilitator.joining.models import Participant
from facilitator.live.models import Answer
from facilitator.meetings.models import Attribution, Meeting, Question
from facilitator.timeutil import isoformat_utc

PARTICIPANT_FIELDS = ("id", "display_name", "country", "organisation", "language")


def author_label(meeting: Meeting, participant: Participant) -> str | None:
    if meeting.attribution == Attribution.NAMED:
        parts = [participant.display_name, participant.country]
    elif meeting.attribution == Attribution.AFFILIATION:
        parts = [participant.country, participant.organisation]
    else:
        return None
    label = " · ".join(part for part in parts if part)
    return label or None


def question_payload(question: Question | None) -> dict | None:
    if question is None:
        return None
    return {
        "id": question.id,
        "text": question.text,
        "kind": question.kind,
        "status": question.status,
        "opened_at": isoformat_utc(question.opened_at),
        "closed_at": isoformat_utc(question.closed_at),
    }


def own_answer_payload(answer: Answer) -> dict:
    """For the phone that wrote it: keyed by its own client id."""
    return {
        "id": answer.id,
        "client_id": answer.client_id,
        "question_id": answer.question_id,
        "group_id": answer.group_id,
        "text": answer.text,
        "created_at": isoformat_utc(answer.created_at),
        "updated_at": isoformat_utc(answer.updated_at),
    }


def public_answer_payload(meeting: Meeting, answer: Answer) -> dict:
    """For the projector and the console: no ids that lead back to a person."""
    return {
        "id": answer.id,
        "question_id": answer.question_id,
        "text": answer.text,
        "author": author_label(meeting, answer.participant),
        "hidden": answer.hidden_at is not None,
        "created_at": isoformat_utc(answer.created_at),
        "updated_at": isoformat_utc(answer.updated_at),
    }


def participant_payload(participant: Participant | Mapping[str, Any]) -> dict:
    """From a participant or from a row of its columns (the console's list of everyone)."""
    if isinstance(participant, Mapping):
        return {name: participant[name] for name in PARTICIPANT_FIELDS}
    return {name: getattr(participant, name) for name in PARTICIPANT_FIELDS}


def meeting_payload(meeting: Meeting) -> dict:
    return {
        "title": meeting.title,
        "join_code": meeting.join_code,
        "attribution": meeting.attribution,
        "projector_shows_answers": meeting.projector_shows_answers,
    }
