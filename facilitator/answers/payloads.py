"""What each screen receives about questions, answers and people.

The meeting's attribution rule is applied here, the one place that decides
what may be said about who wrote an answer.
"""

from __future__ import annotations

from facilitator.answers.models import Answer
from facilitator.joining.models import Participant
from facilitator.meetings.models import Attribution, Meeting
from facilitator.timeutil import isoformat_utc


def author_label(meeting: Meeting, participant: Participant) -> str | None:
    if meeting.attribution == Attribution.NAMED:
        parts = [participant.display_name, participant.country]
    elif meeting.attribution == Attribution.AFFILIATION:
        parts = [participant.country, participant.organisation]
    else:
        return None
    label = " · ".join(part for part in parts if part)
    return label or None


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
        "author": None if answer.anonymous else author_label(meeting, answer.participant),
        "hidden": answer.hidden_at is not None,
        "created_at": isoformat_utc(answer.created_at),
        "updated_at": isoformat_utc(answer.updated_at),
    }
