from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from facilitator.accounts import sessions, sockets
from facilitator.accounts import throttle as login_throttle
from facilitator.accounts.auth import (
    current_moderator,
    current_session,
    keep_alive,
    log_in,
    log_out,
    login_required,
)
from facilitator.accounts.forms import ChangePasswordForm, LoginForm
from facilitator.accounts.models import Moderator
from facilitator.extensions import db
from facilitator.passwords import dummy_check
from facilitator.security import local_path

bp = Blueprint("accounts", __name__)


@bp.before_app_request
def keep_session_alive() -> None:
    if request.endpoint != "static":
        keep_alive()


def _safe_next(target: str | None) -> str:
    return local_path(target) or url_for("meetings.index")


def _too_many_tries(template: str, wait: int, **context):
    minutes = max(1, -(-wait // 60))
    flash(
        ngettext(
            "Too many wrong tries. Please wait %(num)d minute and try again.",
            "Too many wrong tries. Please wait %(num)d minutes and try again.",
            minutes,
        ),
        "error",
    )
    response = make_response(render_template(template, **context), 429)
    response.headers["Retry-After"] = str(wait)
    return response


def _attempt(email: str) -> login_throttle.Attempt:
    device = login_throttle.device_of(request.cookies.get(login_throttle.DEVICE_COOKIE), email)
    return login_throttle.Attempt(email=email, address=request.remote_addr or "unknown", device=device)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_moderator() is not None:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        attempt = _attempt(email)
        wait = login_throttle.wait_seconds(attempt)
        if wait:
            return _too_many_tries("accounts/login.html", wait, form=form)
        counted = login_throttle.count_try(attempt)
        db.session.commit()
        moderator = db.session.scalar(select(Moderator).where(func.lower(Moderator.email) == email))
        # An unknown email costs one hash too, so that timing does not tell which emails exist.
        matches = (
            moderator.check_password(form.password.data) if moderator else dummy_check(form.password.data)
        )
        if matches:
            login_throttle.take_back(counted)
            log_in(moderator)
            db.session.commit()
            response = redirect(_safe_next(request.args.get("next")))
            response.set_cookie(
                login_throttle.DEVICE_COOKIE,
                login_throttle.device_cookie_for(email),
                max_age=login_throttle.DEVICE_COOKIE_DAYS * 24 * 3600,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure,
            )
            return response
        flash(_("Wrong email or password."), "error")
    return render_template("accounts/login.html", form=form), 200 if request.method == "GET" else 400


@bp.post("/logout")
def logout():
    log_out()
    flash(_("You are logged out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    moderator = current_moderator()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        # Someone at an unlocked, logged-in screen must not get unlimited guesses either.
        attempt = _attempt(moderator.email)
        wait = login_throttle.wait_seconds(attempt)
        if wait:
            return _too_many_tries("accounts/password.html", wait, form=form)
        counted = login_throttle.count_try(attempt)
        db.session.commit()
        if not moderator.check_password(form.current_password.data):
            form.current_password.errors.append(_("This is not your current password."))
        else:
            login_throttle.take_back(counted)
            moderator.set_password(form.new_password.data)
            ended = sessions.end_all(moderator, keep=current_session().id)
            db.session.commit()
            sockets.disconnect(ended)
            flash(_("Your password is changed. Every other session is logged out."), "info")
            return redirect(url_for("meetings.index"))
    return render_template("accounts/password.html", form=form), 400 if form.errors else 200
