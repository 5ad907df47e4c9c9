"""Downloading the report and the archive from the synthesis page."""

from __future__ import annotations

import csv
import io
import json

import pytest
from docx import Document

from facilitator.exports.routes import file_stem
from facilitator.extensions import db
from facilitator.joining import service as joining
from facilitator.joining.identity import COOKIE_NAME, hash_token, new_token
from facilitator.joining.models import Participant
from facilitator.synthesis.models import SynthesisTheme
from tests.conftest import log_in
from tests.exports.conftest import PEOPLE, group

FORMATS = ("docx", "md", "csv", "json")


def moderator(app, held_meeting):
    browser = app.test_client()
    log_in(browser, held_meeting.moderator_email)
    return browser


def with_cookie(app, participant: Participant):
    token = new_token()
    participant.token_hash = hash_token(token)
    db.session.commit()
    browser = app.test_client()
    browser.set_cookie(COOKIE_NAME, token, domain="facilitator.test")
    return browser


def text_of(fmt: str, body: bytes) -> str:
    if fmt == "docx":
        return "\n".join(p.text for p in Document(io.BytesIO(body)).paragraphs)
    return body.decode("utf-8-sig")


def open_walls_and_let_rapporteurs_curate(held_meeting) -> None:
    round_ = group(held_meeting.group_ids[0]).round
    round_.walls_published = True
    held_meeting.meeting().rapporteurs_curate = True
    db.session.commit()


@pytest.mark.parametrize("fmt", FORMATS)
def test_moderator_and_rapporteur_download_every_format(app, held, fmt):
    meeting = held()
    open_walls_and_let_rapporteurs_curate(meeting)
    rapporteur = db.session.get(Participant, group(meeting.group_ids[1]).rapporteur_id)
    for browser in (moderator(app, meeting), with_cookie(app, rapporteur)):
        response = browser.get(f"/meetings/{meeting.meeting_id}/export.{fmt}")
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].endswith(f'.{fmt}"')
        assert response.headers["Cache-Control"] == "no-store"
        assert "Map every water point" in text_of(fmt, response.data)
    if fmt == "json":
        assert json.loads(response.data)["design"]["questions"]
    if fmt == "csv":
        assert len(list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))) > 3


@pytest.mark.parametrize("fmt", FORMATS)
def test_nobody_else_may_download(app, held, make_meeting, fmt):
    meeting = held()
    url = f"/meetings/{meeting.meeting_id}/export.{fmt}"
    assert app.test_client().get(url).status_code == 404
    other = app.test_client()
    log_in(other, make_meeting().moderator_email)
    assert other.get(url).status_code == 404
    token = new_token()
    participant = joining.join(meeting.meeting(), token, {"display_name": "Curious"})
    assert with_cookie(app, participant).get(url).status_code == 404
    plain_member = db.session.get(Participant, meeting.participant_ids[-1])
    assert plain_member.id not in {group(g).rapporteur_id for g in meeting.group_ids}
    assert with_cookie(app, plain_member).get(url).status_code == 404


def test_an_unknown_format_is_not_found(app, held):
    meeting = held()
    assert moderator(app, meeting).get(f"/meetings/{meeting.meeting_id}/export.pdf").status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_anonymous_meeting_downloads_name_nobody(app, held, fmt):
    meeting = held("anonymous")
    body = moderator(app, meeting).get(f"/meetings/{meeting.meeting_id}/export.{fmt}").data
    text = text_of(fmt, body) if fmt != "docx" else body.decode("latin-1")
    for name, _country, organisation in PEOPLE:
        for value in (name, organisation):
            assert value not in text
            assert value.encode("utf-8") not in body


def test_the_report_follows_the_curation(app, held):
    meeting = held()
    browser = moderator(app, meeting)
    data = browser.get(f"/meetings/{meeting.meeting_id}/synthesis/data").get_json()["questions"]
    themes = next(q for q in data if q["id"] == meeting.question_ids[0])["themes"]
    water = next(t for t in themes if any(a["text"] == "Map every water point" for a in t["answers"]))
    others = [t for t in themes if t["id"] != water["id"]]
    base = f"/meetings/{meeting.meeting_id}/synthesis"
    browser.post(f"{base}/themes/{others[0]['id']}/merge", json={"into": water["id"]})
    browser.post(f"{base}/themes/{water['id']}", json={"label": "Water points come first"})
    browser.post(f"{base}/answers/{water['answers'][0]['id']}", json={"pinned": True})
    markdown = browser.get(f"/meetings/{meeting.meeting_id}/export.md").data.decode()
    assert "Water points come first" in markdown

    browser.post(f"{base}/themes/{water['id']}", json={"hidden": True})
    assert db.session.get(SynthesisTheme, water["id"]).hidden
    markdown = browser.get(f"/meetings/{meeting.meeting_id}/export.md").data.decode()
    assert "Water points come first" not in markdown, "a hidden theme stays out of the report"


def test_file_names_are_safe_everywhere():
    assert file_stem("Réunion / 5 juillet: «bilan»") == "Reunion-5-juillet-bilan"
    assert file_stem("مؤتمر") == "meeting"
    assert file_stem('a"b\r\nc') == "a-b-c"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_rapporteur_downloads_only_once_walls_are_open_and_the_moderator_allows_it(app, held, fmt):
    meeting = held()
    rapporteur = db.session.get(Participant, group(meeting.group_ids[1]).rapporteur_id)
    browser = with_cookie(app, rapporteur)
    url = f"/meetings/{meeting.meeting_id}/export.{fmt}"
    # The round is closed but its walls are not open: the report holds the other group's text.
    assert browser.get(url).status_code == 404
    meeting.meeting().rapporteurs_curate = True
    db.session.commit()
    assert browser.get(url).status_code == 404
    open_walls_and_let_rapporteurs_curate(meeting)
    assert browser.get(url).status_code == 200
    meeting.meeting().rapporteurs_curate = False
    db.session.commit()
    assert browser.get(url).status_code == 404
