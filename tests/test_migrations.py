"""The schema is owned by the migrations: they build exactly the models, on SQLite and PostgreSQL."""

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text

from facilitator import create_app
from facilitator.extensions import db
from tests.conftest import config_for

POSTGRES_ADMIN_URL = os.environ.get(
    "FACILITATOR_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def postgres_available() -> bool:
    engine = create_engine(POSTGRES_ADMIN_URL)
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        return True
    except Exception:
        return False
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def postgres_url():
    """A throwaway database on the local server, dropped afterwards."""
    if not postgres_available():
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required in CI but {POSTGRES_ADMIN_URL} is not reachable.")
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432; start it to run these tests.")
    name = f"facilitator_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def check_migrations(database_url: str) -> None:
    app = create_app(config_for(database_url))
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert differences == [], f"models and migrations differ: {differences}"
        downgrade(revision="base")
        with db.engine.connect() as connection:
            assert db.inspect(connection).get_table_names() == ["alembic_version"]
        upgrade()
        db.engine.dispose()


def test_migrations_match_models_on_sqlite(tmp_path):
    check_migrations(f"sqlite:///{tmp_path / 'm.sqlite3'}")


@pytest.mark.postgres
def test_migrations_match_models_on_postgres(postgres_url):
    check_migrations(postgres_url)


@pytest.mark.postgres
def test_live_questions_on_postgres(postgres_url, tmp_path):
    """The domain works the same on PostgreSQL: answers, resends and the unique constraint."""
    from facilitator.accounts.cli import create_moderator
    from facilitator.answers.models import Answer
    from facilitator.answers.queries import progress
    from facilitator.joining import service as joining
    from facilitator.meetings import service as meetings
    from facilitator.meetings.design import MeetingDesign
    from facilitator.plenary import service as live

    app = create_app(config_for(postgres_url) | {"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        upgrade()
        moderator = create_moderator(f"pg-{uuid.uuid4().hex[:6]}@example.org", "long password")
        meeting = meetings.create_meeting(moderator, MeetingDesign(title="PG", questions=["Q1?", "Q2?"]))
        db.session.commit()
        person = joining.join(meeting, "t" * 43, {"display_name": "Nguyễn Thị Hà"})
        question = meeting.guiding_questions[0]
        live.open_question(meeting, question)
        db.session.commit()
        first, created = live.submit_answer(person, question.id, "pg-answer-1", "مرحبا — hello", 2000)
        db.session.commit()
        again, created_again = live.submit_answer(person, question.id, "pg-answer-1", "مرحبا — hello", 2000)
        assert created and not created_again and again.id == first.id
        assert db.session.scalar(db.select(db.func.count()).select_from(Answer)) == 1
        assert progress(question) == {
            "question_id": question.id,
            "answers": 1,
            "answered": 1,
            "participants": 1,
        }
        db.session.remove()
        db.engine.dispose()
