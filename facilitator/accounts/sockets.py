"""The moderator sockets open in this process, by login session, so that an ended session
loses them: at once in the process that ended it, and within a tick of the clock in every other
process (each one sweeps its own sockets against the database, see `sweep`).

Socket events also check their session on every call (facilitator/realtime/handlers.py), so a
socket in another process is refused its next moderator event even before the sweep.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from facilitator.accounts import sessions
from facilitator.extensions import db, socketio

log = logging.getLogger(__name__)
# (sid, namespace) -> moderator session id. Plain dict operations: atomic under the GIL and on
# eventlet's single hub thread alike.
_open: dict[tuple[str, str], int] = {}


def opened(sid: str, namespace: str, session_id: int) -> None:
    _open[(sid, namespace)] = session_id


def closed(sid: str, namespace: str) -> None:
    _open.pop((sid, namespace), None)


def _present(sid: str, namespace: str) -> bool:
    manager = socketio.server.manager
    return manager.is_connected(sid, namespace) or manager.is_pre_connected(sid, namespace)


def disconnect(session_ids: Iterable[int]) -> None:
    """Closes this process's sockets of these sessions."""
    ended = set(session_ids)
    for (sid, namespace), session_id in list(_open.items()):
        if session_id not in ended:
            continue
        if socketio.server.manager.is_connected(sid, namespace):
            closed(sid, namespace)
            socketio.server.disconnect(sid, namespace=namespace, ignore_queue=True)
        elif not _present(sid, namespace):
            closed(sid, namespace)
        # A socket still connecting stays listed: the next sweep closes it.


def sweep() -> None:
    """Drops sockets that went away, disconnects those whose session ended elsewhere, and keeps
    the sessions of open sockets from expiring as idle (a projector left on all day)."""
    if not _open:
        return
    for sid, namespace in [key for key in list(_open) if not _present(*key)]:
        closed(sid, namespace)
    wanted = set(_open.values())
    last_seen = sessions.live_among(wanted)
    live = set(last_seen)
    due = sessions.stale(last_seen)
    if due:
        sessions.touch(due)
        db.session.commit()
    if wanted - live:
        log.info("closing %d socket session(s) ended elsewhere", len(wanted - live))
        disconnect(wanted - live)
