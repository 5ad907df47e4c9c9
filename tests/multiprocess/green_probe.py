"""Run by test_green_io.py in a process of its own, never imported by pytest: the server as
wsgi.py builds it (eventlet patched first, then the app), then a slow PostgreSQL query and a
slow Redis call, each while another green thread tries to run every 20 ms. Prints JSON."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

# isort: off
import wsgi  # first: it patches the standard library, then builds the app

# isort: on

import json
import time
import uuid
from collections.abc import Callable

import eventlet
import psycopg
import redis
from sqlalchemy import text

from facilitator.extensions import db

TICK_S = 0.02


def longest_pause(blocking: Callable[[], object]) -> dict[str, float]:
    """How long `blocking` took, and the longest the other green thread had to wait meanwhile."""
    pauses: list[float] = []
    running = True

    def ticker() -> None:
        last = time.monotonic()
        while running:
            eventlet.sleep(TICK_S)
            now = time.monotonic()
            pauses.append(now - last)
            last = now

    thread = eventlet.spawn(ticker)
    eventlet.sleep(TICK_S * 3)
    started = time.monotonic()
    blocking()
    took = time.monotonic() - started
    running = False
    thread.wait()
    return {"took": took, "longest_pause": max(pauses)}


def main() -> None:
    with wsgi.app.app_context():
        db.session.execute(text("select 1"))  # connected beforehand: only the query is measured
        postgres = longest_pause(lambda: db.session.execute(text("select pg_sleep(1)")))
        db.session.rollback()
    client = redis.Redis.from_url(sys.argv[1])
    client.ping()
    queue = f"facilitator-probe-{uuid.uuid4().hex}"  # nobody pushes to it: BLPOP waits it out
    redis_call = longest_pause(lambda: client.blpop([queue], timeout=1))
    report = {"wait": psycopg.waiting.wait.__name__, "postgres": postgres, "redis": redis_call}
    print(json.dumps(report))


main()
