"""Socket events of the plenary: answering the question the room is on, and the moderator's
controls of it. Each checks who asks, validates, changes, commits, broadcasts."""

from __future__ import annotations

from flask import current_app, request

from facilitator.answers import payloads
from facilitator.answers import service as answers
from facilitator.errors import N_
from facilitator.extensions import db
from facilitator.meetings import payloads as meeting_payloads
from facilitator.meetings.models import Question, QuestionFormat, QuestionStatus
from facilitator.plenary import broadcasts, service
from facilitator.realtime.connections import Connection
from facilitator.realtime.handlers import live_event, meeting_of, participant_of
from facilitator.transactions import commit_keeping_state


@live_event("submit_answer", "participant")
def submit_answer(connection: Connection, payload: dict) -> dict:
    participant = participant_of(connection)
    answer, created = service.submit_answer(
        participant,
        payload.get("question_id"),
        payload.get("client_id"),
        payload.get("text"),
        current_app.config["MAX_ANSWER_LENGTH"],
        for_group=payload.get("for_group"),
    )
    if created:
        commit_keeping_state()
        broadcasts.answer_changed(participant.meeting, answer, skip_sid=request.sid)
    return {"answer": payloads.own_answer_payload(answer), "duplicate": not created}


@live_event("edit_answer", "participant")
def edit_answer(connection: Connection, payload: dict) -> dict:
    participant = participant_of(connection)
    answer = answers.own_answer(participant, payload.get("client_id"))
    service.require_answer_open(answer)
    if answer.question.format == QuestionFormat.FLOOR:
        # Others voted for what it said: a new text would carry their votes to a question they never saw.
        raise service.PlenaryError(
            N_("A question from the floor cannot be edited: withdraw it and ask again.")
        )
    answers.edit_answer(answer, payload.get("text"), current_app.config["MAX_ANSWER_LENGTH"])
    commit_keeping_state()
    broadcasts.answer_changed(participant.meeting, answer, skip_sid=request.sid)
    return {"answer": payloads.own_answer_payload(answer)}


@live_event("delete_answer", "participant")
def delete_answer(connection: Connection, payload: dict) -> dict:
    participant = participant_of(connection)
    answer = answers.own_answer(participant, payload.get("client_id"))
    service.require_answer_open(answer)
    answers.delete_answer(answer)
    commit_keeping_state()
    broadcasts.answer_changed(participant.meeting, answer, skip_sid=request.sid)
    return {"client_id": answer.client_id}


@live_event("open_question", "moderator")
def open_question(connection: Connection, payload: dict) -> dict:
    meeting = meeting_of(connection)
    fresh = True
    if "text" in payload:
        question = service.open_adhoc_question(
            meeting,
            payload["text"],
            current_app.config["MAX_QUESTION_LENGTH"],
            payload.get("format"),
            payload.get("options", []),
            payload.get("settings"),
        )
    else:
        question_id = payload.get("question_id")
        question = db.session.get(Question, question_id) if answers.valid_id(question_id) else None
        if question is None or question.meeting_id != meeting.id:
            raise service.PlenaryError(N_("This question does not exist."))
        fresh = question.status == QuestionStatus.DRAFT
        service.open_question(meeting, question)
    commit_keeping_state()
    broadcasts.question_changed(meeting, "question_opened", question, fresh=fresh)
    return {"question": meeting_payloads.question_payload(question)}


@live_event("close_question", "moderator")
def close_question(connection: Connection, payload: dict) -> dict:
    meeting = meeting_of(connection)
    question = service.close_current_question(meeting)
    commit_keeping_state()
    broadcasts.question_changed(meeting, "question_closed", question)
    return {"question": meeting_payloads.question_payload(question)}


@live_event("hide_answer", "moderator")
def hide_answer(connection: Connection, payload: dict) -> dict:
    meeting = meeting_of(connection)
    hidden = payload.get("hidden", True)
    if not isinstance(hidden, bool):
        raise service.PlenaryError(N_("This request is malformed."))
    answer = answers.set_answer_hidden(meeting, payload.get("answer_id"), hidden)
    commit_keeping_state()
    broadcasts.answer_changed(meeting, answer)
    return {"answer": payloads.public_answer_payload(meeting, answer)}


@live_event("show_answers_on_projector", "moderator")
def show_answers_on_projector(connection: Connection, payload: dict) -> dict:
    meeting = meeting_of(connection)
    show = payload.get("show")
    if not isinstance(show, bool):
        raise service.PlenaryError(N_("This request is malformed."))
    meeting.projector_shows_answers = show
    commit_keeping_state()
    broadcasts.projector_settings_changed(meeting)
    return {"meeting": meeting_payloads.meeting_payload(meeting)}
