"""Facilitator as it runs for a large meeting, on one machine: N app processes (wsgi.py, eventlet)
on a throwaway PostgreSQL database, Socket.IO events shared through Redis on a channel of their
own, behind nginx configured from deploy/nginx/facilitator.conf (ports, paths and a self-signed
certificate made local; every other line as shipped).

    from tests.multiprocess.stack import Stack

    with Stack(processes=2) as stack:       # tls=False: nginx over plain http
        stack.base_url        # https://127.0.0.1:<port>: nginx, as phones reach the server
        stack.urls[i]         # http://127.0.0.1:<port>: app process i, directly
        stack.verify          # requests' verify= (the certificate's path; True without TLS)
        stack.ca_file         # the same for an ssl.SSLContext (None without TLS)
        stack.kill(0)         # SIGKILL app process 0; nginx sends its clients to the others
        stack.restart(0)      # start it again, on the same port
        stack.served_by("x")  # which process nginx sent each request whose log line has "x"

A moderator (stack.moderator_email, stack.moderator_password) exists from the start. Clients
must keep their cookies in a cookie jar (python-engineio sends extra headers with its first
request only), since nginx routes phones by their participant cookie; tests/multiprocess/clients.py
logs in, joins and connects that way. stop() removes processes, database and work directory
(FACILITATOR_STACK_KEEP=1 keeps the directory and its logs). `python -m tests.multiprocess`
runs a stack until Ctrl-C. Needs nginx, openssl, PostgreSQL at 127.0.0.1:5432 and Redis at
127.0.0.1:6379 (services.py names the variables that point elsewhere); start() raises
StackError saying what is missing.
"""

from __future__ import annotations

import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

from tests.browser.server import free_port
from tests.multiprocess import services
from tests.multiprocess.services import ROOT, StackError

START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 10
__all__ = ["Stack", "StackError"]


class Stack:
    def __init__(
        self,
        processes: int = 2,
        *,
        tls: bool = True,
        nginx_workers: int = 1,
        env: Mapping[str, str] | None = None,
        moderator_email: str = "moderator@example.org",
        moderator_password: str = "a long moderator password",  # noqa: S107 (a throwaway account)
    ) -> None:
        """tls=False serves nginx over plain http (same file, without `ssl` on the listen line);
        env adds or overrides settings of the app processes."""
        self.processes = processes
        self.tls = tls
        self.nginx_workers = nginx_workers
        self.moderator_email = moderator_email
        self.moderator_password = moderator_password
        self.workdir = Path(tempfile.mkdtemp(prefix="facilitator-stack-"))
        self.ports = [free_port() for _ in range(processes)]
        self.urls = [f"http://127.0.0.1:{port}" for port in self.ports]
        self.nginx_port, self.nginx_http_port = free_port(), free_port()
        self.base_url = f"{'https' if tls else 'http'}://127.0.0.1:{self.nginx_port}"
        self.access_log = self.workdir / "facilitator.access.log"
        # Redis channels are global to the server: each run gets its own.
        self.channel = f"facilitator-stack-{uuid.uuid4().hex[:12]}"
        self.ca_file: Path | None = None
        self.database_url: str | None = None
        self._extra_env = dict(env or {})
        self._apps: list[subprocess.Popen[bytes] | None] = [None] * processes
        self._nginx: subprocess.Popen[bytes] | None = None

    @property
    def verify(self) -> str | bool:
        return str(self.ca_file) if self.ca_file else True

    def _environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FACILITATOR_", "SOCKETIO_"))}
        env.pop("PSYCOPG_WAIT_FUNC", None)  # the server must choose its own, as in production
        assert self.database_url is not None
        env.update(
            {
                "DATABASE_URL": self.database_url,
                "SOCKETIO_MESSAGE_QUEUE": services.REDIS_URL,
                "SOCKETIO_CHANNEL": self.channel,
                "SECRET_KEY": "stack-" + self.workdir.name,
                "FACILITATOR_INSTANCE_DIR": str(self.workdir / "instance"),
                "FACILITATOR_PUBLIC_URL": self.base_url,
                "FACILITATOR_PROXY_COUNT": "1",
                "FLASK_APP": "facilitator",
                "HOST": "127.0.0.1",
                "PYTHONUNBUFFERED": "1",
            }
        )
        return env | self._extra_env

    def start(self) -> Stack:
        problems = services.missing()
        if problems:
            raise StackError(" ".join(problems))
        try:
            self.database_url = services.create_database()
            self._flask("db", "upgrade")
            moderator = self._flask_process(
                "create-moderator", self.moderator_email, "--password", self.moderator_password
            )
            for index in range(self.processes):
                self._start_app(index)
            if moderator.wait(timeout=START_TIMEOUT_S) != 0:
                raise StackError(f"flask create-moderator failed:\n{self._tail('create-moderator.log')}")
            for index in range(self.processes):
                self._wait_for_app(index)
            self._start_nginx()
        except BaseException:
            self.stop()
            raise
        return self

    def _flask_process(self, *args: str) -> subprocess.Popen[bytes]:
        with open(self.workdir / f"{args[0]}.log", "wb") as log:
            return subprocess.Popen(
                [sys.executable, "-m", "flask", *args], cwd=ROOT, env=self._environment(),
                stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip

    def _flask(self, *args: str) -> None:
        if self._flask_process(*args).wait(timeout=START_TIMEOUT_S) != 0:
            raise StackError(f"flask {args[0]} failed:\n{self._tail(args[0] + '.log')}")

    def _start_app(self, index: int) -> None:
        env = self._environment() | {"PORT": str(self.ports[index])}
        with open(self.workdir / f"app-{index}.log", "ab") as log:
            self._apps[index] = subprocess.Popen(
                [sys.executable, "wsgi.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )

    def _wait_for_app(self, index: int) -> None:
        process = self._apps[index]
        assert process is not None
        self._wait_until_answering(self.urls[index] + "/", process, f"app-{index}.log")

    def _start_nginx(self) -> None:
        cert, key = services.make_certificate(self.workdir)
        self.ca_file = cert if self.tls else None
        site = self.workdir / "facilitator.conf"
        site.write_text(
            services.render_site(
                self.ports, https_port=self.nginx_port, http_port=self.nginx_http_port,
                tls=self.tls, cert=cert, key=key, workdir=self.workdir,
            )
        )  # fmt: skip
        main = self.workdir / "nginx.conf"
        main.write_text(services.render_main(site, self.workdir, self.nginx_workers))
        with open(self.workdir / "nginx.log", "ab") as log:
            self._nginx = subprocess.Popen(
                [services.NGINX, "-p", str(self.workdir), "-c", str(main), "-g", "daemon off;"],
                stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        self._wait_until_answering(self.base_url + "/", self._nginx, "nginx.log")

    def _wait_until_answering(self, url: str, process: subprocess.Popen[bytes], log: str) -> None:
        context = ssl.create_default_context(cafile=str(self.ca_file)) if self.ca_file else None
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise StackError(f"{log} ended with exit code {process.returncode}:\n{self._tail(log)}")
            try:
                with urllib.request.urlopen(url, timeout=5, context=context) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            # Nothing to wait on but the process importing its modules.
            time.sleep(0.1)
        raise StackError(f"{url} did not answer within {START_TIMEOUT_S} s:\n{self._tail(log)}")

    def kill(self, index: int) -> None:
        """SIGKILL app process `index`: no clean-up, exactly like a crash."""
        process, self._apps[index] = self._apps[index], None
        if process is not None:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT_S)

    def restart(self, index: int) -> None:
        """Stops app process `index` if it runs, then starts it again and waits for it."""
        self._stop_process(self._apps[index])
        self._start_app(index)
        self._wait_for_app(index)

    def served_by(self, marker: str) -> list[int]:
        """The app processes nginx passed each logged request containing `marker` to, in order
        (the last one tried when it had to move on). A WebSocket is logged when it closes."""
        if not self.access_log.exists():
            return []
        served = []
        for line in self.access_log.read_text().splitlines():
            if marker in line and "upstream=" in line:
                last = line.rsplit("upstream=", 1)[1].split(",")[-1].strip()
                served.append(self.urls.index(f"http://{last}") if f"http://{last}" in self.urls else -1)
        return served

    def log(self, index: int) -> str:
        """What app process `index` printed, across its restarts."""
        return self._tail(f"app-{index}.log", lines=10_000)

    def _tail(self, name: str, lines: int = 40) -> str:
        try:
            return "\n".join((self.workdir / name).read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return f"(no {name})"

    @staticmethod
    def _stop_process(process: subprocess.Popen[bytes] | None, sig: int = signal.SIGTERM) -> None:
        if process is None or process.poll() is not None:
            return
        process.send_signal(sig)
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT_S)

    def stop(self) -> None:
        """Stops everything and removes the database and the work directory; safe to repeat."""
        self._stop_process(self._nginx, signal.SIGQUIT)
        self._nginx = None
        for index in range(self.processes):
            self._stop_process(self._apps[index])
            self._apps[index] = None
        if self.database_url is not None:
            services.drop_database(self.database_url)
            self.database_url = None
        if not os.environ.get("FACILITATOR_STACK_KEEP"):
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()
