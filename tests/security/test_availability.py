"""The meeting keeps running while someone attacks the server from the outside.

Phones keep answering on one real server while an attacker, with no account, at once: guesses
the moderator's password, guesses a meeting's passcode from 30 connections, floods the join
form, sends oversized Socket.IO bodies, and holds connections open with half-sent headers and
WebSockets that never connect. Every phone's answer must still be acknowledged quickly.

The attack is heavier than the ones that froze the meeting before: two attackers on the login
page (about 8 tries a second), 30 connections guessing a passcode (their first guesses at once,
then about one a second each), about 17 fake joins a second, 9 oversized bodies a second, 100
half-sent headers and 100 idle WebSockets, all for 15 s, from another process as from another
machine. A flood of plain requests beyond what one process can answer is the proxy's to refuse
(nginx limit_req, docs/security.md); what this test holds the app to is that no request costs
more than it should, nor holds what the phones need.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import random
import socket
import statistics
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import requests
import websocket

from tests.security.conftest import (
    EMAIL,
    console_socket,
    create_meeting,
    csrf_token,
    join_phone,
    log_in,
    phone_socket,
)

CALM_S = 3.0
ATTACK_S = 15.0
# Three phones answering every 300 ms: an answer every 100 ms in all, each phone within the
# per-participant rate a person can reach, so every acknowledgement is of a stored answer.
PHONES = 3
ANSWER_EVERY_S = 0.3
ACK_P95_LIMIT_S = 0.2
PASSCODE = "the right passcode"


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else max(values, default=0.0)


class Attack:
    """Attackers running in threads until `until`; each counts what it sent."""

    def __init__(self, server, until: float) -> None:
        self.server = server
        self.until = until
        self.sent: dict[str, int] = {}
        self.threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def count(self, name: str) -> None:
        with self._lock:
            self.sent[name] = self.sent.get(name, 0) + 1

    def run(self, name: str, body: Callable[[], None], pace_s: float) -> None:
        """Repeats body at most every pace_s seconds; a refused or failed request is expected."""

        def loop() -> None:
            while time.monotonic() < self.until:
                started = time.monotonic()
                try:
                    body()
                    self.count(name)
                except (requests.RequestException, OSError, websocket.WebSocketException):
                    self.count(name + " (failed)")
                # Each attacker at its own pace: started together, they would otherwise stay in
                # step and every round would be one burst of them all.
                pace = pace_s * random.uniform(0.5, 1.5)
                time.sleep(max(0.0, pace - (time.monotonic() - started)))

        thread = threading.Thread(target=loop, name=name, daemon=True)
        thread.start()
        self.threads.append(thread)

    def join(self) -> None:
        for thread in self.threads:
            thread.join(timeout=30)


def wrong_logins(server, attacker: requests.Session) -> Callable[[], None]:
    token = csrf_token(attacker.get(f"{server.base_url}/login", timeout=10).text)
    emails = [EMAIL, "nobody@example.org"]

    def attempt() -> None:
        emails.reverse()
        attacker.post(
            f"{server.base_url}/login",
            data={"email": emails[0], "password": uuid.uuid4().hex, "csrf_token": token},
            timeout=10,
        )

    return attempt


def passcode_sessions(server, code: str, count: int) -> list[tuple[requests.Session, str]]:
    sessions = []
    for _ in range(count):
        guesser = requests.Session()
        sessions.append((guesser, csrf_token(guesser.get(f"{server.base_url}/j/{code}", timeout=10).text)))
    return sessions


def wrong_passcode(server, code: str, guesser: requests.Session, token: str) -> Callable[[], None]:
    def guess() -> None:
        guesser.post(
            f"{server.base_url}/j/{code}",
            data={"display_name": "Guess", "passcode": uuid.uuid4().hex[:8], "csrf_token": token},
            timeout=10,
        )

    return guess


def join_spam(server, code: str) -> Callable[[], None]:
    def join() -> None:
        with requests.Session() as fake:
            token = csrf_token(fake.get(f"{server.base_url}/j/{code}", timeout=10).text)
            fake.post(
                f"{server.base_url}/j/{code}",
                data={"display_name": f"Fake {uuid.uuid4().hex[:6]}", "csrf_token": token},
                timeout=10,
            )

    return join


def oversized_poll(server) -> Callable[[], None]:
    def send() -> None:
        opening = requests.get(f"{server.base_url}/socket.io/?EIO=4&transport=polling", timeout=10)
        sid = json.loads(opening.text[1:])["sid"]
        with socket.create_connection(("127.0.0.1", server.port), timeout=1) as conn:
            conn.sendall(
                f"POST /socket.io/?EIO=4&transport=polling&sid={sid} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Content-Length: {1024 * 1024}\r\n\r\n".encode()
                + b"x" * 100_000
            )
            with contextlib.suppress(TimeoutError):  # an attacker does not wait for the answer
                conn.recv(100)

    return send


def hold_connections(server, half_sent: int, idle_websockets: int) -> list:
    held: list = []
    for _ in range(half_sent):
        conn = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        conn.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Waiting: ")
        held.append(conn)
    url = server.base_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    for _ in range(idle_websockets):
        held.append(websocket.create_connection(url, origin=server.base_url, timeout=5))
    return held


def release(held: list) -> None:
    for conn in held:
        if isinstance(conn, websocket.WebSocket):
            conn.shutdown()
        else:
            conn.close()


@dataclass(frozen=True)
class Target:
    """What an attacker knows of the server: its address."""

    base_url: str
    port: int


def attack_from_another_process(
    target: Target, meeting_code: str, locked_code: str, ready, go, duration_s: float, sent
) -> None:
    """Runs in its own process, as an attacker runs on its own machine: its threads never take
    the interpreter from the phones whose acknowledgements the test times."""
    guessers = passcode_sessions(target, locked_code, 30)
    login_attackers = [requests.Session(), requests.Session()]
    ready.set()
    go.wait(timeout=60)
    attack = Attack(target, until=time.monotonic() + duration_s)
    held = hold_connections(target, half_sent=100, idle_websockets=100)
    for attacker in login_attackers:  # two on the login page: 4 and more tries a second
        attack.run("wrong login", wrong_logins(target, attacker), pace_s=0.2)
    # 30 connections guessing: their first guesses arrive at once, then each goes at its own pace.
    for guesser, token in guessers:
        attack.run("wrong passcode", wrong_passcode(target, locked_code, guesser, token), pace_s=1.0)
    attack.run("join", join_spam(target, meeting_code), pace_s=0.05)
    attack.run("oversized poll", oversized_poll(target), pace_s=0.1)
    attack.join()
    release(held)
    for session in [*login_attackers, *(guesser for guesser, _ in guessers)]:
        session.close()
    sent.update(attack.sent)


def test_phones_keep_answering_under_attack(server):
    # On a two-core machine a busy moment of the machine can cost one window its p95. A second
    # window under the same attack tells such a moment from a server that stalls (which fails
    # both). The moderator logs in once: after the first window the login page refuses this address.
    moderator = log_in(server)
    reports = []
    for _window in range(2):
        attacked_p95, report = attack_window(server, moderator)
        reports.append(report)
        if attacked_p95 < ACK_P95_LIMIT_S:
            moderator.close()
            return
    moderator.close()
    pytest.fail("; ".join(reports))


def attack_window(server, moderator: requests.Session) -> tuple[float, str]:
    """Phones answering, calm then under every attack at once: the attacked p95 and a report.
    Lost or refused answers fail at once, whatever the timing. Each window has its own meetings,
    so the passcode guessers and the join spam start afresh."""
    meeting = create_meeting(moderator, server)
    console = console_socket(server, moderator, meeting["id"])
    assert console.call("open_question", {"question_id": meeting["question_id"]})["ok"]
    console.disconnect()
    locked = create_meeting(moderator, server, join_policy="passcode", passcode=PASSCODE)
    joined = [join_phone(server, meeting["code"], name=f"Phone {n}") for n in range(PHONES)]
    phones = [phone_socket(server, phone, meeting["code"]) for phone in joined]
    context = multiprocessing.get_context("spawn")  # never fork a process that runs socket threads
    ready, go, manager = context.Event(), context.Event(), context.Manager()
    sent = manager.dict()
    attacker = context.Process(
        target=attack_from_another_process,
        args=(
            Target(server.base_url, server.port),
            meeting["code"],
            locked["code"],
            ready,
            go,
            ATTACK_S,
            sent,
        ),
        daemon=True,
    )
    attacker.start()
    assert ready.wait(timeout=60), "the attacker did not get ready"
    acks: dict[str, list[float]] = {"calm": [], "attack": []}
    failures: list[str] = []
    attack_starts = time.monotonic() + CALM_S
    ends = attack_starts + ATTACK_S

    def answer(n: int, phone) -> None:
        time.sleep(n * ANSWER_EVERY_S / PHONES)  # spread: one answer every 100 ms in all
        i = 0
        while (started := time.monotonic()) < ends:
            payload = {
                "question_id": meeting["question_id"],
                "client_id": f"phone{n}-answer{i}",
                "text": f"Answer {i}",
            }
            try:
                reply = phone.call("submit_answer", payload, timeout=10)
            except Exception as error:  # a lost ack is the failure this test measures
                reply = {"ok": False, "error": repr(error)}
            elapsed = time.monotonic() - started
            acks["calm" if started < attack_starts else "attack"].append(elapsed)
            if not reply.get("ok"):
                failures.append(f"phone {n} answer {i}: {reply}")
            i += 1
            time.sleep(max(0.0, ANSWER_EVERY_S - elapsed))

    answering = [
        threading.Thread(target=answer, args=(n, phone), daemon=True) for n, phone in enumerate(phones)
    ]
    for thread in answering:
        thread.start()

    time.sleep(max(0.0, attack_starts - time.monotonic()))
    go.set()
    for thread in answering:
        thread.join(timeout=ATTACK_S + 30)
    attacker.join(timeout=60)
    attack_sent = dict(sent)
    manager.shutdown()
    for phone in phones:
        phone.disconnect()
    for session in joined:
        session.close()

    calm, attacked = acks["calm"], acks["attack"]
    report = (
        f"ack p95 calm {p95(calm) * 1000:.0f} ms, under attack {p95(attacked) * 1000:.0f} ms "
        f"(max {max(attacked, default=0) * 1000:.0f} ms, {len(attacked)} acks); attack sent {attack_sent}"
    )
    print(report)
    assert not failures, f"{failures[:5]}; {report}"
    assert len(attacked) >= ATTACK_S / ANSWER_EVERY_S * PHONES * 0.5, report
    assert all(attack_sent.get(name, 0) > 0 for name in ("wrong login", "join", "oversized poll")), report
    return p95(attacked), report
