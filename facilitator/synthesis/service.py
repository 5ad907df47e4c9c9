"""The synthesis of one question: its answers in themes, kept in the database with the curators' edits.

`synthesize` clusters the visible answers, starting from the stored themes: an answer already in
a theme stays there, a new one joins the theme it fits or founds a new one (facilitator.synthesis
.themes), and the result is stored again. The curation functions change the stored themes only;
the next computation starts from them, which is how a rename, merge or move survives new answers.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from flask_babel import gettext
from sqlalchemy import Row, insert, select
from sqlalchemy.exc import IntegrityError

from facilitator.answers import queries
from facilitator.answers.models import Answer
from facilitator.breakouts.models import BreakoutGroup, BreakoutRound
from facilitator.errors import N_, DomainError
from facilitator.extensions import db
from facilitator.meetings.models import Question, QuestionFormat
from facilitator.synthesis import themes
from facilitator.synthesis.models import MAX_LABEL_LENGTH, SynthesisTheme, ThemeAnswer
from facilitator.text import clean_line

# Questions whose text features stay in memory between computations; the rest are read again.
CACHED_QUESTIONS = 32


class SynthesisError(DomainError):
    pass


@dataclass
class ThemeView:
    """A theme as the page and the report show it."""

    id: int
    label: str
    automatic_label: str
    renamed: bool
    hidden: bool
    shared: bool
    groups: list[str]
    votes: int
    answers: list[Row]  # see visible_answers()
    pinned: set[int] = field(default_factory=set)


@dataclass
class QuestionSynthesis:
    question: Question
    themes: list[ThemeView]
    answers: list[Row]  # every visible answer, oldest first (see visible_answers())
    votes: dict[int, int]
    places: dict[int, str]  # answer id -> "Group 2", or "" for the plenary


class _Caches:
    """One FeatureCache per recently synthesised question, in this process only: losing it costs
    time, never correctness, because the themes themselves live in the database."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._caches: OrderedDict[int, tuple[threading.Lock, themes.FeatureCache]] = OrderedDict()

    def get(self, question_id: int) -> tuple[threading.Lock, themes.FeatureCache]:
        with self._lock:
            entry = self._caches.pop(question_id, None) or (threading.Lock(), themes.FeatureCache())
            self._caches[question_id] = entry
            while len(self._caches) > CACHED_QUESTIONS:
                self._caches.popitem(last=False)
            return entry


_caches = _Caches()


def group_places(meeting_id: int) -> dict[int, str]:
    """Group id -> the name the synthesis shows; with several rounds the round is added."""
    rows = db.session.execute(
        select(BreakoutGroup.id, BreakoutGroup.name, BreakoutRound.number)
        .join(BreakoutRound, BreakoutRound.id == BreakoutGroup.round_id)
        .where(BreakoutRound.meeting_id == meeting_id)
    ).all()
    if len({number for _, _, number in rows}) <= 1:
        return {gid: name for gid, name, _ in rows}
    return {
        gid: gettext("%(group)s, round %(round)s", group=name, round=number) for gid, name, number in rows
    }


def visible_answers(question: Question) -> list[Row]:
    """The answers as plain rows (id, text, group_id, participant_id, created_at), oldest first.

    Rows, not ORM objects: thousands of them are read on every update, and a commit would expire
    ORM objects and read each one again when the page's data is built.
    """
    return list(
        db.session.execute(
            queries.visible_answers(question_id=question.id).with_only_columns(
                Answer.id, Answer.text, Answer.group_id, Answer.participant_id, Answer.created_at
            )
        )
    )


def has_themes(question: Question) -> bool:
    """Themes group written answers: choices, ratings, rankings, words and questions from the
    floor are counted or listed instead."""
    return (question.format or QuestionFormat.OPEN) == QuestionFormat.OPEN


def synthesize(question: Question, places: dict[int, str] | None = None) -> QuestionSynthesis:
    """Themes of the question's visible answers, stored; commits only if they changed, so that a
    report built while reading the synthesis keeps every object it loaded."""
    places_by_group = group_places(question.meeting_id) if places is None else places
    if not has_themes(question):
        answers = visible_answers(question)
        votes = queries.vote_counts([a.id for a in answers])
        answer_places = {
            a.id: places_by_group.get(a.group_id, "") if a.group_id is not None else "" for a in answers
        }
        return QuestionSynthesis(question, [], answers, votes, answer_places)
    lock, cache = _caches.get(question.id)
    for attempt in range(3):
        try:
            with lock:
                result, changed = _synthesize_once(question, places_by_group, cache)
            if changed:
                db.session.commit()
            return result
        except IntegrityError:
            # Another process stored the same new answers a moment earlier: start from its themes.
            db.session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _synthesize_once(
    question: Question, places: dict[int, str], cache: themes.FeatureCache
) -> tuple[QuestionSynthesis, bool]:
    answers = visible_answers(question)
    votes = queries.vote_counts([a.id for a in answers])
    answer_places = {a.id: places.get(a.group_id, "") if a.group_id is not None else "" for a in answers}
    rows = list(
        db.session.scalars(
            select(SynthesisTheme)
            .where(SynthesisTheme.question_id == question.id)
            .order_by(SynthesisTheme.id)
        )
    )
    members: dict[int, list[int]] = {row.id: [] for row in rows}
    pinned: dict[int, set[int]] = {row.id: set() for row in rows}
    for answer_id, theme_id, is_pinned in db.session.execute(
        select(ThemeAnswer.answer_id, ThemeAnswer.theme_id, ThemeAnswer.pinned).where(
            ThemeAnswer.theme_id.in_(list(members))
        )
    ):
        members[theme_id].append(answer_id)
        if is_pinned:
            pinned[theme_id].add(answer_id)
    by_key = {f"s{row.id}": row for row in rows}
    previous = [themes.Theme(f"s{row.id}", row.label, members[row.id], [], 0, False) for row in rows]
    items = [themes.Item(a.id, a.text, answer_places[a.id] or None, votes.get(a.id, 0)) for a in answers]
    clustered = themes.cluster(items, previous=previous, cache=cache)

    stored = {answer_id for ids in members.values() for answer_id in ids}
    changed = False
    placed: list[tuple[SynthesisTheme, list[int]]] = []
    for theme in clustered:
        row = by_key.get(theme.key)
        if row is None:
            row = SynthesisTheme(question_id=question.id, label=theme.label)
            db.session.add(row)
            changed = True
        elif row.label != theme.label:
            row.label = theme.label
            changed = True
        placed.append((row, [i for i in theme.item_ids if i not in stored]))
    if changed or any(new for _, new in placed):
        changed = True
        db.session.flush()  # new themes get their ids
        new_members = [{"answer_id": i, "theme_id": row.id} for row, new in placed for i in new]
        if new_members:
            db.session.execute(insert(ThemeAnswer), new_members)

    by_id = {a.id: a for a in answers}
    views = [
        ThemeView(
            id=row.id,
            label=row.shown_label,
            automatic_label=theme.label,
            renamed=row.custom_label is not None,
            hidden=row.hidden,
            shared=theme.shared,
            groups=theme.groups,
            votes=theme.votes,
            answers=[by_id[i] for i in theme.item_ids],
            pinned=pinned.get(row.id, set()),
        )
        for theme, (row, _) in zip(clustered, placed, strict=True)
    ]
    return QuestionSynthesis(question, views, answers, votes, answer_places), changed


# -- curation ----------------------------------------------------------------------------------------


def theme_of_meeting(meeting_id: int, theme_id: int) -> SynthesisTheme:
    theme = db.session.get(SynthesisTheme, theme_id)
    if theme is None or _meeting_of(theme.question_id) != meeting_id:
        raise SynthesisError(N_("This theme no longer exists. The page has been refreshed."))
    return theme


def _meeting_of(question_id: int) -> int | None:
    return db.session.scalar(select(Question.meeting_id).where(Question.id == question_id))


def rename(theme: SynthesisTheme, label: str) -> None:
    """An empty label gives the theme its automatic label back."""
    label = clean_line(label)
    if len(label) > MAX_LABEL_LENGTH:
        raise SynthesisError(N_("A theme's name can have at most %(max)s characters."), max=MAX_LABEL_LENGTH)
    theme.custom_label = label or None


def set_hidden(theme: SynthesisTheme, hidden: bool) -> None:
    theme.hidden = hidden


def merge(source: SynthesisTheme, target: SynthesisTheme) -> None:
    """Every answer of `source` joins `target`, which keeps its name; `source` is gone."""
    if source.id == target.id or source.question_id != target.question_id:
        raise SynthesisError(N_("Choose another theme of the same question."))
    # Through the relationship, so that deleting `source` no longer cascades to the moved answers.
    for member in list(source.members):
        member.theme = target
    db.session.flush()
    db.session.delete(source)


def membership_in_meeting(meeting_id: int, answer_id: int) -> ThemeAnswer:
    member = db.session.get(ThemeAnswer, answer_id)
    if member is None or _meeting_of(member.theme.question_id) != meeting_id:
        raise SynthesisError(N_("This answer is not in a theme any more. The page has been refreshed."))
    return member


def move(member: ThemeAnswer, target: SynthesisTheme | None) -> SynthesisTheme:
    """Put an answer in another theme of its question, or in a new theme of its own (target None)."""
    source = member.theme
    if target is None:
        target = SynthesisTheme(question_id=source.question_id, label="")
        db.session.add(target)
        db.session.flush()
    elif target.question_id != source.question_id:
        raise SynthesisError(N_("Choose another theme of the same question."))
    member.theme = target
    member.placed_by_hand = True
    if not source.members:
        db.session.delete(source)
    db.session.flush()
    return target


def pin(member: ThemeAnswer, pinned: bool) -> None:
    member.pinned = pinned
