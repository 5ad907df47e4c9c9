"""Slow, salted hashes for moderator passwords and meeting passcodes, computed off the hub.

A check costs a few tenths of a second of CPU on purpose. Under eventlet every socket of the
process is served by one hub thread: a hash computed there would stall every phone for its
duration. hashlib's scrypt and pbkdf2 release the GIL, so a native thread computes the hash
while the hub keeps serving. A semaphore bounds how many hashes run at once: a burst of wrong
passwords queues instead of taking every core (and 32 MiB of memory per scrypt) from the
phones. Nor does a waiting request hold a database connection.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

from flask import current_app, has_app_context
from werkzeug.security import check_password_hash, generate_password_hash

from facilitator.extensions import db

T = TypeVar("T")
_slots: dict[str, object] = {}
_slots_lock = threading.Lock()


def _concurrency() -> int:
    configured = current_app.config.get("PASSWORD_HASH_CONCURRENCY") if has_app_context() else None
    # Half the cores: the other half keeps answering phones while logins queue.
    return int(configured or max(1, (os.cpu_count() or 2) // 2))


def _under_eventlet() -> bool:
    if has_app_context() and current_app.config.get("SOCKETIO_ASYNC_MODE") == "eventlet":
        return True
    # Never imported here when it is not already: the threading mode must not load eventlet.
    patcher = sys.modules.get("eventlet.patcher")
    return bool(patcher and patcher.is_monkey_patched("thread"))


def _semaphore(green: bool):
    kind = "green" if green else "native"
    with _slots_lock:
        if kind not in _slots:
            if green:
                from eventlet.semaphore import Semaphore

                _slots[kind] = Semaphore(_concurrency())
            else:
                _slots[kind] = threading.BoundedSemaphore(_concurrency())
        return _slots[kind]


def _release_database_connection() -> None:
    """A request waiting for its turn to hash must not hold a pooled database connection: thirty
    of them would empty the pool that every phone's event needs. With nothing pending, ending the
    transaction changes nothing, and what the session has loaded stays loaded."""
    if not has_app_context():
        return
    session = db.session()
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


_BACKGROUND_NICENESS = 10
_niced = threading.local()


def _at_low_priority(function: Callable[..., T], *args: object) -> T:
    """Runs in one of eventlet's native worker threads, which the operating system schedules
    like any other. On a machine with few cores a hash would take a core from the hub thread
    that answers every phone; niced, the thread hashes with whatever CPU the hub leaves. Linux
    gives each thread its own niceness; elsewhere this changes nothing."""
    if not getattr(_niced, "done", False):
        _niced.done = True
        with contextlib.suppress(AttributeError, OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), _BACKGROUND_NICENESS)
    return function(*args)


def off_hub(function: Callable[..., T], *args: object) -> T:
    """Runs a CPU-heavy function that releases the GIL without holding up other connections."""
    _release_database_connection()
    if _under_eventlet():
        from eventlet import tpool

        with _semaphore(green=True):
            return tpool.execute(_at_low_priority, function, *args)
    # Threading mode: each request has its own thread already; only the bound is needed.
    with _semaphore(green=False):
        return function(*args)


def hash_secret(secret: str) -> str:
    """For moderator passwords and meeting passcodes alike: salted and slow."""
    return off_hub(generate_password_hash, secret, current_app.config["PASSWORD_HASH_METHOD"])


def secret_matches(secret_hash: str, secret: str) -> bool:
    return off_hub(check_password_hash, secret_hash, secret)


_dummy_hashes: dict[str, str] = {}


def dummy_check(secret: str) -> bool:
    """Costs what secret_matches costs and never matches: an unknown email must take as long to
    refuse as a wrong password, or the timing tells which emails have an account."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _dummy_hashes:
        _dummy_hashes[method] = hash_secret(os.urandom(16).hex())
    secret_matches(_dummy_hashes[method], secret)
    return False
