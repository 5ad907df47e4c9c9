import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from facilitator import config, create_app
from facilitator.accounts.cli import create_moderator
from facilitator.extensions import db, socketio
from facilitator.joining import throttle
from facilitator.meetings import service as meetings
from facilitator.meetings.design import MeetingDesign
from tests.conftest import PASSWORD, config_for


def test_secret_key_is_generated_once(tmp_path):
    first = config._read_or_create_secret_key(tmp_path)
    assert len(first) == 64 and (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert config._read_or_create_secret_key(tmp_path) == first


def test_defaults_need_nothing_installed(monkeypatch, tmp_path):
    for name in ("DATABASE_URL", "SOCKETIO_MESSAGE_QUEUE", "FACILITATOR_PUBLIC_URL", "SOCKETIO_ASYNC_MODE"):
        monkeypatch.delenv(name, raising=False)
    settings = config.Config()
    assert settings.SQLALCHEMY_DATABASE_URI.startswith("sqlite:///")
    assert settings.SQLALCHEMY_DATABASE_URI.endswith("facilitator.sqlite3")
    assert settings.SOCKETIO_MESSAGE_QUEUE is None
    assert settings.SOCKETIO_ASYNC_MODE == "threading"
    assert settings.FACILITATOR_PUBLIC_URL == ""


def test_environment_overrides(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://db/facilitator")
    monkeypatch.setenv("FACILITATOR_PUBLIC_URL", "https://meet.example.org/")
    monkeypatch.setenv("SOCKETIO_MESSAGE_QUEUE", "redis://127.0.0.1:6379/0")
    settings = config.Config()
    assert settings.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://db/facilitator"
    assert settings.FACILITATOR_PUBLIC_URL == "https://meet.example.org"
    assert settings.SESSION_COOKIE_SECURE is True
    assert settings.SOCKETIO_MESSAGE_QUEUE == "redis://127.0.0.1:6379/0"


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(app):
    with db.engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA busy_timeout").fetchone()[0] == 15000
        assert raw.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert isinstance(raw, sqlite3.Connection)


def test_async_mode_comes_from_configuration(tmp_path):
    create_app(config_for(f"sqlite:///{tmp_path / 'x.sqlite3'}") | {"SOCKETIO_ASYNC_MODE": "threading"})
    assert socketio.async_mode == "threading"


def test_channel_and_proxy_hops_come_from_the_environment(monkeypatch):
    assert config.Config().SOCKETIO_CHANNEL == "flask-socketio"
    assert config.Config().PROXY_COUNT == 0
    monkeypatch.setenv("SOCKETIO_CHANNEL", "facilitator-meet")
    monkeypatch.setenv("FACILITATOR_PROXY_COUNT", "1")
    assert config.Config().SOCKETIO_CHANNEL == "facilitator-meet"
    assert config.Config().PROXY_COUNT == 1


def test_processes_starting_together_read_the_whole_key(tmp_path, monkeypatch):
    """The key file appears with its content or not at all, never empty."""
    seen = []
    real_link = os.link

    def link_and_look(source, target):
        seen.append(Path(source).read_text())
        real_link(source, target)
        seen.append(Path(target).read_text())

    monkeypatch.setattr(os, "link", link_and_look)
    key = config._read_or_create_secret_key(tmp_path)
    assert seen == [key, key] and [p.name for p in tmp_path.iterdir()] == ["secret_key"]


def behind_proxy(tmp_path, template, hops: int):
    """An app with one meeting that needs a passcode; returns the app, meeting id and join code."""
    database = tmp_path / f"proxy{hops}.sqlite3"
    shutil.copy(template, database)
    app = create_app(config_for(f"sqlite:///{database}") | {"PROXY_COUNT": hops})
    with app.app_context():
        owner = create_moderator("proxy@example.org", PASSWORD)
        meeting = meetings.create_meeting(
            owner, MeetingDesign(title="Behind nginx", questions=["Q?"], join_policy="passcode"), "s3cret"
        )
        db.session.commit()
        return app, meeting.id, meeting.join_code


NGINX_HEADERS = {
    # What nginx sends: whatever the client claimed, then the address it saw.
    "X-Forwarded-For": "198.51.100.99, 203.0.113.7",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "meet.example.org",
}


@pytest.mark.parametrize(
    ("hops", "client", "join_url"),
    [
        (1, "203.0.113.7", "https://meet.example.org/j/"),
        # Reached directly, the app believes no header: anyone could have written them.
        (0, "127.0.0.1", "http://facilitator.test/j/"),
    ],
)
def test_behind_nginx_the_app_sees_the_client_and_https(
    tmp_path, migrated_sqlite_template, hops, client, join_url
):
    app, meeting_id, code = behind_proxy(tmp_path, migrated_sqlite_template, hops)
    browser = app.test_client()
    browser.post(f"/j/{code}", data={"display_name": "Ana", "passcode": "wrong"}, headers=NGINX_HEADERS)
    with app.app_context():
        assert throttle.is_counted(meeting_id, client)
    moderator = app.test_client()
    moderator.post("/login", data={"email": "proxy@example.org", "password": PASSWORD}, headers=NGINX_HEADERS)
    page = moderator.get(f"/meetings/{meeting_id}", headers=NGINX_HEADERS).get_data(as_text=True)
    assert f'href="{join_url}{code}"' in page
