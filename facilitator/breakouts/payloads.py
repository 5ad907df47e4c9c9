"""What phones, the cockpit and the projector receive about breakout groups.

Everything a group writes is sent only to that group's room and to the moderators until
the moderator opens the walls to everyone after the round.
"""

from __future__ import annotations

from sqlalchemy import Result, Row, Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from facilitator.answers import ballots, payloads, tally
from facilitator.answers.models import Answer, Vote
from facilitator.answers.queries import most_supported, visible_answers, vote_counts
from facilitator.breakouts.models import (
    BreakoutGroup,
    BreakoutRound,
    GroupMember,
    GroupMessage,
    GroupSummary,
    HelpRequest,
    RoundStatus,
)
from facilitator.extensions import db
from facilitator.joining.models import Participant
from facilitator.meetings.formats import BALLOT_FORMATS
from facilitator.meetings.models import Attribution, Meeting, Question
from facilitator.timeutil import isoformat_utc


def round_payload(round_: BreakoutRound) -> dict:
    return {
        "id": round_.id,
        "number": round_.number,
        "mode": round_.mode,
        "status": round_.status,
        "opened_at": isoformat_utc(round_.opened_at),
        "ends_at": isoformat_utc(round_.ends_at),
        "closed_at": isoformat_utc(round_.closed_at),
        "report_group_id": round_.report_group_id,
        "walls_published": round_.walls_published,
    }


def member_label(meeting: Meeting, participant: Participant) -> str | None:
    """How a member appears to the rest of the group, by the meeting's attribution rule."""
    if meeting.attribution == Attribution.ANONYMOUS:
        return None
    return payloads.author_label(meeting, participant)


def _rows(statement: Select) -> Result:
    """Plain rows on the session's connection (same transaction), for what is only read out.

    A whole room asks for its snapshot at once when a round opens; building ORM objects
    for every summary, message and member would be most of the work.
    """
    return db.session.connection().execute(statement)


def questions_payload(question_ids: list[int]) -> list[dict]:
    texts = dict(_rows(select(Question.id, Question.text).where(Question.id.in_(question_ids))).all())
    return [{"id": qid, "text": texts[qid]} for qid in question_ids if qid in texts]


def wall_answer_payload(meeting: Meeting, answer: Answer, votes: int) -> dict:
    return {**payloads.public_answer_payload(meeting, answer), "group_id": answer.group_id, "votes": votes}


def wall_answers(group: BreakoutGroup, *, include_hidden: bool = False) -> list[Answer]:
    statement = visible_answers(group_id=group.id, include_hidden=include_hidden).options(
        # The wall shows each author's label: their rows come in the same statement.
        joinedload(Answer.participant)
    )
    return list(db.session.scalars(statement))


def wall_payload(meeting: Meeting, answers: list[Answer]) -> list[dict]:
    counts = vote_counts([a.id for a in answers])
    return [wall_answer_payload(meeting, a, counts.get(a.id, 0)) for a in answers]


def wall(meeting: Meeting, group: BreakoutGroup, *, include_hidden: bool = False) -> list[dict]:
    return wall_payload(meeting, wall_answers(group, include_hidden=include_hidden))


def summaries(group: BreakoutGroup) -> dict[str, dict]:
    rows = _rows(select(*SUMMARY_COLUMNS).where(GroupSummary.group_id == group.id))
    return {str(s.question_id): summary_payload(s) for s in rows}


SUMMARY_COLUMNS = (
    GroupSummary.group_id,
    GroupSummary.question_id,
    GroupSummary.text,
    GroupSummary.version,
    GroupSummary.updated_at,
)


def summary_payload(summary: GroupSummary | Row) -> dict:
    """From a summary or from a row of SUMMARY_COLUMNS."""
    return {
        "group_id": summary.group_id,
        "question_id": summary.question_id,
        "text": summary.text,
        "version": summary.version,
        "updated_at": isoformat_utc(summary.updated_at),
    }


def message_payload(message: GroupMessage | Row) -> dict:
    return {
        "id": message.id,
        "group_id": message.group_id,
        "text": message.text,
        "created_at": isoformat_utc(message.created_at),
    }


def messages_for(round_: BreakoutRound, group: BreakoutGroup | None) -> list[dict]:
    query = select(GroupMessage.id, GroupMessage.group_id, GroupMessage.text, GroupMessage.created_at).where(
        GroupMessage.round_id == round_.id
    )
    if group is not None:
        query = query.where((GroupMessage.group_id.is_(None)) | (GroupMessage.group_id == group.id))
    return [message_payload(m) for m in _rows(query.order_by(GroupMessage.id.desc()).limit(5))]


def members_of(group: BreakoutGroup) -> list[Row]:
    """The group's members in their order, with what is shown of each, in one statement."""
    return list(
        _rows(
            select(
                GroupMember.participant_id,
                Participant.display_name,
                Participant.country,
                Participant.organisation,
            )
            .join(Participant, Participant.id == GroupMember.participant_id)
            .where(GroupMember.group_id == group.id)
            .order_by(GroupMember.id)
        )
    )


def members_payload(meeting: Meeting, group: BreakoutGroup, connected: set[int] | None = None) -> list[dict]:
    people = []
    for member in members_of(group):
        person = {
            # The row carries the participant's name, country and organisation.
            "label": member_label(meeting, member),
            "rapporteur": member.participant_id == group.rapporteur_id,
        }
        if connected is not None:
            # The cockpit manages people: it sees who they are and whether they are online.
            person |= {
                "id": member.participant_id,
                "name": member.display_name,
                "connected": member.participant_id in connected,
            }
        people.append(person)
    return people


def group_questions(question_ids: list[int]) -> tuple[list[dict], list[Question]]:
    """A group's questions as its phones answer them (each with its format and settings, and the
    options of a ballot question), and its ballot questions themselves, for their results."""
    rows = {
        row.id: row
        for row in _rows(
            select(Question.id, Question.text, Question.format, Question.settings).where(
                Question.id.in_(question_ids)
            )
        )
    }
    ballot_ids = [qid for qid in question_ids if qid in rows and rows[qid].format in BALLOT_FORMATS]
    # Only a group with ballot questions pays for loading them with their options.
    loaded = {}
    if ballot_ids:
        statement = (
            select(Question).where(Question.id.in_(ballot_ids)).options(selectinload(Question.options))
        )
        loaded = {question.id: question for question in db.session.scalars(statement)}
    questions = [
        {
            "id": qid,
            "text": rows[qid].text,
            "format": rows[qid].format,
            "settings": rows[qid].settings or {},
            "options": [{"id": o.id, "text": o.text} for o in loaded[qid].options] if qid in loaded else [],
        }
        for qid in question_ids
        if qid in rows
    ]
    return questions, [loaded[qid] for qid in ballot_ids]


def group_ballots(group: BreakoutGroup, participant: Participant, questions: list[Question]) -> dict:
    """The member's own ballots on the group's ballot questions and, where its members may see
    them, the group's results, by question id."""
    mine = ballots.own_ballots(participant, [question.id for question in questions], group.id)
    round_open = group.round.status == RoundStatus.OPEN
    return {
        "my_ballots": {
            str(qid): ballots.ballot_payload(ballot)
            for qid, ballot in mine.items()
            if ballot.response is not None
        },
        "results": {
            str(question.id): tally.results_for(question, group.id)
            for question in questions
            if tally.group_may_see(question, round_open)
        },
    }


def group_view(meeting: Meeting, group: BreakoutGroup, participant: Participant) -> dict:
    """Everything a member's phone shows during the round."""
    members = members_payload(meeting, group)
    answers = wall_answers(group)
    questions, ballot_questions = group_questions(group.question_ids)
    return {
        "id": group.id,
        "name": group.name,
        "number": group.number,
        "members": members,
        "member_count": len(members),
        "has_rapporteur": group.rapporteur_id is not None,
        "i_am_rapporteur": group.rapporteur_id == participant.id,
        "questions": questions,
        "answers": wall_payload(meeting, answers),
        "my_votes": list(
            _rows(
                select(Vote.answer_id)
                .join(Answer)
                .where(Vote.participant_id == participant.id, Answer.group_id == group.id)
            ).scalars()
        ),
        "summaries": summaries(group),
        "messages": messages_for(group.round, group),
        # Which wall answers are this phone's own, so that any device of it can edit them.
        "my_answers": [
            payloads.own_answer_payload(answer)
            for answer in answers
            if answer.participant_id == participant.id
        ],
        "help_requested": _rows(
            select(HelpRequest.id).where(HelpRequest.group_id == group.id, HelpRequest.resolved_at.is_(None))
        ).first()
        is not None,
        **group_ballots(group, participant, ballot_questions),
    }


def choices(round_: BreakoutRound) -> list[dict]:
    counts = dict(
        db.session.execute(
            select(GroupMember.group_id, func.count())
            .where(GroupMember.round_id == round_.id)
            .group_by(GroupMember.group_id)
        ).all()
    )
    return [
        {
            "id": g.id,
            "name": g.name,
            "members": counts.get(g.id, 0),
            "capacity": g.capacity,
            "questions": questions_payload(g.question_ids),
        }
        for g in round_.groups
    ]


def report(meeting: Meeting, group: BreakoutGroup) -> dict:
    """One group's report-back: its summaries and its most supported answers, per question."""
    answers = wall(meeting, group)
    _, ballot_questions = group_questions(group.question_ids)
    # The round is over: the group's tally is shown to the room with its summary, whatever the
    # question said about results during the round.
    results = {question.id: tally.results_for(question, group.id) for question in ballot_questions}
    per_question = []
    for question in questions_payload(group.question_ids):
        mine = [a for a in answers if a["question_id"] == question["id"]]
        top = most_supported(mine, votes=lambda a: a["votes"], order=lambda a: (a["id"],))
        summary = summaries(group).get(str(question["id"]))
        per_question.append(
            {
                **question,
                "summary": summary["text"] if summary else "",
                "top_answers": top,
                "results": results.get(question["id"]),
            }
        )
    return {"group": {"id": group.id, "name": group.name}, "questions": per_question}


def published_walls(meeting: Meeting, round_: BreakoutRound) -> list[dict]:
    return [
        {
            "id": g.id,
            "name": g.name,
            "questions": questions_payload(g.question_ids),
            "answers": wall(meeting, g),
            "summaries": summaries(g),
        }
        for g in round_.groups
    ]


def phone_state(meeting: Meeting, participant: Participant) -> dict | None:
    """The breakout part of a phone's snapshot: its group while the round runs, the
    report-back and, once opened, every group's wall afterwards."""
    round_ = meeting.current_round
    if round_ is None:
        return None
    state: dict = {
        "round": round_payload(round_),
        "group": None,
        "choices": None,
        "report": None,
        "walls": None,
    }
    if round_.status == "open":
        member = db.session.scalar(
            select(GroupMember)
            .options(joinedload(GroupMember.group))
            .where(GroupMember.round_id == round_.id, GroupMember.participant_id == participant.id)
        )
        if member is not None:
            state["group"] = group_view(meeting, member.group, participant)
        elif round_.mode == "self_select":
            state["choices"] = choices(round_)
        return state
    if round_.report_group_id is not None:
        state["report"] = report(meeting, db.session.get(BreakoutGroup, round_.report_group_id))
    if round_.walls_published:
        state["walls"] = published_walls(meeting, round_)
    return state
