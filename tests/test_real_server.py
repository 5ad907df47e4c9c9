"""What only a real server shows: the test client skips origin checks and size limits.

The production server (wsgi.py, eventlet) runs in a subprocess; a real Socket.IO client
connects the way a phone or an attacker's page would.
"""

from __future__ import annotations

import gc
import re
import warnings

import pytest
import requests
import socketio

from tests.browser.server import LiveServer, ServerError

EMAIL, PASSWORD = "security@example.org", "a long password here"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = LiveServer(tmp_path_factory.mktemp("security"), email=EMAIL, password=PASSWORD)
    try:
        live.prepare()
        live.start()
    except ServerError as error:
        live.stop()
        pytest.fail(str(error), pytrace=False)
    yield live
    live.stop()


@pytest.fixture(scope="module", autouse=True)
def collect_client_sockets():
    """When the server drops a connection (the oversized frame), python-engineio's client
    leaves its socket for the garbage collector; collect it here rather than in a later test."""
    yield
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def csrf_token(page: str) -> str:
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', page).group(0)
    return re.search(r'value="([^"]+)"', tag).group(1)


@pytest.fixture(scope="module")
def meeting(server):
    """A meeting with one open question and one joined phone (its cookies)."""
    moderator = requests.Session()
    login = moderator.get(f"{server.base_url}/login")
    moderator.post(
        f"{server.base_url}/login",
        data={"email": EMAIL, "password": PASSWORD, "csrf_token": csrf_token(login.text)},
    )
    new = moderator.get(f"{server.base_url}/meetings/new")
    created = moderator.post(
        f"{server.base_url}/meetings/new",
        data={
            "title": "Security",
            "join_policy": "open",
            "name_field": "required",
            "country_field": "off",
            "organisation_field": "off",
            "attribution": "named",
            "csrf_token": csrf_token(new.text),
        },
    )
    meeting_id = int(re.search(r"/meetings/(\d+)", created.url).group(1))
    edit = moderator.get(created.url)
    moderator.post(
        f"{server.base_url}/meetings/{meeting_id}/questions",
        data={"text": "Why?", "csrf_token": csrf_token(edit.text)},
    )
    code = re.search(r'class="code">([A-Z0-9]+)<', edit.text).group(1)
    phone = requests.Session()
    join = phone.get(f"{server.base_url}/j/{code}")
    phone.post(
        f"{server.base_url}/j/{code}", data={"display_name": "Ana", "csrf_token": csrf_token(join.text)}
    )
    console = socketio.Client(reconnection=False)
    console.connect(
        server.base_url,
        headers={"Cookie": "; ".join(f"{k}={v}" for k, v in moderator.cookies.items())},
        auth={"view": "console", "meeting": meeting_id},
        transports=["websocket"],
    )
    question_id = console.call("sync_console", {})["snapshot"]["questions"][0]["id"]
    assert console.call("open_question", {"question_id": question_id})["ok"]
    console.disconnect()
    cookies = dict(phone.cookies)
    moderator.close()
    phone.close()
    return {"code": code, "question_id": question_id, "cookies": cookies}


def phone_client(server, meeting, **headers) -> socketio.Client:
    client = socketio.Client(reconnection=False)
    cookie = "; ".join(f"{k}={v}" for k, v in meeting["cookies"].items())
    try:
        client.connect(
            server.base_url,
            headers={"Cookie": cookie, **headers},
            auth={"view": "phone", "meeting": meeting["code"]},
            transports=["websocket"],
        )
    except socketio.exceptions.ConnectionError:
        client.shutdown()
        raise
    return client


def test_a_joined_phone_can_answer(server, meeting):
    client = phone_client(server, meeting)
    payload = {"question_id": meeting["question_id"], "client_id": "real-server-1", "text": "Because."}
    assert client.call("submit_answer", payload)["ok"] is True
    client.disconnect()


def test_another_sites_page_cannot_connect(server, meeting):
    with pytest.raises(socketio.exceptions.ConnectionError):
        phone_client(server, meeting, Origin="https://evil.example")


def test_a_phone_without_its_cookie_cannot_connect(server, meeting):
    client = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(
            server.base_url, auth={"view": "phone", "meeting": meeting["code"]}, transports=["websocket"]
        )
    client.shutdown()


def test_an_oversized_frame_is_refused_and_stores_nothing(server, meeting):
    client = phone_client(server, meeting)
    huge = {"question_id": meeting["question_id"], "client_id": "real-server-2", "text": "x" * 200_000}
    with pytest.raises((socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError)):
        client.call("submit_answer", huge, timeout=5)
    client.shutdown()
    again = phone_client(server, meeting)
    snapshot = again.call("sync", {})["snapshot"]
    assert [a["client_id"] for a in snapshot["my_answers"]] == ["real-server-1"]
    again.disconnect()
