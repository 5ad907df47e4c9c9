"""Reports in the reader's language: the request's on a page, --language on the command line."""

import csv
import io
from datetime import datetime

import docx
import pytest
from flask import g
from flask_babel import force_locale, get_locale

from facilitator.exports.docx import to_docx
from facilitator.exports.markdown import to_markdown
from facilitator.exports.report import build_report
from facilitator.exports.tabular import BASE_COLUMNS, RESULT_COLUMNS, to_csv
from facilitator.extensions import db
from tests.conftest import log_in
from tests.exports.helpers import curated_themes_for

NBSP = "\u00a0"
ENGLISH_HEADINGS = {
    "Contents",
    "By country",
    "By organisation",
    "Themes",
    "Shared by several groups",
    "Distinct points",
    "Group summaries",
    "Selected quotes",
    "Most supported answers",
    "Annex: all answers",
}
EXPORTED_AT = datetime(2026, 11, 28, 17, 2)


def report_in(language: str, h):
    meeting = h.meeting()
    meeting.starts_at = datetime(2026, 3, 9, 9, 30)
    db.session.commit()
    with force_locale(language):
        report = build_report(meeting, themes_for=curated_themes_for(h))
        report.generated_at = EXPORTED_AT
        return report, to_docx(report), to_markdown(report), to_csv(report)


def headings(data: bytes) -> list[tuple[str, str]]:
    document = docx.Document(io.BytesIO(data))
    return [
        (p.style.name, p.text)
        for p in document.paragraphs
        if p.style.name.startswith(("Heading", "Title", "TOC"))
    ]


def test_word_report_in_french(held):
    h = held("named")
    _, data, _, _ = report_in("fr", h)
    found = headings(data)
    for heading in [
        ("TOC Heading", "Table des matières"),
        ("Heading 1", "Participation"),
        ("Heading 2", "Par pays"),
        ("Heading 1", "Question 1. Guiding question 1?"),
        ("Heading 2", "Thèmes"),
        ("Heading 3", "Communs à plusieurs groupes"),
        ("Heading 3", "Points distincts"),
        ("Heading 2", "Synthèses des groupes"),
        ("Heading 2", "Citations retenues"),
        ("Heading 2", "Réponses les plus soutenues"),
        ("Heading 1", "Question en plénière 1. Anything else before the groups?"),
        ("Heading 1", f"Annexe{NBSP}: toutes les réponses"),
        ("Heading 3", "Session 1 · Group 1"),
        ("Heading 3", "Plénière"),
    ]:
        assert heading in found
    assert not {text for _, text in found} & ENGLISH_HEADINGS
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    assert texts[1] == "9 mars 2026 à 09:30"
    assert texts[-1] == "Exporté le 28 novembre 2026 à 17:02 UTC."
    assert "Community voice — 0 soutien · soulevé par Group 1 · 1 réponse" in texts
    assert document.tables[0].rows[0].cells[1].text == "Nombre"
    assert document.tables[0].rows[2].cells[0].text == "Participants ayant répondu, voté ou posé une question"
    # Word checks the spelling in French.
    assert document.core_properties.language == "fr-FR"
    assert 'w:val="fr-FR"' in document.styles.element.xml


def test_word_report_in_english(held):
    h = held("named")
    _, data, _, _ = report_in("en", h)
    assert {text for _, text in headings(data)} >= ENGLISH_HEADINGS
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    assert texts[1] == "9 March 2026, 09:30"
    assert texts[-1] == "Exported on 28 November 2026 at 17:02 UTC."
    assert document.core_properties.language == "en-US"


def test_markdown_report_in_french(held):
    h = held("named")
    _, _, markdown, _ = report_in("fr", h)
    for line in [
        "9 mars 2026 à 09:30",
        "*Les réponses sont présentées avec le nom et le pays de leur auteur.*",
        f"- Participants ayant répondu, voté ou posé une question{NBSP}: 4",
        "### Thèmes",
        "#### Communs à plusieurs groupes",
        "#### Points distincts",
        "### Synthèses des groupes",
        f"**Session 1 · Group 1 — rapporteur{NBSP}: Amina Diallo · Senegal**",
        "### Citations retenues",
        "### Réponses les plus soutenues",
        f"3 réponses (Session 1 · Group 1{NBSP}: 2, Session 1 · Group 2{NBSP}: 1), "
        "toutes reproduites en annexe.",
        f"1 réponse (Plénière{NBSP}: 1), reproduite en annexe.",
        "- **Money and skills** — 0 soutien · soulevé en plénière · 2 réponses",
        f"## Annexe{NBSP}: toutes les réponses",
        "#### Plénière",
        "*Exporté le 28 novembre 2026 à 17:02 UTC.*",
    ]:
        assert line in markdown.splitlines(), line
    assert "| Pays | Participants |" in markdown
    # French counts 0 and 1 in the singular, English only 1.
    assert "2 soutiens" in markdown and "· 0 soutien ·" in markdown and "votes" not in markdown


def test_csv_in_french_keeps_its_english_column_names(held):
    h = held("named")
    _, _, _, text = report_in("fr", h)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == (*BASE_COLUMNS, "name", "country", "organisation", *RESULT_COLUMNS)
    plenary = next(r for r in rows if r["answer"] == "Share the budget openly")
    assert plenary["question_label"] == "Question en plénière 1"
    assert plenary["group"] == "Plénière" and plenary["round"] == ""


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_command_line_language(runner, held, tmp_path):
    h = held("named")
    result = runner.invoke(args=["export", h.join_code, "--format", "md", "--language", "fr"])
    assert result.exit_code == 0, result.output
    assert f"## Annexe{NBSP}: toutes les réponses" in result.stdout
    target = tmp_path / "rapport.docx"
    result = runner.invoke(
        args=["export", h.join_code, "--format", "docx", "--language", "fr", "--output", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert ("Heading 1", f"Annexe{NBSP}: toutes les réponses") in headings(target.read_bytes())
    # Without the option: the app's default language.
    result = runner.invoke(args=["export", h.join_code, "--format", "md"])
    assert "## Annex: all answers" in result.stdout and "Annexe" not in result.stdout


def test_command_line_default_is_the_apps_default_language(app, runner, held):
    h = held("named")
    app.config["BABEL_DEFAULT_LOCALE"] = "fr"
    result = runner.invoke(args=["export", h.join_code, "--format", "md"])
    assert result.exit_code == 0, result.output
    assert f"## Annexe{NBSP}: toutes les réponses" in result.stdout
    result = runner.invoke(args=["export", h.join_code, "--format", "md", "--language", "en"])
    assert "## Annex: all answers" in result.stdout


def test_command_line_refuses_a_language_without_a_catalogue(runner, held):
    h = held("named")
    result = runner.invoke(args=["export", h.join_code, "--format", "md", "--language", "de"])
    assert result.exit_code != 0 and "--language" in result.output


def test_outside_a_request_the_default_language_is_used(app, held):
    h = held("named")
    g.pop("_flask_babel", None)  # as in a fresh command: nothing chosen yet
    assert str(get_locale()) == "en"
    assert "## Annex: all answers" in to_markdown(build_report(h.meeting()))
    g.pop("_flask_babel", None)
    app.config["BABEL_DEFAULT_LOCALE"] = "fr"
    assert str(get_locale()) == "fr"


@pytest.mark.parametrize(
    ("headers", "cookie", "annex"),
    [
        ({"Accept-Language": "fr-CH, fr;q=0.9"}, None, f"## Annexe{NBSP}: toutes les réponses"),
        ({"Accept-Language": "en"}, None, "## Annex: all answers"),
        # The language switcher wins over the browser.
        ({"Accept-Language": "fr"}, "en", "## Annex: all answers"),
    ],
)
def test_downloads_from_a_page_follow_the_readers_language(client, held, headers, cookie, annex):
    h = held("named")
    log_in(client, h.moderator_email)
    if cookie:
        client.set_cookie("lang", cookie, domain="facilitator.test")
    response = client.get(f"/meetings/{h.meeting_id}/export.md", headers=headers)
    assert response.status_code == 200
    assert annex in response.get_data(as_text=True).splitlines()
