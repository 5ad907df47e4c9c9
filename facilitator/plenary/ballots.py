"""Where a phone's ballot goes, and the moderator's say on who sees the results.

In a running breakout round, a member's ballot on one of its group's questions is the group's
(from server-side membership, never from what the phone says); otherwise the question must be
the one the whole room is on, and open. Each function leaves its changes in the session; the
caller commits, then broadcasts.
"""

from __future__ import annotations

from facilitator.answers import ballots
from facilitator.answers import service as answers
from facilitator.answers.models import Ballot
from facilitator.breakouts import service as breakouts
from facilitator.errors import N_, DomainError
from facilitator.extensions import db
from facilitator.joining.models import Participant
from facilitator.meetings.formats import checked_format
from facilitator.meetings.models import Meeting, Question, QuestionStatus
from facilitator.meetings.revision import bump_revision
from facilitator.plenary.service import ANSWER_TOO_LATE, PlenaryError, require_question_open


def _ballot_question(participant: Participant, question_id: object) -> Question:
    # The options come in the same statement: every change is checked against them.
    question = answers.question_for(participant, question_id, with_options=True)
    ballots.require_ballot_question(question)
    return question


def _was_my_groups(participant: Participant, question: Question) -> bool:
    """Whether the question was one of the participant's group's in the round that just ended:
    a ballot sent as the round closed is refused in the words of the breakouts."""
    round_ = participant.meeting.current_round
    member = breakouts.membership(round_, participant) if round_ is not None else None
    return member is not None and question.id in member.group.question_ids


def _group_for(participant: Participant, question: Question) -> int | None:
    """The breakout group the ballot belongs to (None: the plenary), if the ballot may be cast there now."""
    round_ = breakouts.running_round(participant.meeting)
    member = breakouts.membership(round_, participant) if round_ else None
    if member is not None:
        group = member.group
        if question.id not in group.question_ids:
            raise PlenaryError(N_("This question is not one of this group's questions."))
        breakouts.require_open(group.round, breakouts.ANSWER_TOO_LATE)
        return group.id
    if participant.meeting.current_question_id != question.id:
        if _was_my_groups(participant, question):
            raise PlenaryError(breakouts.ANSWER_TOO_LATE)
        if question.status == QuestionStatus.CLOSED:
            raise PlenaryError(ANSWER_TOO_LATE)
        raise PlenaryError(N_("This question is not open."))
    require_question_open(question)
    return None


def _where(participant: Participant, payload: dict) -> tuple[Question, int | None, Ballot | None]:
    """The question and the group of a change (None: the plenary); or, if the change may no longer
    be made but was already stored (its acknowledgement was lost), the stored ballot."""
    question = _ballot_question(participant, payload.get("question_id"))
    answers.check_client_id(payload.get("client_id"))
    seq = ballots.check_seq(payload.get("seq"))
    try:
        return question, _group_for(participant, question), None
    except DomainError:
        stored = ballots.already_stored(participant, question, seq)
        if stored is None:
            raise
        return question, stored.group_id, stored


def cast_ballot(participant: Participant, payload: dict) -> tuple[Ballot, bool]:
    """Returns the ballot and whether this change was stored (False: a resend, or overtaken)."""
    question, group_id, resent = _where(participant, payload)
    if resent is not None:
        return resent, False
    return ballots.cast(
        participant,
        question,
        payload.get("client_id"),
        payload.get("seq"),
        payload.get("response"),
        group_id=group_id,
    )


def withdraw_ballot(participant: Participant, payload: dict) -> tuple[Ballot, bool]:
    question, group_id, resent = _where(participant, payload)
    if resent is not None:
        return resent, False
    return ballots.withdraw(
        participant, question, payload.get("client_id"), payload.get("seq"), group_id=group_id
    )


def set_results_visibility(meeting: Meeting, payload: dict) -> Question:
    """When the room sees a ballot question's results, and whether phones do: checked as the
    editor checks every setting."""
    question_id = payload.get("question_id")
    question = db.session.get(Question, question_id) if answers.valid_id(question_id) else None
    if question is None or question.meeting_id != meeting.id:
        raise PlenaryError(N_("This question does not exist."))
    ballots.require_ballot_question(question)
    wanted = {"results": payload.get("results"), "phones_see_results": payload.get("phones_see_results")}
    if wanted["results"] is None or wanted["phones_see_results"] is None:
        raise PlenaryError(N_("This request is malformed."))
    options = [option.text for option in question.options]
    question.settings = checked_format(
        question.format, options, {**(question.settings or {}), **wanted}
    ).settings
    bump_revision(meeting)
    return question
