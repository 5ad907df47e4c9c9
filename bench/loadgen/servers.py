"""The server under load, in a subprocess: the app (wsgi.py or bench/serve.py) or the bare server.

Each run gets its own SQLite file or throwaway PostgreSQL database, the schema from the
migrations and one moderator, as an administrator would set up a new server.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_ADMIN_URL = os.environ.get(
    "FACILITATOR_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
EMAIL, PASSWORD = "bench@example.org", "bench password long enough"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class ProcessStats:
    cpu_s: float
    rss_kb: int


def process_stats(pid: int) -> ProcessStats:
    """utime+stime of every thread of the process, and its resident memory."""
    with open(f"/proc/{pid}/stat") as handle:
        # The command name may hold spaces; the fields after it are space-separated.
        fields = handle.read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    rss = 0
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    return ProcessStats(cpu, rss)


class PostgresDatabase:
    """A throwaway database on the local server, dropped by drop()."""

    def __init__(self) -> None:
        import psycopg

        self.name = f"facilitator_bench_{uuid.uuid4().hex[:10]}"
        self._admin = POSTGRES_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(self._admin, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{self.name}"')
        self.url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{self.name}"

    def count(self, sql: str) -> int:
        import psycopg

        with psycopg.connect(self.url.replace("postgresql+psycopg://", "postgresql://")) as connection:
            return int(connection.execute(sql).fetchone()[0])

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(self._admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class SqliteDatabase:
    def __init__(self, workdir: Path) -> None:
        self.path = workdir / "facilitator.sqlite3"
        self.url = f"sqlite:///{self.path}"

    def count(self, sql: str) -> int:
        with sqlite3.connect(self.path, timeout=30) as connection:
            return int(connection.execute(sql).fetchone()[0])

    def drop(self) -> None:
        pass


class Server:
    """kind: "app" or "bare"; mode: "eventlet", "gevent" or "threading"."""

    def __init__(self, kind: str, mode: str, workdir: Path, database: str = "sqlite") -> None:
        self.kind, self.mode, self.workdir = kind, mode, workdir
        self.email, self.password = EMAIL, PASSWORD
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"{kind}-{mode}.log"
        self.db: SqliteDatabase | PostgresDatabase | None = None
        if kind == "app":
            self.db = PostgresDatabase() if database == "postgres" else SqliteDatabase(workdir)
        self.process: subprocess.Popen[bytes] | None = None
        self.env = self._environment()

    def _environment(self) -> dict[str, str]:
        env = dict(os.environ)
        for name in ("FACILITATOR_PUBLIC_URL", "SOCKETIO_MESSAGE_QUEUE", "SOCKETIO_ASYNC_MODE"):
            env.pop(name, None)
        env.update(
            {
                "FACILITATOR_INSTANCE_DIR": str(self.workdir / "instance"),
                "SECRET_KEY": "load-bench-" + self.workdir.name,
                "FLASK_APP": "facilitator",
                "HOST": "127.0.0.1",
                "PORT": str(self.port),
                "PYTHONUNBUFFERED": "1",
                # Thousands of phones join from 127.0.0.1: a venue the join throttle would pace.
                "FACILITATOR_THROTTLE_TIME_SCALE": "0",
            }
        )
        if self.db is not None:
            env["DATABASE_URL"] = self.db.url
        return env

    def _flask(self, *args: str) -> None:
        result = subprocess.run(
            [sys.executable, "-m", "flask", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"flask {args[0]} failed:\n{result.stdout}\n{result.stderr}")

    def command(self) -> list[str]:
        if self.kind == "app" and self.mode == "eventlet":
            return [sys.executable, "wsgi.py"]  # exactly what production runs
        return [sys.executable, "bench/serve.py", "--mode", self.mode, "--server", self.kind]

    def start(self) -> None:
        if self.kind == "app":
            self._flask("db", "upgrade")
            self._flask("create-moderator", EMAIL, "--password", PASSWORD, "--name", "Bench")
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command(), cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.kind} server exited:\n{self.log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.base_url + "/login", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            # A process still importing its modules: nothing to wait on but time.
            time.sleep(0.2)
        raise RuntimeError(f"{self.kind} server did not answer in time")

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def stats(self) -> ProcessStats:
        return process_stats(self.pid)

    def count(self, sql: str) -> int | None:
        return self.db.count(sql) if self.db is not None else None

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)
        if self.db is not None:
            self.db.drop()
