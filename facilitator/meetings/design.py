"""The reusable part of a meeting, saved and shared as a JSON template.

A template comes from outside (a file someone emailed around), so reading one validates every
field and reports the first problem in a sentence a moderator can act on. Secrets such as the
passcode are never part of a template.

Version 2 gives each question its format, options and settings; version 1 templates, whose
questions are only {"text"}, still load, as open questions.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from facilitator.errors import N_, DomainError
from facilitator.meetings.formats import FormatError, checked_format
from facilitator.text import clean_tree

DESIGN_FORMAT = "facilitator.meeting-design"
DESIGN_VERSION = 2
# Versions this Facilitator reads: 1 had questions without formats.
READABLE_VERSIONS = (1, 2)
FIELD_RULES = ("required", "optional", "off")
ATTRIBUTIONS = ("named", "affiliation", "anonymous")
JOIN_POLICIES = ("open", "passcode")

MAX_TITLE_CHARS = 200
MAX_DESCRIPTION_CHARS = 10_000
MAX_QUESTION_CHARS = 1000
MAX_QUESTIONS = 50
# A full template, 50 long questions with 20 long options each, is under 300 kB; more is not a template.
MAX_TEMPLATE_BYTES = 1_000_000
# The format nests four levels (a question's options and settings); the margin leaves room for
# harmless extra keys.
MAX_DEPTH = 20

_CHOICES = {
    "join_policy": JOIN_POLICIES,
    "name_field": FIELD_RULES,
    "country_field": FIELD_RULES,
    "organisation_field": FIELD_RULES,
    "language_field": FIELD_RULES,
    "attribution": ATTRIBUTIONS,
}


@dataclass
class QuestionDesign:
    """A guiding question as a template keeps it: what is asked and how it is answered."""

    text: str
    format: str = "open"
    options: list[str] = field(default_factory=list)
    settings: dict = field(default_factory=dict)


@dataclass
class MeetingDesign:
    title: str
    description: str = ""
    starts_at: datetime | None = None
    join_policy: str = "open"
    name_field: str = "required"
    country_field: str = "optional"
    organisation_field: str = "off"
    language_field: str = "off"
    attribution: str = "named"
    # A plain string is an open question with that text.
    questions: list[QuestionDesign] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.questions = [
            QuestionDesign(item) if isinstance(item, str) else item for item in self.questions or []
        ]


class DesignError(DomainError):
    """A template that cannot be used; the message says which field is wrong and why."""

    def translated(self) -> str:
        from flask_babel import gettext

        # A reason carried from another check (the question's format) is translated in its turn.
        params = {
            name: value.translated() if isinstance(value, DomainError) else value
            for name, value in self.params.items()
        }
        return gettext(self.message, **params)


def design_to_dict(design: MeetingDesign) -> dict:
    starts_at = design.starts_at
    return {
        "format": DESIGN_FORMAT,
        "version": DESIGN_VERSION,
        "title": design.title,
        "description": design.description or "",
        "starts_at": starts_at.replace(tzinfo=None).isoformat() if starts_at else None,
        # str() turns the models' StrEnum members into the plain values the format stores.
        **{name: str(getattr(design, name)) for name in _CHOICES},
        "questions": [
            {
                "text": question.text,
                "format": str(question.format),
                "options": list(question.options),
                "settings": dict(question.settings),
            }
            for question in design.questions
        ],
    }


def _text(data: dict, name: str, limit: int, *, required: bool = False) -> str:
    value = data.get(name)
    if value is None:
        if required:
            raise DesignError(N_('The template has no "%(field)s".'), field=name)
        return ""
    if not isinstance(value, str):
        raise DesignError(N_('The field "%(field)s" must be text.'), field=name)
    value = value.strip()
    if required and not value:
        raise DesignError(N_('The field "%(field)s" is empty.'), field=name)
    if len(value) > limit:
        raise DesignError(
            N_('The field "%(field)s" is longer than %(limit)d characters.'), field=name, limit=limit
        )
    if "\x00" in value:
        # Databases refuse NUL characters, so catch them here rather than at saving time.
        raise DesignError(N_('The field "%(field)s" contains a character that is not allowed.'), field=name)
    return value


def _choice(data: dict, name: str, default: str) -> str:
    value = data.get(name, default)
    if not isinstance(value, str) or value not in _CHOICES[name]:
        raise DesignError(
            N_('The field "%(field)s" must be one of: %(choices)s.'),
            field=name,
            choices=", ".join(_CHOICES[name]),
        )
    return value


def _starts_at(data: dict) -> datetime | None:
    value = data.get("starts_at")
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 64:
        raise DesignError(N_('The field "starts_at" must be a date and time such as 2022-07-05T08:30.'))
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise DesignError(
            N_('The field "starts_at" must be a date and time such as 2022-07-05T08:30.')
        ) from None
    # Meetings store the wall-clock time the organisers announced, so an offset is dropped, not applied.
    return moment.replace(tzinfo=None)


def _format_of(item: dict, number: int) -> tuple[str, list[str], dict]:
    """A question's format, options and settings as checked_format leaves them; an old question
    with only a text is an open question."""
    options = item.get("options")
    settings = item.get("settings")
    try:
        spec = checked_format(
            item.get("format"), [] if options is None else options, {} if settings is None else settings
        )
    except FormatError as error:
        raise DesignError(N_("Question %(number)d: %(reason)s"), number=number, reason=error) from None
    return str(spec.format), spec.options, spec.settings


def _questions(data: dict, *, with_formats: bool) -> list[QuestionDesign]:
    items = data.get("questions", [])
    if items is None:
        return []
    if not isinstance(items, list):
        raise DesignError(N_('The field "questions" must be a list.'))
    if len(items) > MAX_QUESTIONS:
        raise DesignError(N_("A template can hold at most %(limit)d questions."), limit=MAX_QUESTIONS)
    questions: list[QuestionDesign] = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise DesignError(N_('Question %(number)d must be an object with a "text".'), number=number)
        text = item["text"].strip()
        if not text:
            raise DesignError(N_("Question %(number)d is empty."), number=number)
        if len(text) > MAX_QUESTION_CHARS:
            raise DesignError(
                N_("Question %(number)d is longer than %(limit)d characters."),
                number=number,
                limit=MAX_QUESTION_CHARS,
            )
        if "\x00" in text:
            raise DesignError(
                N_("Question %(number)d contains a character that is not allowed."), number=number
            )
        if with_formats:
            questions.append(QuestionDesign(text, *_format_of(item, number)))
        else:
            # Version 1 had no formats: whatever else such a question holds is not read.
            questions.append(QuestionDesign(text))
    return questions


def design_from_dict(data: object) -> MeetingDesign:
    if not isinstance(data, dict):
        raise DesignError(N_("The template must be a JSON object."))
    if data.get("format") != DESIGN_FORMAT:
        raise DesignError(N_('The field "format" does not say this is a Facilitator meeting template.'))
    version = data.get("version")
    # bool is an int in Python; "version": true must not pass for version 1.
    if isinstance(version, bool) or not isinstance(version, int):
        raise DesignError(N_('The field "version" must be a whole number.'))
    if DESIGN_VERSION < version < 1_000_000:
        raise DesignError(
            N_('The field "version" is %(version)d: the template comes from a newer Facilitator.'),
            version=version,
        )
    if version not in READABLE_VERSIONS:
        # Absurd numbers are not echoed back: printing a huge integer is itself an error in Python.
        raise DesignError(
            N_('The field "version" must be one of: %(versions)s.'),
            versions=", ".join(str(number) for number in READABLE_VERSIONS),
        )
    return MeetingDesign(
        title=_text(data, "title", MAX_TITLE_CHARS, required=True),
        description=_text(data, "description", MAX_DESCRIPTION_CHARS),
        starts_at=_starts_at(data),
        join_policy=_choice(data, "join_policy", "open"),
        name_field=_choice(data, "name_field", "required"),
        country_field=_choice(data, "country_field", "optional"),
        organisation_field=_choice(data, "organisation_field", "off"),
        language_field=_choice(data, "language_field", "off"),
        attribution=_choice(data, "attribution", "named"),
        questions=_questions(data, with_formats=version >= 2),
    )


# The closing quote is optional so that an unterminated string is consumed in one pass; requiring it
# would rescan the rest of the text from every quote inside that string.
_STRUCTURE = re.compile(r'"(?:\\.|[^"\\])*"?|[\[\]{}]')


def _nesting_depth(text: str) -> int:
    """How deeply arrays and objects nest, counted without parsing so that the parser never recurses
    far enough to exhaust the stack."""
    depth = deepest = 0
    for token in _STRUCTURE.finditer(text):
        mark = token.group()
        if mark in ("[", "{"):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                break
        elif mark in ("]", "}"):
            depth -= 1
    return deepest


def design_from_json(raw: bytes | str) -> MeetingDesign:
    if not isinstance(raw, bytes | bytearray | str):
        raise DesignError(N_("The template file is not UTF-8 text."))
    if len(raw) > MAX_TEMPLATE_BYTES:
        raise DesignError(N_("The template file is too large."))
    if isinstance(raw, str):
        raw = raw.removeprefix("\ufeff")
    else:
        try:
            raw = bytes(raw).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DesignError(N_("The template file is not UTF-8 text.")) from None
    if _nesting_depth(raw) > MAX_DEPTH:
        raise DesignError(N_("The template is nested too deeply."))
    try:
        data = json.loads(raw)
    except RecursionError:
        raise DesignError(N_("The template is nested too deeply.")) from None
    except ValueError:
        raise DesignError(N_("The template file is not valid JSON.")) from None
    # Imported text obeys the same rule as typed text.
    return design_from_dict(clean_tree(data))
