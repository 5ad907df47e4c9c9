"""Shared and distinct themes, and the quotes pinned on the synthesis page, in each format."""

import csv
import io

import docx
import pytest

from facilitator.exports.docx import to_docx
from facilitator.exports.markdown import to_markdown
from facilitator.exports.report import build_report
from facilitator.exports.tabular import BASE_COLUMNS, RESULT_COLUMNS, to_csv
from tests.exports.conftest import PEOPLE
from tests.exports.helpers import curated_themes_for, exported


def chapter(paragraphs, title: str) -> list[tuple[str, str]]:
    """(style, text) of the paragraphs of one Heading 1 chapter, its heading left out."""
    start = next(i for i, p in enumerate(paragraphs) if p.style.name == "Heading 1" and p.text == title)
    rest = paragraphs[start + 1 :]
    end = next((i for i, p in enumerate(rest) if p.style.name == "Heading 1"), len(rest))
    return [(p.style.name, p.text) for p in rest[:end]]


def markdown_chapter(markdown: str, title: str) -> str:
    start = markdown.index(f"\n## {title}\n")
    end = markdown.find("\n## ", start + 1)
    return markdown[start:end]


@pytest.fixture
def curated(held):
    h = held("named")
    report = build_report(h.meeting(), themes_for=curated_themes_for(h))
    return h, report


def test_word_lists_shared_themes_first_then_distinct_points_then_the_quotes(curated):
    _, report = curated
    wells, pumps = (
        next(a for _, a in report.answers() if a.text == text)
        for text in ("Map every water point", "Solar pumps for the dry season")
    )
    document = docx.Document(io.BytesIO(to_docx(report)))
    paragraphs = chapter(document.paragraphs, "Question 1. Guiding question 1?")
    headings = [(style, text) for style, text in paragraphs if style.startswith("Heading")]
    assert headings == [
        ("Heading 2", "Themes"),
        ("Heading 3", "Shared by several groups"),
        ("Heading 3", "Distinct points"),
        ("Heading 2", "Group summaries"),
        ("Heading 2", "Selected quotes"),
        ("Heading 2", "Most supported answers"),
    ]
    # The clustering listed the distinct point first; the shared theme still comes first.
    shared = paragraphs.index(("Heading 3", "Shared by several groups"))
    assert paragraphs[shared + 1] == (
        "List Bullet",
        "Water first — 3 votes · raised by Group 1, Group 2 · 2 answers",
    )
    assert paragraphs[shared + 2] == ("Heading 3", "Distinct points")
    assert paragraphs[shared + 3] == (
        "List Bullet",
        "Community voice — 0 votes · raised by Group 1 · 1 answer",
    )
    # The quotes, in the order they were pinned, with who wrote them and where.
    quotes = paragraphs.index(("Heading 2", "Selected quotes"))
    assert paragraphs[quotes + 1 : quotes + 3] == [
        ("Quote", f"Solar pumps for the dry season\n{pumps.author} · Round 1 · Group 2"),
        ("Quote", f"Map every water point\n{wells.author} · Round 1 · Group 1"),
    ]
    assert wells.author == "Amina Diallo · Senegal"


def test_markdown_lists_shared_themes_first_then_distinct_points_then_the_quotes(curated):
    _, report = curated
    question = markdown_chapter(to_markdown(report), "Question 1. Guiding question 1?")
    expected = [
        "### Themes",
        "#### Shared by several groups\n\n"
        "- **Water first** — 3 votes · raised by Group 1, Group 2 · 2 answers",
        "#### Distinct points\n\n- **Community voice** — 0 votes · raised by Group 1 · 1 answer",
        "### Group summaries",
        "### Selected quotes\n\n"
        "> Solar pumps for the dry season\n>\n> — Chen Wei · Singapore · Round 1 · Group 2\n\n"
        "> Map every water point\n>\n> — Amina Diallo · Senegal · Round 1 · Group 1",
        "### Most supported answers",
    ]
    positions = [question.index(block) for block in expected]
    assert positions == sorted(positions)


def test_a_question_answered_in_one_place_lists_its_themes_without_the_split(curated):
    _, report = curated
    document = docx.Document(io.BytesIO(to_docx(report)))
    paragraphs = chapter(document.paragraphs, "Question 3. Guiding question 3?")
    assert paragraphs[1:] == [
        ("Heading 2", "Themes"),
        ("List Bullet", "Money and skills — 0 votes · raised in plenary · 2 answers"),
    ]
    markdown = markdown_chapter(to_markdown(report), "Question 3. Guiding question 3?")
    assert "### Themes\n\n- **Money and skills**" in markdown and "####" not in markdown


def test_questions_without_pins_have_no_quotes_section(curated):
    _, report = curated
    markdown = to_markdown(report)
    assert markdown.count("### Selected quotes") == 1
    document = docx.Document(io.BytesIO(to_docx(report)))
    assert [p.text for p in document.paragraphs].count("Selected quotes") == 1


@pytest.mark.parametrize("fmt", ["docx", "md"])
def test_quotes_follow_the_attribution_rule(held, fmt):
    h = held("anonymous")
    report = build_report(h.meeting(), themes_for=curated_themes_for(h))
    assert [q.text for q in report.questions[0].quotes] == [
        "Solar pumps for the dry season",
        "Map every water point",
    ]
    texts = exported(h.meeting(), fmt, report)
    everything = "\n".join(texts.values())
    assert "Selected quotes" in everything
    assert [value for person in PEOPLE for value in person if value in everything] == []


def test_csv_keeps_its_columns_and_names_each_answers_theme(curated):
    _, report = curated
    rows = list(csv.DictReader(io.StringIO(to_csv(report))))
    assert tuple(rows[0]) == (*BASE_COLUMNS, "name", "country", "organisation", *RESULT_COLUMNS)
    themes = {row["answer"]: row["theme"] for row in rows}
    assert themes == {
        "Map every water point": "Water first",
        "Ask the women's groups first": "Community voice",
        "Solar pumps for the dry season": "Water first",
        "Repair before building new": "",
        "Fund the village wells first": "Money and skills",
        "Train local repair teams": "Money and skills",
        "Share the budget openly": "",
    }
