from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from facilitator.joining import service as joining
from facilitator.joining import throttle
from facilitator.joining.forms import PROFILE_FIELDS, CodeForm, JoinForm
from facilitator.joining.identity import new_token, participant_for, remember_token, request_token
from facilitator.live import broadcasts
from facilitator.meetings.service import passcode_matches

bp = Blueprint("joining", __name__)


@bp.route("/", methods=["GET", "POST"])
def home():
    form = CodeForm()
    if form.validate_on_submit():
        meeting = joining.meeting_by_code(form.code.data)
        if meeting is not None:
            return redirect(url_for("joining.join", code=meeting.join_code))
        form.code.errors.append(_("No meeting has this code. Check it and try again."))
    return render_template("joining/home.html", form=form), 400 if form.errors else 200


@bp.route("/j/<code>", methods=["GET", "POST"])
def join(code: str):
    meeting = joining.meeting_by_code(code)
    if meeting is None:
        abort(404)
    if code != meeting.join_code:
        return redirect(url_for("joining.join", code=meeting.join_code))
    token = request_token()
    if participant_for(meeting, token) is not None:
        return redirect(url_for("live.phone", code=meeting.join_code))
    form = JoinForm.for_meeting(meeting)
    client = request.remote_addr or "unknown"
    if form.validate_on_submit():
        if "passcode" in form and throttle.is_blocked(meeting.id, client):
            form.passcode.errors.append(_("Too many wrong passcodes. Please wait ten minutes and try again."))
            return render_template("joining/join.html", meeting=meeting, form=form), 429
        if "passcode" in form and not passcode_matches(meeting, form.passcode.data):
            throttle.record_failure(meeting.id, client)
            form.passcode.errors.append(_("This passcode is not right."))
        else:
            token = token or new_token()
            profile = {name: form[name].data for name in PROFILE_FIELDS if name in form}
            participant = joining.join(meeting, token, profile)
            broadcasts.participant_joined(meeting, participant)
            response = redirect(url_for("live.phone", code=meeting.join_code))
            remember_token(response, token)
            return response
    elif form.errors:
        flash(_("Please check the fields marked below."), "error")
    status = 400 if form.errors else 200
    return render_template("joining/join.html", meeting=meeting, form=form), status
