"""Socket.IO events of breakout rounds. Every handler finds the round, the group and the
role from server-side state: a phone can only ever act in its own group."""

from __future__ import annotations

from flask import current_app

from facilitator.breakouts import broadcasts, group_rooms
from facilitator.breakouts import service as breakouts
from facilitator.breakouts.models import BreakoutRound
from facilitator.breakouts.payloads import questions_payload, summaries, summary_payload, wall
from facilitator.errors import N_
from facilitator.extensions import db
from facilitator.meetings.models import Meeting
from facilitator.realtime.connections import Connection
from facilitator.realtime.handlers import live_event, meeting_of, participant_of
from facilitator.transactions import commit_keeping_state

MAX_SUMMARY_LENGTH = 10_000


def _running(meeting: Meeting) -> BreakoutRound:
    round_ = breakouts.running_round(meeting)
    if round_ is None:
        raise breakouts.BreakoutError(N_("No breakout round is running."))
    return round_


def _my_group(connection: Connection):
    participant = participant_of(connection)
    round_ = _running(participant.meeting)
    member = breakouts.membership(round_, participant)
    if member is None:
        raise breakouts.BreakoutError(N_("You are not in a group yet."))
    return participant, member.group


# Phones


@live_event("choose_group", "participant")
def choose_group(connection: Connection, payload: dict) -> dict:
    participant = participant_of(connection)
    round_ = _running(participant.meeting)
    group = breakouts.choose_group(round_, participant, payload.get("group_id"))
    commit_keeping_state()
    group_rooms.move_participant(participant.id, None, group.id)
    broadcasts.membership_changed(participant.meeting_id, participant.id, group.id)
    return {"group_id": group.id}


@live_event("volunteer", "participant")
def volunteer(connection: Connection, payload: dict) -> dict:
    participant, group = _my_group(connection)
    breakouts.volunteer(group, participant)
    commit_keeping_state()
    broadcasts.group_changed(participant.meeting_id, group.id)
    return {}


@live_event("vote", "participant")
def vote(connection: Connection, payload: dict) -> dict:
    participant, group = _my_group(connection)
    votes = breakouts.toggle_vote(group, participant, payload.get("answer_id"), payload.get("supported"))
    commit_keeping_state()
    broadcasts.votes_changed(participant.meeting_id, group.id, payload["answer_id"], votes)
    return {"answer_id": payload["answer_id"], "votes": votes, "supported": payload["supported"]}


@live_event("save_summary", "participant")
def save_summary(connection: Connection, payload: dict) -> dict:
    participant, group = _my_group(connection)
    if group.rapporteur_id != participant.id:
        raise breakouts.BreakoutError(N_("Only the group's rapporteur writes the summary."))
    try:
        summary = breakouts.save_summary(
            group,
            payload.get("question_id"),
            payload.get("text"),
            payload.get("base_version"),
            MAX_SUMMARY_LENGTH,
        )
    except breakouts.SummaryConflict as conflict:
        conflict.details = {"conflict": True, "summary": summary_payload(conflict.summary)}
        raise
    commit_keeping_state()
    broadcasts.summary_saved(participant.meeting_id, summary)
    return {"summary": summary_payload(summary)}


@live_event("ask_help", "participant")
def ask_help(connection: Connection, payload: dict) -> dict:
    participant, group = _my_group(connection)
    breakouts.ask_help(group, participant)
    commit_keeping_state()
    broadcasts.help_changed(participant.meeting_id, group, requested=True)
    return {}


# Moderators


@live_event("close_round", "moderator")
def close_round(connection: Connection, payload: dict) -> dict:
    meeting = meeting_of(connection)
    round_ = _running(meeting)
    if breakouts.close_round(round_.id):
        db.session.commit()
        group_rooms.round_closed(round_)
        broadcasts.phase_changed(meeting)
    return {}


@live_event("adjust_time", "moderator")
def adjust_time(connection: Connection, payload: dict) -> dict:
    meeting = meeting_of(connection)
    round_ = breakouts.adjust_time(_running(meeting), payload.get("minutes"))
    commit_keeping_state()
    broadcasts.timer_changed(meeting.id, round_)
    return {}


@live_event("broadcast", "moderator")
def broadcast(connection: Connection, payload: dict) -> dict:
    meeting = meeting_of(connection)
    message = breakouts.broadcast(
        _running(meeting),
        payload.get("text"),
        payload.get("group_id"),
        current_app.config["MAX_ANSWER_LENGTH"],
    )
    commit_keeping_state()
    broadcasts.message_sent(meeting.id, message)
    return {}


@live_event("move_member", "moderator")
def move_member(connection: Connection, payload: dict) -> dict:
    meeting = meeting_of(connection)
    member, previous = breakouts.move_member(
        _running(meeting), payload.get("participant_id"), payload.get("group_id")
    )
    commit_keeping_state()
    # Out of the old group's room before anything more is said there.
    group_rooms.move_participant(member.participant_id, previous, member.group_id)
    broadcasts.membership_changed(meeting.id, member.participant_id, previous, member.group_id)
    return {}


@live_event("set_rapporteur", "moderator")
def set_rapporteur(connection: Connection, payload: dict) -> dict:
    meeting = meeting_of(connection)
    group = breakouts.set_rapporteur(
        _running(meeting), payload.get("group_id"), payload.get("participant_id")
    )
    commit_keeping_state()
    broadcasts.group_changed(meeting.id, group.id)
    return {}


@live_event("resolve_help", "moderator")
def resolve_help(connection: Connection, payload: dict) -> dict:
    meeting = meeting_of(connection)
    group = breakouts.resolve_help(_running(meeting), payload.get("group_id"))
    commit_keeping_state()
    broadcasts.help_changed(meeting.id, group, requested=False)
    return {}


@live_event("group_detail", "moderator")
def group_detail(connection: Connection, payload: dict) -> dict:
    """Any group's wall and summaries, live, for the moderator (hidden answers included)."""
    meeting = meeting_of(connection)
    if meeting.current_round is None:
        raise breakouts.BreakoutError(N_("No breakout round is running."))
    group = breakouts.group_in(meeting.current_round, payload.get("group_id"))
    return {
        "group": {"id": group.id, "name": group.name},
        "questions": questions_payload(group.question_ids),
        "answers": wall(meeting, group, include_hidden=True),
        "summaries": summaries(group),
    }


@live_event("show_report", "moderator")
def show_report(connection: Connection, payload: dict) -> dict:
    meeting = meeting_of(connection)
    breakouts.show_report(meeting, payload.get("group_id"))
    commit_keeping_state()
    broadcasts.phase_changed(meeting)
    return {}


@live_event("publish_walls", "moderator")
def publish_walls(connection: Connection, payload: dict) -> dict:
    meeting = meeting_of(connection)
    breakouts.publish_walls(meeting, payload.get("published"))
    commit_keeping_state()
    broadcasts.phase_changed(meeting)
    return {}


@live_event("end_report_back", "moderator")
def end_report_back(connection: Connection, payload: dict) -> dict:
    meeting = meeting_of(connection)
    breakouts.end_report_back(meeting)
    commit_keeping_state()
    broadcasts.phase_changed(meeting)
    return {}
