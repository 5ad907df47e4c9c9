"""Steps of a meeting on the stack, so that the test reads like the meeting it plays out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import redis
import requests

from tests.multiprocess import services
from tests.multiprocess.clients import Screen, submit
from tests.multiprocess.stack import Stack


@dataclass
class Meeting:
    stack: Stack
    moderator: requests.Session
    id: int
    code: str
    joined: dict[int, list[requests.Session]]  # app process → phones nginx sends there
    sessions: dict[str, requests.Session] = field(default_factory=dict)
    participants: dict[str, int] = field(default_factory=dict)
    # What each phone sent and the server acknowledged, by tag.
    sent: dict[str, list[dict]] = field(default_factory=dict)
    screens: list[Screen] = field(default_factory=list)

    def screen(self, url: str, session: requests.Session, view: str, meeting: int | str, tag: str) -> Screen:
        screen = Screen(url, session, view=view, meeting=meeting, tag=tag)
        self.screens.append(screen)
        screen.wait_for("snapshot")
        return screen

    def phone(
        self, process: int, index: int, tag: str, transports: tuple[str, ...] = ("websocket",)
    ) -> Screen:
        """The index-th phone that nginx sends to `process`, connected through nginx."""
        session = self.joined[process][index]
        screen = Screen(
            self.stack.base_url, session, view="phone", meeting=self.code, tag=tag, transports=transports
        )
        self.screens.append(screen)
        self.sessions[tag] = session
        self.participants[tag] = screen.wait_for("snapshot")["participant"]["id"]
        return screen

    def answer(
        self, phone: Screen, question_id: int, client_id: str, text: str, *, for_group: bool = False
    ) -> dict:
        payload = {"question_id": question_id, "client_id": client_id, "text": text, "for_group": for_group}
        reply = phone.call("submit_answer", payload)
        assert reply["duplicate"] is False
        self.sent.setdefault(phone.tag, []).append(payload)
        return reply["answer"]

    def moderate(
        self, console: Screen, phones: list[Screen], event: str, payload: dict | None = None
    ) -> None:
        """A change of phase by the moderator, once every phone has heard of it."""
        since = [phone.mark() for phone in phones]
        console.call(event, payload)
        for phone, mark in zip(phones, since, strict=True):
            phone.wait_for("phase_changed", since=mark)

    def close(self) -> None:
        for screen in self.screens:
            screen.close()

    def subscribers(self) -> int:
        """How many app processes listen on this run's Redis channel."""
        client = redis.Redis.from_url(services.REDIS_URL)
        try:
            return dict(client.pubsub_numsub(self.stack.channel))[self.stack.channel.encode()]
        finally:
            client.close()


def open_round(meeting: Meeting, groups: list[list[Screen]], question_ids: list[int]) -> None:
    """The planning page's Open round, by hand: these phones in these groups, one minute."""
    url = f"{meeting.stack.base_url}/meetings/{meeting.id}/breakouts/new"
    questions = [str(q) for q in question_ids]
    form: dict[str, str | list[str]] = {
        "mode": "by_hand",
        "attribute": "country",
        "sizing": "groups",
        "groups": str(len(groups)),
        "minutes": "1",
        "question_ids": questions,
        "action": "open",
        "group_count": str(len(groups)),
    }
    for index, members in enumerate(groups):
        form[f"group-{index}-name"] = f"Group {index + 1}"
        form[f"group-{index}-questions"] = questions
        for phone in members:
            form[f"member-{meeting.participants[phone.tag]}"] = str(index)
    opened = submit(meeting.moderator, meeting.moderator.get(url), form)
    assert opened.ok and opened.url.endswith(f"/meetings/{meeting.id}/breakouts"), opened.status_code


def shorten_round(console: Screen, phones: list[Screen]) -> tuple[list[int], float]:
    """Minus 60 minutes: the round ends in ten seconds, the earliest the server allows.
    Returns each phone's mark before the change and the new end (seconds since the epoch)."""
    since = [phone.mark() for phone in phones]
    console.call("adjust_time", {"minutes": -60})
    timer = phones[0].wait_for("timer_changed", since=since[0])
    return since, datetime.fromisoformat(timer["ends_at"]).timestamp()


def acknowledged_once(snapshot: dict, sent: list[dict]) -> None:
    """Every answer sent is in the phone's snapshot (current question and group wall), once."""
    group = (snapshot["breakout"] or {}).get("group") or {"my_answers": []}
    stored = [a["client_id"] for a in snapshot["my_answers"] + group["my_answers"]]
    assert len(stored) == len(set(stored)), f"an answer is stored twice: {stored}"
    missing = {payload["client_id"] for payload in sent} - set(stored)
    assert not missing, f"acknowledged answers missing after reconnecting: {missing}"
