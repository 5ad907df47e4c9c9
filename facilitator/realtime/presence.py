"""Which phones are connected, in the database so that every server process can tell.

A process knows only its own sockets; it records them on connect, forgets them on
disconnect, and refreshes them now and then so that the rows of a process that died
grow old and stop counting.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, update

from facilitator.extensions import db, socketio
from facilitator.realtime.models import Presence
from facilitator.realtime.rooms import Audience, meeting_room
from facilitator.timeutil import utcnow
from facilitator.transactions import commit_keeping_state

STALE_AFTER = timedelta(minutes=5)

# This process's own sockets: a cache of what it must keep fresh, never a source of truth.
_local_sids: set[str] = set()


def arrived(sid: str, meeting_id: int, participant_id: int) -> None:
    # A socket id is new on every connection, so this is an insert, never an update.
    db.session.add(Presence(sid=sid, meeting_id=meeting_id, participant_id=participant_id, seen_at=utcnow()))
    # The connecting phone's snapshot is built next from what this event has already loaded.
    commit_keeping_state()
    _local_sids.add(sid)


def left(sid: str) -> None:
    _local_sids.discard(sid)
    db.session.execute(delete(Presence).where(Presence.sid == sid))
    db.session.commit()


def refresh() -> None:
    now = utcnow()
    if _local_sids:
        db.session.execute(update(Presence).where(Presence.sid.in_(list(_local_sids))).values(seen_at=now))
    db.session.execute(delete(Presence).where(Presence.seen_at < now - STALE_AFTER))
    db.session.commit()


def changed(meeting_id: int) -> None:
    """Someone joined, connected or left: the breakout cockpit refreshes (it throttles)."""
    socketio.emit("cockpit_changed", {}, to=meeting_room(meeting_id, Audience.MODERATORS))
