"""Socket.IO room names: the one place they are spelled."""

from __future__ import annotations

from enum import StrEnum


class Audience(StrEnum):
    MODERATORS = "moderators"
    PARTICIPANTS = "participants"
    PROJECTOR = "projector"


def meeting_room(meeting_id: int, audience: Audience) -> str:
    return f"meeting:{meeting_id}:{audience}"


def participant_room(participant_id: int) -> str:
    """Every connection of one participant: two tabs on one phone stay in step."""
    return f"participant:{participant_id}"


def group_room(group_id: int) -> str:
    """The members of one breakout group: the only phones that see its wall while it works."""
    return f"group:{group_id}"


# The synthesis page listens in a namespace of its own: phones and consoles never join it.
SYNTHESIS_NAMESPACE = "/synthesis"


def synthesis_room(meeting_id: int) -> str:
    """Every open synthesis page of a meeting (its moderator and rapporteurs)."""
    return f"synthesis:{meeting_id}"
