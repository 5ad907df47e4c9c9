"""What already held against an attacker, kept holding: every case runs against the real server.

Foreign origins, forged cookies, another moderator's meeting, moderator events sent by a phone,
malformed events of every shape, hostile text on every screen and in every export.
"""

from __future__ import annotations

import csv
import io
import json
import re
import secrets
import time

import pytest
import requests
import socketio

from tests.security.conftest import (
    EMAIL,
    console_socket,
    cookie_header,
    create_meeting,
    join_phone,
    log_in,
    phone_socket,
    socket_client,
)

OTHER_EMAIL, OTHER_PASSWORD = "other@example.org", "another long password"
HOSTILE_NAME = '<img src=x onerror="alert(1)">Zoë'
HOSTILE_ANSWER = '=HYPERLINK("http://evil.example")<script>alert(2)</script>'
MODERATOR_EVENTS = [
    "sync_console",
    "open_question",
    "close_question",
    "hide_answer",
    "show_answers_on_projector",
    "remove_participant",
    "hide_participant_answers",
    "merge_participants",
    "likely_duplicates",
    "close_round",
    "adjust_time",
    "broadcast",
    "move_member",
    "set_rapporteur",
    "publish_walls",
    "end_report_back",
]
PHONE_EVENTS = ["sync", "submit_answer", "edit_answer", "delete_answer", "vote", "choose_group", "volunteer"]
# Ten shapes, sent at a pace the rate limit allows: what is refused is refused for its shape.
MALFORMED = [0, "x", [1, 2], True, {"question_id": "1"}, {"question_id": 2**63},
             {"question_id": 1.5, "client_id": 7, "text": ["a"]}, {"client_id": "a" * 10_000},
             {"answer_id": {"$ne": 1}}, {"group_id": -1, "text": {"nested": True}}]  # fmt: skip
NOT_OBJECTS = [0, "x", [1, 2], True]


def strings(data: object) -> list[str]:
    """Every string inside a JSON document, as its reader gets it back."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        data = list(data.values())
    return [text for item in data for text in strings(item)] if isinstance(data, list) else []


@pytest.fixture(scope="module")
def world(server):
    """Two moderators; the first has a meeting with an open question, a phone and its answer."""
    server._flask("create-moderator", OTHER_EMAIL, "--password", OTHER_PASSWORD, "--name", "Other")
    moderator = log_in(server)
    meeting = create_meeting(moderator, server)
    console = console_socket(server, moderator, meeting["id"])
    assert console.call("open_question", {"question_id": meeting["question_id"]})["ok"]
    console.disconnect()
    phone = join_phone(server, meeting["code"], name=HOSTILE_NAME)
    client = phone_socket(server, phone, meeting["code"])
    ack = client.call(
        "submit_answer",
        {"question_id": meeting["question_id"], "client_id": "held-before-1", "text": HOSTILE_ANSWER},
    )
    assert ack["ok"], ack
    client.disconnect()
    return {
        "moderator": moderator,
        "meeting": meeting,
        "phone": phone,
        "other": log_in(server, OTHER_EMAIL, OTHER_PASSWORD),
    }


def test_a_forged_participant_cookie_is_refused(server, world):
    code = world["meeting"]["code"]
    with pytest.raises(socketio.exceptions.ConnectionError):
        socket_client(
            server, {"view": "phone", "meeting": code}, f"facilitator_participant={secrets.token_urlsafe(32)}"
        )
    page = requests.get(
        f"{server.base_url}/j/{code}/live",
        cookies={"facilitator_participant": secrets.token_urlsafe(32)},
        allow_redirects=False,
        timeout=10,
    )
    assert page.status_code in (302, 303, 404)


def test_a_forged_session_cookie_opens_nothing(server, world):
    forged = requests.Session()
    forged.cookies.set("session", world["moderator"].cookies["session"][:-4] + "AAAA")
    page = forged.get(f"{server.base_url}/meetings/{world['meeting']['id']}/console", allow_redirects=False)
    assert page.status_code == 302 and "/login" in page.headers["Location"]


def test_another_moderator_reaches_nothing_of_the_meeting(server, world):
    other, meeting_id = world["other"], world["meeting"]["id"]
    for path in ("", "/console", "/projector", "/synthesis", "/synthesis/data", "/export.json", "/qr.svg"):
        page = other.get(f"{server.base_url}/meetings/{meeting_id}{path}", allow_redirects=False)
        assert page.status_code == 404, (path, page.status_code)
    for view in ("console", "projector", "cockpit"):
        with pytest.raises(socketio.exceptions.ConnectionError):
            socket_client(server, {"view": view, "meeting": meeting_id}, cookie_header(other))


def test_a_phone_sending_moderator_events_changes_nothing(server, world):
    meeting = world["meeting"]
    client = phone_socket(server, world["phone"], meeting["code"])
    for event in MODERATOR_EVENTS:
        ack = client.call(event, {"question_id": meeting["question_id"], "answer_id": 1, "participant_id": 1})
        assert ack["ok"] is False, event
    snapshot = client.call("sync", {})["snapshot"]
    assert [a["client_id"] for a in snapshot["my_answers"]] == ["held-before-1"]
    assert snapshot["question"]["id"] == meeting["question_id"]
    client.disconnect()


def test_a_moderator_sending_phone_events_is_refused(server, world):
    console = console_socket(server, world["moderator"], world["meeting"]["id"])
    for event in PHONE_EVENTS:
        assert console.call(event, {"question_id": world["meeting"]["question_id"]})["ok"] is False, event
    console.disconnect()


def _refused(sender: socketio.Client, event: str, payload: object) -> bool:
    ack = sender.call(event, payload, timeout=10)
    # Paced below the rate limit: what is refused here is refused for its shape, not its speed.
    time.sleep(0.1)
    return isinstance(ack, dict) and ack["ok"] is False and bool(ack["error"]) and "retry_after" not in ack


def test_malformed_events_get_an_error_and_the_server_keeps_serving(server, world):
    meeting = world["meeting"]
    client = phone_socket(server, world["phone"], meeting["code"])
    for event in ("submit_answer", "edit_answer", "delete_answer", "vote", "choose_group"):
        for payload in MALFORMED:
            assert _refused(client, event, payload), (event, payload)
    console = console_socket(server, world["moderator"], meeting["id"])
    # Moderator events are refused anything but an object; the ones that take no payload would
    # otherwise act (close the question, end the round), which is theirs to do.
    for event in MODERATOR_EVENTS:
        for payload in NOT_OBJECTS:
            assert _refused(console, event, payload), (event, payload)
    assert client.call("sync", {})["snapshot"]["my_answers"][0]["text"] == HOSTILE_ANSWER
    client.disconnect()
    console.disconnect()


def test_hostile_text_is_text_on_every_page(server, world):
    meeting, moderator = world["meeting"], world["moderator"]
    pages = [
        moderator.get(f"{server.base_url}/meetings/{meeting['id']}/console").text,
        moderator.get(f"{server.base_url}/meetings/{meeting['id']}/synthesis").text,
        world["phone"].get(f"{server.base_url}/j/{meeting['code']}/live").text,
    ]
    for page in pages:
        assert "<img src=x" not in page and "<script>alert" not in page
    data = moderator.get(f"{server.base_url}/meetings/{meeting['id']}/synthesis/data").json()
    assert HOSTILE_ANSWER in strings(data)  # JSON, drawn as text by the page


def test_exports_keep_hostile_text_inert(server, world):
    base = f"{server.base_url}/meetings/{world['meeting']['id']}"
    moderator = world["moderator"]
    rows = list(csv.reader(io.StringIO(moderator.get(f"{base}/export.csv").text)))
    cells = [cell for row in rows for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells), cells
    assert any("HYPERLINK" in cell for cell in cells)
    markdown = moderator.get(f"{base}/export.md").text
    # Every "<" is backslash-escaped: a Markdown renderer shows it, never opens a tag.
    assert "script" in markdown and not re.search(r"(?<!\\)<", markdown)
    assert moderator.get(f"{base}/export.docx").status_code == 200
    archive = moderator.get(f"{base}/export.json").json()
    assert HOSTILE_ANSWER in strings(archive)


def test_a_resent_answer_is_stored_once(server, world):
    meeting = world["meeting"]
    client = phone_socket(server, world["phone"], meeting["code"])
    payload = {"question_id": meeting["question_id"], "client_id": "held-before-2", "text": "Twice."}
    first, second = client.call("submit_answer", payload), client.call("submit_answer", payload)
    assert first["ok"] and second["ok"] and second["duplicate"] is True
    assert first["answer"]["client_id"] == second["answer"]["client_id"]
    mine = [a["client_id"] for a in client.call("sync", {})["snapshot"]["my_answers"]]
    assert mine.count("held-before-2") == 1
    client.disconnect()


def test_the_moderator_email_is_not_in_any_participant_frame(server, world):
    client = phone_socket(server, world["phone"], world["meeting"]["code"])
    assert EMAIL not in json.dumps(client.call("sync", {})["snapshot"])
    client.disconnect()
