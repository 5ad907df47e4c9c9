"""Changes to one ballot that race, on PostgreSQL with real concurrency: two tabs, two processes.

SQLite lets one writer at a time and hides these. Here each change runs on a connection of its
own, released at the same instant; whatever the order they commit in, the change with the highest
number is the one stored, and none fails.
"""

from __future__ import annotations

import threading
import uuid

import pytest
from flask_migrate import upgrade

from facilitator import create_app
from facilitator.accounts.cli import create_moderator
from facilitator.answers import ballots, tally
from facilitator.answers.models import Ballot
from facilitator.extensions import db
from facilitator.joining import service as joining
from facilitator.joining.models import Participant
from facilitator.meetings import service as meetings
from facilitator.meetings.design import MeetingDesign
from facilitator.meetings.models import Question
from tests.answers.ballot_questions import make_ballot_question, option_ids
from tests.conftest import config_for
from tests.test_migrations import postgres_url  # noqa: F401  (the throwaway database)

TOGETHER = 8

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg_app(postgres_url):  # noqa: F811
    app = create_app(config_for(postgres_url))
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def ballot_question(pg_app):
    """A single-choice question with eight options and one person, on PostgreSQL."""
    with pg_app.app_context():
        moderator = create_moderator(f"race-{uuid.uuid4().hex[:8]}@example.org", "long password")
        meeting = meetings.create_meeting(moderator, MeetingDesign(title="Races", questions=["Which?"]))
        db.session.commit()
        person = joining.join(meeting, uuid.uuid4().hex + uuid.uuid4().hex[:11], {"display_name": "Tab"})
        question = make_ballot_question(
            meeting.guiding_questions[0].id, "single", [f"Option {i}" for i in range(TOGETHER)]
        )
        ids = person.id, question.id, option_ids(question.id)
        db.session.remove()
    return ids


def all_at_once(app, changes: list[tuple[int, int | None]], person_id: int, question_id: int) -> list:
    """Each (seq, option) change in its own thread and transaction, all released together;
    what each returned (or raised)."""
    start = threading.Barrier(len(changes))
    results: list = [None] * len(changes)

    def run(index: int) -> None:
        seq, option = changes[index]
        with app.app_context():
            try:
                person = db.session.get(Participant, person_id)
                question = db.session.get(Question, question_id)
                question.options  # noqa: B018  (loaded before the race, not during it)
                start.wait()
                if option is None:
                    ballot, stored = ballots.withdraw(person, question, f"tab-{index}-000", seq)
                else:
                    response = {"options": [option]}
                    ballot, stored = ballots.cast(person, question, f"tab-{index}-000", seq, response)
                db.session.commit()
                results[index] = (stored, ballot.seq)
            except Exception as error:  # reported by the assertions
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(changes))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def stored(app, question_id: int) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(
            db.select(Ballot.seq, Ballot.response).where(Ballot.question_id == question_id)
        )
        found = [tuple(row) for row in rows]
        db.session.remove()
    return found


def test_first_ballots_from_many_tabs_at_once_keep_the_newest(pg_app, ballot_question):
    person_id, question_id, options = ballot_question
    changes = [(seq, options[seq]) for seq in range(TOGETHER)]
    results = all_at_once(pg_app, changes, person_id, question_id)
    assert all(isinstance(result, tuple) for result in results), results
    assert stored(pg_app, question_id) == [(TOGETHER - 1, {"options": [options[TOGETHER - 1]]})]
    # The newest change is always stored; an older one only if it came first.
    assert results[-1] == (True, TOGETHER - 1)


def test_changes_racing_on_an_existing_ballot_never_lose_the_newest(pg_app, ballot_question):
    person_id, question_id, options = ballot_question
    all_at_once(pg_app, [(1, options[0])], person_id, question_id)
    # Older and newer changes, a withdrawal and resends of one number, all together.
    changes = [(5, options[1]), (9, options[2]), (7, None), (9, options[2]), (3, options[3]), (8, options[4])]
    results = all_at_once(pg_app, changes, person_id, question_id)
    assert all(isinstance(result, tuple) for result in results), results
    assert stored(pg_app, question_id) == [(9, {"options": [options[2]]})]
    # One of the two identical resends of change 9 stored it; the other found it stored.
    nines = [stored_flag for (stored_flag, _), (seq, _) in zip(results, changes, strict=True) if seq == 9]
    assert sorted(nines) == [False, True]
    with pg_app.app_context():
        assert tally.respondent_count(db.session.get(Question, question_id)) == 1
        db.session.remove()
