from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from facilitator.extensions import db
from facilitator.timeutil import utcnow


class Answer(db.Model):
    # A phone that resends an answer it never saw acknowledged reuses its client id:
    # the constraint turns the resend into a lookup instead of a duplicate.
    __table_args__ = (UniqueConstraint("participant_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    # None for plenary answers; set for answers on a breakout group's wall.
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("breakout_group.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Soft deletes: a late resend of a deleted answer must find it, not recreate it.
    deleted_at: Mapped[datetime | None]
    hidden_at: Mapped[datetime | None]

    question = relationship("Question")
    participant = relationship("Participant")

    @property
    def visible(self) -> bool:
        return self.deleted_at is None and self.hidden_at is None


class Presence(db.Model):
    """Which participants have a socket open right now, seen from every server process.

    Each process refreshes the rows of its own sockets; a row not refreshed for a while
    belongs to a process that died and no longer counts.
    """

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)
