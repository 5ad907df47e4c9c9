"""Telling every screen that a participant's contributions changed at once. Called after commit.

One notice per screen rather than one frame per answer: removing someone who sent a thousand
answers must not send the console a thousand frames.
"""

from __future__ import annotations

from facilitator.breakouts.broadcasts import cockpit_changed
from facilitator.extensions import socketio
from facilitator.meetings.models import Meeting
from facilitator.moderation.service import Touched
from facilitator.plenary.floor import floor_changed
from facilitator.plenary.progress import progress_changed
from facilitator.plenary.results import ballots_changed
from facilitator.plenary.snapshots import projector_snapshot
from facilitator.realtime.rooms import Audience, group_room, meeting_room, participant_room
from facilitator.realtime.synthesis_notices import synthesis_changed


def contributions_changed(meeting: Meeting, touched: Touched, *participant_ids: int) -> None:
    # The console re-reads its snapshot; the cockpit its own.
    socketio.emit("participants_changed", {}, to=meeting_room(meeting.id, Audience.MODERATORS))
    cockpit_changed(meeting.id)
    socketio.emit("snapshot", projector_snapshot(meeting), to=meeting_room(meeting.id, Audience.PROJECTOR))
    # Phones re-read their group's wall; the people concerned re-read their own answers.
    for group_id in touched.group_ids:
        socketio.emit("group_changed", {"group_id": group_id}, to=group_room(group_id))
    for participant_id in participant_ids:
        socketio.emit("group_changed", {}, to=participant_room(participant_id))
    for question_id in touched.question_ids:
        progress_changed(meeting.id, question_id)
        synthesis_changed(meeting.id, question_id)
        # Questions from the floor and the votes on them: the lists re-read (a no-op for other formats).
        floor_changed(meeting.id, question_id)
    for question_id, group_id in touched.ballot_scopes:
        ballots_changed(meeting.id, question_id, group_id)
    if not touched.question_ids:
        synthesis_changed(meeting.id)


def disconnect_phones(touched: Touched, participant_id: int) -> None:
    """Closes the removed phone's sockets at once, in this process and (through the message
    queue) in the others; it is refused when it tries to come back (not_joined)."""
    local = socketio.server.manager.get_participants("/", participant_room(participant_id))
    sids = set(touched.sids) | {sid for sid, _eio_sid in local}
    for sid in sids:
        socketio.server.disconnect(sid, namespace="/")
