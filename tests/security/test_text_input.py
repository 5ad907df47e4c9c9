"""Unusual characters at every door where text comes in, on SQLite and on PostgreSQL: never a
server error, and what is stored is clean (facilitator.text).

Sent three ways: JSON escapes (a lone "\\ud800", NUL, C1 controls) in socket payloads and JSON
bodies; raw bytes in multipart form bodies and uploaded files (NUL, a surrogate's UTF-8
encoding, a stray byte: the server reads those as U+FFFD); percent-encoded controls in
urlencoded bodies (where bytes that are no UTF-8 make the server drop the whole body).
"""

from __future__ import annotations

import json
import re
import unicodedata

import pytest
import requests

from facilitator.meetings.design import DESIGN_FORMAT, DESIGN_VERSION
from tests.breakouts.over_http import open_round
from tests.security.conftest import (
    EMAIL,
    console_socket,
    create_meeting,
    csrf_token,
    join_phone,
    log_in,
    phone_socket,
)

# In JSON: lone surrogates, NUL, another C0 control, a C1 control.
JSON_TEXT = "a\x00b\x01c\x9fd\ud800e\udfff"
# In a form body, as bytes: NUL, C0, C1 (UTF-8), a surrogate's UTF-8 encoding, a byte that is no UTF-8.
FORM_BYTES = b"a\x00b\x01c\xc2\x9fd\xed\xa0\x80e\xff"
# The same controls percent-encoded in a urlencoded body.
URL_ENCODED = b"a%00b%01c%C2%9Fd%09e"


def is_clean(text: str) -> bool:
    """What the rule promises: valid Unicode, composed, no control but newline and tab."""
    return (
        not any(0xD800 <= ord(c) <= 0xDFFF for c in text)
        and not [c for c in text if unicodedata.category(c) == "Cc" and c not in "\n\t"]
        and unicodedata.is_normalized("NFC", text)
        and text == text.strip()
        and text.startswith("abcd")
        and "e" in text
    )


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def any_server(request):
    return request.getfixturevalue("server" if request.param == "sqlite" else "postgres_server")


@pytest.fixture(scope="module")
def moderator(any_server):
    return log_in(any_server)


def post_form(session: requests.Session, url: str, fields: dict[str, str | bytes], page: str | None = None):
    """A multipart form whose values in bytes go in raw, byte for byte (as a browser sends a file)."""
    token = csrf_token(session.get(page or url).text)
    parts = {"csrf_token": (None, token), **{name: (None, value) for name, value in fields.items()}}
    return session.post(url, files=parts, allow_redirects=False)


def post_urlencoded(session: requests.Session, url: str, fields: dict[str, bytes]):
    """The usual form body; values in bytes go in raw, even bytes that are no UTF-8."""
    token = csrf_token(session.get(url).text)
    body = b"&".join([b"csrf_token=" + token.encode(), *(k.encode() + b"=" + v for k, v in fields.items())])
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return session.post(url, data=body, headers=headers, allow_redirects=False)


def snapshot(server, moderator, meeting_id: int, view: str = "console") -> dict:
    console = console_socket(server, moderator, meeting_id, view=view)
    try:
        return console.call("sync_console", {})["snapshot"]
    finally:
        console.disconnect()


def test_meeting_and_question_forms(any_server, moderator):
    base = any_server.base_url
    created = post_form(
        moderator,
        f"{base}/meetings/new",
        {
            "title": FORM_BYTES,
            "description": FORM_BYTES,
            "join_policy": "open",
            "name_field": "required",
            "country_field": "off",
            "organisation_field": "off",
            "attribution": "named",
        },
    )
    assert created.status_code == 302, created.status_code
    meeting_id = int(re.search(r"/meetings/(\d+)", created.headers["Location"]).group(1))
    added = post_form(
        moderator,
        f"{base}/meetings/{meeting_id}/questions",
        {"text": FORM_BYTES},
        page=f"{base}/meetings/{meeting_id}",
    )
    assert added.status_code < 500
    stored = snapshot(any_server, moderator, meeting_id)
    assert is_clean(stored["meeting"]["title"]), stored["meeting"]
    assert [is_clean(q["text"]) for q in stored["questions"]] == [True]


def test_public_forms(any_server, moderator):
    base = any_server.base_url
    meeting = create_meeting(moderator, any_server)
    visitor = requests.Session()
    joined = post_form(visitor, f"{base}/j/{meeting['code']}", {"display_name": FORM_BYTES})
    assert joined.status_code < 500
    # Percent-encoded controls reach the form; a body that is no UTF-8 is refused before it.
    encoded = post_urlencoded(
        requests.Session(), f"{base}/j/{meeting['code']}", {"display_name": URL_ENCODED}
    )
    assert encoded.status_code < 500
    raw = post_urlencoded(requests.Session(), f"{base}/j/{meeting['code']}", {"display_name": FORM_BYTES})
    assert raw.status_code < 500
    names = [p["display_name"] for p in snapshot(any_server, moderator, meeting["id"])["participants"]]
    assert len(names) == 2 and all(is_clean(name) for name in names), names
    assert post_form(requests.Session(), f"{base}/", {"code": FORM_BYTES}).status_code < 500
    login = post_form(requests.Session(), f"{base}/login", {"email": FORM_BYTES, "password": FORM_BYTES})
    assert login.status_code < 500
    login = post_form(
        requests.Session(), f"{base}/login", {"email": EMAIL.encode() + b"\x00", "password": FORM_BYTES}
    )
    assert login.status_code < 500


def test_socket_payloads(any_server, moderator):
    meeting = create_meeting(moderator, any_server)
    console = console_socket(any_server, moderator, meeting["id"])
    assert console.call("open_question", {"question_id": meeting["question_id"]})["ok"]
    phone = phone_socket(any_server, join_phone(any_server, meeting["code"]), meeting["code"])
    sent = {"question_id": meeting["question_id"], "client_id": "unusual-text-1", "text": JSON_TEXT}
    answer = phone.call("submit_answer", sent)
    assert answer["ok"] and is_clean(answer["answer"]["text"]), answer
    edited = phone.call("edit_answer", {"client_id": "unusual-text-1", "text": JSON_TEXT + "f"})
    assert edited["ok"] and is_clean(edited["answer"]["text"]), edited
    adhoc = console.call("open_question", {"text": JSON_TEXT})
    assert adhoc["ok"] and is_clean(adhoc["question"]["text"]), adhoc
    for client in (phone, console):
        client.disconnect()


def test_theme_rename(any_server, moderator):
    base = any_server.base_url
    meeting = create_meeting(moderator, any_server)
    console = console_socket(any_server, moderator, meeting["id"])
    assert console.call("open_question", {"question_id": meeting["question_id"]})["ok"]
    phone = phone_socket(any_server, join_phone(any_server, meeting["code"]), meeting["code"])
    for n, text in enumerate(("Water for the villages", "Clean water for villages")):
        sent = {"question_id": meeting["question_id"], "client_id": f"theme-answer-{n}", "text": text}
        assert phone.call("submit_answer", sent)["ok"]
    page = moderator.get(f"{base}/meetings/{meeting['id']}/synthesis").text
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    themes = moderator.get(f"{base}/meetings/{meeting['id']}/synthesis/data").json()["questions"][0]["themes"]
    renamed = moderator.post(
        f"{base}/meetings/{meeting['id']}/synthesis/themes/{themes[0]['id']}",
        data=json.dumps({"label": JSON_TEXT}),  # ensure_ascii: the surrogate travels as "\ud800"
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
    )
    assert renamed.status_code == 200, renamed.text
    labels = [t["label"] for q in renamed.json()["questions"] for t in q["themes"]]
    assert any(is_clean(label) for label in labels), labels
    for client in (phone, console):
        client.disconnect()


def test_breakout_names_broadcasts_and_summaries(any_server, moderator):
    meeting = create_meeting(moderator, any_server)
    phone = phone_socket(any_server, join_phone(any_server, meeting["code"]), meeting["code"])
    person = phone.call("sync", {})["snapshot"]["participant"]["id"]
    open_round(any_server, moderator, meeting, [[person]], names=[FORM_BYTES])
    cockpit = console_socket(any_server, moderator, meeting["id"], view="cockpit")
    assert cockpit.call("broadcast", {"text": JSON_TEXT})["ok"]
    assert phone.call("volunteer", {})["ok"]
    summary = {"question_id": meeting["question_id"], "text": JSON_TEXT, "base_version": 0}
    saved = phone.call("save_summary", summary)
    assert saved["ok"] and is_clean(saved["summary"]["text"]), saved
    state = cockpit.call("sync_console", {})["snapshot"]["cockpit"]
    assert is_clean(state["groups"][0]["name"]), state["groups"]
    assert is_clean(state["messages"][-1]["text"]), state["messages"]
    for client in (phone, cockpit):
        client.disconnect()


def test_imports(any_server, moderator):
    base = any_server.base_url
    page = moderator.get(f"{base}/meetings/import").text
    note = moderator.post(
        f"{base}/meetings/import",
        data={"csrf_token": csrf_token(page)},
        files={"upload": ("note.txt", b"Title " + FORM_BYTES + b"\n\nWhy " + FORM_BYTES + b"?\n")},
    )
    assert note.status_code < 500
    template = {
        "format": DESIGN_FORMAT,
        "version": DESIGN_VERSION,
        "title": JSON_TEXT,
        "description": JSON_TEXT,
        "questions": [{"text": JSON_TEXT}],
    }
    imported = moderator.post(
        f"{base}/meetings/import/design",
        data={"design-csrf_token": csrf_token(page)},
        files={"design-upload": ("t.json", json.dumps(template).encode())},
        allow_redirects=False,
    )
    assert imported.status_code == 302, imported.status_code
    meeting_id = int(re.search(r"/meetings/(\d+)", imported.headers["Location"]).group(1))
    stored = snapshot(any_server, moderator, meeting_id)
    assert is_clean(stored["meeting"]["title"]) and is_clean(stored["questions"][0]["text"]), stored


@pytest.mark.parametrize(
    "target", ["/%00x", "/%0d%0aSet-Cookie:%20x=1", "/%C2%85", "/%5Cevil.example", "//evil.example"]
)
def test_redirect_targets_from_the_query_string(any_server, target):
    url = f"{any_server.base_url}/language/fr?next={target}"
    switched = requests.get(url, allow_redirects=False, timeout=10)
    assert switched.status_code == 302
    assert switched.headers["Location"] in ("/", f"{any_server.base_url}/")
    assert "Set-Cookie: x" not in str(switched.headers) and "x=1" not in switched.headers.get(
        "Set-Cookie", ""
    )
