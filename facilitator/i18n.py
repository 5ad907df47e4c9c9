"""Language choice: the cookie set by the switcher, else the browser's preference."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, has_request_context, redirect, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from facilitator.extensions import babel
from facilitator.security import local_path

LANGUAGE_COOKIE = "lang"
bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        # Commands such as "flask export" translate in an app context with no browser to ask;
        # they choose a language with force_locale, and anything else gets the default.
        return default
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or default


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
    # Breakouts: planning page, cockpit and the console's breakout card.
    "plan_no_group": _l("No group"),
    "plan_people_count": _l("People: %(count)s"),
    "plan_moved_to": _l("%(name)s is now in %(group)s."),
    "plan_needs_question": _l("Each group needs at least one guiding question."),
    "cockpit_round_number": _l("Breakout round %(number)s"),
    "cockpit_time_left": _l("%(time)s left"),
    "cockpit_round_closed": _l("Closed"),
    "cockpit_time_up": _l("Time is up"),
    "cockpit_ends_at": _l("Ends at %(time)s"),
    "cockpit_closed_at": _l("Closed at %(time)s"),
    "cockpit_no_round": _l("No breakout round"),
    "cockpit_all_groups": _l("All groups"),
    "cockpit_choose_group": _l("Choose a group"),
    "cockpit_place": _l("Place"),
    "cockpit_group_of": _l("Group for %(name)s"),
    "cockpit_online": _l("online"),
    "cockpit_not_connected": _l("offline"),
    "cockpit_rapporteur": _l("Rapporteur"),
    "cockpit_options_for": _l("Move %(name)s or make them rapporteur"),
    "cockpit_move_to": _l("Move to"),
    "cockpit_move": _l("Move"),
    "cockpit_make_rapporteur": _l("Make rapporteur"),
    "cockpit_remove_rapporteur": _l("No longer rapporteur"),
    "cockpit_people_online": _l("%(count)s people · %(online)s online"),
    "cockpit_places_taken": _l("%(count)s of %(capacity)s places"),
    "cockpit_members_of": _l("Members of %(group)s"),
    "cockpit_no_members": _l("Nobody in this group yet."),
    "cockpit_needs_help": _l("Needs help"),
    "cockpit_since": _l("since %(time)s"),
    "cockpit_resolve": _l("Resolve"),
    "cockpit_help_requested": _l("%(group)s asks for help."),
    "cockpit_summary": _l("Summary"),
    "cockpit_summary_written": _l("summary written"),
    "cockpit_no_summary": _l("no summary yet"),
    "cockpit_open_wall": _l("Open wall"),
    "cockpit_wall_of": _l("Wall of %(group)s"),
    "cockpit_votes_count": _l("Votes: %(count)s"),
    "cockpit_loading": _l("Loading…"),
    "cockpit_groups_summary": _l("%(groups)s groups · %(people)s people · %(online)s online"),
    "cockpit_show_on_projector": _l("Show on projector"),
    "cockpit_on_projector": _l("On the projector"),
    "cockpit_walls_published": _l("Everyone can now read every group’s wall on their phone."),
    "cockpit_walls_private": _l("Each group’s wall is visible only to its members and to you."),
    "cockpit_confirm_close_round": _l("Close the round now for every group?"),
    "cockpit_confirm_end_report": _l("End the report-back and bring everyone back to the plenary?"),
    # Breakouts: the phone's group view and report-back, the projector's round screen.
    "breakout_round_title": _l("Breakout round %(number)s"),
    "breakout_time_up": _l("Time is up"),
    "breakout_from_moderator": _l("From the moderator:"),
    "breakout_members_count": _l("Members: %(count)s"),
    "breakout_rapporteur": _l("Rapporteur"),
    "breakout_you_are_rapporteur": _l(
        "You are the rapporteur: write your group's summary under each question."
    ),
    "breakout_no_rapporteur": _l("Your group has no rapporteur yet."),
    "breakout_rapporteur_chosen": _l("Your group has a rapporteur."),
    "breakout_help_notified": _l("The moderator has been notified."),
    "breakout_join_group": _l("Join this group"),
    "breakout_group_full": _l("Full"),
    "breakout_places_taken": _l("%(count)s of %(capacity)s places taken"),
    "breakout_round_ended": _l("Breakout round %(number)s has ended."),
    "breakout_question_number": _l("Question %(number)s"),
    "breakout_you": _l("You"),
    "breakout_vote_hint": _l("Support this answer"),
    "breakout_summary_none": _l("No summary yet."),
    "breakout_saved": _l("Saved"),
    "breakout_no_summary": _l("No summary was written."),
    "breakout_votes_count": _l("+1 × %(count)s"),
    "breakout_report_back": _l("Report-back: %(group)s"),
    "breakout_summary": _l("Summary"),
    "breakout_top_answers": _l("Most supported answers"),
    "breakout_all_walls": _l("The walls of all groups"),
}


def js_messages() -> dict[str, str]:
    return {key: str(value) for key, value in JS_MESSAGES.items()}


_js_catalogues: dict[str, Markup] = {}


def js_messages_json() -> Markup:
    """The scripts' catalogue for the page's language, as safe JSON. Every page carries it, the
    join page a whole room loads at once included; a catalogue never changes while the process
    runs, so each language is translated and serialised once."""
    locale = str(get_locale())
    if locale not in _js_catalogues:
        _js_catalogues[locale] = htmlsafe_json_dumps(js_messages(), dumps=current_app.json.dumps)
    return _js_catalogues[locale]


@bp.get("/language/<code>")
def choose_language(code: str):
    # Only a path on this site: the switcher must not become an open redirect.
    response = redirect(local_path(request.args.get("next")) or "/")
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
            "js_messages_json": js_messages_json,
        }
