"""Question formats: the one place that knows each format's options and settings.

The editor, JSON templates, archives and the concept-note import all pass what they read
through `checked_format`, so a question is valid in the same way wherever it came from.
Settings are stored whole on the question (Question.settings); what is not given takes the
format's default, and keys that belong to no format are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from facilitator.errors import N_, DomainError
from facilitator.meetings.models import QuestionFormat
from facilitator.text import clean_line

MAX_OPTION_CHARS = 200
MAX_LABEL_CHARS = 60
MAX_CHOICE_OPTIONS = 20
MAX_RANKING_OPTIONS = 10
MAX_STATEMENTS = 10
MAX_WORDS = 3
MAX_WORD_CHARS = 40
# (lowest, highest) values a rating scale may run between.
SCALES = ((1, 5), (1, 10), (0, 10))
RESULTS_WHEN = ("live", "after_close")

# Formats whose answers are ballots (facilitator.answers.ballots), as opposed to written text.
BALLOT_FORMATS = frozenset(
    {
        QuestionFormat.SINGLE,
        QuestionFormat.MULTIPLE,
        QuestionFormat.RATING,
        QuestionFormat.RANKING,
        QuestionFormat.WORDS,
    }
)
# Formats that need options, and how many: choices to pick, items to rank. A rating's options are
# its statements, and it may have none (the question itself is rated).
OPTION_COUNTS = {
    QuestionFormat.SINGLE: (2, MAX_CHOICE_OPTIONS),
    QuestionFormat.MULTIPLE: (2, MAX_CHOICE_OPTIONS),
    QuestionFormat.RANKING: (2, MAX_RANKING_OPTIONS),
    QuestionFormat.RATING: (0, MAX_STATEMENTS),
}


class FormatError(DomainError):
    pass


@dataclass
class FormatSpec:
    """A question's format, options (texts, in order) and settings, checked."""

    format: str = QuestionFormat.OPEN
    options: list[str] = field(default_factory=list)
    settings: dict = field(default_factory=dict)


def _bool(settings: dict, name: str, default: bool) -> bool:
    value = settings.get(name, default)
    if not isinstance(value, bool):
        raise FormatError(N_('The setting "%(name)s" must be true or false.'), name=name)
    return value


def _int(settings: dict, name: str, default: int | None) -> int | None:
    value = settings.get(name, default)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise FormatError(N_('The setting "%(name)s" must be a whole number.'), name=name)
    return value


def _label(settings: dict, name: str) -> str:
    value = settings.get(name) or ""
    if not isinstance(value, str):
        raise FormatError(N_('The setting "%(name)s" must be text.'), name=name)
    value = clean_line(value)
    if len(value) > MAX_LABEL_CHARS:
        raise FormatError(N_("A scale label is at most %(max)s characters."), max=MAX_LABEL_CHARS)
    return value


def checked_format(question_format: object, options: object = (), settings: object = None) -> FormatSpec:
    """The format, options and settings as they may be stored, or a FormatError that says what is wrong."""
    if question_format in (None, ""):
        question_format = QuestionFormat.OPEN
    if question_format not in set(QuestionFormat):
        raise FormatError(N_("Unknown question format: %(format)s."), format=str(question_format)[:40])
    question_format = QuestionFormat(question_format)
    settings = settings if settings is not None else {}
    if not isinstance(settings, dict):
        raise FormatError(N_("The question's settings are not valid."))
    if not isinstance(options, (list, tuple)) or not all(isinstance(o, str) for o in options):
        raise FormatError(N_("The options must be a list of texts."))
    texts = [clean_line(o) for o in options]
    texts = [t for t in texts if t]
    if any(len(t) > MAX_OPTION_CHARS for t in texts):
        raise FormatError(N_("An option is at most %(max)s characters."), max=MAX_OPTION_CHARS)
    if len({t.casefold() for t in texts}) != len(texts):
        raise FormatError(N_("Two options have the same text."))
    low, high = OPTION_COUNTS.get(question_format, (0, 0))
    if question_format in OPTION_COUNTS and not low <= len(texts) <= high:
        raise FormatError(
            N_("This format takes between %(low)s and %(high)s options."), low=max(low, 1), high=high
        )
    if question_format not in OPTION_COUNTS:
        texts = []

    checked: dict = {}
    if question_format in BALLOT_FORMATS:
        results = settings.get("results", "live")
        if results not in RESULTS_WHEN:
            raise FormatError(N_("Results show either live or after the question closes."))
        checked["results"] = results
        checked["phones_see_results"] = _bool(settings, "phones_see_results", False)
    if question_format == QuestionFormat.MULTIPLE:
        most = _int(settings, "max_choices", None)
        if most is not None and not 1 <= most <= len(texts):
            raise FormatError(N_("“At most” must be between 1 and the number of options."))
        checked["max_choices"] = most
    elif question_format == QuestionFormat.RATING:
        scale = (_int(settings, "scale_min", 1), _int(settings, "scale_max", 5))
        if scale not in SCALES:
            raise FormatError(N_("A rating scale runs from 1 to 5, 1 to 10 or 0 to 10."))
        checked["scale_min"], checked["scale_max"] = scale
        checked["low_label"] = _label(settings, "low_label")
        checked["high_label"] = _label(settings, "high_label")
    elif question_format == QuestionFormat.WORDS:
        most = _int(settings, "max_words", MAX_WORDS)
        if not 1 <= most <= MAX_WORDS:
            raise FormatError(
                N_("A word cloud takes between 1 and %(max)s entries per person."), max=MAX_WORDS
            )
        checked["max_words"] = most
    elif question_format == QuestionFormat.FLOOR:
        checked["premoderation"] = _bool(settings, "premoderation", False)
    return FormatSpec(question_format, texts, checked)


def results_visible(question_format: str, settings: dict, closed: bool) -> bool:
    """Whether the room (projector, and phones where allowed) may see the results now: live, or
    only once the question is closed, so that early answers do not steer the later ones."""
    if question_format not in BALLOT_FORMATS:
        return False
    return settings.get("results", "live") == "live" or closed
