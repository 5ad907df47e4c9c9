from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from facilitator.accounts.auth import current_moderator, log_in, log_out
from facilitator.accounts.forms import LoginForm
from facilitator.accounts.models import Moderator
from facilitator.extensions import db

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("meetings.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_moderator() is not None:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        moderator = db.session.scalar(select(Moderator).where(func.lower(Moderator.email) == email))
        if moderator is not None and moderator.check_password(form.password.data):
            log_in(moderator)
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Wrong email or password."), "error")
    return render_template("accounts/login.html", form=form), 200 if request.method == "GET" else 400


@bp.post("/logout")
def logout():
    log_out()
    flash(_("You are logged out."), "info")
    return redirect(url_for("accounts.login"))
