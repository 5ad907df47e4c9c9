"""The synthesis page's socket: it only listens, in its own namespace, for `synthesis_changed`.

A reader who sees everything joins the meeting's room. A rapporteur who sees only some groups
joins one room per question those groups work on, and hears nothing of the others' questions.
"""

from __future__ import annotations

from flask import request
from flask_socketio import ConnectionRefusedError, join_room
from sqlalchemy import select

from facilitator.accounts import sockets as moderator_sockets
from facilitator.accounts.auth import current_session
from facilitator.breakouts.models import BreakoutGroup
from facilitator.extensions import db, socketio
from facilitator.realtime.rooms import SYNTHESIS_NAMESPACE, synthesis_room
from facilitator.realtime.synthesis_notices import partial_room, question_room
from facilitator.synthesis.access import curator_for


@socketio.on("connect", namespace=SYNTHESIS_NAMESPACE)
def connect(auth: object = None) -> None:
    meeting_id = auth.get("meeting") if isinstance(auth, dict) else None
    if not isinstance(meeting_id, int) or isinstance(meeting_id, bool):
        raise ConnectionRefusedError("bad_request")
    # The moderator's login or a rapporteur's participant cookie, as for the page itself.
    curator = curator_for(meeting_id)
    if curator is None:
        raise ConnectionRefusedError("forbidden")
    if curator.is_moderator:
        # Closed when the moderator's session ends (logout, password change).
        moderator_sockets.opened(request.sid, SYNTHESIS_NAMESPACE, current_session().id)
    if curator.groups is None:
        join_room(synthesis_room(meeting_id))
        return
    join_room(partial_room(meeting_id))
    question_lists = db.session.scalars(
        select(BreakoutGroup.question_ids).where(BreakoutGroup.id.in_(list(curator.groups)))
    )
    for question_id in {q for ids in question_lists for q in ids or []}:
        join_room(question_room(meeting_id, question_id))
