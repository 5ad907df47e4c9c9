"""One snapshot per screen, and what a phone's connection sets up: registered by the features.

The socket layer knows the screens only by name. The plenary registers the phone, the console and
the projector; the breakouts register the cockpit and put a phone in its group's room. Nothing here
imports a feature, so that the dependencies run one way: features on top of the socket layer.
"""

from __future__ import annotations

from collections.abc import Callable

from facilitator.joining.models import Participant
from facilitator.meetings.models import Meeting
from facilitator.realtime.rooms import Audience

PhoneSnapshot = Callable[[Participant], dict]
MeetingSnapshot = Callable[[Meeting], dict]

_phone_snapshot: list[PhoneSnapshot] = []
_moderator_snapshots: dict[str, tuple[Audience, MeetingSnapshot]] = {}
_phone_setup: list[Callable[[Participant], None]] = []


def phone_screen(builder: PhoneSnapshot) -> PhoneSnapshot:
    """The phone's whole state; exactly one feature registers it."""
    _phone_snapshot[:] = [builder]
    return builder


def moderator_screen(view: str, audience: Audience) -> Callable[[MeetingSnapshot], MeetingSnapshot]:
    """A screen the meeting's owner opens; its sockets join the room of `audience`."""

    def register(builder: MeetingSnapshot) -> MeetingSnapshot:
        _moderator_snapshots[view] = (audience, builder)
        return builder

    return register


def on_phone_sync(setup: Callable[[Participant], None]) -> Callable[[Participant], None]:
    """Runs on every phone connect and sync, before its snapshot (a breakout group's room, say)."""
    _phone_setup.append(setup)
    return setup


def phone_snapshot(participant: Participant) -> dict:
    return _phone_snapshot[0](participant)


def prepare_phone(participant: Participant) -> None:
    for setup in _phone_setup:
        setup(participant)


def moderator_audience(view: object) -> Audience | None:
    """The room a moderator's screen joins, or None for a view nobody registered."""
    entry = _moderator_snapshots.get(view) if isinstance(view, str) else None
    return entry[0] if entry else None


def moderator_snapshot(view: str, meeting: Meeting) -> dict:
    return _moderator_snapshots[view][1](meeting)
