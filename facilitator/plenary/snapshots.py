"""The whole state one screen may see, sent on every (re)connect and on request.

A phone that slept, dropped or reloaded, or a server that restarted, gets its
truth from here: everything is read from the database, nothing from memory.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import bindparam, func, select

from facilitator.answers import ballots, payloads, tally
from facilitator.answers.models import Answer
from facilitator.answers.queries import answers_to, progress, visible_answers
from facilitator.breakouts import payloads as breakout_payloads
from facilitator.breakouts.snapshots import wall_state
from facilitator.extensions import db
from facilitator.joining import payloads as participant_payloads
from facilitator.joining.models import Participant
from facilitator.meetings import payloads as meeting_payloads
from facilitator.meetings.formats import BALLOT_FORMATS
from facilitator.meetings.models import Attribution, Meeting, Question, QuestionStatus
from facilitator.plenary.floor import console_floor, phone_floor, projector_floor
from facilitator.realtime import screens
from facilitator.realtime.rooms import Audience
from facilitator.timeutil import isoformat_utc, utcnow


def _common(meeting: Meeting) -> dict:
    return {
        "revision": meeting.revision,
        "server_time": isoformat_utc(utcnow()),
        "meeting": meeting_payloads.meeting_payload(meeting),
        "question": meeting_payloads.question_payload(meeting.current_question),
    }


def _with_breakout(meeting: Meeting, snapshot: dict) -> dict:
    snapshot["breakout"] = wall_state(meeting)
    return snapshot


def _is_ballot(question: Question | None) -> bool:
    return question is not None and question.format in BALLOT_FORMATS


def _my_ballot(participant: Participant, question: Question | None) -> dict | None:
    ballot = ballots.find(participant.id, question.id) if _is_ballot(question) else None
    # A withdrawn ballot is no ballot to show.
    return ballots.ballot_payload(ballot) if ballot is not None and ballot.response is not None else None


@screens.phone_screen
def phone_snapshot(participant: Participant) -> dict:
    meeting = participant.meeting
    question = meeting.current_question
    mine = []
    if question is not None:
        mine = db.session.scalars(
            visible_answers(question_id=question.id, plenary_only=True).where(
                Answer.participant_id == participant.id
            )
        )
    return {
        **_common(meeting),
        "participant": participant_payloads.participant_payload(participant),
        "my_answers": [payloads.own_answer_payload(answer) for answer in mine],
        "my_ballot": _my_ballot(participant, question),
        "results": (
            tally.results_for(question)
            if _is_ballot(question) and tally.phones_may_see(meeting, question)
            else None
        ),
        "breakout": breakout_payloads.phone_state(meeting, participant),
        "limits": {"answer": current_app.config["MAX_ANSWER_LENGTH"]},
        "floor": phone_floor(participant, question),
    }


_PEOPLE = (
    select(
        Participant.id,
        Participant.display_name,
        Participant.country,
        Participant.organisation,
        Participant.language,
    )
    .where(Participant.meeting_id == bindparam("meeting_id"))
    .order_by(Participant.joined_at)
)


def _participants(meeting: Meeting) -> list[dict]:
    # Plain rows, not entities: the console asks for this list after every push, and with
    # a thousand people building a thousand objects is most of its cost.
    rows = db.session.connection().execute(_PEOPLE, {"meeting_id": meeting.id}).mappings()
    return [participant_payloads.participant_payload(row) for row in rows]


@screens.moderator_screen("console", Audience.MODERATORS)
def console_snapshot(meeting: Meeting) -> dict:
    question = meeting.current_question
    return _with_breakout(
        meeting,
        {
            **_common(meeting),
            "questions": [meeting_payloads.question_payload(q) for q in meeting.questions],
            "participants": _participants(meeting),
            "answers": [
                payloads.public_answer_payload(meeting, answer)
                for answer in (answers_to(question, include_hidden=True) if question else [])
            ],
            "progress": progress(question) if question else None,
            # Moderators see a ballot question's results live, whatever the room sees.
            "results": tally.results_for(question) if _is_ballot(question) else None,
            "limits": {"question": current_app.config["MAX_QUESTION_LENGTH"]},
            "floor": console_floor(question),
        },
    )


def participant_count(meeting_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Participant).where(Participant.meeting_id == meeting_id)
    )


def projector_people(meeting: Meeting) -> dict:
    """Who the lobby lists: by name where answers are attributed, otherwise only how many joined.
    In an anonymous meeting a wall of names (or a list of ids) would be a roll call to set against
    everything else the room sees."""
    if meeting.attribution in (Attribution.NAMED, Attribution.AFFILIATION):
        people = _participants(meeting)
        return {"participants": people, "participant_count": len(people)}
    return {"participants": [], "participant_count": participant_count(meeting.id)}


def projector_joined(meeting: Meeting, participant: Participant) -> dict:
    """The projector's participant_joined frame, by the same rule as projector_people."""
    if meeting.attribution in (Attribution.NAMED, Attribution.AFFILIATION):
        return {"participant": participant_payloads.participant_payload(participant)}
    return {"participant": None, "participant_count": participant_count(meeting.id)}


@screens.moderator_screen("projector", Audience.PROJECTOR)
def projector_snapshot(meeting: Meeting) -> dict:
    question = meeting.current_question
    show_answers = meeting.projector_shows_answers and question is not None
    return _with_breakout(
        meeting,
        {
            **_common(meeting),
            **projector_people(meeting),
            "answers": [
                payloads.public_answer_payload(meeting, answer)
                for answer in (answers_to(question, include_hidden=False) if show_answers else [])
            ],
            "progress": progress(question) if question else None,
            "question_is_open": question is not None and question.status == QuestionStatus.OPEN,
            "results": (
                tally.results_for(question)
                if _is_ballot(question) and tally.projector_may_see(meeting, question)
                else None
            ),
            "floor": projector_floor(question),
        },
    )
