"""The people in a load run: phones that join and answer, and the moderator who drives them.

Each reacts to events the way its page does (static/js/phone.js, console.js): a phone
asks for a fresh snapshot on `phase_changed`, the console on a `question_opened` that is not
fresh (a reopened question, whose answers it must read back).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import defaultdict
from collections.abc import Coroutine
from typing import Any

from bench.loadgen.http import HttpSession, csrf_token
from bench.loadgen.sio import SocketIOClient

COUNTRIES = ("Senegal", "Kenya", "Peru", "Nepal", "Ghana", "Chile", "Fiji")


def keep(tasks: set[asyncio.Task], coroutine: Coroutine) -> None:
    """Runs a reaction to an event in the background, holding the task until it is done."""
    task = asyncio.ensure_future(coroutine)
    tasks.add(task)
    task.add_done_callback(tasks.discard)


class Deliveries:
    """When each phone first saw each thing (a question, its group), and who waits for it."""

    def __init__(self) -> None:
        self.times: dict[Any, dict[int, float]] = defaultdict(dict)
        self.counts: dict[str, int] = defaultdict(int)
        self._waiters: dict[Any, tuple[int, asyncio.Event]] = {}

    def record(self, key: Any, who: int, at: float) -> None:
        seen = self.times[key]
        if who in seen:
            return
        seen[who] = at
        waiter = self._waiters.get(key)
        if waiter is not None and len(seen) >= waiter[0]:
            waiter[1].set()

    def count(self, event: str) -> None:
        self.counts[event] += 1

    async def wait(self, key: Any, target: int, timeout: float) -> bool:
        event = asyncio.Event()
        self._waiters[key] = (target, event)
        if len(self.times[key]) >= target:
            return True
        try:
            await asyncio.wait_for(event.wait(), timeout)
            return True
        except TimeoutError:
            return False
        finally:
            self._waiters.pop(key, None)


class Phone:
    def __init__(self, index: int, base_url: str, code: str, deliveries: Deliveries) -> None:
        self.index, self.base_url, self.code = index, base_url, code
        self.http = HttpSession(base_url)
        self.sio = SocketIOClient()
        self.deliveries = deliveries
        self.participant_id: int | None = None
        self.group: dict | None = None
        self.wall: list[int] = []  # answer ids seen on the group's wall
        self.sync_failures = 0
        self._tasks: set[asyncio.Task] = set()

    async def join(self) -> None:
        page = await self.http.get(f"/j/{self.code}")
        form = {
            "csrf_token": csrf_token(page.text),
            "display_name": f"Phone {self.index}",
            "country": COUNTRIES[self.index % len(COUNTRIES)],
        }
        response = await self.http.post(f"/j/{self.code}", form)
        if response.status != 302:
            raise RuntimeError(f"join failed with {response.status}")

    async def connect(self) -> None:
        self.sio.on("snapshot", self._snapshot)
        self.sio.on("question_opened", self._question_opened)
        self.sio.on("phase_changed", self._phase_changed)
        self.sio.on("wall_answer_changed", self._wall_answer)
        self.sio.on("votes_changed", lambda _data, _at: self.deliveries.count("votes_changed"))
        auth = {"view": "phone", "meeting": self.code}
        await self.sio.connect(self.base_url, auth, cookie=self.http.cookie_header())

    def _snapshot(self, snapshot: dict, at: float) -> None:
        self.participant_id = snapshot["participant"]["id"]
        self._take_breakout(snapshot.get("breakout"), at)

    def _take_breakout(self, breakout: dict | None, at: float) -> None:
        group = breakout.get("group") if breakout else None
        self.group = group
        if group is not None:
            self.deliveries.record("group", self.index, at)

    def _question_opened(self, data: dict, at: float) -> None:
        self.deliveries.record(("question", data["question"]["id"]), self.index, at)

    def _phase_changed(self, _data: dict, _at: float) -> None:
        keep(self._tasks, self.resync())

    async def resync(self) -> None:
        try:
            reply = await self.sio.call("sync", {})
        except (TimeoutError, ConnectionError):
            self.sync_failures += 1
            return
        if reply and reply.get("ok"):
            self._take_breakout(reply["snapshot"].get("breakout"), time.monotonic())
        else:
            self.sync_failures += 1

    def _wall_answer(self, answer: dict, _at: float) -> None:
        self.deliveries.count("wall_answer_changed")
        self.wall.append(answer["id"])

    async def timed_call(self, event: str, payload: dict) -> tuple[float, float, dict | None]:
        """(sent at, acknowledged at, reply); reply None when no acknowledgement came."""
        sent = time.monotonic()
        try:
            reply = await self.sio.call(event, payload, timeout=120)
        except (TimeoutError, ConnectionError):
            return sent, time.monotonic(), None
        return sent, time.monotonic(), reply


class Moderator:
    """Logs in with the login form, creates the meeting, and keeps the console open."""

    def __init__(self, base_url: str, email: str, password: str) -> None:
        self.base_url = base_url
        self.http = HttpSession(base_url)
        self.console = SocketIOClient()
        self.email, self.password = email, password
        self.meeting_id = 0
        self.join_code = ""
        self.question_ids: list[int] = []
        self.console_syncs = 0
        self.pending_syncs = 0  # resyncs asked for and not yet answered
        self._tasks: set[asyncio.Task] = set()

    async def prepare(self, questions: int = 3) -> None:
        page = await self.http.get("/login")
        form = {"email": self.email, "password": self.password, "csrf_token": csrf_token(page.text)}
        if (await self.http.post("/login", form)).status != 302:
            raise RuntimeError("moderator login failed")
        page = await self.http.get("/meetings/new")
        created = await self.http.post(
            "/meetings/new",
            {
                "title": "Load test",
                "join_policy": "open",
                "name_field": "required",
                "country_field": "optional",
                "organisation_field": "off",
                "attribution": "named",
                "csrf_token": csrf_token(page.text),
            },
        )
        self.meeting_id = int(re.search(r"/meetings/(\d+)", created.header("Location") or "").group(1))
        for number in range(questions):
            edit = await self.http.get(f"/meetings/{self.meeting_id}")
            await self.http.post(
                f"/meetings/{self.meeting_id}/questions",
                {"text": f"Guiding question {number + 1}?", "csrf_token": csrf_token(edit.text)},
            )
        self.console.on("question_opened", self._question_opened)
        auth = {"view": "console", "meeting": self.meeting_id}
        snapshot: dict = {}
        self.console.on("snapshot", lambda data, _at: snapshot.update(data))
        await self.console.connect(self.base_url, auth, cookie=self.http.cookie_header())
        self.join_code = snapshot["meeting"]["join_code"]
        self.question_ids = [q["id"] for q in snapshot["questions"]]

    async def open_projector(self) -> SocketIOClient:
        """The projector, as the room's wall shows it: its own socket with the moderator's login."""
        projector = SocketIOClient()
        auth = {"view": "projector", "meeting": self.meeting_id}
        await projector.connect(self.base_url, auth, cookie=self.http.cookie_header())
        return projector

    def _question_opened(self, data: dict, _at: float) -> None:
        if not data.get("fresh"):
            self.pending_syncs += 1
            keep(self._tasks, self._resync())

    async def _resync(self) -> None:
        try:
            await self.console.call("sync_console", {})
        finally:
            self.pending_syncs -= 1
        self.console_syncs += 1

    async def open_round(self, participant_groups: dict[int, int], groups: int, question_id: int) -> None:
        path = f"/meetings/{self.meeting_id}/breakouts/new"
        page = await self.http.get(path)
        form: list[tuple[str, str | int]] = [
            ("csrf_token", csrf_token(page.text)),
            ("action", "open"),
            ("mode", "by_hand"),
            ("attribute", "country"),
            ("sizing", "groups"),
            ("groups", groups),
            ("minutes", 30),
            ("question_ids", question_id),
            ("group_count", groups),
        ]
        for index in range(groups):
            form += [(f"group-{index}-name", f"Group {index + 1}"), (f"group-{index}-questions", question_id)]
        form += [(f"member-{pid}", group) for pid, group in participant_groups.items()]
        response = await self.http.post(path, form)
        if response.status != 302:
            raise RuntimeError(f"opening the round failed with {response.status}")
