"""A phone's identity: a random token in a cookie, matched by its hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import Response, current_app, request
from sqlalchemy import select

from facilitator.extensions import db
from facilitator.joining.models import Participant, RemovedPhone
from facilitator.meetings.models import Meeting

COOKIE_NAME = "facilitator_participant"
COOKIE_MAX_AGE = 60 * 24 * 3600


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


def request_token() -> str | None:
    token = request.cookies.get(COOKIE_NAME)
    # Anything that is not one of our tokens is treated as no token at all.
    if token and 20 <= len(token) <= 100:
        return token
    return None


def participant_for(meeting: Meeting, token: str | None) -> Participant | None:
    if not token:
        return None
    return db.session.scalar(
        select(Participant).where(
            Participant.meeting_id == meeting.id, Participant.token_hash == hash_token(token)
        )
    )


def removal_of(meeting: Meeting, token: str | None) -> RemovedPhone | None:
    """Whether the moderator removed (or merged away) the phone holding this token."""
    if not token:
        return None
    return db.session.scalar(
        select(RemovedPhone).where(
            RemovedPhone.meeting_id == meeting.id, RemovedPhone.token_hash == hash_token(token)
        )
    )


def client_address() -> str:
    """The address the app believes (behind a proxy, ProxyFix has already set it)."""
    return request.remote_addr or "unknown"


def address_hash(meeting_id: int, address: str) -> str:
    """A digest of a join address, keyed by the installation's secret and the meeting: two
    participants of one meeting from the same network share it, but it cannot be reversed by
    trying every IPv4 address, nor link one person across meetings."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode("utf-8") if isinstance(key, str) else key
    message = f"{meeting_id}:{address}".encode("utf-8", "surrogatepass")
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def remember_token(response: Response, token: str) -> None:
    response.set_cookie(
        COOKIE_NAME,
        token,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
