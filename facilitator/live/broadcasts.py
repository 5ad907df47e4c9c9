"""Telling every screen what just happened. Called only after the change is committed."""

from __future__ import annotations

from facilitator.breakouts.payloads import wall_answer_payload
from facilitator.breakouts.service import vote_count
from facilitator.extensions import socketio
from facilitator.joining.models import Participant
from facilitator.live import payloads
from facilitator.live.models import Answer
from facilitator.live.progress import progress_changed
from facilitator.live.service import answers_to, progress
from facilitator.live.snapshots import projector_joined, projector_snapshot
from facilitator.meetings.models import Meeting, Question
from facilitator.rooms import Audience, group_room, meeting_room, participant_room
from facilitator.synthesis.broadcasts import synthesis_changed


def _emit(event: str, data: dict, meeting: Meeting, *audiences: Audience) -> None:
    for audience in audiences:
        socketio.emit(event, data, to=meeting_room(meeting.id, audience))


def participant_joined(meeting: Meeting, participant: Participant) -> None:
    data = {"participant": payloads.participant_payload(participant)}
    _emit("participant_joined", data, meeting, Audience.MODERATORS)
    _emit("participant_joined", projector_joined(meeting, participant), meeting, Audience.PROJECTOR)
    presence_changed(meeting.id)


def presence_changed(meeting_id: int) -> None:
    """Someone joined, connected or left: the breakout cockpit refreshes (it throttles)."""
    socketio.emit("cockpit_changed", {}, to=meeting_room(meeting_id, Audience.MODERATORS))


def question_changed(meeting: Meeting, event: str, question: Question, *, fresh: bool = False) -> None:
    """question_opened or question_closed: the stage every screen is on.

    A fresh question has no answers yet, so phones need nothing more than this event;
    a reopened one sends them back to the database for what they wrote before.
    """
    data = {"revision": meeting.revision, "question": payloads.question_payload(question), "fresh": fresh}
    _emit(event, data, meeting, Audience.MODERATORS, Audience.PARTICIPANTS)
    synthesis_changed(meeting.id, question.id)
    projector_data = {**data, "progress": progress(question), "answers": []}
    if meeting.projector_shows_answers:
        projector_data["answers"] = [
            payloads.public_answer_payload(meeting, answer)
            for answer in answers_to(question, include_hidden=False)
        ]
    _emit(event, projector_data, meeting, Audience.PROJECTOR)


def answer_changed(meeting: Meeting, answer: Answer, *, skip_sid: str | None = None) -> None:
    """A new, edited, deleted or hidden answer: each screen gets the view it may see."""
    gone = not answer.visible
    synthesis_changed(meeting.id, answer.question_id)
    own = payloads.own_answer_payload(answer)
    # The author's other tabs; the tab that sent it already has the acknowledgement.
    socketio.emit(
        "my_answer_removed" if gone else "my_answer_changed",
        own,
        to=participant_room(answer.participant_id),
        skip_sid=skip_sid,
    )
    if answer.group_id is not None:
        _group_answer_changed(meeting, answer, gone)
        return
    public = payloads.public_answer_payload(meeting, answer)
    socketio.emit(
        "answer_removed" if answer.deleted_at else "answer_changed",
        public,
        to=meeting_room(meeting.id, Audience.MODERATORS),
    )
    if meeting.projector_shows_answers:
        _emit("answer_removed" if gone else "answer_changed", public, meeting, Audience.PROJECTOR)
    progress_changed(meeting.id, answer.question_id)


def projector_settings_changed(meeting: Meeting) -> None:
    _emit("snapshot", projector_snapshot(meeting), meeting, Audience.PROJECTOR)
    _emit("meeting_changed", payloads.meeting_payload(meeting), meeting, Audience.MODERATORS)


def _group_answer_changed(meeting: Meeting, answer: Answer, gone: bool) -> None:
    """A breakout wall: only the group itself and the moderators learn of it."""
    data = wall_answer_payload(meeting, answer, vote_count(answer.id))
    event = "wall_answer_removed" if gone else "wall_answer_changed"
    socketio.emit(event, data, to=group_room(answer.group_id))
    _emit(event, data, meeting, Audience.MODERATORS)
