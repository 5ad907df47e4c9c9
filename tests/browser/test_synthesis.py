"""After a breakout round: the synthesis page, its curation, projector mode, print and every export.

Two groups answer the first guiding question in their own words; the moderator opens the synthesis,
sees what both groups said and what only one did, merges, renames and pins, watches a plenary answer
arrive live, and downloads the report in every format. A rapporteur reaches the same page from the
phone.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from docx import Document
from playwright.sync_api import Browser, Locator, Page, expect

from .helpers import (
    EXAMPLE_QUESTIONS,
    PHONE,
    PROJECTOR,
    expect_confirm,
    expect_connected,
    import_example_meeting,
    moderator_page,
    open_console,
    phone,
    push_guiding_question,
    save_screenshot,
    send_answer,
)
from .server import LiveServer

PEOPLE = {
    "Amina Diallo": "Senegal",
    "Bruno Keller": "Switzerland",
    "Chen Wei": "Singapore",
    "Dalia Haddad": "Lebanon",
}
# Each group says the same two things in its own words; the first group adds a point of its own.
WALLS = {
    0: [
        "Joint drought committees with the basin authority",
        "Share rainfall data openly between districts",
        "Women-led water user associations decide allocations",
    ],
    1: [
        "joint drought committee with basin authorities and councils",
        "open sharing of rainfall data between the districts",
    ],
}
RENAMED = "Drought committees shared with the basin"
SUMMARY = "Joint committees work when the basin authority shares its data."
LIVE_ANSWER = "Budget lines for local water committees"


def theme_card(page: Page, text: str) -> Locator:
    """The theme on the first question's section that holds an answer reading `text`."""
    section = page.locator(".synthesis-question").first
    return section.locator("article.theme").filter(has=page.locator(".answer-text", has_text=text))


def post_on_wall(page: Page, text: str) -> None:
    panel = page.locator("#group-questions > .group-question").first
    panel.locator("textarea[data-part=answer]").fill(text)
    panel.get_by_role("button", name="Send to the group").click()
    expect(panel.locator(".wall > li").filter(has_text=text)).to_have_count(1)


def download(page: Page, name: str, tmp_path: Path) -> Path:
    with page.expect_download() as info:
        page.get_by_role("link", name=name).click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target


def test_synthesis_after_a_breakout_round(browser: Browser, server: LiveServer, tmp_path: Path) -> None:
    moderator = moderator_page(browser, server)
    meeting_id, code = import_example_meeting(moderator)
    phones = {
        name: phone(browser, server, code, name=name, country=country) for name, country in PEOPLE.items()
    }

    # Two groups, every guiding question, ten minutes.
    moderator.goto(f"/meetings/{meeting_id}/breakouts/new")
    moderator.get_by_role("radio", name="Number of groups").check()
    moderator.locator("#groups").fill("2")
    moderator.locator("#minutes").fill("10")
    moderator.get_by_role("button", name="Preview groups").click()
    moderator.locator("#open-button").click()
    expect(moderator).to_have_url(f"{server.base_url}/meetings/{meeting_id}/breakouts")
    cockpit = moderator
    expect_connected(cockpit)

    groups: dict[str, list[str]] = {}
    for name, each in phones.items():
        expect(each.locator("#group-name")).not_to_be_empty()
        groups.setdefault(each.locator("#group-name").inner_text(), []).append(name)
    assert len(groups) == 2
    group_names = sorted(groups)
    for index, group in enumerate(group_names):
        members = groups[group]
        for number, text in enumerate(WALLS[index]):
            post_on_wall(phones[members[number % len(members)]], text)

    # The first group's first member becomes its rapporteur and writes the summary.
    reporter_name = groups[group_names[0]][0]
    reporter = phones[reporter_name]
    reporter.get_by_role("button", name="Be the rapporteur").click()
    summary = reporter.locator("#group-questions > .group-question").first
    summary.locator("textarea[data-part=summary-input]").fill(SUMMARY)
    summary.get_by_role("button", name="Save summary").click()
    expect(summary.locator("[data-part=summary-status]")).to_have_text("Saved")
    expect(reporter.locator("#synthesis-link")).to_be_visible()

    expect_confirm(cockpit, "Close the round now for every group?")
    cockpit.locator("#close-round").click()
    expect(cockpit.locator("#report-card")).to_be_visible()
    # Until the walls are open, a rapporteur's synthesis shows only their own group.
    cockpit.locator("#publish-walls").click()
    expect(cockpit.locator("#unpublish-walls")).to_be_visible()

    # The synthesis: what both groups said is shared, the first group's own point stays distinct.
    cockpit.get_by_role("link", name="Synthesis of all groups").click()
    synthesis = cockpit
    expect(synthesis).to_have_url(f"{server.base_url}/meetings/{meeting_id}/synthesis")
    expect_connected(synthesis)
    first = synthesis.locator(".synthesis-question").first
    expect(first.locator("h2")).to_contain_text(EXAMPLE_QUESTIONS[0])
    drought = theme_card(synthesis, WALLS[0][0])
    expect(drought.locator(".answer-text")).to_have_count(2)
    expect(drought.locator(".answer-text", has_text=WALLS[1][0])).to_have_count(1)
    expect(drought.locator(".badge-shared")).to_have_text("Shared by 2 groups")
    rainfall = theme_card(synthesis, WALLS[0][1])
    expect(rainfall.locator(".answer-text", has_text=WALLS[1][1])).to_have_count(1)
    women = theme_card(synthesis, WALLS[0][2])
    expect(women.locator(".badge-distinct")).to_have_text(f"Distinct: {group_names[0]}")
    expect(first.locator(".summary-text")).to_have_text(SUMMARY)
    expect(first.locator(".summary h4")).to_have_text(group_names[0])

    # Merge the distinct point into the drought theme, rename it, pin a quote.
    themes_before = first.locator("article.theme").count()
    drought_label = drought.locator("h4").inner_text()
    women.get_by_label(re.compile("^Merge “.*” into another theme$")).select_option(label=drought_label)
    women.get_by_role("button", name="Merge").click()
    expect(first.locator("article.theme")).to_have_count(themes_before - 1)
    drought = theme_card(synthesis, WALLS[0][0])
    expect(drought.locator(".answer-text")).to_have_count(3)
    drought.get_by_role("button", name="Rename").click()
    synthesis.get_by_label("New name for this theme").fill(RENAMED)
    drought.get_by_role("button", name="Save", exact=True).click()
    expect(drought.locator("h4")).to_have_text(RENAMED)
    expect(drought.locator("h4")).to_be_focused()
    quote = drought.locator("li.synthesis-answer").filter(has_text=WALLS[1][0])
    quote.get_by_role("button", name="Pin as a quote").click()
    expect(quote.locator(".pin-mark")).to_have_text("Quote for the report")

    # The second group's rainfall answer goes to a theme of its own, with the keyboard-friendly list.
    rainfall = theme_card(synthesis, WALLS[0][1])
    moved = rainfall.locator("li.synthesis-answer").filter(has_text=WALLS[1][1])
    moved.get_by_role("button", name="Move to…").click()
    choice = moved.get_by_label("Move this answer to another theme")
    expect(choice).to_be_focused()
    choice.select_option(label="A new theme")
    moved.get_by_role("button", name="Move", exact=True).click()
    alone = theme_card(synthesis, WALLS[1][1])
    expect(alone.locator(".answer-text")).to_have_count(1)
    expect(alone.locator(".badge-distinct")).to_have_text(f"Distinct: {group_names[1]}")
    expect(theme_card(synthesis, WALLS[0][1]).locator(".badge-distinct")).to_have_text(
        f"Distinct: {group_names[0]}"
    )

    # Live: back in plenary the moderator pushes the second question; an answer reaches this page.
    console = open_console(moderator_page(browser, server, label="console"), meeting_id)
    push_guiding_question(console, 2)
    any_phone = phones[groups[group_names[1]][0]]
    expect(any_phone.locator("#question-text")).to_have_text(EXAMPLE_QUESTIONS[1])
    send_answer(any_phone, LIVE_ANSWER)
    second = synthesis.locator(".synthesis-question").nth(1)
    expect(second.locator(".answer-text", has_text=LIVE_ANSWER)).to_have_count(1)
    expect(theme_card(synthesis, WALLS[0][0]).locator("h4")).to_have_text(RENAMED)

    save_screenshot(synthesis, "synthesis.png", full_page=True)
    violations = [
        v for v in Axe().run(synthesis).response["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert not violations, violations

    # Every export, as the moderator downloads it from the page.
    word = Document(str(download(synthesis, "Word report (.docx)", tmp_path)))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert any(EXAMPLE_QUESTIONS[0] in h for h in headings), headings
    body = "\n".join(p.text for p in word.paragraphs)
    assert RENAMED in body and SUMMARY in body and WALLS[1][0] in body
    markdown = download(synthesis, "Markdown (.md)", tmp_path).read_text(encoding="utf-8")
    assert f"**{RENAMED}**" in markdown and LIVE_ANSWER in markdown
    table = download(synthesis, "Every answer and result (.csv)", tmp_path).read_text("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(table)))
    assert len(rows) == 6
    themed = [row for row in rows if RENAMED in " ".join(row.values())]
    assert len(themed) == 3
    archive = json.loads(download(synthesis, "Archive (.json)", tmp_path).read_text(encoding="utf-8"))
    assert RENAMED in json.dumps(archive, ensure_ascii=False)

    # Print: the content without a single control.
    synthesis.emulate_media(media="print")
    expect(synthesis.locator(".curation").first).to_be_hidden()
    expect(synthesis.locator(".export-card")).to_be_hidden()
    expect(first.locator("h2")).to_be_visible()
    assert synthesis.pdf()[:4] == b"%PDF"
    synthesis.emulate_media(media="screen")

    # Projector mode: one question at a time, the keyboard moves on.
    projector = moderator_page(browser, server, options=PROJECTOR, label="synthesis projector")
    projector.goto(f"/meetings/{meeting_id}/synthesis/projector")
    expect_connected(projector)
    stage = projector.locator("#questions")
    expect(stage.locator("h1")).to_contain_text(EXAMPLE_QUESTIONS[0])
    expect(stage.locator(".stage-theme-label", has_text=RENAMED)).to_have_count(1)
    expect(stage.locator("blockquote")).to_have_text([WALLS[1][0]])
    expect(projector.locator(".curation")).to_have_count(0)
    save_screenshot(projector, "synthesis-projector.png")
    projector.keyboard.press("ArrowRight")
    expect(stage.locator("h1")).to_contain_text(EXAMPLE_QUESTIONS[1])
    expect(projector.locator("#stage-position")).to_have_text("Question 2 of 3")
    projector.keyboard.press("ArrowLeft")
    expect(stage.locator("h1")).to_contain_text(EXAMPLE_QUESTIONS[0])

    # The rapporteur follows the link on the phone and sees the curated synthesis.
    link = reporter.locator("#synthesis-link a")
    expect(link).to_be_visible()
    link.click()
    expect(reporter).to_have_url(f"{server.base_url}/meetings/{meeting_id}/synthesis")
    expect_connected(reporter)
    expect(theme_card(reporter, WALLS[0][0]).locator("h4")).to_have_text(RENAMED)
    # Reading, not curating or downloading: the moderator has not allowed rapporteurs to edit.
    expect(reporter.locator(".curation")).to_have_count(0)
    expect(reporter.locator(".export-card")).to_have_count(0)
    width = reporter.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["viewport"]["width"] + 1, f"the synthesis scrolls sideways on a phone: {width}"
