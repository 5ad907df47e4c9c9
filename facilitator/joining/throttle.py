"""Slowing down passcode guessing: a few wrong tries per address, then a pause.

Counted in the database, so every server process sees the same tries.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select

from facilitator.extensions import db
from facilitator.joining.models import FailedPasscode
from facilitator.timeutil import utcnow

WINDOW = timedelta(minutes=10)
MAX_FAILURES = 10


def is_blocked(meeting_id: int, client: str) -> bool:
    since = utcnow() - WINDOW
    failures = db.session.scalar(
        select(func.count())
        .select_from(FailedPasscode)
        .where(
            FailedPasscode.meeting_id == meeting_id,
            FailedPasscode.client == client,
            FailedPasscode.created_at >= since,
        )
    )
    return failures >= MAX_FAILURES


def record_failure(meeting_id: int, client: str) -> None:
    db.session.add(FailedPasscode(meeting_id=meeting_id, client=client[:64]))
    db.session.execute(delete(FailedPasscode).where(FailedPasscode.created_at < utcnow() - WINDOW))
    db.session.commit()
