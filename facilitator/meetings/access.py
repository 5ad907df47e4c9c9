"""Which meetings the logged-in moderator may see: only their own."""

from __future__ import annotations

from flask import abort

from facilitator.accounts.auth import current_moderator
from facilitator.extensions import db
from facilitator.meetings.models import Meeting, Question


def own_meeting_or_404(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    moderator = current_moderator()
    # 404, not 403: another moderator's meeting ids reveal nothing, not even that they exist.
    if meeting is None or moderator is None or meeting.owner_id != moderator.id:
        abort(404)
    return meeting


def own_question_or_404(meeting: Meeting, question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.meeting_id != meeting.id:
        abort(404)
    return question
