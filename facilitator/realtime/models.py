from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from facilitator.extensions import db
from facilitator.timeutil import utcnow


class Presence(db.Model):
    """Which participants have a socket open right now, seen from every server process.

    Each process refreshes the rows of its own sockets; a row not refreshed for a while
    belongs to a process that died and no longer counts.
    """

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)
