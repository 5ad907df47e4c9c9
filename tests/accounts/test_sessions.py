"""A moderator session lives on the server: logout, a password change and time end it."""

from __future__ import annotations

from datetime import timedelta

from facilitator.accounts import sessions, sockets
from facilitator.accounts.models import Moderator, ModeratorSession
from facilitator.extensions import db
from tests.conftest import PASSWORD, log_in, socket_for


def session_cookie(client) -> str:
    return client.get_cookie("session", domain="facilitator.test").value


def replay(app, cookie: str):
    """Another browser holding a copy of a saved cookie."""
    thief = app.test_client()
    thief.set_cookie("session", cookie, domain="facilitator.test")
    return thief


def test_only_a_hash_of_the_token_is_stored(app, client, make_meeting):
    world = make_meeting()
    log_in(client, world.moderator_email)
    row = db.session.scalar(db.select(ModeratorSession))
    with client.session_transaction() as cookie_session:
        token = cookie_session["moderator_session"]
    assert row.moderator_id == world.moderator_id and token not in row.token_hash
    assert "moderator_id" not in cookie_session


def test_a_cookie_saved_before_logout_opens_nothing(app, client, make_meeting):
    world = make_meeting()
    log_in(client, world.moderator_email)
    saved = session_cookie(client)
    assert replay(app, saved).get("/meetings/").status_code == 200
    client.post("/logout")
    assert db.session.scalar(db.select(db.func.count()).select_from(ModeratorSession)) == 0
    response = replay(app, saved).get("/meetings/")
    assert response.status_code == 302 and "/login" in response.location


def test_an_idle_or_old_session_ends(app, client, make_meeting):
    world = make_meeting()
    log_in(client, world.moderator_email)
    row = db.session.scalar(db.select(ModeratorSession))
    row.last_seen_at -= sessions.IDLE + timedelta(minutes=1)
    db.session.commit()
    assert client.get("/meetings/").status_code == 302
    log_in(client, world.moderator_email)
    row = db.session.scalar(db.select(ModeratorSession))
    row.created_at -= sessions.ABSOLUTE + timedelta(minutes=1)
    db.session.commit()
    assert client.get("/meetings/").status_code == 302


def test_use_keeps_a_session_alive(app, client, make_meeting):
    world = make_meeting()
    log_in(client, world.moderator_email)
    row = db.session.scalar(db.select(ModeratorSession))
    row.last_seen_at -= sessions.IDLE - timedelta(minutes=1)
    db.session.commit()
    assert client.get("/meetings/").status_code == 200
    db.session.expire_all()
    assert db.session.scalar(db.select(ModeratorSession)).last_seen_at > sessions.utcnow() - timedelta(
        minutes=1
    )


def change_password(client, current: str, new: str, confirm: str | None = None):
    return client.post(
        "/account/password",
        data={"current_password": current, "new_password": new, "confirm": confirm or new},
    )


def test_a_password_change_ends_every_other_session(app, make_meeting):
    world = make_meeting()
    here, elsewhere = app.test_client(), app.test_client()
    log_in(here, world.moderator_email)
    log_in(elsewhere, world.moderator_email)
    assert "Change password" in here.get("/meetings/").get_data(as_text=True)
    response = change_password(here, PASSWORD, "a brand new password")
    assert response.status_code == 302
    assert here.get("/meetings/").status_code == 200
    assert elsewhere.get("/meetings/").status_code == 302
    assert db.session.get(Moderator, world.moderator_id).check_password("a brand new password")


def test_a_password_change_needs_the_current_password(app, client, make_meeting):
    world = make_meeting()
    log_in(client, world.moderator_email)
    response = change_password(client, "not my password", "a brand new password")
    assert response.status_code == 400
    assert "This is not your current password." in response.get_data(as_text=True)
    assert change_password(client, PASSWORD, "a brand new password", "another one").status_code == 400
    assert change_password(client, PASSWORD, "short").status_code == 400
    assert db.session.get(Moderator, world.moderator_id).check_password(PASSWORD)
    assert app.test_client().get("/account/password").status_code == 302


def test_set_password_command_ends_every_session(app, client, make_meeting):
    world = make_meeting()
    log_in(client, world.moderator_email)
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["set-password", world.moderator_email.upper(), "--password", "reset by admin"]
    )
    assert result.exit_code == 0, result.output
    assert client.get("/meetings/").status_code == 302
    assert db.session.get(Moderator, world.moderator_id).check_password("reset by admin")
    unknown = runner.invoke(args=["set-password", "nobody@example.org", "--password", "reset by admin"])
    assert unknown.exit_code != 0 and "No moderator" in unknown.output


def test_an_open_console_loses_its_powers_at_logout(app, client, make_meeting):
    world = make_meeting()
    log_in(client, world.moderator_email)
    console = socket_for(app, client, "console", world.meeting_id)
    assert console.is_connected()
    assert console.emit("sync_console", {}, callback=True)["ok"] is True
    client.post("/logout")
    assert not console.is_connected()
    # A socket that survived (another process's, say) is refused its next moderator event.
    other = socket_for(app, replay_logged_in(app, world), "console", world.meeting_id)
    db.session.execute(db.delete(ModeratorSession))
    db.session.commit()
    reply = other.emit("sync_console", {}, callback=True)
    assert reply["ok"] is False and "session has ended" in reply["error"]
    # The sweep each process runs every second closes it.
    sockets.sweep()
    assert not other.is_connected()


def replay_logged_in(app, world):
    browser = app.test_client()
    log_in(browser, world.moderator_email)
    return browser


def test_a_new_socket_with_a_logged_out_cookie_is_refused(app, client, make_meeting):
    world = make_meeting()
    log_in(client, world.moderator_email)
    saved = session_cookie(client)
    client.post("/logout")
    console = socket_for(app, replay(app, saved), "console", world.meeting_id)
    assert not console.is_connected()


def test_an_open_projector_keeps_its_session_from_idling_out(app, client, make_meeting):
    world = make_meeting()
    log_in(client, world.moderator_email)
    projector = socket_for(app, client, "projector", world.meeting_id)
    assert projector.is_connected()
    row = db.session.scalar(db.select(ModeratorSession))
    row.last_seen_at -= sessions.IDLE - timedelta(minutes=1)
    db.session.commit()
    sockets.sweep()
    db.session.expire_all()
    assert db.session.scalar(db.select(ModeratorSession)).last_seen_at > sessions.utcnow() - timedelta(
        minutes=1
    )
    assert projector.is_connected()
