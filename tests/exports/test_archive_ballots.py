"""The archive of a meeting with every question format: formats, options, settings, ballots and
questions from the floor, faithful on the way back in, and never a choice tied to a person in an
anonymous meeting."""

import copy
import json
import re

import pytest

from facilitator.exports.archive import ArchiveError, import_archive, to_json
from facilitator.exports.report import build_report
from facilitator.extensions import db
from facilitator.meetings.models import Meeting
from tests.exports.ballot_meeting import ANONYMOUS_ITEM, CHOICE, FLOOR, NAMED_ITEM, RATING
from tests.exports.test_archive import owner, row_counts, without_moment_of_export


def question_entry(data, text):
    return next(q for q in data["design"]["questions"] if q["text"] == text)


def results_of(meeting):
    """Every place's results of every question, by question text, without database ids."""
    report = build_report(meeting)
    shown = {}
    for question in report.questions:
        places = []
        for place, results in question.place_results:
            text = json.dumps({k: v for k, v in results.items() if k != "question_id"}, sort_keys=True)
            places.append((place, re.sub(r'"id": \d+', '"id": 0', text)))
        floor = [(i.text, i.author, i.votes, i.answered) for i in question.floor_items]
        shown[question.text] = (question.format, places, floor)
    return shown


def test_questions_carry_their_format_options_and_settings(ballot_meeting):
    h = ballot_meeting("named")
    data = to_json(h.meeting())
    assert data["version"] == 2
    choice = question_entry(data, CHOICE)
    assert choice["format"] == "single"
    assert [o["text"] for o in choice["options"]] == ["Wells", "Schools", "Roads"]
    assert choice["settings"] == {"results": "live", "phones_see_results": False}
    rating = question_entry(data, RATING)
    assert rating["options"] == [] and rating["settings"]["low_label"] == "Not at all"
    assert question_entry(data, FLOOR)["settings"] == {"premoderation": True}
    option_ids = [o["id"] for q in data["design"]["questions"] for o in q["options"]]
    assert option_ids == [f"o{n}" for n in range(1, len(option_ids) + 1)]


def test_ballots_name_options_and_in_a_named_meeting_their_participant(ballot_meeting):
    h = ballot_meeting("named")
    data = to_json(h.meeting())
    choice = question_entry(data, CHOICE)
    options = {o["id"]: o["text"] for o in choice["options"]}
    ballots = [b for b in data["ballots"] if b["question"] == choice["id"]]
    # The withdrawn ballot is not in the archive.
    assert sorted(options[b["response"]["options"][0]] for b in ballots) == [
        "Schools",
        "Wells",
        "Wells",
        "Wells",
    ]
    people = {p["id"] for p in data["participants"]}
    assert all(b["participant"] in people and b["group"] is None for b in ballots)
    assert all(b["created_at"].endswith("Z") for b in ballots)
    rating = [b for b in data["ballots"] if b["question"] == question_entry(data, RATING)["id"]]
    assert {b["group"] for b in rating} == {"g1", "g2"} and rating[0]["response"]["ratings"].keys() == {"0"}


def test_round_trip_keeps_formats_ballots_and_the_floor(ballot_meeting):
    h = ballot_meeting("named")
    first = to_json(h.meeting())
    imported = import_archive(json.loads(json.dumps(first)), owner(h))
    second = to_json(db.session.get(Meeting, imported.id))
    assert without_moment_of_export(second) == without_moment_of_export(first)
    assert results_of(imported) == results_of(h.meeting())
    floor = next(q for q in imported.questions if q.text == FLOOR)
    assert floor.format == "floor" and floor.settings == {"premoderation": True}


def test_anonymous_archive_ties_no_ballot_to_a_person(ballot_meeting):
    h = ballot_meeting("anonymous")
    data = to_json(h.meeting())
    assert data["ballots"]
    for ballot in data["ballots"]:
        # No participant, and no moment that could be matched with anything else.
        assert set(ballot) == {"question", "group", "response"}
    ids = {person["id"] for person in data["participants"]}
    rest = json.dumps({key: value for key, value in data.items() if key != "participants"})
    assert not any(f'"{person}"' in rest for person in ids)
    assert all("author" not in a and a["anonymous"] for a in data["answers"])


def test_anonymous_archive_orders_ballots_by_their_content_not_by_who_cast_first(ballot_meeting):
    h = ballot_meeting("anonymous")
    data = to_json(h.meeting())
    choice = question_entry(data, CHOICE)
    responses = [b["response"]["options"] for b in data["ballots"] if b["question"] == choice["id"]]
    assert responses == sorted(responses)


def test_round_trip_of_an_anonymous_meeting_with_ballots(ballot_meeting):
    h = ballot_meeting("anonymous")
    first = to_json(h.meeting())
    imported = import_archive(copy.deepcopy(first), owner(h))
    second = to_json(imported)

    def canonical(data):
        text = json.dumps(without_moment_of_export(data), sort_keys=True)
        return json.loads(re.sub(r'"p\d+"', '"p"', text))

    assert canonical(second) == canonical(first)
    assert results_of(imported) == results_of(h.meeting())


def test_an_archive_of_version_1_still_imports_as_open_questions(held):
    h = held("named")
    data = to_json(h.meeting())
    data["version"] = 1
    del data["ballots"]
    for question in data["design"]["questions"]:
        for name in ("format", "options", "settings"):
            del question[name]
    imported = import_archive(data, owner(h))
    assert {q.format for q in imported.questions} == {"open"}
    assert len(list(build_report(imported).answers())) == 7


def damaged(change):
    def apply(data):
        change(data)
        return data

    return apply


def _first_ballot(data, text):
    question = question_entry(data, text)["id"]
    return next(b for b in data["ballots"] if b["question"] == question)


BROKEN = [
    (lambda d: question_entry(d, CHOICE).update(format="poll"), "format: must be one of"),
    (lambda d: question_entry(d, CHOICE)["options"].__delitem__(slice(1, None)), "between 2 and 20 options"),
    (lambda d: question_entry(d, CHOICE).update(settings={"results": "never"}), "live or after the question"),
    (lambda d: question_entry(d, FLOOR).update(options=[{"id": "o99", "text": "A"}]), "do not fit"),
    (lambda d: question_entry(d, RATING)["options"].append({"id": "o1", "text": "Twice"}), "is used twice"),
    (
        lambda d: _first_ballot(d, CHOICE).update(question=question_entry(d, FLOOR)["id"]),
        "is not answered with",
    ),
    (
        lambda d: _first_ballot(d, CHOICE)["response"].update(options=["o4"]),
        "not one of the question's options",
    ),
    (lambda d: _first_ballot(d, CHOICE)["response"].update(options=["o1", "o2"]), "Choose exactly one"),
    (lambda d: _first_ballot(d, RATING)["response"].update(ratings={"0": 9}), "from 1 to 5"),
    (lambda d: _first_ballot(d, CHOICE).update(participant="p99"), 'no participant has the id "p99"'),
    (lambda d: _first_ballot(d, CHOICE).update(group="g1"), "not one of the questions of the ballot's group"),
    (lambda d: d["ballots"].append(copy.deepcopy(_first_ballot(d, CHOICE))), "one ballot per question"),
    (lambda d: _first_ballot(d, CHOICE).update(response={}), "must hold one of"),
    (
        lambda d: next(a for a in d["answers"] if a["text"] == NAMED_ITEM).update(group="g1"),
        "not one of the questions of the answer's group",
    ),
]


@pytest.mark.parametrize(("damage", "message"), BROKEN)
def test_a_wrong_format_or_ballot_is_refused_without_writing_anything(ballot_meeting, damage, message):
    h = ballot_meeting("named")
    data = damaged(damage)(to_json(h.meeting()))
    before = row_counts()
    with pytest.raises(ArchiveError, match=re.escape(message)):
        import_archive(data, owner(h))
    assert row_counts() == before


def test_anonymous_archive_giving_a_ballots_participant_is_refused(ballot_meeting):
    h = ballot_meeting("anonymous")
    data = to_json(h.meeting())
    data["ballots"][0]["participant"] = data["participants"][0]["id"]
    with pytest.raises(ArchiveError, match=r"ballots\[0\].participant: must not be given"):
        import_archive(data, owner(h))


def test_only_questions_from_the_floor_are_anonymous_or_answered(held):
    h = held("named")
    data = to_json(h.meeting())
    data["answers"][0]["anonymous"] = True
    with pytest.raises(ArchiveError, match=r"answers\[0\]: only a question from the floor"):
        import_archive(data, owner(h))


def test_a_named_archive_imports_an_anonymous_floor_item_without_naming_its_author(ballot_meeting):
    h = ballot_meeting("named")
    imported = import_archive(to_json(h.meeting()), owner(h))
    floor = next(q for q in build_report(imported).questions if q.text == FLOOR)
    authors = {item.text: item.author for item in floor.floor_items}
    assert authors == {ANONYMOUS_ITEM: None, NAMED_ITEM: "Amina Diallo · Senegal"}
