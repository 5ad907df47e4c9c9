"""What screens receive about a meeting and its questions."""

from __future__ import annotations

from facilitator.meetings.models import Meeting, Question
from facilitator.timeutil import isoformat_utc


def question_payload(question: Question | None) -> dict | None:
    if question is None:
        return None
    return {
        "id": question.id,
        "text": question.text,
        "kind": question.kind,
        "status": question.status,
        "format": question.format,
        "settings": question.settings or {},
        "options": [{"id": option.id, "text": option.text} for option in question.options],
        "opened_at": isoformat_utc(question.opened_at),
        "closed_at": isoformat_utc(question.closed_at),
    }


def meeting_payload(meeting: Meeting) -> dict:
    return {
        "title": meeting.title,
        "join_code": meeting.join_code,
        "attribution": meeting.attribution,
        "projector_shows_answers": meeting.projector_shows_answers,
    }
