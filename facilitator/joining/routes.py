from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from wtforms.widgets import PasswordInput

from facilitator.joining import service as joining
from facilitator.joining import throttle
from facilitator.joining.forms import PROFILE_FIELDS, CodeForm, JoinForm
from facilitator.joining.identity import (
    address_hash,
    client_address,
    new_token,
    participant_for,
    remember_token,
    removal_of,
    request_token,
)
from facilitator.joining.signals import participant_joined
from facilitator.meetings.models import Meeting
from facilitator.meetings.service import passcode_matches

bp = Blueprint("joining", __name__)


def _find_meeting(typed_code: str) -> tuple[Meeting | None, int]:
    """The meeting a code names, or None and the seconds this network must wait (0: no such
    meeting). A network that guessed too many codes learns nothing about codes it has no
    participant in: hits and misses alike get the same wait."""
    client = client_address()
    wait = throttle.code_lookup_wait(client)
    meeting = joining.meeting_by_code(typed_code)
    if wait:
        meeting_id = meeting.id if meeting is not None else 0
        known = joining.is_known_to(meeting_id, request_token(), address_hash(meeting_id, client))
        return (meeting, 0) if meeting is not None and known else (None, wait)
    if meeting is None:
        throttle.record_code_miss(client)
    return meeting, 0


def _too_many(template: str, wait: int, message: str, **context):
    """429 with the form as it was typed; static/js/retry.js sends it again after the wait."""
    page = render_template(template, retry_after=wait, retry_message=message, **context)
    return page, 429, {"Retry-After": str(wait)}


def _code_throttled(form: CodeForm, wait: int):
    message = _(
        "Too many unknown codes were tried from your network. Your phone will try again in %(seconds)s s.",
        seconds=wait,
    )
    return _too_many("joining/home.html", wait, message, form=form)


@bp.route("/", methods=["GET", "POST"])
def home():
    form = CodeForm()
    if form.validate_on_submit():
        meeting, wait = _find_meeting(form.code.data)
        if meeting is not None:
            return redirect(url_for("joining.join", code=meeting.join_code))
        if wait:
            return _code_throttled(form, wait)
        form.code.errors.append(_("No meeting has this code. Check it and try again."))
    return render_template("joining/home.html", form=form), 400 if form.errors else 200


@bp.route("/j/<code>", methods=["GET", "POST"])
def join(code: str):
    meeting, wait = _find_meeting(code)
    if meeting is None:
        if wait:
            # The home page's form, filled in, sends the code again after the wait.
            return _code_throttled(CodeForm(formdata=None, code=code[:32]), wait)
        abort(404)
    if code != meeting.join_code:
        return redirect(url_for("joining.join", code=meeting.join_code))
    token = request_token()
    if participant_for(meeting, token) is not None:
        return redirect(url_for("plenary.phone", code=meeting.join_code))
    removed = removal_of(meeting, token)
    if removed is not None:
        return render_template("joining/removed.html", meeting=meeting, merged=removed.merged), 403
    form = JoinForm.for_meeting(meeting)
    client = client_address()
    if form.validate_on_submit():
        # Checked before the passcode: a phone asked to wait costs no hashing.
        wait = throttle.join_wait(meeting.id, client)
        if wait:
            message = _(
                "Many people are joining right now. Your phone will try again in %(seconds)s s.",
                seconds=wait,
            )
            return _joining_throttled(meeting, form, wait, message)
        if "passcode" in form:
            wait = throttle.passcode_wait(meeting.id, client)
            if wait:
                message = _(
                    "Many wrong passcodes were tried from your network. "
                    "Your phone will try again in %(seconds)s s.",
                    seconds=wait,
                )
                return _joining_throttled(meeting, form, wait, message)
        counted = throttle.count_passcode_try(meeting.id, client) if "passcode" in form else []
        if counted and not passcode_matches(meeting, form.passcode.data):
            form.passcode.errors.append(_("This passcode is not right."))
        else:
            throttle.take_back(counted)
            token = token or new_token()
            profile = {name: form[name].data for name in PROFILE_FIELDS if name in form}
            throttle.record_join(meeting.id, client)
            participant = joining.join(meeting, token, profile, address_hash(meeting.id, client))
            participant_joined.send(meeting=meeting, participant=participant)
            response = redirect(url_for("plenary.phone", code=meeting.join_code))
            remember_token(response, token)
            return response
    elif form.errors:
        flash(_("Please check the fields marked below."), "error")
    status = 400 if form.errors else 200
    return render_template("joining/join.html", meeting=meeting, form=form), status


def _joining_throttled(meeting: Meeting, form: JoinForm, wait: int, message: str):
    if "passcode" in form:
        # Sent back into the page so the automatic resend carries it: it is the phone's own.
        form.passcode.widget = PasswordInput(hide_value=False)
    return _too_many("joining/join.html", wait, message, meeting=meeting, form=form)
