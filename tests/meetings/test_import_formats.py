"""Formats found in a concept note, checked and corrected on the confirmation page."""

from __future__ import annotations

from facilitator.extensions import db
from facilitator.meetings.models import Meeting
from tests.meetings.test_concept_note import FORMATS_EN

SETTINGS = {
    "title": "Shared rivers dialogue",
    "join_policy": "open",
    "name_field": "required",
    "country_field": "optional",
    "organisation_field": "off",
    "language_field": "off",
    "attribution": "named",
}


def formats(*entries: tuple[str, str, str, str]) -> dict[str, str]:
    """Confirmation-form fields for each question: (text, format, options one per line, scale)."""
    data: dict[str, str] = {}
    for index, (text, question_format, options, scale) in enumerate(entries):
        data.update(
            {
                f"formats-{index}-text": text,
                f"formats-{index}-format": question_format,
                f"formats-{index}-options": options,
                f"formats-{index}-scale": scale,
            }
        )
    return data


def meetings_count() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Meeting))


def newest() -> Meeting:
    db.session.expire_all()
    return db.session.scalar(db.select(Meeting).order_by(Meeting.id.desc()))


def test_the_preview_shows_each_format_found(moderator_client):
    browser, _ = moderator_client()
    page = browser.post("/meetings/import", data={"text": FORMATS_EN}).get_data(as_text=True)
    assert "6 guiding questions were found." in page
    assert "5 ask for more than text: check their formats below." in page
    assert 'id="formats-0-format"' in page and 'id="formats-5-format"' in page
    first = page[page.index('id="formats-0-format"') : page.index('id="formats-1-format"')]
    assert '<option selected value="single">' in first
    assert "Joint committees\nDistrict councils\nCommunity water boards</textarea>" in first
    rating = page[page.index('id="formats-4-format"') : page.index('id="formats-5-format"')]
    assert '<option selected value="rating">' in rating and '<option selected value="0-10">' in rating
    assert "The plan is known\nThe plan is funded</textarea>" in rating


def test_confirming_creates_the_questions_with_their_formats(moderator_client):
    browser, _ = moderator_client()
    data = {
        **SETTINGS,
        "questions": "Which basin?\nHow ready are you?\nRank these\nWhat should change?",
        **formats(
            ("Which basin?", "single", "Nile\nNiger\n\n", "1-5"),
            ("How ready are you?", "rating", "", "1-10"),
            ("Rank these", "ranking", "Finance\nData\nSkills", "1-5"),
            ("What should change?", "open", "ignored", "1-5"),
        ),
    }
    assert browser.post("/meetings/import/confirm", data=data).status_code == 302
    questions = newest().guiding_questions
    assert [q.format for q in questions] == ["single", "rating", "ranking", "open"]
    assert [o.text for o in questions[0].options] == ["Nile", "Niger"]
    assert (questions[1].settings["scale_min"], questions[1].settings["scale_max"]) == (1, 10)
    assert [o.text for o in questions[2].options] == ["Finance", "Data", "Skills"]
    assert questions[3].options == []


def test_the_moderator_corrects_a_format_before_creating(moderator_client):
    browser, _ = moderator_client()
    data = {
        **SETTINGS,
        "questions": "Which sectors does your plan cover?",
        **formats(
            ("Which sectors does your plan cover?", "multiple", "Health\nWater\nEducation\nEnergy", "1-5")
        ),
    }
    assert browser.post("/meetings/import/confirm", data=data).status_code == 302
    (question,) = newest().guiding_questions
    assert question.format == "multiple"
    assert [o.text for o in question.options] == ["Health", "Water", "Education", "Energy"]


def test_a_format_that_does_not_fit_is_sent_back(moderator_client):
    browser, _ = moderator_client()
    before = meetings_count()
    data = {**SETTINGS, "questions": "Which basin?", **formats(("Which basin?", "single", "Nile", "1-5"))}
    response = browser.post("/meetings/import/confirm", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and meetings_count() == before
    assert "This format takes between 2 and 20 options." in page
    assert 'aria-invalid="true"' in page


def test_a_changed_list_of_questions_asks_to_check_the_formats_again(moderator_client):
    browser, _ = moderator_client()
    before = meetings_count()
    data = {
        **SETTINGS,
        "questions": "A new first question?\nWhich basin?",
        **formats(("Which basin?", "single", "Nile\nNiger", "1-5")),
    }
    response = browser.post("/meetings/import/confirm", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and meetings_count() == before
    assert "The list of questions changed" in page
    # The format stays with the question it was found for; the new question starts open.
    assert '<option selected value="open">' in page[: page.index('id="formats-1-format"')]
    second = page[page.index('id="formats-1-format"') :]
    assert '<option selected value="single">' in second and "Nile\nNiger</textarea>" in second
