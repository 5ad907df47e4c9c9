"""Keeping each phone's sockets in the room of the group the database puts it in.

A phone joins its group's room itself when it connects or syncs (`enter_group_room`). When
the server changes someone's group (a moderator moves them, they choose one) or a round
ends, the server moves their sockets at once: a phone that slept through the change must
not go on receiving its old group's wall until it next syncs.

The sockets of one participant may live in any server process. Presence rows (in the
database) name them all; python-socketio's message-queue manager carries `enter_room` and
`leave_room` for a socket of another process to that process, and `close_room` to every
process. Each socket's session remembers its group room (GROUP_ROOM_KEY); this process
updates that memory for its own sockets, and another process's memory is corrected at the
socket's next sync, which leaves the remembered room and joins the right one.
"""

from __future__ import annotations

from flask import session
from flask_socketio import join_room, leave_room
from sqlalchemy import select

from facilitator.breakouts import broadcasts
from facilitator.breakouts import service as breakouts
from facilitator.breakouts.models import BreakoutRound
from facilitator.extensions import db, socketio
from facilitator.joining.models import Participant
from facilitator.realtime import screens
from facilitator.realtime.models import Presence
from facilitator.realtime.rooms import group_room, participant_room

NAMESPACE = "/"
GROUP_ROOM_KEY = "group_room"


@screens.on_phone_sync
def enter_group_room(participant: Participant) -> None:
    """Join the room of the group the database says this phone is in, and leave any other."""
    meeting = participant.meeting
    round_ = breakouts.running_round(meeting)
    member = breakouts.membership(round_, participant) if round_ else None
    if round_ is not None and member is None and breakouts.place_late_joiner(round_, participant):
        db.session.commit()
        member = breakouts.membership(round_, participant)
        broadcasts.membership_changed(meeting.id, participant.id, member.group_id)
    wanted = group_room(member.group_id) if member else None
    # The socket's own session remembers its group room: asking Socket.IO for a socket's
    # rooms scans every room of the server, one per participant, on each of a thousand syncs.
    current = session.get(GROUP_ROOM_KEY)
    if current and current != wanted:
        leave_room(current)
    if wanted:
        join_room(wanted)
    session[GROUP_ROOM_KEY] = wanted


def _sockets_of(participant_id: int) -> set[str]:
    local = {
        sid
        for sid, _eio in socketio.server.manager.get_participants(NAMESPACE, participant_room(participant_id))
    }
    remote = set(db.session.scalars(select(Presence.sid).where(Presence.participant_id == participant_id)))
    return local | remote


def _remember(sid: str, room: str | None) -> None:
    environ = socketio.server.get_environ(sid, namespace=NAMESPACE)
    saved = environ.get("saved_session") if environ else None
    if saved is not None:
        saved[GROUP_ROOM_KEY] = room


def move_participant(participant_id: int, old_group_id: int | None, new_group_id: int | None) -> None:
    """Every socket of the participant leaves the old group's room and enters the new one's."""
    if old_group_id == new_group_id:
        return
    old = group_room(old_group_id) if old_group_id is not None else None
    new = group_room(new_group_id) if new_group_id is not None else None
    for sid in _sockets_of(participant_id):
        if old:
            socketio.server.leave_room(sid, old, namespace=NAMESPACE)
        if new:
            socketio.server.enter_room(sid, new, namespace=NAMESPACE)
        _remember(sid, new)


def round_closed(round_: BreakoutRound) -> None:
    """Group walls are private while a round runs; once it is closed no phone stays in them."""
    for group in round_.groups:
        socketio.close_room(group_room(group.id), namespace=NAMESPACE)
