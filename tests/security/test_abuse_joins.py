"""Abuse from outside the meeting: join floods, passcode lock-outs and meeting-code guessing, on a
server whose throttle windows are ten times shorter than in production (abuse_server)."""

from __future__ import annotations

import secrets
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from facilitator.joining.throttle import JOINS_PER_ADDRESS
from facilitator.meetings.join_codes import ALPHABET
from tests.security.abuse_helpers import from_address, join_from, join_like_a_phone, wait_for
from tests.security.conftest import console_socket, create_meeting, csrf_token, log_in

SCALE = 0.1  # abuse_server's FACILITATOR_THROTTLE_TIME_SCALE
BURST, WINDOW = JOINS_PER_ADDRESS.max_hits, JOINS_PER_ADDRESS.window.total_seconds() * SCALE


@pytest.fixture(scope="module")
def server(abuse_server):
    return abuse_server


@pytest.fixture(scope="module")
def moderator(server):
    return log_in(server)


def test_a_flood_of_fake_participants_from_one_address_is_cut_to_the_pace(server, moderator):
    meeting = create_meeting(moderator, server)
    projector = console_socket(server, moderator, meeting["id"], view="projector")
    shown = []
    projector.on("participant_joined", shown.append)
    started = time.monotonic()
    with ThreadPoolExecutor(10) as pool:
        answers = list(
            pool.map(lambda n: join_from(server, meeting["code"], f"Fake {n}", "10.50.0.1")[1], range(150))
        )
    elapsed = time.monotonic() - started
    joined = [r for r in answers if r.status_code == 302]
    refused = [r for r in answers if r.status_code == 429]
    assert len(joined) + len(refused) == 150
    # A burst, then the steady pace; before, all 150 reached the projector.
    assert len(joined) <= BURST * (1 + elapsed / WINDOW) + 10, (len(joined), elapsed)
    assert refused
    for response in refused[:5]:
        assert int(response.headers["Retry-After"]) >= 1
        assert "Many people are joining right now" in response.text and "js/retry.js" in response.text
        assert 'value="Fake ' in response.text  # what the phone typed is kept
    assert wait_for(lambda: len(shown) == len(joined), timeout=3)
    projector.disconnect()
    print(f"150 fake joins in {elapsed:.1f} s: {len(joined)} in, {len(refused)} asked to wait")


def test_three_hundred_phones_behind_one_address_all_join_within_a_minute(server, moderator):
    """At the production pace (60 at once, then 5 a second) 300 phones need about 50 s;
    here every window is ten times shorter."""
    meeting = create_meeting(moderator, server)
    started = time.monotonic()
    deadline = started + 60 * SCALE + 10  # a minute, scaled, plus the HTTP of ~1,500 requests
    with ThreadPoolExecutor(24) as pool:
        waits = list(
            pool.map(
                lambda n: join_like_a_phone(server, meeting["code"], f"Phone {n}", "10.50.1.1", deadline),
                range(300),
            )
        )
    elapsed = time.monotonic() - started
    console = console_socket(server, moderator, meeting["id"])
    assert len(console.call("sync_console", {})["snapshot"]["participants"]) == 300
    console.disconnect()
    assert sum(1 for w in waits if w == 0) >= BURST
    print(f"300 joins from one address: {elapsed:.1f} s scaled, {elapsed / SCALE:.0f} s at production pace")


def test_ten_wrong_passcodes_do_not_lock_out_the_venue(server, moderator):
    meeting = create_meeting(moderator, server, join_policy="passcode", passcode="tea-at-noon")
    for attempt in range(10):
        _, wrong = join_from(server, meeting["code"], "Guesser", "10.50.2.1", passcode=f"guess-{attempt}")
        assert wrong.status_code == 400 and "passcode is not right" in wrong.text
    # Someone else on the same Wi-Fi, with the right passcode: in (before, 429 for ten minutes).
    _, right = join_from(server, meeting["code"], "Colleague", "10.50.2.1", passcode="tea-at-noon")
    assert right.status_code == 302


def random_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(8))


def test_a_network_that_guesses_codes_cannot_tell_hits_from_misses(server, moderator):
    ours, theirs = create_meeting(moderator, server), create_meeting(moderator, server)
    join_from(server, ours["code"], "Venue phone", "10.50.3.1")
    guesser = from_address("10.50.3.1")
    for _ in range(30):
        assert guesser.get(f"{server.base_url}/j/{random_code()}").status_code == 404
    # Before: 200 for a hit, 404 for a miss, as fast as one could ask.
    hit = guesser.get(f"{server.base_url}/j/{theirs['code']}")
    miss = guesser.get(f"{server.base_url}/j/{random_code()}")
    assert hit.status_code == miss.status_code == 429 and hit.headers["Retry-After"]
    home = guesser.get(f"{server.base_url}/")
    typed = guesser.post(
        f"{server.base_url}/",
        data={"code": theirs["code"], "csrf_token": csrf_token(home.text)},
        allow_redirects=False,
    )
    assert typed.status_code == 429 and "Too many unknown codes" in typed.text
    # The venue's own meeting still opens from that network, and other networks are not slowed.
    assert from_address("10.50.3.1").get(f"{server.base_url}/j/{ours['code']}").status_code == 200
    assert from_address("10.50.3.2").get(f"{server.base_url}/j/{theirs['code']}").status_code == 200
