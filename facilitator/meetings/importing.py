"""Starting a meeting from a concept note or from a template exported earlier."""

import secrets

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from facilitator.accounts.auth import current_moderator, login_required
from facilitator.extensions import db
from facilitator.meetings import service as meetings
from facilitator.meetings.concept_note import parse_concept_note
from facilitator.meetings.design import DesignError, MeetingDesign, QuestionDesign, design_from_json
from facilitator.meetings.format_detection import DetectedFormat
from facilitator.meetings.formats import FormatError, checked_format
from facilitator.meetings.forms import (
    ConceptNoteForm,
    DesignUploadForm,
    ImportConfirmForm,
    scale_of,
)
from facilitator.meetings.models import QuestionFormat
from facilitator.meetings.routes import bp
from facilitator.text import clean

MAX_QUESTIONS = 50


def _read_upload(storage) -> str:
    raw = storage.read()
    # Word processors save notes as UTF-8 or as the Windows code page; accept both.
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    return clean(text)


def _format_entry(text: str, found: DetectedFormat) -> dict:
    scale = found.scale or (1, 5)
    return {
        "text": text,
        "format": found.format,
        "options": "\n".join(found.options),
        "scale": f"{scale[0]}-{scale[1]}",
    }


def _checked_formats(form: ImportConfirmForm, questions: list[str]) -> list[QuestionDesign] | None:
    """Each question with the format the moderator confirmed, or None when one needs correcting
    (its error is then on the form). The formats follow the questions in order; a form sent
    without them (the questions only) creates open questions."""
    entries = [entry.form for entry in form.formats]
    if not entries:
        return [QuestionDesign(text) for text in questions]
    designs: list[QuestionDesign] = []
    for text, entry in zip(questions, entries, strict=True):
        settings: dict = {}
        if entry.format.data == QuestionFormat.RATING:
            settings["scale_min"], settings["scale_max"] = scale_of(entry.scale.data)
        try:
            spec = checked_format(entry.format.data, entry.option_lines(), settings)
        except FormatError as error:
            entry.options.errors = [*entry.options.errors, error.translated()]
            continue
        designs.append(QuestionDesign(text, str(spec.format), spec.options, spec.settings))
    return designs if len(designs) == len(questions) else None


def _formats_for_new_list(form: ImportConfirmForm, questions: list[str]) -> ImportConfirmForm:
    """The form again after the list of questions changed in number: formats stay with the
    question whose text they were found for, and new questions start open."""
    kept: dict[str, dict] = {}
    for entry in form.formats:
        sub = entry.form
        kept.setdefault(
            sub.text.data or "",
            {
                "text": sub.text.data or "",
                "format": sub.format.data,
                "options": sub.options.data or "",
                "scale": sub.scale.data,
            },
        )
    rebuilt = ImportConfirmForm(
        formdata=None, **{name: getattr(form, name).data for name in meetings.SETTINGS}
    )
    rebuilt.questions.data = form.questions.data
    rebuilt.projector_shows_answers.data = form.projector_shows_answers.data
    for text in questions:
        rebuilt.formats.append_entry(kept.get(text) or _format_entry(text, DetectedFormat()))
    return rebuilt


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_note():
    form = ConceptNoteForm()
    design_form = DesignUploadForm(formdata=None, prefix="design")
    if form.validate_on_submit():
        text = _read_upload(form.upload.data) if form.upload.data else (form.text.data or "")
        if not text.strip():
            flash(_("Paste the concept note or choose a file."), "error")
        else:
            note = parse_concept_note(text)
            confirm = ImportConfirmForm(
                formdata=None,
                title=note.title,
                description=note.description,
                starts_at=note.starts_at,
                questions="\n".join(note.questions),
                formats=[_format_entry(q, note.format_of(i)) for i, q in enumerate(note.questions)],
            )
            return render_template("meetings/import_confirm.html", form=confirm, note=note)
    return render_template("meetings/import.html", form=form, design_form=design_form)


@bp.post("/import/confirm")
@login_required
def confirm_import():
    form = ImportConfirmForm()
    questions = [line.strip() for line in (form.questions.data or "").splitlines() if line.strip()]
    list_changed = bool(form.formats.entries) and len(form.formats.entries) != len(questions)
    if len(questions) > MAX_QUESTIONS or any(len(q) > 1000 for q in questions):
        form.questions.errors = [_("At most 50 questions of at most 1000 characters each.")]
    elif list_changed:
        form = _formats_for_new_list(form, questions)
        flash(
            _("The list of questions changed: check each question’s format, then create the meeting."), "info"
        )
    elif form.validate_on_submit():
        designs = _checked_formats(form, questions)
        if designs is not None:
            design = MeetingDesign(
                **{name: getattr(form, name).data for name in meetings.SETTINGS}, questions=designs
            )
            meeting = meetings.create_meeting(current_moderator(), design, form.passcode.data)
            meeting.projector_shows_answers = form.projector_shows_answers.data
            db.session.commit()
            flash(_("Meeting created from the concept note."), "success")
            return redirect(url_for("meetings.edit", meeting_id=meeting.id))
    return render_template("meetings/import_confirm.html", form=form, note=None), 400


@bp.post("/import/design")
@login_required
def import_design():
    form = DesignUploadForm(prefix="design")
    if not form.validate_on_submit() or not form.upload.data:
        flash(_("Choose a meeting template (.json) exported from Facilitator."), "error")
        return redirect(url_for("meetings.import_note"))
    try:
        design = design_from_json(form.upload.data.read())
    except DesignError as error:
        flash(_("This template cannot be used: %(reason)s", reason=error.translated()), "error")
        return redirect(url_for("meetings.import_note"))
    passcode = None
    if design.join_policy == "passcode":
        # Templates never carry secrets, yet a closed meeting must not open up on import.
        passcode = secrets.token_urlsafe(6)
        flash(
            _("This meeting's passcode is %(passcode)s. Change it in the settings below.", passcode=passcode),
            "info",
        )
    meeting = meetings.create_meeting(current_moderator(), design, passcode)
    db.session.commit()
    flash(_("Meeting created from the template."), "success")
    return redirect(url_for("meetings.edit", meeting_id=meeting.id))
