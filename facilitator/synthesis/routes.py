"""The synthesis page, its data and its curation: thin, the domain is in service.py."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from facilitator.extensions import db
from facilitator.realtime import synthesis_notices as broadcasts
from facilitator.synthesis import payloads, service
from facilitator.synthesis.access import Curator, curator_or_404, editor_or_404
from facilitator.synthesis.messages import page_messages

bp = Blueprint("synthesis", __name__)


def _page(meeting_id: int, projector: bool) -> str:
    curator = curator_or_404(meeting_id)
    return render_template(
        "synthesis/page.html",
        meeting=curator.meeting,
        curator=curator,
        projector=projector,
        page_messages=page_messages(),
    )


@bp.get("/meetings/<int:meeting_id>/synthesis")
def page(meeting_id: int) -> str:
    return _page(meeting_id, projector=False)


@bp.get("/meetings/<int:meeting_id>/synthesis/projector")
def projector(meeting_id: int) -> str:
    return _page(meeting_id, projector=True)


def questions_data(curator: Curator, question_id: int | None = None) -> list[dict]:
    """What this reader may see of the synthesis (see access.py), question by question."""
    meeting = curator.meeting
    places = service.group_places(meeting.id)
    chosen = [q for q in meeting.questions if question_id is None or q.id == question_id]
    # Ad-hoc questions nobody answered were asides; the guiding questions always have a section.
    # Themes are computed over every answer (they are stored and shared), then cut to the view.
    shown = (payloads.section_payload(curator, question, places) for question in chosen)
    return [q for q in shown if q["answer_count"] or q.get("respondents") or q["kind"] == "guiding"]


def _view(curator: Curator) -> dict:
    """What the page must know of its reader: a reader whose rights change reloads the page."""
    return {"whole": curator.sees_everything, "may_curate": curator.may_curate}


@bp.get("/meetings/<int:meeting_id>/synthesis/data")
def data(meeting_id: int):
    curator = curator_or_404(meeting_id)
    question_id = request.args.get("question", type=int)
    return jsonify(questions=questions_data(curator, question_id), view=_view(curator))


@bp.post("/meetings/<int:meeting_id>/synthesis/settings")
def settings(meeting_id: int):
    """The moderator's switch: may rapporteurs curate and download once every wall is open."""
    curator = curator_or_404(meeting_id)
    if not curator.is_moderator:
        abort(404)
    curator.meeting.rapporteurs_curate = request.form.get("rapporteurs_curate") == "on"
    db.session.commit()
    broadcasts.synthesis_changed(meeting_id)
    return redirect(url_for("synthesis.page", meeting_id=meeting_id))


def _payload() -> dict:
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        abort(400)
    return payload


def _done(curator: Curator, question_id: int):
    db.session.commit()
    broadcasts.synthesis_changed(curator.meeting.id, question_id)
    return jsonify(ok=True, questions=questions_data(curator, question_id), view=_view(curator))


def _refused(error: service.SynthesisError):
    db.session.rollback()
    return jsonify(ok=False, error=error.translated()), 409


@bp.post("/meetings/<int:meeting_id>/synthesis/themes/<int:theme_id>")
def update_theme(meeting_id: int, theme_id: int):
    curator = editor_or_404(meeting_id)
    payload = _payload()
    label, hidden = payload.get("label"), payload.get("hidden")
    if (
        (label is None and hidden is None)
        or not isinstance(label, str | None)
        or not isinstance(hidden, bool | None)
    ):
        return jsonify(ok=False, error=_("This request is malformed.")), 400
    try:
        theme = service.theme_of_meeting(meeting_id, theme_id)
        if label is not None:
            service.rename(theme, label)
        if hidden is not None:
            service.set_hidden(theme, hidden)
    except service.SynthesisError as error:
        return _refused(error)
    return _done(curator, theme.question_id)


@bp.post("/meetings/<int:meeting_id>/synthesis/themes/<int:theme_id>/merge")
def merge_theme(meeting_id: int, theme_id: int):
    curator = editor_or_404(meeting_id)
    into = _payload().get("into")
    if not isinstance(into, int) or isinstance(into, bool):
        return jsonify(ok=False, error=_("This request is malformed.")), 400
    try:
        source = service.theme_of_meeting(meeting_id, theme_id)
        target = service.theme_of_meeting(meeting_id, into)
        question_id = source.question_id
        service.merge(source, target)
    except service.SynthesisError as error:
        return _refused(error)
    return _done(curator, question_id)


@bp.post("/meetings/<int:meeting_id>/synthesis/answers/<int:answer_id>")
def update_answer(meeting_id: int, answer_id: int):
    curator = editor_or_404(meeting_id)
    payload = _payload()
    theme_id, pinned = payload.get("theme"), payload.get("pinned")
    valid_theme = (
        theme_id is None
        or theme_id == "new"
        or (isinstance(theme_id, int) and not isinstance(theme_id, bool))
    )
    if (theme_id is None and pinned is None) or not valid_theme or not isinstance(pinned, bool | None):
        return jsonify(ok=False, error=_("This request is malformed.")), 400
    try:
        member = service.membership_in_meeting(meeting_id, answer_id)
        question_id = member.theme.question_id
        if theme_id is not None:
            target = None if theme_id == "new" else service.theme_of_meeting(meeting_id, theme_id)
            service.move(member, target)
        if pinned is not None:
            service.pin(member, pinned)
    except service.SynthesisError as error:
        return _refused(error)
    return _done(curator, question_id)
