"""Themes as the synthesis page last showed them, with the curators' edits.

The clustering itself keeps nothing: every computation starts from these rows, so a rename,
merge, move or pin made in one server process holds in every other and after a restart.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from facilitator.extensions import db
from facilitator.timeutil import utcnow

MAX_LABEL_LENGTH = 120


class SynthesisTheme(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    # Worked out again from the theme's answers on every computation.
    label: Mapped[str] = mapped_column(String(200), default="")
    # Set by a curator; wins over the automatic label until cleared.
    custom_label: Mapped[str | None] = mapped_column(String(MAX_LABEL_LENGTH))
    hidden: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    members: Mapped[list[ThemeAnswer]] = relationship(back_populates="theme", cascade="all, delete-orphan")

    @property
    def shown_label(self) -> str:
        return self.custom_label or self.label


class ThemeAnswer(db.Model):
    """An answer's place in a theme: at most one, because the answer is the key."""

    answer_id: Mapped[int] = mapped_column(ForeignKey("answer.id", ondelete="CASCADE"), primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("synthesis_theme.id", ondelete="CASCADE"), index=True)
    # Moved there by a curator rather than placed by the clustering.
    placed_by_hand: Mapped[bool] = mapped_column(default=False)
    # A quote chosen for the report.
    pinned: Mapped[bool] = mapped_column(default=False)

    theme: Mapped[SynthesisTheme] = relationship(back_populates="members")
