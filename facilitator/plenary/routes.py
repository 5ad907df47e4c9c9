"""The three live pages: the moderator's console, the projector and the phone."""

from flask import Blueprint, abort, redirect, render_template, url_for

from facilitator.accounts.auth import login_required
from facilitator.breakouts.service import is_rapporteur
from facilitator.joining.identity import participant_for, request_token
from facilitator.joining.service import meeting_by_code
from facilitator.meetings.access import own_meeting_or_404
from facilitator.meetings.urls import join_url

bp = Blueprint("plenary", __name__)


@bp.get("/meetings/<int:meeting_id>/console")
@login_required
def console(meeting_id: int):
    meeting = own_meeting_or_404(meeting_id)
    return render_template("plenary/console.html", meeting=meeting, join_url=join_url(meeting))


@bp.get("/meetings/<int:meeting_id>/projector")
@login_required
def projector(meeting_id: int):
    meeting = own_meeting_or_404(meeting_id)
    return render_template("plenary/projector.html", meeting=meeting, join_url=join_url(meeting))


@bp.get("/j/<code>/live")
def phone(code: str):
    meeting = meeting_by_code(code)
    if meeting is None:
        abort(404)
    participant = participant_for(meeting, request_token())
    if participant is None:
        return redirect(url_for("joining.join", code=meeting.join_code))
    return render_template(
        "plenary/phone.html",
        meeting=meeting,
        participant=participant,
        is_rapporteur=is_rapporteur(participant),
    )
