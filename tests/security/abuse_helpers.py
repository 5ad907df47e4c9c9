"""Clients for the abuse tests: phones joining from a chosen address (the server trusts one proxy)."""

from __future__ import annotations

import time

import requests
import socketio

from tests.browser.server import LiveServer
from tests.security.conftest import cookie_header, csrf_token


def from_address(address: str) -> requests.Session:
    phone = requests.Session()
    phone.headers["X-Forwarded-For"] = address
    return phone


def join_from(
    server: LiveServer,
    code: str,
    name: str,
    address: str,
    phone: requests.Session | None = None,
    **fields: str,
) -> tuple[requests.Session, requests.Response]:
    """A phone sending the join form once; the response is not followed."""
    phone = phone or from_address(address)
    form = phone.get(f"{server.base_url}/j/{code}")
    response = phone.post(
        f"{server.base_url}/j/{code}",
        data={"display_name": name, **fields, "csrf_token": csrf_token(form.text)},
        allow_redirects=False,
    )
    return phone, response


def join_like_a_phone(server: LiveServer, code: str, name: str, address: str, deadline: float) -> int:
    """Sends the form, and again after each Retry-After, as static/js/retry.js does, until in.
    Returns the number of waits."""
    phone, response = join_from(server, code, name, address)
    waits = 0
    while response.status_code == 429:
        assert time.monotonic() < deadline, "a phone was kept waiting past the documented time"
        waits += 1
        time.sleep(int(response.headers["Retry-After"]))
        response = phone.post(
            f"{server.base_url}/j/{code}",
            data={"display_name": name, "csrf_token": csrf_token(response.text)},
            allow_redirects=False,
        )
    assert response.status_code == 302, response.text[:500]
    return waits


def wait_for(condition, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def participants(console) -> list[dict]:
    return console.call("sync_console", {})["snapshot"]["participants"]


def phone_refusal(server: LiveServer, phone: requests.Session, code: str) -> str | None:
    """Why the server refuses this phone's socket (None if it accepts it). Waits for the answer
    rather than timing out on a busy machine, which would leave the client closing for long."""
    client = socketio.Client(reconnection=False)
    reasons: list[str] = []
    client.on("connect_error", lambda data=None: reasons.append(str(data)))
    try:
        client.connect(
            server.base_url,
            headers={"Cookie": cookie_header(phone)},
            auth={"view": "phone", "meeting": code},
            transports=["websocket"],
            wait_timeout=15,
        )
    except socketio.exceptions.ConnectionError:
        client.shutdown()
        return reasons[0] if reasons else "no answer"
    client.disconnect()
    return None
