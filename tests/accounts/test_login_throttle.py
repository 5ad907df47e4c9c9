"""Wrong logins are limited per address and per email, never locking a moderator out of the
browser they use."""

from __future__ import annotations

from facilitator.accounts import throttle as login_throttle
from tests.conftest import PASSWORD


def try_login(client, email: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def test_the_eleventh_wrong_try_from_an_address_is_refused_with_429(app, client, make_meeting):
    world = make_meeting()
    for index in range(login_throttle.ADDRESS.max_hits):
        assert try_login(client, f"guess{index}@example.org", "wrong password").status_code == 400
    refused = try_login(client, world.moderator_email, PASSWORD)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "Too many wrong tries" in refused.get_data(as_text=True)
    # Another address is not blocked by this one.
    assert try_login(app.test_client(), world.moderator_email, PASSWORD, "10.0.0.2").status_code == 302


def test_guesses_at_one_email_from_many_addresses_lock_that_email(app, make_meeting):
    world = make_meeting()
    for index in range(login_throttle.EMAIL.max_hits):
        assert (
            try_login(app.test_client(), world.moderator_email, "wrong", f"10.1.0.{index}").status_code == 400
        )
    assert try_login(app.test_client(), world.moderator_email, PASSWORD, "10.2.0.1").status_code == 429


def test_a_moderator_keeps_their_own_browser_while_others_guess(app, make_meeting):
    world = make_meeting()
    own = app.test_client()
    assert try_login(own, world.moderator_email, PASSWORD, "10.3.0.1").status_code == 302
    own.post("/logout")
    for index in range(login_throttle.EMAIL.max_hits):
        try_login(app.test_client(), world.moderator_email, "wrong", f"10.4.0.{index}")
    # Same venue address as the attacker, even: the device cookie is what counts.
    for _ in range(login_throttle.ADDRESS.max_hits):
        try_login(app.test_client(), "someone@example.org", "wrong", "10.3.0.1")
    assert try_login(own, world.moderator_email, PASSWORD, "10.3.0.1").status_code == 302


def test_a_device_cookie_is_good_for_its_own_email_only(app, make_meeting):
    world = make_meeting()
    cookie = login_throttle.device_cookie_for(world.moderator_email)
    assert login_throttle.device_of(cookie, world.moderator_email)
    assert login_throttle.device_of(cookie, "other@example.org") is None
    assert login_throttle.device_of(cookie + "x", world.moderator_email) is None
    assert login_throttle.device_of("forged", world.moderator_email) is None


def test_right_logins_are_not_counted(app, make_meeting):
    world = make_meeting()
    for _ in range(login_throttle.ADDRESS.max_hits + 2):
        browser = app.test_client()
        assert try_login(browser, world.moderator_email, PASSWORD, "10.5.0.1").status_code == 302
