"""People at a meeting as the server sees them: HTTP for logging in and joining, one Socket.IO
connection per screen that keeps every event it receives."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from typing import Any

import requests
import socketio

WAIT_S = 20  # generous: the machine may be shared with other test runs


def csrf_token(page: str) -> str:
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', page).group(0)
    return re.search(r'value="([^"]+)"', tag).group(1)


def new_session(verify: str | bool) -> requests.Session:
    session = requests.Session()
    # Otherwise REQUESTS_CA_BUNDLE would override verify, and proxy variables reach loopback.
    session.trust_env = False
    session.verify = verify
    return session


def submit(
    session: requests.Session, page: requests.Response, data: dict, action: str = ""
) -> requests.Response:
    """A form of `page` sent as a browser sends it: with the page's CSRF token and, as Flask-WTF
    requires over https, the page as Referer."""
    url = requests.compat.urljoin(page.url, action) if action else page.url
    form = {**data, "csrf_token": csrf_token(page.text)}
    return session.post(url, data=form, headers={"Referer": page.url})


def moderator_session(base_url: str, verify: str | bool, email: str, password: str) -> requests.Session:
    session = new_session(verify)
    done = submit(session, session.get(f"{base_url}/login"), {"email": email, "password": password})
    assert done.ok and "/login" not in done.url, "the moderator could not log in"
    return session


def create_meeting(moderator: requests.Session, base_url: str, questions: list[str]) -> tuple[int, str]:
    """A named meeting that asks only for a name; returns its id and join code."""
    settings = {
        "title": "Regional consultation",
        "join_policy": "open",
        "name_field": "required",
        "country_field": "off",
        "organisation_field": "off",
        "attribution": "named",
    }
    created = submit(moderator, moderator.get(f"{base_url}/meetings/new"), settings)
    meeting_id = int(re.search(r"/meetings/(\d+)", created.url).group(1))
    edit = moderator.get(created.url)
    for text in questions:
        added = submit(moderator, edit, {"text": text}, f"/meetings/{meeting_id}/questions")
        assert added.ok, added.status_code
    code = re.search(r'class="code">([A-Z0-9]+)<', edit.text).group(1)
    return meeting_id, code


def join(base_url: str, verify: str | bool, code: str, name: str) -> requests.Session:
    """A phone that scanned the code and gave its name: the session holds its cookie."""
    phone = new_session(verify)
    joined = submit(phone, phone.get(f"{base_url}/j/{code}"), {"display_name": name})
    assert joined.ok and "facilitator_participant" in phone.cookies, f"{name} could not join"
    return phone


class Screen:
    """One Socket.IO connection (phone, console, cockpit) that records what arrives, in order.

    It reconnects by itself, quickly, as the phones' client does; `tag` goes into the URL so that
    nginx's access log says which app process each of its connections went to.
    """

    def __init__(
        self,
        url: str,
        session: requests.Session,
        *,
        view: str,
        meeting: int | str,
        tag: str,
        transports: tuple[str, ...] = ("websocket",),
    ) -> None:
        self.tag = tag
        self.events: list[tuple[str, Any, float]] = []  # name, data, time.time() on arrival
        self._changed = threading.Condition()
        # Every request carries the cookies from the jar, as a browser's do: python-engineio sends
        # extra headers only with its first request, and nginx routes each request by cookie.
        transport = new_session(session.verify)
        transport.cookies.update(session.cookies)
        self.client = socketio.Client(
            reconnection_delay=0.3, reconnection_delay_max=1, randomization_factor=0.2, http_session=transport
        )
        self.client.on("*", self._record)
        self.client.on("connect", lambda: self._record("connect", None))
        self.client.on("disconnect", lambda *_: self._record("disconnect", None))
        try:
            self.client.connect(
                f"{url}/?tag={tag}",
                auth={"view": view, "meeting": meeting},
                transports=list(transports),
                wait_timeout=WAIT_S,
            )
        except socketio.exceptions.ConnectionError:
            self.client.shutdown()
            raise

    def _record(self, event: str, data: Any = None) -> None:
        with self._changed:
            self.events.append((event, data, time.time()))
            self._changed.notify_all()

    def mark(self) -> int:
        """A point in the record; later questions can look only at what came after it."""
        with self._changed:
            return len(self.events)

    def received(self, event: str, since: int = 0) -> list[Any]:
        with self._changed:
            return [data for name, data, _at in self.events[since:] if name == event]

    def arrival(self, event: str, since: int = 0) -> float:
        """When the first `event` after `since` arrived (seconds since the epoch)."""
        with self._changed:
            return next(at for name, _data, at in self.events[since:] if name == event)

    def position(self, event: str, since: int = 0) -> int:
        """Where the first `event` after `since` is in the record, waiting for it."""
        self.wait_for(event, since=since)
        with self._changed:
            return next(i for i in range(since, len(self.events)) if self.events[i][0] == event)

    def wait_for(
        self, event: str, match: Callable[[Any], bool] = lambda _data: True, *, since: int = 0
    ) -> Any:
        deadline = time.monotonic() + WAIT_S
        with self._changed:
            while True:
                for name, data, _at in self.events[since:]:
                    if name == event and match(data):
                        return data
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [name for name, _data, _at in self.events[since:]]
                    raise AssertionError(f"{self.tag}: no {event!r} within {WAIT_S} s; got {seen}")
                self._changed.wait(left)

    def call(self, event: str, payload: dict | None = None) -> dict:
        reply = self.client.call(event, payload or {}, timeout=WAIT_S)
        assert reply.get("ok") is True, f"{self.tag} {event}: {reply}"
        return reply

    def snapshot(self) -> dict:
        return self.call("sync")["snapshot"]

    def close(self) -> None:
        self.client.disconnect()
        self.client.shutdown()
