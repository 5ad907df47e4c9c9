from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from facilitator.extensions import db
from facilitator.timeutil import utcnow


class Participant(db.Model):
    """One phone in one meeting. The phone proves who it is with a random token in a cookie;
    only the token's hash is stored, so a database leak does not let anyone impersonate it."""

    __table_args__ = (UniqueConstraint("meeting_id", "token_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(80), default="")
    country: Mapped[str] = mapped_column(String(80), default="")
    organisation: Mapped[str] = mapped_column(String(120), default="")
    language: Mapped[str] = mapped_column(String(40), default="", server_default="")
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)

    meeting = relationship("Meeting")
