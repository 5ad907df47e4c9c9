"""The production server (wsgi.py, eventlet) in a subprocess, on its own SQLite file.

The test process never imports eventlet: the server runs exactly as it does in a meeting
room, and the tests only talk to it over HTTP and WebSocket, like the phones do.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 30
STOP_TIMEOUT_S = 10


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServerError(RuntimeError):
    pass


class LiveServer:
    """One Facilitator server; restart() keeps the port, the database and the secret key."""

    def __init__(
        self, workdir: Path, *, email: str, password: str, database_url: str | None = None, **env: str
    ) -> None:
        self.workdir = workdir
        self.database_url = database_url or f"sqlite:///{workdir / 'facilitator.sqlite3'}"
        self.extra_env = env
        self.moderator_email = email
        self.moderator_password = password
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "server.log"
        self.env = self._environment()
        self._process: subprocess.Popen[bytes] | None = None

    def _environment(self) -> dict[str, str]:
        env = dict(os.environ)
        # Settings from the developer's shell must not leak into the server under test.
        for name in ("FACILITATOR_PUBLIC_URL", "SOCKETIO_MESSAGE_QUEUE", "SOCKETIO_ASYNC_MODE"):
            env.pop(name, None)
        env.update(
            {
                "DATABASE_URL": self.database_url,
                "FACILITATOR_INSTANCE_DIR": str(self.workdir / "instance"),
                # Fixed, so that moderator sessions and phone cookies survive restart().
                "SECRET_KEY": "browser-tests-" + self.workdir.name,
                "FLASK_APP": "facilitator",
                "HOST": "127.0.0.1",
                "PORT": str(self.port),
                "PYTHONUNBUFFERED": "1",
                **self.extra_env,
            }
        )
        return env

    def _flask(self, *args: str) -> None:
        result = subprocess.run(
            [sys.executable, "-m", "flask", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.returncode != 0:
            raise ServerError(f"flask {args[0]} failed:\n{result.stdout}\n{result.stderr}")

    def prepare(self) -> None:
        """The schema and one moderator, the way an administrator sets up a new server."""
        self._flask("db", "upgrade")
        self._flask(
            "create-moderator",
            self.moderator_email,
            "--password",
            self.moderator_password,
            "--name",
            "Moderator",
        )

    def start(self) -> None:
        with open(self.log_path, "ab") as log:
            log.write(f"\n===== starting wsgi.py on port {self.port} =====\n".encode())
            log.flush()
            # The child keeps its own copy of the file descriptor; ours closes on leaving the block.
            self._process = subprocess.Popen(
                [sys.executable, "wsgi.py"], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        self._wait_until_answering()

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise ServerError(
                    f"The server exited with code {self._process.returncode}.\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(self.base_url + "/", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            # Polling a process that is still importing its modules: nothing to wait on but time.
            time.sleep(0.1)
        raise ServerError(f"The server did not answer within {START_TIMEOUT_S} s.\n{self.log_tail()}")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT_S)

    def restart(self) -> None:
        self.stop()
        self.start()

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])
