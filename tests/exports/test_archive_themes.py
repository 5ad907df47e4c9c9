"""Themes in the archive: whether each is shared, which quotes were pinned, and back again."""

import copy
import json

import pytest

from facilitator.answers.models import Answer
from facilitator.exports.archive import ArchiveError, import_archive, to_json
from facilitator.exports.report import build_report
from facilitator.extensions import db
from facilitator.meetings.models import Question
from facilitator.synthesis.models import SynthesisTheme, ThemeAnswer
from facilitator.synthesis.report import curated_themes
from tests.exports.helpers import curated_themes_for
from tests.exports.test_archive import owner, row_counts


@pytest.fixture
def archived(held):
    h = held("named")
    data = to_json(build_report(h.meeting(), themes_for=curated_themes_for(h)))
    return h, data


def stored_themes(meeting_id: int) -> list[tuple[str, set[str], set[str]]]:
    """(label, answer texts, pinned answer texts) of a meeting's stored themes, in their order."""
    themes = db.session.scalars(
        db.select(SynthesisTheme)
        .join(Question, Question.id == SynthesisTheme.question_id)
        .where(Question.meeting_id == meeting_id)
        .order_by(SynthesisTheme.id)
    )
    result = []
    for theme in themes:
        members = db.session.execute(
            db.select(Answer.text, ThemeAnswer.pinned)
            .join(ThemeAnswer, ThemeAnswer.answer_id == Answer.id)
            .where(ThemeAnswer.theme_id == theme.id)
        ).all()
        result.append((theme.shown_label, {t for t, _ in members}, {t for t, pinned in members if pinned}))
    return result


def test_each_theme_says_whether_it_is_shared_and_which_quotes_are_pinned(archived):
    _, data = archived
    assert data["version"] == 2
    ids = {a["text"]: a["id"] for a in data["answers"]}
    assert [(t["question"], t["label"], t["shared"], t["pinned"]) for t in data["themes"]] == [
        ("q1", "Community voice", False, []),
        ("q1", "Water first", True, [ids["Solar pumps for the dry season"], ids["Map every water point"]]),
        ("q3", "Money and skills", False, []),
    ]


def test_themes_and_pinned_quotes_come_back_on_import(archived):
    h, data = archived
    imported = import_archive(json.loads(json.dumps(data)), owner(h))
    assert stored_themes(imported.id) == [
        ("Community voice", {"Ask the women's groups first"}, set()),
        (
            "Water first",
            {"Map every water point", "Solar pumps for the dry season"},
            {"Map every water point", "Solar pumps for the dry season"},
        ),
        ("Money and skills", {"Fund the village wells first", "Train local repair teams"}, set()),
    ]
    # The synthesis page starts from them: the imported meeting's report quotes the same answers.
    report = build_report(imported, themes_for=curated_themes())
    assert {q.text for q in report.questions[0].quotes} == {
        "Map every water point",
        "Solar pumps for the dry season",
    }
    assert {t.label: t.shared for t in report.questions[0].themes}["Water first"] is True


def test_an_archive_made_before_shared_and_pinned_still_imports(archived):
    h, data = archived
    for theme in data["themes"]:
        del theme["shared"], theme["pinned"]
    imported = import_archive(data, owner(h))
    themes = stored_themes(imported.id)
    assert [label for label, _, _ in themes] == ["Community voice", "Water first", "Money and skills"]
    assert all(pinned == set() for _, _, pinned in themes)


def test_an_archive_without_themes_stores_none(held):
    h = held("named")
    imported = import_archive(to_json(h.meeting()), owner(h))
    assert stored_themes(imported.id) == []


def damage(index: int, key: str, value):
    def apply(data):
        theme = data["themes"][index]
        theme[key] = value(data) if callable(value) else value

    return apply


def answer_id(text: str):
    return lambda data: next(a["id"] for a in data["answers"] if a["text"] == text)


WELLS = "Map every water point"
OTHER_QUESTION = "Repair before building new"

MALFORMED = [
    (damage(0, "pinned", lambda d: [answer_id(WELLS)(d)]), "not one of the theme's answers"),
    (damage(0, "answers", lambda d: [answer_id(WELLS)(d)]), "is in two themes"),
    (damage(0, "answers", lambda d: [answer_id(OTHER_QUESTION)(d)]), "answers another question"),
    (damage(0, "answers", ["a99"]), 'themes[0].answers[0]: no answer has the id "a99"'),
    (damage(0, "question", "q9"), "themes[0].question"),
    (damage(1, "shared", "yes"), "themes[1].shared: must be true or false"),
    (damage(1, "pinned", "a1"), "themes[1].pinned: must be a list"),
    (damage(2, "label", "x" * 201), "longer than 200"),
    (damage(2, "label", " "), "themes[2].label: is empty"),
]


@pytest.mark.parametrize(("change", "message"), MALFORMED)
def test_wrong_themes_are_refused_without_writing_anything(archived, change, message):
    h, data = archived
    data = copy.deepcopy(data)
    change(data)
    before = row_counts()
    with pytest.raises(ArchiveError) as refused:
        import_archive(data, owner(h))
    assert message in str(refused.value)
    assert row_counts() == before
