"""The synthesis page's socket: it only listens, in its own namespace, for `synthesis_changed`."""

from __future__ import annotations

from flask_socketio import ConnectionRefusedError, join_room

from facilitator.extensions import socketio
from facilitator.rooms import SYNTHESIS_NAMESPACE, synthesis_room
from facilitator.synthesis.access import curator_for


@socketio.on("connect", namespace=SYNTHESIS_NAMESPACE)
def connect(auth: object = None) -> None:
    meeting_id = auth.get("meeting") if isinstance(auth, dict) else None
    if not isinstance(meeting_id, int) or isinstance(meeting_id, bool):
        raise ConnectionRefusedError("bad_request")
    # The moderator's login or a rapporteur's participant cookie, as for the page itself.
    if curator_for(meeting_id) is None:
        raise ConnectionRefusedError("forbidden")
    join_room(synthesis_room(meeting_id))
