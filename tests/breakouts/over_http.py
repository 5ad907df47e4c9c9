"""A breakout round on a real server, opened the way the moderator's planning page does, and
phones that listen to everything they receive."""

from __future__ import annotations

import threading
import time

import requests

from tests.browser.server import LiveServer
from tests.security.conftest import (
    console_socket,
    create_meeting,
    csrf_token,
    join_phone,
    log_in,
    phone_socket,
)


def open_round(
    server: LiveServer,
    moderator: requests.Session,
    meeting: dict,
    members: list[list[int]],
    *,
    mode: str = "by_hand",
    capacity: int | None = None,
    names: list[str | bytes] | None = None,
    check: bool = True,
) -> requests.Response:
    """One group per list of participant ids, each working on the meeting's question."""
    url = f"{server.base_url}/meetings/{meeting['id']}/breakouts/new"
    data = {
        "csrf_token": csrf_token(moderator.get(url).text),
        "mode": mode,
        "attribute": "country",
        "sizing": "groups",
        "groups": str(len(members)),
        "minutes": "30",
        "question_ids": str(meeting["question_id"]),
        "action": "open",
        "group_count": str(len(members)),
    }
    if capacity is not None:
        data["capacity"] = str(capacity)
    for index, people in enumerate(members):
        data[f"group-{index}-name"] = names[index] if names else f"Group {index + 1}"
        data[f"group-{index}-questions"] = str(meeting["question_id"])
        for person in people:
            data[f"member-{person}"] = str(index)
    opened = moderator.post(url, data=data, allow_redirects=False)
    if check:
        assert opened.headers.get("Location", "").endswith(f"/meetings/{meeting['id']}/breakouts"), (
            opened.status_code,
            opened.text[-2000:],
        )
    return opened


class Listener:
    """Every frame one real socket receives, whatever its event."""

    def __init__(self, client) -> None:
        self.frames: list[tuple[str, object]] = []
        self.arrived = threading.Condition()
        client.on("*", self._record)

    def _record(self, event, data=None) -> None:
        with self.arrived:
            self.frames.append((event, data))
            self.arrived.notify_all()

    def heard(self, text: str) -> bool:
        return any(text in repr(data) for _event, data in self.frames)

    def wait_for(self, text: str, timeout: float = 5) -> bool:
        deadline = time.monotonic() + timeout
        with self.arrived:
            while not self.heard(text):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.arrived.wait(left)
        return True


def wall_answer(client, question_id: int, client_id: str, text: str) -> None:
    payload = {"question_id": question_id, "client_id": client_id, "text": text, "for_group": True}
    reply = client.call("submit_answer", payload)
    assert reply["ok"], reply


def three_in_a_round(server: LiveServer, phone_servers: dict | None = None):
    """Moved and Stays in the first group, Other in the second; every phone connected, each
    to its own server of `phone_servers` (all to `server` by default)."""
    moderator = log_in(server)
    meeting = create_meeting(moderator, server)
    names = ("Moved", "Stays", "Other")
    where = {name: (phone_servers or {}).get(name, server) for name in names}
    phones = {name: join_phone(server, meeting["code"], name) for name in names}
    sockets = {name: phone_socket(where[name], phones[name], meeting["code"]) for name in names}
    ids = {name: sockets[name].call("sync", {})["snapshot"]["participant"]["id"] for name in names}
    open_round(server, moderator, meeting, [[ids["Moved"], ids["Stays"]], [ids["Other"]]])
    groups = {name: sockets[name].call("sync", {})["snapshot"]["breakout"]["group"]["id"] for name in names}
    cockpit = console_socket(server, moderator, meeting["id"], view="cockpit")
    return meeting, phones, sockets, ids, groups, cockpit
