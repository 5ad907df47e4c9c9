"""Slow hashes never run more than a few at a time, and never hold the database meanwhile."""

from __future__ import annotations

import os
import sys
import threading
import time

from facilitator import passwords
from facilitator.extensions import db


def test_the_threading_mode_does_not_load_eventlet(app):
    was_loaded = "eventlet" in sys.modules
    passwords.secret_matches(passwords.hash_secret("a passcode"), "a passcode")
    assert ("eventlet" in sys.modules) == was_loaded


def test_hashes_beyond_the_bound_wait_their_turn(app, monkeypatch):
    monkeypatch.setattr(passwords, "_slots", {})
    app.config["PASSWORD_HASH_CONCURRENCY"] = 2
    running, most = 0, 0
    lock = threading.Lock()

    def slow(_secret: str) -> bool:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with lock:
            running -= 1
        return True

    def work():
        with app.app_context():
            passwords.off_hub(slow, "x")

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most == 2


def test_a_check_gives_back_its_database_connection_first(app, make_meeting):
    make_meeting()
    db.session.execute(db.select(1))
    assert db.session().in_transaction()
    seen = []
    passwords.off_hub(lambda: seen.append(db.session().in_transaction()))
    assert seen == [False]


def test_pending_changes_are_never_committed_early(app, make_meeting):
    from facilitator.accounts.models import Moderator

    world = make_meeting()
    moderator = db.session.get(Moderator, world.moderator_id)
    moderator.name = "Changed"
    passwords.off_hub(lambda: None)
    db.session.rollback()
    assert db.session.get(Moderator, world.moderator_id).name != "Changed"


def test_unknown_secrets_cost_a_check_and_never_match(app):
    assert passwords.dummy_check("anything") is False


def test_the_production_hash_releases_the_gil():
    """Off the hub only helps if the hash lets Python threads run meanwhile."""
    from werkzeug.security import check_password_hash, generate_password_hash

    stored = generate_password_hash("secret", method="scrypt")
    hashing = threading.Thread(target=check_password_hash, args=(stored, "wrong"))
    started = time.perf_counter()
    hashing.start()
    worst, last = 0.0, time.perf_counter()
    while hashing.is_alive():
        time.sleep(0.001)
        now = time.perf_counter()
        worst, last = max(worst, now - last), now
    took = time.perf_counter() - started
    assert worst < took / 3, f"the main thread waited {worst * 1000:.0f} ms of a {took * 1000:.0f} ms hash"


def test_hashing_threads_give_way_to_the_thread_that_serves_the_phones():
    """Under eventlet a hash runs in a native worker thread; niced, it takes only the CPU the
    hub thread leaves, so a burst of logins does not slow every phone's acknowledgement."""
    seen: list[int] = []

    def worker() -> None:
        seen.append(
            passwords._at_low_priority(lambda: os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        )

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    # A new thread starts at its creator's niceness; only the worker is lowered.
    assert seen == [max(os.getpriority(os.PRIO_PROCESS, 0), passwords._BACKGROUND_NICENESS)]
