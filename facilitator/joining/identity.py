"""A phone's identity: a random token in a cookie, matched by its hash."""

from __future__ import annotations

import hashlib
import secrets

from flask import Response, current_app, request
from sqlalchemy import select

from facilitator.extensions import db
from facilitator.joining.models import Participant
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


def remember_token(response: Response, token: str) -> None:
    response.set_cookie(
        COOKIE_NAME,
        token,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
