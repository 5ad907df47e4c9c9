"""Telling every screen what just happened. Called only after the change is committed."""

from __future__ import annotations

from facilitator.answers import payloads
from facilitator.answers.models import Answer
from facilitator.answers.queries import answers_to, progress, vote_count
from facilitator.breakouts.payloads import wall_answer_payload
from facilitator.extensions import socketio
from facilitator.joining import payloads as participant_payloads
from facilitator.joining.models import Participant
from facilitator.joining.signals import participant_joined as joined_signal
from facilitator.meetings import payloads as meeting_payloads
from facilitator.meetings.models import Meeting, Question, QuestionFormat
from facilitator.plenary import floor as plenary_floor
from facilitator.plenary import results
from facilitator.plenary.progress import progress_changed
from facilitator.plenary.snapshots import projector_joined, projector_snapshot
from facilitator.realtime import presence
from facilitator.realtime.rooms import Audience, group_room, meeting_room, participant_room
from facilitator.realtime.synthesis_notices import synthesis_changed


def _emit(event: str, data: dict, meeting: Meeting, *audiences: Audience) -> None:
    for audience in audiences:
        socketio.emit(event, data, to=meeting_room(meeting.id, audience))


@joined_signal.connect
def participant_joined(_sender: object, *, meeting: Meeting, participant: Participant) -> None:
    data = {"participant": participant_payloads.participant_payload(participant)}
    _emit("participant_joined", data, meeting, Audience.MODERATORS)
    _emit("participant_joined", projector_joined(meeting, participant), meeting, Audience.PROJECTOR)
    presence.changed(meeting.id)


def question_changed(meeting: Meeting, event: str, question: Question, *, fresh: bool = False) -> None:
    """question_opened or question_closed: the stage every screen is on.

    A fresh question has no answers yet, so phones need nothing more than this event;
    a reopened one sends them back to the database for what they wrote before.
    """
    data = {
        "revision": meeting.revision,
        "question": meeting_payloads.question_payload(question),
        "fresh": fresh,
    }
    _emit(event, data, meeting, Audience.MODERATORS, Audience.PARTICIPANTS)
    synthesis_changed(meeting.id, question.id)
    projector_data = {**data, "progress": progress(question), "answers": []}
    # A ballot question's results: moderators always, the room by its rules (after close, say).
    projector_data["results"] = results.announce(meeting, question, projector=False)
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
    if answer.question.format == QuestionFormat.FLOOR:
        # A question from the floor withdrawn or hidden: the lists of every screen change.
        plenary_floor.item_changed(meeting, answer, skip_sid=skip_sid)
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
    _emit("meeting_changed", meeting_payloads.meeting_payload(meeting), meeting, Audience.MODERATORS)
    # Phones see a ballot question's results only while the projector shows answers.
    if meeting.current_question is not None:
        results.announce(meeting, meeting.current_question, projector=False)


def _group_answer_changed(meeting: Meeting, answer: Answer, gone: bool) -> None:
    """A breakout wall: only the group itself and the moderators learn of it."""
    data = wall_answer_payload(meeting, answer, vote_count(answer.id))
    event = "wall_answer_removed" if gone else "wall_answer_changed"
    socketio.emit(event, data, to=group_room(answer.group_id))
    _emit(event, data, meeting, Audience.MODERATORS)
