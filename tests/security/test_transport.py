"""What one connection may hold on the real server: bodies, slow headers, unfinished handshakes.

The server runs with short timeouts (seconds instead of the production 20/60/30) so that each
case shows in a few seconds; every count is of the server process's open sockets, which must
come back to what they were.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time

import pytest
import requests
import socketio
import websocket

from tests.security.conftest import create_meeting, join_phone, log_in, phone_socket, start_server

HEADER_TIMEOUT_S = 1.0
HANDSHAKE_TIMEOUT_S = 3.0
IO_TIMEOUT_S = 10.0  # longer than the header deadline: a trickle is cut by the deadline alone
SOCKET_LIMIT = 64 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = start_server(
        tmp_path_factory.mktemp("transport"),
        FACILITATOR_HEADER_TIMEOUT_S=str(HEADER_TIMEOUT_S),
        FACILITATOR_HANDSHAKE_TIMEOUT_S=str(HANDSHAKE_TIMEOUT_S),
        FACILITATOR_IO_TIMEOUT_S=str(IO_TIMEOUT_S),
    )
    yield live
    live.stop()


def open_sockets(server) -> int:
    fd_dir = f"/proc/{server._process.pid}/fd"
    count = 0
    for fd in os.listdir(fd_dir):
        with contextlib.suppress(FileNotFoundError):  # closed while we look
            count += os.readlink(f"{fd_dir}/{fd}").startswith("socket:")
    return count


def settled(server, baseline: int, within: float) -> int:
    """The server's open sockets once they are back to `baseline`, or after `within` seconds."""
    deadline = time.monotonic() + within
    while (count := open_sockets(server)) > baseline and time.monotonic() < deadline:
        time.sleep(0.1)  # the server closes on its own clock; nothing to wait on but time
    return count


def polling_session(server) -> str:
    opening = requests.get(f"{server.base_url}/socket.io/?EIO=4&transport=polling", timeout=5)
    return json.loads(opening.text[1:])["sid"]


def raw_request(server, head: str, body: bytes = b"") -> socket.socket:
    conn = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    conn.sendall(head.encode() + b"\r\n" + body)
    return conn


def status_of(conn: socket.socket) -> str:
    conn.settimeout(2)  # every refusal here is answered from the headers, at once
    return conn.recv(200).split(b"\r\n")[0].decode()


def closed_by_server(conn: socket.socket, within: float) -> bool:
    conn.settimeout(within)
    try:
        while conn.recv(4096):
            pass
    except TimeoutError:
        return False
    except OSError:
        return True
    return True


def engineio_websocket(server, **options) -> websocket.WebSocket:
    url = server.base_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    options.setdefault("origin", server.base_url)
    ws = websocket.create_connection(url, timeout=5, **options)
    assert ws.recv().startswith("0{")  # Engine.IO's open packet
    return ws


def ends_within(ws: websocket.WebSocket, seconds: float) -> bool:
    ws.settimeout(seconds)
    try:
        while ws.recv():
            pass
    except websocket.WebSocketTimeoutException:
        return False
    except (websocket.WebSocketConnectionClosedException, OSError):
        return True
    return True


# Item 8: oversized bodies


def test_oversized_polls_are_refused_and_hold_nothing(server):
    baseline = open_sockets(server)
    body = b"x" * (SOCKET_LIMIT + 1)
    conns = []
    for _ in range(30):
        head = (
            f"POST /socket.io/?EIO=4&transport=polling&sid={polling_session(server)} HTTP/1.1\r\n"
            f"Host: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: {len(body)}\r\n"
        )
        conns.append(raw_request(server, head))
    # Answered from the headers alone: the body was never sent, and never waited for.
    for conn in conns:
        assert status_of(conn) == "HTTP/1.1 413 Content Too Large"
    for conn in conns:
        conn.close()
    assert settled(server, baseline, within=3) <= baseline


def test_a_poll_with_an_unknown_packet_holds_nothing(server):
    # Engine.IO drops the session as for an oversized body, and used to wait for a poll too.
    baseline = open_sockets(server)
    conns = [
        raw_request(
            server,
            f"POST /socket.io/?EIO=4&transport=polling&sid={polling_session(server)} HTTP/1.1\r\n"
            "Host: 127.0.0.1\r\nContent-Length: 1\r\n",
            b"9",
        )
        for _ in range(20)
    ]
    for conn in conns:
        assert status_of(conn) == "HTTP/1.1 400 BAD REQUEST"
    for conn in conns:
        conn.close()
    assert settled(server, baseline, within=3) <= baseline


def test_a_chunked_body_is_refused(server):
    for path in (f"/socket.io/?EIO=4&transport=polling&sid={polling_session(server)}", "/login"):
        conn = raw_request(
            server,
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n",
            b"1\r\n9\r\n",
        )
        assert status_of(conn) == "HTTP/1.1 411 Length Required", path
        assert closed_by_server(conn, within=2), path
        conn.close()


def test_an_oversized_form_gets_the_page_and_the_connection_is_not_drained(server):
    conn = raw_request(
        server,
        "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 50000000\r\n",
        b"email=a",
    )
    assert status_of(conn).startswith("HTTP/1.1 413")
    # Closed at once instead of reading 50 MB the server would only throw away.
    assert closed_by_server(conn, within=2)
    conn.close()


# Item 9: slow and idle connections


def test_half_sent_headers_are_dropped(server):
    baseline = open_sockets(server)
    conns = [raw_request(server, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Waiting: ") for _ in range(50)]
    assert all(closed_by_server(conn, within=HEADER_TIMEOUT_S + 2) for conn in conns)
    for conn in conns:
        conn.close()
    assert settled(server, baseline, within=2) <= baseline


def test_headers_trickled_a_byte_at_a_time_are_dropped(server):
    # Each read makes progress, so only a deadline on the whole header section ends this.
    conn = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    started = time.monotonic()
    closed = False
    for byte in b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 100:
        try:
            conn.sendall(bytes([byte]))
        except OSError:
            closed = True
            break
        if closed_by_server(conn, within=0.2):
            closed = True
            break
    elapsed = time.monotonic() - started
    conn.close()
    assert closed and elapsed < HEADER_TIMEOUT_S + 1.5


def test_websockets_that_never_connect_socketio_are_closed(server):
    baseline = open_sockets(server)
    idle = [engineio_websocket(server) for _ in range(40)]
    started = time.monotonic()
    assert all(ends_within(ws, HANDSHAKE_TIMEOUT_S + 3) for ws in idle)
    # Not before the deadline: a phone on a slow network has that long to send its connect.
    assert time.monotonic() - started >= HANDSHAKE_TIMEOUT_S - 1
    for ws in idle:
        ws.shutdown()  # close() leaves the socket open once the server has closed
    assert settled(server, baseline, within=2) <= baseline


def test_a_refused_connect_closes_its_transport_at_once(server):
    baseline = open_sockets(server)
    refused = []
    for _ in range(30):
        ws = engineio_websocket(server)
        ws.send("40" + json.dumps({"view": "phone", "meeting": "NOPE00"}))
        refused.append(ws)
    started = time.monotonic()
    for ws in refused:
        ws.settimeout(2)
        assert ws.recv().startswith("44")  # the refusal still reaches the client first
        assert ends_within(ws, 2)
    assert time.monotonic() - started < HANDSHAKE_TIMEOUT_S
    for ws in refused:
        ws.shutdown()  # close() leaves the socket open once the server has closed
    assert settled(server, baseline, within=2) <= baseline


def test_connected_phones_are_not_cut(server):
    """Phones that connected keep their socket past every deadline, on WebSocket and on
    long-polling, whose GETs wait for news far longer than the header deadline."""
    moderator = log_in(server)
    meeting = create_meeting(moderator, server)
    phone = join_phone(server, meeting["code"])
    cookie = "; ".join(f"{k}={v}" for k, v in phone.cookies.items())
    over_websocket = phone_socket(server, phone, meeting["code"])
    over_polling = socketio.Client(reconnection=False)
    over_polling.connect(
        server.base_url,
        headers={"Cookie": cookie},
        auth={"view": "phone", "meeting": meeting["code"]},
        transports=["polling"],
    )
    try:
        deadline = time.monotonic() + HANDSHAKE_TIMEOUT_S + 2
        while time.monotonic() < deadline:
            for client in (over_websocket, over_polling):
                assert client.call("sync", {}, timeout=5)["ok"]
            time.sleep(0.5)  # a phone at rest between two actions
        assert over_websocket.connected and over_polling.connected
    finally:
        over_websocket.disconnect()
        over_polling.disconnect()


# Item 15: the Origin header


def test_a_websocket_without_origin_is_refused(server):
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        engineio_websocket(server, suppress_origin=True)
    assert refused.value.status_code == 403


def test_a_websocket_from_another_site_is_refused(server):
    with pytest.raises(websocket.WebSocketBadStatusException):
        engineio_websocket(server, origin="https://evil.example")


def test_long_polling_without_origin_is_accepted(server):
    # Browsers send no Origin on same-origin GETs: this is how a phone falls back to polling.
    assert polling_session(server)
