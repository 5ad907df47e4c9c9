"""Every format of a meeting as the text a reader (or a leak) would find in it."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime

import docx

from facilitator.exports.archive import to_json
from facilitator.exports.docx import to_docx
from facilitator.exports.markdown import to_markdown
from facilitator.exports.report import (
    AnswerEntry,
    AnswerSection,
    Count,
    Participation,
    QuestionSection,
    Report,
    SummaryEntry,
    Theme,
    ThemesFor,
    build_report,
)
from facilitator.exports.tabular import to_csv
from facilitator.meetings.models import Meeting

FORMATS = ("docx", "md", "csv", "json")


def docx_parts(data: bytes) -> dict[str, str]:
    """Every XML part of the package (document, properties, styles…), by name."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {
            name: package.read(name).decode("utf-8") for name in package.namelist() if name.endswith(".xml")
        }


def docx_text(data: bytes) -> str:
    """The text as python-docx reads it: paragraphs and table cells."""
    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(lines)


def exported(meeting: Meeting, fmt: str, report: Report | None = None) -> dict[str, str]:
    """Named texts of one export, each to be searched on its own."""
    report = report or build_report(meeting)
    if fmt == "docx":
        data = to_docx(report)
        parts = docx_parts(data)
        assert "word/document.xml" in parts
        return {**parts, "python-docx text": docx_text(data)}
    if fmt == "md":
        return {"markdown": to_markdown(report)}
    if fmt == "csv":
        return {"csv": to_csv(report)}
    return {"json": json.dumps(to_json(report), ensure_ascii=False)}


def tiny_report(text: str, *, attribution: str = "named") -> Report:
    """A report built in memory with the same text in every place a participant can write,
    for checking what each format makes of any text at all."""
    moment = datetime(2026, 11, 28, 9, 30)
    entry = AnswerEntry(
        id=1,
        question_id=1,
        text=text,
        votes=2,
        created_at=moment,
        round_number=1,
        group_name=text,
        group_id=1,
        author=text,
        author_fields={"name": text, "country": text, "organisation": text},
        themes=[text],
    )
    question = QuestionSection(
        id=1,
        kind="guiding",
        number=1,
        text=text,
        themes=[Theme(text, [text], 2, [1])],
        summaries=[SummaryEntry(text, 1, text, text)],
        top_answers=[entry],
        sections=[AnswerSection(None, None, [entry]), AnswerSection(1, text, [entry])],
    )
    return Report(
        meeting_id=1,
        title=text,
        description=text,
        date=moment.date(),
        starts_at=None,
        attribution=attribution,
        author_fields=("name", "country", "organisation"),
        participation=Participation(1, 1, 1, 0, 0, 1, 1, [Count(text, 1)], [Count(text, 1)]),
        questions=[question],
        generated_at=moment,
    )


def curated_themes_for(h) -> ThemesFor:
    """Themes as a synthesis page might give them for the held meeting (tests/exports/conftest.py):
    on question 1 a point of one group listed before a theme shared by both groups, with two pinned
    quotes in the shared one; on the plenary question 3 one theme, answered in one place only."""
    ids = h.answer_ids
    first, second = h.group_ids

    def themes_for(question, answers):
        if question.id == h.question_ids[0]:
            return [
                {
                    "label": "Community voice",
                    "groups": [first],
                    "answer_ids": [ids["Ask the women's groups first"]],
                },
                {
                    "label": "Water first",
                    "groups": [first, second],
                    "answer_ids": [ids["Map every water point"], ids["Solar pumps for the dry season"]],
                    "pinned": [ids["Solar pumps for the dry season"], ids["Map every water point"]],
                },
            ]
        if question.id == h.question_ids[2]:
            return [
                {
                    "label": "Money and skills",
                    "answer_ids": [ids["Fund the village wells first"], ids["Train local repair teams"]],
                }
            ]
        return []

    return themes_for
