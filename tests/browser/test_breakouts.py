"""A breakout round of the example consultation: a moderator, a projector and eight phones.

The moderator plans a round balanced by country, adjusts the preview, opens it for the shortest
time the form allows, and the groups work on their phones until the server's clock ends it.
Then one group reports back, every wall opens to everyone, and the meeting returns to plenary.
"""

from __future__ import annotations

import re
from collections import Counter

from playwright.sync_api import Browser, Locator, Page, expect

from .helpers import (
    DESKTOP,
    EXAMPLE_QUESTIONS,
    PROJECTOR,
    answers_reading,
    expect_confirm,
    expect_connected,
    import_example_meeting,
    moderator_page,
    phone,
    save_screenshot,
)
from .server import LiveServer

# Three countries of three, three and two people: split into three groups, a balanced plan puts
# one Kenyan and one French person in every group and never two Chileans together.
PEOPLE = {
    "Amani Njoroge": "Kenya",
    "Wanjiru Kamau": "Kenya",
    "Otieno Ouma": "Kenya",
    "Camille Durand": "France",
    "Élodie Martin": "France",
    "Hugo Bernard": "France",
    "Valentina Rojas": "Chile",
    "Matías González": "Chile",
}
# What each of them answers to the first guiding question (drought allocation arrangements).
ANSWERS = {
    "Amani Njoroge": "Our water users' association publishes the dry-season rota before the rains fail.",
    "Wanjiru Kamau": "County and basin officers sit on one drought committee that meets every fortnight.",
    "Otieno Ouma": "Herders and farmers agreed watering hours at the dam, written down and signed.",
    "Camille Durand": "Les commissions locales de l'eau arbitrent les prélèvements avec les agriculteurs.",
    "Élodie Martin": "A shared dashboard of reservoir levels ended arguments about who uses what.",
    "Hugo Bernard": "Drought plans tested in a tabletop exercise before the summer actually worked.",
    "Valentina Rojas": "Las juntas de vigilancia reparten el agua por turnos cuando el caudal baja.",
    "Matías González": "Community committees kept a reserve for drinking water that nobody could sell.",
}
SUMMARY_DRAFT = "Rotas agreed before the dry season, published where everyone can see them."
SUMMARY = SUMMARY_DRAFT + "\nOne committee where county and basin officers decide together."
BROADCAST = "Five minutes to go: agree on one arrangement to report back."
CONFIRM_END_REPORT = "End the report-back and bring everyone back to the plenary?"
# The server's clock closes a round within a second of its end; the end is at least 10 s away.
ROUND_END_TIMEOUT_MS = 25_000
NEAR_END = re.compile(r"^0:(0\d|10)$")


def countries_in(members: list[str]) -> Counter[str]:
    return Counter(PEOPLE[name] for name in members)


def expect_balanced(groups: dict[str, list[str]], seed: str) -> None:
    """Sizes 3, 3 and 2; nobody shares a group with someone from their own country."""
    assert sorted(len(members) for members in groups.values()) == [2, 3, 3], f"seed {seed}: {groups}"
    for name, members in groups.items():
        assert max(countries_in(members).values()) == 1, f"seed {seed}: {name} mixes too little: {members}"


def preview_groups(plan: Page) -> dict[str, list[str]]:
    """The groups of the preview as the moderator sees them: name → members, in page order."""
    groups = {}
    for card in plan.locator(".plan-group:not(.plan-nogroup)").all():
        name = card.locator(".plan-group-name").input_value()
        groups[name] = card.locator(".plan-member-name").all_inner_texts()
    return groups


def cockpit_groups(cockpit: Page) -> dict[str, list[str]]:
    return {
        card.locator("h3").inner_text(): card.locator(".member-name").all_inner_texts()
        for card in cockpit.locator("#groups > .group-card").all()
    }


def first_question(page: Page) -> Locator:
    """The panel of the group's first question on a phone (the tab shown when the group opens)."""
    return page.locator("#group-questions > .group-question").first


def wall_item(page: Page, text: str) -> Locator:
    return answers_reading(page, "#group-questions .wall", text)


def member_entry(page: Page, name: str) -> Locator:
    """A member as the group's list on a phone names them (name · country in a named meeting)."""
    return page.locator("#group-members .member-list > li").filter(has_text=f"{name} · {PEOPLE[name]}")


def group_card(cockpit: Page, group: str) -> Locator:
    return cockpit.locator("#groups > .group-card").filter(has=cockpit.locator("h3", has_text=group))


def test_breakout_round(browser: Browser, server: LiveServer) -> None:
    # The moderator prepares the meeting from the concept note; the projector shows the lobby.
    moderator = moderator_page(browser, server)
    meeting_id, code = import_example_meeting(moderator)
    projector = moderator_page(browser, server, options=PROJECTOR, label="projector")
    projector.goto(f"/meetings/{meeting_id}/projector")
    expect_connected(projector)

    # Eight participants join on their phones, each giving their country.
    phones = {
        name: phone(browser, server, code, name=name, country=country) for name, country in PEOPLE.items()
    }
    expect(projector.locator("#participant-count")).to_have_text("8 joined")

    # The moderator plans a round balanced by country, in three groups, for one minute.
    plan = moderator
    plan.goto(f"/meetings/{meeting_id}/breakouts/new")
    plan.get_by_role("radio", name="Balanced: each group as mixed as possible").check()
    plan.get_by_role("radio", name="Country").check()
    plan.get_by_role("radio", name="Number of groups").check()
    plan.locator("#groups").fill("3")
    for number, text in enumerate(EXAMPLE_QUESTIONS, start=1):
        box = plan.get_by_role("checkbox", name=f"Question {number}: {text}")
        expect(box).to_be_checked()
    minutes = plan.locator("#minutes")
    expect(minutes).to_have_attribute("min", "1")
    minutes.fill("1")
    plan.get_by_role("button", name="Preview groups").click()
    expect(plan.get_by_role("heading", name="Preview: 3 groups")).to_be_visible()
    expect(plan.locator("#minutes")).to_have_value("1")

    # In the preview, no group has two people from one country (the shuffle number says which
    # of the possible plans this is, to replay it).
    seed = plan.locator("#seed").input_value()
    groups = preview_groups(plan)
    assert sorted(name for members in groups.values() for name in members) == sorted(PEOPLE)
    expect_balanced(groups, seed)

    # The moderator moves one Chilean, with the menu on their row, into the group with none:
    # the groups stay as mixed as before.
    small = next(name for name, members in groups.items() if len(members) == 2)
    moved = next(
        person
        for members in groups.values()
        if len(members) == 3
        for person in members
        if PEOPLE[person] == "Chile"
    )
    origin = next(name for name, members in groups.items() if moved in members)
    row = plan.locator(".plan-member").filter(has=plan.locator(".plan-member-name", has_text=moved))
    menu = row.get_by_label(f"Group of {moved}")
    menu.select_option(label=small)
    target_card = plan.locator(".plan-group").filter(has=plan.locator(f".plan-group-name[value='{small}']"))
    expect(target_card.locator(".plan-member-name", has_text=moved)).to_have_count(1)
    expect(menu).to_be_focused()
    expect(plan.locator("#plan-announcer")).to_have_text(f"{moved} is now in {small}.")
    expect(target_card.locator("[data-count]")).to_have_text("People: 3")
    groups[origin].remove(moved)
    groups[small].append(moved)
    assert preview_groups(plan) == groups
    expect_balanced(groups, seed)

    # The round opens: the cockpit lists the groups exactly as adjusted, everyone online.
    plan.locator("#open-button").click()
    expect(moderator).to_have_url(f"{server.base_url}/meetings/{meeting_id}/breakouts")
    cockpit = moderator
    expect_connected(cockpit)
    expect(cockpit.locator("#groups > .group-card")).to_have_count(3)
    expect(cockpit.locator("#groups-summary")).to_have_text("3 groups · 8 people · 8 online")
    assert {name: sorted(members) for name, members in cockpit_groups(cockpit).items()} == {
        name: sorted(members) for name, members in groups.items()
    }
    group_of = {person: name for name, members in groups.items() for person in members}
    expect(projector.locator("#round-stage")).to_be_visible()
    expect(projector.locator("#round-groups > li")).to_have_text(list(groups))

    # Every phone leaves the plenary for its group; a one-minute round warns at once.
    for name, each in phones.items():
        group = group_of[name]
        expect(each.locator("#group-name")).to_have_text(group)
        expect(each.locator("#plenary")).to_be_hidden()
        expect(each.locator("#round-title")).to_have_text("Breakout round 1")
        expect(each.locator("#group-members .member-list > li")).to_have_count(len(groups[group]))
        for member in groups[group]:
            expect(member_entry(each, member)).to_have_count(1)
        expect(first_question(each).locator(".question-text")).to_have_text(EXAMPLE_QUESTIONS[0])
        expect(each.locator("#round-warning")).to_be_visible()
    expect(projector.locator("#round-warning")).to_be_visible()
    expect(cockpit.locator("#countdown")).to_have_text(re.compile(r"^0:[0-5]\d$"))

    # Five more minutes, so that the groups are not hurried: every clock follows.
    cockpit.get_by_role("button", name="5 minutes more").click()
    expect(cockpit.locator("#countdown")).to_have_text(re.compile(r"^[56]:\d\d$"))
    for each in phones.values():
        expect(each.locator("#round-clock")).to_have_text(re.compile(r"^[56]:\d\d$"))
        expect(each.locator("#round-warning")).to_be_hidden()
    expect(projector.locator("#round-clock")).to_have_text(re.compile(r"^[56]:\d\d$"))
    expect(projector.locator("#round-warning")).to_be_hidden()

    # Everyone answers the first question on their group's wall.
    for name, each in phones.items():
        panel = first_question(each)
        panel.locator("textarea[data-part=answer]").fill(ANSWERS[name])
        panel.get_by_role("button", name="Send to the group").click()
    for name, each in phones.items():
        mates = groups[group_of[name]]
        expect(first_question(each).locator(".wall > li")).to_have_count(len(mates))
        for mate in mates:
            expect(wall_item(each, ANSWERS[mate])).to_have_count(1)
        expect(wall_item(each, ANSWERS[name])).to_have_class("mine")
        # Other groups' answers never reach this phone.
        for other, text in ANSWERS.items():
            if other not in mates:
                expect(each.locator("body")).not_to_contain_text(text)
    for name, members in groups.items():
        first_stats = group_card(cockpit, name).locator(".group-questions > li").first.locator(".q-stats")
        expect(first_stats.locator("strong")).to_have_text(f"{len(members)} answers")

    # In the first group, one member supports another's answer: the count rises on both phones.
    first_group = next(iter(groups))
    supporter, author = groups[first_group][:2]
    vote = wall_item(phones[supporter], ANSWERS[author]).locator(".vote")
    vote.click()
    expect(vote).to_have_attribute("aria-pressed", "true")
    expect(vote.locator(".vote-count")).to_have_text("1")
    expect(wall_item(phones[author], ANSWERS[author]).locator(".vote-count")).to_have_text("1")

    # The author volunteers as rapporteur and writes the summary; the supporter reads it live.
    rapporteur = phones[author]
    rapporteur.get_by_role("button", name="Be the rapporteur").click()
    expect(rapporteur.locator("#group-role")).to_have_text(
        "You are the rapporteur: write your group's summary under each question."
    )
    expect(rapporteur.get_by_role("button", name="Be the rapporteur")).to_be_hidden()
    expect(phones[supporter].get_by_role("button", name="Be the rapporteur")).to_be_hidden()
    expect(member_entry(phones[supporter], author)).to_contain_text("Rapporteur")
    summary_box = first_question(rapporteur).locator("textarea[data-part=summary-input]")
    summary_box.fill(SUMMARY_DRAFT)
    first_question(rapporteur).get_by_role("button", name="Save summary").click()
    expect(first_question(rapporteur).locator("[data-part=summary-status]")).to_have_text("Saved")
    summary_seen = first_question(phones[supporter]).locator("[data-part=summary-text]")
    expect(summary_seen).to_have_text(SUMMARY_DRAFT)
    summary_box.fill(SUMMARY)
    first_question(rapporteur).get_by_role("button", name="Save summary").click()
    expect(summary_seen).to_have_text(SUMMARY)
    first_card = group_card(cockpit, first_group)
    expect(first_card.locator(".summary-state.has-summary")).to_have_count(1)

    # In the second group the moderator names the rapporteur from the cockpit.
    second_group = list(groups)[1]
    named = groups[second_group][0]
    member_row = group_card(cockpit, second_group).locator("li.member").filter(has_text=named)
    member_row.locator("summary", has_text=f"Move {named} or make them rapporteur").click()
    member_row.get_by_role("button", name="Make rapporteur").click()
    expect(member_row.locator(".badge.rapporteur")).to_have_text("Rapporteur")
    expect(phones[named].locator("#group-role")).to_have_text(
        "You are the rapporteur: write your group's summary under each question."
    )
    expect(first_question(phones[named]).locator("[data-part=summary-form]")).to_be_visible()
    expect(member_entry(phones[groups[second_group][1]], named)).to_contain_text("Rapporteur")

    # The moderator sends a message to every group: every phone and the projector show it.
    cockpit.locator("#broadcast-text").fill(BROADCAST)
    expect(cockpit.locator("#broadcast-target")).to_have_value("")
    cockpit.get_by_role("button", name="Send message").click()
    expect(cockpit.locator("#messages")).to_contain_text(BROADCAST)
    for each in phones.values():
        expect(each.locator("#breakout-messages .broadcast-text")).to_have_text([BROADCAST])
    expect(projector.locator("#round-message-text")).to_have_text(BROADCAST)

    # A phone of the last group reloads mid-round: same group, its answer still its own.
    last_group = list(groups)[2]
    reloaded_name = groups[last_group][0]
    reloaded = phones[reloaded_name]
    reloaded.reload()
    expect_connected(reloaded)
    expect(reloaded.locator("#group-name")).to_have_text(last_group)
    expect(first_question(reloaded).locator(".wall > li")).to_have_count(len(groups[last_group]))
    expect(wall_item(reloaded, ANSWERS[reloaded_name])).to_have_class("mine")
    expect(reloaded.locator("#breakout-messages .broadcast-text")).to_have_text([BROADCAST])
    # The cockpit saw the phone go and come back (it refreshes at most once a second).
    back_online = group_card(cockpit, last_group).locator("li.member").filter(has_text=reloaded_name)
    expect(back_online.locator(".member-state")).to_have_text("online")
    expect(cockpit.locator("#groups-summary")).to_have_text("3 groups · 8 people · 8 online")

    # Pictures for the documentation: the cockpit with the first group's wall open, and a phone.
    first_card.get_by_role("button", name="Open wall").click()
    wall_panel = cockpit.locator("#wall-panel")
    expect(wall_panel.locator("h2")).to_have_text(f"Wall of {first_group}")
    for member in groups[first_group]:
        expect(wall_panel).to_contain_text(ANSWERS[member])
    expect(wall_panel.locator(".wall-summary .answer-text").first).to_have_text(SUMMARY)
    # The whole cockpit in one window, so that the wall panel (fixed on the right) runs its full height.
    cockpit.set_viewport_size({"width": 1280, "height": cockpit.evaluate("document.body.scrollHeight")})
    cockpit.evaluate("window.scrollTo(0, 0)")
    save_screenshot(cockpit, "cockpit.png")
    cockpit.set_viewport_size(DESKTOP["viewport"])
    cockpit.locator("#wall-close").click()
    expect(wall_panel).to_be_hidden()
    save_screenshot(phones[supporter], "phone-group.png", full_page=True)

    # The moderator brings the end to ten seconds from now; the server's clock ends the round.
    cockpit.get_by_role("button", name="5 minutes less").click()
    expect(cockpit.locator("#countdown")).to_have_text(re.compile(r"^0:\d\d$"))
    cockpit.get_by_role("button", name="1 minute less").click()
    expect(cockpit.locator("#countdown")).to_have_text(NEAR_END)
    for each in phones.values():
        expect(each.locator("#round-warning")).to_be_visible()
    for each in phones.values():
        expect(each.locator("#group-view")).to_be_hidden(timeout=ROUND_END_TIMEOUT_MS)
        expect(each.locator("#plenary")).to_be_visible()
        expect(each.locator("#round-ended")).to_have_text("Breakout round 1 has ended.")
        expect(each.locator("#round-bar")).to_be_hidden()
    expect(cockpit.locator("#countdown")).to_have_text("Closed")
    expect(cockpit.locator("#report-card")).to_be_visible()
    expect(projector.locator("#lobby")).to_be_visible()

    # Report-back: the first group's summary and most supported answer on the wall and the phones.
    report_row = cockpit.locator("#report-groups > li").filter(has_text=first_group)
    show = report_row.get_by_role("button", name="Show on projector")
    show.click()
    expect(show).to_have_attribute("aria-pressed", "true")
    report = projector.locator("#report-stage")
    expect(report).to_be_visible()
    expect(report.locator(".report-title")).to_have_text(f"Report-back: {first_group}")
    expect(report.locator(".report-question").first.locator(".summary-text")).to_have_text(SUMMARY)
    top = report.locator(".report-question").first.locator(".top-answers > li").first
    expect(top.locator(".answer-text")).to_have_text(ANSWERS[author])
    expect(top).to_contain_text("+1 × 1")
    for each in phones.values():
        shown = each.locator("#report-view")
        expect(shown.locator(".report-title")).to_have_text(f"Report-back: {first_group}")
        expect(shown.locator(".report-question").first.locator(".summary-text")).to_have_text(SUMMARY)
        expect(each.locator("#round-ended")).to_be_hidden()

    # Every wall opens to everyone: a member of the last group reads the first group's wall.
    cockpit.get_by_role("button", name="Open all walls to everyone").click()
    expect(cockpit.locator("#walls-state")).to_have_text(
        "Everyone can now read every group’s wall on their phone."
    )
    walls = reloaded.locator("#walls-view")
    expect(walls.get_by_role("heading", name="The walls of all groups")).to_be_visible()
    expect(walls.locator("details.wall-fold")).to_have_count(3)
    fold = walls.locator("details.wall-fold").filter(has=reloaded.locator("summary", has_text=first_group))
    fold.locator("summary").click()
    for member in groups[first_group]:
        expect(fold.get_by_text(ANSWERS[member], exact=True)).to_be_visible()
    expect(fold.locator(".summary-text").first).to_have_text(SUMMARY)
    # Read only: nothing to type into, nothing to press.
    expect(walls.locator("textarea, input, button")).to_have_count(0)
    expect(reloaded.locator("#group-view")).to_be_hidden()

    # Back to plenary: the phones leave the round, the projector shows the lobby.
    expect_confirm(cockpit, CONFIRM_END_REPORT)
    cockpit.get_by_role("button", name="Back to plenary").click()
    expect(cockpit.locator("#no-round")).to_be_visible()
    for each in phones.values():
        expect(each.locator("#breakout")).to_be_hidden()
        expect(each.locator("#plenary")).to_be_visible()
        expect(each.locator("#waiting")).to_be_visible()
    expect(projector.locator("#lobby")).to_be_visible()
