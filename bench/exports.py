"""Times the report and every export format on a large meeting.

    .venv/bin/python bench/exports.py [--runs 5]

It builds, on a throwaway SQLite database, a meeting of 500 participants (40 countries, 60
organisations) with one breakout round of 100 groups of five on two guiding questions: 2,000
wall answers (one in twenty in Arabic, some over several lines), about 4,000 votes and 200
rapporteur summaries. Rows are inserted directly, not through the phone events, so building
takes seconds. Each step then runs on a fresh session (nothing cached from the previous run);
the table gives the median and the slowest run in milliseconds.
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

PARTICIPANTS = 500
GROUPS = 100
ANSWERS = 2_000
VOCABULARY = (
    "water points repair teams women's groups budget training village wells solar pumps dry season "
    "maintenance committee funding local ownership monitoring data districts schools clinics rainfall "
    "storage tanks spare parts mobile money tariffs community meetings youth volunteers"
)
WORDS = VOCABULARY.split()
ARABIC = "يجب إشراك لجان المياه المحلية في الصيانة والتمويل"


def sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(8, 30))
    text = " ".join(words).capitalize() + "."
    return text + "\n" + " ".join(rng.choices(WORDS, k=8)) if rng.random() < 0.1 else text


def build_meeting(rng: random.Random) -> int:
    from facilitator.accounts.cli import create_moderator
    from facilitator.answers.models import Answer, Vote
    from facilitator.breakouts.models import BreakoutGroup, BreakoutRound, GroupMember, GroupSummary
    from facilitator.extensions import db
    from facilitator.joining.models import Participant
    from facilitator.meetings.design import MeetingDesign
    from facilitator.meetings.service import create_meeting
    from facilitator.timeutil import utcnow

    design = MeetingDesign(
        title="Regional consultation on rural water",
        description="Two guiding questions, worked on in 100 breakout groups.",
        organisation_field="optional",
        questions=["What has worked to keep water points running?", "Who should pay for repairs?"],
    )
    meeting = create_meeting(create_moderator("bench@example.org", "bench-password"), design)
    db.session.commit()
    countries = [f"Country {n:02d}" for n in range(40)]
    organisations = [f"Organisation {n:02d}" for n in range(60)]
    people = [
        Participant(
            meeting_id=meeting.id,
            token_hash=f"{n:064x}",
            display_name=f"Participant {n}",
            country=rng.choice(countries),
            organisation=rng.choice(organisations),
        )
        for n in range(PARTICIPANTS)
    ]
    db.session.add_all(people)
    db.session.flush()
    start = utcnow()
    questions = [q.id for q in meeting.guiding_questions]
    round_ = BreakoutRound(
        meeting_id=meeting.id,
        number=1,
        mode="random",
        settings={"seed": 1},
        opened_at=start,
        ends_at=start + timedelta(minutes=45),
        closed_at=start + timedelta(minutes=45),
        status="closed",
    )
    for number in range(1, GROUPS + 1):
        round_.groups.append(BreakoutGroup(number=number, name=f"Group {number}", question_ids=questions))
    db.session.add(round_)
    db.session.flush()
    members: dict[int, list[Participant]] = {}
    for index, person in enumerate(people):
        group = round_.groups[index % GROUPS]
        members.setdefault(group.id, []).append(person)
        db.session.add(GroupMember(round_id=round_.id, group_id=group.id, participant_id=person.id))
    answers = []
    for index in range(ANSWERS):
        group = round_.groups[index % GROUPS]
        author = rng.choice(members[group.id])
        answers.append(
            Answer(
                question_id=questions[index % 2],
                participant_id=author.id,
                group_id=group.id,
                client_id=f"bench-{index:08d}",
                text=ARABIC if index % 20 == 0 else sentence(rng),
                created_at=start + timedelta(seconds=index),
                updated_at=start + timedelta(seconds=index),
            )
        )
    db.session.add_all(answers)
    db.session.flush()
    for answer in answers:
        for voter in rng.sample(members[answer.group_id], rng.randint(0, 4)):
            db.session.add(Vote(answer_id=answer.id, participant_id=voter.id))
    for group in round_.groups:
        group.rapporteur_id = members[group.id][0].id
        for question in questions:
            text = "\n".join(sentence(rng) for _ in range(3))
            db.session.add(GroupSummary(group_id=group.id, question_id=question, text=text, version=1))
    db.session.commit()
    return meeting.id


def timed(step: Callable[[], object], runs: int, reset: Callable[[], None]) -> tuple[float, float, object]:
    timings, result = [], None
    for _ in range(runs):
        reset()
        begin = time.perf_counter()
        result = step()
        timings.append((time.perf_counter() - begin) * 1000)
    return statistics.median(timings), max(timings), result


def measure(runs: int) -> list[tuple[str, float, float, str]]:
    workdir = Path(tempfile.mkdtemp(prefix="facilitator-exports-bench-"))
    os.environ["FACILITATOR_INSTANCE_DIR"] = str(workdir)
    os.environ.setdefault("SECRET_KEY", "exports-bench")
    from flask_migrate import upgrade

    from facilitator import create_app
    from facilitator.exports.archive import to_json
    from facilitator.exports.docx import to_docx
    from facilitator.exports.markdown import to_markdown
    from facilitator.exports.report import build_report
    from facilitator.exports.tabular import to_csv
    from facilitator.extensions import db
    from facilitator.meetings.models import Meeting
    from facilitator.synthesis.report import curated_themes

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.sqlite3'}"})
    results = []
    with app.app_context():
        upgrade()
        meeting_id = build_meeting(random.Random(20261128))

        def reset() -> None:
            db.session.remove()

        def meeting() -> Meeting:
            return db.session.get(Meeting, meeting_id)

        median, slowest, report = timed(lambda: build_report(meeting()), runs, reset)
        results.append(("build_report", median, slowest, f"{report.participation.answers:,} answers"))
        median, slowest, data = timed(lambda: to_docx(report), runs, reset)
        results.append(("to_docx", median, slowest, f"{len(data) / 1024:,.0f} KB"))
        median, slowest, _ = timed(lambda: to_docx(build_report(meeting())), runs, reset)
        results.append(("**build_report + to_docx**", median, slowest, "budget 3,000 ms"))
        median, slowest, text = timed(lambda: to_markdown(report), runs, reset)
        results.append(("to_markdown", median, slowest, f"{len(text.encode()) / 1024:,.0f} KB"))
        median, slowest, text = timed(lambda: to_csv(report), runs, reset)
        results.append(("to_csv", median, slowest, f"{len(text.encode()) / 1024:,.0f} KB"))
        median, slowest, _ = timed(lambda: to_json(meeting()), runs, reset)
        results.append(("to_json (archive)", median, slowest, "reads the meeting again"))
        median, slowest, themed = timed(
            lambda: build_report(meeting(), themes_for=curated_themes()), runs, reset
        )
        count = sum(len(q.themes) for q in themed.questions)
        results.append(("build_report with the synthesis page's themes", median, slowest, f"{count} themes"))
        db.session.remove()
        db.engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per step (default 5)")
    args = parser.parse_args()
    print(f"Python {platform.python_version()} on {platform.machine()}, {args.runs} runs each")
    print(f"{PARTICIPANTS} participants, {GROUPS} groups, {ANSWERS:,} answers\n")
    print("| step | median ms | max ms | output |")
    print("| --- | ---: | ---: | --- |")
    for step, median, slowest, note in measure(args.runs):
        print(f"| {step} | {median:,.0f} | {slowest:,.0f} | {note} |")


if __name__ == "__main__":
    main()
