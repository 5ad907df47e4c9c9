import sqlite3

from facilitator import config, create_app
from facilitator.extensions import db, socketio
from tests.conftest import config_for


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
