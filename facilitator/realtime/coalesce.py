"""Sending a notice once for a burst of changes, a moment after the first.

When a room answers at once, a notice after every answer (a count, "this question changed")
costs the server once per answer, and nobody reads a figure that changes a thousand times in
two seconds. The first change schedules the notice; the changes arriving meanwhile are covered by
it. A notice that reads the database when it is sent is always right, the last one included.
This is scheduling only, kept per server process: each process sends the notices of the changes
it made.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable

from flask import Flask, current_app

from facilitator.extensions import db, socketio

_lock = threading.Lock()
_scheduled: set[Hashable] = set()


def once_soon(key: Hashable, send: Callable[[], None]) -> None:
    """Run `send` (in an app context) after the app's COALESCE_DELAY_S, once for every call with
    the same key until then; with a delay of 0, at once."""
    delay = current_app.config["COALESCE_DELAY_S"]
    if delay <= 0:
        send()
        return
    with _lock:
        if key in _scheduled:
            return
        _scheduled.add(key)
    socketio.start_background_task(_later, current_app._get_current_object(), key, send, delay)


def _later(app: Flask, key: Hashable, send: Callable[[], None], delay: float) -> None:
    socketio.sleep(delay)
    # Unscheduled before sending: a change made while this sends schedules the next notice.
    with _lock:
        _scheduled.discard(key)
    with app.app_context():
        try:
            send()
        finally:
            db.session.remove()
