""" "N of M answered", sent to the console and the projector at most a few times a second."""

from __future__ import annotations

from facilitator.answers.queries import progress
from facilitator.extensions import db, socketio
from facilitator.meetings.models import Question
from facilitator.realtime.coalesce import once_soon
from facilitator.realtime.rooms import Audience, meeting_room


def progress_changed(meeting_id: int, question_id: int) -> None:
    """A burst of answers gets one count, read from the database when it is sent."""

    def send() -> None:
        question = db.session.get(Question, question_id)
        if question is None:
            return
        data = progress(question)
        for audience in (Audience.MODERATORS, Audience.PROJECTOR):
            socketio.emit("progress", data, to=meeting_room(meeting_id, audience))

    once_soon(("progress", question_id), send)
