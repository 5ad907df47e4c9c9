"""Results charts (static/js/charts.js) drawn in a real page of the app: each question format, its
text alternative for screen readers, axe, and how it looks on a phone and on the wall."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from .helpers import PHONE, expect_no_serious_axe_violations, new_page
from .server import LiveServer

SCREENSHOTS = Path("/tmp")
WALL: dict[str, Any] = {"viewport": {"width": 1280, "height": 720}}
LONG_OPTION = (
    "Shared decision rules between basin authorities, district councils and community water committees, "
    "written down before the drought starts and reviewed every season with everyone who depends on the river"
)
ARABIC_OPTION = "تقاسم المياه بين القرى"

SINGLE: dict[str, Any] = {
    "question_id": 12,
    "format": "single",
    "respondents": 37,
    "options": [
        {"id": 1, "text": "Basin authority", "count": 12, "percent": 32.4},
        {"id": 2, "text": LONG_OPTION, "count": 20, "percent": 54.1},
        {"id": 3, "text": ARABIC_OPTION, "count": 5, "percent": 13.5},
        {"id": 4, "text": "Nobody yet", "count": 0, "percent": 0.0},
    ],
}
MULTIPLE: dict[str, Any] = {
    "question_id": 13,
    "format": "multiple",
    "respondents": 20,
    "options": [
        {"id": 5, "text": "Finance", "count": 15, "percent": 75.0},
        {"id": 6, "text": "Data", "count": 11, "percent": 55.0},
        {"id": 7, "text": "Skills", "count": 3, "percent": 15.0},
    ],
}


def scale_counts(*counts: int) -> list[dict[str, int]]:
    """How many gave each value of a 1 to 5 scale, every value listed as the server does."""
    return [{"value": value, "count": count} for value, count in enumerate(counts, start=1)]


RATING: dict[str, Any] = {
    "question_id": 14,
    "format": "rating",
    "respondents": 30,
    "scale": {"min": 1, "max": 5, "low_label": "not at all", "high_label": "completely"},
    "rows": [
        {
            "id": 3,
            "text": "Women take part in allocation decisions",
            "count": 30,
            "mean": 3.4,
            "distribution": scale_counts(2, 0, 13, 10, 5),
        },
        {
            "id": 4,
            "text": "Plans change after consultation",
            "count": 28,
            "mean": 2.1,
            "distribution": scale_counts(9, 10, 6, 3, 0),
        },
    ],
}
RANKING: dict[str, Any] = {
    "question_id": 15,
    "format": "ranking",
    "respondents": 30,
    "ranking": [
        {"id": 1, "text": "Mandates", "mean_rank": 1.8, "borda": 54, "count": 30},
        {"id": 2, "text": "Finance", "mean_rank": 2.2, "borda": 41, "count": 29},
        {"id": 3, "text": "Data", "mean_rank": 2.9, "borda": 23, "count": 27},
        {"id": 4, "text": "Skills", "mean_rank": 3.6, "borda": 7, "count": 25},
    ],
}
WORDS: dict[str, Any] = {
    "question_id": 16,
    "format": "words",
    "respondents": 41,
    "words": [
        {"text": "climat", "count": 19},
        {"text": "drought", "count": 14},
        {"text": "trust", "count": 11},
        {"text": "finance", "count": 9},
        {"text": "مياه", "count": 8},
        {"text": "rivers", "count": 7},
        {"text": "councils", "count": 6},
        {"text": "data", "count": 5},
        {"text": "women", "count": 5},
        {"text": "youth", "count": 4},
        {"text": "floods", "count": 4},
        {"text": "maps", "count": 3},
        {"text": "seasons", "count": 3},
        {"text": "wells", "count": 2},
        {"text": "pumps", "count": 2},
        {"text": "budgets", "count": 2},
        {"text": "ownership", "count": 1},
        {"text": "sharing", "count": 1},
        {"text": "rules", "count": 1},
        {"text": "farmers", "count": 1},
    ],
}
SAMPLES = {"single": SINGLE, "multiple": MULTIPLE, "rating": RATING, "ranking": RANKING, "words": WORDS}

RENDER = """async ([id, results, big]) => {
  const { renderResults } = await import('/static/js/charts.js');
  let box = document.getElementById(id);
  if (!box) {
    box = document.createElement('div');
    box.id = id;
    document.querySelector('main').append(box);
  }
  renderResults(box, results, { big });
}"""
# What the drawing shows, line by line, in the order it is drawn.
DRAWN_TEXTS = "(svg, selector) => [...svg.querySelectorAll(selector)].map((node) => node.textContent)"
# One length (width, height, x1…) of every shape the selector finds, in user units.
LENGTHS = "(svg, [selector, name]) => [...svg.querySelectorAll(selector)].map((n) => n[name].baseVal.value)"


@pytest.fixture
def chart_page(browser: Browser, server: LiveServer) -> Iterator[Page]:
    page = new_page(browser, server, "charts", PHONE)
    yield open_blank(page)


def open_blank(page: Page) -> Page:
    """A real page of the app (the login page) with its content removed: the charts' stage."""
    page.goto("/login")
    page.evaluate("document.querySelector('main').replaceChildren()")
    return page


def render(page: Page, results: dict[str, Any], *, big: bool = False, box: str | None = None) -> Page:
    page.evaluate(RENDER, [box or f"chart-{results['format']}", results, big])
    return page


def drawing(page: Page, format_name: str) -> Any:
    return page.locator(f"#chart-{format_name} svg.chart-drawing")


def alternative(page: Page, format_name: str) -> str:
    return page.locator(f"#chart-{format_name} table.chart-table").inner_text()


@pytest.mark.parametrize("format_name", ["single", "multiple"])
def test_choice_bars_show_count_and_percent(chart_page: Page, format_name: str) -> None:
    results = SAMPLES[format_name]
    render(chart_page, results)
    svg = drawing(chart_page, format_name)
    expect(svg).to_have_attribute("aria-hidden", "true")
    counted = [o for o in results["options"] if o["count"] > 0]
    expect(svg.locator("rect.chart-bar")).to_have_count(len(counted))
    widths = svg.evaluate(LENGTHS, ["rect.chart-bar", "width"])
    track = svg.evaluate(LENGTHS, ["rect.chart-track", "width"])[0]
    for width, option in zip(widths, counted, strict=True):
        assert abs(width - track * option["percent"] / 100) < 1, (width, track, option)
    values = svg.evaluate(DRAWN_TEXTS, "text.chart-value")
    expected = [f"{o['percent']:.1f}% ({o['count']})" for o in results["options"]]
    assert values == expected
    table = alternative(chart_page, format_name)
    total = results["respondents"]
    for option in results["options"]:
        assert option["text"] in table
        assert f"{option['count']} of {total}" in table
        assert f"{option['percent']:.1f}%" in table
    expect(chart_page.locator(f"#chart-{format_name} .chart-respondents")).to_have_text(
        f"Respondents: {total}"
    )


def test_long_option_wraps_and_keeps_its_full_text_for_screen_readers(chart_page: Page) -> None:
    render(chart_page, SINGLE)
    lines = drawing(chart_page, "single").evaluate(DRAWN_TEXTS, "text.chart-label")
    long_lines = lines[1 : lines.index(ARABIC_OPTION)]
    assert len(long_lines) == 3, long_lines
    assert long_lines[-1].endswith("…")
    assert " ".join(long_lines) != LONG_OPTION
    assert LONG_OPTION in alternative(chart_page, "single")


def test_right_to_left_text_runs_right_to_left_inside_the_chart(chart_page: Page) -> None:
    render(chart_page, SINGLE)
    svg = drawing(chart_page, "single")
    arabic = svg.locator("text", has_text=ARABIC_OPTION)
    expect(arabic).to_have_attribute("direction", "rtl")
    box = arabic.evaluate("(node) => { const b = node.getBBox(); return { x: b.x, width: b.width }; }")
    width = svg.evaluate("(svg) => svg.viewBox.baseVal.width")
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, (box, width)
    latin = svg.locator("text", has_text="Basin authority")
    expect(latin).to_have_attribute("direction", "ltr")
    # Both start at the same edge, where the bars start.
    assert abs(latin.evaluate("(node) => node.getBBox().x") - box["x"]) < 1


def test_a_right_to_left_page_mirrors_the_chart(chart_page: Page) -> None:
    chart_page.evaluate("document.documentElement.dir = 'rtl'")
    render(chart_page, SINGLE)
    svg = drawing(chart_page, "single")
    width = svg.evaluate("(svg) => svg.viewBox.baseVal.width")
    lefts = svg.evaluate(LENGTHS, ["rect.chart-bar", "x"])
    widths = svg.evaluate(LENGTHS, ["rect.chart-bar", "width"])
    for left, bar in zip(lefts, widths, strict=True):
        assert abs(left + bar - width) < 0.5, (left, bar, width)
    arabic = svg.locator("text", has_text=ARABIC_OPTION)
    right = arabic.evaluate("(node) => { const b = node.getBBox(); return b.x + b.width; }")
    assert abs(right - width) < 1, (right, width)


def test_rating_shows_each_value_count_and_the_mean(chart_page: Page) -> None:
    render(chart_page, RATING)
    svg = drawing(chart_page, "rating")
    counts = svg.evaluate(DRAWN_TEXTS, "text.chart-value")
    expected = [str(d["count"]) for row in RATING["rows"] for d in row["distribution"]]
    assert counts == expected
    # A column for every value with answers, its height following its count.
    heights = svg.evaluate(LENGTHS, ["rect.chart-bar", "height"])
    nonzero = [d["count"] for row in RATING["rows"] for d in row["distribution"] if d["count"]]
    assert len(heights) == len(nonzero)
    tallest = max(nonzero)
    for height, count in zip(heights, nonzero, strict=True):
        assert abs(height / heights[nonzero.index(tallest)] - count / tallest) < 0.01
    assert svg.evaluate(DRAWN_TEXTS, "text.chart-mean-label") == ["mean 3.4", "mean 2.1"]
    # The mean's mark stands between the columns of 3 and 4 for a mean of 3.4.
    marks = svg.evaluate(LENGTHS, ["line.chart-mean", "x1"])
    width = svg.evaluate("(svg) => svg.viewBox.baseVal.width")
    column = width / 5
    assert abs(marks[0] - column * (0.5 + 2.4)) < 0.5
    assert svg.evaluate(DRAWN_TEXTS, "text.chart-muted")[:2] == ["1 = not at all", "5 = completely"]
    table = alternative(chart_page, "rating")
    for row in RATING["rows"]:
        assert row["text"] in table and str(row["mean"]) in table and str(row["count"]) in table
    rows = chart_page.locator("#chart-rating tbody tr")
    expect(rows.nth(0).locator("td")).to_have_text(["3.4", "30", "2", "0", "13", "10", "5"])
    expect(chart_page.locator("#chart-rating thead th")).to_have_text(
        ["Statement", "Mean", "Answers", "1 = not at all", "2", "3", "4", "5 = completely"]
    )


def test_ranking_keeps_the_order_and_shows_both_measures(chart_page: Page) -> None:
    render(chart_page, RANKING)
    svg = drawing(chart_page, "ranking")
    labels = svg.evaluate(DRAWN_TEXTS, "text.chart-label")
    assert labels == [item["text"] for item in RANKING["ranking"]]
    tops = svg.evaluate("(svg) => [...svg.querySelectorAll('text.chart-label')].map((n) => n.getBBox().y)")
    assert tops == sorted(tops)
    assert svg.evaluate(DRAWN_TEXTS, "text.chart-rank-number") == ["1", "2", "3", "4"]
    measures = svg.evaluate(DRAWN_TEXTS, "text.chart-muted")
    assert measures == [f"{i['borda']} Borda points · mean rank {i['mean_rank']}" for i in RANKING["ranking"]]
    widths = svg.evaluate(LENGTHS, ["rect.chart-bar", "width"])
    assert widths == sorted(widths, reverse=True)
    rows = chart_page.locator("#chart-ranking tbody tr")
    expect(rows).to_have_count(4)
    for index, item in enumerate(RANKING["ranking"]):
        expect(rows.nth(index).locator("th")).to_have_text(item["text"])
        expect(rows.nth(index).locator("td")).to_have_text(
            [str(index + 1), str(item["borda"]), str(item["mean_rank"]), str(item["count"])]
        )


WORD_BOXES = """(svg) => [...svg.querySelectorAll('text.chart-word')].map((node) => {
  const box = node.getBBox();
  return { text: node.textContent, size: parseFloat(node.getAttribute('font-size')),
           x: box.x, y: box.y, width: box.width, height: box.height };
})"""


def test_word_cloud_sizes_words_by_count_without_overlaps(chart_page: Page) -> None:
    render(chart_page, WORDS)
    svg = drawing(chart_page, "words")
    boxes = svg.evaluate(WORD_BOXES)
    assert [b["text"] for b in boxes] == [w["text"] for w in WORDS["words"]]
    counts = {w["text"]: w["count"] for w in WORDS["words"]}
    for a in boxes:
        for b in boxes:
            if counts[a["text"]] > counts[b["text"]]:
                assert a["size"] > b["size"], (a, b)
            elif counts[a["text"]] == counts[b["text"]]:
                assert a["size"] == b["size"], (a, b)
    assert max(b["size"] for b in boxes) == 4 * min(b["size"] for b in boxes)
    for index, a in enumerate(boxes):
        for b in boxes[index + 1 :]:
            apart = (
                a["x"] + a["width"] <= b["x"]
                or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"]
                or b["y"] + b["height"] <= a["y"]
            )
            assert apart, f"{a['text']} overlaps {b['text']}: {a} {b}"
    view = svg.evaluate("(svg) => { const v = svg.viewBox.baseVal; return [v.x, v.y, v.width, v.height]; }")
    for box in boxes:
        assert view[0] <= box["x"] and box["x"] + box["width"] <= view[0] + view[2], box
        assert view[1] <= box["y"] and box["y"] + box["height"] <= view[1] + view[3], box
    # The same words give the same cloud.
    render(chart_page, WORDS, box="chart-words-again")
    assert chart_page.locator("#chart-words-again svg").evaluate(WORD_BOXES) == boxes
    table = alternative(chart_page, "words")
    for word in WORDS["words"]:
        assert word["text"] in table
    expect(chart_page.locator("#chart-words tbody tr").nth(0).locator("td")).to_have_text("19")


@pytest.mark.parametrize("format_name", list(SAMPLES))
def test_zero_respondents_show_that_nobody_answered_yet(chart_page: Page, format_name: str) -> None:
    results = {**SAMPLES[format_name], "respondents": 0}
    if format_name == "words":
        results["words"] = []
    render(chart_page, results)
    box = chart_page.locator(f"#chart-{format_name}")
    expect(box.locator(".chart-empty")).to_have_text("No answers yet.")
    expect(box.locator("svg")).to_have_count(0)
    expect(box.locator("table")).to_have_count(0)


def test_words_and_numbers_follow_the_page_language(chart_page: Page) -> None:
    chart_page.goto("/language/fr?next=/login")
    expect(chart_page.locator("html")).to_have_attribute("lang", "fr")
    open_blank(chart_page)
    render(chart_page, SINGLE)
    render(chart_page, RANKING)
    values = drawing(chart_page, "single").evaluate(DRAWN_TEXTS, "text.chart-value")
    assert values[0] == "32,4\u00a0% (12)"
    expect(chart_page.locator("#chart-single .chart-respondents")).to_have_text("Répondants\u00a0: 37")
    expect(chart_page.locator("#chart-single thead th")).to_have_text(["Option", "Réponses", "Pourcentage"])
    expect(chart_page.locator("#chart-single tbody td").first).to_have_text("12 sur 37")
    measures = drawing(chart_page, "ranking").evaluate(DRAWN_TEXTS, "text.chart-muted")
    assert measures[0] == "54 points Borda · rang moyen 1,8"


def test_a_chart_is_drawn_again_when_its_width_changes(chart_page: Page) -> None:
    render(chart_page, RANKING)
    svg = chart_page.locator("#chart-ranking svg.chart-drawing")
    wide = float(svg.get_attribute("width") or 0)
    chart_page.evaluate("document.getElementById('chart-ranking').style.width = '240px'")
    expect(chart_page.locator("#chart-ranking svg.chart-drawing")).not_to_have_attribute(
        "width", str(int(wide))
    )
    narrow = float(chart_page.locator("#chart-ranking svg.chart-drawing").get_attribute("width") or 0)
    assert narrow < wide and narrow <= 240


def test_every_chart_passes_axe(chart_page: Page) -> None:
    for results in SAMPLES.values():
        render(chart_page, results)
    expect_no_serious_axe_violations(chart_page, "every kind of chart")


def test_charts_fit_a_phone(chart_page: Page) -> None:
    for results in SAMPLES.values():
        render(chart_page, results)
    assert chart_page.evaluate("document.documentElement.scrollWidth") <= 390
    for name in SAMPLES:
        overflow = drawing(chart_page, name).evaluate(
            """(svg) => { const width = svg.viewBox.baseVal.width;
              return [...svg.querySelectorAll('text')].map((n) => n.getBBox())
                .filter((b) => b.x < -0.5 || b.x + b.width > width + 0.5).length; }"""
        )
        assert overflow == 0, name
    chart_page.screenshot(path=SCREENSHOTS / "charts-phone.png", full_page=True)


@pytest.mark.parametrize("format_name", list(SAMPLES))
def test_big_charts_on_the_wall(browser: Browser, server: LiveServer, format_name: str) -> None:
    page = open_blank(new_page(browser, server, "charts on the wall", WALL))
    page.evaluate("document.body.classList.add('projector')")
    render(page, SAMPLES[format_name], big=True)
    svg = drawing(page, format_name)
    sizes = svg.evaluate(
        "(svg) => [...svg.querySelectorAll('text')].map((n) => parseFloat(n.getAttribute('font-size')))"
    )
    assert min(sizes) >= 24, sizes
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.screenshot(path=SCREENSHOTS / f"charts-wall-{format_name}.png", full_page=True)
