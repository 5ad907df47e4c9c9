"""Slowing down passcode guessing: a few wrong tries, then a pause (facilitator/throttle.py)."""

from __future__ import annotations

from datetime import timedelta

from facilitator import throttle
from facilitator.extensions import db

WRONG_PASSCODES = throttle.Limit("passcode", max_hits=10, window=timedelta(minutes=10))


def _key(meeting_id: int, client: str) -> str:
    return f"{meeting_id}:{client}"


def is_blocked(meeting_id: int, client: str) -> bool:
    return throttle.is_blocked(WRONG_PASSCODES, _key(meeting_id, client))


def record_failure(meeting_id: int, client: str) -> None:
    throttle.record(WRONG_PASSCODES, _key(meeting_id, client))
    db.session.commit()


def is_counted(meeting_id: int, client: str) -> bool:
    """Whether a wrong try from this client was counted (the address the app believes)."""
    return throttle.hits(WRONG_PASSCODES, _key(meeting_id, client)) > 0
