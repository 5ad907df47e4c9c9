"""The meeting editor's question forms in a real browser: a rating matrix and a multiple choice
question made with the keyboard-friendly option rows, checked by axe and at 200% zoom."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Locator, Page, expect

from .helpers import DESKTOP, expect_no_serious_axe_violations, moderator_page
from .server import LiveServer

SCREENSHOTS = Path("/tmp")
ZOOMED: dict[str, Any] = {"viewport": {"width": 320, "height": 800}, "device_scale_factor": 2}


def new_meeting(page: Page, title: str) -> int:
    page.goto("/meetings/new")
    page.locator("#title").fill(title)
    page.get_by_role("button", name="Create meeting").click()
    expect(page).to_have_url(re.compile(r"/meetings/\d+$"))
    return int(page.url.rsplit("/", 1)[1])


def option_texts(form: Locator) -> list[str]:
    inputs = form.locator("[data-option-list] input[type=text]")
    return [inputs.nth(index).input_value() for index in range(inputs.count())]


def option_labels(form: Locator) -> list[str]:
    labels = form.locator("[data-option-list] label")
    return [labels.nth(index).inner_text() for index in range(labels.count())]


def saved_question(page: Page, number: int) -> Locator:
    return page.locator("ol.question-editor > li").nth(number - 1).locator("form")


def test_rating_matrix_and_multiple_choice_made_in_the_editor(browser: Browser, server: LiveServer) -> None:
    page = moderator_page(browser, server, options=DESKTOP)
    meeting_id = new_meeting(page, "Shared rivers: formats")
    add = page.locator("#add-question")

    # A rating matrix: three statements on a 0 to 10 scale with labels at both ends.
    add.get_by_label("Question", exact=True).fill("How far do you agree with each statement?")
    add.get_by_label("Format").select_option(label="Rating scale")
    expect(add.get_by_role("group", name="Statements to rate")).to_be_visible()
    expect(add.get_by_role("group", name="Multiple choice")).to_be_hidden()
    expect(add.get_by_role("group", name="Word cloud")).to_be_hidden()
    assert option_labels(add) == ["Statement 1", "Statement 2"]
    add.get_by_role("textbox", name="Statement 1", exact=True).fill("The plan is known in the districts")
    add.get_by_role("textbox", name="Statement 2", exact=True).fill("The plan is funded")
    add.get_by_role("button", name="+ Add statement").click()
    third = add.get_by_role("textbox", name="Statement 3", exact=True)
    expect(third).to_be_focused()
    third.fill("Communities were consulted")
    # The new statement goes first, moved with the keyboard; focus stays on the button pressed.
    add.get_by_role("button", name="Move statement 3 up").focus()
    page.keyboard.press("Enter")
    expect(add.get_by_role("button", name="Move statement 2 up")).to_be_focused()
    page.keyboard.press("Enter")
    # At the top, "up" can no longer be pressed: focus moves to the same row's "down".
    expect(add.get_by_role("button", name="Move statement 1 down")).to_be_focused()
    expect(page.locator("#editor-announcer")).to_have_text("Moved to position 1.")
    assert option_texts(add) == [
        "Communities were consulted",
        "The plan is known in the districts",
        "The plan is funded",
    ]
    add.get_by_label("Scale").select_option(label="0 to 10")
    add.get_by_label("Label of the lowest value").fill("Not at all")
    add.get_by_label("Label of the highest value").fill("Completely")
    add.get_by_role("radio", name="Only once the question is closed").check()
    page.screenshot(path=SCREENSHOTS / "editor-rating-form.png", full_page=True)
    add.get_by_role("button", name="Add question").click()
    expect(page.locator(".flash-success")).to_have_text("Question added.")

    rating = saved_question(page, 1)
    expect(rating.locator("[data-format-badge]")).to_have_text("Rating scale")
    expect(rating.get_by_label("Format")).to_have_value("rating")
    expect(rating.get_by_label("Scale")).to_have_value("0-10")
    expect(rating.get_by_label("Label of the highest value")).to_have_value("Completely")
    expect(rating.get_by_role("radio", name="Only once the question is closed")).to_be_checked()
    assert option_texts(rating) == [
        "Communities were consulted",
        "The plan is known in the districts",
        "The plan is funded",
        "",
        "",
    ]

    # A multiple choice question with at most two choices, results shown on phones too.
    add = page.locator("#add-question")
    add.get_by_label("Question", exact=True).fill("Which tools reach your communities?")
    add.get_by_label("Format").select_option(label="Multiple choice")
    expect(add.get_by_role("group", name="Options")).to_be_visible()
    expect(add.get_by_role("group", name="Rating scale")).to_be_hidden()
    add.get_by_role("textbox", name="Option 1", exact=True).fill("Radio")
    add.get_by_role("textbox", name="Option 2", exact=True).fill("Text messages")
    add.get_by_role("button", name="+ Add option").click()
    add.get_by_role("textbox", name="Option 3", exact=True).fill("Village meetings")
    add.get_by_role("button", name="+ Add option").click()
    add.get_by_role("textbox", name="Option 4", exact=True).fill("Posters")
    add.get_by_role("button", name="Remove option 4").click()
    expect(page.locator("#editor-announcer")).to_have_text("Removed. 3 rows left.")
    assert option_texts(add) == ["Radio", "Text messages", "Village meetings"]
    add.get_by_label("At most this many choices").fill("2")
    add.get_by_role("checkbox", name="Phones see the results too").check()
    add.get_by_role("button", name="Add question").click()
    expect(page.locator(".flash-success")).to_have_text("Question added.")

    choice = saved_question(page, 2)
    expect(choice.locator("[data-format-badge]")).to_have_text("Multiple choice")
    expect(choice.get_by_label("At most this many choices")).to_have_value("2")
    expect(choice.get_by_role("checkbox", name="Phones see the results too")).to_be_checked()
    assert option_texts(choice)[:3] == ["Radio", "Text messages", "Village meetings"]

    # Reordered and renamed in place, each option keeps its id.
    ids_before = dict(zip(option_texts(choice)[:3], hidden_ids(choice)[:3], strict=True))
    choice.get_by_role("button", name="Move option 3 up").click()
    choice.get_by_role("textbox", name="Option 1", exact=True).fill("Community radio")
    choice.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".flash-success")).to_have_text("Question saved.")
    choice = saved_question(page, 2)
    assert option_texts(choice)[:3] == ["Community radio", "Village meetings", "Text messages"]
    assert hidden_ids(choice)[:3] == [
        ids_before["Radio"],
        ids_before["Village meetings"],
        ids_before["Text messages"],
    ]

    # The template carries what the editor set.
    design = page.request.get(f"/meetings/{meeting_id}/design.json").json()
    assert [(q["format"], q["options"]) for q in design["questions"]] == [
        (
            "rating",
            ["Communities were consulted", "The plan is known in the districts", "The plan is funded"],
        ),
        ("multiple", ["Community radio", "Village meetings", "Text messages"]),
    ]
    assert design["questions"][1]["settings"]["max_choices"] == 2

    page.goto(f"/meetings/{meeting_id}")
    page.screenshot(path=SCREENSHOTS / "editor-desktop.png", full_page=True)
    expect_no_serious_axe_violations(page, "the meeting editor")

    # At 200% zoom (320 CSS pixels) nothing scrolls sideways.
    zoomed = moderator_page(browser, server, options=ZOOMED, label="moderator at 200%")
    zoomed.goto(f"/meetings/{meeting_id}")
    expect(saved_question(zoomed, 1).locator("[data-format-badge]")).to_have_text("Rating scale")
    widths = zoomed.evaluate(
        "({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth})"
    )
    assert widths["scroll"] <= widths["client"] + 1, f"the editor scrolls sideways at 320 px: {widths}"
    saved_question(zoomed, 2).scroll_into_view_if_needed()
    zoomed.screenshot(path=SCREENSHOTS / "editor-zoomed.png")
    expect_no_serious_axe_violations(zoomed, "the meeting editor at 320 px")


def hidden_ids(form: Locator) -> list[str]:
    ids = form.locator("[data-option-list] input[type=hidden]")
    return [ids.nth(index).input_value() for index in range(ids.count())]


NOTE_WITH_FORMATS = """Shared rivers dialogue

Guiding questions

1. Which arrangement has worked best in your basin?
   - Joint committees
   - District councils
2. Which sectors does your plan cover? (Select all that apply)
   a) Health
   b) Water
   c) Education
3. What should change?
"""


def test_formats_found_in_a_concept_note_are_checked_before_creating(
    browser: Browser, server: LiveServer
) -> None:
    page = moderator_page(browser, server, options=DESKTOP)
    page.goto("/meetings/import")
    page.get_by_label("Paste the concept note").fill(NOTE_WITH_FORMATS)
    page.get_by_role("button", name="Read the note").click()
    expect(page.get_by_role("status")).to_contain_text("2 ask for more than text: check their formats below.")
    second = page.get_by_role("group", name=re.compile(r"^Question 2"))
    expect(second.get_by_label("Format")).to_have_value("multiple")
    expect(second.get_by_label("Options, one per line")).to_have_value("Health\nWater\nEducation")
    third = page.get_by_role("group", name=re.compile(r"^Question 3"))
    expect(third.get_by_label("Options, one per line")).to_be_hidden()
    # The moderator turns the first question into a ranking and the third into a word cloud.
    first = page.get_by_role("group", name=re.compile(r"^Question 1"))
    first.get_by_label("Format").select_option(label="Ranking")
    expect(first.locator("[data-format-badge]")).to_have_text("Ranking")
    third.get_by_label("Format").select_option(label="Word cloud")
    page.screenshot(path=SCREENSHOTS / "editor-import.png", full_page=True)
    expect_no_serious_axe_violations(page, "the import page")
    page.get_by_role("button", name="Create meeting").click()
    expect(page).to_have_url(re.compile(r"/meetings/\d+$"))
    badges = page.locator("ol.question-editor [data-format-badge]")
    expect(badges).to_have_text(["Ranking", "Multiple choice", "Word cloud"])
    assert option_texts(saved_question(page, 1))[:2] == ["Joint committees", "District councils"]
