"""Moderator sessions kept on the server, so that logging out really ends them.

The signed cookie only carries a random token; the row holding its hash is the session. A
session ends when its row is deleted (logout, a password change, `flask set-password`) or when
it is too old: idle for IDLE (no page, no open console or projector socket), or older than
ABSOLUTE whatever its use.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import joinedload

from facilitator.accounts.models import Moderator, ModeratorSession
from facilitator.extensions import db
from facilitator.timeutil import utcnow

IDLE = timedelta(hours=12)
ABSOLUTE = timedelta(days=30)
# last_seen_at is written at most this often, not on every page or event.
TOUCH_EVERY = timedelta(minutes=5)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _alive(now: datetime):
    return (ModeratorSession.last_seen_at >= now - IDLE) & (ModeratorSession.created_at >= now - ABSOLUTE)


def start(moderator: Moderator) -> tuple[ModeratorSession, str]:
    """A new session and the token for its cookie; the caller commits."""
    now = utcnow()
    # Logins are rare: a good moment to forget sessions that ended by themselves.
    db.session.execute(
        delete(ModeratorSession).where(
            or_(ModeratorSession.last_seen_at < now - IDLE, ModeratorSession.created_at < now - ABSOLUTE)
        )
    )
    token = secrets.token_urlsafe(32)
    row = ModeratorSession(token_hash=_digest(token), moderator=moderator, created_at=now, last_seen_at=now)
    db.session.add(row)
    return row, token


def find(token: str) -> ModeratorSession | None:
    """The live session this cookie token opens, if any."""
    if not isinstance(token, str) or not token:
        return None
    return db.session.scalar(
        select(ModeratorSession)
        .options(joinedload(ModeratorSession.moderator))
        .where(ModeratorSession.token_hash == _digest(token), _alive(utcnow()))
    )


def is_live(session_id: int | None) -> bool:
    """One indexed lookup: cheap enough for every moderator socket event."""
    if not session_id:
        return False
    return (
        db.session.scalar(
            select(ModeratorSession.id).where(ModeratorSession.id == session_id, _alive(utcnow()))
        )
        is not None
    )


def is_live_clause(session_id: int | None):
    """is_live as a column expression, to fold the check into a statement that runs anyway."""
    return (
        select(ModeratorSession.id)
        .where(ModeratorSession.id == (session_id or 0), _alive(utcnow()))
        .exists()
        .label("session_alive")
    )


def needs_touch(row: ModeratorSession) -> bool:
    return utcnow() - row.last_seen_at >= TOUCH_EVERY


def touch(session_ids: Iterable[int]) -> None:
    """Marks sessions as used now; the caller commits."""
    ids = list(session_ids)
    if ids:
        now = utcnow()
        db.session.execute(
            update(ModeratorSession)
            # An ended session stays ended, whoever still holds its id.
            .where(
                ModeratorSession.id.in_(ids),
                ModeratorSession.last_seen_at < now - TOUCH_EVERY,
                _alive(now),
            )
            .values(last_seen_at=now)
        )


def live_among(session_ids: Iterable[int]) -> dict[int, datetime]:
    """The sessions still alive among these, with when each was last seen."""
    ids = list(session_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(ModeratorSession.id, ModeratorSession.last_seen_at).where(
            ModeratorSession.id.in_(ids), _alive(utcnow())
        )
    )
    return {session_id: last_seen for session_id, last_seen in rows}


def stale(last_seen: dict[int, datetime]) -> list[int]:
    """Those due for a touch: writing only then keeps a once-a-second sweep read-only."""
    now = utcnow()
    return [session_id for session_id, seen in last_seen.items() if now - seen >= TOUCH_EVERY]


def end(session_id: int) -> None:
    """The caller commits."""
    db.session.execute(delete(ModeratorSession).where(ModeratorSession.id == session_id))


def end_all(moderator: Moderator, keep: int | None = None) -> list[int]:
    """Ends every session of a moderator but `keep`; returns the ended ones. The caller commits."""
    query = select(ModeratorSession.id).where(ModeratorSession.moderator_id == moderator.id)
    if keep is not None:
        query = query.where(ModeratorSession.id != keep)
    ended = list(db.session.scalars(query).all())
    if ended:
        db.session.execute(delete(ModeratorSession).where(ModeratorSession.id.in_(ended)))
    return ended
