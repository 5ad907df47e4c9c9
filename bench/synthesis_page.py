"""Times the synthesis as the page and the report use it: through the database, with stored themes.

    .venv/bin/python bench/synthesis_page.py [--runs 5]

It builds, on a throwaway SQLite database, one guiding question with 2,000 wall answers from 100
breakout groups, written by garbling the labelled answers of tests/synthesis/data/answers.csv (typos,
a word left out, a preamble), then times:

- the first synthesis (every answer clustered, themes and memberships stored);
- the page's data for the question once the themes are stored (what a page fetches on opening);
- a live update: one new answer, then the page's data again (with the cache the process keeps);
- the same after a restart (themes in the database, nothing in memory);
- the curated Word report of the meeting.

Each step's median and slowest run are in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

GROUPS = 100
ANSWERS = 2_000
PEOPLE_PER_GROUP = 5


def build(texts: list[str]) -> tuple[int, int]:
    """The meeting and its question: every answer on a wall of one closed round."""
    from facilitator.accounts.cli import create_moderator
    from facilitator.answers.models import Answer, Vote
    from facilitator.breakouts.models import BreakoutGroup, BreakoutRound, GroupMember
    from facilitator.extensions import db
    from facilitator.joining.models import Participant
    from facilitator.meetings.design import MeetingDesign
    from facilitator.meetings.service import create_meeting
    from facilitator.timeutil import utcnow

    rng = random.Random(20261128)
    design = MeetingDesign(title="Synthesis benchmark", questions=["What has worked, and why?"])
    meeting = create_meeting(create_moderator("bench@example.org", "bench-password"), design)
    db.session.commit()
    question_id = meeting.guiding_questions[0].id
    start = utcnow()
    round_ = BreakoutRound(
        meeting_id=meeting.id,
        number=1,
        mode="random",
        settings={},
        opened_at=start,
        ends_at=start + timedelta(minutes=30),
        closed_at=start + timedelta(minutes=30),
        status="closed",
    )
    for number in range(1, GROUPS + 1):
        round_.groups.append(BreakoutGroup(number=number, name=f"Group {number}", question_ids=[question_id]))
    db.session.add(round_)
    db.session.flush()
    members: dict[int, list[Participant]] = {}
    for group in round_.groups:
        for seat in range(PEOPLE_PER_GROUP):
            person = Participant(
                meeting_id=meeting.id,
                token_hash=f"{group.number:032x}{seat:032x}",
                display_name=f"P{group.number}.{seat}",
            )
            db.session.add(person)
            members.setdefault(group.id, []).append(person)
    db.session.flush()
    for group in round_.groups:
        for person in members[group.id]:
            db.session.add(GroupMember(round_id=round_.id, group_id=group.id, participant_id=person.id))
    answers = []
    for index, text in enumerate(texts):
        group = round_.groups[rng.randrange(GROUPS)]
        answers.append(
            Answer(
                question_id=question_id,
                participant_id=rng.choice(members[group.id]).id,
                group_id=group.id,
                client_id=f"bench-{index:08d}",
                text=text,
                created_at=start + timedelta(seconds=index),
            )
        )
    db.session.add_all(answers)
    db.session.flush()
    for answer in answers:
        for voter in rng.sample(members[answer.group_id], rng.choice([0, 0, 0, 1, 2])):
            db.session.add(Vote(answer_id=answer.id, participant_id=voter.id))
    db.session.commit()
    return meeting.id, question_id


def timed(step: Callable[[], object], runs: int, before: Callable[[], None]) -> tuple[float, float, object]:
    timings, result = [], None
    for _ in range(runs):
        before()
        begin = time.perf_counter()
        result = step()
        timings.append((time.perf_counter() - begin) * 1000)
    return statistics.median(timings), max(timings), result


def measure(runs: int) -> list[tuple[str, float, float, str]]:
    workdir = Path(tempfile.mkdtemp(prefix="facilitator-synthesis-bench-"))
    os.environ["FACILITATOR_INSTANCE_DIR"] = str(workdir)
    os.environ.setdefault("SECRET_KEY", "synthesis-bench")
    from flask_migrate import upgrade
    from themes import load, synthetic

    from facilitator import create_app
    from facilitator.answers.models import Answer
    from facilitator.exports.docx import to_docx
    from facilitator.exports.report import build_report
    from facilitator.extensions import db
    from facilitator.meetings.models import Meeting, Question
    from facilitator.synthesis import service
    from facilitator.synthesis.models import SynthesisTheme, ThemeAnswer
    from facilitator.synthesis.report import curated_themes
    from facilitator.synthesis.routes import questions_data

    texts = [item.text for item in synthetic(load(), ANSWERS, GROUPS, seed=7)]
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.sqlite3'}"})
    results: list[tuple[str, float, float, str]] = []
    with app.test_request_context():
        upgrade()
        meeting_id, question_id = build(texts)
        added = iter(range(1_000_000))

        def meeting() -> Meeting:
            return db.session.get(Meeting, meeting_id)

        def forget_everything() -> None:
            db.session.remove()
            db.session.execute(db.delete(ThemeAnswer))
            db.session.execute(db.delete(SynthesisTheme))
            db.session.commit()
            service._caches = service._Caches()

        def first() -> object:
            return service.synthesize(db.session.get(Question, question_id))

        median, slowest, result = timed(first, runs, forget_everything)
        results.append(
            ("first synthesis, 2,000 answers (stored)", median, slowest, f"{len(result.themes)} themes")
        )
        author, wall = result.answers[0].participant_id, result.answers[0].group_id
        median, slowest, data = timed(lambda: questions_data(meeting(), question_id), runs, db.session.remove)
        results.append(
            ("page data for the question, themes stored", median, slowest, f"{len(data[0]['themes'])} themes")
        )

        def one_more() -> None:
            db.session.remove()
            number = next(added)
            answer = Answer(
                question_id=question_id,
                participant_id=author,
                group_id=wall,
                client_id=f"late-{number:08d}",
                text=texts[number % len(texts)] + " too",
            )
            db.session.add(answer)
            db.session.commit()

        median, slowest, _ = timed(
            lambda: service.synthesize(db.session.get(Question, question_id)), runs, one_more
        )
        results.append(("**one new answer: synthesis**", median, slowest, "budget 100 ms"))
        median, slowest, _ = timed(lambda: questions_data(meeting(), question_id), runs, one_more)
        results.append(("one new answer: the page's whole update", median, slowest, "synthesis + JSON"))

        def restarted() -> None:
            one_more()
            service._caches = service._Caches()

        median, slowest, _ = timed(lambda: questions_data(meeting(), question_id), runs, restarted)
        results.append(("one new answer after a restart (no cache)", median, slowest, ""))
        median, slowest, document = timed(
            lambda: to_docx(build_report(meeting(), themes_for=curated_themes())), runs, db.session.remove
        )
        results.append(("curated Word report", median, slowest, f"{len(document) / 1024:,.0f} KB"))
        db.session.remove()
        db.engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per step (default 5)")
    args = parser.parse_args()
    print(f"Python {platform.python_version()} on {platform.machine()}, {args.runs} runs each")
    print(f"{ANSWERS:,} answers to one question from {GROUPS} groups\n")
    print("| step | median ms | max ms | note |")
    print("| --- | ---: | ---: | --- |")
    for step, median, slowest, note in measure(args.runs):
        print(f"| {step} | {median:,.0f} | {slowest:,.0f} | {note} |")


if __name__ == "__main__":
    main()
