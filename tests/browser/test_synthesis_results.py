"""The synthesis page of a meeting that asked choice, rating, ranking, word and floor questions:
charts for the plenary and each group, the floor's questions by support, projector mode and print.

The meeting is brought in as an archive (`flask import-archive`), the way a secretariat moves a
meeting to another Facilitator, so that the page is read exactly as a moderator opens it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from .helpers import PHONE, PROJECTOR, expect_no_serious_axe_violations, moderator_page
from .server import ROOT, LiveServer

SHOTS = Path("/tmp")
MOMENT = "2026-11-28T09:30:00.000Z"
CHOICE = "Which priority comes first?"
RATING = "How ready is your district?"
FLOOR = "Questions for the panel"


def archive() -> dict:
    """Six people, a plenary choice, ranking and word cloud, a rating and a multiple choice in two
    groups, and three questions from the floor (one anonymous, one answered)."""
    people = [f"p{n}" for n in range(1, 7)]
    names = ["Amina Diallo", "Bruno Keller", "Chen Wei", "Dalia Haddad", "Eero Virtanen", "Fatou Ndiaye"]

    def question(number, text, question_format, options=(), settings=None):
        return {
            "id": f"q{number}",
            "kind": "guiding",
            "text": text,
            "status": "closed",
            "opened_at": MOMENT,
            "closed_at": MOMENT,
            "format": question_format,
            "options": [{"id": f"o{number}{i}", "text": t} for i, t in enumerate(options, start=1)],
            "settings": settings or {},
        }

    scale = {"scale_min": 1, "scale_max": 5, "low_label": "Not at all", "high_label": "Completely"}
    questions = [
        question(1, CHOICE, "single", ["Wells", "Schools", "Roads"]),
        question(2, RATING, "rating", ["Water", "Health", "Transport"], scale),
        question(3, "Rank these measures", "ranking", ["Repair", "Build", "Train"]),
        question(4, "One word for the future", "words", settings={"max_words": 3}),
        question(5, FLOOR, "floor"),
        question(6, "Which tools do you use?", "multiple", ["Radio", "Phone", "Paper"]),
    ]

    def ballot(number, person, response, group=None):
        return {"question": f"q{number}", "group": group, "participant": person, "response": response}

    ballots = [
        ballot(1, p, {"options": [o]})
        for p, o in zip(people, ["o11", "o11", "o12", "o11", "o13", "o11"], strict=True)
    ]
    ballots += [
        ballot(3, p, {"ranking": r})
        for p, r in zip(
            people[:3], [["o31", "o33", "o32"], ["o31", "o32", "o33"], ["o33", "o31", "o32"]], strict=True
        )
    ]
    words = [
        ["Water", "Peace"],
        ["water", "Schools"],
        ["Peace"],
        ["Solidarity"],
        ["water"],
        ["Trust", "peace"],
    ]
    ballots += [
        ballot(4, p, {"words": [{"text": w} for w in entry]}) for p, entry in zip(people, words, strict=True)
    ]
    for index, person in enumerate(people):
        group = "g1" if index < 3 else "g2"
        ratings = {"o21": 2 + index % 3, "o22": 4 - index % 2, "o23": 1 + index % 4}
        ballots.append(ballot(2, person, {"ratings": ratings}, group))
        ballots.append(ballot(6, person, {"options": ["o61", "o62"] if index % 2 else ["o63"]}, group))

    def item(number, person, text, voters, *, anonymous=False, answered=False):
        entry = {
            "id": f"a{number}",
            "question": "q5",
            "group": None,
            "text": text,
            "created_at": MOMENT,
            "votes": len(voters),
            "voters": voters,
            "anonymous": anonymous,
            "answered_at": MOMENT if answered else None,
        }
        if not anonymous:
            entry["author"] = person
        return entry

    return {
        "format": "facilitator.meeting-archive",
        "version": 2,
        "exported_at": MOMENT,
        "design": {"title": "Results on the synthesis page", "attribution": "named", "questions": questions},
        "participants": [
            {"id": p, "display_name": name, "country": "Senegal"}
            for p, name in zip(people, names, strict=True)
        ],
        "rounds": [
            {
                "number": 1,
                "mode": "random",
                "status": "closed",
                "opened_at": MOMENT,
                "ends_at": MOMENT,
                "closed_at": MOMENT,
                "walls_published": True,
                "groups": [
                    {
                        "id": "g1",
                        "number": 1,
                        "name": "Group 1",
                        "questions": ["q2", "q6"],
                        "members": people[:3],
                    },
                    {
                        "id": "g2",
                        "number": 2,
                        "name": "Group 2",
                        "questions": ["q2", "q6"],
                        "members": people[3:],
                    },
                ],
            }
        ],
        "answers": [
            item(1, "p1", "Who pays for the pumps once the project ends?", ["p3", "p4"], answered=True),
            item(2, "p2", "Will the survey data be public?", ["p3", "p4", "p5"], anonymous=True),
            item(3, "p6", "How are the districts chosen?", []),
        ],
        "ballots": ballots,
    }


def import_meeting(server: LiveServer, tmp_path: Path) -> int:
    path = tmp_path / "archive.json"
    path.write_text(json.dumps(archive()), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "flask", "import-archive", str(path), "--owner", server.moderator_email],
        cwd=ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return int(re.search(r"Meeting (\d+) created", result.stdout).group(1))


def section(page: Page, text: str):
    return page.locator(".synthesis-question").filter(has=page.locator(".question-text", has_text=text))


def test_results_and_the_floor_on_the_synthesis_page(
    browser: Browser, server: LiveServer, tmp_path: Path
) -> None:
    meeting_id = import_meeting(server, tmp_path)
    page = moderator_page(browser, server)
    page.goto(f"{server.base_url}/meetings/{meeting_id}/synthesis")
    choice = section(page, CHOICE)
    expect(choice.locator(".results-chart svg")).to_have_count(1)
    # The chart's numbers are in its text alternative too.
    expect(choice.locator(".chart-table th", has_text="Wells")).to_have_count(1)
    rating = section(page, RATING)
    expect(rating.locator(".results-place-name")).to_have_text(["Group 1", "Group 2"])
    expect(rating.locator(".results-chart svg")).to_have_count(2)
    floor = section(page, FLOOR)
    expect(floor.locator(".floor-item .answer-text")).to_have_text(
        [
            "Will the survey data be public?",
            "Who pays for the pumps once the project ends?",
            "How are the districts chosen?",
        ]
    )
    expect(floor.locator(".floor-item.answered .badge-answered")).to_have_text(["answered"])
    expect(floor.locator(".floor-item").first.locator(".answer-meta")).to_have_text("3 votes")
    expect(choice.locator("h3")).to_have_text(["Results"])  # no themes for counted answers
    page.screenshot(path=SHOTS / "synthesis-results.png", full_page=True)
    expect_no_serious_axe_violations(page, "the synthesis page with results")

    # Printed: charts and lists, none of the controls.
    page.emulate_media(media="print")
    expect(choice.locator(".results-chart svg")).to_be_visible()
    expect(page.locator(".export-card")).to_be_hidden()
    page.screenshot(path=SHOTS / "synthesis-print.png", full_page=True)
    page.context.close()

    # Projector mode: one question at a time, the chart in large type.
    wall = moderator_page(browser, server, options=PROJECTOR, label="projector")
    wall.goto(f"{server.base_url}/meetings/{meeting_id}/synthesis/projector")
    expect(wall.locator(".chart.is-big")).to_have_count(1)
    wall.screenshot(path=SHOTS / "synthesis-projector-choice.png")
    wall.keyboard.press("ArrowRight")
    expect(wall.locator(".chart.is-big")).to_have_count(2)
    wall.screenshot(path=SHOTS / "synthesis-projector-rating.png")
    wall.keyboard.press("End")
    wall.keyboard.press("ArrowLeft")
    expect(wall.locator(".stage-floor-item")).to_have_count(3)
    wall.screenshot(path=SHOTS / "synthesis-projector-floor.png")
    wall.context.close()

    # On a phone (a rapporteur's size), the charts fit the width.
    small = moderator_page(browser, server, options=PHONE, label="phone-size")
    small.goto(f"{server.base_url}/meetings/{meeting_id}/synthesis")
    rating = section(small, RATING)
    expect(rating.locator(".results-chart svg")).to_have_count(2)
    width = small.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    rating.scroll_into_view_if_needed()
    small.screenshot(path=SHOTS / "synthesis-phone-rating.png", full_page=True)
    small.context.close()
