from facilitator.extensions import db
from facilitator.joining.identity import COOKIE_NAME
from facilitator.joining.models import Participant


def participants(meeting_id: int) -> list[Participant]:
    return list(db.session.scalars(db.select(Participant).where(Participant.meeting_id == meeting_id)))


def test_code_typed_on_the_home_page(client, make_meeting):
    world = make_meeting()
    typed = " " + world.join_code.lower()[:3] + "-" + world.join_code.lower()[3:] + " "
    response = client.post("/", data={"code": typed})
    assert response.status_code == 302 and response.location.endswith(f"/j/{world.join_code}")


def test_unknown_code(client, make_meeting):
    make_meeting()
    response = client.post("/", data={"code": "ZZZZZZZZ"})
    assert response.status_code == 400 and "No meeting has this code" in response.get_data(as_text=True)
    assert client.get("/j/ZZZZZZZZ").status_code == 404


def test_join_creates_one_participant_and_a_strong_token(client, make_meeting):
    world = make_meeting()
    response = client.post(f"/j/{world.join_code}", data={"display_name": "Amina", "country": "Kenya"})
    assert response.status_code == 302 and response.location.endswith(f"/j/{world.join_code}/live")
    cookie = client.get_cookie(COOKIE_NAME, domain="facilitator.test")
    assert cookie.http_only and cookie.same_site == "Lax"
    assert len(cookie.value) >= 43  # 32 random bytes, URL-safe base64
    [person] = participants(world.meeting_id)
    assert (person.display_name, person.country) == ("Amina", "Kenya")
    assert cookie.value not in person.token_hash
    # Coming back from the same phone: no second participant, straight to the live page.
    again = client.get(f"/j/{world.join_code}")
    assert again.status_code == 302 and again.location.endswith("/live")
    assert client.get(f"/j/{world.join_code}/live").status_code == 200
    assert len(participants(world.meeting_id)) == 1


def test_live_page_needs_to_have_joined(client, make_meeting):
    world = make_meeting()
    response = client.get(f"/j/{world.join_code}/live")
    assert response.status_code == 302 and response.location.endswith(f"/j/{world.join_code}")


def test_only_the_fields_the_moderator_chose(client, make_meeting):
    world = make_meeting(name_field="optional", country_field="off", organisation_field="required")
    page = client.get(f"/j/{world.join_code}").get_data(as_text=True)
    assert 'id="display_name"' in page and 'id="organisation"' in page and 'id="country"' not in page
    missing = client.post(f"/j/{world.join_code}", data={"display_name": "Amina"})
    assert missing.status_code == 400 and participants(world.meeting_id) == []
    ok = client.post(f"/j/{world.join_code}", data={"organisation": "Ministry", "country": "ignored"})
    assert ok.status_code == 302
    [person] = participants(world.meeting_id)
    assert (person.display_name, person.country, person.organisation) == ("", "", "Ministry")


def test_name_not_asked(client, make_meeting):
    world = make_meeting(name_field="off", country_field="off")
    assert client.post(f"/j/{world.join_code}", data={}).status_code == 302
    assert len(participants(world.meeting_id)) == 1


def test_profile_fields_are_length_limited(client, make_meeting):
    world = make_meeting()
    response = client.post(f"/j/{world.join_code}", data={"display_name": "x" * 81})
    assert response.status_code == 400 and participants(world.meeting_id) == []


def test_passcode_meeting(client, make_meeting):
    world = make_meeting(join_policy="passcode", passcode="secret-1325")
    wrong = client.post(f"/j/{world.join_code}", data={"display_name": "A", "passcode": "guess"})
    assert wrong.status_code == 400 and "passcode is not right" in wrong.get_data(as_text=True)
    nothing = client.post(f"/j/{world.join_code}", data={"display_name": "A"})
    assert nothing.status_code == 400 and participants(world.meeting_id) == []
    right = client.post(f"/j/{world.join_code}", data={"display_name": "A", "passcode": "secret-1325"})
    assert right.status_code == 302 and len(participants(world.meeting_id)) == 1


def test_names_are_rendered_as_text(app, client, make_meeting):
    world = make_meeting(title="<script>alert(1)</script> Session")
    page = client.get(f"/j/{world.join_code}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Session" in page


def test_one_phone_in_two_meetings_is_two_participants(client, make_meeting):
    first, second = make_meeting(), make_meeting()
    client.post(f"/j/{first.join_code}", data={"display_name": "A"})
    client.post(f"/j/{second.join_code}", data={"display_name": "A"})
    assert len(participants(first.meeting_id)) == len(participants(second.meeting_id)) == 1
