"""What only a real server shows: the test client skips origin checks and size limits."""

from __future__ import annotations

import pytest
import socketio

from tests.security.conftest import (
    console_socket,
    create_meeting,
    join_phone,
    log_in,
    phone_socket,
    socket_client,
)


@pytest.fixture(scope="module")
def meeting(server):
    """A meeting with one open question and one joined phone."""
    moderator = log_in(server)
    meeting = create_meeting(moderator, server)

    console = console_socket(server, moderator, meeting["id"])
    assert console.call("open_question", {"question_id": meeting["question_id"]})["ok"]
    console.disconnect()
    return {**meeting, "phone": join_phone(server, meeting["code"])}


def test_a_joined_phone_can_answer(server, meeting):
    client = phone_socket(server, meeting["phone"], meeting["code"])
    payload = {"question_id": meeting["question_id"], "client_id": "real-server-1", "text": "Because."}
    assert client.call("submit_answer", payload)["ok"] is True
    client.disconnect()


def test_another_sites_page_cannot_connect(server, meeting):
    with pytest.raises(socketio.exceptions.ConnectionError):
        phone_socket(server, meeting["phone"], meeting["code"], Origin="https://evil.example")


def test_a_phone_without_its_cookie_cannot_connect(server, meeting):
    with pytest.raises(socketio.exceptions.ConnectionError):
        socket_client(server, {"view": "phone", "meeting": meeting["code"]})


def test_an_oversized_frame_is_refused_and_stores_nothing(server, meeting):
    client = phone_socket(server, meeting["phone"], meeting["code"])
    huge = {"question_id": meeting["question_id"], "client_id": "real-server-2", "text": "x" * 200_000}
    with pytest.raises((socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError)):
        client.call("submit_answer", huge, timeout=5)
    client.shutdown()
    again = phone_socket(server, meeting["phone"], meeting["code"])
    snapshot = again.call("sync", {})["snapshot"]
    assert [a["client_id"] for a in snapshot["my_answers"]] == ["real-server-1"]
    again.disconnect()
