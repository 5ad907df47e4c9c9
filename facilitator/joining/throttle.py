"""What one network may try when joining: joins, passcodes and meeting codes (facilitator/throttle.py).

Every limit here has to hold against one attacker without locking out a venue, where hundreds
of real phones share one Wi-Fi address. The arithmetic behind each number is in docs/security.md.

- Joins: a burst of 60 per address, then 5 a second (60 per 12 s window); 300 phones behind one
  address are all in within about a minute, a flood of fake names is cut to that pace. Each
  meeting also takes at most 400 new phones per 12 s from everywhere. Only accepted joins count,
  so phones that retry after a refusal do not slow each other down.
- Passcodes: a right passcode is never refused because of someone else's wrong ones. After 10
  wrong tries from an address within 10 minutes, that address gets one check every 5 s (a phone
  that has to wait resubmits by itself), and once a meeting has had 100 wrong tries within an
  hour, addresses that made wrong tries are no longer checked at all until their tries expire:
  at most ~100 guesses an hour per meeting, whatever the number of attackers' connections.
- Codes: 30 unknown codes per address in 5 minutes. A blocked address is refused every lookup,
  hits included (otherwise the refusal itself would be the 404 and the hits still answered),
  except for meetings it already has participants in: those it knows anyway, so a venue whose
  neighbour guesses codes still reaches its own meeting.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from facilitator import throttle
from facilitator.extensions import db
from facilitator.throttle import Limit

JOINS_PER_ADDRESS = Limit("join_address", max_hits=60, window=timedelta(seconds=12))
JOINS_PER_MEETING = Limit("join_meeting", max_hits=400, window=timedelta(seconds=12))
WRONG_PASSCODES = Limit("passcode", max_hits=10, window=timedelta(minutes=10))
PASSCODE_PACE = Limit("passcode_pace", max_hits=1, window=timedelta(seconds=5))
WRONG_PASSCODES_PER_MEETING = Limit("passcode_meeting", max_hits=100, window=timedelta(hours=1))
CODE_MISSES = Limit("code_miss", max_hits=30, window=timedelta(minutes=5))


def _scaled(limit: Limit) -> Limit:
    scale = current_app.config.get("THROTTLE_TIME_SCALE", 1.0)
    return limit if scale == 1 else Limit(limit.scope, limit.max_hits, limit.window * scale)


def _key(meeting_id: int, client: str) -> str:
    return f"{meeting_id}:{client}"


def _wait(limit: Limit, key: str) -> int:
    if current_app.config.get("THROTTLE_TIME_SCALE", 1.0) <= 0:
        return 0  # off: the load benchmark joins thousands of phones from one address
    limit = _scaled(limit)
    return throttle.retry_after(limit, key) if throttle.is_blocked(limit, key) else 0


# Joins


def join_wait(meeting_id: int, client: str) -> int:
    """Seconds this client must wait before a new phone may join (0: now)."""
    return max(_wait(JOINS_PER_ADDRESS, _key(meeting_id, client)), _wait(JOINS_PER_MEETING, str(meeting_id)))


def record_join(meeting_id: int, client: str) -> None:
    """Counts one accepted join; the caller commits."""
    throttle.record(_scaled(JOINS_PER_ADDRESS), _key(meeting_id, client))
    throttle.record(_scaled(JOINS_PER_MEETING), str(meeting_id))


# Passcodes


def passcode_wait(meeting_id: int, client: str) -> int:
    """Seconds before this client's passcode may be checked (0: check it now, and it is counted
    against the address's pace if the address is being slowed)."""
    key = _key(meeting_id, client)
    guessed_here = throttle.hits(_scaled(WRONG_PASSCODES), key)
    if guessed_here:
        capped = _wait(WRONG_PASSCODES_PER_MEETING, str(meeting_id))
        if capped:
            return max(capped, _wait(WRONG_PASSCODES, key))
    if guessed_here >= WRONG_PASSCODES.max_hits:
        paced = _wait(PASSCODE_PACE, key)
        if paced:
            return paced
        throttle.record(_scaled(PASSCODE_PACE), key)
        db.session.commit()
    return 0


def count_passcode_try(meeting_id: int, client: str) -> list[throttle.ThrottleHit]:
    """Counts the try as wrong before the passcode is hashed, and commits.

    Hashing takes a while and lets other requests run meanwhile: counted only afterwards, thirty
    guesses sent at once would all pass the limits before the first one was counted, and all
    thirty would queue for the hashing threads.
    """
    counted = [
        throttle.record(_scaled(WRONG_PASSCODES), _key(meeting_id, client)),
        throttle.record(_scaled(WRONG_PASSCODES_PER_MEETING), str(meeting_id)),
    ]
    db.session.commit()
    return counted


def take_back(counted: list[throttle.ThrottleHit]) -> None:
    """The passcode was right after all; the caller commits."""
    throttle.forget(counted)


def is_counted(meeting_id: int, client: str) -> bool:
    """Whether a wrong try from this client was counted (the address the app believes)."""
    return throttle.hits(_scaled(WRONG_PASSCODES), _key(meeting_id, client)) > 0


# Meeting codes


def code_lookup_wait(client: str) -> int:
    """Seconds before this client may look up a code it is not already part of (0: now)."""
    return _wait(CODE_MISSES, client)


def record_code_miss(client: str) -> None:
    throttle.record(_scaled(CODE_MISSES), client)
    db.session.commit()
