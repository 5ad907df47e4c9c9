"""Socket events of ballot questions: a phone casts, changes or withdraws its ballot; the moderator
decides when the room sees the results. Each checks who asks, validates, changes, commits,
broadcasts."""

from __future__ import annotations

from flask import request

from facilitator.answers.ballots import ballot_payload
from facilitator.answers.models import Ballot
from facilitator.extensions import socketio
from facilitator.joining.models import Participant
from facilitator.meetings import payloads as meeting_payloads
from facilitator.plenary import ballots, results
from facilitator.plenary.progress import progress_changed
from facilitator.realtime.connections import Connection
from facilitator.realtime.handlers import live_event, meeting_of, participant_of
from facilitator.realtime.rooms import participant_room
from facilitator.transactions import commit_keeping_state


def _changed(participant: Participant, ballot: Ballot) -> None:
    commit_keeping_state()
    # The phone's other tabs; the tab that sent the change has its acknowledgement.
    socketio.emit(
        "my_ballot_changed", ballot_payload(ballot), to=participant_room(participant.id), skip_sid=request.sid
    )
    results.ballots_changed(participant.meeting_id, ballot.question_id, ballot.group_id)
    if ballot.group_id is None:
        # "N of M answered" counts ballots too; coalesced like the answers' count.
        progress_changed(participant.meeting_id, ballot.question_id)


@live_event("cast_ballot", "participant")
def cast_ballot(connection: Connection, payload: dict) -> dict:
    participant = participant_of(connection)
    ballot, stored = ballots.cast_ballot(participant, payload)
    if stored:
        _changed(participant, ballot)
    return {"ballot": ballot_payload(ballot), "duplicate": not stored}


@live_event("withdraw_ballot", "participant")
def withdraw_ballot(connection: Connection, payload: dict) -> dict:
    participant = participant_of(connection)
    ballot, stored = ballots.withdraw_ballot(participant, payload)
    if stored:
        _changed(participant, ballot)
    return {"ballot": ballot_payload(ballot), "duplicate": not stored}


@live_event("set_results_visibility", "moderator")
def set_results_visibility(connection: Connection, payload: dict) -> dict:
    meeting = meeting_of(connection)
    question = ballots.set_results_visibility(meeting, payload)
    commit_keeping_state()
    results.visibility_changed(meeting, question)
    return {"question": meeting_payloads.question_payload(question)}
