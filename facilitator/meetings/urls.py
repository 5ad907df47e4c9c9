from flask import current_app, request, url_for

from facilitator.meetings.models import Meeting


def join_url(meeting: Meeting) -> str:
    """The address printed in the QR code: the configured public URL, else the one in use."""
    path = url_for("joining.join", code=meeting.join_code)
    base = current_app.config["FACILITATOR_PUBLIC_URL"] or request.host_url.rstrip("/")
    return base + path


def public_base_url() -> str:
    return current_app.config["FACILITATOR_PUBLIC_URL"] or request.host_url.rstrip("/")
