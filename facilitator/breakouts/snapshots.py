"""Breakout state for the moderator's cockpit and the projector, read from the database."""

from __future__ import annotations

from facilitator.breakouts import payloads
from facilitator.breakouts.cockpit import cockpit
from facilitator.breakouts.models import BreakoutGroup, RoundStatus
from facilitator.extensions import db
from facilitator.meetings.models import Meeting
from facilitator.realtime import screens
from facilitator.realtime.rooms import Audience
from facilitator.timeutil import isoformat_utc, utcnow


@screens.moderator_screen("cockpit", Audience.MODERATORS)
def cockpit_snapshot(meeting: Meeting) -> dict:
    round_ = meeting.current_round
    return {
        "revision": meeting.revision,
        "server_time": isoformat_utc(utcnow()),
        "meeting": {
            "title": meeting.title,
            "join_code": meeting.join_code,
            "attribution": meeting.attribution,
        },
        "cockpit": cockpit(meeting, round_) if round_ is not None else None,
    }


def wall_state(meeting: Meeting) -> dict | None:
    """The round as the projector and the console show it: the timer, messages, report-back."""
    round_ = meeting.current_round
    if round_ is None:
        return None
    state = {
        "round": payloads.round_payload(round_),
        "messages": payloads.messages_for(round_, None) if round_.status == RoundStatus.OPEN else [],
        "report": None,
        "groups": [{"id": g.id, "name": g.name} for g in round_.groups],
    }
    if round_.report_group_id is not None:
        state["report"] = payloads.report(meeting, db.session.get(BreakoutGroup, round_.report_group_id))
    return state
