"""Telling open synthesis pages that a question's answers, votes, summaries or themes changed.

The event carries only the question's id (None: any question); each page then fetches what it
may see over HTTP, where access is checked. Called only after the change is committed.
"""

from __future__ import annotations

from facilitator.coalesce import once_soon
from facilitator.extensions import socketio
from facilitator.rooms import SYNTHESIS_NAMESPACE, synthesis_room


def synthesis_changed(meeting_id: int, question_id: int | None = None) -> None:
    """Once for a burst of changes (facilitator/coalesce.py): the page re-reads anyway."""

    def send() -> None:
        socketio.emit(
            "synthesis_changed",
            {"question_id": question_id},
            to=synthesis_room(meeting_id),
            namespace=SYNTHESIS_NAMESPACE,
        )

    once_soon(("synthesis", meeting_id, question_id), send)
