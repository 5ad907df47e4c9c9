"""Moderators' socket events on people: remove, hide all answers, list and merge likely duplicates."""

from __future__ import annotations

from facilitator.extensions import db
from facilitator.joining import duplicates
from facilitator.moderation import broadcasts, service
from facilitator.realtime.connections import Connection
from facilitator.realtime.handlers import live_event, meeting_of


@live_event("likely_duplicates", "moderator")
def likely_duplicates(connection: Connection, payload: dict) -> dict:
    meeting = meeting_of(connection)
    clusters = duplicates.likely_duplicates(meeting.id)
    return {
        "duplicates": [
            [
                {"id": p.id, "display_name": p.display_name, "joined_at": p.joined_at.isoformat()}
                for p in chain
            ]
            for chain in clusters
        ]
    }


@live_event("remove_participant", "moderator")
def remove_participant(connection: Connection, payload: dict) -> dict:
    meeting = meeting_of(connection)
    participant = service.participant_in(meeting, payload.get("participant_id"))
    participant_id = participant.id
    touched = service.remove(meeting, participant)
    db.session.commit()
    broadcasts.disconnect_phones(touched, participant_id)
    broadcasts.contributions_changed(meeting, touched)
    return {"participant_id": participant_id}


@live_event("hide_participant_answers", "moderator")
def hide_participant_answers(connection: Connection, payload: dict) -> dict:
    meeting = meeting_of(connection)
    participant = service.participant_in(meeting, payload.get("participant_id"))
    touched = service.hide_all_answers(meeting, participant)
    db.session.commit()
    broadcasts.contributions_changed(meeting, touched, participant.id)
    return {"participant_id": participant.id}


@live_event("merge_participants", "moderator")
def merge_participants(connection: Connection, payload: dict) -> dict:
    meeting = meeting_of(connection)
    kept = service.participant_in(meeting, payload.get("keep_id"))
    duplicate = service.participant_in(meeting, payload.get("merge_id"))
    kept_id, duplicate_id = kept.id, duplicate.id
    touched = service.merge(meeting, kept, duplicate)
    db.session.commit()
    broadcasts.disconnect_phones(touched, duplicate_id)
    broadcasts.contributions_changed(meeting, touched, kept_id)
    return {"participant_id": kept_id}
