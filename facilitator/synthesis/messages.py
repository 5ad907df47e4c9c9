"""Strings the synthesis page's script shows; only that page receives them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

PAGE_MESSAGES = {
    "question_label": _l("Question %(number)s"),
    "adhoc_label": _l("Plenary question %(number)s"),
    "answers_one": _l("1 answer"),
    "answers_many": _l("%(count)s answers"),
    "groups_one": _l("1 group"),
    "groups_many": _l("%(count)s groups"),
    "votes_one": _l("1 vote"),
    "votes_many": _l("%(count)s votes"),
    "overview": _l("%(answers)s from %(groups)s"),
    "overview_plenary": _l("%(answers)s in plenary"),
    "no_answers": _l("No answers yet."),
    "themes": _l("Themes"),
    "shared": _l("Shared by %(count)s groups"),
    "distinct": _l("Distinct: %(group)s"),
    "plenary": _l("Plenary"),
    "raised_by": _l("Raised by %(groups)s"),
    "rename": _l("Rename"),
    "rename_label": _l("New name for this theme"),
    "rename_hint": _l("Leave empty to go back to the automatic name: %(label)s"),
    "save": _l("Save"),
    "cancel": _l("Cancel"),
    "merge_into": _l("Merge into…"),
    "merge": _l("Merge"),
    "merge_label": _l("Merge “%(label)s” into another theme"),
    "hide_theme": _l("Hide theme"),
    "show_theme": _l("Show theme"),
    "hidden_themes": _l("Hidden themes (%(count)s)"),
    "hidden_hint": _l("Hidden themes are left out of the report and the projector."),
    "move_to": _l("Move to…"),
    "move_label": _l("Move this answer to another theme"),
    "new_theme": _l("A new theme"),
    "move": _l("Move"),
    "more_answers": _l("Show %(count)s more answers"),
    "pin": _l("Pin as a quote"),
    "unpin": _l("Unpin"),
    "pinned": _l("Quote for the report"),
    "summaries": _l("Group summaries"),
    "rapporteur": _l("Rapporteur: %(name)s"),
    "no_summaries": _l("No group has written a summary for this question."),
    "top_answers": _l("Most supported answers"),
    "no_votes": _l("No answer has been supported yet."),
    "quotes": _l("Selected quotes"),
    "position": _l("Question %(current)s of %(total)s"),
    "updated": _l("Updated"),
    "error": _l("Something went wrong: %(message)s"),
    "results": _l("Results"),
    "respondents_one": _l("1 response"),
    "respondents_many": _l("%(count)s responses"),
    "no_responses": _l("No responses yet."),
    "results_withheld": _l(
        "Some results appear here once the question closes, so that early answers do not steer later ones."
    ),
    "floor_heading": _l("Questions from the floor"),
    "floor_one": _l("1 question from the floor"),
    "floor_many": _l("%(count)s questions from the floor"),
    "no_floor": _l("No questions from the floor yet."),
    "answered": _l("answered"),
    "connected": _l("Connected"),
    "reconnecting": _l("Reconnecting…"),
}


def page_messages() -> dict[str, str]:
    return {key: str(value) for key, value in PAGE_MESSAGES.items()}
