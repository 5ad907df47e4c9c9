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
