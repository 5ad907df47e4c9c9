"""What screens receive about a participant."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from facilitator.joining.models import Participant

PARTICIPANT_FIELDS = ("id", "display_name", "country", "organisation", "language")


def participant_payload(participant: Participant | Mapping[str, Any]) -> dict:
    """From a participant or from a row of its columns (the console's list of everyone)."""
    if isinstance(participant, Mapping):
        return {name: participant[name] for name in PARTICIPANT_FIELDS}
    return {name: getattr(participant, name) for name in PARTICIPANT_FIELDS}
