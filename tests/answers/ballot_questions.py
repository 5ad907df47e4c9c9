"""Turning a test meeting's question into a ballot question, as the editor would store it."""

from __future__ import annotations

from facilitator.extensions import db
from facilitator.meetings.formats import checked_format
from facilitator.meetings.models import Question, QuestionOption


def make_ballot_question(question_id: int, question_format: str, options=(), **settings) -> Question:
    question = db.session.get(Question, question_id)
    spec = checked_format(question_format, list(options), settings)
    question.format = spec.format
    question.settings = spec.settings
    question.options = [QuestionOption(position=index, text=text) for index, text in enumerate(spec.options)]
    db.session.commit()
    return question


def option_ids(question_id: int) -> list[int]:
    return list(
        db.session.scalars(
            db.select(QuestionOption.id)
            .where(QuestionOption.question_id == question_id)
            .order_by(QuestionOption.position)
        )
    )
