"""Results of ballot questions and the questions from the floor on the synthesis page, as far as
each reader may see them."""

from __future__ import annotations

import json

from facilitator.extensions import db
from facilitator.meetings.models import QuestionStatus
from facilitator.synthesis.models import SynthesisTheme
from tests.exports.ballot_meeting import (
    ANONYMOUS_ITEM,
    CHOICE,
    FLOOR,
    HIDDEN_ITEM,
    MERGED_ITEM,
    MULTIPLE,
    NAMED_ITEM,
    PENDING_ITEM,
    RATING,
    WORDS,
)
from tests.exports.conftest import PEOPLE, group
from tests.synthesis.test_routes import moderator, open_walls, rapporteur


def data_of(browser, h) -> dict[str, dict]:
    reply = browser.get(f"/meetings/{h.meeting_id}/synthesis/data").get_json()
    return {q["text"]: q for q in reply["questions"]}


def test_a_ballot_question_shows_its_results_and_each_groups(app, ballot_meeting):
    h = ballot_meeting("named")
    questions = data_of(moderator(app, h), h)
    choice = questions[CHOICE]
    assert choice["format"] == "single" and choice["themes"] == [] and choice["top_answers"] == []
    assert choice["respondents"] == 4 and choice["group_results"] == []
    assert [(o["text"], o["count"]) for o in choice["results"]["options"]] == [
        ("Wells", 3),
        ("Schools", 1),
        ("Roads", 0),
    ]
    rating = questions[RATING]
    assert rating["results"] is None, "asked in groups only: no empty plenary chart"
    assert [(g["group"], g["results"]["respondents"]) for g in rating["group_results"]] == [
        ("Group 1", 3),
        ("Group 2", 3),
    ]
    assert rating["respondents"] == 6 and rating["group_count"] == 2
    assert questions[WORDS]["results"]["words"][0] == {"text": "Water", "count": 2}
    # Nothing is clustered for counted questions.
    ids = [h.questions[text] for text in (CHOICE, RATING, WORDS, FLOOR)]
    assert (
        db.session.scalar(
            db.select(db.func.count()).select_from(SynthesisTheme).where(SynthesisTheme.question_id.in_(ids))
        )
        == 0
    )


def test_the_floor_is_listed_by_votes_with_answered_marks(app, ballot_meeting):
    h = ballot_meeting("named")
    browser = moderator(app, h)
    floor = data_of(browser, h)[FLOOR]
    assert floor["floor"] == [
        {
            "id": h.items[ANONYMOUS_ITEM],
            "text": ANONYMOUS_ITEM,
            "author": None,
            "votes": 3,
            "answered": False,
        },
        {
            "id": h.items[NAMED_ITEM],
            "text": NAMED_ITEM,
            "author": "Amina Diallo · Senegal",
            "votes": 2,
            "answered": True,
        },
    ]
    assert floor["answer_count"] == 2 and floor["themes"] == []
    body = browser.get(f"/meetings/{h.meeting_id}/synthesis/data").get_data(as_text=True)
    assert not any(text in body for text in (HIDDEN_ITEM, PENDING_ITEM, MERGED_ITEM))


def test_an_anonymous_meeting_shows_counts_and_questions_without_a_name(app, ballot_meeting):
    h = ballot_meeting("anonymous")
    browser = moderator(app, h)
    questions = data_of(browser, h)
    assert [item["author"] for item in questions[FLOOR]["floor"]] == [None, None]
    body = json.dumps(questions)
    assert [value for person in PEOPLE for value in person if value in body] == []


def test_a_rapporteur_sees_only_their_groups_results_until_the_walls_open(app, ballot_meeting):
    h = ballot_meeting("named")
    reporter = rapporteur(app, h)
    questions = data_of(reporter, h)
    own = group(h.group_ids[0]).name
    for text in (RATING, MULTIPLE):
        assert [g["group"] for g in questions[text]["group_results"]] == [own]
        assert questions[text]["results"] is None
    # The plenary's results and questions are out of sight.
    assert questions[CHOICE]["results"] is None and questions[CHOICE]["respondents"] == 0
    assert questions[FLOOR]["floor"] == []
    body = reporter.get(f"/meetings/{h.meeting_id}/synthesis/data").get_data(as_text=True)
    assert NAMED_ITEM not in body and "Wells" not in body

    open_walls(h)
    questions = data_of(reporter, h)
    assert len(questions[RATING]["group_results"]) == 2
    assert questions[CHOICE]["results"]["respondents"] == 4
    assert [item["text"] for item in questions[FLOOR]["floor"]] == [ANONYMOUS_ITEM, NAMED_ITEM]


def test_results_kept_until_the_question_closes_are_the_moderators_until_then(app, ballot_meeting):
    h = ballot_meeting("named")
    open_walls(h)
    choice = h.question(CHOICE)
    choice.settings = {**choice.settings, "results": "after_close"}
    choice.status = QuestionStatus.OPEN
    db.session.commit()
    seen = data_of(rapporteur(app, h), h)[CHOICE]
    assert seen["results"] is None and seen["results_withheld"] is True and "Wells" not in json.dumps(seen)
    assert data_of(moderator(app, h), h)[CHOICE]["results"]["respondents"] == 4

    choice = h.question(CHOICE)
    choice.status = QuestionStatus.CLOSED
    db.session.commit()
    assert data_of(rapporteur(app, h), h)[CHOICE]["results"]["respondents"] == 4
