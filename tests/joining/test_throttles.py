"""Joins, passcodes and codes: one network is slowed down, a venue behind it is not locked out."""

from datetime import timedelta

from facilitator import throttle
from facilitator.extensions import db
from facilitator.joining import throttle as joining_throttle
from facilitator.joining.identity import address_hash
from facilitator.joining.models import Participant
from facilitator.throttle import ThrottleHit
from facilitator.timeutil import utcnow


def participants(meeting_id: int) -> list[Participant]:
    return list(db.session.scalars(db.select(Participant).where(Participant.meeting_id == meeting_id)))


def from_address(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def fill(limit, key: str, count: int) -> None:
    for _ in range(count):
        throttle.record(limit, key)
    db.session.commit()


def test_a_right_passcode_joins_after_someone_elses_ten_wrong_ones(app, make_meeting):
    world = make_meeting(join_policy="passcode", passcode="right-one")
    guesser, venue = from_address(app, "10.0.0.1"), from_address(app, "10.0.0.1")
    for attempt in range(10):
        wrong = guesser.post(
            f"/j/{world.join_code}", data={"display_name": "A", "passcode": f"guess{attempt}"}
        )
        assert wrong.status_code == 400
    right = venue.post(f"/j/{world.join_code}", data={"display_name": "B", "passcode": "right-one"})
    assert right.status_code == 302
    assert [p.display_name for p in participants(world.meeting_id)] == ["B"]


def test_after_ten_wrong_tries_an_address_gets_one_check_every_few_seconds(app, make_meeting):
    world = make_meeting(join_policy="passcode", passcode="right-one")
    guesser = from_address(app, "10.0.0.2")
    fill(joining_throttle.WRONG_PASSCODES, f"{world.meeting_id}:10.0.0.2", 10)
    checked = guesser.post(f"/j/{world.join_code}", data={"display_name": "A", "passcode": "guess"})
    assert checked.status_code == 400
    paced = guesser.post(f"/j/{world.join_code}", data={"display_name": "A", "passcode": "right-one"})
    assert paced.status_code == 429 and 1 <= int(paced.headers["Retry-After"]) <= 5
    page = paced.get_data(as_text=True)
    # The phone resends by itself, with what it typed (the passcode included).
    assert 'id="retry-notice"' in page and "js/retry.js" in page and 'value="right-one"' in page
    assert participants(world.meeting_id) == []


def test_once_a_meeting_had_many_wrong_tries_guessing_addresses_are_not_checked(app, make_meeting):
    world = make_meeting(join_policy="passcode", passcode="right-one")
    fill(joining_throttle.WRONG_PASSCODES_PER_MEETING, str(world.meeting_id), 100)
    fill(joining_throttle.WRONG_PASSCODES, f"{world.meeting_id}:10.0.0.3", 1)
    refused = from_address(app, "10.0.0.3").post(
        f"/j/{world.join_code}", data={"display_name": "A", "passcode": "right-one"}
    )
    assert refused.status_code == 429
    clean = from_address(app, "10.0.0.4").post(
        f"/j/{world.join_code}", data={"display_name": "B", "passcode": "right-one"}
    )
    assert clean.status_code == 302


def test_joins_from_one_address_come_in_bursts_then_wait(app, make_meeting):
    world = make_meeting()
    for number in range(joining_throttle.JOINS_PER_ADDRESS.max_hits):
        joined = from_address(app, "10.0.1.1").post(
            f"/j/{world.join_code}", data={"display_name": f"P{number}"}
        )
        assert joined.status_code == 302
    waiting = from_address(app, "10.0.1.1").post(f"/j/{world.join_code}", data={"display_name": "Zoë Late"})
    assert waiting.status_code == 429 and 1 <= int(waiting.headers["Retry-After"]) <= 12
    page = waiting.get_data(as_text=True)
    assert "Many people are joining right now" in page and 'value="Zoë Late"' in page
    # Another network, or the same one later, is not held up.
    assert (
        from_address(app, "10.0.1.2").post(f"/j/{world.join_code}", data={"display_name": "X"}).status_code
        == 302
    )
    db.session.execute(db.update(ThrottleHit).values(created_at=utcnow() - timedelta(seconds=13)))
    db.session.commit()
    assert (
        from_address(app, "10.0.1.1").post(f"/j/{world.join_code}", data={"display_name": "Y"}).status_code
        == 302
    )


def test_the_join_address_is_stored_only_as_a_keyed_digest(app, make_meeting):
    world = make_meeting()
    from_address(app, "192.0.2.7").post(f"/j/{world.join_code}", data={"display_name": "A"})
    [person] = participants(world.meeting_id)
    assert person.join_address_hash == address_hash(world.meeting_id, "192.0.2.7")
    assert "192.0.2.7" not in person.join_address_hash
    assert address_hash(world.meeting_id + 1, "192.0.2.7") != person.join_address_hash


def test_a_network_that_guessed_codes_learns_nothing_more(app, make_meeting):
    world, other = make_meeting(), make_meeting()
    guesser = from_address(app, "10.0.2.1")
    for attempt in range(30):
        assert guesser.get(f"/j/ZZZZZZ{attempt:02d}").status_code == 404
    # Hits and misses now look the same...
    hit, miss = guesser.get(f"/j/{world.join_code}"), guesser.get("/j/ZZZZZZZZ")
    assert hit.status_code == miss.status_code == 429
    assert guesser.post("/", data={"code": other.join_code}).status_code == 429
    # ...except for a meeting this network already has people in: it knows that code anyway.
    db.session.add(
        Participant(
            meeting_id=world.meeting_id,
            token_hash="x" * 64,
            join_address_hash=address_hash(world.meeting_id, "10.0.2.1"),
        )
    )
    db.session.commit()
    assert guesser.get(f"/j/{world.join_code}").status_code == 200
    assert from_address(app, "10.0.2.2").get(f"/j/{other.join_code}").status_code == 200
