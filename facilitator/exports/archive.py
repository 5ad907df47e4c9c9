"""A whole meeting as one JSON document, and a new meeting recreated from one.

The archive is what a secretariat keeps, or moves to another Facilitator: the design, who took
part (as far as the attribution rule allows), the rounds and groups, every visible answer with
its votes, the summaries and the themes. docs/export-format.md describes it field by field.

An archive comes from outside, so reading one checks every field and every reference before
anything is written, then writes the meeting in one transaction: a bad file changes nothing.
"""

from __future__ import annotations

import json
import random
import secrets
from collections import Counter, defaultdict
from collections.abc import Container
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from facilitator.accounts.models import Moderator
from facilitator.answers import ballots
from facilitator.answers.models import Answer, Ballot, Vote
from facilitator.answers.queries import visible_answers
from facilitator.breakouts.models import (
    AssignmentMode,
    BreakoutGroup,
    BreakoutRound,
    GroupMember,
    GroupSummary,
    RoundStatus,
)
from facilitator.errors import DomainError
from facilitator.exports.report import Report, build_report
from facilitator.extensions import db
from facilitator.joining.models import Participant
from facilitator.meetings import service as meetings
from facilitator.meetings.design import (
    DESIGN_FORMAT,
    DESIGN_VERSION,
    MAX_QUESTION_CHARS,
    DesignError,
    design_from_dict,
    design_to_dict,
)
from facilitator.meetings.formats import (
    BALLOT_FORMATS,
    MAX_OPTION_CHARS,
    FormatError,
    FormatSpec,
    checked_format,
)
from facilitator.meetings.models import (
    Attribution,
    JoinPolicy,
    Meeting,
    Question,
    QuestionFormat,
    QuestionKind,
    QuestionOption,
    QuestionStatus,
)
from facilitator.synthesis.models import MAX_LABEL_LENGTH, SynthesisTheme, ThemeAnswer
from facilitator.synthesis.report import ThemesFor
from facilitator.text import clean_tree
from facilitator.timeutil import isoformat_utc, utcnow

ARCHIVE_FORMAT = "facilitator.meeting-archive"
# 2: questions have a format, options and settings, and choices, ratings, rankings and words come
# as ballots. A reader of version 1 would take a choice question for an open one and drop its
# ballots without a word, so it must refuse these archives (docs/export-format.md, "Versioning").
# Version 1 archives still import: their questions are open questions.
ARCHIVE_VERSION = 2
READABLE_VERSIONS = (1, 2)

# What an archive may say about a participant, by the meeting's attribution rule (the same rule as
# author_label): named archives keep the whole profile, affiliation ones no name, anonymous ones
# nothing but an id that exists only in this file and that nothing else in the file refers to.
PARTICIPANT_FIELDS: dict[str, tuple[str, ...]] = {
    Attribution.NAMED: ("display_name", "country", "organisation", "language"),
    Attribution.AFFILIATION: ("country", "organisation"),
    Attribution.ANONYMOUS: (),
}
PERSONAL_FIELDS = {"display_name": 80, "country": 80, "organisation": 120, "language": 40}
ROUND_SETTINGS = ("attribute", "jigsaw", "capacity", "seed")
# The key of a rating given to the question itself, which has no statements.
QUESTION_ITSELF = "0"

# Far above anything a meeting produces; a file beyond them is refused before any row is written,
# so that a mistaken or hostile file cannot keep the database busy for minutes.
MAX_ITEMS = 500_000
MAX_TEXT_CHARS = 100_000
MAX_NAME_CHARS = 80
MAX_ID_CHARS = 32
MAX_THEME_LABEL_CHARS = 200  # the length of SynthesisTheme.label


class ArchiveError(DomainError):
    """An archive that cannot be imported; the message names the field and what is wrong."""


def participant_fields(attribution: str) -> tuple[str, ...]:
    return PARTICIPANT_FIELDS.get(attribution, ())


def links_people(attribution: str) -> bool:
    """Whether an archive may say which answers, votes, groups and rapporteur roles belong to the
    same person. Not in an anonymous meeting (nor under a rule this code does not know): one code
    per person across answers, votes and groups would let anyone who knows one of them (a
    rapporteur named at report-back, a group's members) follow that person through everything."""
    return attribution in (Attribution.NAMED, Attribution.AFFILIATION)


# -- export -------------------------------------------------------------------------------------


def to_json(source: Report | Meeting, *, themes_for: ThemesFor | None = None) -> dict:
    """The archive of a meeting. Given a Report, its themes are kept; given a Meeting, themes come
    from themes_for, or stay empty without it."""
    if isinstance(source, Report):
        report = source
        meeting = db.session.get(Meeting, report.meeting_id)
        if meeting is None:
            raise ArchiveError(f"Meeting {report.meeting_id} no longer exists.")
    else:
        meeting = source
        report = build_report(meeting, themes_for=themes_for) if themes_for else None

    questions = meeting.guiding_questions + meeting.adhoc_questions
    question_ids = {q.id: f"q{index}" for index, q in enumerate(questions, start=1)}
    # Numbered across the archive in the meeting's order, so that a ballot's reference names one
    # option of the whole file and the same meeting always gives the same ids.
    option_ids = {
        o.id: f"o{index}" for index, o in enumerate((o for q in questions for o in q.options), start=1)
    }
    participants = list(
        db.session.scalars(
            select(Participant).where(Participant.meeting_id == meeting.id).order_by(Participant.id)
        )
    )
    fields = participant_fields(meeting.attribution)
    linked = links_people(meeting.attribution)
    order = list(participants)
    if not linked:
        # Numbered in joining order, ids would tell who came first; shuffled, they tell nothing.
        random.SystemRandom().shuffle(order)
    person_ids = {p.id: f"p{index}" for index, p in enumerate(order, start=1)}
    rounds = list(
        db.session.scalars(
            select(BreakoutRound).where(BreakoutRound.meeting_id == meeting.id).order_by(BreakoutRound.number)
        )
    )
    group_ids = {g.id: f"g{index}" for index, g in enumerate((g for r in rounds for g in r.groups), start=1)}
    members: dict[int, list[int]] = defaultdict(list)
    for member in db.session.scalars(
        select(GroupMember).where(GroupMember.group_id.in_(group_ids)).order_by(GroupMember.id)
    ):
        members[member.group_id].append(member.participant_id)
    # Withdrawn and hidden answers stay out of every export, the archive included.
    answers = list(db.session.scalars(visible_answers(meeting_id=meeting.id)))
    answer_ids = {a.id: f"a{index}" for index, a in enumerate(answers, start=1)}
    floor_ids = {q.id for q in questions if q.format == QuestionFormat.FLOOR}
    voters: dict[int, list[int]] = defaultdict(list)
    for answer_id, participant_id in db.session.execute(
        select(Vote.answer_id, Vote.participant_id)
        .join(Answer, Answer.id == Vote.answer_id)
        .join(Question, Question.id == Answer.question_id)
        .where(Question.meeting_id == meeting.id)
        .order_by(Vote.id)
    ):
        if answer_id in answer_ids:
            voters[answer_id].append(participant_id)
    summaries = db.session.scalars(
        select(GroupSummary).where(GroupSummary.group_id.in_(group_ids)).order_by(GroupSummary.id)
    )
    template = design_to_dict(meetings.design_of(meeting))

    return {
        "format": ARCHIVE_FORMAT,
        "version": ARCHIVE_VERSION,
        "exported_at": isoformat_utc(utcnow()),
        "design": {
            **{name: template[name] for name in meetings.SETTINGS},
            "projector_shows_answers": meeting.projector_shows_answers,
            "questions": [
                {
                    "id": question_ids[q.id],
                    "kind": str(q.kind),
                    "text": q.text,
                    "status": str(q.status),
                    "opened_at": isoformat_utc(q.opened_at),
                    "closed_at": isoformat_utc(q.closed_at),
                    "format": str(q.format or QuestionFormat.OPEN),
                    "options": [{"id": option_ids[o.id], "text": o.text} for o in q.options],
                    "settings": dict(q.settings or {}),
                }
                for q in questions
            ],
        },
        "participants": [
            _participant(p, person_ids[p.id], fields, meeting.attribution)
            for p in sorted(participants, key=lambda p: int(person_ids[p.id][1:]))
        ],
        "rounds": [
            {
                "number": r.number,
                "mode": r.mode,
                "settings": {
                    k: v for k, v in (r.settings or {}).items() if k in ROUND_SETTINGS and _scalar(v)
                },
                "status": str(r.status),
                "opened_at": isoformat_utc(r.opened_at),
                "ends_at": isoformat_utc(r.ends_at),
                "closed_at": isoformat_utc(r.closed_at),
                "walls_published": r.walls_published,
                "groups": [
                    {
                        "id": group_ids[g.id],
                        "number": g.number,
                        "name": g.name,
                        "capacity": g.capacity,
                        "questions": [question_ids[q] for q in g.question_ids if q in question_ids],
                    }
                    | (
                        {
                            "rapporteur": person_ids.get(g.rapporteur_id),
                            "members": [person_ids[p] for p in members[g.id] if p in person_ids],
                        }
                        if linked
                        else {}
                    )
                    for g in r.groups
                ],
            }
            for r in rounds
        ],
        "answers": [
            _answer(a, answer_ids, question_ids, group_ids, person_ids, voters[a.id], linked, floor_ids)
            for a in answers
        ],
        "ballots": _ballots(meeting, question_ids, option_ids, group_ids, person_ids, linked),
        "summaries": [
            {
                "group": group_ids[s.group_id],
                "question": question_ids[s.question_id],
                "text": s.text,
                "updated_at": isoformat_utc(s.updated_at),
            }
            for s in summaries
            if s.question_id in question_ids
        ],
        "themes": _themes(report, question_ids, answer_ids),
    }


def _answer(
    answer: Answer,
    answer_ids: dict[int, str],
    question_ids: dict[int, str],
    group_ids: dict[int, str],
    person_ids: dict[int, str],
    voters: list[int],
    linked: bool,
    floor_ids: Container[int],
) -> dict:
    entry: dict[str, Any] = {
        "id": answer_ids[answer.id],
        "question": question_ids[answer.question_id],
        "group": group_ids.get(answer.group_id),
    }
    # A question from the floor whose author asked not to be named names nobody, in any meeting.
    if linked and not answer.anonymous:
        entry["author"] = person_ids[answer.participant_id]
    entry |= {
        "text": answer.text,
        "created_at": isoformat_utc(answer.created_at),
        "updated_at": isoformat_utc(answer.updated_at),
        "votes": len(voters),
    }
    if linked:
        entry["voters"] = [person_ids[p] for p in voters]
    if answer.question_id in floor_ids:
        entry["anonymous"] = answer.anonymous
        entry["answered_at"] = isoformat_utc(answer.answered_at)
    return entry


def _ballots(
    meeting: Meeting,
    question_ids: dict[int, str],
    option_ids: dict[int, str],
    group_ids: dict[int, str],
    person_ids: dict[int, str],
    linked: bool,
) -> list[dict]:
    """Every ballot that still holds a response, its options named by their archive ids.

    In an anonymous meeting a ballot has no participant and no times, and the ballots of a
    question come in the order of their content: neither an id nor a moment nor a position in the
    file may tie one person's choices on two questions together, or to their written answers.
    """
    rows = db.session.scalars(
        select(Ballot)
        .join(Question, Question.id == Ballot.question_id)
        .where(Question.meeting_id == meeting.id, Ballot.response.is_not(None))
        .order_by(Ballot.id)
    )
    order = {question_id: index for index, question_id in enumerate(question_ids)}
    entries: list[tuple[tuple, dict]] = []
    for ballot in rows:
        response = _archived_response(ballot.response, option_ids)
        if ballot.question_id not in question_ids or response is None:
            continue
        entry: dict[str, Any] = {
            "question": question_ids[ballot.question_id],
            "group": group_ids.get(ballot.group_id),
        }
        if linked:
            entry["participant"] = person_ids[ballot.participant_id]
        entry["response"] = response
        if linked:
            entry["created_at"] = isoformat_utc(ballot.created_at)
            entry["updated_at"] = isoformat_utc(ballot.updated_at)
            place: tuple = (ballot.id,)
        else:
            place = (entry["group"] or "", json.dumps(response, sort_keys=True, ensure_ascii=False))
        entries.append(((order[ballot.question_id], *place), entry))
    return [entry for _, entry in sorted(entries, key=lambda pair: pair[0])]


def _archived_response(response: object, option_ids: dict[int, str]) -> dict | None:
    """The stored response with archive ids for options; None for one that names nothing known."""
    if not isinstance(response, dict):
        return None
    if isinstance(response.get("options"), list):
        return {"options": [option_ids[i] for i in response["options"] if i in option_ids]}
    if isinstance(response.get("ranking"), list):
        return {"ranking": [option_ids[i] for i in response["ranking"] if i in option_ids]}
    if isinstance(response.get("ratings"), dict):
        ratings = {}
        for key, value in response["ratings"].items():
            statement = int(key) if str(key).isdigit() else None
            # Statement 0 is the question itself, rated when it has no statements.
            name = QUESTION_ITSELF if statement == 0 else option_ids.get(statement)
            if name is not None:
                ratings[name] = value
        return {"ratings": ratings}
    if isinstance(response.get("words"), list):
        return {"words": [{"text": word["text"], "key": word["key"]} for word in response["words"]]}
    return None


def _scalar(value: object) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _participant(person: Participant, archive_id: str, fields: tuple[str, ...], attribution: str) -> dict:
    entry: dict[str, Any] = {"id": archive_id}
    entry |= {name: getattr(person, name) or "" for name in fields}
    if attribution == Attribution.NAMED:
        entry["joined_at"] = isoformat_utc(person.joined_at)
    return entry


def _themes(report: Report | None, question_ids: dict[int, str], answer_ids: dict[int, str]) -> list[dict]:
    if report is None:
        return []
    themes = []
    for question in report.questions:
        if question.id not in question_ids:
            continue
        # Quotes are pinned within a theme on the synthesis page; each is listed once, in the
        # first theme that holds it, in the order the report shows the quotes.
        unplaced = [quote.id for quote in question.quotes]
        for theme in question.themes:
            members = set(theme.answer_ids)
            pinned = [i for i in unplaced if i in members]
            unplaced = [i for i in unplaced if i not in members]
            themes.append(
                {
                    "question": question_ids[question.id],
                    "label": theme.label,
                    "groups": list(theme.groups),
                    "votes": theme.votes,
                    "answers": [answer_ids[i] for i in theme.answer_ids if i in answer_ids],
                    "shared": theme.shared,
                    "pinned": [answer_ids[i] for i in pinned if i in answer_ids],
                }
            )
    return themes


# -- import -------------------------------------------------------------------------------------


def import_archive(data: object, owner: Moderator) -> Meeting:
    """Recreates the archived meeting as a new meeting of owner's, with a new join code.

    Participants come back without a phone token, so nobody can sign in as one of them; a meeting
    that asked for a passcode gets one nobody knows until the owner sets a new one. Questions and
    rounds that were still open are closed. Themes become the synthesis page's themes, with their
    answers, labels and pinned quotes; whether a theme is shared is worked out again from its
    answers' groups, so "shared" is checked but not stored.

    Everything is checked before anything is written, and the meeting is committed in one
    transaction: on any error the session is rolled back and the database is as it was.
    """
    # Imported text obeys the same rule as typed text.
    parsed = _parse(clean_tree(data))
    try:
        meeting = _write(parsed, owner)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return meeting


def _fail(path: str, problem: str) -> ArchiveError:
    return ArchiveError(f"{path}: {problem}" if path else problem)


def _object(value: object, path: str) -> dict:
    if not isinstance(value, dict):
        raise _fail(path, "must be an object.")
    return value


def _list(data: dict, key: str, path: str) -> list:
    value = data.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise _fail(_at(path, key), "must be a list.")
    if len(value) > MAX_ITEMS:
        raise _fail(_at(path, key), f"holds more than {MAX_ITEMS} entries.")
    return value


def _at(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _text(data: dict, key: str, path: str, *, limit: int, required: bool = True, empty: bool = False) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise _fail(_at(path, key), "must be text.")
    if not empty and not value.strip():
        raise _fail(_at(path, key), "is empty.")
    if len(value) > limit:
        raise _fail(_at(path, key), f"is longer than {limit} characters.")
    if "\x00" in value:
        # Databases refuse NUL characters; refusing here keeps the import all or nothing.
        raise _fail(_at(path, key), "contains a character that cannot be stored.")
    return value


def _whole(data: dict, key: str, path: str, *, low: int, high: int, nullable: bool = False) -> int | None:
    value = data.get(key)
    if value is None and nullable:
        return None
    # bool is an int in Python; true must not pass for 1.
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _fail(_at(path, key), f"must be a whole number from {low} to {high}.")
    return value


def _flag(data: dict, key: str, path: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise _fail(_at(path, key), "must be true or false.")
    return value


def _choice(data: dict, key: str, path: str, choices: tuple[str, ...]) -> str:
    value = data.get(key)
    if not isinstance(value, str) or value not in choices:
        raise _fail(_at(path, key), f"must be one of: {', '.join(choices)}.")
    return value


def _moment(data: dict, key: str, path: str, *, nullable: bool = False) -> datetime | None:
    value = data.get(key)
    if value is None and nullable:
        return None
    problem = "must be a date and time such as 2026-11-28T09:30:00.000Z."
    if not isinstance(value, str) or len(value) > 64:
        raise _fail(_at(path, key), problem)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _fail(_at(path, key), problem) from None
    # Stored as naive UTC, like every timestamp in the database.
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _archive_id(data: dict, path: str, taken: Container[str]) -> str:
    value = _text(data, "id", path, limit=MAX_ID_CHARS)
    if value in taken:
        raise _fail(_at(path, "id"), f'"{value}" is used twice.')
    return value


def _ref(data: dict, key: str, path: str, known: dict[str, Any], what: str, *, nullable: bool = False) -> Any:
    """The archive id found at data[key], checked to name one of the known entries."""
    value = data.get(key)
    if value is None and nullable:
        return None
    return _known(value, _at(path, key), known, what)


def _known(value: object, path: str, known: dict[str, Any], what: str) -> str:
    if not isinstance(value, str) or value not in known:
        shown = value if isinstance(value, str) and len(value) <= MAX_ID_CHARS else "…"
        raise _fail(path, f'no {what} has the id "{shown}".')
    return value


def _refs(data: dict, key: str, path: str, known: dict[str, Any], what: str, *, repeat: str) -> list[str]:
    """A list of archive ids, each known and none twice; repeat says why twice is wrong."""
    found: list[str] = []
    for index, value in enumerate(_list(data, key, path)):
        item_path = _at(_at(path, key), index)
        value = _known(value, item_path, known, what)
        if value in found:
            raise _fail(item_path, repeat)
        found.append(value)
    return found


def _parse(data: object) -> dict:
    """The archive as plain values, every reference resolved; raises ArchiveError on any problem."""
    data = _object(data, "")
    if data.get("format") != ARCHIVE_FORMAT:
        raise _fail("format", f'must be "{ARCHIVE_FORMAT}": this is not a Facilitator meeting archive.')
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise _fail("version", "must be a whole number.")
    if version > ARCHIVE_VERSION:
        raise _fail("version", "the archive comes from a newer Facilitator; update this one first.")
    if version not in READABLE_VERSIONS:
        raise _fail("version", f"must be one of {', '.join(map(str, READABLE_VERSIONS))}.")
    exported_at = _moment(data, "exported_at", "", nullable=True)

    design = _object(data.get("design"), "design")
    template = {name: design[name] for name in meetings.SETTINGS if name in design}
    try:
        settings = design_from_dict({**template, "format": DESIGN_FORMAT, "version": DESIGN_VERSION})
    except DesignError as error:
        raise _fail("design", str(error)) from None
    projector = _flag(design, "projector_shows_answers", "design")

    questions: dict[str, dict] = {}
    options: dict[str, str] = {}  # option id -> its question's id
    for index, raw in enumerate(_list(design, "questions", "design")):
        path = _at("design.questions", index)
        raw = _object(raw, path)
        key = _archive_id(raw, path, questions)
        status = _choice(raw, "status", path, tuple(QuestionStatus))
        option_keys, spec = _format(raw, path, options)
        options.update(dict.fromkeys(option_keys, key))
        questions[key] = {
            "kind": _choice(raw, "kind", path, tuple(QuestionKind)),
            "text": _text(raw, "text", path, limit=MAX_QUESTION_CHARS).strip(),
            "status": status,
            "opened_at": _moment(raw, "opened_at", path, nullable=True),
            "closed_at": _moment(raw, "closed_at", path, nullable=True),
            "format": spec.format,
            "options": list(zip(option_keys, spec.options, strict=True)),
            "settings": spec.settings,
        }

    attribution = settings.attribution
    linked = links_people(attribution)
    allowed = set(participant_fields(attribution))
    people: dict[str, dict] = {}
    for index, raw in enumerate(_list(data, "participants", "")):
        path = _at("participants", index)
        raw = _object(raw, path)
        key = _archive_id(raw, path, people)
        profile = {}
        for name, limit in PERSONAL_FIELDS.items():
            value = _text(raw, name, path, limit=limit, required=False, empty=True)
            if value and name not in allowed:
                # An archive that contradicts its own attribution rule is refused, not trusted.
                raise _fail(
                    _at(path, name), f"must not be given in a meeting whose attribution is {attribution}."
                )
            profile[name] = value.strip()
        joined_at = (
            _moment(raw, "joined_at", path, nullable=True) if attribution == Attribution.NAMED else None
        )
        people[key] = {**profile, "joined_at": joined_at}

    rounds: list[dict] = []
    groups: dict[str, dict] = {}
    numbers: set[int] = set()
    for index, raw in enumerate(_list(data, "rounds", "")):
        path = _at("rounds", index)
        raw = _object(raw, path)
        number = _whole(raw, "number", path, low=1, high=10_000)
        if number in numbers:
            raise _fail(_at(path, "number"), f"round {number} appears twice.")
        numbers.add(number)
        settings_raw = _object(raw.get("settings", {}), _at(path, "settings"))
        round_settings = {}
        for name in ROUND_SETTINGS:
            if name in settings_raw:
                if not _scalar(settings_raw[name]):
                    raise _fail(
                        _at(_at(path, "settings"), name), "must be text, a number, true, false or null."
                    )
                round_settings[name] = settings_raw[name]
        round_ = {
            "number": number,
            "mode": _choice(raw, "mode", path, tuple(AssignmentMode)),
            "settings": round_settings,
            "status": _choice(raw, "status", path, tuple(RoundStatus)),
            "opened_at": _moment(raw, "opened_at", path),
            "ends_at": _moment(raw, "ends_at", path),
            "closed_at": _moment(raw, "closed_at", path, nullable=True),
            "walls_published": _flag(raw, "walls_published", path),
            "groups": [],
        }
        group_numbers: set[int] = set()
        placed: set[str] = set()
        for group_index, raw_group in enumerate(_list(raw, "groups", path)):
            group_path = _at(_at(path, "groups"), group_index)
            raw_group = _object(raw_group, group_path)
            key = _archive_id(raw_group, group_path, groups)
            group_number = _whole(raw_group, "number", group_path, low=1, high=10_000)
            if group_number in group_numbers:
                raise _fail(_at(group_path, "number"), f"group {group_number} appears twice in this round.")
            group_numbers.add(group_number)
            members = _refs(
                raw_group, "members", group_path, people, "participant", repeat="is listed twice."
            )
            for member in members:
                if member in placed:
                    raise _fail(_at(group_path, "members"), f'"{member}" is in two groups of this round.')
                placed.add(member)
            group = {
                "key": key,
                "number": group_number,
                "name": _text(raw_group, "name", group_path, limit=MAX_NAME_CHARS).strip(),
                "capacity": _whole(raw_group, "capacity", group_path, low=1, high=100_000, nullable=True),
                "rapporteur": _ref(raw_group, "rapporteur", group_path, people, "participant", nullable=True),
                "questions": _refs(
                    raw_group, "questions", group_path, questions, "question", repeat="is listed twice."
                ),
                "members": members,
            }
            groups[key] = group
            round_["groups"].append(group)
        rounds.append(round_)

    answers: dict[str, dict] = {}
    for index, raw in enumerate(_list(data, "answers", "")):
        path = _at("answers", index)
        raw = _object(raw, path)
        key = _archive_id(raw, path, answers)
        question = _ref(raw, "question", path, questions, "question")
        group = _ref(raw, "group", path, groups, "group", nullable=True)
        if group is not None and question not in groups[group]["questions"]:
            raise _fail(_at(path, "question"), "is not one of the questions of the answer's group.")
        created_at = _moment(raw, "created_at", path)
        votes = _whole(raw, "votes", path, low=0, high=MAX_ITEMS)
        on_floor = questions[question]["format"] == QuestionFormat.FLOOR
        anonymous = _flag(raw, "anonymous", path)
        answered_at = _moment(raw, "answered_at", path, nullable=True)
        if not on_floor and (anonymous or answered_at is not None):
            raise _fail(path, "only a question from the floor is anonymous or answered.")
        if on_floor and group is not None:
            raise _fail(_at(path, "group"), "questions from the floor are asked in plenary.")
        # An anonymous archive says how many voted, not who, and not who wrote the answer.
        voters: list[str] | None = None
        if linked or raw.get("voters") is not None:
            voters = _refs(
                raw, "voters", path, people, "participant", repeat="a participant votes once per answer."
            )
            if votes != len(voters):
                raise _fail(_at(path, "votes"), f"says {votes} but {len(voters)} voters are listed.")
        answers[key] = {
            "question": question,
            "group": group,
            # Who asked a question from the floor without being named is not in the file.
            "author": _ref(raw, "author", path, people, "participant", nullable=not linked or anonymous),
            "votes": votes,
            "text": _text(raw, "text", path, limit=MAX_TEXT_CHARS),
            "created_at": created_at,
            "updated_at": _moment(raw, "updated_at", path, nullable=True) or created_at,
            "voters": voters,
            "anonymous": anonymous or (on_floor and not linked),
            "answered_at": answered_at,
        }

    summaries: list[dict] = []
    written: set[tuple[str, str]] = set()
    for index, raw in enumerate(_list(data, "summaries", "")):
        path = _at("summaries", index)
        raw = _object(raw, path)
        group = _ref(raw, "group", path, groups, "group")
        question = _ref(raw, "question", path, questions, "question")
        if question not in groups[group]["questions"]:
            raise _fail(_at(path, "question"), "is not one of the group's questions.")
        if (group, question) in written:
            raise _fail(path, "a group has one summary per question.")
        written.add((group, question))
        summaries.append(
            {
                "group": group,
                "question": question,
                "text": _text(raw, "text", path, limit=MAX_TEXT_CHARS, empty=True),
                "updated_at": _moment(raw, "updated_at", path, nullable=True),
            }
        )
    themes: list[dict] = []
    themed: set[str] = set()
    for index, raw in enumerate(_list(data, "themes", "")):
        path = _at("themes", index)
        raw = _object(raw, path)
        question = _ref(raw, "question", path, questions, "question")
        members = _refs(raw, "answers", path, answers, "answer", repeat="is listed twice.")
        for position, member in enumerate(members):
            if answers[member]["question"] != question:
                raise _fail(_at(_at(path, "answers"), position), "answers another question.")
            if member in themed:
                # The synthesis keeps each answer in one theme at most.
                raise _fail(_at(_at(path, "answers"), position), f'"{member}" is in two themes.')
        themed.update(members)
        # Archives made before "pinned" and "shared" existed have neither; both are optional.
        pinned = _refs(raw, "pinned", path, answers, "answer", repeat="is listed twice.")
        for position, member in enumerate(pinned):
            if member not in members:
                raise _fail(_at(_at(path, "pinned"), position), "is not one of the theme's answers.")
        _flag(raw, "shared", path)
        label = " ".join(_text(raw, "label", path, limit=MAX_THEME_LABEL_CHARS).split())
        if not members:
            continue  # a theme whose answers were all hidden has nothing left to show
        themes.append({"question": question, "label": label, "answers": members, "pinned": set(pinned)})

    return {
        "settings": settings,
        "projector_shows_answers": projector,
        "exported_at": exported_at,
        "questions": questions,
        "participants": people,
        "rounds": rounds,
        "answers": answers,
        "summaries": summaries,
        "themes": themes,
        "ballots": _parse_ballots(data, questions, options, groups, people, linked),
    }


def _format(raw: dict, path: str, taken: Container[str]) -> tuple[list[str], FormatSpec]:
    """A question's format, options and settings, checked as the editor checks them; archives of
    version 1 have none of them, and their questions are open ones."""
    question_format = raw.get("format", QuestionFormat.OPEN)
    if not isinstance(question_format, str) or question_format not in set(QuestionFormat):
        raise _fail(_at(path, "format"), f"must be one of: {', '.join(QuestionFormat)}.")
    keys: list[str] = []
    texts: list[str] = []
    for index, option in enumerate(_list(raw, "options", path)):
        option_path = _at(_at(path, "options"), index)
        option = _object(option, option_path)
        keys.append(_archive_id(option, option_path, [*taken, *keys]))
        texts.append(_text(option, "text", option_path, limit=MAX_OPTION_CHARS))
    settings = _object(raw.get("settings") or {}, _at(path, "settings"))
    try:
        spec = checked_format(question_format, texts, settings)
    except FormatError as error:
        raise _fail(path, str(error)) from None
    if len(spec.options) != len(keys):
        # The format takes no options, or an option was blank: every id must keep its option.
        raise _fail(_at(path, "options"), f"do not fit a question of format {question_format}.")
    return keys, spec


def _parse_ballots(
    data: dict,
    questions: dict[str, dict],
    options: dict[str, str],
    groups: dict[str, dict],
    people: dict[str, dict],
    linked: bool,
) -> list[dict]:
    """Ballots, each naming its question's own options; their responses are checked again by the
    ballots' own rules when they are written (facilitator.answers.ballots.checked_response)."""
    ballots: list[dict] = []
    cast: set[tuple[str, str | None, str]] = set()
    for index, raw in enumerate(_list(data, "ballots", "")):
        path = _at("ballots", index)
        raw = _object(raw, path)
        question = _ref(raw, "question", path, questions, "question")
        if questions[question]["format"] not in BALLOT_FORMATS:
            raise _fail(_at(path, "question"), "is not answered with a choice, a rating, a ranking or words.")
        group = _ref(raw, "group", path, groups, "group", nullable=True)
        if group is not None and question not in groups[group]["questions"]:
            raise _fail(_at(path, "question"), "is not one of the questions of the ballot's group.")
        participant = None
        if linked:
            participant = _ref(raw, "participant", path, people, "participant")
            if (question, group, participant) in cast:
                raise _fail(_at(path, "participant"), "has one ballot per question and place.")
            cast.add((question, group, participant))
        elif raw.get("participant") is not None:
            # Nothing in an anonymous archive may tie a choice to a person.
            raise _fail(_at(path, "participant"), "must not be given in an anonymous meeting.")
        created_at = _moment(raw, "created_at", path, nullable=True)
        ballots.append(
            {
                "question": question,
                "group": group,
                "participant": participant,
                "response": _ballot_response(raw, path, question, options),
                "created_at": created_at,
                "updated_at": _moment(raw, "updated_at", path, nullable=True) or created_at,
                "path": path,
            }
        )
    return ballots


def _ballot_response(raw: dict, path: str, question: str, options: dict[str, str]) -> dict:
    """The response with its option ids checked to be the question's own; the rest of its rules
    (how many choices, every item ranked, the scale) are the ballots' own, checked when written."""
    path = _at(path, "response")
    response = _object(raw.get("response"), path)
    if len(response) != 1:
        raise _fail(path, "must hold one of options, ratings, ranking or words.")
    ((name, value),) = response.items()

    def own(ids: object, at: str) -> list[str]:
        if not isinstance(ids, list) or len(ids) > MAX_ITEMS:
            raise _fail(at, "must be a list of option ids.")
        for position, option in enumerate(ids):
            if not isinstance(option, str) or options.get(option) != question:
                raise _fail(_at(at, position), "is not one of the question's options.")
        return ids

    if name in ("options", "ranking"):
        return {name: own(value, _at(path, name))}
    if name == "ratings":
        ratings = _object(value, _at(path, name))
        own([key for key in ratings if key != QUESTION_ITSELF], _at(path, name))
        return {"ratings": ratings}
    if name == "words":
        words = value if isinstance(value, list) and len(value) <= MAX_ITEMS else None
        if words is None or not all(
            isinstance(word, dict) and isinstance(word.get("text"), str) for word in words
        ):
            raise _fail(_at(path, name), 'must be a list of words, each with its "text".')
        # Keys are folded again by the words' own rule: the archive's are only a courtesy.
        return {"words": [word["text"] for word in words]}
    raise _fail(path, "must hold one of options, ratings, ranking or words.")


def _locked_token_hash() -> str:
    # Real token hashes are 64 hexadecimal digits; this value can never equal one, so no phone
    # can ever be recognised as this participant.
    return "imported-" + secrets.token_hex(24)


class _StandIns:
    """Who an anonymous archive's answers and votes are stored under, since every answer and vote
    needs a participant: the archive's own participants, who carry no profile, in turn, and more
    only when an answer has more votes than the meeting had people. Counts stay true; the links are
    not real and no export of the imported meeting shows them (it is anonymous too)."""

    def __init__(self, meeting: Meeting, people: list[Participant]) -> None:
        self.meeting = meeting
        self.people = people
        self.turn = 0

    def _extra(self) -> Participant:
        person = Participant(meeting_id=self.meeting.id, token_hash=_locked_token_hash(), display_name="")
        db.session.add(person)
        db.session.flush()
        self.people.append(person)
        return person

    def author(self) -> Participant:
        if not self.people:
            return self._extra()
        person = self.people[self.turn % len(self.people)]
        self.turn += 1
        return person

    def voters(self, count: int) -> list[Participant]:
        while len(self.people) < count:
            self._extra()
        return self.people[:count]


def _write_ballots(
    parsed: list[dict],
    questions: dict[str, Question],
    options: dict[str, QuestionOption],
    groups: dict[str, BreakoutGroup],
    people: dict[str, Participant],
    stand_ins: _StandIns,
    finished: datetime,
) -> None:
    """Each ballot as the ballots' own rules store it. An anonymous archive's ballots of one
    question in one place are stored under different stand-ins, one ballot per person as always."""
    db.session.flush()  # options and groups get their ids
    # Stand-ins for an anonymous archive's ballots, as many different ones as each place needs.
    needed = Counter((item["question"], item["group"]) for item in parsed if item["participant"] is None)
    free = {place: list(stand_ins.voters(count)) for place, count in needed.items()}
    rows = []
    for index, item in enumerate(parsed, start=1):
        question = questions[item["question"]]
        group = groups[item["group"]] if item["group"] else None
        response = _with_option_ids(item["response"], options)
        try:
            response = ballots.checked_response(question, response)
        except ballots.BallotError as error:
            raise _fail(_at(item["path"], "response"), str(error)) from None
        person = (
            people[item["participant"]]
            if item["participant"]
            else free[(item["question"], item["group"])].pop()
        )
        moment = item["created_at"] or finished
        rows.append(
            Ballot(
                question_id=question.id,
                participant_id=person.id,
                group_id=group.id if group else None,
                scope=ballots.scope_of(group.id if group else None),
                response=response,
                seq=0,
                client_id=f"archive-{index:08d}",
                created_at=moment,
                updated_at=item["updated_at"] or moment,
            )
        )
    db.session.add_all(rows)


def _with_option_ids(response: dict, options: dict[str, QuestionOption]) -> dict:
    """An archived response in the form a phone sends it, with the new options' ids."""
    if "ratings" in response:
        return {
            "ratings": {
                key if key == QUESTION_ITSELF else str(options[key].id): value
                for key, value in response["ratings"].items()
            }
        }
    for name in ("options", "ranking"):
        if name in response:
            return {name: [options[key].id for key in response[name]]}
    return response


def _write(parsed: dict, owner: Moderator) -> Meeting:
    settings = parsed["settings"]
    # A passcode is a secret and never travels in an archive: a meeting that had one gets one
    # nobody knows, so it stays closed until its owner chooses a new one.
    passcode = secrets.token_urlsafe(24) if settings.join_policy == JoinPolicy.PASSCODE else None
    meeting = meetings.create_meeting(owner, settings, passcode)
    meeting.projector_shows_answers = parsed["projector_shows_answers"]
    db.session.flush()
    finished = parsed["exported_at"] or utcnow()

    questions: dict[str, Question] = {}
    options: dict[str, QuestionOption] = {}
    positions: dict[str, int] = defaultdict(int)
    for key, item in parsed["questions"].items():
        status, closed_at = item["status"], item["closed_at"]
        if status == QuestionStatus.OPEN:
            # An imported meeting is a record: nothing in it is still waiting for answers.
            status, closed_at = QuestionStatus.CLOSED, closed_at or finished
        question = Question(
            kind=item["kind"],
            position=positions[item["kind"]],
            text=item["text"],
            status=status,
            opened_at=item["opened_at"],
            closed_at=closed_at,
            format=item["format"],
            settings=item["settings"],
        )
        for position, (option_key, text) in enumerate(item["options"]):
            option = QuestionOption(position=position, text=text)
            question.options.append(option)
            options[option_key] = option
        positions[item["kind"]] += 1
        meeting.questions.append(question)
        questions[key] = question

    people: dict[str, Participant] = {}
    for key, item in parsed["participants"].items():
        person = Participant(
            meeting_id=meeting.id,
            token_hash=_locked_token_hash(),
            display_name=item["display_name"],
            country=item["country"],
            organisation=item["organisation"],
            language=item["language"],
        )
        if item["joined_at"] is not None:
            person.joined_at = item["joined_at"]
        people[key] = person
    db.session.add_all(people.values())
    db.session.flush()

    groups: dict[str, BreakoutGroup] = {}
    for item in parsed["rounds"]:
        status, closed_at = item["status"], item["closed_at"]
        if status == RoundStatus.OPEN:
            status, closed_at = RoundStatus.CLOSED, closed_at or finished
        round_ = BreakoutRound(
            meeting_id=meeting.id,
            number=item["number"],
            mode=item["mode"],
            settings=item["settings"],
            status=status,
            opened_at=item["opened_at"],
            ends_at=item["ends_at"],
            closed_at=closed_at,
            walls_published=item["walls_published"],
        )
        for group_item in sorted(item["groups"], key=lambda g: g["number"]):
            group = BreakoutGroup(
                number=group_item["number"],
                name=group_item["name"],
                capacity=group_item["capacity"],
                rapporteur_id=people[group_item["rapporteur"]].id if group_item["rapporteur"] else None,
                question_ids=[questions[q].id for q in group_item["questions"]],
            )
            round_.groups.append(group)
            groups[group_item["key"]] = group
        db.session.add(round_)
    db.session.flush()
    for item in parsed["rounds"]:
        for group_item in item["groups"]:
            group = groups[group_item["key"]]
            db.session.add_all(
                GroupMember(round_id=group.round_id, group_id=group.id, participant_id=people[p].id)
                for p in group_item["members"]
            )

    stand_ins = _StandIns(meeting, list(people.values()))
    answers: dict[str, Answer] = {}
    for index, (key, item) in enumerate(parsed["answers"].items(), start=1):
        author = people[item["author"]] if item["author"] else stand_ins.author()
        answers[key] = Answer(
            question_id=questions[item["question"]].id,
            group_id=groups[item["group"]].id if item["group"] else None,
            participant_id=author.id,
            # Unique per participant, and in the form phones use, so resends can never collide.
            client_id=f"archive-{index:08d}",
            text=item["text"],
            created_at=item["created_at"],
            updated_at=item["updated_at"],
            anonymous=item["anonymous"],
            answered_at=item["answered_at"],
        )
    db.session.add_all(answers.values())
    db.session.flush()
    db.session.add_all(
        Vote(answer_id=answers[key].id, participant_id=voter.id)
        for key, item in parsed["answers"].items()
        for voter in (
            [people[v] for v in item["voters"]]
            if item["voters"] is not None
            else stand_ins.voters(item["votes"])
        )
    )
    _write_ballots(parsed["ballots"], questions, options, groups, people, stand_ins, finished)
    for item in parsed["summaries"]:
        summary = GroupSummary(
            group_id=groups[item["group"]].id,
            question_id=questions[item["question"]].id,
            text=item["text"],
            version=1 if item["text"] else 0,
        )
        if item["updated_at"] is not None:
            summary.updated_at = item["updated_at"]
        db.session.add(summary)

    stored = [
        (
            SynthesisTheme(
                question_id=questions[item["question"]].id,
                label=item["label"],
                # Kept as a curator's label, so that the next clustering does not replace the
                # words the report used; clearing it on the synthesis page brings the automatic one.
                custom_label=item["label"] if len(item["label"]) <= MAX_LABEL_LENGTH else None,
            ),
            item,
        )
        for item in parsed["themes"]
    ]
    db.session.add_all(theme for theme, _ in stored)
    db.session.flush()
    db.session.add_all(
        ThemeAnswer(answer_id=answers[key].id, theme_id=theme.id, pinned=key in item["pinned"])
        for theme, item in stored
        for key in item["answers"]
    )
    db.session.flush()
    return meeting
