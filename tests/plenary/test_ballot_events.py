"""Ballot events over sockets: casting, changing and withdrawing from phones, in the plenary and in
breakout groups; who receives results, and when."""

from __future__ import annotations

import time

import pytest

from facilitator.answers.models import Ballot
from facilitator.breakouts import planning
from facilitator.breakouts import service as breakouts
from facilitator.breakouts.models import GroupMember
from facilitator.extensions import db
from facilitator.meetings.models import Meeting, Question
from tests.answers.ballot_questions import make_ballot_question, option_ids
from tests.conftest import forget, log_in, phone_browser, received, socket_for


def ack(socket_client, event, payload=None):
    return socket_client.emit(event, payload, callback=True)


class Room:
    """A meeting whose first question is a single choice; three phones, the console and the
    projector connected."""

    def __init__(self, app, world, question_format="single", texts=("Yes", "No", "Maybe"), **settings):
        self.app, self.world = app, world
        self.question_id = world.question_ids[0]
        make_ballot_question(self.question_id, question_format, texts, **settings)
        self.options = option_ids(self.question_id)
        moderator = app.test_client()
        log_in(moderator, world.moderator_email)
        self.moderator = moderator
        self.console = socket_for(app, moderator, "console", world.meeting_id)
        self.projector = socket_for(app, moderator, "projector", world.meeting_id)
        self.browsers = [phone_browser(app, phone) for phone in world.phones]
        self.phones = [socket_for(app, browser, "phone", world.join_code) for browser in self.browsers]

    def open(self, question_id=None):
        reply = ack(self.console, "open_question", {"question_id": question_id or self.question_id})
        assert reply["ok"], reply

    def cast(self, index, options, *, seq, client_id=None, question_id=None):
        payload = {
            "question_id": question_id or self.question_id,
            "client_id": client_id or f"phone-{index}-ballot",
            "seq": seq,
            "response": {"options": [self.options[i] for i in options]},
        }
        return ack(self.phones[index], "cast_ballot", payload)

    def forget_all(self):
        for socket in (self.console, self.projector, *self.phones):
            forget(socket)


@pytest.fixture
def room(app, make_meeting):
    return Room(app, make_meeting(phones=3))


def counts(results):
    return [option["count"] for option in results["options"]]


def test_phone_casts_changes_and_withdraws(room):
    room.open()
    reply = room.cast(0, [0], seq=1)
    assert reply == {
        "ok": True,
        "duplicate": False,
        "ballot": {
            "question_id": room.question_id,
            "group_id": None,
            "response": {"options": [room.options[0]]},
            "seq": 1,
        },
    }
    assert counts(received(room.console, "results")[-1]["results"]) == [1, 0, 0]
    changed = room.cast(0, [2], seq=2)
    assert changed["ballot"]["response"] == {"options": [room.options[2]]}
    assert counts(received(room.console, "results")[-1]["results"]) == [0, 0, 1]
    withdrawn = ack(
        room.phones[0],
        "withdraw_ballot",
        {"question_id": room.question_id, "client_id": "phone-0-ballot", "seq": 3},
    )
    assert withdrawn["ok"] and withdrawn["ballot"]["response"] is None and not withdrawn["duplicate"]
    final = received(room.console, "results")[-1]
    assert final == {"question_id": room.question_id, "group_id": None, "results": final["results"]}
    assert final["results"]["respondents"] == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(Ballot)) == 1


def test_resend_and_older_change_are_acknowledged_and_ignored(room):
    room.open()
    first = room.cast(1, [1], seq=10)
    room.forget_all()
    again = room.cast(1, [1], seq=10)
    assert again["ok"] and again["duplicate"] and again["ballot"] == first["ballot"]
    late = room.cast(1, [0], seq=9)
    assert late["duplicate"] and late["ballot"]["response"] == {"options": [room.options[1]]}
    # Nothing changed, so nothing is announced.
    assert received(room.console, "results") == []


def test_another_tab_of_the_phone_hears_of_the_change(room, app):
    room.open()
    second_tab = socket_for(app, room.browsers[0], "phone", room.world.join_code)
    forget(second_tab)
    room.cast(0, [1], seq=1)
    assert received(second_tab, "my_ballot_changed")[-1]["response"] == {"options": [room.options[1]]}
    assert received(room.phones[0], "my_ballot_changed") == []
    snapshot = ack(second_tab, "sync")["snapshot"]
    assert snapshot["my_ballot"]["response"] == {"options": [room.options[1]]}


def test_closed_question_refuses_ballots_but_acknowledges_a_late_resend(room):
    room.open()
    room.cast(0, [0], seq=1)
    assert ack(room.console, "close_question")["ok"]
    late = room.cast(1, [0], seq=1)
    assert late["ok"] is False and "too late" in late["error"]
    assert room.cast(0, [1], seq=2)["ok"] is False
    # The change the phone already sent, whose acknowledgement it lost.
    resent = room.cast(0, [0], seq=1)
    assert resent["ok"] and resent["duplicate"]
    withdraw = ack(
        room.phones[0], "withdraw_ballot", {"question_id": room.question_id, "client_id": "x" * 10, "seq": 5}
    )
    assert withdraw["ok"] is False
    db.session.expire_all()
    assert db.session.scalars(db.select(Ballot.response)).all() == [{"options": [room.options[0]]}]


def test_ballots_only_on_the_current_open_ballot_question(room, make_meeting):
    other = make_meeting(phones=1)
    make_ballot_question(other.question_ids[0], "single", ["A", "B"])
    # Not open yet.
    assert "not open" in room.cast(0, [0], seq=1)["error"]
    room.open()
    foreign = {
        "question_id": other.question_ids[0],
        "client_id": "foreign-01",
        "seq": 1,
        "response": {"options": option_ids(other.question_ids[0])[:1]},
    }
    assert ack(room.phones[0], "cast_ballot", foreign) == {
        "ok": False,
        "error": "This question does not exist.",
    }
    # A written question takes no ballot; another question of the meeting is not the current one.
    room.open(room.world.question_ids[1])
    reply = ack(
        room.phones[0],
        "cast_ballot",
        {
            "question_id": room.world.question_ids[1],
            "client_id": "written-1",
            "seq": 1,
            "response": {"options": []},
        },
    )
    assert reply["ok"] is False and "not answered with a choice" in reply["error"]
    assert room.cast(0, [0], seq=2)["ok"] is False
    assert db.session.scalar(db.select(db.func.count()).select_from(Ballot)) == 0


@pytest.mark.parametrize(
    "payload",
    [
        "not a dict",
        {},
        {"client_id": "valid-id-1", "seq": 1},
        {"client_id": "valid-id-2", "seq": -1, "response": {"options": []}},
        {"client_id": "short", "seq": 1, "response": None},
        {"client_id": "valid-id-3", "seq": "1", "response": None},
        {"client_id": "valid-id-4", "seq": 1, "response": {"options": ["x"]}},
    ],
)
def test_malformed_ballots_change_nothing(room, payload):
    room.open()
    if isinstance(payload, dict) and payload:
        payload = {**payload, "question_id": room.question_id}
    reply = ack(room.phones[0], "cast_ballot", payload)
    assert reply["ok"] is False and reply["error"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Ballot)) == 0


def test_phones_may_not_set_results_visibility_and_moderators_may(room):
    room.open()
    request = {"question_id": room.question_id, "results": "after_close", "phones_see_results": True}
    assert ack(room.phones[0], "set_results_visibility", request)["ok"] is False
    db.session.expire_all()
    assert db.session.get(Question, room.question_id).settings["results"] == "live"
    room.forget_all()
    reply = ack(room.console, "set_results_visibility", request)
    assert reply["ok"] and reply["question"]["settings"]["results"] == "after_close"
    assert (
        received(room.phones[0], "question_updated")[-1]["question"]["settings"]["phones_see_results"] is True
    )
    assert received(room.projector, "results")[-1]["results"] is None
    bad = {"question_id": room.question_id, "results": "sometimes", "phones_see_results": True}
    assert ack(room.console, "set_results_visibility", bad)["ok"] is False
    assert ack(room.console, "set_results_visibility", {"question_id": room.question_id})["ok"] is False


def test_moderators_get_results_coalesced(room, app):
    room.open()
    room.forget_all()
    app.config["COALESCE_DELAY_S"] = 0.2
    for index in range(3):
        assert room.cast(index, [index % 2], seq=1)["ok"]
    assert received(room.console, "results") == [], "nothing before the delay"
    deadline = time.monotonic() + 5
    while not received(room.console, "results") and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    sent = received(room.console, "results")
    assert len(sent) == 1 and counts(sent[0]["results"]) == [2, 1, 0]


def test_projector_and_phones_see_results_only_by_the_rules(room):
    room.open()
    room.forget_all()
    room.cast(0, [0], seq=1)
    # Answers are not shown on the projector: only the moderators get results.
    assert received(room.projector, "results") == [] and received(room.phones[1], "results") == []
    assert ack(room.projector, "sync_console")["snapshot"]["results"] is None
    assert ack(room.console, "show_answers_on_projector", {"show": True})["ok"]
    assert counts(received(room.projector, "snapshot")[-1]["results"]) == [1, 0, 0]
    room.cast(1, [1], seq=1)
    assert counts(received(room.projector, "results")[-1]["results"]) == [1, 1, 0]
    # Phones only when the question lets them.
    assert received(room.phones[2], "results")[-1]["results"] is None
    assert ack(room.phones[2], "sync")["snapshot"]["results"] is None
    request = {"question_id": room.question_id, "results": "live", "phones_see_results": True}
    assert ack(room.console, "set_results_visibility", request)["ok"]
    assert counts(received(room.phones[2], "results")[-1]["results"]) == [1, 1, 0]
    assert counts(ack(room.phones[2], "sync")["snapshot"]["results"]) == [1, 1, 0]
    # Hiding answers on the projector hides them from phones too.
    assert ack(room.console, "show_answers_on_projector", {"show": False})["ok"]
    assert received(room.phones[2], "results")[-1]["results"] is None
    assert received(room.projector, "snapshot")[-1]["results"] is None


def test_after_close_results_appear_when_the_question_closes(app, make_meeting):
    room = Room(app, make_meeting(phones=3), results="after_close", phones_see_results=True)
    assert ack(room.console, "show_answers_on_projector", {"show": True})["ok"]
    room.open()
    assert received(room.projector, "question_opened")[-1]["results"] is None
    room.forget_all()
    room.cast(0, [2], seq=1)
    room.cast(1, [2], seq=1)
    assert received(room.projector, "results") == [] and received(room.phones[2], "results") == []
    assert counts(received(room.console, "results")[-1]["results"]) == [0, 0, 2]
    assert ack(room.projector, "sync_console")["snapshot"]["results"] is None
    assert counts(ack(room.console, "sync_console")["snapshot"]["results"]) == [0, 0, 2]
    assert ack(room.console, "close_question")["ok"]
    assert counts(received(room.projector, "question_closed")[-1]["results"]) == [0, 0, 2]
    assert counts(received(room.phones[2], "results")[-1]["results"]) == [0, 0, 2]
    assert counts(ack(room.phones[2], "sync")["snapshot"]["results"]) == [0, 0, 2]
    assert counts(ack(room.projector, "sync_console")["snapshot"]["results"]) == [0, 0, 2]


def test_written_questions_carry_no_ballot_state(room):
    room.open(room.world.question_ids[1])
    snapshot = ack(room.phones[0], "sync")["snapshot"]
    assert snapshot["my_ballot"] is None and snapshot["results"] is None
    assert ack(room.console, "sync_console")["snapshot"]["results"] is None


def keys_and_texts(value, found=None):
    found = set() if found is None else found
    if isinstance(value, dict):
        for key, item in value.items():
            found.add(str(key))
            keys_and_texts(item, found)
    elif isinstance(value, list):
        for item in value:
            keys_and_texts(item, found)
    elif isinstance(value, str):
        found.add(value)
    return found


def test_anonymous_meeting_results_name_nobody(app, make_meeting):
    room = Room(app, make_meeting(phones=3, attribution="anonymous"), "words", (), phones_see_results=True)
    assert ack(room.console, "show_answers_on_projector", {"show": True})["ok"]
    room.open()
    for index in range(3):
        payload = {"question_id": room.question_id, "client_id": f"anon-{index}-words", "seq": 1}
        assert ack(room.phones[index], "cast_ballot", {**payload, "response": {"words": [f"idea {index}"]}})[
            "ok"
        ]
    frames = [
        *received(room.console, "results"),
        *received(room.projector, "results"),
        *received(room.phones[0], "results"),
        ack(room.console, "sync_console")["snapshot"]["results"],
        ack(room.projector, "sync_console")["snapshot"]["results"],
        ack(room.phones[1], "sync")["snapshot"]["results"],
    ]
    assert len(frames) > 6
    names = {f"Person {index + 1}" for index in range(3)}
    for frame in frames:
        seen = keys_and_texts(frame)
        assert not any("participant" in text for text in seen) and not seen & names
        assert "seq" not in seen and "client_id" not in seen


# ---------------------------------------------------------------- breakout groups


@pytest.fixture
def jigsaw(app, make_meeting):
    """Four phones in two groups, each with a ballot question of its own."""
    world = make_meeting(phones=4)
    for question_id in world.question_ids[:2]:
        make_ballot_question(question_id, "single", ["Yes", "No"], phones_see_results=True)
    meeting = db.session.get(Meeting, world.meeting_id)
    plan = planning.plan_round(
        meeting, mode="random", question_ids=world.question_ids[:2], groups=2, jigsaw=True, seed=5
    )
    round_ = breakouts.open_round(meeting, plan, 20)
    db.session.commit()
    room = Room.__new__(Room)
    room.app, room.world = app, world
    moderator = app.test_client()
    log_in(moderator, world.moderator_email)
    room.console = socket_for(app, moderator, "cockpit", world.meeting_id)
    room.browsers = [phone_browser(app, phone) for phone in world.phones]
    room.phones = [socket_for(app, browser, "phone", world.join_code) for browser in room.browsers]
    groups = {}
    for index, phone in enumerate(world.phones):
        group_id = db.session.scalar(
            db.select(GroupMember.group_id).where(
                GroupMember.round_id == round_.id, GroupMember.participant_id == phone.participant_id
            )
        )
        groups.setdefault(group_id, []).append(index)
    question_of = {group.id: group.question_ids[0] for group in round_.groups}
    return room, round_.id, groups, question_of


def group_cast(room, index, question_id, option, seq=1):
    payload = {
        "question_id": question_id,
        "client_id": f"group-{index}-{question_id}",
        "seq": seq,
        "response": {"options": [option_ids(question_id)[option]]},
    }
    return ack(room.phones[index], "cast_ballot", payload)


def test_a_member_votes_on_its_groups_question_and_not_another_groups(jigsaw):
    room, _, groups, question_of = jigsaw
    (first, first_members), (second, second_members) = sorted(groups.items())
    mine, theirs = question_of[first], question_of[second]
    for socket in (room.console, *room.phones):
        forget(socket)
    reply = group_cast(room, first_members[0], mine, 1)
    assert reply["ok"] and reply["ballot"]["group_id"] == first
    stored = db.session.scalars(db.select(Ballot)).one()
    assert (stored.scope, stored.group_id) == (first, first)
    refused = group_cast(room, first_members[0], theirs, 0)
    assert refused["ok"] is False and "not one of this group's questions" in refused["error"]
    # The group's own phones (its question lets them) and the cockpit get the group's results.
    frame = received(room.phones[first_members[1]], "results")[-1]
    assert frame["group_id"] == first and counts(frame["results"]) == [0, 1]
    assert received(room.phones[second_members[0]], "results") == []
    assert received(room.console, "results")[-1]["group_id"] == first
    view = ack(room.phones[first_members[0]], "sync")["snapshot"]["breakout"]["group"]
    assert view["my_ballots"][str(mine)]["response"] == {"options": [option_ids(mine)[1]]}
    assert counts(view["results"][str(mine)]) == [0, 1]
    question = next(q for q in view["questions"] if q["id"] == mine)
    assert question["format"] == "single" and [o["text"] for o in question["options"]] == ["Yes", "No"]
    other_view = ack(room.phones[second_members[0]], "sync")["snapshot"]["breakout"]["group"]
    assert other_view["my_ballots"] == {} and counts(other_view["results"][str(theirs)]) == [0, 0]
    cockpit = ack(room.console, "sync_console")["snapshot"]["cockpit"]
    assert counts(cockpit["results"][str(mine)][str(first)]) == [0, 1]
    assert str(second) not in cockpit["results"][str(mine)]


def test_group_ballots_end_with_the_round(jigsaw):
    room, round_id, groups, question_of = jigsaw
    (first, members), _ = sorted(groups.items())
    assert group_cast(room, members[0], question_of[first], 0)["ok"]
    assert breakouts.close_round(round_id)
    db.session.commit()
    late = group_cast(room, members[1], question_of[first], 0)
    assert late["ok"] is False and "too late" in late["error"]
    assert group_cast(room, members[0], question_of[first], 0)["duplicate"] is True


def test_group_results_stay_in_the_group_when_phones_may_not_see_them(jigsaw):
    room, _, groups, question_of = jigsaw
    (first, members), _ = sorted(groups.items())
    question = db.session.get(Question, question_of[first])
    question.settings = {**question.settings, "phones_see_results": False}
    db.session.commit()
    for socket in (room.console, *room.phones):
        forget(socket)
    assert group_cast(room, members[0], question_of[first], 0)["ok"]
    assert received(room.phones[members[1]], "results") == []
    assert received(room.console, "results")[-1]["group_id"] == first
    view = ack(room.phones[members[1]], "sync")["snapshot"]["breakout"]["group"]
    assert view["results"] == {}


# ---------------------------------------------------------------- cost


def cast_cost(app, make_meeting, people: int) -> dict[str, int]:
    from tests.test_query_counts import counting

    room = Room(app, make_meeting(phones=people))
    room.open()
    for index in range(1, people):
        assert room.cast(index, [index % 3], seq=1)["ok"]
    costs = {}
    for name, seq in (("first ballot", 1), ("change", 2), ("resend", 2)):
        with counting() as statements:
            assert room.cast(0, [seq % 3], seq=seq)["ok"]
        costs[name] = len(statements.sql)
    return costs


# Tests send results at once (COALESCE_DELAY_S = 0): these include the recount and the count of
# who answered that the server otherwise sends a moment later, once for a burst, from a session of
# its own.
BUDGET = {"first ballot": 10, "change": 10, "resend": 4}


def test_a_ballot_costs_a_fixed_number_of_statements(app, make_meeting):
    small, large = cast_cost(app, make_meeting, 3), cast_cost(app, make_meeting, 30)
    assert small == large, f"statements grow with the number of participants: {small} vs {large}"
    for name, count in small.items():
        assert count <= BUDGET[name], f"{name}: {count} statements, budget {BUDGET[name]}"


def test_the_report_back_shows_the_groups_results(jigsaw):
    room, round_id, groups, question_of = jigsaw
    (first, members), _ = sorted(groups.items())
    assert group_cast(room, members[0], question_of[first], 1)["ok"]
    assert ack(room.console, "close_round")["ok"]
    assert ack(room.console, "show_report", {"group_id": first})["ok"]
    report = ack(room.phones[members[1]], "sync")["snapshot"]["breakout"]["report"]
    shown = next(q for q in report["questions"] if q["id"] == question_of[first])
    assert counts(shown["results"]) == [0, 1]


def test_who_answered_counts_standing_ballots(room):
    room.open()
    room.forget_all()
    assert room.cast(0, [0], seq=1)["ok"] and room.cast(1, [1], seq=1)["ok"]
    assert received(room.console, "progress")[-1]["answered"] == 2
    withdrawn = {"question_id": room.question_id, "client_id": "phone-1-withdraw", "seq": 2}
    assert ack(room.phones[1], "withdraw_ballot", withdrawn)["ok"]
    assert received(room.projector, "progress")[-1]["answered"] == 1
    assert ack(room.console, "sync_console")["snapshot"]["progress"]["answered"] == 1
