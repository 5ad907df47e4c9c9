"""Language choice: the cookie set by the switcher, else the browser's preference."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, redirect, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from facilitator.extensions import babel

LANGUAGE_COOKIE = "lang"
bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def text_direction() -> str:
    return "rtl" if get_locale().character_order == "right-to-left" else "ltr"


# Strings the browser scripts show. They live here so that the catalogues cover them;
# each page receives them as a JSON data block.
JS_MESSAGES = {
    "connected": _l("Connected"),
    "connecting": _l("Connecting…"),
    "offline": _l("Offline — your answers are kept on this phone and sent when the connection returns."),
    "reconnecting": _l("Reconnecting…"),
    "waiting": _l("Waiting for the moderator to open a question."),
    "question_closed": _l("This question is closed. Thank you!"),
    "send": _l("Send"),
    "sending": _l("Sending…"),
    "sent": _l("Sent"),
    "queued": _l("Waiting for connection"),
    "edit": _l("Edit"),
    "save": _l("Save"),
    "cancel": _l("Cancel"),
    "delete": _l("Delete"),
    "confirm_delete": _l("Delete this answer?"),
    "hide": _l("Hide"),
    "unhide": _l("Show again"),
    "hidden": _l("Hidden"),
    "your_answers": _l("Your answers"),
    "no_answers_yet": _l("No answers yet."),
    "answered_count": _l("%(answered)s of %(total)s participants answered"),
    "answers_count": _l("%(count)s answers"),
    "participants_count": _l("%(count)s joined"),
    "too_long": _l("Too long: at most %(max)s characters."),
    "empty": _l("Please write something first."),
    "error": _l("Something went wrong: %(message)s"),
    "open_question": _l("Push to everyone"),
    "close_question": _l("Close question"),
    "live": _l("Live"),
    "closed": _l("Closed"),
    "anonymous": _l("Anonymous"),
    "chars_left": _l("%(count)s characters left"),
}


def js_messages() -> dict[str, str]:
    return {key: str(value) for key, value in JS_MESSAGES.items()}


@bp.get("/language/<code>")
def choose_language(code: str):
    target = request.args.get("next", "/")
    # Only a path on this site: the switcher must not become an open redirect.
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        target = "/"
    response = redirect(target)
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax")
    return response


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.register_blueprint(bp)

    @app.context_processor
    def language_context() -> dict:
        return {
            "current_locale": str(get_locale()),
            "text_direction": text_direction(),
            "languages": app.config["LANGUAGES"],
            "js_messages": js_messages,
        }
