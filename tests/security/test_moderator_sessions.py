"""Logging out, or changing one's password, ends a moderator session on the server: saved
cookies, new sockets and sockets already open all lose the moderator's powers."""

from __future__ import annotations

import time

import pytest
import requests
import socketio

from tests.browser.server import LiveServer, ServerError
from tests.security.conftest import (
    EMAIL,
    PASSWORD,
    console_socket,
    cookie_header,
    create_meeting,
    csrf_token,
    log_in,
)

# Another process notices an ended session at its clock's next tick (one second).
SWEEP_WAIT_S = 5


@pytest.fixture(scope="module")
def meeting(server):
    return create_meeting(log_in(server), server)


def log_out(server, moderator: requests.Session) -> None:
    page = moderator.get(f"{server.base_url}/meetings/")
    response = moderator.post(f"{server.base_url}/logout", data={"csrf_token": csrf_token(page.text)})
    assert response.ok


def replay(cookies: str) -> requests.Session:
    """Another browser holding a copy of the saved cookie."""
    thief = requests.Session()
    thief.headers["Cookie"] = cookies
    return thief


def synthesis_socket(server, moderator: requests.Session, meeting_id: int) -> socketio.Client:
    client = socketio.Client(reconnection=False)
    client.connect(
        server.base_url,
        headers={"Cookie": cookie_header(moderator)},
        auth={"meeting": meeting_id},
        namespaces=["/synthesis"],
        transports=["websocket"],
    )
    return client


def wait_disconnected(client: socketio.Client, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while client.connected and time.monotonic() < deadline:
        time.sleep(0.05)
    return not client.connected


def is_login_page(response: requests.Response) -> bool:
    return response.url.split("?")[0].endswith("/login") and 'name="password"' in response.text


def test_logout_ends_the_session_everywhere(server, meeting):
    moderator = log_in(server)
    saved = cookie_header(moderator)
    assert not is_login_page(replay(saved).get(f"{server.base_url}/meetings/"))
    sockets = [
        console_socket(server, moderator, meeting["id"]),
        console_socket(server, moderator, meeting["id"], view="projector"),
        console_socket(server, moderator, meeting["id"], view="cockpit"),
        synthesis_socket(server, moderator, meeting["id"]),
    ]

    log_out(server, moderator)

    for client in sockets:
        assert wait_disconnected(client, 2), "an open moderator socket outlived the logout"
    assert is_login_page(replay(saved).get(f"{server.base_url}/meetings/"))
    with pytest.raises(socketio.exceptions.ConnectionError):
        console_socket(server, replay(saved), meeting["id"])
    with pytest.raises(socketio.exceptions.ConnectionError):
        synthesis_socket(server, replay(saved), meeting["id"])


def change_password(server, moderator: requests.Session, current: str, new: str) -> requests.Response:
    page = moderator.get(f"{server.base_url}/account/password")
    return moderator.post(
        f"{server.base_url}/account/password",
        data={
            "current_password": current,
            "new_password": new,
            "confirm": new,
            "csrf_token": csrf_token(page.text),
        },
    )


def test_a_password_change_ends_every_other_session(server, meeting):
    here, elsewhere = log_in(server), log_in(server)
    other_console = console_socket(server, elsewhere, meeting["id"])
    own_console = console_socket(server, here, meeting["id"])

    assert change_password(server, here, PASSWORD, "a new long password").ok
    try:
        assert wait_disconnected(other_console, 2)
        assert is_login_page(elsewhere.get(f"{server.base_url}/meetings/"))
        assert not is_login_page(here.get(f"{server.base_url}/meetings/"))
        assert own_console.call("sync_console", {})["ok"] is True
        own_console.disconnect()
    finally:
        assert change_password(server, here, "a new long password", PASSWORD).ok


@pytest.fixture(scope="module")
def second_process(server):
    """Another process of the same installation: same database, same secret key."""
    other = LiveServer(
        server.workdir,
        email=EMAIL,
        password=PASSWORD,
        database_url=server.database_url,
        SECRET_KEY=server.env["SECRET_KEY"],
    )
    try:
        other.start()
    except ServerError as error:
        other.stop()
        pytest.fail(str(error), pytrace=False)
    yield other
    other.stop()


def test_a_logout_in_one_process_closes_sockets_in_another(server, second_process, meeting):
    moderator = log_in(server)
    console = console_socket(second_process, moderator, meeting["id"])
    assert console.call("sync_console", {})["ok"] is True

    log_out(server, moderator)

    # Refused at once, even before the other process's sweep closes the socket.
    reply = console.call("open_question", {"question_id": meeting["question_id"]}, timeout=5)
    assert reply["ok"] is False and "session has ended" in reply["error"]
    assert wait_disconnected(console, SWEEP_WAIT_S)
