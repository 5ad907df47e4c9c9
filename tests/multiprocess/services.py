"""What the stack runs on: a throwaway PostgreSQL database, Redis, and nginx configured from
the site file shipped in deploy/nginx, with its ports, paths and certificate made local."""

from __future__ import annotations

import grp
import os
import pwd
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
import redis
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
SITE_CONF = ROOT / "deploy" / "nginx" / "facilitator.conf"
POSTGRES_ADMIN_URL = os.environ.get(
    "FACILITATOR_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("FACILITATOR_TEST_REDIS", "redis://127.0.0.1:6379/0")
NGINX = os.environ.get("FACILITATOR_TEST_NGINX", "/usr/sbin/nginx")


class StackError(RuntimeError):
    pass


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def missing(*needs: str) -> list[str]:
    """Which of nginx, openssl, postgres and redis (all, if none is named) this machine lacks,
    one sentence each; empty when all are there."""
    needs = needs or ("nginx", "openssl", "postgres", "redis")
    problems = []
    if "nginx" in needs and not os.access(NGINX, os.X_OK):
        problems.append(f"nginx is not installed at {NGINX} (apt-get install nginx).")
    if "openssl" in needs and shutil.which("openssl") is None:
        problems.append("openssl, which makes the stack's certificate, is not installed.")
    if "postgres" in needs:
        try:
            psycopg.connect(_libpq(POSTGRES_ADMIN_URL), connect_timeout=3).close()
        except psycopg.Error:
            problems.append(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}.")
    if "redis" in needs:
        try:
            with redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3) as client:
                client.ping()
        except redis.RedisError:
            problems.append(f"Redis is not reachable at {REDIS_URL}.")
    return problems


def require(*needs: str) -> None:
    """Skips the test when this machine lacks a service it needs; under CI=true, fails instead:
    CI must run every test."""
    problems = missing(*needs)
    if not problems:
        return
    if os.environ.get("CI") == "true":
        pytest.fail("Required in CI: " + " ".join(problems), pytrace=False)
    pytest.skip(" ".join(problems))


def create_database() -> str:
    """A new, empty database; returns its SQLAlchemy URL."""
    name = f"facilitator_stack_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_libpq(POSTGRES_ADMIN_URL), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return str(make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False))


def drop_database(url: str) -> None:
    name = make_url(url).database
    with psycopg.connect(_libpq(POSTGRES_ADMIN_URL), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, which clients are given as their only CA."""
    cert, key = directory / "tls.crt", directory / "tls.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    return cert, key


def _replace(pattern: str, replacement: str, text: str) -> str:
    result, count = re.subn(pattern, lambda _match: replacement, text, flags=re.MULTILINE)
    if count == 0:
        # The stack must exercise the shipped file, not silently something else.
        raise StackError(f"{SITE_CONF.relative_to(ROOT)} has no line matching {pattern!r} any more.")
    return result


def render_site(
    app_ports: list[int], *, https_port: int, http_port: int, tls: bool, cert: Path, key: Path, workdir: Path
) -> str:
    """The shipped site file with loopback ports, this machine's paths and the test certificate."""
    text = SITE_CONF.read_text()
    server_line = re.compile(r"^(\s*)server 127\.0\.0\.1:\d+((?: [^;]*)?);\n", re.MULTILINE)
    first = server_line.search(text)
    if first is None:
        raise StackError(f"{SITE_CONF.relative_to(ROOT)} lists no upstream server on 127.0.0.1.")
    indent, options = first.group(1), first.group(2)
    servers = "".join(f"{indent}server 127.0.0.1:{port}{options};\n" for port in app_ports)
    text = text[: first.start()] + servers + server_line.sub("", text[first.start() :])
    text = _replace(r"^\s*listen \[::\]:\d+[^;]*;\n", "", text)
    text = _replace(r"listen 80;", f"listen 127.0.0.1:{http_port};", text)
    text = _replace(r"listen 443 ssl;", f"listen 127.0.0.1:{https_port}{' ssl' if tls else ''};", text)
    text = _replace(r"ssl_certificate\s+\S+;", f"ssl_certificate {cert};", text)
    text = _replace(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};", text)
    text = _replace(r"/srv/facilitator/app/static/", f"{ROOT / 'static'}/", text)
    text = _replace(r"/var/log/nginx/", f"{workdir}/", text)
    return _replace(r"root /var/www/html;", f"root {workdir / 'acme'};", text)


def render_main(site: Path, workdir: Path, workers: int) -> str:
    """What /etc/nginx/nginx.conf gives the site file, with every path in the work directory."""
    temp = workdir / "nginx-temp"
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (temp / name).mkdir(parents=True, exist_ok=True)
    user = ""
    if os.geteuid() == 0:
        # As root, nginx would run its workers as nobody, who may not read the work directory.
        user = f"user {pwd.getpwuid(os.geteuid()).pw_name} {grp.getgrgid(os.getegid()).gr_name};"
    return f"""{user}
worker_processes {workers};
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
events {{ worker_connections 8192; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    access_log off;
    include {site};
}}
"""
