"""The meeting editor's question forms: formats, options and their settings, without a script."""

from __future__ import annotations

import re

from facilitator.answers.models import Ballot
from facilitator.extensions import db
from facilitator.meetings.models import Meeting, Question, QuestionStatus
from tests.conftest import log_in


def meeting(world) -> Meeting:
    db.session.expire_all()
    return db.session.get(Meeting, world.meeting_id)


def question(question_id: int) -> Question:
    db.session.expire_all()
    return db.session.get(Question, question_id)


def option_rows(*rows: tuple[int | None, str] | str) -> dict[str, str]:
    """Form fields for option rows, in order: (id, text), or a text alone for a new option."""
    data: dict[str, str] = {}
    for index, row in enumerate(rows):
        option_id, text = (None, row) if isinstance(row, str) else row
        data[f"options-{index}-id"] = "" if option_id is None else str(option_id)
        data[f"options-{index}-text"] = text
    return data


def options_of(question_id: int) -> list[tuple[int, str]]:
    return [(option.id, option.text) for option in question(question_id).options]


def add(browser, world, text: str, question_format: str, *options: str, **settings: str):
    data = {"text": text, "format": question_format, **option_rows(*options), **settings}
    return browser.post(f"/meetings/{world.meeting_id}/questions", data=data)


def save(browser, world, question_id: int, text: str, question_format: str, *rows, action="save", **settings):
    data = {"action": action, "text": text, "format": question_format, **option_rows(*rows), **settings}
    return browser.post(f"/meetings/{world.meeting_id}/questions/{question_id}", data=data)


def add_ranking(browser, world) -> int:
    response = add(
        browser, world, "Rank these priorities", "ranking", "Finance", "Data", "Skills", "Mandates"
    )
    assert response.status_code == 302
    return meeting(world).guiding_questions[-1].id


def ask(question_id: int) -> None:
    question(question_id).status = QuestionStatus.CLOSED
    db.session.commit()


def cast(world, question_id: int, response: dict, phone: int = 0) -> None:
    db.session.add(
        Ballot(
            question_id=question_id,
            participant_id=world.phones[phone].participant_id,
            scope=0,
            response=response,
            seq=1,
            client_id=f"ballot-{phone}-{question_id}",
        )
    )
    db.session.commit()


def test_add_a_ranking_question_with_four_options(moderator_client):
    browser, world = moderator_client()
    question_id = add_ranking(browser, world)
    added = question(question_id)
    assert added.format == "ranking" and added.status == "draft"
    assert [text for _, text in options_of(question_id)] == ["Finance", "Data", "Skills", "Mandates"]
    assert [option.position for option in added.options] == [0, 1, 2, 3]
    assert added.settings == {"results": "live", "phones_see_results": False}


def test_reorder_with_the_option_buttons_keeps_each_option_its_id(moderator_client):
    browser, world = moderator_client()
    question_id = add_ranking(browser, world)
    before = options_of(question_id)
    response = save(
        browser, world, question_id, "Rank these priorities", "ranking", *before, action="option-up-2"
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#q{question_id}-option-1")
    after = options_of(question_id)
    assert after == [before[0], before[2], before[1], before[3]]
    save(browser, world, question_id, "Rank these priorities", "ranking", *after, action="option-down-3")
    assert options_of(question_id) == after, "the last option cannot move further down"
    # A page that moved the rows itself sends them in the new order: the ids follow their texts.
    save(browser, world, question_id, "Rank these priorities", "ranking", *reversed(before))
    assert options_of(question_id) == list(reversed(before))
    assert [option.position for option in question(question_id).options] == [0, 1, 2, 3]


def test_rename_keeps_the_option_ids(moderator_client):
    browser, world = moderator_client()
    question_id = add_ranking(browser, world)
    (first, _), (second, _), (third, _), (fourth, _) = options_of(question_id)
    renamed = [(first, "Money"), (second, "Data"), (third, "Skills"), (fourth, "Mandates"), "Partnerships"]
    save(browser, world, question_id, "Rank these priorities", "ranking", *renamed)
    after = options_of(question_id)
    assert after[:4] == [(first, "Money"), (second, "Data"), (third, "Skills"), (fourth, "Mandates")]
    assert after[4][1] == "Partnerships" and after[4][0] not in (first, second, third, fourth)


def test_removing_an_option_with_ballots_is_refused_once_asked(moderator_client, make_meeting):
    browser, world = moderator_client(make_meeting(phones=2))
    question_id = add_ranking(browser, world)
    rows = options_of(question_id)
    ask(question_id)
    cast(world, question_id, {"ranking": [rows[3][0], rows[0][0], rows[1][0], rows[2][0]]})
    response = save(browser, world, question_id, "Rank these priorities", "ranking", *rows[:3])
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The option “Mandates” has answers and cannot be removed." in page
    assert options_of(question_id) == rows
    # The same with the option's own remove button, which a page without a script sends.
    response = save(
        browser, world, question_id, "Rank these priorities", "ranking", *rows, action="option-remove-3"
    )
    assert response.status_code == 400 and options_of(question_id) == rows


def test_an_option_nobody_chose_can_go_after_the_question_was_asked(moderator_client, make_meeting):
    browser, world = moderator_client(make_meeting(phones=1))
    add(browser, world, "Which basin?", "single", "Nile", "Niger", "Volta")
    question_id = meeting(world).guiding_questions[-1].id
    rows = options_of(question_id)
    ask(question_id)
    cast(world, question_id, {"options": [rows[0][0]]})
    assert save(browser, world, question_id, "Which basin?", "single", rows[0], rows[2]).status_code == 302
    assert options_of(question_id) == [rows[0], rows[2]]


def test_a_withdrawn_ballot_holds_no_option(moderator_client, make_meeting):
    browser, world = moderator_client(make_meeting(phones=1))
    add(browser, world, "Which basin?", "single", "Nile", "Niger", "Volta")
    question_id = meeting(world).guiding_questions[-1].id
    rows = options_of(question_id)
    cast(world, question_id, None)
    assert save(browser, world, question_id, "Which basin?", "single", rows[0], rows[1]).status_code == 302


def test_the_format_cannot_change_once_asked(moderator_client):
    browser, world = moderator_client()
    question_id = add_ranking(browser, world)
    rows = options_of(question_id)
    ask(question_id)
    response = save(browser, world, question_id, "Rank these priorities", "single", *rows)
    assert response.status_code == 400
    assert "its format can no longer change" in response.get_data(as_text=True)
    assert question(question_id).format == "ranking"


def test_ballots_from_a_group_fix_the_format_of_a_draft_question(moderator_client, make_meeting):
    browser, world = moderator_client(make_meeting(phones=1))
    add(browser, world, "Which basin?", "single", "Nile", "Niger")
    question_id = meeting(world).guiding_questions[-1].id
    rows = options_of(question_id)
    cast(world, question_id, {"options": [rows[1][0]]})
    assert question(question_id).status == "draft"
    response = save(browser, world, question_id, "Which basin?", "multiple", *rows)
    assert response.status_code == 400 and question(question_id).format == "single"
    assert save(browser, world, question_id, "Which basin?", "single", rows[0]).status_code == 400


def test_the_rating_scale_cannot_change_once_asked(moderator_client):
    browser, world = moderator_client()
    add(browser, world, "How far do you agree?", "rating", "Known", "Funded", scale="1-5")
    question_id = meeting(world).guiding_questions[-1].id
    rows = options_of(question_id)
    ask(question_id)
    response = save(browser, world, question_id, "How far do you agree?", "rating", *rows, scale="0-10")
    assert response.status_code == 400
    assert "its rating scale can no longer change" in response.get_data(as_text=True)
    ok = save(browser, world, question_id, "How far?", "rating", *rows, scale="1-5", low_label="Not at all")
    assert ok.status_code == 302 and question(question_id).settings["low_label"] == "Not at all"


def test_each_format_saves_its_own_settings(moderator_client):
    browser, world = moderator_client()
    first, second, third = world.question_ids
    options = ("Radio", "SMS", "Posters")
    choices = {"max_choices": "2", "results": "after_close", "phones_see_results": "y"}
    save(browser, world, first, "Which tools?", "multiple", *options, **choices)
    assert question(first).settings == {
        "results": "after_close",
        "phones_see_results": True,
        "max_choices": 2,
    }
    save(
        browser, world, second, "How useful?", "rating", scale="0-10", low_label="Useless", high_label="Vital"
    )
    assert question(second).settings == {
        "results": "live",
        "phones_see_results": False,
        "scale_min": 0,
        "scale_max": 10,
        "low_label": "Useless",
        "high_label": "Vital",
    }
    assert question(second).options == []
    save(browser, world, third, "One word?", "words", "ignored", "also ignored", max_words="1")
    assert question(third).settings == {"results": "live", "phones_see_results": False, "max_words": 1}
    assert question(third).options == []
    save(browser, world, third, "Ask the panel", "floor", premoderation="y", max_words="2")
    assert question(third).format == "floor" and question(third).settings == {"premoderation": True}


def test_a_draft_question_may_change_format_and_drop_its_options(moderator_client):
    browser, world = moderator_client()
    question_id = add_ranking(browser, world)
    assert (
        save(browser, world, question_id, "What matters?", "open", *options_of(question_id)).status_code
        == 302
    )
    assert question(question_id).format == "open" and question(question_id).options == []


def test_a_wrong_format_is_sent_back_with_what_was_typed(moderator_client):
    browser, world = moderator_client()
    response = add(browser, world, "Which basin?", "single", "Nile")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This format takes between 2 and 20 options." in page
    assert 'value="Nile"' in page and "Which basin?" in page
    assert len(meeting(world).guiding_questions) == 3
    response = save(browser, world, world.question_ids[0], "Which?", "multiple", "A", "B", max_choices="3")
    assert response.status_code == 400
    assert "“At most” must be between 1 and the number of options." in response.get_data(as_text=True)
    assert question(world.question_ids[0]).format == "open"


def test_saving_the_text_alone_keeps_the_format(moderator_client):
    browser, world = moderator_client()
    question_id = add_ranking(browser, world)
    rows = options_of(question_id)
    url = f"/meetings/{world.meeting_id}/questions/{question_id}"
    assert browser.post(url, data={"action": "save", "text": "Rank them"}).status_code == 302
    assert question(question_id).text == "Rank them"
    assert question(question_id).format == "ranking" and options_of(question_id) == rows


def test_an_option_id_of_another_question_is_a_new_option(moderator_client):
    browser, world = moderator_client()
    ranking = add_ranking(browser, world)
    theirs = options_of(ranking)[0]
    first = world.question_ids[0]
    save(browser, world, first, "Which?", "single", theirs, "Other")
    mine = options_of(first)
    assert [text for _, text in mine] == ["Finance", "Other"] and mine[0][0] != theirs[0]
    assert options_of(ranking)[0] == theirs


def test_the_editor_shows_formats_options_and_spare_rows(moderator_client):
    browser, world = moderator_client()
    question_id = add_ranking(browser, world)
    page = browser.get(f"/meetings/{world.meeting_id}").get_data(as_text=True)
    item = page[page.index(f'id="question-item-{question_id}"') :]
    item = item[: item.index("</li>\n    \n  </ol>") if "</li>\n    \n  </ol>" in item else None]
    assert '<option value="ranking" selected>' in item
    assert 'class="badge format-badge" data-format-badge>Ranking</span>' in item
    for index, (option_id, text) in enumerate(options_of(question_id)):
        assert f'name="options-{index}-id" value="{option_id}"' in item
        assert f'name="options-{index}-text" value="{text}"' in item
    # Two empty rows wait for more options, so that options can be added without a script.
    assert 'name="options-5-text" value=""' in item and 'name="options-6-text"' not in item
    assert item.count('data-option-action="up"') == 6
    assert re.search(r'value="option-up-0"[^>]*aria-label="Move option 1 up" disabled', item)


def test_moving_a_new_questions_option_without_a_script_shows_the_form_again(moderator_client):
    browser, world = moderator_client()
    data = {"text": "Rank", "format": "ranking", "action": "option-down-0", **option_rows("A", "B", "C")}
    response = browser.post(f"/meetings/{world.meeting_id}/questions", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and len(meeting(world).guiding_questions) == 3
    form = page[page.index('id="add-question"') :]
    assert form.index('value="B"') < form.index('value="A"') < form.index('value="C"')


def test_a_locked_question_shows_its_format_as_text(moderator_client):
    browser, world = moderator_client()
    question_id = add_ranking(browser, world)
    ask(question_id)
    page = browser.get(f"/meetings/{world.meeting_id}").get_data(as_text=True)
    item = page[page.index(f'id="question-item-{question_id}"') :]
    assert f'id="q{question_id}-format"' not in item[: item.index("</form>")]
    assert '<input type="hidden" name="format" value="ranking">' in item
    assert "its format can no longer change" in item


def test_the_meeting_list_shows_the_formats(moderator_client):
    browser, world = moderator_client()
    add_ranking(browser, world)
    page = browser.get("/meetings/").get_data(as_text=True)
    assert "Open text (3)" in page and "Ranking (1)" in page


def test_the_french_editor_names_the_formats(app, moderator_client):
    browser, world = moderator_client()
    add_ranking(browser, world)
    browser.set_cookie("lang", "fr", domain="facilitator.test")
    page = browser.get(f"/meetings/{world.meeting_id}").get_data(as_text=True)
    assert ">Classement</span>" in page and ">Texte libre</option>" in page


def test_other_moderators_cannot_change_formats(app, make_meeting):
    mine, theirs = make_meeting(), make_meeting()
    browser = app.test_client()
    log_in(browser, mine.moderator_email)
    data = {"action": "save", "text": "Mine?", "format": "single", **option_rows("A", "B")}
    url = f"/meetings/{theirs.meeting_id}/questions/{theirs.question_ids[0]}"
    assert browser.post(url, data=data).status_code == 404
    assert question(theirs.question_ids[0]).format == "open"


def test_a_question_without_text_is_explained_and_keeps_its_options(moderator_client):
    browser, world = moderator_client()
    response = add(browser, world, "   ", "single", "Nile", "Niger")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The question was not saved: A question needs between 1 and 1000 characters." in page
    assert 'value="Nile"' in page and 'value="Niger"' in page
    assert len(meeting(world).guiding_questions) == 3
