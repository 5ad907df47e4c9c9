"""A minimal Engine.IO v4 / Socket.IO v5 client over one WebSocket, for thousands at once.

Only what phones and the console use: connect with auth, events in, events with an
acknowledgement out, and the heartbeat. Each frame is timestamped with time.monotonic()
when this process reads it, before it is parsed: latencies include the generator's own
queueing, the same for the app and for the bare server it is compared with.

    "0{...}"            Engine.IO open (server)      "2" / "3"       ping (server) / pong
    "40{auth}"          Socket.IO connect (client)   "40{sid}"       accepted, "44{...}" refused
    "42[event, data]"   event                        "42<id>[...]"   event asking for an ack
    "43<id>[data]"      acknowledgement              "41"            disconnected
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable, Coroutine
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

Handler = Callable[[Any, float], None]


class Refused(RuntimeError):
    """The server refused the Socket.IO connection (connect_error)."""


class SocketIOClient:
    def __init__(self) -> None:
        self.handlers: dict[str, Handler] = {}
        self._acks: dict[int, asyncio.Future] = {}
        self._next_id = 0
        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task | None = None
        self._connected: asyncio.Future | None = None
        self.closed = False
        # Tasks started from a frame (a pong, a close): kept until done, as asyncio asks.
        self._tasks: set[asyncio.Task] = set()

    def _spawn(self, coroutine: Coroutine) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def on(self, event: str, handler: Handler) -> None:
        self.handlers[event] = handler

    async def connect(self, base_url: str, auth: dict, cookie: str = "", timeout: float = 30) -> None:
        url = base_url.replace("http://", "ws://", 1) + "/socket.io/?EIO=4&transport=websocket"
        headers = {"Cookie": cookie} if cookie else {}
        self._ws = await connect(
            url,
            # As a browser does: the server refuses WebSocket handshakes without an Origin.
            origin=base_url,
            additional_headers=headers,
            # The Engine.IO heartbeat keeps the connection alive; WebSocket pings would be extra.
            ping_interval=None,
            compression=None,
            max_size=None,
            open_timeout=timeout,
            close_timeout=2,
            proxy=None,
        )
        opening = await asyncio.wait_for(self._ws.recv(), timeout)
        if not str(opening).startswith("0"):
            raise RuntimeError(f"unexpected Engine.IO open packet {opening!r}")
        self._connected = asyncio.get_running_loop().create_future()
        self._reader = asyncio.create_task(self._read())
        await self._ws.send("40" + json.dumps(auth, separators=(",", ":")))
        await asyncio.wait_for(self._connected, timeout)

    async def _read(self) -> None:
        assert self._ws is not None
        try:
            async for message in self._ws:
                self._dispatch(str(message), time.monotonic())
        except ConnectionClosed:
            pass
        finally:
            self.closed = True
            for future in [*self._acks.values(), self._connected]:
                if future is not None and not future.done():
                    future.set_exception(ConnectionError("connection closed"))
                    # Whoever waits on it still gets the error; nobody waiting is no error.
                    future.exception()

    def _dispatch(self, message: str, received_at: float) -> None:
        kind = message[:2]
        if message == "2":
            self._spawn(self._send_quietly("3"))
        elif kind == "42":
            body = message[2:].lstrip("0123456789")
            event, *args = json.loads(body)
            handler = self.handlers.get(event)
            if handler is not None:
                handler(args[0] if args else None, received_at)
        elif kind == "43":
            digits = len(message) - len(message[2:].lstrip("0123456789"))
            future = self._acks.pop(int(message[2:digits]), None)
            if future is not None and not future.done():
                args = json.loads(message[digits:])
                future.set_result(args[0] if args else None)
        elif kind == "40" and self._connected is not None and not self._connected.done():
            self._connected.set_result(None)
        elif kind == "44" and self._connected is not None and not self._connected.done():
            self._connected.set_exception(Refused(message[2:]))
        elif kind == "41":
            self._spawn(self.close())

    async def _send_quietly(self, frame: str) -> None:
        try:
            if self._ws is not None:
                await self._ws.send(frame)
        except ConnectionClosed:
            pass

    async def emit(self, event: str, data: Any = None) -> None:
        assert self._ws is not None
        await self._ws.send("42" + json.dumps([event, data], separators=(",", ":")))

    async def call(self, event: str, data: Any = None, timeout: float = 60) -> Any:
        """Sends an event and waits for its acknowledgement, as socket.timeout().emit() does."""
        assert self._ws is not None
        self._next_id += 1
        ack_id = self._next_id
        future = asyncio.get_running_loop().create_future()
        self._acks[ack_id] = future
        try:
            await self._ws.send(f"42{ack_id}" + json.dumps([event, data], separators=(",", ":")))
            return await asyncio.wait_for(future, timeout)
        except ConnectionClosed as closed:
            raise ConnectionError("connection closed") from closed
        finally:
            self._acks.pop(ack_id, None)

    async def close(self) -> None:
        self.closed = True
        if self._ws is not None:
            with contextlib.suppress(ConnectionClosed):
                await self._ws.send("41")
            await self._ws.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)
