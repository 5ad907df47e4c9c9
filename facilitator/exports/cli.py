"""Commands to export a meeting report or archive, and to import an archive, from the shell."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask, current_app
from flask_babel import force_locale
from sqlalchemy import func, select

from facilitator.accounts.models import Moderator
from facilitator.exports.archive import ArchiveError, import_archive, to_json
from facilitator.exports.docx import to_docx
from facilitator.exports.markdown import to_markdown
from facilitator.exports.report import build_report
from facilitator.exports.tabular import to_csv
from facilitator.extensions import db
from facilitator.joining.service import meeting_by_code
from facilitator.meetings.models import Meeting
from facilitator.synthesis.report import ThemesFor, curated_themes

FORMATS = ("docx", "md", "csv", "json")
# Archives of the largest meetings are a few megabytes; a file far beyond that is not one.
MAX_ARCHIVE_BYTES = 256 * 1024 * 1024


def find_meeting(reference: str) -> Meeting:
    """A meeting by its number or by its join code, as printed on the console."""
    reference = reference.strip()
    by_id = db.session.get(Meeting, int(reference)) if reference.isdigit() and len(reference) < 10 else None
    by_code = meeting_by_code(reference)
    # Join codes may be all digits ("234567"); refuse to guess when both readings find a meeting.
    if by_id is not None and by_code is not None and by_id.id != by_code.id:
        raise click.ClickException(
            f"{reference} is both a meeting number and another meeting's join code; "
            f"use the join code {by_id.join_code} or the number {by_code.id} instead."
        )
    meeting = by_id or by_code
    if meeting is None:
        raise click.ClickException(f"No meeting has the number or join code {reference}.")
    return meeting


def export(
    meeting: Meeting, fmt: str, *, themes_for: ThemesFor | None, language: str | None = None
) -> bytes | str:
    """The export in the given language, or the app's default one; a command has no browser to ask."""
    # Built and rendered under one locale: the report translates a few words as it is built.
    with force_locale(language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        report = build_report(meeting, themes_for=themes_for)
        if fmt == "docx":
            return to_docx(report)
        if fmt == "md":
            return to_markdown(report)
        if fmt == "csv":
            return to_csv(report)
        return json.dumps(to_json(report), ensure_ascii=False, indent=2) + "\n"


def register(app: Flask) -> None:
    @app.cli.command("export")
    @click.argument("meeting")
    @click.option("--format", "fmt", type=click.Choice(FORMATS), required=True, help="What to write.")
    @click.option(
        "--output",
        type=click.Path(dir_okay=False, writable=True, path_type=Path),
        help="The file to write; text formats go to standard output without it.",
    )
    @click.option("--themes/--no-themes", default=True, show_default=True, help="Group answers into themes.")
    @click.option(
        "--language",
        type=click.Choice(sorted(app.config["LANGUAGES"])),
        help="The language of the report's headings, labels and dates; "
        f"without it the app's default ({app.config['BABEL_DEFAULT_LOCALE']}).",
    )
    def export_command(
        meeting: str, fmt: str, output: Path | None, themes: bool, language: str | None
    ) -> None:
        """Export a meeting (its number or join code) as a report or an archive."""
        if fmt == "docx" and output is None:
            raise click.ClickException("A Word document cannot go to the terminal: add --output FILE.docx.")
        found = find_meeting(meeting)
        content = export(found, fmt, themes_for=curated_themes() if themes else None, language=language)
        if output is None:
            click.echo(content, nl=False)
            return
        if isinstance(content, bytes):
            output.write_bytes(content)
        else:
            # The byte-order mark is how Excel recognises a UTF-8 CSV; without it accents are garbled.
            encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
            with output.open("w", encoding=encoding, newline="") as handle:
                handle.write(content)
        click.echo(f"Wrote {output} ({output.stat().st_size} bytes).", err=True)

    @app.cli.command("import-archive")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--owner", required=True, help="Email of the moderator who will own the new meeting.")
    def import_archive_command(file: Path, owner: str) -> None:
        """Recreate a meeting from an archive made by "flask export --format json"."""
        email = owner.strip().lower()
        moderator = db.session.scalar(select(Moderator).where(func.lower(Moderator.email) == email))
        if moderator is None:
            raise click.ClickException(f"No moderator has the email {email}.")
        if file.stat().st_size > MAX_ARCHIVE_BYTES:
            raise click.ClickException(f"{file} is too large to be a meeting archive.")
        try:
            data = json.loads(file.read_text(encoding="utf-8-sig"))
        except UnicodeDecodeError:
            raise click.ClickException(f"{file} is not UTF-8 text.") from None
        except RecursionError:
            raise click.ClickException(f"{file} is nested too deeply to be a meeting archive.") from None
        except ValueError as error:
            raise click.ClickException(f"{file} is not valid JSON: {error}") from None
        try:
            meeting = import_archive(data, moderator)
        except ArchiveError as error:
            raise click.ClickException(f"{file} cannot be imported: {error}") from None
        click.echo(f"Meeting {meeting.id} created: {meeting.title} (join code {meeting.join_code}).")
