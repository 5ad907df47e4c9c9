"""The attack suite's real server and the clients an attacker (or a phone) would use.

Everything here talks to `wsgi.py` under eventlet in a subprocess, over real HTTP and real
sockets: the Flask-SocketIO test client skips origin checks and size limits.
"""

from __future__ import annotations

import gc
import re
import warnings
from collections.abc import Iterator

import pytest
import requests
import socketio

from tests.browser.server import LiveServer, ServerError
from tests.multiprocess import services

EMAIL, PASSWORD = "security@example.org", "a long password here"


def start_server(workdir, **kwargs) -> LiveServer:
    live = LiveServer(workdir, email=EMAIL, password=PASSWORD, **kwargs)
    try:
        live.prepare()
        live.start()
    except ServerError as error:
        live.stop()
        pytest.fail(str(error), pytrace=False)
    return live


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[LiveServer]:
    """One real server on SQLite for a test module."""
    live = start_server(tmp_path_factory.mktemp("security"))
    yield live
    live.stop()


@pytest.fixture(scope="module")
def postgres_server(tmp_path_factory) -> Iterator[LiveServer]:
    """One real server on a throwaway PostgreSQL database, for races SQLite would hide."""
    services.require("postgres")
    url = services.create_database()
    live = start_server(tmp_path_factory.mktemp("security-pg"), database_url=url)
    yield live
    live.stop()
    services.drop_database(url)


@pytest.fixture(scope="module", autouse=True)
def collect_client_sockets():
    """When the server drops a connection, python-engineio's client leaves its socket for the
    garbage collector; collect it here rather than in a later test."""
    yield
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def csrf_token(page: str) -> str:
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', page).group(0)
    return re.search(r'value="([^"]+)"', tag).group(1)


def cookie_header(session: requests.Session) -> str:
    return "; ".join(f"{k}={v}" for k, v in session.cookies.items())


def log_in(server: LiveServer, email: str = EMAIL, password: str = PASSWORD) -> requests.Session:
    moderator = requests.Session()
    login = moderator.get(f"{server.base_url}/login")
    moderator.post(
        f"{server.base_url}/login",
        data={"email": email, "password": password, "csrf_token": csrf_token(login.text)},
    )
    return moderator


def create_meeting(moderator: requests.Session, server: LiveServer, **fields: str) -> dict:
    """A meeting with one guiding question; returns its id, join code and question id."""
    new = moderator.get(f"{server.base_url}/meetings/new")
    data = {
        "title": "Security",
        "join_policy": "open",
        "name_field": "required",
        "country_field": "off",
        "organisation_field": "off",
        "attribution": "named",
        **fields,
        "csrf_token": csrf_token(new.text),
    }
    created = moderator.post(f"{server.base_url}/meetings/new", data=data)
    meeting_id = int(re.search(r"/meetings/(\d+)", created.url).group(1))
    edit = moderator.get(created.url)
    moderator.post(
        f"{server.base_url}/meetings/{meeting_id}/questions",
        data={"text": "Why?", "csrf_token": csrf_token(edit.text)},
    )
    code = re.search(r'class="code">([A-Z0-9]+)<', edit.text).group(1)
    console = console_socket(server, moderator, meeting_id)
    question_id = console.call("sync_console", {})["snapshot"]["questions"][0]["id"]
    console.disconnect()
    return {"id": meeting_id, "code": code, "question_id": question_id}


def join_phone(server: LiveServer, code: str, name: str = "Ana", **fields: str) -> requests.Session:
    """A phone that scanned the code and sent the join form; its cookies prove who it is."""
    phone = requests.Session()
    join = phone.get(f"{server.base_url}/j/{code}")
    phone.post(
        f"{server.base_url}/j/{code}",
        data={"display_name": name, **fields, "csrf_token": csrf_token(join.text)},
    )
    return phone


def socket_client(server: LiveServer, auth: dict, cookies: str = "", **headers: str) -> socketio.Client:
    client = socketio.Client(reconnection=False)
    try:
        client.connect(
            server.base_url,
            headers={"Cookie": cookies, **headers} if cookies else headers,
            auth=auth,
            transports=["websocket"],
        )
    except socketio.exceptions.ConnectionError:
        client.shutdown()
        raise
    return client


def phone_socket(server: LiveServer, phone: requests.Session, code: str, **headers: str) -> socketio.Client:
    return socket_client(server, {"view": "phone", "meeting": code}, cookie_header(phone), **headers)


def console_socket(
    server: LiveServer, moderator: requests.Session, meeting_id: int, view: str = "console"
) -> socketio.Client:
    return socket_client(server, {"view": view, "meeting": meeting_id}, cookie_header(moderator))


@pytest.fixture(scope="session")
def abuse_server(tmp_path_factory) -> Iterator[LiveServer]:
    """A real server behind one trusted proxy, so that each test chooses its clients' addresses
    (X-Forwarded-For), with the join and passcode throttles' windows shrunk tenfold: a venue's
    worth of joins then takes seconds, at the same shape (burst, then a steady pace)."""
    live = start_server(
        tmp_path_factory.mktemp("abuse"), FACILITATOR_PROXY_COUNT="1", FACILITATOR_THROTTLE_TIME_SCALE="0.1"
    )
    yield live
    live.stop()
