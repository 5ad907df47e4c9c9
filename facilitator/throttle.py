"""Sliding-window limits on what one client may try: logins, passcodes, joins, code guesses.

Counted in the database, so that every server process sees the same tries and a restart
forgets nothing. Each feature names its own `Limit`; the key says whose tries are counted
(an address, an email, a meeting and an address...).
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Index, String, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from facilitator.extensions import db
from facilitator.timeutil import utcnow


class ThrottleHit(db.Model):
    """One counted try, kept only as long as its window."""

    __table_args__ = (Index("ix_throttle_hit_scope_key_created_at", "scope", "key", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


@dataclass(frozen=True)
class Limit:
    scope: str  # what is counted, e.g. "login"
    max_hits: int  # tries allowed within the window
    window: timedelta


def _key(key: str) -> str:
    # Emails and addresses are personal data: only a digest of them is stored.
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def hits(limit: Limit, key: str) -> int:
    since = utcnow() - limit.window
    return db.session.scalar(
        select(func.count())
        .select_from(ThrottleHit)
        .where(
            ThrottleHit.scope == limit.scope,
            ThrottleHit.key == _key(key),
            ThrottleHit.created_at >= since,
        )
    )


def is_blocked(limit: Limit, key: str) -> bool:
    return hits(limit, key) >= limit.max_hits


def retry_after(limit: Limit, key: str) -> int:
    """Seconds until the oldest counted try leaves the window (0 when not blocked)."""
    now = utcnow()
    rows = db.session.scalars(
        select(ThrottleHit.created_at)
        .where(
            ThrottleHit.scope == limit.scope,
            ThrottleHit.key == _key(key),
            ThrottleHit.created_at >= now - limit.window,
        )
        .order_by(ThrottleHit.created_at.desc())
        .offset(limit.max_hits - 1)
        .limit(1)
    ).all()
    if not rows:
        return 0
    return max(1, math.ceil((rows[0] + limit.window - now).total_seconds()))


def record(limit: Limit, key: str) -> ThrottleHit:
    """Counts one try; the caller commits. Tries older than the window are swept now and then."""
    now = utcnow()
    row = ThrottleHit(scope=limit.scope, key=_key(key), created_at=now)
    db.session.add(row)
    # Sweeping on every try would make each one a table scan; one try in 50 keeps the table
    # small, since a row older than its window never counts again.
    if random.random() < 0.02:
        db.session.execute(
            delete(ThrottleHit).where(
                ThrottleHit.scope == limit.scope, ThrottleHit.created_at < now - limit.window
            )
        )
    return row


def forget(rows: list[ThrottleHit]) -> None:
    """Takes back tries counted in advance that turned out fine; the caller commits."""
    ids = [row.id for row in rows if row.id is not None]
    if ids:
        db.session.execute(delete(ThrottleHit).where(ThrottleHit.id.in_(ids)))


def hit(limit: Limit, key: str) -> bool:
    """Counts one try and commits; False when the try is over the limit."""
    allowed = not is_blocked(limit, key)
    record(limit, key)
    db.session.commit()
    return allowed
