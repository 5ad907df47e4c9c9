"""Telling screens what changed in the breakouts. Called only after the change is committed.

Changes of phase (a round opens or closes, report-back moves on) are announced with
`phase_changed`, and every screen fetches its own view: each phone's view is different
and must come from the database anyway. Changes inside a group go to that group's room.
"""

from __future__ import annotations

from facilitator.breakouts import payloads
from facilitator.breakouts.models import BreakoutGroup, BreakoutRound, GroupMessage, GroupSummary
from facilitator.extensions import socketio
from facilitator.meetings.models import Meeting
from facilitator.realtime.rooms import Audience, group_room, meeting_room, participant_room
from facilitator.realtime.synthesis_notices import synthesis_changed
from facilitator.timeutil import isoformat_utc, utcnow

EVERYONE = (Audience.PARTICIPANTS, Audience.MODERATORS, Audience.PROJECTOR)


def _emit(event: str, data: dict, meeting_id: int, *audiences: Audience) -> None:
    for audience in audiences:
        socketio.emit(event, data, to=meeting_room(meeting_id, audience))


def phase_changed(meeting: Meeting) -> None:
    _emit("phase_changed", {"revision": meeting.revision}, meeting.id, *EVERYONE)
    # Opening the walls widens what a rapporteur may read on the synthesis page.
    synthesis_changed(meeting.id)


def cockpit_changed(meeting_id: int) -> None:
    _emit("cockpit_changed", {}, meeting_id, Audience.MODERATORS)


def group_changed(meeting_id: int, group_id: int) -> None:
    """Membership or rapporteur of a group changed: its members re-read their view."""
    socketio.emit("group_changed", {"group_id": group_id}, to=group_room(group_id))
    cockpit_changed(meeting_id)


def membership_changed(meeting_id: int, participant_id: int, *group_ids: int | None) -> None:
    socketio.emit("group_changed", {}, to=participant_room(participant_id))
    for group_id in group_ids:
        if group_id is not None:
            socketio.emit("group_changed", {"group_id": group_id}, to=group_room(group_id))
    cockpit_changed(meeting_id)


def votes_changed(meeting_id: int, group_id: int, answer_id: int, votes: int) -> None:
    data = {"answer_id": answer_id, "group_id": group_id, "votes": votes}
    socketio.emit("votes_changed", data, to=group_room(group_id))
    _emit("votes_changed", data, meeting_id, Audience.MODERATORS)
    synthesis_changed(meeting_id)


def summary_saved(meeting_id: int, summary: GroupSummary) -> None:
    data = payloads.summary_payload(summary)
    socketio.emit("summary_saved", data, to=group_room(summary.group_id))
    _emit("summary_saved", data, meeting_id, Audience.MODERATORS)
    synthesis_changed(meeting_id, summary.question_id)
    cockpit_changed(meeting_id)


def help_changed(meeting_id: int, group: BreakoutGroup, requested: bool) -> None:
    data = {"group_id": group.id, "group": group.name, "requested": requested}
    _emit("help_changed", data, meeting_id, Audience.MODERATORS)
    socketio.emit("help_changed", data, to=group_room(group.id))


def message_sent(meeting_id: int, message: GroupMessage) -> None:
    data = payloads.message_payload(message)
    if message.group_id is None:
        _emit("message_broadcast", data, meeting_id, *EVERYONE)
    else:
        socketio.emit("message_broadcast", data, to=group_room(message.group_id))
        _emit("message_broadcast", data, meeting_id, Audience.MODERATORS)


def timer_changed(meeting_id: int, round_: BreakoutRound, event: str = "timer_changed") -> None:
    data = {
        "round_id": round_.id,
        "ends_at": isoformat_utc(round_.ends_at),
        "server_time": isoformat_utc(utcnow()),
    }
    _emit(event, data, meeting_id, *EVERYONE)
