"""The meeting's revision: bumped on every change phones can see."""

from __future__ import annotations

from sqlalchemy import update

from facilitator.extensions import db
from facilitator.meetings.models import Meeting


def bump_revision(meeting: Meeting) -> None:
    """Counted in the database, so every server process agrees on the order of changes."""
    db.session.execute(update(Meeting).where(Meeting.id == meeting.id).values(revision=Meeting.revision + 1))
    db.session.refresh(meeting, ["revision"])
