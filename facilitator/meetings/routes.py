import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from facilitator.accounts.auth import current_moderator, login_required
from facilitator.extensions import db
from facilitator.meetings import service as meetings
from facilitator.meetings.access import own_meeting_or_404, own_question_or_404
from facilitator.meetings.design import MeetingDesign, design_to_dict
from facilitator.meetings.forms import ConfirmForm, MeetingForm, QuestionForm
from facilitator.meetings.models import Meeting
from facilitator.meetings.qr import qr_svg
from facilitator.meetings.urls import join_url

bp = Blueprint("meetings", __name__, url_prefix="/meetings")


def _settings_from(form: MeetingForm) -> dict:
    return {name: getattr(form, name).data for name in (*meetings.SETTINGS, "projector_shows_answers")}


@bp.get("/")
@login_required
def index():
    owned = db.session.scalars(
        select(Meeting).where(Meeting.owner_id == current_moderator().id).order_by(Meeting.created_at.desc())
    ).all()
    return render_template("meetings/index.html", meetings=owned, confirm_form=ConfirmForm())


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    form = MeetingForm()
    if form.validate_on_submit():
        design = MeetingDesign(**{name: getattr(form, name).data for name in meetings.SETTINGS})
        meeting = meetings.create_meeting(current_moderator(), design, form.passcode.data)
        meeting.projector_shows_answers = form.projector_shows_answers.data
        db.session.commit()
        flash(_("Meeting created. Now add the guiding questions."), "success")
        return redirect(url_for("meetings.edit", meeting_id=meeting.id))
    return render_template("meetings/new.html", form=form), 400 if form.errors else 200


@bp.route("/<int:meeting_id>", methods=["GET", "POST"])
@login_required
def edit(meeting_id: int):
    meeting = own_meeting_or_404(meeting_id)
    form = MeetingForm(obj=meeting, has_passcode=bool(meeting.passcode_hash))
    if form.validate_on_submit():
        meetings.apply_settings(meeting, _settings_from(form), form.passcode.data)
        db.session.commit()
        flash(_("Settings saved."), "success")
        return redirect(url_for("meetings.edit", meeting_id=meeting.id))
    return render_template(
        "meetings/edit.html",
        meeting=meeting,
        form=form,
        question_form=QuestionForm(formdata=None),
        confirm_form=ConfirmForm(),
        join_url=join_url(meeting),
    ), 400 if form.errors else 200


@bp.post("/<int:meeting_id>/questions")
@login_required
def add_question(meeting_id: int):
    meeting = own_meeting_or_404(meeting_id)
    form = QuestionForm()
    if form.validate_on_submit():
        meetings.add_question(meeting, form.text.data.strip())
        db.session.commit()
        flash(_("Question added."), "success")
    else:
        flash(_("A question needs between 1 and 1000 characters."), "error")
    return redirect(url_for("meetings.edit", meeting_id=meeting.id, _anchor="questions"))


@bp.post("/<int:meeting_id>/questions/<int:question_id>")
@login_required
def change_question(meeting_id: int, question_id: int):
    meeting = own_meeting_or_404(meeting_id)
    question = own_question_or_404(meeting, question_id)
    action = request.form.get("action")
    form = QuestionForm() if action == "save" else ConfirmForm()
    if not form.validate_on_submit():
        flash(_("A question needs between 1 and 1000 characters."), "error")
        return redirect(url_for("meetings.edit", meeting_id=meeting.id, _anchor="questions"))
    try:
        if action == "save":
            meetings.edit_question(question, form.text.data.strip())
        elif action in ("up", "down"):
            meetings.move_question(question, -1 if action == "up" else 1)
        elif action == "delete":
            meetings.delete_question(question)
        else:
            flash(_("Unknown action."), "error")
            return redirect(url_for("meetings.edit", meeting_id=meeting.id))
    except meetings.MeetingError as error:
        db.session.rollback()
        flash(error.translated(), "error")
    else:
        db.session.commit()
    return redirect(url_for("meetings.edit", meeting_id=meeting.id, _anchor="questions"))


@bp.post("/<int:meeting_id>/delete")
@login_required
def delete(meeting_id: int):
    meeting = own_meeting_or_404(meeting_id)
    if ConfirmForm().validate_on_submit():
        db.session.delete(meeting)
        db.session.commit()
        flash(_("Meeting deleted."), "success")
    return redirect(url_for("meetings.index"))


@bp.get("/<int:meeting_id>/design.json")
@login_required
def export_design(meeting_id: int):
    meeting = own_meeting_or_404(meeting_id)
    response = Response(
        json.dumps(design_to_dict(meetings.design_of(meeting)), ensure_ascii=False, indent=2),
        mimetype="application/json",
    )
    response.headers["Content-Disposition"] = f'attachment; filename="meeting-{meeting.join_code}.json"'
    return response


@bp.get("/<int:meeting_id>/qr.svg")
@login_required
def qr_code(meeting_id: int):
    meeting = own_meeting_or_404(meeting_id)
    return Response(qr_svg(join_url(meeting)), mimetype="image/svg+xml")
