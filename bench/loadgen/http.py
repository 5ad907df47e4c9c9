"""A tiny asyncio HTTP/1.0 client with a cookie jar: joining forms without a thread per phone.

HTTP/1.0 with the connection closed after each response keeps parsing trivial (no
chunked bodies, no keep-alive) and works the same on eventlet, gevent and Werkzeug.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    text: str

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


@dataclass
class HttpSession:
    base_url: str
    cookies: dict[str, str] = field(default_factory=dict)

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    async def request(
        self, method: str, path: str, form: dict | list | None = None, timeout: float = 60
    ) -> Response:
        parts = urlsplit(self.base_url)
        host, port = parts.hostname or "127.0.0.1", parts.port or 80
        body = urlencode(form, doseq=True).encode() if form is not None else b""
        lines = [f"{method} {path} HTTP/1.0", f"Host: {host}:{port}", "User-Agent: facilitator-loadgen"]
        if self.cookies:
            lines.append(f"Cookie: {self.cookie_header()}")
        if form is not None:
            lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
        try:
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            raw = await asyncio.wait_for(reader.read(), timeout)
        finally:
            writer.close()
        head, _, payload = raw.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        headers = [tuple(part.strip() for part in line.split(":", 1)) for line in header_lines if ":" in line]
        response = Response(int(status_line.split()[1]), headers, payload.decode("utf-8", "replace"))
        for key, value in headers:
            if key.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                cookie_value = rest.split(";", 1)[0]
                if "max-age=0" in value.lower() or not cookie_value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = cookie_value
        return response

    async def get(self, path: str) -> Response:
        return await self.request("GET", path)

    async def post(self, path: str, form: dict | list) -> Response:
        return await self.request("POST", path, form)


def csrf_token(page: str) -> str:
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', page)
    if tag is None:
        raise RuntimeError("no CSRF token in the page")
    value = re.search(r'value="([^"]+)"', tag.group(0))
    if value is None:
        raise RuntimeError("empty CSRF token")
    return value.group(1)
