"""Downloading the report or the archive from the synthesis page: the moderator, and rapporteurs
only where the moderator allowed it and every wall is open (facilitator/synthesis/access.py)."""

from __future__ import annotations

import json
import re
import unicodedata

from flask import Blueprint, Response, abort

from facilitator.exports.archive import to_json
from facilitator.exports.docx import to_docx
from facilitator.exports.markdown import to_markdown
from facilitator.exports.report import build_report
from facilitator.exports.tabular import to_csv
from facilitator.synthesis.access import editor_or_404
from facilitator.synthesis.report import curated_themes

bp = Blueprint("exports", __name__)

MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


def file_stem(title: str) -> str:
    """A file name every system accepts: "Réunion / 5 juillet" gives "Reunion-5-juillet"."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9]+", "-", ascii_title).strip("-")[:60].strip("-")
    return stem or "meeting"


@bp.get("/meetings/<int:meeting_id>/export.<fmt>")
def download(meeting_id: int, fmt: str) -> Response:
    if fmt not in MEDIA_TYPES:
        abort(404)
    curator = editor_or_404(meeting_id)
    meeting = curator.meeting
    report = build_report(meeting, themes_for=curated_themes())
    if fmt == "docx":
        body: bytes = to_docx(report)
    elif fmt == "md":
        body = to_markdown(report).encode("utf-8")
    elif fmt == "csv":
        # The byte-order mark is how Excel recognises a UTF-8 CSV; without it accents are garbled.
        body = to_csv(report).encode("utf-8-sig")
    else:
        body = (json.dumps(to_json(report), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    response = Response(body, mimetype=MEDIA_TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{file_stem(meeting.title)}.{fmt}"'
    # A report holds what participants wrote: no shared cache may keep a copy.
    response.headers["Cache-Control"] = "no-store"
    return response
