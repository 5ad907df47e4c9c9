"""How many wrong logins are allowed, and whom a lock blocks.

Three counters of wrong tries (facilitator/throttle.py), each blocking only what it must:

- per address: one client guessing many emails or passwords stops after ADDRESS.max_hits;
- per email: many addresses guessing one account stop after EMAIL.max_hits;
- per device: a browser that logged in to this account before carries a signed device
  cookie for it (OWASP's "device cookies"). Its tries skip the two locks above and are
  counted on their own, so that someone guessing a moderator's email elsewhere, or from the
  same venue's address, cannot lock the moderator out of their own browser.

A try is counted before its hash is checked and taken back if it was right. A lock lasts until
enough wrong tries have left the window: tries refused while locked are not counted, so a lock
never outlives its window by being hammered.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from facilitator import throttle

ADDRESS = throttle.Limit("login_address", max_hits=10, window=timedelta(minutes=15))
EMAIL = throttle.Limit("login_email", max_hits=10, window=timedelta(minutes=15))
DEVICE = throttle.Limit("login_device", max_hits=10, window=timedelta(minutes=15))
DEVICE_COOKIE = "facilitator_device"
DEVICE_COOKIE_DAYS = 365


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="login-device")


def _email_digest(email: str) -> str:
    return hashlib.sha256(email.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def device_cookie_for(email: str) -> str:
    """A new device cookie, good for this email only."""
    return _serializer().dumps({"device": secrets.token_urlsafe(16), "email": _email_digest(email)})


def device_of(cookie: str | None, email: str) -> str | None:
    """The device id when the cookie was issued by this server at a login to this email."""
    if not cookie:
        return None
    try:
        data = _serializer().loads(cookie)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("email") != _email_digest(email):
        return None
    device = data.get("device")
    return device if isinstance(device, str) else None


@dataclass(frozen=True)
class Attempt:
    email: str
    address: str
    device: str | None = None

    def counters(self) -> list[tuple[throttle.Limit, str]]:
        if self.device:
            return [(DEVICE, self.device)]
        return [(ADDRESS, self.address), (EMAIL, self.email)]


def wait_seconds(attempt: Attempt) -> int:
    """0 when the attempt may be checked; otherwise how long until it may."""
    return max(
        (
            throttle.retry_after(limit, key)
            for limit, key in attempt.counters()
            if throttle.is_blocked(limit, key)
        ),
        default=0,
    )


def count_try(attempt: Attempt) -> list[throttle.ThrottleHit]:
    """Counts the try as wrong before its hash is checked; the caller commits.

    Checking takes a while and lets other requests run meanwhile: counted only afterwards, a
    burst of simultaneous guesses would all pass the lock before the first one was counted.
    """
    return [throttle.record(limit, key) for limit, key in attempt.counters()]


def take_back(counted: list[throttle.ThrottleHit]) -> None:
    """The try was right after all; the caller commits."""
    throttle.forget(counted)
