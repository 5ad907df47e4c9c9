"""Who may read and curate a meeting's synthesis and export its report, decided from the login
session or the participant cookie, never from the request.

The meeting's moderator sees and does everything. A rapporteur reads what their phone could read
anyway: the groups they belong to (or report for), and every group of a round whose walls the
moderator has opened to everyone. Plenary answers and other groups' answers, summaries and names
stay out of a rapporteur's view until every round's walls are open ("the whole view"). Curating
the themes and downloading the report need the whole view and the meeting's setting
"Rapporteurs may edit the synthesis", which is off unless the moderator ticks it.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from sqlalchemy import or_, select

from facilitator.accounts.auth import current_moderator
from facilitator.breakouts.models import BreakoutGroup, BreakoutRound, GroupMember
from facilitator.breakouts.service import is_rapporteur
from facilitator.extensions import db
from facilitator.joining.identity import participant_for, request_token
from facilitator.joining.models import Participant
from facilitator.meetings.models import Meeting


@dataclass(frozen=True)
class Curator:
    meeting: Meeting
    is_moderator: bool
    # Breakout groups whose answers and summaries this reader may see; None: everything, plenary too.
    groups: frozenset[int] | None = None
    may_curate: bool = False

    @property
    def sees_everything(self) -> bool:
        return self.groups is None

    @property
    def may_export(self) -> bool:
        # A report is the whole meeting: only a reader who may see and shape all of it gets one.
        return self.may_curate

    def sees_group(self, group_id: int | None) -> bool:
        if self.groups is None:
            return True
        return group_id is not None and group_id in self.groups


def readable_groups(meeting: Meeting, participant: Participant) -> frozenset[int] | None:
    """The groups a rapporteur may read in the synthesis; None once every round's walls are open."""
    rows = db.session.execute(
        select(BreakoutGroup.id, BreakoutRound.walls_published)
        .join(BreakoutRound, BreakoutRound.id == BreakoutGroup.round_id)
        .where(BreakoutRound.meeting_id == meeting.id)
    ).all()
    if rows and all(published for _, published in rows):
        return None
    own = db.session.scalars(
        select(BreakoutGroup.id)
        .join(BreakoutRound, BreakoutRound.id == BreakoutGroup.round_id)
        .outerjoin(
            GroupMember,
            (GroupMember.group_id == BreakoutGroup.id) & (GroupMember.participant_id == participant.id),
        )
        .where(
            BreakoutRound.meeting_id == meeting.id,
            or_(BreakoutGroup.rapporteur_id == participant.id, GroupMember.id.is_not(None)),
        )
    )
    return frozenset(gid for gid, published in rows if published) | frozenset(own)


def curator_for(meeting_id: int) -> Curator | None:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        return None
    moderator = current_moderator()
    if moderator is not None and meeting.owner_id == moderator.id:
        return Curator(meeting, is_moderator=True, may_curate=True)
    participant = participant_for(meeting, request_token())
    if participant is None or not is_rapporteur(participant):
        return None
    groups = readable_groups(meeting, participant)
    return Curator(
        meeting,
        is_moderator=False,
        groups=groups,
        may_curate=groups is None and meeting.rapporteurs_curate,
    )


def curator_or_404(meeting_id: int) -> Curator:
    curator = curator_for(meeting_id)
    # 404 as for every other meeting page: nothing is revealed, not even that the meeting exists.
    if curator is None:
        abort(404)
    return curator


def editor_or_404(meeting_id: int) -> Curator:
    """A reader who may also curate and download: the moderator, or a rapporteur when allowed."""
    curator = curator_or_404(meeting_id)
    if not curator.may_curate:
        abort(404)
    return curator
