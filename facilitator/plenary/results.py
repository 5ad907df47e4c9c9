"""Sending ballot results to the screens that may see them. Called only after the change is committed.

Moderators (console and cockpit) always see results live. The projector and the phones see the
plenary's results by the rules of facilitator.answers.tally; a breakout group's own results go to
its members' room when its question allows it. A `results` frame with `results: null` tells a
screen that it may no longer show them (the moderator hid them, or reopened the question).

After a ballot changes, the results are sent at most once per COALESCE_DELAY_S for each question
and scope: when a room votes at once, each screen gets a few recounts, the last one exact.
"""

from __future__ import annotations

from facilitator.answers import tally
from facilitator.breakouts import service as breakouts
from facilitator.breakouts.models import BreakoutGroup
from facilitator.extensions import db, socketio
from facilitator.meetings import payloads as meeting_payloads
from facilitator.meetings.formats import BALLOT_FORMATS
from facilitator.meetings.models import Meeting, Question
from facilitator.realtime.coalesce import once_soon
from facilitator.realtime.rooms import Audience, group_room, meeting_room
from facilitator.realtime.synthesis_notices import synthesis_changed


def _frame(question: Question, group_id: int | None, results: dict | None) -> dict:
    return {"question_id": question.id, "group_id": group_id, "results": results}


def _emit(frame: dict, meeting_id: int, audience: Audience) -> None:
    socketio.emit("results", frame, to=meeting_room(meeting_id, audience))


def announce(
    meeting: Meeting, question: Question, *, projector: bool = True, rules_changed: bool = True
) -> dict | None:
    """Sends the plenary results of a ballot question to every screen, each by its rule; when the
    rules changed, the screens that may not see them are told so. Returns what the projector may
    show (None if nothing), for frames that carry it themselves."""
    if question.format not in BALLOT_FORMATS:
        return None
    results = tally.results_for(question)
    _emit(_frame(question, None, results), meeting.id, Audience.MODERATORS)
    shown = results if tally.projector_may_see(meeting, question) else None
    if projector and (shown is not None or rules_changed):
        _emit(_frame(question, None, shown), meeting.id, Audience.PROJECTOR)
    phones = results if tally.phones_may_see(meeting, question) else None
    if phones is not None or rules_changed:
        _emit(_frame(question, None, phones), meeting.id, Audience.PARTICIPANTS)
    return shown


def announce_group(
    meeting: Meeting, question: Question, group: BreakoutGroup, *, rules_changed: bool = True
) -> None:
    """Sends one group's results on a ballot question to the moderators and, if allowed, the group."""
    results = tally.results_for(question, group.id)
    frame = _frame(question, group.id, results)
    _emit(frame, meeting.id, Audience.MODERATORS)
    round_open = breakouts.running_round(meeting) is not None and meeting.current_round_id == group.round_id
    members = results if tally.group_may_see(question, round_open) else None
    if members is not None or rules_changed:
        socketio.emit("results", {**frame, "results": members}, to=group_room(group.id))


def announce_everywhere(meeting: Meeting, question: Question) -> None:
    """The plenary's results and those of every group of the current round that has the question:
    after the rules of who sees them changed."""
    announce(meeting, question)
    round_ = meeting.current_round
    for group in round_.groups if round_ is not None else ():
        if question.id in group.question_ids:
            announce_group(meeting, question, group)


def visibility_changed(meeting: Meeting, question: Question) -> None:
    """The moderator changed when the room sees a question's results: every screen learns the
    question's new settings, then gets the results it may now see, or null."""
    data = {"revision": meeting.revision, "question": meeting_payloads.question_payload(question)}
    for audience in (Audience.MODERATORS, Audience.PARTICIPANTS, Audience.PROJECTOR):
        socketio.emit("question_updated", data, to=meeting_room(meeting.id, audience))
    announce_everywhere(meeting, question)


def _send(meeting_id: int, question_id: int, group_id: int | None) -> None:
    # Read afresh when sent: the coalesced notice may run in a later app context.
    question = db.session.get(Question, question_id)
    meeting = db.session.get(Meeting, meeting_id)
    if question is None or meeting is None:
        return
    if group_id is None:
        announce(meeting, question, rules_changed=False)
        return
    group = db.session.get(BreakoutGroup, group_id)
    if group is not None:
        announce_group(meeting, question, group, rules_changed=False)


def ballots_changed(meeting_id: int, question_id: int, group_id: int | None) -> None:
    """A ballot changed: its scope's results, recounted, a moment later (once for a burst), and
    the open synthesis pages re-read theirs."""
    synthesis_changed(meeting_id, question_id)
    once_soon(
        ("results", meeting_id, question_id, group_id),
        lambda: _send(meeting_id, question_id, group_id),
    )
