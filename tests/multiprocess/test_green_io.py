"""Under eventlet (wsgi.py), a slow PostgreSQL query or Redis call must let the process's other
green threads run: one moderator's slow request must not freeze every phone on that process.

psycopg 3 waits in C unless told otherwise, and eventlet cannot switch there; wsgi.py makes it
use its select()-based wait. The server runs in a subprocess, so pytest is never patched.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.multiprocess import services

pytestmark = [pytest.mark.multiprocess, pytest.mark.postgres]
PROBE = Path(__file__).with_name("green_probe.py")
# A frozen loop waits the whole second; a free one a tick or two, even on a busy machine.
MAX_PAUSE_S = 0.5


def run_probe(tmp_path: Path, **settings: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FACILITATOR_", "SOCKETIO_"))}
    env.pop("PSYCOPG_WAIT_FUNC", None)
    env |= {
        "DATABASE_URL": services.POSTGRES_ADMIN_URL,
        "SOCKETIO_MESSAGE_QUEUE": services.REDIS_URL,
        "SECRET_KEY": "green-probe",
        "FACILITATOR_INSTANCE_DIR": str(tmp_path),
    } | settings
    result = subprocess.run(
        [sys.executable, str(PROBE), services.REDIS_URL],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module", autouse=True)
def services_running() -> None:
    services.require("postgres", "redis")


def test_a_slow_query_and_a_slow_redis_call_let_other_green_threads_run(tmp_path):
    report = run_probe(tmp_path)
    assert report["wait"] == "wait_select"
    assert report["postgres"]["took"] >= 0.9, report
    assert report["postgres"]["longest_pause"] < MAX_PAUSE_S, report
    assert report["redis"]["took"] >= 0.9, report
    assert report["redis"]["longest_pause"] < MAX_PAUSE_S, report


def test_the_probe_sees_a_frozen_loop(tmp_path):
    """psycopg's own choice under eventlet, the wait in C, holds every green thread for the
    whole query: the measurement above would see it."""
    report = run_probe(tmp_path, PSYCOPG_WAIT_FUNC="wait_c")
    assert report["wait"] == "wait_c"
    assert report["postgres"]["longest_pause"] >= 0.9, report
