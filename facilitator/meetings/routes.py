import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from facilitator.accounts.auth import current_moderator, login_required
from facilitator.errors import DomainError
from facilitator.extensions import db
from facilitator.meetings import editor
from facilitator.meetings import service as meetings
from facilitator.meetings.access import own_meeting_or_404, own_question_or_404
from facilitator.meetings.design import MeetingDesign, design_to_dict
from facilitator.meetings.forms import FORMAT_LABELS, ConfirmForm, MeetingForm, QuestionForm
from facilitator.meetings.models import Meeting, Question
from facilitator.meetings.qr import qr_svg
from facilitator.meetings.urls import join_url

bp = Blueprint("meetings", __name__, url_prefix="/meetings")


@bp.app_template_filter("format_label")
def format_label(question_format: str) -> str:
    """The name of a question format as moderators read it, for badges on any page."""
    label = FORMAT_LABELS.get(question_format)
    return str(label) if label is not None else str(question_format)


def _settings_from(form: MeetingForm) -> dict:
    return {name: getattr(form, name).data for name in (*meetings.SETTINGS, "projector_shows_answers")}


@bp.get("/")
@login_required
def index():
    owned = db.session.scalars(
        select(Meeting).where(Meeting.owner_id == current_moderator().id).order_by(Meeting.created_at.desc())
    ).all()
    return render_template(
        "meetings/index.html", meetings=owned, format_labels=FORMAT_LABELS, confirm_form=ConfirmForm()
    )


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


def _editor_page(
    meeting: Meeting,
    *,
    form: MeetingForm | None = None,
    sent_back: editor.QuestionView | None = None,
    status: int = 200,
):
    """The editor; a question form sent back with errors replaces that question's saved state."""
    locked = meetings.asked_question_ids(meeting)
    views = [editor.view_of(q, locked=q.id in locked) for q in meeting.guiding_questions]
    new_question = editor.QuestionView(key=editor.NEW_QUESTION)
    if sent_back is not None:
        views = [sent_back if view.key == sent_back.key else view for view in views]
        if sent_back.key == editor.NEW_QUESTION:
            new_question = sent_back
    page = render_template(
        "meetings/edit.html",
        meeting=meeting,
        form=form or MeetingForm(obj=meeting, has_passcode=bool(meeting.passcode_hash)),
        questions=list(zip(meeting.guiding_questions, views, strict=True)),
        new_question=new_question,
        format_labels=FORMAT_LABELS,
        confirm_form=ConfirmForm(),
        join_url=join_url(meeting),
    )
    return page, status


def _sent_back(form: QuestionForm, key: str, rows: list, error: str, *, locked: bool) -> editor.QuestionView:
    errors = editor.form_errors(form, _("A question needs between 1 and 1000 characters.")) or [error]
    flash(_("The question was not saved: %(reason)s", reason=" ".join(errors)), "error")
    return editor.view_from_form(form, key, rows, locked=locked, errors=errors)


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
    return _editor_page(meeting, form=form, status=400 if form.errors else 200)


@bp.post("/<int:meeting_id>/questions")
@login_required
def add_question(meeting_id: int):
    meeting = own_meeting_or_404(meeting_id)
    form = QuestionForm()
    rows = form.option_rows()
    action = request.form.get("action") or ""
    if action.startswith("option-"):
        # Without a script, moving or removing a new question's option shows the form again.
        rows, _position = editor.moved_rows(rows, action)
        view = editor.view_from_form(form, editor.NEW_QUESTION, rows, locked=False, errors=[])
        return _editor_page(meeting, sent_back=view)
    if form.validate_on_submit():
        question_format = form.format.data
        try:
            meetings.add_question(
                meeting,
                form.text.data.strip(),
                question_format,
                [text for _, text in rows],
                form.settings_for(question_format),
            )
        except DomainError as error:
            db.session.rollback()
            sent_back = _sent_back(form, editor.NEW_QUESTION, rows, error.translated(), locked=False)
            return _editor_page(meeting, sent_back=sent_back, status=400)
        db.session.commit()
        flash(_("Question added."), "success")
        return redirect(url_for("meetings.edit", meeting_id=meeting.id, _anchor="questions"))
    reason = _("A question needs between 1 and 1000 characters.")
    sent_back = _sent_back(form, editor.NEW_QUESTION, rows, reason, locked=False)
    return _editor_page(meeting, sent_back=sent_back, status=400)


def _save_question(question: Question, form: QuestionForm, action: str) -> str:
    """Saves the question's text and, when the page sent it, its format; returns the anchor to go
    back to. An option button also moves or removes that option first."""
    meetings.edit_question(question, form.text.data.strip())
    anchor = f"question-item-{question.id}"
    if "format" not in request.form:
        # Only the text was sent (an older page or a script): the format stays as it is.
        return anchor
    rows = form.option_rows()
    if action.startswith("option-"):
        rows, position = editor.moved_rows(rows, action)
        anchor = f"q{question.id}-option-{position}"
    question_format = form.format.data
    meetings.set_format(question, question_format, rows, form.settings_for(question_format))
    return anchor


@bp.post("/<int:meeting_id>/questions/<int:question_id>")
@login_required
def change_question(meeting_id: int, question_id: int):
    meeting = own_meeting_or_404(meeting_id)
    question = own_question_or_404(meeting, question_id)
    action = request.form.get("action") or ""
    saving = action == "save" or action.startswith("option-")
    form = QuestionForm() if saving else ConfirmForm()
    if not form.validate_on_submit():
        reason = _("A question needs between 1 and 1000 characters.")
        if not saving:
            flash(reason, "error")
            return redirect(url_for("meetings.edit", meeting_id=meeting.id, _anchor="questions"))
        locked = question.id in meetings.asked_question_ids(meeting)
        sent_back = _sent_back(form, str(question.id), form.option_rows(), reason, locked=locked)
        return _editor_page(meeting, sent_back=sent_back, status=400)
    anchor = "questions"
    try:
        if saving:
            anchor = _save_question(question, form, action)
        elif action in ("up", "down"):
            meetings.move_question(question, -1 if action == "up" else 1)
        elif action == "delete":
            meetings.delete_question(question)
        else:
            flash(_("Unknown action."), "error")
            return redirect(url_for("meetings.edit", meeting_id=meeting.id))
    except DomainError as error:
        db.session.rollback()
        if not saving:
            flash(error.translated(), "error")
            return redirect(url_for("meetings.edit", meeting_id=meeting.id, _anchor="questions"))
        locked = question.id in meetings.asked_question_ids(meeting)
        sent_back = _sent_back(form, str(question.id), form.option_rows(), error.translated(), locked=locked)
        return _editor_page(meeting, sent_back=sent_back, status=400)
    db.session.commit()
    if saving:
        flash(_("Question saved."), "success")
    return redirect(url_for("meetings.edit", meeting_id=meeting.id, _anchor=anchor))


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
