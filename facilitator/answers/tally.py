"""Results of ballot questions, and who may see them.

A tally is always a recount: one SELECT of the responses, counted here. Nothing is kept
between changes, so no count can drift from the ballots it counts; a thousand ballots take a
few milliseconds. Results carry counts and texts only, never who gave what.

The shape (what static/js/charts.js draws):
{question_id, format, respondents} and, by format,
- single, multiple: options [{id, text, count, percent}] (percent of respondents, one decimal);
- rating: scale {min, max, low_label, high_label}, rows [{id, text, count, mean, distribution:
  [{value, count}] for every value of the scale}] (mean to two decimals, None without ratings);
- ranking: ranking [{id, text, mean_rank, borda, count}], most points first; an item ranked at
  position p (1 = best) of n gets n - p points;
- words: words [{text, count}], most frequent first (then alphabetically), at most TOP_WORDS;
  the text is the most common spelling of its key (ties: alphabetically first).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict

from sqlalchemy import Text, bindparam, cast, func, select

from facilitator.answers.ballots import PLENARY, scope_of, setting, statement_ids
from facilitator.answers.models import Ballot
from facilitator.extensions import db
from facilitator.meetings.formats import BALLOT_FORMATS, results_visible
from facilitator.meetings.models import Meeting, Question, QuestionFormat, QuestionStatus

TOP_WORDS = 60

# The responses as the text the database holds (withdrawn ballots hold NULL): decoded here in one
# go, as one JSON array, rather than row by row.
_TEXT = cast(Ballot.response, Text)
_RESPONSES = select(_TEXT).where(
    Ballot.question_id == bindparam("question_id"),
    Ballot.scope == bindparam("scope"),
    Ballot.response.is_not(None),
)
_RESPONSES_BY_SCOPE = select(Ballot.scope, _TEXT).where(
    Ballot.question_id == bindparam("question_id"), Ballot.response.is_not(None)
)
_RESPONDENTS = (
    select(func.count())
    .select_from(Ballot)
    .where(
        Ballot.question_id == bindparam("question_id"),
        Ballot.scope == bindparam("scope"),
        Ballot.response.is_not(None),
    )
)


def _decoded(texts: list[str]) -> list[dict]:
    return [response for response in json.loads("[" + ",".join(texts) + "]") if response is not None]


def _percent(count: int, respondents: int) -> float:
    return round(100 * count / respondents, 1) if respondents else 0.0


def _choices(question: Question, responses: list[dict]) -> dict:
    counts = Counter(option for response in responses for option in set(response.get("options", ())))
    respondents = len(responses)
    return {
        "options": [
            {
                "id": option.id,
                "text": option.text,
                "count": counts[option.id],
                "percent": _percent(counts[option.id], respondents),
            }
            for option in question.options
        ]
    }


def _ratings(question: Question, responses: list[dict]) -> dict:
    low, high = setting(question, "scale_min"), setting(question, "scale_max")
    texts = {option.id: option.text for option in question.options} or {0: question.text}
    given = Counter(pair for response in responses for pair in response.get("ratings", {}).items())
    rows = []
    for statement in statement_ids(question):
        key = str(statement)
        distribution = [{"value": value, "count": given[(key, value)]} for value in range(low, high + 1)]
        count = sum(item["count"] for item in distribution)
        total = sum(item["value"] * item["count"] for item in distribution)
        rows.append(
            {
                "id": statement,
                "text": texts[statement],
                "count": count,
                "mean": round(total / count, 2) if count else None,
                "distribution": distribution,
            }
        )
    scale = {
        "min": low,
        "max": high,
        "low_label": setting(question, "low_label"),
        "high_label": setting(question, "high_label"),
    }
    return {"scale": scale, "rows": rows}


def _ranking(question: Question, responses: list[dict]) -> dict:
    known = {option.id for option in question.options}
    n = len(known)
    counts: Counter = Counter()
    rank_sums: Counter = Counter()
    # People often give the same order: each distinct order is walked once, with its weight.
    orders = Counter(tuple(response.get("ranking", ())) for response in responses)
    for order, people in orders.items():
        ranked = [option for option in order if option in known]
        for position, option in enumerate(ranked, start=1):
            counts[option] += people
            rank_sums[option] += position * people
    position_of = {option.id: index for index, option in enumerate(question.options)}
    items = [
        {
            "id": option.id,
            "text": option.text,
            "mean_rank": round(rank_sums[option.id] / counts[option.id], 2) if counts[option.id] else None,
            # n - position points for each person: n * people - the sum of their positions.
            "borda": n * counts[option.id] - rank_sums[option.id],
            "count": counts[option.id],
        }
        for option in question.options
    ]
    items.sort(key=lambda item: (-item["borda"], position_of[item["id"]]))
    return {"ranking": items}


def _words(_question: Question, responses: list[dict]) -> dict:
    # A ballot's words have distinct keys (ballots.checked_response collapses the same word).
    spellings = Counter(
        (word["key"], word["text"]) for response in responses for word in response.get("words", ())
    )
    people: Counter = Counter()
    shown: dict[str, tuple[int, str]] = {}
    for (key, text), count in spellings.items():
        people[key] += count
        # The most common spelling; between equals, the alphabetically first.
        if key not in shown or (-count, text) < (-shown[key][0], shown[key][1]):
            shown[key] = (count, text)
    words = [{"text": shown[key][1], "count": count} for key, count in people.items()]
    words.sort(key=lambda word: (-word["count"], word["text"].casefold(), word["text"]))
    return {"words": words[:TOP_WORDS]}


_COUNTS = {
    QuestionFormat.SINGLE: _choices,
    QuestionFormat.MULTIPLE: _choices,
    QuestionFormat.RATING: _ratings,
    QuestionFormat.RANKING: _ranking,
    QuestionFormat.WORDS: _words,
}


def _shape(question: Question, responses: list[dict]) -> dict:
    return {
        "question_id": question.id,
        "format": question.format,
        "respondents": len(responses),
        **_COUNTS[question.format](question, responses),
    }


def empty_results(question: Question) -> dict:
    """The results of a scope where nobody has voted yet (no query needed)."""
    return _shape(question, [])


def results_for(question: Question, group_id: int | None = None) -> dict:
    """The results of a ballot question in the plenary (group_id None) or in one breakout group."""
    rows = db.session.connection().execute(
        _RESPONSES, {"question_id": question.id, "scope": scope_of(group_id)}
    )
    return _shape(question, _decoded(rows.scalars().all()))


def results_by_group(question: Question) -> dict[int | None, dict]:
    """The results of every scope that has ballots: None for the plenary, else a group's id."""
    by_scope: dict[int, list[str]] = defaultdict(list)
    for scope, text in db.session.connection().execute(_RESPONSES_BY_SCOPE, {"question_id": question.id}):
        by_scope[scope].append(text)
    return {
        (None if scope == PLENARY else scope): _shape(question, _decoded(texts))
        for scope, texts in by_scope.items()
    }


def respondent_count(question: Question, group_id: int | None = None) -> int:
    """How many people have a ballot (not withdrawn) on the question in this scope."""
    return (
        db.session.connection()
        .execute(_RESPONDENTS, {"question_id": question.id, "scope": scope_of(group_id)})
        .scalar()
    )


# ---------------------------------------------------------------- who sees results


def _visible_now(question: Question, closed: bool) -> bool:
    return question.format in BALLOT_FORMATS and results_visible(
        question.format, question.settings or {}, closed
    )


def projector_may_see(meeting: Meeting, question: Question) -> bool:
    """The plenary's results on the wall: when the format's rule allows it (live, or once closed)
    and the moderator shows answers on the projector."""
    closed = question.status == QuestionStatus.CLOSED
    return meeting.projector_shows_answers and _visible_now(question, closed)


def phones_may_see(meeting: Meeting, question: Question) -> bool:
    """The plenary's results on phones: as on the projector, and only if the question says so."""
    return projector_may_see(meeting, question) and bool(setting(question, "phones_see_results"))


def group_may_see(question: Question, round_open: bool) -> bool:
    """A group's own results on its members' phones: by the format's rule (the round's end closes
    the question for the group) when the question lets phones see results. No projector shows them."""
    return _visible_now(question, not round_open) and bool(setting(question, "phones_see_results"))
