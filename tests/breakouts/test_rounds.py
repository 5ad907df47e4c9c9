"""A breakout round from the server's side: opening, walls, votes, summaries, time, report-back."""

from datetime import timedelta

import pytest

from facilitator.answers.models import Answer, Vote
from facilitator.breakouts import clock, planning
from facilitator.breakouts import service as breakouts
from facilitator.breakouts.models import BreakoutRound, GroupMember, GroupSummary
from facilitator.extensions import db
from facilitator.joining import service as joining
from facilitator.joining.identity import new_token
from facilitator.joining.models import Participant
from facilitator.meetings.models import Meeting
from facilitator.timeutil import utcnow
from tests.conftest import Phone, forget, log_in, phone_browser, received, socket_for


def ack(socket_client, event, payload=None):
    return socket_client.emit(event, payload, callback=True)


def open_round(world, *, groups=2, mode="balanced", minutes=10, **options) -> BreakoutRound:
    meeting = db.session.get(Meeting, world.meeting_id)
    plan = planning.plan_round(
        meeting, mode=mode, question_ids=world.question_ids[:2], groups=groups, seed=7, **options
    )
    round_ = breakouts.open_round(meeting, plan, minutes)
    db.session.commit()
    return round_


def group_of(round_id: int, participant_id: int) -> int | None:
    return db.session.scalar(
        db.select(GroupMember.group_id).where(
            GroupMember.round_id == round_id, GroupMember.participant_id == participant_id
        )
    )


@pytest.fixture
def breakout(app, make_meeting):
    """Six phones, balanced into two groups of three; everyone connected."""
    world = make_meeting(phones=6)
    round_ = open_round(world)
    moderator = app.test_client()
    log_in(moderator, world.moderator_email)
    cockpit = socket_for(app, moderator, "cockpit", world.meeting_id)
    phones = {
        phone.participant_id: socket_for(app, phone_browser(app, phone), "phone", world.join_code)
        for phone in world.phones
    }
    by_group: dict[int, list[int]] = {}
    for phone in world.phones:
        by_group.setdefault(group_of(round_.id, phone.participant_id), []).append(phone.participant_id)
    (first, a), (second, b) = sorted(by_group.items())
    return world, round_.id, cockpit, phones, (first, a), (second, b)


def test_balanced_round_spreads_countries(breakout):
    world, round_id, *_ = breakout
    countries = {}
    for phone in world.phones:
        country = db.session.get(Participant, phone.participant_id).country
        countries.setdefault(group_of(round_id, phone.participant_id), []).append(country)
    for members in countries.values():
        assert len(members) == 3 and len(set(members)) == 3


def test_phone_snapshot_shows_only_its_own_group(breakout):
    _, _, _, phones, (group_a, members_a), (group_b, _) = breakout
    snapshot = ack(phones[members_a[0]], "sync")["snapshot"]
    view = snapshot["breakout"]["group"]
    assert view["id"] == group_a and view["member_count"] == 3
    assert [q["text"] for q in view["questions"]] == ["Guiding question 1?", "Guiding question 2?"]
    assert all(a["group_id"] == group_a for a in view["answers"])


def test_wall_answers_reach_the_group_and_never_another_group(breakout):
    world, _, cockpit, phones, (group_a, members_a), (_, members_b) = breakout
    for socket in phones.values():
        forget(socket)
    forget(cockpit)
    reply = ack(
        phones[members_a[0]],
        "submit_answer",
        {"question_id": world.question_ids[0], "client_id": "wall-00001", "text": "Secret of group A"},
    )
    assert reply["ok"] and reply["answer"]["group_id"] == group_a
    for member in members_a[1:]:
        assert [a["text"] for a in received(phones[member], "wall_answer_changed")] == ["Secret of group A"]
    for member in members_b:
        frames = phones[member].get_received() + phones[member].__dict__.get("log", [])
        assert "Secret of group A" not in repr(frames)
    assert received(cockpit, "wall_answer_changed")[0]["group_id"] == group_a
    # The plenary never sees group answers.
    assert ack(cockpit, "sync_console")["ok"]


def test_question_outside_the_groups_set_is_refused(breakout):
    world, _, _, phones, (_, members_a), _ = breakout
    reply = ack(
        phones[members_a[0]],
        "submit_answer",
        {"question_id": world.question_ids[2], "client_id": "wall-00002", "text": "x"},
    )
    assert reply["ok"] is False and db.session.scalar(db.select(db.func.count()).select_from(Answer)) == 0


def test_votes_one_per_person_and_removable(breakout):
    world, _, _, phones, (group_a, members_a), (_, members_b) = breakout
    ack(
        phones[members_a[0]],
        "submit_answer",
        {"question_id": world.question_ids[0], "client_id": "vote-00001", "text": "Support me"},
    )
    answer_id = db.session.scalar(db.select(Answer.id))
    assert ack(phones[members_a[1]], "vote", {"answer_id": answer_id, "supported": True})["votes"] == 1
    assert ack(phones[members_a[1]], "vote", {"answer_id": answer_id, "supported": True})["votes"] == 1
    assert ack(phones[members_a[2]], "vote", {"answer_id": answer_id, "supported": True})["votes"] == 2
    assert ack(phones[members_a[2]], "vote", {"answer_id": answer_id, "supported": False})["votes"] == 1
    # Another group's member cannot vote on this wall, nor with malformed payloads.
    assert ack(phones[members_b[0]], "vote", {"answer_id": answer_id, "supported": True})["ok"] is False
    assert ack(phones[members_a[1]], "vote", {"answer_id": answer_id, "supported": "yes"})["ok"] is False
    assert ack(phones[members_a[1]], "vote", {"answer_id": str(answer_id), "supported": True})["ok"] is False
    assert db.session.scalar(db.select(db.func.count()).select_from(Vote)) == 1


def test_rapporteur_summary_with_conflicts(breakout):
    world, _, _, phones, (group_a, members_a), _ = breakout
    question = world.question_ids[0]
    payload = {"question_id": question, "text": "Key point", "base_version": 0}
    assert ack(phones[members_a[1]], "save_summary", payload)["ok"] is False  # nobody is rapporteur yet
    assert ack(phones[members_a[0]], "volunteer")["ok"] is True
    assert ack(phones[members_a[1]], "volunteer")["ok"] is False  # the role is taken
    first = ack(phones[members_a[0]], "save_summary", payload)
    assert first["summary"]["version"] == 1
    assert received(phones[members_a[2]], "summary_saved")[-1]["text"] == "Key point"
    # A second editor on the old version is told, and shown the saved text; nothing is overwritten.
    stale = ack(phones[members_a[0]], "save_summary", {**payload, "text": "Other edit"})
    assert stale["ok"] is False and stale["conflict"] is True and stale["summary"]["text"] == "Key point"
    assert db.session.scalar(db.select(GroupSummary.text)) == "Key point"
    assert ack(phones[members_a[1]], "save_summary", {**payload, "base_version": 1})["ok"] is False
    bad = ack(
        phones[members_a[0]],
        "save_summary",
        {"question_id": world.question_ids[2], "text": "x", "base_version": 1},
    )
    assert bad["ok"] is False


def test_help_broadcast_and_time(breakout):
    world, round_id, cockpit, phones, (group_a, members_a), (group_b, members_b) = breakout
    assert ack(phones[members_a[0]], "ask_help")["ok"]
    assert received(cockpit, "help_changed")[-1] == {
        "group_id": group_a,
        "group": "Group 1",
        "requested": True,
    }
    snapshot = ack(cockpit, "sync_console")["snapshot"]["cockpit"]
    assert [g["help_since"] is not None for g in snapshot["groups"]] == [True, False]
    assert ack(cockpit, "resolve_help", {"group_id": group_a})["ok"]
    assert ack(cockpit, "broadcast", {"text": "Five minutes left", "group_id": None})["ok"]
    assert ack(cockpit, "broadcast", {"text": "Only B", "group_id": group_b})["ok"]
    assert [m["text"] for m in received(phones[members_a[0]], "message_broadcast")] == ["Five minutes left"]
    assert [m["text"] for m in received(phones[members_b[0]], "message_broadcast")] == [
        "Five minutes left",
        "Only B",
    ]
    before = db.session.get(BreakoutRound, round_id).ends_at
    assert ack(cockpit, "adjust_time", {"minutes": 5})["ok"]
    db.session.expire_all()
    assert db.session.get(BreakoutRound, round_id).ends_at - before == timedelta(minutes=5)
    assert received(phones[members_a[0]], "timer_changed")
    for minutes in (0, 500, "5", True):
        assert ack(cockpit, "adjust_time", {"minutes": minutes})["ok"] is False


def test_moderator_moves_a_member_and_the_phone_follows(breakout):
    _, round_id, cockpit, phones, (group_a, members_a), (group_b, _) = breakout
    mover = members_a[0]
    forget(phones[mover])
    assert ack(cockpit, "move_member", {"participant_id": mover, "group_id": group_b})["ok"]
    assert group_of(round_id, mover) == group_b
    assert received(phones[mover], "group_changed")
    assert ack(phones[mover], "sync")["snapshot"]["breakout"]["group"]["id"] == group_b
    assert ack(cockpit, "move_member", {"participant_id": 10**6, "group_id": group_b})["ok"] is False


def test_phone_events_are_refused_to_moderators_and_moderator_events_to_phones(breakout):
    _, _, cockpit, phones, (group_a, members_a), _ = breakout
    phone = phones[members_a[0]]
    for event in (
        "close_round",
        "adjust_time",
        "broadcast",
        "move_member",
        "set_rapporteur",
        "resolve_help",
        "group_detail",
        "show_report",
        "publish_walls",
        "end_report_back",
    ):
        assert ack(phone, event, {"group_id": group_a, "minutes": 5, "text": "x"})["ok"] is False, event
    for event in ("choose_group", "volunteer", "vote", "save_summary", "ask_help"):
        assert ack(cockpit, event, {})["ok"] is False, event
    assert (
        breakouts.running_round(db.session.get(Meeting, db.session.scalar(db.select(Meeting.id)))) is not None
    )


def test_another_meetings_moderator_sees_nothing(app, breakout, make_meeting):
    _, _, _, _, (group_a, _), _ = breakout
    other = make_meeting()
    browser = app.test_client()
    log_in(browser, other.moderator_email)
    foreign = socket_for(app, browser, "cockpit", other.meeting_id)
    assert ack(foreign, "group_detail", {"group_id": group_a})["ok"] is False
    assert ack(foreign, "move_member", {"participant_id": 1, "group_id": group_a})["ok"] is False


def test_late_joiner_goes_to_the_smallest_group(app, breakout):
    world, round_id, *_ = breakout
    meeting = db.session.get(Meeting, world.meeting_id)
    first_group = meeting.current_round.groups[0].id
    # Make group 1 the smaller one: the late joiner must land there, not in group 2.
    db.session.delete(db.session.scalar(db.select(GroupMember).where(GroupMember.group_id == first_group)))
    db.session.commit()
    token = new_token()
    late = joining.join(meeting, token, {"display_name": "Later"})
    socket = socket_for(app, phone_browser(app, Phone(late.id, token)), "phone", world.join_code)
    view = received(socket, "snapshot")[0]["breakout"]["group"]
    assert view["id"] == first_group == group_of(round_id, late.id)


def test_closing_by_timer_happens_once_and_returns_phones_to_plenary(breakout):
    world, round_id, cockpit, phones, (group_a, members_a), _ = breakout
    for socket in phones.values():
        forget(socket)
    due = db.session.get(BreakoutRound, round_id).ends_at
    clock.tick(due - timedelta(seconds=59))  # the last minute has begun: one warning
    clock.tick(due - timedelta(seconds=30))
    assert len(received(phones[members_a[0]], "round_warning")) == 1
    clock.tick(due)
    clock.tick(due + timedelta(seconds=1))
    assert len(received(phones[members_a[0]], "phase_changed")) == 1
    db.session.expire_all()
    assert db.session.get(BreakoutRound, round_id).status == "closed"
    snapshot = ack(phones[members_a[0]], "sync")["snapshot"]
    assert snapshot["breakout"]["group"] is None and snapshot["breakout"]["round"]["status"] == "closed"
    late = ack(
        phones[members_a[0]],
        "submit_answer",
        {"question_id": world.question_ids[0], "client_id": "late-00001", "text": "one second late"},
    )
    assert late["ok"] is False and "too late" in late["error"]


def test_round_timer_survives_a_restart(app, make_meeting):
    """The deadline is in the database: a fresh process closes an overdue round at once."""
    world = make_meeting(phones=2)
    round_id = open_round(world, minutes=1).id
    db.session.remove()
    clock.tick(utcnow() + timedelta(minutes=2))
    assert db.session.get(BreakoutRound, round_id).status == "closed"
    assert breakouts.close_round(round_id) is False


def test_report_back_and_published_walls(breakout):
    world, round_id, cockpit, phones, (group_a, members_a), (group_b, members_b) = breakout
    supported = ack(
        phones[members_a[0]],
        "submit_answer",
        {"question_id": world.question_ids[0], "client_id": "rep-000001", "text": "A1"},
    )["answer"]["id"]
    ack(
        phones[members_a[0]],
        "submit_answer",
        {"question_id": world.question_ids[0], "client_id": "rep-000002", "text": "Nobody's pick"},
    )
    assert ack(phones[members_a[1]], "vote", {"answer_id": supported, "supported": True})["ok"]
    ack(phones[members_a[0]], "volunteer")
    ack(
        phones[members_a[0]],
        "save_summary",
        {"question_id": world.question_ids[0], "text": "A summary", "base_version": 0},
    )
    assert ack(cockpit, "show_report", {"group_id": group_a})["ok"] is False  # not while running
    assert ack(cockpit, "close_round")["ok"]
    assert ack(cockpit, "show_report", {"group_id": group_a})["ok"]
    report = ack(phones[members_b[0]], "sync")["snapshot"]["breakout"]["report"]
    assert report["group"]["id"] == group_a
    assert report["questions"][0]["summary"] == "A summary"
    # The same rule as the synthesis and the report: only what someone supported.
    assert [a["text"] for a in report["questions"][0]["top_answers"]] == ["A1"]
    assert ack(phones[members_b[0]], "sync")["snapshot"]["breakout"]["walls"] is None
    assert ack(cockpit, "publish_walls", {"published": True})["ok"]
    walls = ack(phones[members_b[0]], "sync")["snapshot"]["breakout"]["walls"]
    assert [w["id"] for w in walls] == [group_a, group_b]
    assert ack(cockpit, "end_report_back")["ok"]
    assert ack(phones[members_b[0]], "sync")["snapshot"]["breakout"] is None


def test_plenary_question_waits_for_the_round(breakout):
    world, _, cockpit, *_ = breakout
    assert ack(cockpit, "close_round")["ok"]
    assert ack(cockpit, "close_round")["ok"] is False


def test_self_select_with_capacity(app, make_meeting):
    world = make_meeting(phones=3)
    round_ = open_round(world, mode="self_select", groups=2, capacity=1)
    sockets = [socket_for(app, phone_browser(app, p), "phone", world.join_code) for p in world.phones]
    choices = received(sockets[0], "snapshot")[0]["breakout"]["choices"]
    first = choices[0]["id"]
    assert ack(sockets[0], "choose_group", {"group_id": first})["ok"]
    assert ack(sockets[0], "choose_group", {"group_id": choices[1]["id"]})["ok"] is False  # already in one
    full = ack(sockets[1], "choose_group", {"group_id": first})
    assert full["ok"] is False and "full" in full["error"]
    assert ack(sockets[1], "choose_group", {"group_id": 10**6})["ok"] is False
    assert group_of(round_.id, world.phones[1].participant_id) is None


def test_plan_refuses_bad_requests(make_meeting):
    world = make_meeting(phones=2)
    meeting = db.session.get(Meeting, world.meeting_id)
    with pytest.raises(planning.PlanError):
        planning.plan_round(meeting, mode="alphabetical", question_ids=world.question_ids, groups=2)
    with pytest.raises(planning.PlanError):
        planning.plan_round(meeting, mode="random", question_ids=[], groups=2)
    with pytest.raises(planning.PlanError):
        planning.plan_round(meeting, mode="random", question_ids=[10**6], groups=2)
    with pytest.raises(planning.PlanError):
        planning.plan_round(
            meeting, mode="balanced", attribute="password", question_ids=world.question_ids, groups=2
        )


def test_jigsaw_gives_each_group_one_question(make_meeting):
    world = make_meeting(phones=6)
    meeting = db.session.get(Meeting, world.meeting_id)
    plan = planning.plan_round(
        meeting, mode="random", question_ids=world.question_ids, groups=4, jigsaw=True, seed=3
    )
    assert [g.question_ids for g in plan.groups] == [
        [q] for q in [*world.question_ids, world.question_ids[0]]
    ]


def test_open_round_refuses_strangers_and_doubles(make_meeting):
    world, other = make_meeting(phones=2), make_meeting(phones=1)
    meeting = db.session.get(Meeting, world.meeting_id)
    stranger = other.phones[0].participant_id
    plan = planning.RoundPlan(
        mode="by_hand", seed=1, groups=[planning.PlannedGroup("A", [stranger], world.question_ids)]
    )
    with pytest.raises(breakouts.BreakoutError):
        breakouts.open_round(meeting, plan, 10)
    twice = world.phones[0].participant_id
    plan = planning.RoundPlan(
        mode="by_hand",
        seed=1,
        groups=[
            planning.PlannedGroup("A", [twice], world.question_ids),
            planning.PlannedGroup("B", [twice], world.question_ids),
        ],
    )
    with pytest.raises(breakouts.BreakoutError):
        breakouts.open_round(meeting, plan, 10)
    with pytest.raises(breakouts.BreakoutError):
        breakouts.open_round(meeting, planning.RoundPlan(mode="by_hand", seed=1, groups=[]), 0)


def test_groups_by_working_language(client, make_meeting):
    world = make_meeting(language_field="required", country_field="off")
    assert 'id="language"' in client.get(f"/j/{world.join_code}").get_data(as_text=True)
    for index, language in enumerate(["fr", "en", "fr", "es", "en", "fr"]):
        browser = client.application.test_client()
        response = browser.post(
            f"/j/{world.join_code}", data={"display_name": f"P{index}", "language": language}
        )
        assert response.status_code == 302
    meeting = db.session.get(Meeting, world.meeting_id)
    plan = planning.plan_round(
        meeting, mode="by_attribute", attribute="language", question_ids=world.question_ids, groups=3, seed=1
    )
    languages = [
        {db.session.get(Participant, pid).language for pid in group.member_ids} for group in plan.groups
    ]
    assert sorted(len(group.member_ids) for group in plan.groups) == [1, 2, 3]
    assert all(len(values) == 1 for values in languages)


def test_group_view_knows_own_answers_and_help(breakout):
    world, _, _, phones, (_, members_a), _ = breakout
    phone = phones[members_a[0]]
    ack(
        phone,
        "submit_answer",
        {"question_id": world.question_ids[0], "client_id": "own-000001", "text": "Mine"},
    )
    ack(
        phones[members_a[1]],
        "submit_answer",
        {"question_id": world.question_ids[0], "client_id": "own-000002", "text": "Theirs"},
    )
    ack(phone, "ask_help")
    view = ack(phone, "sync")["snapshot"]["breakout"]["group"]
    assert [a["client_id"] for a in view["my_answers"]] == ["own-000001"]
    assert view["help_requested"] is True


def test_group_answer_after_the_round_is_refused_not_taken_for_plenary(breakout):
    world, _, cockpit, phones, (_, members_a), _ = breakout
    ack(cockpit, "close_round")
    ack(cockpit, "end_report_back")
    meeting = db.session.get(Meeting, world.meeting_id)
    from facilitator.plenary import service as live

    live.open_question(meeting, meeting.guiding_questions[0])
    db.session.commit()
    late = {"question_id": world.question_ids[0], "client_id": "late-group-1", "text": "x", "for_group": True}
    reply = ack(phones[members_a[0]], "submit_answer", late)
    assert reply["ok"] is False and "breakout round has ended" in reply["error"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Answer)) == 0
