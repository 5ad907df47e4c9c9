"""The server moves a phone's sockets between group rooms itself: a phone that never syncs
(asleep, on a slow network) still stops hearing a group it has left.

In process here; tests/breakouts/test_group_rooms_across_processes.py does the same on real
servers, the phone on another process than the moderator.
"""

from __future__ import annotations

from datetime import timedelta

from facilitator.breakouts import clock
from facilitator.breakouts.group_rooms import GROUP_ROOM_KEY
from facilitator.breakouts.models import BreakoutRound
from facilitator.extensions import db, socketio
from facilitator.realtime.rooms import group_room
from tests.breakouts.test_rounds import ack, breakout, open_round  # noqa: F401  (breakout is a fixture)
from tests.conftest import forget, phone_browser, received, socket_for


def post(phone, world, client_id: str, text: str) -> None:
    payload = {"question_id": world.question_ids[0], "client_id": client_id, "text": text}
    assert ack(phone, "submit_answer", payload)["ok"]


def wall_texts(phone) -> list[str]:
    return [answer["text"] for answer in received(phone, "wall_answer_changed")]


def group_rooms_in_use() -> set[str]:
    return {room for room in socketio.server.manager.rooms.get("/", {}) if str(room).startswith("group:")}


def test_a_moved_phone_hears_its_new_group_and_not_its_old_one(breakout):  # noqa: F811
    world, _round_id, cockpit, phones, (group_a, members_a), (group_b, members_b) = breakout
    mover, stays, other = members_a[0], members_a[1], members_b[0]
    assert ack(cockpit, "move_member", {"participant_id": mover, "group_id": group_b})["ok"]
    forget(phones[mover])

    post(phones[stays], world, "old-wall-0001", "Said in the old group")
    post(phones[other], world, "new-wall-0001", "Said in the new group")

    assert wall_texts(phones[mover]) == ["Said in the new group"]


def test_the_socket_remembers_the_room_it_was_moved_to(breakout):  # noqa: F811
    """The socket's session names its group room (the next sync leaves that room): a move
    updates it, so a sync after moves back and forth leaves the phone in one room only."""
    world, _round_id, cockpit, phones, (group_a, members_a), (group_b, members_b) = breakout
    mover, stays, other = members_a[0], members_a[1], members_b[0]
    sid = socketio.server.manager.sid_from_eio_sid(phones[mover].eio_sid, "/")
    assert ack(cockpit, "move_member", {"participant_id": mover, "group_id": group_b})["ok"]
    assert socketio.server.get_environ(sid, "/")["saved_session"][GROUP_ROOM_KEY] == group_room(group_b)
    assert ack(cockpit, "move_member", {"participant_id": mover, "group_id": group_a})["ok"]
    assert ack(phones[mover], "sync")["snapshot"]["breakout"]["group"]["id"] == group_a
    forget(phones[mover])

    post(phones[other], world, "new-wall-0002", "Left behind")
    post(phones[stays], world, "old-wall-0002", "Back home")

    assert wall_texts(phones[mover]) == ["Back home"]
    assert [room for room in socketio.server.manager.get_rooms(sid, "/") if room.startswith("group:")] == [
        group_room(group_a)
    ]


def test_closing_a_round_empties_its_group_rooms(breakout):  # noqa: F811
    world, round_id, cockpit, phones, (group_a, _), (group_b, _) = breakout
    assert {group_room(group_a), group_room(group_b)} <= group_rooms_in_use()
    assert ack(cockpit, "close_round")["ok"]
    assert not {group_room(group_a), group_room(group_b)} & group_rooms_in_use()


def test_a_round_closed_by_its_timer_empties_its_group_rooms(breakout):  # noqa: F811
    world, round_id, cockpit, phones, (group_a, _), (group_b, _) = breakout
    clock.tick(db.session.get(BreakoutRound, round_id).ends_at + timedelta(seconds=1))
    assert not {group_room(group_a), group_room(group_b)} & group_rooms_in_use()


def test_a_phone_that_chooses_its_group_hears_it_at_once(app, make_meeting):
    world = make_meeting(phones=3)
    round_ = open_round(world, mode="self_select", groups=2)
    group_id = round_.groups[0].id
    phones = [socket_for(app, phone_browser(app, phone), "phone", world.join_code) for phone in world.phones]
    for phone in phones:
        assert ack(phone, "choose_group", {"group_id": group_id})["ok"]
    forget(phones[0])
    post(phones[1], world, "chosen-0001", "Welcome")
    assert wall_texts(phones[0]) == ["Welcome"]
