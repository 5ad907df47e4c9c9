"""What the synthesis page receives: themes, summaries and answers, by the meeting's attribution rule;
the results of choice, rating, ranking and word questions; the questions from the floor.

Author labels come from facilitator.answers.payloads.author_label, the one place that states the rule;
in an anonymous meeting no payload here carries anything about who wrote what. Results are counts
(facilitator.answers.tally): nothing in them says who chose what.
"""

from __future__ import annotations

from collections.abc import Collection

from flask_babel import gettext
from sqlalchemy import Row, select

from facilitator.answers import floor, tally
from facilitator.answers.payloads import author_label
from facilitator.answers.queries import most_supported
from facilitator.breakouts.models import BreakoutGroup, BreakoutRound, GroupSummary, RoundStatus
from facilitator.extensions import db
from facilitator.joining.models import Participant
from facilitator.meetings.formats import BALLOT_FORMATS, results_visible
from facilitator.meetings.models import (
    Attribution,
    Meeting,
    Question,
    QuestionFormat,
    QuestionKind,
    QuestionStatus,
)
from facilitator.synthesis import service
from facilitator.synthesis.access import Curator
from facilitator.synthesis.service import QuestionSynthesis, ThemeView, group_places


def question_label_parts(meeting: Meeting, question: Question) -> tuple[str, int]:
    """("guiding" or "adhoc", its number within its kind), for "Question 2" or "Plenary question 1"."""
    siblings = meeting.guiding_questions if question.kind == QuestionKind.GUIDING else meeting.adhoc_questions
    return question.kind, next((n for n, q in enumerate(siblings, start=1) if q.id == question.id), 0)


def author_labels(meeting: Meeting, synthesis: QuestionSynthesis) -> dict[int, str | None]:
    """Participant id -> what the attribution rule lets the page say about them."""
    ids = {answer.participant_id for answer in synthesis.answers}
    if not ids or meeting.attribution == Attribution.ANONYMOUS:
        return {}
    people = db.session.scalars(select(Participant).where(Participant.id.in_(ids)))
    return {person.id: author_label(meeting, person) for person in people}


def answer_payload(
    synthesis: QuestionSynthesis, labels: dict[int, str | None], answer: Row, pinned: bool
) -> dict:
    return {
        "id": answer.id,
        "text": answer.text,
        "author": labels.get(answer.participant_id),
        "place": synthesis.places.get(answer.id, ""),
        "votes": synthesis.votes.get(answer.id, 0),
        "pinned": pinned,
    }


def theme_payload(synthesis: QuestionSynthesis, labels: dict[int, str | None], theme: ThemeView) -> dict:
    return {
        "id": theme.id,
        "label": theme.label,
        "automatic_label": theme.automatic_label,
        "renamed": theme.renamed,
        "hidden": theme.hidden,
        "shared": theme.shared,
        "groups": theme.groups,
        "votes": theme.votes,
        "answers": [answer_payload(synthesis, labels, a, a.id in theme.pinned) for a in theme.answers],
    }


def summaries_payload(
    meeting: Meeting, question: Question, groups: Collection[int] | None = None
) -> list[dict]:
    """Each group's summary; with `groups`, only theirs (a rapporteur's view during a round)."""
    query = (
        select(GroupSummary, BreakoutGroup, BreakoutRound)
        .join(BreakoutGroup, BreakoutGroup.id == GroupSummary.group_id)
        .join(BreakoutRound, BreakoutRound.id == BreakoutGroup.round_id)
        .where(GroupSummary.question_id == question.id, BreakoutRound.meeting_id == meeting.id)
        .order_by(BreakoutRound.number, BreakoutGroup.number)
    )
    if groups is not None:
        query = query.where(BreakoutGroup.id.in_(list(groups)))
    rows = db.session.execute(query).all()
    rapporteur_ids = {group.rapporteur_id for _, group, _ in rows if group.rapporteur_id}
    rapporteurs = {
        p.id: p for p in db.session.scalars(select(Participant).where(Participant.id.in_(rapporteur_ids)))
    }
    places = group_places(meeting.id)
    result = []
    for summary, group, _round in rows:
        if not summary.text.strip():
            continue
        person = rapporteurs.get(group.rapporteur_id)
        result.append(
            {
                "group": places.get(group.id, group.name),
                "text": summary.text,
                "rapporteur": author_label(meeting, person) if person else None,
            }
        )
    return result


def scoped(synthesis: QuestionSynthesis, groups: Collection[int]) -> QuestionSynthesis:
    """The synthesis as a reader of these groups only may see it: their answers, and themes cut
    down to those answers. A theme that also holds answers of groups out of sight gets a neutral
    label and no "shared" mark: its name and its reach were drawn from words the reader may not read.
    """
    answers = [a for a in synthesis.answers if a.group_id is not None and a.group_id in groups]
    keep = {a.id for a in answers}
    themes: list[ThemeView] = []
    for theme in synthesis.themes:
        mine = [a for a in theme.answers if a.id in keep]
        if not mine:
            continue
        if len(mine) == len(theme.answers):
            themes.append(theme)
            continue
        label = gettext("Theme %(number)s", number=len(themes) + 1)
        themes.append(
            ThemeView(
                id=theme.id,
                label=label,
                automatic_label=label,
                renamed=False,
                hidden=theme.hidden,
                shared=False,
                groups=sorted({synthesis.places[a.id] for a in mine if synthesis.places.get(a.id)}),
                votes=sum(synthesis.votes.get(a.id, 0) for a in mine),
                answers=mine,
                pinned=theme.pinned & keep,
            )
        )
    return QuestionSynthesis(
        question=synthesis.question,
        themes=themes,
        answers=answers,
        votes={i: n for i, n in synthesis.votes.items() if i in keep},
        places={i: place for i, place in synthesis.places.items() if i in keep},
    )


def question_payload(
    meeting: Meeting, synthesis: QuestionSynthesis, groups: Collection[int] | None = None
) -> dict:
    """The question as the page shows it; with `groups`, as a reader of those groups only sees it."""
    if groups is not None:
        synthesis = scoped(synthesis, groups)
    question = synthesis.question
    kind, number = question_label_parts(meeting, question)
    pinned = {answer_id for theme in synthesis.themes for answer_id in theme.pinned}
    labels = author_labels(meeting, synthesis)
    supported = most_supported(
        synthesis.answers, votes=lambda a: synthesis.votes.get(a.id, 0), order=lambda a: (a.created_at, a.id)
    )
    return {
        "id": question.id,
        "text": question.text,
        "kind": kind,
        "number": number,
        "answer_count": len(synthesis.answers),
        "group_count": len({place for place in synthesis.places.values() if place}),
        "themes": [theme_payload(synthesis, labels, theme) for theme in synthesis.themes],
        "summaries": summaries_payload(meeting, question, groups),
        "top_answers": [answer_payload(synthesis, labels, a, a.id in pinned) for a in supported],
        "format": str(question.format or QuestionFormat.OPEN),
        "respondents": 0,
        "results": None,
        "group_results": [],
        "results_withheld": False,
        "floor": None,
    }


def section_payload(curator: Curator, question: Question, places: dict[int, str]) -> dict:
    """The question as this reader may see it (facilitator/synthesis/access.py), in its format's way:
    themes of written answers, results of ballots, or the list of questions from the floor."""
    if question.format in BALLOT_FORMATS:
        return ballot_question_payload(curator, question, places)
    if question.format == QuestionFormat.FLOOR:
        return floor_question_payload(curator, question)
    synthesis = service.synthesize(question, places)
    return question_payload(curator.meeting, synthesis, curator.groups)


def _heading(meeting: Meeting, question: Question) -> dict:
    kind, number = question_label_parts(meeting, question)
    return {
        "id": question.id,
        "text": question.text,
        "kind": kind,
        "number": number,
        "format": str(question.format),
        "themes": [],
        "top_answers": [],
        "answer_count": 0,
        "group_count": 0,
        "respondents": 0,
        "results": None,
        "group_results": [],
        "results_withheld": False,
        "floor": None,
    }


def _meeting_groups(meeting: Meeting, question: Question) -> list[tuple[BreakoutGroup, BreakoutRound]]:
    rows = db.session.execute(
        select(BreakoutGroup, BreakoutRound)
        .join(BreakoutRound, BreakoutRound.id == BreakoutGroup.round_id)
        .where(BreakoutRound.meeting_id == meeting.id)
        .order_by(BreakoutRound.number, BreakoutGroup.number)
    ).all()
    return [(group, round_) for group, round_ in rows]


def ballot_question_payload(curator: Curator, question: Question, places: dict[int, str]) -> dict:
    """The plenary's results and each group's. A reader who sees only their own groups gets only
    those groups' results; a rapporteur, like the room, sees results the question keeps until it
    closes only once it is closed (for a group, once its round is)."""
    meeting = curator.meeting
    payload = _heading(meeting, question)
    by_group = tally.results_by_group(question)
    settings = question.settings or {}

    def shown(closed: bool) -> bool:
        return curator.is_moderator or results_visible(question.format, settings, closed)

    groups = [
        (group, round_)
        for group, round_ in _meeting_groups(meeting, question)
        if (question.id in (group.question_ids or []) or group.id in by_group)
        and curator.sees_group(group.id)
    ]
    withheld = False
    if curator.sees_everything:
        plenary = by_group.get(None)
        if plenary is None and not groups:
            plenary = tally.results_for(question)
        if plenary is not None and groups and not plenary["respondents"]:
            plenary = None  # asked in groups only
        if plenary is not None and not shown(question.status == QuestionStatus.CLOSED):
            plenary, withheld = None, True
        payload["results"] = plenary
    for group, round_ in groups:
        if not shown(round_.status == RoundStatus.CLOSED):
            withheld = True
            continue
        payload["group_results"].append(
            {
                "group_id": group.id,
                "group": places.get(group.id, group.name),
                "results": by_group.get(group.id) or tally.results_for(question, group.id),
            }
        )
    shown_results = [payload["results"]] if payload["results"] else []
    shown_results += [entry["results"] for entry in payload["group_results"]]
    payload["respondents"] = sum(results["respondents"] for results in shown_results)
    payload["group_count"] = len(payload["group_results"])
    payload["results_withheld"] = withheld
    payload["summaries"] = summaries_payload(meeting, question, curator.groups)
    return payload


def floor_question_payload(curator: Curator, question: Question) -> dict:
    """The questions from the floor the room could see, most supported first. They are asked in
    plenary: a reader who sees only their own groups sees none of them."""
    meeting = curator.meeting
    payload = _heading(meeting, question)
    items = floor.floor_items(question) if curator.sees_everything else []
    payload["floor"] = [
        {
            "id": item.id,
            "text": item.text,
            # Already None in an anonymous meeting and for an author who asked not to be named.
            "author": item.author if meeting.attribution != Attribution.ANONYMOUS else None,
            "votes": item.votes,
            "answered": item.answered,
        }
        for item in items
        if not (item.hidden or item.awaiting_approval or item.merged_into_id is not None)
    ]
    payload["answer_count"] = len(payload["floor"])
    payload["summaries"] = []
    return payload
