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
    # A keyed digest of the address the phone joined from, never the address itself: enough to
    # tell moderators that two identities came from the same network (identity.address_hash).
    join_address_hash: Mapped[str] = mapped_column(String(32), default="", server_default="")

    meeting = relationship("Meeting")


class RemovedPhone(db.Model):
    """A phone the moderator removed (or merged into another identity): its cookie no longer
    joins this meeting, so it cannot silently come back."""

    __table_args__ = (UniqueConstraint("meeting_id", "token_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    merged: Mapped[bool] = mapped_column(default=False)
    removed_at: Mapped[datetime] = mapped_column(default=utcnow)
