"""Creating and editing meetings and their guiding questions."""

from __future__ import annotations

from sqlalchemy import select

from facilitator.accounts.models import Moderator
from facilitator.errors import N_, DomainError
from facilitator.extensions import db
from facilitator.meetings.design import MeetingDesign
from facilitator.meetings.join_codes import new_join_code
from facilitator.meetings.models import JoinPolicy, Meeting, Question, QuestionKind, QuestionStatus
from facilitator.passwords import hash_secret, secret_matches

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
    for position, text in enumerate(design.questions):
        meeting.questions.append(Question(text=text, position=position, kind=QuestionKind.GUIDING))
    db.session.add(meeting)
    return meeting


def design_of(meeting: Meeting) -> MeetingDesign:
    values = {name: getattr(meeting, name) for name in SETTINGS}
    return MeetingDesign(**values, questions=[q.text for q in meeting.guiding_questions])


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


def add_question(meeting: Meeting, text: str) -> Question:
    position = max((q.position for q in meeting.guiding_questions), default=-1) + 1
    question = Question(text=text, position=position, kind=QuestionKind.GUIDING)
    meeting.questions.append(question)
    return question


def edit_question(question: Question, text: str) -> None:
    if question.status == QuestionStatus.OPEN:
        raise MeetingError(N_("Close the question before editing it: phones are showing it."))
    question.text = text


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
