"""The curated themes, in the shape the report (facilitator.exports.report.build_report) takes."""

from __future__ import annotations

from collections.abc import Callable

from facilitator.answers.models import Answer
from facilitator.meetings.models import Question
from facilitator.synthesis import service

# What a report asks of the synthesis for each question: its themes, as dicts with "label",
# "groups", "votes", "answer_ids", "shared" and "pinned".
ThemesFor = Callable[[Question, list[Answer]], list[dict]]

# Every answer is in some theme; a theme of one answer nobody renamed or quoted is in the annex already.
MIN_THEME_ANSWERS = 2


def curated_themes() -> ThemesFor:
    """Themes as the synthesis page shows them: renamed, merged and moved by the curators, hidden
    ones left out, pinned answers kept as selected quotes."""
    places: dict[int, dict[int, str]] = {}

    def themes_for(question: Question, answers: list[Answer]) -> list[dict]:
        if question.meeting_id not in places:
            places[question.meeting_id] = service.group_places(question.meeting_id)
        synthesis = service.synthesize(question, places[question.meeting_id])
        return [
            {
                "label": theme.label,
                "groups": theme.groups,
                "votes": theme.votes,
                "answer_ids": [a.id for a in theme.answers],
                "shared": theme.shared,
                "pinned": sorted(theme.pinned),
            }
            for theme in synthesis.themes
            if not theme.hidden and (len(theme.answers) >= MIN_THEME_ANSWERS or theme.renamed or theme.pinned)
        ]

    return themes_for
