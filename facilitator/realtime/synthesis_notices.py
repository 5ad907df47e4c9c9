"""Telling open synthesis pages that a question's answers, votes, summaries or themes changed.

The event carries only the question's id (None: any question); each page then fetches what it
may see over HTTP, where access is checked. Called only after the change is committed.

Readers who see everything are in the meeting's room. A rapporteur who sees only their group's
part is in one room per question of that group (facilitator/synthesis/events.py), so that a
question only other groups work on (a jigsaw round) never reaches them, and in a room of its own
for the notices about no question in particular (a phase changed: their view may have grown).
"""

from __future__ import annotations

from facilitator.extensions import socketio
from facilitator.realtime.coalesce import once_soon
from facilitator.realtime.rooms import SYNTHESIS_NAMESPACE, synthesis_room


def question_room(meeting_id: int, question_id: int) -> str:
    return f"{synthesis_room(meeting_id)}:question:{question_id}"


def partial_room(meeting_id: int) -> str:
    return f"{synthesis_room(meeting_id)}:partial"


def synthesis_changed(meeting_id: int, question_id: int | None = None) -> None:
    """Once for a burst of changes (facilitator/coalesce.py): the page re-reads anyway."""

    def send() -> None:
        rooms = [synthesis_room(meeting_id)]
        rooms.append(
            partial_room(meeting_id) if question_id is None else question_room(meeting_id, question_id)
        )
        socketio.emit(
            "synthesis_changed", {"question_id": question_id}, to=rooms, namespace=SYNTHESIS_NAMESPACE
        )

    once_soon(("synthesis", meeting_id, question_id), send)
