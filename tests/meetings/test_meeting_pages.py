import io
import json
from pathlib import Path

from facilitator.extensions import db
from facilitator.meetings.models import Meeting, Question, QuestionStatus
from tests.conftest import log_in

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "concept-note-regional-consultation.txt"

SETTINGS = {
    "title": "Finding greater synergy",
    "starts_at": "2026-07-05T08:30",
    "description": "Cross-learning between NAPs.",
    "join_policy": "open",
    "name_field": "required",
    "country_field": "optional",
    "organisation_field": "off",
    "attribution": "affiliation",
}


def meeting(world) -> Meeting:
    db.session.expire_all()
    return db.session.get(Meeting, world.meeting_id)


def test_create_meeting(moderator_client):
    browser, _ = moderator_client()
    response = browser.post("/meetings/new", data=SETTINGS)
    assert response.status_code == 302
    created = db.session.scalar(db.select(Meeting).where(Meeting.title == "Finding greater synergy"))
    assert created.attribution == "affiliation" and created.starts_at.hour == 8
    assert len(created.join_code) == 8
    assert "Finding greater synergy" in browser.get("/meetings/").get_data(as_text=True)


def test_create_meeting_validates(moderator_client):
    browser, _ = moderator_client()
    assert browser.post("/meetings/new", data={**SETTINGS, "title": ""}).status_code == 400
    assert browser.post("/meetings/new", data={**SETTINGS, "attribution": "public"}).status_code == 400
    assert browser.post("/meetings/new", data={**SETTINGS, "join_policy": "passcode"}).status_code == 400
    ok = browser.post("/meetings/new", data={**SETTINGS, "join_policy": "passcode", "passcode": "wps-2026"})
    assert ok.status_code == 302


def test_edit_settings_keeps_the_passcode_when_left_empty(moderator_client, make_meeting):
    browser, world = moderator_client(make_meeting(join_policy="passcode", passcode="first-code"))
    response = browser.post(f"/meetings/{world.meeting_id}", data={**SETTINGS, "join_policy": "passcode"})
    assert response.status_code == 302
    from facilitator.meetings.service import passcode_matches

    assert passcode_matches(meeting(world), "first-code")
    assert meeting(world).title == "Finding greater synergy"


def test_questions_add_edit_reorder_delete(moderator_client):
    browser, world = moderator_client()
    url = f"/meetings/{world.meeting_id}/questions"
    browser.post(url, data={"text": "  Fourth?  "})
    assert [q.text for q in meeting(world).guiding_questions][-1] == "Fourth?"
    first, second = world.question_ids[:2]
    browser.post(f"{url}/{second}", data={"action": "up"})
    assert [q.id for q in meeting(world).guiding_questions][:2] == [second, first]
    browser.post(f"{url}/{second}", data={"action": "save", "text": "Second, edited?"})
    assert db.session.get(Question, second).text == "Second, edited?"
    browser.post(f"{url}/{first}", data={"action": "delete"})
    texts = [q.text for q in meeting(world).guiding_questions]
    assert texts == ["Second, edited?", "Guiding question 3?", "Fourth?"]
    assert [q.position for q in meeting(world).guiding_questions] == [0, 1, 2]


def test_question_text_is_validated(moderator_client):
    browser, world = moderator_client()
    browser.post(f"/meetings/{world.meeting_id}/questions", data={"text": "x" * 1001})
    browser.post(f"/meetings/{world.meeting_id}/questions", data={"text": "   "})
    assert len(meeting(world).guiding_questions) == 3


def test_asked_question_cannot_be_deleted(moderator_client):
    browser, world = moderator_client()
    db.session.get(Question, world.question_ids[0]).status = QuestionStatus.CLOSED
    db.session.commit()
    response = browser.post(
        f"/meetings/{world.meeting_id}/questions/{world.question_ids[0]}",
        data={"action": "delete"},
        follow_redirects=True,
    )
    assert "cannot be deleted" in response.get_data(as_text=True)
    assert len(meeting(world).guiding_questions) == 3


def test_other_moderators_meetings_are_invisible(app, make_meeting):
    mine, theirs = make_meeting(), make_meeting()
    browser = app.test_client()
    log_in(browser, mine.moderator_email)
    base = f"/meetings/{theirs.meeting_id}"
    for url in (base, f"{base}/console", f"{base}/projector", f"{base}/qr.svg", f"{base}/design.json"):
        assert browser.get(url).status_code == 404, url
    assert browser.post(f"{base}/questions", data={"text": "mine now?"}).status_code == 404
    assert (
        browser.post(f"{base}/questions/{theirs.question_ids[0]}", data={"action": "delete"}).status_code
        == 404
    )
    assert browser.post(f"{base}/delete").status_code == 404
    # A question id of another meeting under my own meeting's address is not found either.
    mine_url = f"/meetings/{mine.meeting_id}/questions/{theirs.question_ids[0]}"
    assert browser.post(mine_url, data={"action": "delete"}).status_code == 404
    assert theirs.join_code not in browser.get("/meetings/").get_data(as_text=True)
    assert len(meeting(theirs).guiding_questions) == 3


def test_delete_meeting(moderator_client):
    browser, world = moderator_client()
    assert browser.post(f"/meetings/{world.meeting_id}/delete").status_code == 302
    assert db.session.get(Meeting, world.meeting_id) is None


def test_design_round_trip(moderator_client):
    browser, world = moderator_client()
    response = browser.get(f"/meetings/{world.meeting_id}/design.json")
    assert response.headers["Content-Disposition"].startswith("attachment")
    design = json.loads(response.data)
    assert [q["text"] for q in design["questions"]] == [f"Guiding question {i}?" for i in (1, 2, 3)]
    assert "passcode" not in json.dumps(design)
    upload = {"design-upload": (io.BytesIO(response.data), "design.json")}
    created = browser.post("/meetings/import/design", data=upload, content_type="multipart/form-data")
    assert created.status_code == 302
    copies = db.session.scalars(db.select(Meeting).where(Meeting.title == design["title"])).all()
    assert len(copies) == 2 and copies[0].join_code != copies[1].join_code
    assert [q.text for q in copies[1].guiding_questions] == [q["text"] for q in design["questions"]]


def test_design_with_passcode_stays_closed(moderator_client, make_meeting):
    browser, world = moderator_client(make_meeting(join_policy="passcode", passcode="abcd-1234"))
    exported = browser.get(f"/meetings/{world.meeting_id}/design.json").data
    upload = {"design-upload": (io.BytesIO(exported), "design.json")}
    page = browser.post(
        "/meetings/import/design", data=upload, content_type="multipart/form-data", follow_redirects=True
    ).get_data(as_text=True)
    newest = db.session.scalar(db.select(Meeting).order_by(Meeting.id.desc()))
    assert newest.join_policy == "passcode" and newest.passcode_hash
    assert "passcode is" in page


def test_broken_design_is_refused_with_a_reason(moderator_client):
    browser, _ = moderator_client()
    before = db.session.scalar(db.select(db.func.count()).select_from(Meeting))
    upload = {"design-upload": (io.BytesIO(b'{"format": "something else"}'), "design.json")}
    page = browser.post(
        "/meetings/import/design", data=upload, content_type="multipart/form-data", follow_redirects=True
    ).get_data(as_text=True)
    assert "cannot be used" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Meeting)) == before


def test_import_concept_note_shows_the_result_before_saving(moderator_client):
    browser, _ = moderator_client()
    before = db.session.scalar(db.select(db.func.count()).select_from(Meeting))
    upload = {"upload": (EXAMPLE.open("rb"), EXAMPLE.name)}
    preview = browser.post("/meetings/import", data=upload, content_type="multipart/form-data")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "3 guiding questions were found." in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Meeting)) == before
    pasted = browser.post("/meetings/import", data={"text": EXAMPLE.read_text()}).get_data(as_text=True)
    assert "3 guiding questions were found." in pasted


def test_confirm_import_creates_the_meeting(moderator_client):
    browser, _ = moderator_client()
    data = {**SETTINGS, "title": "Imported", "questions": "First?\n\n  Second?  \n"}
    assert browser.post("/meetings/import/confirm", data=data).status_code == 302
    created = db.session.scalar(db.select(Meeting).where(Meeting.title == "Imported"))
    assert [q.text for q in created.guiding_questions] == ["First?", "Second?"]
    too_many = {**data, "title": "Too many", "questions": "\n".join(f"Q{i}?" for i in range(51))}
    assert browser.post("/meetings/import/confirm", data=too_many).status_code == 400


def test_import_refuses_other_file_types(moderator_client):
    browser, _ = moderator_client()
    upload = {"upload": (io.BytesIO(b"MZ..."), "note.exe")}
    page = browser.post("/meetings/import", data=upload, content_type="multipart/form-data")
    assert "Only .txt and .md files." in page.get_data(as_text=True)


def test_qr_code_is_svg_of_the_join_url(moderator_client):
    browser, world = moderator_client()
    response = browser.get(f"/meetings/{world.meeting_id}/qr.svg")
    assert response.mimetype == "image/svg+xml" and response.data.startswith(b"<?xml")


def test_public_url_setting_is_used_for_the_join_link(app, moderator_client):
    app.config["FACILITATOR_PUBLIC_URL"] = "https://meet.example.org"
    browser, world = moderator_client()
    page = browser.get(f"/meetings/{world.meeting_id}/projector").get_data(as_text=True)
    assert f"https://meet.example.org/j/{world.join_code}" in page
