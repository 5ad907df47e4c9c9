"""Response headers that make every page safer by default."""

import re
from urllib.parse import urlsplit

from flask import Flask, Response, request

_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def local_path(target: str | None) -> str | None:
    """The target if it is a path on this site, else None.

    For redirects chosen by a query parameter: they must lead nowhere else ("//host" and
    "/\\host" are other sites to a browser), and a control character would make the
    Location header unsendable.
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if _CONTROLS.search(target):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


# No inline scripts or styles anywhere: user text can never become code.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def init_app(app: Flask) -> None:
    """Registered after Flask-Compress, so these hooks run before it on each response."""

    @app.after_request
    def buffer_static_files(response: Response) -> Response:
        # Static files leave Flask as file streams, which Flask-Compress will not gzip.
        # Ours are a few kilobytes each: read them whole so they go out compressed.
        if request.endpoint == "static" and response.direct_passthrough:
            response.direct_passthrough = False
            response.make_sequence()
        return response

    @app.after_request
    def set_security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if response.mimetype == "text/html":
            # Pages show live, personal state; a shared cache must never keep them.
            response.headers.setdefault("Cache-Control", "no-store")
        return response
