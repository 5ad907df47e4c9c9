"""Fixtures that make every test a short paragraph: an app on a fresh database,
a meeting with its moderator, questions and phones in one call."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import g

# Before the app is imported: no secret key file or database lands in the real instance/.
_instance = tempfile.mkdtemp(prefix="facilitator-test-instance-")
os.environ["FACILITATOR_INSTANCE_DIR"] = _instance
os.environ.setdefault("SECRET_KEY", "test-secret-key")
os.environ.pop("DATABASE_URL", None)
os.environ.pop("SOCKETIO_MESSAGE_QUEUE", None)
os.environ["SOCKETIO_ASYNC_MODE"] = "threading"

from facilitator import create_app  # noqa: E402
from facilitator.accounts.cli import create_moderator  # noqa: E402
from facilitator.extensions import db, socketio  # noqa: E402
from facilitator.joining import service as joining  # noqa: E402
from facilitator.joining.identity import COOKIE_NAME, new_token  # noqa: E402
from facilitator.meetings import service as meetings  # noqa: E402
from facilitator.meetings.design import MeetingDesign  # noqa: E402

PASSWORD = "correct horse battery"


def config_for(database_url: str) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": "facilitator.test",
        # Fast hashing keeps each test short; production keeps the slow default.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # A notice after every change keeps socket tests simple; tests/test_coalesce.py and the
        # real servers of the browser and multi-process tests use the coalesced default.
        "COALESCE_DELAY_S": 0,
    }


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory) -> Path:
    """Migrations run once; each test gets a copy of the result."""
    from flask_migrate import upgrade

    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    app = create_app(config_for(f"sqlite:///{path}"))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return path


@pytest.fixture
def app(tmp_path, migrated_sqlite_template):
    database = tmp_path / "facilitator.sqlite3"
    shutil.copy(migrated_sqlite_template, database)
    app = create_app(config_for(f"sqlite:///{database}"))

    @app.before_request
    def forget_previous_request() -> None:
        # Requests reuse the app context the fixture holds open; in production each request
        # has its own, so nothing a request caches on g (moderator, locale) may outlive it.
        for name in list(g):
            g.pop(name)

    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@dataclass
class Phone:
    participant_id: int
    token: str


@dataclass
class World:
    """A meeting as a test needs it: ids and secrets, never live ORM objects."""

    meeting_id: int
    join_code: str
    moderator_id: int
    moderator_email: str
    question_ids: list[int]
    phones: list[Phone] = field(default_factory=list)


@pytest.fixture
def make_meeting(app):
    counter = iter(range(1, 10_000))

    def make(
        *,
        questions: int = 3,
        phones: int = 0,
        owner_email: str | None = None,
        **settings,
    ) -> World:
        number = next(counter)
        email = owner_email or f"moderator{number}@example.org"
        from facilitator.accounts.models import Moderator

        moderator = db.session.scalar(db.select(Moderator).where(Moderator.email == email))
        moderator = moderator or create_moderator(email, PASSWORD, f"Moderator {number}")
        passcode = settings.pop("passcode", None)
        design = MeetingDesign(
            title=settings.pop("title", f"Learning session {number}"),
            questions=[f"Guiding question {i + 1}?" for i in range(questions)],
            **settings,
        )
        meeting = meetings.create_meeting(moderator, design, passcode)
        db.session.commit()
        world = World(
            meeting_id=meeting.id,
            join_code=meeting.join_code,
            moderator_id=moderator.id,
            moderator_email=email,
            question_ids=[q.id for q in meeting.guiding_questions],
        )
        for index in range(phones):
            token = new_token()
            profile = {"display_name": f"Person {index + 1}", "country": f"Country {index % 3}"}
            participant = joining.join(meeting, token, profile)
            world.phones.append(Phone(participant.id, token))
        return world

    return make


def log_in(client, email: str) -> None:
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)


@pytest.fixture
def moderator_client(app, make_meeting):
    """A logged-in moderator's browser and their meeting with three questions."""

    def make(world: World | None = None):
        world = world or make_meeting()
        browser = app.test_client()
        log_in(browser, world.moderator_email)
        return browser, world

    return make


def phone_browser(app, phone: Phone):
    browser = app.test_client()
    browser.set_cookie(COOKIE_NAME, phone.token, domain="facilitator.test")
    return browser


def socket_for(app, browser, view: str, meeting):
    return socketio.test_client(app, flask_test_client=browser, auth={"view": view, "meeting": meeting})


def received(socket_client, name: str) -> list:
    """Payloads of one event received since the client connected or was last forgotten."""
    log = socket_client.__dict__.setdefault("log", [])
    log.extend(socket_client.get_received())
    return [message["args"][0] for message in log if message["name"] == name]


def forget(socket_client) -> None:
    socket_client.get_received()
    socket_client.__dict__["log"] = []
