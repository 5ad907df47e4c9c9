"""flask export and flask import-archive."""

import csv
import io
import json

import docx
import pytest

from facilitator.exports.report import build_report
from facilitator.extensions import db
from facilitator.meetings.models import Meeting, Question
from facilitator.synthesis import service as synthesis
from facilitator.synthesis.models import SynthesisTheme
from facilitator.synthesis.report import curated_themes


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.mark.parametrize("fmt", ["docx", "md", "csv", "json"])
def test_export_writes_each_format_to_a_file(runner, held, tmp_path, fmt):
    h = held("affiliation")
    target = tmp_path / f"report.{fmt}"
    result = runner.invoke(args=["export", str(h.meeting_id), "--format", fmt, "--output", str(target)])
    assert result.exit_code == 0, result.output
    data = target.read_bytes()
    if fmt == "docx":
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
        assert "Map every water point" in text
    elif fmt == "md":
        assert data.decode("utf-8").startswith("# Learning session")
    elif fmt == "csv":
        # Excel recognises UTF-8 by its byte-order mark.
        assert data.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
        assert len(rows) == 7 and "name" not in rows[0]
    else:
        assert json.loads(data)["format"] == "facilitator.meeting-archive"


@pytest.mark.parametrize("fmt", ["md", "csv", "json"])
def test_text_formats_go_to_standard_output_by_join_code(runner, held, fmt):
    h = held("named")
    result = runner.invoke(args=["export", h.join_code.lower(), "--format", fmt])
    assert result.exit_code == 0, result.output
    assert "Map every water point" in result.stdout


def test_word_needs_a_file_and_unknown_meetings_are_reported(runner, held):
    h = held("named")
    result = runner.invoke(args=["export", str(h.meeting_id), "--format", "docx"])
    assert result.exit_code != 0 and "--output" in result.output
    result = runner.invoke(args=["export", "NOSUCH", "--format", "md"])
    assert result.exit_code != 0 and "No meeting" in result.output
    result = runner.invoke(args=["export", str(h.meeting_id), "--format", "pdf"])
    assert result.exit_code != 0


def test_import_archive_command(runner, held, tmp_path):
    h = held("named")
    archive = tmp_path / "meeting.json"
    assert (
        runner.invoke(args=["export", h.join_code, "--format", "json", "--output", str(archive)]).exit_code
        == 0
    )
    result = runner.invoke(args=["import-archive", str(archive), "--owner", h.moderator_email.upper()])
    assert result.exit_code == 0, result.output
    assert "created" in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(Meeting)) == 2


def test_import_archive_refuses_bad_files_and_unknown_owners(runner, held, tmp_path):
    h = held("named")
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "facilitator.meeting-archive", "version": 1}', encoding="utf-8")
    result = runner.invoke(args=["import-archive", str(bad), "--owner", h.moderator_email])
    assert result.exit_code != 0 and "design: must be an object" in result.output
    bad.write_text("{not json", encoding="utf-8")
    result = runner.invoke(args=["import-archive", str(bad), "--owner", h.moderator_email])
    assert result.exit_code != 0 and "not valid JSON" in result.output
    result = runner.invoke(args=["import-archive", str(bad), "--owner", "nobody@example.org"])
    assert result.exit_code != 0 and "No moderator" in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(Meeting)) == 1


def test_curated_themes_take_the_shape_the_report_expects(held):
    h = held(
        "named", extra_answers={"theme-00001": "Map all the water points", "theme-00002": "Map water points"}
    )
    report = build_report(h.meeting(), themes_for=curated_themes())
    visible = {answer.id for _, answer in report.answers()}
    for question in report.questions:
        for theme in question.themes:
            assert theme.label and len(theme.answer_ids) >= 2 and set(theme.answer_ids) <= visible
            assert theme.votes >= 0 and all(isinstance(group, str) for group in theme.groups)


def test_the_command_exports_the_curated_themes(runner, held):
    h = held(
        "named", extra_answers={"theme-00001": "Map all the water points", "theme-00002": "Map water points"}
    )
    question = db.session.get(Question, h.question_ids[0])
    water = next(t for t in synthesis.synthesize(question).themes if len(t.answers) >= 2)
    synthesis.rename(db.session.get(SynthesisTheme, water.id), "Know every water point")
    db.session.commit()
    result = runner.invoke(args=["export", h.join_code, "--format", "md"])
    assert result.exit_code == 0 and "**Know every water point**" in result.stdout
    synthesis.set_hidden(db.session.get(SynthesisTheme, water.id), True)
    db.session.commit()
    result = runner.invoke(args=["export", h.join_code, "--format", "md"])
    assert result.exit_code == 0 and "Know every water point" not in result.stdout


def test_export_without_themes(runner, held):
    h = held("named")
    result = runner.invoke(args=["export", h.join_code, "--format", "md", "--no-themes"])
    assert result.exit_code == 0 and "### Themes" not in result.stdout
