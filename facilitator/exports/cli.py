"""Commands to export a meeting report or archive, and to import an archive, from the shell."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import func, select

from facilitator.accounts.models import Moderator
from facilitator.breakouts.models import BreakoutGroup
from facilitator.breakouts.payloads import vote_counts
from facilitator.exports.archive import ArchiveError, import_archive, to_json
from facilitator.exports.docx import to_docx
from facilitator.exports.markdown import to_markdown
from facilitator.exports.report import ThemesFor, build_report
from facilitator.exports.tabular import to_csv
from facilitator.extensions import db
from facilitator.joining.service import meeting_by_code
from facilitator.live.models import Answer
from facilitator.meetings.models import Meeting, Question

FORMATS = ("docx", "md", "csv", "json")
# Archives of the largest meetings are a few megabytes; a file far beyond that is not one.
MAX_ARCHIVE_BYTES = 256 * 1024 * 1024
MIN_THEME_ANSWERS = 2


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


def clustered_themes() -> ThemesFor:
    """The clustering of facilitator.synthesis in the shape build_report takes."""
    # Imported here: scikit-learn is heavy, and only exports and the synthesis need it.
    from facilitator.synthesis.themes import Item, cluster

    def themes_for(question: Question, answers: list[Answer]) -> list[dict]:
        votes = vote_counts([a.id for a in answers])
        group_ids = {a.group_id for a in answers if a.group_id is not None}
        rows = db.session.execute(
            select(BreakoutGroup.id, BreakoutGroup.name).where(BreakoutGroup.id.in_(group_ids))
        ).all()
        names = dict(rows)
        items = [Item(a.id, a.text, names.get(a.group_id), votes.get(a.id, 0)) for a in answers]
        return [
            {"label": theme.label, "groups": theme.groups, "votes": theme.votes, "answer_ids": theme.item_ids}
            for theme in cluster(items)
            # Every answer lands in some theme; one that nobody else echoed is in the annex already.
            if len(theme.item_ids) >= MIN_THEME_ANSWERS
        ]

    return themes_for


def export(meeting: Meeting, fmt: str, *, themes_for: ThemesFor | None) -> bytes | str:
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
    def export_command(meeting: str, fmt: str, output: Path | None, themes: bool) -> None:
        """Export a meeting (its number or join code) as a report or an archive."""
        if fmt == "docx" and output is None:
            raise click.ClickException("A Word document cannot go to the terminal: add --output FILE.docx.")
        found = find_meeting(meeting)
        content = export(found, fmt, themes_for=clustered_themes() if themes else None)
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
