"""What one connection may cost the server before it has proved anything.

Three limits, each bounding what an anonymous client can pin: the size of a request body,
the time to send a request's headers, and the time to complete the Socket.IO handshake.
See docs/security.md for the attacks they answer and the defaults chosen.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import time
from collections.abc import Callable, Iterable
from typing import Any

# Socket.IO frames carry short texts: a larger long-polling body or WebSocket frame is refused.
SOCKET_MAX_BODY = 64 * 1024
SOCKET_PATH = "/socket.io"
# The WSGI server (ours under eventlet, see eventlet_protocol) puts a function here that makes it
# close the connection after the response instead of reading and discarding the refused body.
CLOSE_CONNECTION_KEY = "facilitator.close_connection"
# And here one that ends the reading side of the connection, so that a WebSocket closed by the
# server does not wait for a client that never answers the close frame.
STOP_READING_KEY = "facilitator.stop_reading"

log = logging.getLogger(__name__)


class RequestGuard:
    """WSGI middleware in front of the Socket.IO middleware: refuses, before anything reads the
    body, what no browser of ours sends.

    - A long-polling body over the Socket.IO limit: 413. python-engineio refuses an oversized
      poll by waiting for the client to collect a CLOSE packet; an attacker who never polls
      pinned a green thread and a socket forever.
    - A page request over Flask's MAX_CONTENT_LENGTH goes on to Flask, which answers its own
      translated 413 page without reading the body; the connection is then closed rather than
      drained.
    - A chunked request body: 411. Browsers always send a Content-Length; without one nothing
      here knows the size until it has read the whole stream.
    - A WebSocket handshake without an Origin header: 403. Every browser sends Origin on
      WebSocket handshakes, and Engine.IO checks it only when present; refusing its absence
      means every WebSocket a browser can open has had its origin checked. Long-polling keeps
      accepting it: browsers omit Origin on same-origin GETs, and cross-site ones carry it.
    """

    def __init__(self, app: Callable, *, socket_limit: int, http_limit: Callable[[], int | None]) -> None:
        self.app = app
        self.socket_limit = socket_limit
        self.http_limit = http_limit  # read on each request: the app's config may change

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("HTTP_TRANSFER_ENCODING"):
            return _refuse(environ, start_response, "411 Length Required")
        length = _declared_length(environ)
        if environ.get("PATH_INFO", "").startswith(SOCKET_PATH + "/"):
            if length > self.socket_limit:
                return _refuse(environ, start_response, "413 Content Too Large")
            if _is_websocket(environ) and not environ.get("HTTP_ORIGIN"):
                return _refuse(environ, start_response, "403 Forbidden")
        else:
            limit = self.http_limit()
            if limit is not None and length > limit:
                _close_after_response(environ)
        return self.app(environ, start_response)


def _declared_length(environ: dict) -> int:
    try:
        return int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # the WSGI server has already refused a malformed length


def _is_websocket(environ: dict) -> bool:
    return environ.get("HTTP_UPGRADE", "").lower() == "websocket"


def _close_after_response(environ: dict) -> None:
    close = environ.get(CLOSE_CONNECTION_KEY)
    if close is not None:
        close()


def _refuse(environ: dict, start_response: Callable, status: str) -> list[bytes]:
    _close_after_response(environ)
    body = status.encode()
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def close_abandoned_handshakes(server: Any, timeout: float) -> None:
    """Closes Engine.IO connections that hold no Socket.IO namespace: at once after a refused
    connect, and `timeout` seconds after they opened (or lost their last namespace) otherwise.

    python-socketio has no such deadline: a client that opens the transport and answers its
    pings without ever connecting, or keeps a refused connection open, was held forever.
    `server` is Flask-SocketIO's python-socketio server.
    """
    eio = server.eio
    on_connect, on_message = eio.handlers["connect"], eio.handlers["message"]
    bare_since: dict[str, float] = {}
    watching = False

    def connected(eio_sid: str) -> bool:
        manager = server.manager
        for namespace in list(manager.get_namespaces()):
            sid = manager.sid_from_eio_sid(eio_sid, namespace)
            if sid is not None and manager.is_connected(sid, namespace):
                return True
        return False

    def close(eio_sid: str) -> None:
        transport = eio.sockets.get(eio_sid)
        if transport is None or transport.closed:
            return
        environ = server.environ.get(eio_sid, {})  # forgotten once the transport is closed
        # Not eio.disconnect(): it waits for a long-polling client to collect the CLOSE
        # packet, forever if it never polls again.
        transport.close(wait=False, abort=False, reason=eio.reason.SERVER_DISCONNECT)
        stop_reading = environ.get(STOP_READING_KEY)
        if stop_reading is not None and _is_websocket(environ):
            # Engine.IO's reader would otherwise wait up to a heartbeat (40 s) for the client's
            # close frame; the refusal and the CLOSE packet still go out first.
            stop_reading()

    def sweep() -> None:
        while True:
            eio.sleep(timeout / 4)
            try:
                sweep_once(time.monotonic())
            except Exception:  # one bad connection must not end the watch over all the others
                log.exception("Sweeping unfinished Socket.IO handshakes failed")

    def sweep_once(now: float) -> None:
        for eio_sid in list(eio.sockets):
            if connected(eio_sid):
                bare_since.pop(eio_sid, None)
            elif now - bare_since.setdefault(eio_sid, now) >= timeout:
                close(eio_sid)
        for eio_sid in list(bare_since):
            if eio_sid not in eio.sockets:
                del bare_since[eio_sid]

    def connect(eio_sid: str, environ: dict) -> Any:
        nonlocal watching
        if not watching:
            # Started by the first connection, as Engine.IO starts its own service task, so
            # that command-line tools that build the app never start it.
            watching = True
            eio.start_background_task(sweep)
        bare_since[eio_sid] = time.monotonic()
        return on_connect(eio_sid, environ)

    def message(eio_sid: str, data: Any) -> Any:
        result = on_message(eio_sid, data)
        # "0" opens a namespace: once it has been refused and no other namespace is open, the
        # refusal is already queued ahead of the CLOSE packet.
        if isinstance(data, str) and data.startswith("0") and not connected(eio_sid):
            close(eio_sid)
        return result

    eio.on("connect", connect)
    eio.on("message", message)
    eio.disconnect = _disconnect_without_waiting(eio)


def _disconnect_without_waiting(eio: Any) -> Callable:
    """Engine.IO calls disconnect(sid) when a long-polling POST fails (an oversized body, an
    unknown packet type), and disconnect waits until the client's next poll collects the CLOSE
    packet: a client that never polls again pinned that request's green thread and socket
    forever. Close without waiting; a client still polling gets the CLOSE all the same."""
    disconnect_all = eio.disconnect

    def disconnect(sid: str | None = None) -> None:
        if sid is None:
            disconnect_all()
            return
        transport = eio.sockets.pop(sid, None)
        if transport is not None:
            transport.close(wait=False, reason=eio.reason.SERVER_DISCONNECT)

    return disconnect


def eventlet_protocol(header_timeout: float) -> type:
    """eventlet.wsgi's request handler with a deadline on each request's headers.

    eventlet's socket_timeout bounds one read, not a request: a client sending a byte of
    header every few seconds held its connection forever. The deadline starts when the server
    waits for a request (so it also bounds an idle keep-alive connection) and ends when the
    headers are parsed; the body and the response fall under socket_timeout alone, and a
    long-polling GET or a WebSocket under Engine.IO's heartbeat.
    """
    import eventlet
    from eventlet import wsgi

    class Protocol(wsgi.HttpProtocol):
        _deadline: eventlet.Timeout | None = None

        def handle_one_request(self) -> None:
            # eventlet.wsgi.server closes a connection whose handler raises socket.timeout.
            self._deadline = eventlet.Timeout(header_timeout, TimeoutError("request headers too slow"))
            try:
                super().handle_one_request()
            finally:
                self._deadline.cancel()

        def parse_request(self) -> bool:
            try:
                return super().parse_request()
            finally:
                if self._deadline is not None:
                    self._deadline.cancel()

        def get_environ(self) -> dict:
            environ = super().get_environ()
            environ[CLOSE_CONNECTION_KEY] = self._close_after_response
            environ[STOP_READING_KEY] = self._stop_reading
            return environ

        def _stop_reading(self) -> None:
            with contextlib.suppress(OSError):  # the client may be gone already
                self.connection.shutdown(socket.SHUT_RD)

        def _close_after_response(self) -> None:
            # Read by eventlet when it writes the response headers: it then says
            # "Connection: close" and skips draining the unread body.
            self.close_connection = 1

    return Protocol
