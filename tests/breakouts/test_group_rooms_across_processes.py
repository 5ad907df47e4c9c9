"""The same, with the moved phone on another server process than the moderator who moves it:
two `wsgi.py` processes on one PostgreSQL database, Socket.IO events carried by Redis."""

from __future__ import annotations

import uuid

import pytest

from tests.breakouts.over_http import Listener, three_in_a_round, wall_answer
from tests.browser.server import LiveServer, ServerError
from tests.multiprocess.services import REDIS_URL, create_database, drop_database, require
from tests.security.conftest import EMAIL, PASSWORD


@pytest.fixture(scope="module")
def two_processes(tmp_path_factory):
    require("postgres", "redis")
    url = create_database()
    shared = {
        "SOCKETIO_MESSAGE_QUEUE": REDIS_URL,
        "SOCKETIO_CHANNEL": f"group-rooms-{uuid.uuid4().hex[:8]}",
        "SECRET_KEY": f"group-rooms-{uuid.uuid4().hex}",
    }
    servers = [
        LiveServer(
            tmp_path_factory.mktemp(f"process-{n}"),
            email=EMAIL,
            password=PASSWORD,
            database_url=url,
            **shared,
        )
        for n in (1, 2)
    ]
    try:
        servers[0].prepare()
        for live in servers:
            live.start()
    except ServerError as error:
        for live in servers:
            live.stop()
        drop_database(url)
        pytest.fail(str(error), pytrace=False)
    yield servers
    for live in servers:
        live.stop()
    drop_database(url)


def test_a_phone_on_another_process_leaves_its_old_group_at_once(two_processes):
    first, second = two_processes
    meeting, _phones, sockets, ids, groups, cockpit = three_in_a_round(first, {"Moved": second})
    moved = Listener(sockets["Moved"])
    reply = cockpit.call("move_member", {"participant_id": ids["Moved"], "group_id": groups["Other"]})
    assert reply["ok"], reply

    wall_answer(sockets["Stays"], meeting["question_id"], "far-old-wall-1", "Old group, far away")
    wall_answer(sockets["Other"], meeting["question_id"], "far-new-wall-1", "New group, far away")

    assert moved.wait_for("New group, far away"), moved.frames
    assert not moved.heard("Old group, far away")

    # That process's memory of the socket's room was not touched; a sync then a move back still
    # leave the phone in exactly one group's room.
    assert sockets["Moved"].call("sync", {})["snapshot"]["breakout"]["group"]["id"] == groups["Other"]
    assert cockpit.call("move_member", {"participant_id": ids["Moved"], "group_id": groups["Stays"]})["ok"]
    assert sockets["Moved"].call("sync", {})["snapshot"]["breakout"]["group"]["id"] == groups["Stays"]
    wall_answer(sockets["Other"], meeting["question_id"], "far-new-wall-2", "Left behind, far away")
    wall_answer(sockets["Stays"], meeting["question_id"], "far-old-wall-2", "Back home, far away")
    assert moved.wait_for("Back home, far away"), moved.frames
    assert not moved.heard("Left behind, far away")
    for client in (*sockets.values(), cockpit):
        client.disconnect()
