"""What participants give: written answers (and questions from the floor), support votes, and
ballots for choice, rating, ranking and word-cloud questions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from facilitator.extensions import db
from facilitator.timeutil import utcnow


class Answer(db.Model):
    """A written answer on a plenary question or a group's wall, or a question from the floor."""

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
    # Questions from the floor only. The author asked not to be named, even where the meeting names people.
    anonymous: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Waiting for the moderator's approval: seen only by its author and the moderator.
    awaiting_approval: Mapped[bool] = mapped_column(default=False, server_default=false())
    answered_at: Mapped[datetime | None]
    # Merged into another question from the floor, which took its votes.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("answer.id", ondelete="SET NULL"))

    question = relationship("Question")
    participant = relationship("Participant")

    @property
    def visible(self) -> bool:
        return (
            self.deleted_at is None
            and self.hidden_at is None
            and not self.awaiting_approval
            and self.merged_into_id is None
        )


class Vote(db.Model):
    """One person's support for an answer on a group wall or a question from the floor."""

    __table_args__ = (UniqueConstraint("answer_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answer.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Ballot(db.Model):
    """One person's choice, rating, ranking or words for one question, changed in place.

    The response is kept whole, so that a tally is a count over these rows and nothing else:
    {"options": [id, ...]} for single and multiple choice, {"ratings": {"<statement id>": value}}
    (statement id 0 for the question itself), {"ranking": [id, ...]} best first, and
    {"words": [{"key": folded, "text": as typed}, ...]}.
    """

    # Plenary ballots have scope 0 and a group's ballots the group's id: a NULL group would
    # not take part in the constraint.
    __table_args__ = (UniqueConstraint("question_id", "participant_id", "scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("breakout_group.id", ondelete="CASCADE"))
    scope: Mapped[int] = mapped_column(default=0)
    # None once withdrawn: the row stays, so that a late resend of the withdrawn change is recognised.
    response: Mapped[dict | None] = mapped_column(JSON)
    # The phone's own counter of its changes to this ballot: a change older than the stored one
    # (a resend overtaken by a newer change) is acknowledged and ignored.
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    client_id: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
