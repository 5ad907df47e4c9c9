"""Socket events of questions from the floor: phones ask and vote, the moderator opens the floor,
moderates and merges. Each checks who asks, validates, changes, commits, then tells the screens.
A phone withdraws its own question with delete_answer, as it does a written answer."""

from __future__ import annotations

from flask import current_app, request
from flask_babel import gettext as _

from facilitator.answers import floor
from facilitator.meetings import payloads as meeting_payloads
from facilitator.plenary import broadcasts
from facilitator.plenary import floor as plenary_floor
from facilitator.realtime.connections import Connection
from facilitator.realtime.handlers import live_event, meeting_of, participant_of
from facilitator.transactions import commit_keeping_state


@live_event("open_floor", "moderator")
def open_floor(connection: Connection, payload: dict) -> dict:
    meeting = meeting_of(connection)
    text = payload.get("text")
    if text is None or (isinstance(text, str) and not text.strip()):
        text = _("Questions from the floor")
    question = plenary_floor.open_floor(
        meeting, text, payload.get("premoderation", False), current_app.config["MAX_QUESTION_LENGTH"]
    )
    commit_keeping_state()
    broadcasts.question_changed(meeting, "question_opened", question, fresh=True)
    return {"question": meeting_payloads.question_payload(question)}


@live_event("ask_floor", "participant")
def ask_floor(connection: Connection, payload: dict) -> dict:
    participant = participant_of(connection)
    item, created = plenary_floor.ask(
        participant,
        payload.get("question_id"),
        payload.get("client_id"),
        payload.get("text"),
        payload.get("anonymous", False),
        current_app.config["MAX_ANSWER_LENGTH"],
    )
    if created:
        commit_keeping_state()
        plenary_floor.item_changed(participant.meeting, item, skip_sid=request.sid)
    return {"item": plenary_floor.own_item(item), "duplicate": not created}


@live_event("support_floor", "participant")
def support_floor(connection: Connection, payload: dict) -> dict:
    participant = participant_of(connection)
    supported = payload.get("supported")
    item, votes = plenary_floor.support(participant, payload.get("item_id"), supported)
    commit_keeping_state()
    plenary_floor.vote_changed(participant, item, supported, skip_sid=request.sid)
    return {"item_id": item.id, "supported": supported, "votes": votes}


@live_event("moderate_floor", "moderator")
def moderate_floor(connection: Connection, payload: dict) -> dict:
    meeting = meeting_of(connection)
    item = floor.floor_item_in(meeting, payload.get("item_id"))
    floor.moderate(item, payload.get("action"))
    commit_keeping_state()
    plenary_floor.item_changed(meeting, item)
    return {"floor": plenary_floor.console_floor(item.question)}


@live_event("merge_floor", "moderator")
def merge_floor(connection: Connection, payload: dict) -> dict:
    meeting = meeting_of(connection)
    source = floor.floor_item_in(meeting, payload.get("item_id"))
    target = floor.floor_item_in(meeting, payload.get("into_id"))
    floor.merge(source, target)
    commit_keeping_state()
    # The duplicate's author loses an item of theirs; its voters learn where their votes went
    # from the room's next list.
    plenary_floor.item_changed(meeting, source)
    return {"floor": plenary_floor.console_floor(source.question)}
