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
    # Results charts of choice, rating, ranking and word questions (static/js/charts.js).
    "chart_respondents": _l("Respondents: %(count)s"),
    "chart_results": _l("Results"),
    "chart_option": _l("Option"),
    "chart_answers": _l("Answers"),
    "chart_percent": _l("Percent"),
    "chart_count_of_total": _l("%(count)s of %(total)s"),
    "chart_statement": _l("Statement"),
    "chart_mean": _l("Mean"),
    "chart_mean_value": _l("mean %(value)s"),
    "chart_scale_end": _l("%(value)s = %(label)s"),
    "chart_rank": _l("Rank"),
    "chart_mean_rank": _l("Mean rank"),
    "chart_mean_rank_value": _l("mean rank %(value)s"),
    "chart_borda": _l("Borda points"),
    "chart_borda_value": _l("%(points)s Borda points"),
    "chart_word": _l("Word"),
    "chart_mentions": _l("Mentions"),
    # Questions from the floor: phone, console and projector (static/js/floor.js).
    "floor_your_question": _l("Your question"),
    "floor_ask": _l("Ask"),
    "floor_ask_anonymously": _l("Ask anonymously"),
    "floor_premoderated": _l("The moderator approves each question before the room sees it."),
    "floor_your_waiting": _l("Your questions not yet shown"),
    "floor_room_questions": _l("Questions from the room"),
    "floor_answered": _l("Answered"),
    "floor_no_questions": _l("No questions yet. Be the first to ask."),
    "floor_waiting_approval": _l("Waiting for approval"),
    "floor_you_asked": _l("You asked this"),
    "floor_votes": _l("Votes: %(count)s"),
    "floor_vote_label": _l("Vote for this question (votes so far: %(count)s)"),
    "floor_withdraw": _l("Withdraw"),
    "floor_confirm_withdraw": _l("Withdraw your question?"),
    "floor_on_screen": _l("On the projector"),
    "floor_approve": _l("Approve"),
    "floor_spotlight": _l("Spotlight"),
    "floor_mark_answered": _l("Mark answered"),
    "floor_reopen": _l("Reopen"),
    "floor_merge": _l("Merge into…"),
    "floor_merge_into": _l("Merge this question into"),
    "floor_merge_confirm": _l("Merge"),
    "floor_summary": _l("Questions: %(count)s · waiting for approval: %(pending)s"),
    "floor_more": _l("More questions on the phones: %(count)s"),
    # Ballots on the phone: choice, rating, ranking and word questions (static/js/ballot.js).
    "ballot_send_choice": _l("Send my choice"),
    "ballot_send_rating": _l("Send my rating"),
    "ballot_send_ranking": _l("Send my ranking"),
    "ballot_send_words": _l("Send my words"),
    "ballot_change": _l("Change my answer"),
    "ballot_withdraw": _l("Withdraw my answer"),
    "ballot_saved": _l("Saved. You can change your answer until the question closes."),
    "ballot_withdrawn": _l("Your answer was withdrawn."),
    "ballot_withdrawing": _l("Withdrawing…"),
    "ballot_queued": _l("Kept on this phone: it will be sent as soon as the connection returns."),
    "ballot_not_answered": _l("You did not answer this question."),
    "ballot_results": _l("Results"),
    "ballot_choose_one": _l("Choose an option first."),
    "ballot_choose_some": _l("Choose at least one option first."),
    "ballot_at_most": _l("Choose up to %(max)s."),
    "ballot_limit_reached": _l("You have chosen %(max)s, the most allowed. Untick one to choose another."),
    "ballot_your_rating": _l("Your rating"),
    "ballot_scale_end": _l("%(value)s = %(label)s"),
    "ballot_rate_one": _l("Choose a value first."),
    "ballot_rate_some": _l("Rate at least one statement first."),
    "ballot_rank_hint": _l(
        "Put the most important first: drag an item by its handle, or move it with the arrows."
    ),
    "ballot_rank_position": _l("%(item)s is now number %(position)s of %(count)s."),
    "ballot_move_up": _l("Move up: %(item)s"),
    "ballot_move_down": _l("Move down: %(item)s"),
    "ballot_drag": _l("Drag to reorder"),
    "ballot_word": _l("Word or short phrase"),
    "ballot_word_number": _l("Word or short phrase %(number)s"),
    "ballot_words_hint_one": _l("One word or a short phrase."),
    "ballot_words_hint": _l("Up to %(max)s words or short phrases, one per box."),
    "ballot_write_one": _l("Write at least one word first."),
}


# Strings only the moderator's pages show: the planning page, the cockpit and the console's
# breakout card. Phones, often on weak connections, never download them.
MODERATOR_JS_MESSAGES = {
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
}


def js_messages(*, moderator: bool = True) -> dict[str, str]:
    messages = {**JS_MESSAGES, **(MODERATOR_JS_MESSAGES if moderator else {})}
    return {key: str(value) for key, value in messages.items()}


_js_catalogues: dict[str, Markup] = {}  # by language and audience


def js_messages_json(*, moderator: bool = True) -> Markup:
    """The scripts' catalogue for the page's language, as safe JSON; a phone's page leaves out what
    only moderators read. Every page carries it, the join page a whole room loads at once included;
    a catalogue never changes while the process runs, so each is translated and serialised once."""
    key = f"{get_locale()}:{'moderator' if moderator else 'phone'}"
    if key not in _js_catalogues:
        _js_catalogues[key] = htmlsafe_json_dumps(
            js_messages(moderator=moderator), dumps=current_app.json.dumps
        )
    return _js_catalogues[key]


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
