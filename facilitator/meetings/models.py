from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from facilitator.extensions import db
from facilitator.timeutil import utcnow


class JoinPolicy(StrEnum):
    OPEN = "open"
    PASSCODE = "passcode"


class FieldRule(StrEnum):
    REQUIRED = "required"
    OPTIONAL = "optional"
    OFF = "off"


class Attribution(StrEnum):
    NAMED = "named"
    AFFILIATION = "affiliation"
    ANONYMOUS = "anonymous"


class QuestionKind(StrEnum):
    GUIDING = "guiding"
    ADHOC = "adhoc"


class QuestionFormat(StrEnum):
    """What a question asks for. The kind above says where it sits in the meeting; this, how one answers."""

    OPEN = "open"
    SINGLE = "single"
    MULTIPLE = "multiple"
    RATING = "rating"
    RANKING = "ranking"
    WORDS = "words"
    FLOOR = "floor"


class QuestionStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Meeting(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("moderator.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime | None]
    join_code: Mapped[str] = mapped_column(String(12), unique=True)
    join_policy: Mapped[str] = mapped_column(String(16), default=JoinPolicy.OPEN)
    passcode_hash: Mapped[str | None] = mapped_column(String(255))
    name_field: Mapped[str] = mapped_column(String(16), default=FieldRule.REQUIRED)
    country_field: Mapped[str] = mapped_column(String(16), default=FieldRule.OPTIONAL)
    organisation_field: Mapped[str] = mapped_column(String(16), default=FieldRule.OFF)
    # The working language a participant prefers: groups can be formed by it.
    language_field: Mapped[str] = mapped_column(String(16), default=FieldRule.OFF, server_default="off")
    attribution: Mapped[str] = mapped_column(String(16), default=Attribution.NAMED)
    projector_shows_answers: Mapped[bool] = mapped_column(default=False)
    # Whether rapporteurs may curate the synthesis and download the report once every wall is open.
    rapporteurs_curate: Mapped[bool] = mapped_column(default=False, server_default=false())
    current_question_id: Mapped[int | None] = mapped_column(
        ForeignKey("question.id", use_alter=True, ondelete="SET NULL")
    )
    current_round_id: Mapped[int | None] = mapped_column(
        ForeignKey("breakout_round.id", use_alter=True, ondelete="SET NULL")
    )
    # Bumped on every change phones can see, so a client can tell an old event from a new one.
    revision: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    owner = relationship("Moderator")
    questions: Mapped[list[Question]] = relationship(
        back_populates="meeting",
        foreign_keys="Question.meeting_id",
        cascade="all, delete-orphan",
        order_by="(Question.kind, Question.position, Question.id)",
    )
    current_question: Mapped[Question | None] = relationship(
        foreign_keys=[current_question_id], post_update=True
    )
    # The breakout round that is running, or whose groups are reporting back.
    current_round = relationship("BreakoutRound", foreign_keys=[current_round_id], post_update=True)

    @property
    def guiding_questions(self) -> list[Question]:
        return [q for q in self.questions if q.kind == QuestionKind.GUIDING]

    @property
    def adhoc_questions(self) -> list[Question]:
        return [q for q in self.questions if q.kind == QuestionKind.ADHOC]


class Question(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default=QuestionKind.GUIDING)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=QuestionStatus.DRAFT)
    format: Mapped[str] = mapped_column(String(16), default=QuestionFormat.OPEN, server_default="open")
    # The format's settings, checked by facilitator.meetings.formats (the one place that knows them).
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    # Questions from the floor: the one the moderator shows big on the projector. Not a foreign key:
    # answers point at questions, and a cycle of constraints is not worth a pointer checked on read.
    spotlight_answer_id: Mapped[int | None]
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="questions", foreign_keys=[meeting_id])
    options: Mapped[list[QuestionOption]] = relationship(
        back_populates="question",
        cascade="all, delete-orphan",
        order_by="(QuestionOption.position, QuestionOption.id)",
    )


class QuestionOption(db.Model):
    """A choice to pick, a statement to rate or an item to rank, in the order the moderator set."""

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(String(200))

    question: Mapped[Question] = relationship(back_populates="options")
