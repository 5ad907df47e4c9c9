"""Creating and editing meetings and their guiding questions."""

from __future__ import annotations

from sqlalchemy import select

from facilitator.accounts.models import Moderator
from facilitator.errors import N_, DomainError
from facilitator.extensions import db
from facilitator.meetings.design import MeetingDesign, QuestionDesign
from facilitator.meetings.formats import FormatSpec, checked_format
from facilitator.meetings.join_codes import new_join_code
from facilitator.meetings.models import (
    JoinPolicy,
    Meeting,
    Question,
    QuestionFormat,
    QuestionKind,
    QuestionOption,
    QuestionStatus,
)
from facilitator.meetings.usage import options_in_use
from facilitator.passwords import hash_secret, secret_matches
from facilitator.text import clean_line

SETTINGS = (
    "title",
    "description",
    "starts_at",
    "join_policy",
    "name_field",
    "country_field",
    "organisation_field",
    "language_field",
    "attribution",
)


# (id of an existing option or None for a new one, its text): an option as the editor sends it.
OptionRow = tuple[int | None, str]


class MeetingError(DomainError):
    """A request that would leave a meeting in a state it must not be in."""


def _unused_join_code() -> str:
    while True:
        code = new_join_code()
        if db.session.scalar(select(Meeting.id).where(Meeting.join_code == code)) is None:
            return code


def create_meeting(owner: Moderator, design: MeetingDesign, passcode: str | None = None) -> Meeting:
    meeting = Meeting(owner=owner, join_code=_unused_join_code())
    apply_settings(meeting, {name: getattr(design, name) for name in SETTINGS}, passcode)
    for position, item in enumerate(design.questions):
        spec = checked_format(item.format, item.options, item.settings)
        meeting.questions.append(_new_question(item.text, position, spec))
    db.session.add(meeting)
    return meeting


def design_of(meeting: Meeting) -> MeetingDesign:
    values = {name: getattr(meeting, name) for name in SETTINGS}
    questions = [
        QuestionDesign(
            text=q.text,
            format=str(q.format),
            options=[option.text for option in q.options],
            settings=dict(q.settings or {}),
        )
        for q in meeting.guiding_questions
    ]
    return MeetingDesign(**values, questions=questions)


def _new_question(text: str, position: int, spec: FormatSpec) -> Question:
    return Question(
        text=text,
        position=position,
        kind=QuestionKind.GUIDING,
        format=spec.format,
        settings=spec.settings,
        options=[QuestionOption(position=index, text=option) for index, option in enumerate(spec.options)],
    )


def apply_settings(meeting: Meeting, values: dict, passcode: str | None = None) -> None:
    for name in SETTINGS:
        if name in values:
            setattr(meeting, name, values[name] if values[name] is not None or name == "starts_at" else "")
    if "projector_shows_answers" in values:
        meeting.projector_shows_answers = bool(values["projector_shows_answers"])
    if passcode:
        meeting.passcode_hash = hash_secret(passcode)
    if meeting.join_policy == JoinPolicy.PASSCODE and not meeting.passcode_hash:
        raise MeetingError(N_("A meeting that asks for a passcode needs one."))


def passcode_matches(meeting: Meeting, passcode: str) -> bool:
    if meeting.join_policy != JoinPolicy.PASSCODE:
        return True
    return bool(meeting.passcode_hash) and secret_matches(meeting.passcode_hash, passcode)


def add_question(
    meeting: Meeting,
    text: str,
    question_format: str = QuestionFormat.OPEN,
    options: list[str] | tuple[str, ...] = (),
    settings: dict | None = None,
) -> Question:
    spec = checked_format(question_format, list(options), settings)
    position = max((q.position for q in meeting.guiding_questions), default=-1) + 1
    question = _new_question(text, position, spec)
    meeting.questions.append(question)
    return question


def edit_question(question: Question, text: str) -> None:
    if question.status == QuestionStatus.OPEN:
        raise MeetingError(N_("Close the question before editing it: phones are showing it."))
    question.text = text


def asked_question_ids(meeting: Meeting) -> set[int]:
    """Questions whose format is fixed: asked in plenary, or holding ballots from a group."""
    asked = {q.id for q in meeting.questions if q.status != QuestionStatus.DRAFT}
    ids = [q.id for q in meeting.questions]
    return asked | set(options_in_use(ids))


def set_format(question: Question, question_format: object, rows: list[OptionRow], settings: object) -> None:
    """Sets the format, options and settings together, as checked_format allows them.

    Options are matched by id, so that an option renamed or moved keeps its id and the ballots
    that name it; rows without a known id are new options. Once a question has been asked (or
    holds ballots, as a breakout group's question may while still a draft), its format and rating
    scale stay as they are and an option that has ballots cannot be removed.
    """
    if question.status == QuestionStatus.OPEN:
        raise MeetingError(N_("Close the question before editing it: phones are showing it."))
    rows = [(option_id, clean_line(text)) for option_id, text in rows]
    rows = [(option_id, text) for option_id, text in rows if text]
    spec = checked_format(question_format, [text for _, text in rows], settings)
    if not spec.options:
        rows = []
    responses = options_in_use([question.id])
    if question.status != QuestionStatus.DRAFT or responses:
        if spec.format != question.format:
            raise MeetingError(N_("This question has been asked: its format can no longer change."))
        old = question.settings or {}
        scale = (spec.settings.get("scale_min"), spec.settings.get("scale_max"))
        if spec.format == QuestionFormat.RATING and scale != (old.get("scale_min"), old.get("scale_max")):
            raise MeetingError(N_("This question has been asked: its rating scale can no longer change."))
    existing = {option.id: option for option in question.options}
    kept = {option_id for option_id, _ in rows if option_id in existing}
    in_use = responses.get(question.id, set())
    for option in question.options:
        if option.id not in kept and option.id in in_use:
            raise MeetingError(
                N_("The option “%(text)s” has answers and cannot be removed."), text=option.text[:80]
            )
    ordered: list[QuestionOption] = []
    for position, ((option_id, _), text) in enumerate(zip(rows, spec.options, strict=True)):
        # A second row naming the same id is a new option, not a second hold on that one.
        option = existing.pop(option_id, None) if option_id is not None else None
        option = option or QuestionOption()
        option.text, option.position = text, position
        ordered.append(option)
    # Assigning the whole list deletes the options left out (delete-orphan) and keeps the order.
    question.options = ordered
    question.format = spec.format
    question.settings = spec.settings


def move_question(question: Question, offset: int) -> None:
    ordered = question.meeting.guiding_questions
    index = ordered.index(question)
    target = index + offset
    if not 0 <= target < len(ordered):
        return
    ordered.insert(target, ordered.pop(index))
    for position, each in enumerate(ordered):
        each.position = position


def delete_question(question: Question) -> None:
    if question.status != QuestionStatus.DRAFT:
        raise MeetingError(N_("A question that has been asked keeps its answers and cannot be deleted."))
    meeting = question.meeting
    meeting.questions.remove(question)
    for position, each in enumerate(meeting.guiding_questions):
        each.position = position
