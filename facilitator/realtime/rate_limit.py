"""How fast one socket, and one participant, may send events: token buckets in memory.

Each process keeps its own buckets. That is exact for a connection (it lives in one process)
and good enough for a participant: with several processes, a phone that opened sockets to
each of them gets one allowance per process, a few times a human's pace at most.

The numbers leave room for real use: a phone that comes back online resends its whole outbox
(one event at a time, each waiting for its acknowledgement) plus a sync, and people vote and
edit in quick bursts. One phone storing a thousand answers in ten seconds does not fit.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field

from flask import current_app


@dataclass(frozen=True)
class Rate:
    burst: int  # events that may arrive at once
    per_second: float  # then this many a second, for ever


# A connection: a phone's outbox of ~20 queued answers after a reconnect, with room to spare.
PER_CONNECTION = {"participant": Rate(burst=40, per_second=4), "moderator": Rate(burst=60, per_second=10)}
# A participant, whatever its number of tabs and reconnects.
PER_PARTICIPANT = Rate(burst=60, per_second=4)
_MAX_IDLE_BUCKETS = 10_000


@dataclass
class _Bucket:
    tokens: float
    at: float = field(default_factory=time.monotonic)


class Buckets:
    def __init__(self) -> None:
        self._buckets: dict[object, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, key: object, rate: Rate) -> float:
        """Takes one token; returns 0 when allowed, else the seconds until one is back."""
        now = time.monotonic()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) >= _MAX_IDLE_BUCKETS:
                    self._sweep(now, rate)
                bucket = self._buckets[key] = _Bucket(tokens=rate.burst, at=now)
            bucket.tokens = min(rate.burst, bucket.tokens + (now - bucket.at) * rate.per_second)
            bucket.at = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0
            return (1 - bucket.tokens) / rate.per_second

    def forget(self, key: object) -> None:
        with self._lock:
            self._buckets.pop(key, None)

    def _sweep(self, now: float, rate: Rate) -> None:
        # A bucket that has refilled is the same as no bucket at all.
        full_after = rate.burst / rate.per_second
        for key in [k for k, b in self._buckets.items() if now - b.at > full_after]:
            del self._buckets[key]


def _buckets() -> tuple[Buckets, Buckets]:
    """This app's buckets (one app per process in production; a fresh one for each test)."""
    return current_app.extensions.setdefault("facilitator_rate_limit", (Buckets(), Buckets()))


def wait_for(sid: str, role: str, participant_id: int | None) -> int:
    """0 if this event may run; else whole seconds to wait. A refused event takes no token
    from the participant's bucket, so a flooding tab does not use up a quiet one's share."""
    connections, participants = _buckets()
    wait = connections.take(sid, PER_CONNECTION.get(role, PER_CONNECTION["participant"]))
    if not wait and participant_id is not None:
        wait = participants.take(participant_id, PER_PARTICIPANT)
    return math.ceil(wait) if wait else 0


def forget_connection(sid: str) -> None:
    _buckets()[0].forget(sid)
