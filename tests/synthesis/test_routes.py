"""The synthesis page and its curation over HTTP, and who may see them."""

from __future__ import annotations

import re

import pytest

from facilitator.extensions import db
from facilitator.joining import service as joining
from facilitator.joining.identity import COOKIE_NAME, hash_token, new_token
from facilitator.joining.models import Participant
from facilitator.synthesis.models import SynthesisTheme
from tests.conftest import log_in
from tests.exports.conftest import PEOPLE, group


def moderator(app, held_meeting):
    browser = app.test_client()
    log_in(browser, held_meeting.moderator_email)
    return browser


def person_browser(app, participant_id: int, token: str):
    browser = app.test_client()
    browser.set_cookie(COOKIE_NAME, token, domain="facilitator.test")
    return browser


def rapporteur(app, held_meeting):
    """The first group's rapporteur, with a cookie of their own."""
    person = db.session.get(Participant, group(held_meeting.group_ids[0]).rapporteur_id)
    token = new_token()
    person.token_hash = hash_token(token)
    db.session.commit()
    return person_browser(app, person.id, token)


def themes_of(response, question_id: int) -> list[dict]:
    return next(q for q in response.get_json()["questions"] if q["id"] == question_id)["themes"]


def test_the_moderator_sees_every_question_with_themes_summaries_and_top_answers(app, held):
    meeting = held()
    browser = moderator(app, meeting)
    assert browser.get(f"/meetings/{meeting.meeting_id}/synthesis").status_code == 200
    assert browser.get(f"/meetings/{meeting.meeting_id}/synthesis/projector").status_code == 200
    data = browser.get(f"/meetings/{meeting.meeting_id}/synthesis/data").get_json()["questions"]
    first = next(q for q in data if q["id"] == meeting.question_ids[0])
    assert first["kind"] == "guiding" and first["number"] == 1
    assert first["answer_count"] == 3 and first["group_count"] == 2
    texts = {a["text"] for theme in first["themes"] for a in theme["answers"]}
    assert texts == {
        "Map every water point",
        "Ask the women's groups first",
        "Solar pumps for the dry season",
    }
    assert [s["text"] for s in first["summaries"]][1] == "Solar pumping where the grid is far."
    assert (
        first["top_answers"][0]["text"] == "Map every water point" and first["top_answers"][0]["votes"] == 2
    )
    assert any(q["kind"] == "adhoc" for q in data), "an answered ad-hoc question has its section"


def open_walls(held_meeting, *, rapporteurs_curate: bool = False) -> None:
    round_ = group(held_meeting.group_ids[0]).round
    round_.walls_published = True
    held_meeting.meeting().rapporteurs_curate = rapporteurs_curate
    db.session.commit()


# What only the second group and the plenary wrote, and who is in the second group.
SECOND_GROUP_TEXTS = ("Solar pumps for the dry season", "Solar pumping where the grid is far.")
PLENARY_TEXTS = ("Fund the village wells first", "Train local repair teams", "Share the budget openly")


def second_group_names(held_meeting) -> list[str]:
    members = group(held_meeting.group_ids[1]).members
    return [m.participant.display_name for m in members]


def test_a_rapporteur_sees_only_their_own_group_until_the_walls_open(app, held):
    meeting = held()
    reporter = rapporteur(app, meeting)
    url = f"/meetings/{meeting.meeting_id}/synthesis/data"
    body = reporter.get(url).get_data(as_text=True)
    assert "Map every water point" in body and "Water points first" in body
    for text in (*SECOND_GROUP_TEXTS, *PLENARY_TEXTS, *second_group_names(meeting)):
        assert text not in body, text
    data = reporter.get(url).get_json()
    assert data["view"] == {"whole": False, "may_curate": False}
    first = next(q for q in data["questions"] if q["id"] == meeting.question_ids[0])
    assert [s["group"] for s in first["summaries"]] == ["Group 1"]
    assert first["answer_count"] == 2 and not any(t["shared"] for t in first["themes"])
    assert not any(q["kind"] == "adhoc" for q in data["questions"]), "plenary questions stay out"
    page = reporter.get(f"/meetings/{meeting.meeting_id}/synthesis").get_data(as_text=True)
    assert 'id="partial-view"' in page and "export.docx" not in page and "rapporteurs_curate" not in page

    open_walls(meeting)
    data = reporter.get(url).get_json()
    body = reporter.get(url).get_data(as_text=True)
    assert data["view"] == {"whole": True, "may_curate": False}
    assert all(text in body for text in (*SECOND_GROUP_TEXTS, *PLENARY_TEXTS))
    # The moderator sees it all from the start.
    assert moderator(app, meeting).get(url).get_json()["view"] == {"whole": True, "may_curate": True}


def test_a_theme_shared_with_a_hidden_group_shows_no_label_drawn_from_it(app, held):
    meeting = held()
    moderator_themes = themes_of(
        moderator(app, meeting).get(f"/meetings/{meeting.meeting_id}/synthesis/data"), meeting.question_ids[0]
    )
    mixed = {
        t["id"] for t in moderator_themes if {a["place"] for a in t["answers"]} == {"Group 1", "Group 2"}
    }
    for theme_id in mixed:
        db.session.get(SynthesisTheme, theme_id).custom_label = "Solar pumps everywhere"
    db.session.commit()
    body = (
        rapporteur(app, meeting).get(f"/meetings/{meeting.meeting_id}/synthesis/data").get_data(as_text=True)
    )
    assert "Solar" not in body


def test_curation_is_the_moderators_unless_rapporteurs_are_allowed_after_the_walls_open(app, held):
    meeting = held()
    reporter = rapporteur(app, meeting)
    themes = themes_of(
        reporter.get(f"/meetings/{meeting.meeting_id}/synthesis/data"), meeting.question_ids[0]
    )
    theme_url = f"/meetings/{meeting.meeting_id}/synthesis/themes/{themes[0]['id']}"
    answer_url = f"/meetings/{meeting.meeting_id}/synthesis/answers/{themes[0]['answers'][0]['id']}"

    def tries() -> list[int]:
        return [
            reporter.post(theme_url, json={"label": "By a rapporteur"}).status_code,
            reporter.post(theme_url, json={"hidden": True}).status_code,
            reporter.post(answer_url, json={"pinned": True}).status_code,
            reporter.post(f"{theme_url}/merge", json={"into": themes[0]["id"]}).status_code,
        ]

    assert tries() == [404] * 4
    meeting.meeting().rapporteurs_curate = True
    db.session.commit()
    assert tries() == [404] * 4, "allowed, but the walls are still closed"
    open_walls(meeting, rapporteurs_curate=False)
    assert tries() == [404] * 4, "walls open, but not allowed"
    assert db.session.get(SynthesisTheme, themes[0]["id"]).custom_label is None
    open_walls(meeting, rapporteurs_curate=True)
    reply = reporter.post(theme_url, json={"label": "By a rapporteur"})
    assert reply.status_code == 200 and reply.get_json()["ok"]
    assert reply.get_json()["view"] == {"whole": True, "may_curate": True}


def test_only_the_moderator_changes_what_rapporteurs_may_do(app, held):
    meeting = held()
    url = f"/meetings/{meeting.meeting_id}/synthesis/settings"
    assert rapporteur(app, meeting).post(url, data={"rapporteurs_curate": "on"}).status_code == 404
    assert not meeting.meeting().rapporteurs_curate
    browser = moderator(app, meeting)
    page = browser.get(f"/meetings/{meeting.meeting_id}/synthesis").get_data(as_text=True)
    assert (
        'name="rapporteurs_curate"' in page
        and "checked" not in page.split('name="rapporteurs_curate"')[1][:40]
    )
    assert browser.post(url, data={"rapporteurs_curate": "on"}).status_code == 302
    db.session.expire_all()
    assert meeting.meeting().rapporteurs_curate
    assert browser.post(url, data={}).status_code == 302
    db.session.expire_all()
    assert not meeting.meeting().rapporteurs_curate


def test_other_participants_get_nothing(app, held):
    meeting = held()
    open_walls(meeting, rapporteurs_curate=True)
    themes = themes_of(
        moderator(app, meeting).get(f"/meetings/{meeting.meeting_id}/synthesis/data"), meeting.question_ids[0]
    )
    token = new_token()
    joining.join(meeting.meeting(), token, {"display_name": "Late comer"})
    someone = person_browser(app, 0, token)
    for url in ("synthesis", "synthesis/data", "synthesis/projector", "export.docx", "export.csv"):
        assert someone.get(f"/meetings/{meeting.meeting_id}/{url}").status_code == 404, url
    assert (
        someone.post(
            f"/meetings/{meeting.meeting_id}/synthesis/themes/{themes[0]['id']}", json={"label": "x"}
        ).status_code
        == 404
    )
    assert app.test_client().get(f"/meetings/{meeting.meeting_id}/synthesis").status_code == 404


def test_another_moderator_gets_nothing(app, held, make_meeting):
    meeting = held()
    other = make_meeting()
    browser = app.test_client()
    log_in(browser, other.moderator_email)
    for url in ("synthesis", "synthesis/data", "export.md", "export.json"):
        assert browser.get(f"/meetings/{meeting.meeting_id}/{url}").status_code == 404, url


@pytest.mark.parametrize("attribution", ["anonymous", "affiliation"])
def test_the_attribution_rule_applies_to_the_page_data(app, held, attribution):
    meeting = held(attribution)
    body = (
        moderator(app, meeting).get(f"/meetings/{meeting.meeting_id}/synthesis/data").get_data(as_text=True)
    )
    for name, country, _ in PEOPLE:
        assert name not in body
        if attribution == "anonymous":
            assert country not in body
    if attribution == "affiliation":
        assert "Senegal" in body or "Switzerland" in body or "Singapore" in body


def test_curation_over_http(app, held):
    meeting = held()
    browser = moderator(app, meeting)
    base = f"/meetings/{meeting.meeting_id}/synthesis"
    themes = themes_of(browser.get(f"{base}/data"), meeting.question_ids[0])
    first, second = themes[0], themes[1]

    reply = browser.post(f"{base}/themes/{first['id']}", json={"label": "Water first"})
    assert themes_of(reply, meeting.question_ids[0])[0]["label"] == "Water first"

    reply = browser.post(f"{base}/themes/{second['id']}/merge", json={"into": first["id"]})
    merged = themes_of(reply, meeting.question_ids[0])
    assert second["id"] not in {t["id"] for t in merged}
    target = next(t for t in merged if t["id"] == first["id"])
    assert {a["id"] for a in second["answers"]} <= {a["id"] for a in target["answers"]}

    answer_id = target["answers"][0]["id"]
    reply = browser.post(f"{base}/answers/{answer_id}", json={"pinned": True})
    assert next(
        a for t in themes_of(reply, meeting.question_ids[0]) for a in t["answers"] if a["id"] == answer_id
    )["pinned"]
    reply = browser.post(f"{base}/answers/{answer_id}", json={"theme": "new"})
    alone = next(
        t for t in themes_of(reply, meeting.question_ids[0]) if [a["id"] for a in t["answers"]] == [answer_id]
    )
    reply = browser.post(f"{base}/themes/{alone['id']}", json={"hidden": True})
    assert next(t for t in themes_of(reply, meeting.question_ids[0]) if t["id"] == alone["id"])["hidden"]


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("themes/{theme}", {}),
        ("themes/{theme}", {"label": 5}),
        ("themes/{theme}", {"hidden": "yes"}),
        ("themes/{theme}/merge", {"into": "2"}),
        ("themes/{theme}/merge", {"into": True}),
        ("answers/{answer}", {"theme": "elsewhere"}),
        ("answers/{answer}", {"pinned": 1}),
        ("answers/{answer}", {}),
    ],
)
def test_malformed_curation_is_refused_and_changes_nothing(app, held, path, payload):
    meeting = held()
    browser = moderator(app, meeting)
    base = f"/meetings/{meeting.meeting_id}/synthesis"
    before = browser.get(f"{base}/data").get_json()
    theme = themes_of(browser.get(f"{base}/data"), meeting.question_ids[0])[0]
    url = f"{base}/" + path.format(theme=theme["id"], answer=theme["answers"][0]["id"])
    reply = browser.post(url, json=payload)
    assert reply.status_code == 400 and reply.get_json()["error"]
    assert browser.post(url, data="not json", content_type="text/plain").status_code == 400
    assert browser.get(f"{base}/data").get_json() == before


def test_curating_another_meetings_theme_is_refused(app, held):
    mine, theirs = held(), held()
    browser = moderator(app, mine)
    other_browser = moderator(app, theirs)
    their_theme = themes_of(
        other_browser.get(f"/meetings/{theirs.meeting_id}/synthesis/data"), theirs.question_ids[0]
    )[0]
    my_theme = themes_of(browser.get(f"/meetings/{mine.meeting_id}/synthesis/data"), mine.question_ids[0])[0]
    base = f"/meetings/{mine.meeting_id}/synthesis"
    assert browser.post(f"{base}/themes/{their_theme['id']}", json={"label": "Mine now"}).status_code == 409
    assert (
        browser.post(f"{base}/themes/{my_theme['id']}/merge", json={"into": their_theme["id"]}).status_code
        == 409
    )
    assert (
        browser.post(f"{base}/answers/{their_theme['answers'][0]['id']}", json={"pinned": True}).status_code
        == 409
    )
    assert (
        browser.post(
            f"{base}/answers/{my_theme['answers'][0]['id']}", json={"theme": their_theme["id"]}
        ).status_code
        == 409
    )
    assert db.session.get(SynthesisTheme, their_theme["id"]).custom_label is None


def test_user_text_stays_text(app, held):
    meeting = held(extra_answers={"markup-0001": "<script>alert(1)</script> wells"})
    response = moderator(app, meeting).get(f"/meetings/{meeting.meeting_id}/synthesis/data")
    # Data, never a page: a browser may not sniff it into HTML; the page only ever sets textContent.
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    texts = {a["text"] for q in response.get_json()["questions"] for t in q["themes"] for a in t["answers"]}
    assert "<script>alert(1)</script> wells" in texts


def test_curation_needs_the_pages_csrf_token(app, held):
    meeting = held()
    browser = moderator(app, meeting)
    base = f"/meetings/{meeting.meeting_id}/synthesis"
    theme = themes_of(browser.get(f"{base}/data"), meeting.question_ids[0])[0]
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert browser.post(f"{base}/themes/{theme['id']}", json={"label": "Forged"}).status_code == 400
        page = browser.get(base).get_data(as_text=True)
        token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        reply = browser.post(
            f"{base}/themes/{theme['id']}", json={"label": "Meant"}, headers={"X-CSRFToken": token}
        )
        assert reply.status_code == 200
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert db.session.get(SynthesisTheme, theme["id"]).custom_label == "Meant"


def test_the_phone_shows_rapporteurs_the_way_to_the_synthesis(app, held):
    meeting = held()
    reporter = rapporteur(app, meeting)
    page = reporter.get(f"/j/{meeting.join_code}/live").get_data(as_text=True)
    link = re.search(r'<p class="rapporteur-link" id="synthesis-link"( hidden)?>', page)
    assert link and link.group(1) is None
    assert f'href="/meetings/{meeting.meeting_id}/synthesis"' in page
    token = new_token()
    joining.join(meeting.meeting(), token, {"display_name": "Not a rapporteur"})
    other = person_browser(app, 0, token).get(f"/j/{meeting.join_code}/live").get_data(as_text=True)
    assert re.search(r'id="synthesis-link" hidden>', other)
