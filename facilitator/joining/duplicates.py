"""Identities that are likely one person who joined again with a fresh cookie: the same name
(after normalisation) from the same network (the keyed digest of the join address), minutes apart.

In an open meeting nobody can be stopped from joining twice; this makes it visible, and keeps a
second identity from landing in another breakout group than the first (breakouts/service.py)
and lets the moderator merge them (moderation/).
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta

from sqlalchemy import select

from facilitator.extensions import db
from facilitator.joining.models import Participant

# Joins further apart than this are more likely two people sharing a name on one Wi-Fi.
WITHIN = timedelta(minutes=90)


def name_key(participant: Participant) -> str:
    """'Ána  B.' and 'ana b' are the same name; digits and punctuation do not count."""
    raw = " ".join([participant.display_name, participant.country, participant.organisation])
    decomposed = unicodedata.normalize("NFKD", raw)
    return "".join(ch for ch in decomposed.casefold() if ch.isalpha())


def _identity(participant: Participant) -> tuple[str, str] | None:
    key = name_key(participant)
    if not key or not participant.join_address_hash:
        return None
    return participant.join_address_hash, key


def likely_duplicates(meeting_id: int) -> list[list[Participant]]:
    """Clusters of two or more identities, oldest first in each."""
    people = db.session.scalars(
        select(Participant).where(Participant.meeting_id == meeting_id).order_by(Participant.joined_at)
    ).all()
    by_identity: dict[tuple[str, str], list[list[Participant]]] = {}
    for person in people:
        identity = _identity(person)
        if identity is None:
            continue
        chains = by_identity.setdefault(identity, [])
        if chains and person.joined_at - chains[-1][-1].joined_at <= WITHIN:
            chains[-1].append(person)
        else:
            chains.append([person])
    return [chain for chains in by_identity.values() for chain in chains if len(chain) > 1]


def earlier_twins(participant: Participant) -> list[int]:
    """Ids of identities that are likely the same person and joined before this one."""
    identity = _identity(participant)
    if identity is None:
        return []
    candidates = db.session.scalars(
        select(Participant).where(
            Participant.meeting_id == participant.meeting_id,
            Participant.join_address_hash == participant.join_address_hash,
            Participant.id < participant.id,
        )
    ).all()
    return [other.id for other in candidates if _identity(other) == identity]
