from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from facilitator.extensions import db
from facilitator.timeutil import utcnow


class RoundStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class AssignmentMode(StrEnum):
    RANDOM = "random"
    BALANCED = "balanced"
    BY_ATTRIBUTE = "by_attribute"
    BY_HAND = "by_hand"
    SELF_SELECT = "self_select"
    ROSTER = "roster"


class BreakoutRound(db.Model):
    """One breakout round: its groups, its timer and, afterwards, its report-back."""

    __table_args__ = (UniqueConstraint("meeting_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    mode: Mapped[str] = mapped_column(String(16))
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default=RoundStatus.OPEN, index=True)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The deadline lives in the database: any server process can close the round on time.
    ends_at: Mapped[datetime]
    warned_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    report_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("breakout_group.id", use_alter=True, ondelete="SET NULL")
    )
    walls_published: Mapped[bool] = mapped_column(default=False)

    groups: Mapped[list[BreakoutGroup]] = relationship(
        back_populates="round",
        foreign_keys="BreakoutGroup.round_id",
        cascade="all, delete-orphan",
        order_by="BreakoutGroup.number",
    )


class BreakoutGroup(db.Model):
    __table_args__ = (UniqueConstraint("round_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("breakout_round.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(80))
    capacity: Mapped[int | None]
    rapporteur_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id", ondelete="SET NULL"))
    # The guiding questions this group works on, in order (ids of Question rows).
    question_ids: Mapped[list[int]] = mapped_column(JSON, default=list)

    round: Mapped[BreakoutRound] = relationship(back_populates="groups", foreign_keys=[round_id])
    members: Mapped[list[GroupMember]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="GroupMember.id"
    )


class GroupMember(db.Model):
    # One group per participant per round, enforced by the database, not by care.
    __table_args__ = (UniqueConstraint("round_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("breakout_round.id", ondelete="CASCADE"))
    group_id: Mapped[int] = mapped_column(ForeignKey("breakout_group.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)

    group: Mapped[BreakoutGroup] = relationship(back_populates="members")
    participant = relationship("Participant")


class GroupSummary(db.Model):
    """The rapporteur's key points for one question; the version makes concurrent edits visible."""

    __table_args__ = (UniqueConstraint("group_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("breakout_group.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class HelpRequest(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("breakout_group.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]


class GroupMessage(db.Model):
    """A moderator's broadcast, kept so a phone that reconnects still sees it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("breakout_round.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("breakout_group.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
