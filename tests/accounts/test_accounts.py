from facilitator.accounts.models import Moderator
from facilitator.extensions import db
from tests.conftest import PASSWORD, log_in


def test_login_and_logout(client, make_meeting):
    world = make_meeting()
    assert client.get("/meetings/").status_code == 302
    response = client.post("/login", data={"email": world.moderator_email.upper(), "password": PASSWORD})
    assert response.status_code == 302 and response.location.endswith("/meetings/")
    assert client.get("/meetings/").status_code == 200
    client.post("/logout")
    assert client.get("/meetings/").status_code == 302


def test_wrong_password_is_refused(client, make_meeting):
    world = make_meeting()
    response = client.post("/login", data={"email": world.moderator_email, "password": "wrong password"})
    assert response.status_code == 400
    assert "Wrong email or password." in response.get_data(as_text=True)
    assert client.get("/meetings/").status_code == 302


def test_session_is_renewed_at_login(client, make_meeting):
    world = make_meeting()
    with client.session_transaction() as session:
        session["planted"] = "by someone before login"
    log_in(client, world.moderator_email)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_login_redirects_only_within_the_site(client, make_meeting):
    world = make_meeting()
    data = {"email": world.moderator_email, "password": PASSWORD}
    assert client.post("/login?next=//evil.example/x", data=data).location.endswith("/meetings/")
    client.post("/logout")
    response = client.post(f"/login?next=/meetings/{world.meeting_id}", data=data)
    assert response.location.endswith(f"/meetings/{world.meeting_id}")


def test_passwords_are_hashed(app, make_meeting):
    world = make_meeting()
    moderator = db.session.get(Moderator, world.moderator_id)
    assert PASSWORD not in moderator.password_hash
    assert moderator.check_password(PASSWORD) and not moderator.check_password("nope")


def test_create_moderator_command(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-moderator", "Ana@Example.org", "--password", "long enough pw"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(db.select(Moderator.email)) == "ana@example.org"
    again = runner.invoke(args=["create-moderator", "ana@example.org", "--password", "long enough pw"])
    assert again.exit_code != 0 and "already exists" in again.output
    short = runner.invoke(args=["create-moderator", "b@example.org", "--password", "short"])
    assert short.exit_code != 0


def test_ensure_moderator_creates_one_only_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["ensure-moderator"])
    assert "password:" in first.output
    password = first.output.split("password:")[1].split()[0]
    moderator = db.session.scalar(db.select(Moderator))
    assert moderator.check_password(password)
    second = runner.invoke(args=["ensure-moderator"])
    assert "password:" not in second.output
    assert db.session.scalar(db.select(db.func.count()).select_from(Moderator)) == 1
