"""The JSON archive: complete, faithful on the way back in, and refused whole when it is wrong."""

import copy
import json
import re

import pytest

from facilitator.accounts.models import Moderator
from facilitator.breakouts.models import BreakoutRound, GroupMember
from facilitator.exports import archive as archives
from facilitator.exports.archive import ArchiveError, import_archive, to_json
from facilitator.exports.report import build_report
from facilitator.extensions import db
from facilitator.joining.identity import hash_token, participant_for
from facilitator.joining.models import Participant
from facilitator.meetings.models import Meeting
from tests.exports.conftest import DELETED_TEXT, HIDDEN_TEXT


def owner(h) -> Moderator:
    return db.session.scalar(db.select(Moderator).where(Moderator.email == h.moderator_email))


def without_moment_of_export(data: dict) -> dict:
    return {key: value for key, value in data.items() if key != "exported_at"}


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(db.select(db.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def test_archive_holds_the_whole_meeting(held):
    h = held("named")
    themes = [{"label": "Water first", "groups": ["Group 1"], "votes": 2, "answer_ids": []}]
    themes[0]["answer_ids"] = [h.answer_ids["Map every water point"]]
    data = to_json(
        build_report(h.meeting(), themes_for=lambda q, a: themes if q.id == h.question_ids[0] else [])
    )
    assert data["format"] == "facilitator.meeting-archive" and data["version"] == 2
    assert data["design"]["attribution"] == "named" and len(data["design"]["questions"]) == 4
    assert [q["kind"] for q in data["design"]["questions"]] == ["guiding", "guiding", "guiding", "adhoc"]
    assert len(data["participants"]) == 6 and data["participants"][0]["display_name"] == "Amina Diallo"
    (round_,) = data["rounds"]
    assert [g["name"] for g in round_["groups"]] == ["Group 1", "Group 2"]
    assert sum(len(g["members"]) for g in round_["groups"]) == 6
    texts = {a["text"]: a for a in data["answers"]}
    assert HIDDEN_TEXT not in texts and DELETED_TEXT not in texts and len(texts) == 7
    wells = texts["Map every water point"]
    assert wells["votes"] == 2 and len(wells["voters"]) == 2 and wells["group"] == "g1"
    assert {s["text"][:12] for s in data["summaries"]} == {"Water points", "Solar pumpin"}
    assert data["themes"] == [
        {
            "question": "q1",
            "label": "Water first",
            "groups": ["Group 1"],
            "votes": 2,
            "answers": [wells["id"]],
            "shared": False,
            "pinned": [],
        }
    ]
    # Nothing in it is a database id or a secret.
    dumped = json.dumps(data)
    assert h.join_code not in dumped and "token" not in dumped and "client_id" not in dumped
    json.loads(dumped)


def test_round_trip_gives_the_same_meeting(held):
    h = held("named")
    first = to_json(h.meeting())
    imported = import_archive(json.loads(json.dumps(first)), owner(h))
    assert imported.id != h.meeting_id and imported.join_code != h.join_code
    second = to_json(db.session.get(Meeting, imported.id))
    assert without_moment_of_export(second) == without_moment_of_export(first)
    # And the reports agree, apart from ids.
    before, after = build_report(h.meeting()), build_report(imported)
    assert [(a.text, a.votes, a.author, a.place) for _, a in before.answers()] == [
        (a.text, a.votes, a.author, a.place) for _, a in after.answers()
    ]


def test_round_trip_of_an_anonymous_meeting(held):
    h = held("anonymous")
    first = to_json(h.meeting())
    second = to_json(import_archive(first, owner(h)))

    def canonical(data):
        # Participant ids are drawn afresh for each anonymous export; compare everything else.
        text = json.dumps(without_moment_of_export(data), sort_keys=True)
        return json.loads(re.sub(r'"p\d+"', '"p"', text))

    assert canonical(second) == canonical(first)


def test_imported_participants_cannot_sign_in(held):
    h = held("named")
    imported = import_archive(to_json(h.meeting()), owner(h))
    people = list(db.session.scalars(db.select(Participant).where(Participant.meeting_id == imported.id)))
    assert len(people) == 6
    for person in people:
        assert person.token_hash.startswith("imported-") and not re.fullmatch(
            r"[0-9a-f]{64}", person.token_hash
        )
        assert participant_for(imported, person.token_hash) is None
        assert hash_token(person.token_hash) != person.token_hash


def test_open_rounds_and_questions_are_closed_and_passcodes_not_carried(held):
    h = held("named")
    data = to_json(h.meeting())
    data["design"]["join_policy"] = "passcode"
    data["design"]["questions"][0]["status"] = "open"
    data["rounds"][0]["status"] = "open"
    data["rounds"][0]["closed_at"] = None
    imported = import_archive(data, owner(h))
    assert imported.join_policy == "passcode" and imported.passcode_hash
    assert {q.status for q in imported.questions} <= {"draft", "closed"}
    round_ = db.session.scalar(db.select(BreakoutRound).where(BreakoutRound.meeting_id == imported.id))
    assert round_.status == "closed" and round_.closed_at is not None
    assert imported.current_round_id is None and imported.current_question_id is None


def breaks(path: str, value):
    """A change to a valid archive: set the value at a dotted path ("answers.0.text")."""

    def apply(data):
        *parents, last = path.split(".")
        target = data
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        if isinstance(target, list):
            target[int(last)] = value
        elif value is KeyError:
            del target[last]
        else:
            target[last] = value

    return apply


MALFORMED = [
    (breaks("format", "facilitator.meeting-design"), "not a Facilitator meeting archive"),
    (breaks("version", 3), "newer Facilitator"),
    (breaks("version", 0), "must be one of 1, 2"),
    (breaks("version", True), "whole number"),
    (breaks("design.title", KeyError), 'no "title"'),
    (breaks("design.attribution", "secret"), "attribution"),
    (breaks("design.questions.0.kind", "poll"), "design.questions[0].kind"),
    (breaks("design.questions.1.id", "q1"), 'design.questions[1].id: "q1" is used twice'),
    (breaks("design.questions.0.text", "x" * 1001), "longer than 1000"),
    (breaks("participants.0", ["p1"]), "participants[0]: must be an object"),
    (breaks("answers.0.question", "q99"), 'answers[0].question: no question has the id "q99"'),
    (breaks("answers.0.author", "p99"), "answers[0].author"),
    # Control characters are dropped on import, as from every other input: nothing is left here.
    (breaks("answers.0.text", "\x00\x9f"), "answers[0].text: is empty"),
    (breaks("answers.0.text", "   "), "answers[0].text: is empty"),
    (breaks("answers.0.created_at", "yesterday"), "answers[0].created_at"),
    (breaks("answers.0.votes", 3), "voters are listed"),
    (breaks("answers.3.voters", ["p2", "p2"]), "votes once"),
    (breaks("answers.3.question", "q3"), "not one of the questions"),
    (breaks("rounds.0.groups.1.members.0", "p1"), "two groups"),
    (breaks("rounds.0.groups.1.id", "g1"), "used twice"),
    (breaks("rounds.0.mode", "lottery"), "rounds[0].mode"),
    (breaks("rounds.0.number", 0), "whole number from 1"),
    (breaks("summaries.1.group", "g1"), "one summary per question"),
    (breaks("rounds", {"number": 1}), "rounds: must be a list"),
]


@pytest.mark.parametrize(("damage", "message"), MALFORMED)
def test_malformed_archives_are_refused_without_writing_anything(held, damage, message):
    h = held("named")
    data = to_json(h.meeting())
    # The damages above address answers by position; check they hit what they mean to.
    assert data["answers"][3]["group"] is not None and len(data["summaries"]) == 2
    damage(data)
    before = row_counts()
    with pytest.raises(ArchiveError) as refused:
        import_archive(data, owner(h))
    assert message in str(refused.value)
    assert row_counts() == before


def test_an_anonymous_archive_that_names_people_is_refused(held):
    h = held("anonymous")
    data = to_json(h.meeting())
    data["participants"][0]["display_name"] = "Amina Diallo"
    before = row_counts()
    with pytest.raises(ArchiveError, match="must not be given in a meeting whose attribution is anonymous"):
        import_archive(data, owner(h))
    assert row_counts() == before


@pytest.mark.parametrize("value", [None, [], "archive", 42])
def test_not_an_object(held, value):
    h = held("named")
    with pytest.raises(ArchiveError, match="must be an object"):
        import_archive(value, owner(h))


def test_a_failure_while_writing_leaves_nothing_behind(held, monkeypatch):
    h = held("named")
    data = to_json(h.meeting())
    before = row_counts()

    def broken_vote(**_):
        raise RuntimeError("disk full")

    # Votes are written after the meeting, its people, rounds and answers have been flushed.
    monkeypatch.setattr(archives, "Vote", broken_vote)
    with pytest.raises(RuntimeError):
        import_archive(copy.deepcopy(data), owner(h))
    assert row_counts() == before
    monkeypatch.undo()
    import_archive(data, owner(h))
    assert row_counts()["meeting"] == before["meeting"] + 1
    assert row_counts()["vote"] == before["vote"] + sum(a["votes"] for a in data["answers"])
    assert row_counts()["answer"] == before["answer"] + 7
    assert row_counts()["group_summary"] == before["group_summary"] + 2
    assert db.session.scalar(db.select(db.func.count()).select_from(GroupMember)) == 12


def test_an_anonymous_archive_imports_with_its_counts_and_without_real_links(held):
    h = held("anonymous")
    data = to_json(h.meeting())
    imported = import_archive(json.loads(json.dumps(data)), owner(h))
    before, after = build_report(h.meeting()), build_report(imported)
    assert [(a.text, a.votes, a.place) for _, a in before.answers()] == [
        (a.text, a.votes, a.place) for _, a in after.answers()
    ]
    assert after.participation.participants == before.participation.participants == 6
    # Nothing about who was in which group comes back: the archive never said.
    round_ = db.session.scalar(db.select(BreakoutRound).where(BreakoutRound.meeting_id == imported.id))
    assert all(g.rapporteur_id is None for g in round_.groups)
    assert not db.session.scalars(db.select(GroupMember).where(GroupMember.round_id == round_.id)).all()


def test_an_anonymous_archive_from_before_still_imports(held):
    """Archives made before anonymous ones dropped authors and voters still read as they were."""
    h = held("anonymous")
    data = to_json(h.meeting())
    ids = [person["id"] for person in data["participants"]]
    for index, answer in enumerate(data["answers"]):
        answer["author"] = ids[index % len(ids)]
        answer["voters"] = ids[: answer["votes"]]
    imported = import_archive(data, owner(h))
    assert sum(a.votes for _, a in build_report(imported).answers()) == 3


def test_an_anonymous_answer_with_more_votes_than_people_still_imports(held):
    h = held("anonymous")
    data = to_json(h.meeting())
    data["answers"][0]["votes"] = 9
    imported = import_archive(data, owner(h))
    assert any(a.votes == 9 for _, a in build_report(imported).answers())
