"""What a meeting report says, gathered once and already filtered by the attribution rule.

Every format (Word, Markdown, CSV) renders a Report and nothing else: none of them reads the
database or decides what may be said about a participant, so a format cannot leak a name that
the rule withholds. The author label comes from facilitator.answers.payloads.author_label, the one
place that states the rule.

Words the report adds (labels, headings, dates) are translated with Flask-Babel when they are
read, in the locale of the moment: the request's, or the one a command forces.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from babel import Locale, dates, numbers
from flask import has_app_context
from flask_babel import format_date, format_decimal, format_time, get_locale, gettext, ngettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from facilitator.answers import floor as floor_questions
from facilitator.answers import tally
from facilitator.answers.models import Answer, Ballot
from facilitator.answers.payloads import author_label
from facilitator.answers.queries import meeting_vote_counts, most_supported, visible_answers
from facilitator.breakouts import assignment
from facilitator.breakouts.models import BreakoutGroup, BreakoutRound, GroupSummary
from facilitator.extensions import db
from facilitator.joining.models import Participant
from facilitator.meetings.formats import BALLOT_FORMATS
from facilitator.meetings.models import (
    Attribution,
    FieldRule,
    Meeting,
    Question,
    QuestionFormat,
    QuestionKind,
)
from facilitator.synthesis.report import ThemesFor
from facilitator.timeutil import utcnow

# Day, month name, year ("9 March 2026", "9 mars 2026"), as UN documents write dates in every
# language; the locale's own "long" format would give "March 9, 2026" in English.
DATE_PATTERN = "d MMMM y"
TIME_PATTERN = "HH:mm"
# For rendering outside any Flask app (a script, a property test), where Flask-Babel has no locale.
SOURCE_LOCALE = "en"

# Which author fields an export may show as separate columns or keys, per attribution mode. The
# label that reads "Amina Diallo · Senegal" comes from author_label; this table only says which
# raw fields may travel beside it, and tests check that it never allows less than the label shows.
AUTHOR_FIELDS: dict[str, tuple[str, ...]] = {
    Attribution.NAMED: ("name", "country", "organisation"),
    Attribution.AFFILIATION: ("country", "organisation"),
    Attribution.ANONYMOUS: (),
}
PARTICIPANT_ATTRIBUTES = {"name": "display_name", "country": "country", "organisation": "organisation"}
# The key of a results SHAPE (facilitator/answers/tally.py) that holds its rows, by format.
RESULT_ITEMS = {
    QuestionFormat.SINGLE: "options",
    QuestionFormat.MULTIPLE: "options",
    QuestionFormat.RATING: "rows",
    QuestionFormat.RANKING: "ranking",
    QuestionFormat.WORDS: "words",
}


def author_fields(attribution: str) -> tuple[str, ...]:
    # A value this code does not know is treated as the strictest rule: nothing about anyone.
    return AUTHOR_FIELDS.get(attribution, ())


@dataclass
class AnswerEntry:
    id: int
    question_id: int
    text: str
    votes: int
    created_at: datetime
    round_number: int | None  # None for a plenary answer
    group_name: str | None  # None for a plenary answer
    group_id: int | None
    author: str | None  # author_label(): None when the rule says nothing about the author
    author_fields: dict[str, str]  # only the keys author_fields() allows for the meeting
    themes: list[str] = field(default_factory=list)

    @property
    def place(self) -> str:
        return place_label(self.round_number, self.group_name)


@dataclass
class Theme:
    label: str
    groups: list[str]
    votes: int
    answer_ids: list[int]
    # Raised by two or more groups (convergence); a theme of one group is kept as a distinct point.
    shared: bool = False


@dataclass
class SummaryEntry:
    group_name: str
    round_number: int
    text: str
    rapporteur: str | None

    @property
    def place(self) -> str:
        return place_label(self.round_number, self.group_name)


@dataclass
class AnswerSection:
    """The answers of one wall (a group in a round) or of the plenary, for one question."""

    round_number: int | None
    group_name: str | None
    answers: list[AnswerEntry]

    @property
    def title(self) -> str:
        return place_label(self.round_number, self.group_name)


@dataclass
class GroupResults:
    """A ballot question's results in one breakout group (the results SHAPE of answers/tally.py)."""

    round_number: int
    group_name: str
    group_id: int
    results: dict

    @property
    def place(self) -> str:
        return place_label(self.round_number, self.group_name)


@dataclass
class FloorEntry:
    """A question from the floor as the report lists it: hidden, pending and merged ones never are."""

    id: int
    text: str
    # None by the attribution rule, or because its author asked not to be named.
    author: str | None
    author_fields: dict[str, str]  # as for answers: none when its author asked not to be named
    votes: int
    answered: bool
    created_at: datetime


@dataclass
class QuestionSection:
    id: int
    kind: str
    number: int  # 1, 2, … within its kind: "Question 2", "Plenary question 1"
    text: str
    themes: list[Theme]
    summaries: list[SummaryEntry]
    top_answers: list[AnswerEntry]
    sections: list[AnswerSection]
    # Quotes pinned on the synthesis page, in the order of their themes; empty when none were chosen.
    quotes: list[AnswerEntry] = field(default_factory=list)
    format: str = QuestionFormat.OPEN
    # Ballot formats: the plenary's results (None when the question was asked in groups only and
    # nobody answered it in plenary), then each group's that was asked it, by round and group.
    results: dict | None = None
    group_results: list[GroupResults] = field(default_factory=list)
    # Questions from the floor, most supported first; their text is not repeated in the annex.
    floor_items: list[FloorEntry] = field(default_factory=list)

    @property
    def label(self) -> str:
        if self.kind == QuestionKind.GUIDING:
            return gettext("Question %(number)s", number=self.number)
        return gettext("Plenary question %(number)s", number=self.number)

    @property
    def is_ballot(self) -> bool:
        return self.format in BALLOT_FORMATS

    @property
    def is_floor(self) -> bool:
        return self.format == QuestionFormat.FLOOR

    @property
    def place_results(self) -> list[tuple[str, dict]]:
        """(where, results): the plenary first, then each group."""
        places = [(gettext("Plenary"), self.results)] if self.results is not None else []
        return places + [(group.place, group.results) for group in self.group_results]

    @property
    def answer_count(self) -> int:
        return sum(len(section.answers) for section in self.sections)

    @property
    def overview(self) -> str:
        """One sentence on where the answers came from, e.g. "5 answers (Plenary: 2, …)."."""
        if self.is_ballot:
            return self._results_overview()
        if self.is_floor:
            return self._floor_overview()
        count = self.answer_count
        if not count:
            return gettext("No answers.")
        where = ", ".join(fact(s.title, len(s.answers)) for s in self.sections)
        return ngettext(
            "%(num)d answer (%(where)s), listed in the annex.",
            "%(num)d answers (%(where)s), all listed in the annex.",
            count,
            where=where,
        )

    def _results_overview(self) -> str:
        places = self.place_results
        total = sum(respondents(results) for _, results in places)
        if not total:
            return gettext("No responses.")
        if len(places) == 1:
            return ngettext("%(num)d person responded.", "%(num)d people responded.", total)
        where = ", ".join(fact(place, respondents(results)) for place, results in places)
        return ngettext("%(num)d response (%(where)s).", "%(num)d responses (%(where)s).", total, where=where)

    def _floor_overview(self) -> str:
        count = len(self.floor_items)
        if not count:
            return gettext("No questions from the floor.")
        return ngettext(
            "%(num)d question from the floor (answered: %(answered)s).",
            "%(num)d questions from the floor (answered: %(answered)s).",
            count,
            answered=sum(item.answered for item in self.floor_items),
        )


@dataclass
class Count:
    label: str
    count: int


@dataclass
class Participation:
    participants: int
    contributors: int  # people with at least one visible answer, question from the floor or vote
    answers: int  # written answers; questions from the floor and votes are counted apart
    floor_questions: int
    ballots: int  # people's standing votes on choice, rating, ranking and word questions
    # How many different countries and organisations; None when the meeting never asked.
    countries: int | None
    organisations: int | None
    # People per country and organisation; None when not asked, and in an anonymous meeting,
    # where even a count of one would say that someone from that country took part.
    by_country: list[Count] | None
    by_organisation: list[Count] | None


@dataclass
class Report:
    meeting_id: int
    title: str
    description: str
    date: date
    starts_at: datetime | None
    attribution: str
    author_fields: tuple[str, ...]
    participation: Participation
    questions: list[QuestionSection]
    generated_at: datetime

    def answers(self) -> Iterable[tuple[QuestionSection, AnswerEntry]]:
        for question in self.questions:
            for section in question.sections:
                for answer in section.answers:
                    yield question, answer


def place_label(round_number: int | None, group_name: str | None) -> str:
    if round_number is None:
        return gettext("Plenary")
    return gettext("Round %(number)s · %(group)s", number=round_number, group=group_name)


def attribution_note(attribution: str) -> str:
    if attribution == Attribution.NAMED:
        return gettext("Answers are shown with their author's name and country.")
    if attribution == Attribution.AFFILIATION:
        return gettext("Answers are shown with their author's country and organisation, without names.")
    # Any other value is read as the strictest rule, as in author_fields().
    return gettext("Answers are anonymous: nothing is shown about who wrote them.")


def fact(label: str, value: object) -> str:
    """A label and its value, as in "Answers: 7"; languages differ in the spacing around the colon."""
    return gettext("%(label)s: %(value)s", label=label, value=value)


def votes_text(count: int) -> str:
    return ngettext("%(num)d vote", "%(num)d votes", count)


def answers_text(count: int) -> str:
    return ngettext("%(num)d answer", "%(num)d answers", count)


def raised_by(groups: Iterable[str]) -> str:
    groups = list(groups)
    if groups == [gettext("Plenary")]:
        return gettext("raised in plenary")
    return gettext("raised by %(groups)s", groups=", ".join(groups))


def theme_details(theme: Theme, groups: Iterable[str]) -> str:
    """A theme's support, origin and size, as in "3 votes · raised by Group 1, Group 2 · 2 answers";
    groups are the theme's groups as the format writes them (escaped, in Markdown)."""
    details = [votes_text(theme.votes)]
    groups = list(groups)
    if groups:
        details.append(raised_by(groups))
    details.append(answers_text(len(theme.answer_ids)))
    # The middle dot, as in the answers' captions: no language puts a space before it.
    return " · ".join(details)


def rapporteur_title(place: str, rapporteur: str | None) -> str:
    if not rapporteur:
        return place
    return gettext("%(place)s — rapporteur: %(name)s", place=place, name=rapporteur)


def respondents(results: dict) -> int:
    value = results.get("respondents")
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def number(value: float, decimals: int = 0) -> str:
    """A count or a mean as the export's language writes it: "1,234", "3.25" / "1 234", "3,25"."""
    pattern = "#,##0" + ("." + "0" + "#" * (decimals - 1) if decimals else "")
    if not has_app_context():
        return numbers.format_decimal(value, pattern, locale=SOURCE_LOCALE)
    return format_decimal(value, pattern)


def percent(value: float) -> str:
    """A share given in percent (42.9) as the language writes it: "42.9%", "42,9 %"."""
    locale = Locale.parse(get_locale() if has_app_context() and get_locale() else SOURCE_LOCALE)
    # The language's own pattern (where the sign goes, with which space), with one decimal.
    pattern = locale.percent_formats[None].pattern.replace("#,##0", "#,##0.0", 1)
    return numbers.format_percent(value / 100, pattern, locale=locale)


@dataclass
class ResultTable:
    """A ballot question's results as rows of words and numbers, for the Word and Markdown reports."""

    headers: list[str]
    rows: list[list[str]]
    # Columns holding numbers, aligned to the right.
    numeric: set[int]
    # Each row's share of the longest bar (0 to 1), for a bar beside the numbers; None: no bars.
    shares: list[float] | None
    # How to read the table (the rating scale, how Borda points count); may be empty.
    note: str


def result_table(results: dict) -> ResultTable:
    result_format = results.get("format")
    items = results.get(RESULT_ITEMS.get(result_format, "")) or []
    if result_format in (QuestionFormat.SINGLE, QuestionFormat.MULTIPLE):
        return ResultTable(
            [gettext("Option"), gettext("Answers"), gettext("Percent")],
            [[item["text"], number(item["count"]), percent(item["percent"])] for item in items],
            {1, 2},
            [min(1.0, max(0.0, item["percent"] / 100)) for item in items],
            gettext(
                "Percentages are of the people who responded; with several choices allowed, "
                "they may add up to more than 100."
            )
            if result_format == QuestionFormat.MULTIPLE
            else "",
        )
    if result_format == QuestionFormat.RATING:
        return ResultTable(
            [gettext("Statement"), gettext("Mean"), gettext("Answers"), gettext("Distribution")],
            [
                [
                    item.get("text") or "—",
                    _mean(item.get("mean")),
                    number(item.get("count", 0)),
                    " · ".join(
                        fact(number(step["value"]), number(step["count"])) for step in item["distribution"]
                    ),
                ]
                for item in items
            ],
            {1, 2},
            None,
            scale_note(results.get("scale") or {}),
        )
    if result_format == QuestionFormat.RANKING:
        most = max([item["borda"] for item in items] + [1])
        return ResultTable(
            [gettext("Rank"), gettext("Item"), gettext("Mean rank"), gettext("Borda points")],
            [
                [number(rank), item["text"], _mean(item.get("mean_rank")), number(item["borda"])]
                for rank, item in enumerate(items, start=1)
            ],
            {0, 2, 3},
            [max(0.0, item["borda"] / most) for item in items],
            gettext(
                "Items are ordered by Borda points: the higher people ranked an item, the more points it "
                "gets. The mean rank is its average place, 1 being the first."
            ),
        )
    most = max([item["count"] for item in items] + [1])
    return ResultTable(
        [gettext("Word"), gettext("Mentions")],
        [[item["text"], number(item["count"])] for item in items],
        {1},
        [item["count"] / most for item in items],
        "",
    )


def _mean(value: float | None) -> str:
    # Nobody rated or ranked it: there is no mean, and 0 would be a false one.
    return "—" if value is None else number(value, 2)


def scale_note(scale: dict) -> str:
    """The scale, as in "Scale: 1 (Not at all) to 5 (Completely).", with the ends' meanings if given."""
    ends = []
    for value, meaning in (
        (scale.get("min"), scale.get("low_label")),
        (scale.get("max"), scale.get("high_label")),
    ):
        shown = number(value) if isinstance(value, int) else "?"
        ends.append(gettext("%(value)s (%(label)s)", value=shown, label=meaning) if meaning else shown)
    return gettext("Scale: %(low)s to %(high)s.", low=ends[0], high=ends[1])


def respondents_text(results: dict) -> str:
    return fact(gettext("Respondents"), number(respondents(results)))


def floor_details(item: FloorEntry, author: str | None = None) -> str:
    """As in "Amina Diallo · Senegal · 3 votes · answered"; author as the format writes it (escaped)."""
    parts = [author] if author else []
    parts.append(votes_text(item.votes))
    if item.answered:
        parts.append(gettext("answered"))
    return " · ".join(parts)


def theme_groups(question: QuestionSection) -> list[tuple[str | None, list[Theme]]]:
    """The question's themes under a heading each: shared by several groups first (where the
    groups converged), then the distinct points of one group. A question answered in one place
    only cannot have a shared theme, so its themes are listed as they are, without headings."""
    if len(question.sections) < 2 and not any(theme.shared for theme in question.themes):
        return [(None, list(question.themes))] if question.themes else []
    shared = [theme for theme in question.themes if theme.shared]
    distinct = [theme for theme in question.themes if not theme.shared]
    parts: list[tuple[str | None, list[Theme]]] = []
    if shared:
        parts.append((gettext("Shared by several groups"), shared))
    if distinct:
        parts.append((gettext("Distinct points"), distinct))
    return parts


def long_date(value: date) -> str:
    if not has_app_context():
        return dates.format_date(value, DATE_PATTERN, locale=SOURCE_LOCALE)
    # rebase=False: report times are naive UTC or announced wall-clock times, never to be shifted.
    return format_date(value, DATE_PATTERN, rebase=False)


def clock(value: datetime) -> str:
    if not has_app_context():
        return dates.format_time(value, TIME_PATTERN, locale=SOURCE_LOCALE)
    return format_time(value, TIME_PATTERN, rebase=False)


def meeting_moment(report: Report) -> str:
    """The announced date and time, or the day the meeting happened."""
    if report.starts_at is None:
        return long_date(report.date)
    return gettext("%(date)s, %(time)s", date=long_date(report.starts_at), time=clock(report.starts_at))


def utc_time(value: datetime) -> str:
    return gettext("%(time)s UTC", time=clock(value))


def exported_on(report: Report) -> str:
    return gettext(
        "Exported on %(date)s at %(time)s UTC.",
        date=long_date(report.generated_at),
        time=clock(report.generated_at),
    )


# Text people typed may hold characters XML 1.0 cannot carry (C0 controls, U+FFFE/U+FFFF) and lone
# surrogates that UTF-8 cannot encode; either would make a Word file invalid or crash the writer.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def strip_unprintable(text: str) -> str:
    return _UNPRINTABLE.sub("", text)


def printable(text: str) -> str:
    """The text with line endings as \\n and without characters that break XML."""
    return strip_unprintable(text.replace("\r\n", "\n").replace("\r", "\n"))


# Any run of spaces and line breaks, except the no-break spaces French puts before ":" and "?",
# which must stay with the word before them.
_SPACES = re.compile("[^\\S\u00a0\u202f]+")


def one_line(text: str) -> str:
    """The text on one line, for headings and table cells."""
    return _SPACES.sub(" ", printable(text)).strip()


def is_right_to_left(text: str) -> bool:
    """Whether a paragraph of this text reads right to left: its first strong character decides,
    as in the Unicode bidirectional algorithm (rule P2)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return False
        if kind in ("R", "AL"):
            return True
    return False


def build_report(meeting: Meeting, *, themes_for: ThemesFor | None = None) -> Report:
    """Everything an export needs, read in a handful of queries whatever the meeting's size.

    themes_for(question, answers) clusters the visible answers of a question into themes; without
    it the themes stay empty rather than being guessed here.
    """
    participants = {
        p.id: p
        for p in db.session.scalars(
            select(Participant).where(Participant.meeting_id == meeting.id).order_by(Participant.id)
        )
    }
    rounds = list(
        db.session.scalars(
            select(BreakoutRound)
            .where(BreakoutRound.meeting_id == meeting.id)
            .options(selectinload(BreakoutRound.groups))
            .order_by(BreakoutRound.number)
        )
    )
    groups: dict[int, tuple[BreakoutRound, BreakoutGroup]] = {
        group.id: (round_, group) for round_ in rounds for group in round_.groups
    }
    answers = _visible_answers(meeting)
    votes = meeting_vote_counts(meeting.id)
    fields = author_fields(meeting.attribution)
    labels = {pid: author_label(meeting, p) for pid, p in participants.items()}

    def author_of(answer: Answer) -> tuple[str | None, dict[str, str]]:
        # A question from the floor whose author asked not to be named is nobody's, whatever the rule.
        if answer.anonymous:
            return None, {}
        person = participants.get(answer.participant_id)
        return labels.get(answer.participant_id), {
            name: (getattr(person, PARTICIPANT_ATTRIBUTES[name]) if person else "") or "" for name in fields
        }

    def entry(answer: Answer) -> AnswerEntry:
        round_, group = groups[answer.group_id] if answer.group_id is not None else (None, None)
        author, shown_fields = author_of(answer)
        return AnswerEntry(
            id=answer.id,
            question_id=answer.question_id,
            text=answer.text,
            votes=votes.get(answer.id, 0),
            created_at=answer.created_at,
            round_number=round_.number if round_ else None,
            group_name=group.name if group else None,
            group_id=answer.group_id,
            author=author,
            author_fields=shown_fields,
        )

    by_question: dict[int, list[Answer]] = defaultdict(list)
    for answer in answers:
        by_question[answer.question_id].append(answer)
    summaries = _summaries(meeting, groups, labels)

    def floor_entries(question: Question) -> list[FloorEntry]:
        written = {answer.id: answer for answer in by_question.get(question.id, [])}
        entries = []
        for item in floor_questions.floor_items(question):
            answer = written.get(item.id)
            if answer is None or not answer.visible:
                continue  # pending, merged or hidden: it never leaves the meeting
            author, shown_fields = author_of(answer)
            entries.append(
                FloorEntry(
                    id=item.id,
                    text=item.text,
                    author=item.author if author is not None else None,
                    author_fields=shown_fields,
                    votes=item.votes,
                    answered=item.answered,
                    created_at=item.created_at,
                )
            )
        return entries

    sections = []
    for kind, questions in (
        (QuestionKind.GUIDING, meeting.guiding_questions),
        (QuestionKind.ADHOC, meeting.adhoc_questions),
    ):
        for number, question in enumerate(questions, start=1):
            is_floor = question.format == QuestionFormat.FLOOR
            # Questions from the floor are listed as such, not again as answers in the annex.
            mine = [] if is_floor else by_question.get(question.id, [])
            entries = [entry(a) for a in mine]
            themes, quotes = _themes(
                themes_for, question, mine, entries, groups, multiple_rounds=len(rounds) > 1
            )
            plenary_results, group_results = _results(question, groups)
            sections.append(
                QuestionSection(
                    id=question.id,
                    kind=kind,
                    number=number,
                    text=question.text,
                    themes=themes,
                    summaries=summaries.get(question.id, []),
                    top_answers=_most_supported(entries),
                    sections=_by_wall(entries, groups),
                    quotes=quotes,
                    format=question.format or QuestionFormat.OPEN,
                    results=plenary_results,
                    group_results=group_results,
                    floor_items=floor_entries(question) if is_floor else [],
                )
            )
    return Report(
        meeting_id=meeting.id,
        title=meeting.title,
        description=meeting.description or "",
        date=_meeting_date(meeting, rounds, answers),
        starts_at=meeting.starts_at,
        attribution=meeting.attribution,
        author_fields=fields,
        participation=_participation(meeting, list(participants.values()), answers),
        questions=sections,
        generated_at=utcnow(),
    )


def _visible_answers(meeting: Meeting) -> list[Answer]:
    # A deleted answer was withdrawn by its author and a hidden one removed by the moderator:
    # neither belongs in anything that leaves the meeting.
    return list(db.session.scalars(visible_answers(meeting_id=meeting.id)))


def _summaries(
    meeting: Meeting,
    groups: dict[int, tuple[BreakoutRound, BreakoutGroup]],
    labels: dict[int, str | None],
) -> dict[int, list[SummaryEntry]]:
    rows = db.session.scalars(
        select(GroupSummary)
        .join(BreakoutGroup, BreakoutGroup.id == GroupSummary.group_id)
        .join(BreakoutRound, BreakoutRound.id == BreakoutGroup.round_id)
        .where(BreakoutRound.meeting_id == meeting.id)
        .order_by(BreakoutRound.number, BreakoutGroup.number)
    )
    result: dict[int, list[SummaryEntry]] = defaultdict(list)
    for summary in rows:
        if not summary.text.strip():
            continue  # a rapporteur who opened the editor and wrote nothing has nothing to report
        round_, group = groups[summary.group_id]
        rapporteur = labels.get(group.rapporteur_id) if group.rapporteur_id is not None else None
        result[summary.question_id].append(SummaryEntry(group.name, round_.number, summary.text, rapporteur))
    return result


def _results(
    question: Question, groups: dict[int, tuple[BreakoutRound, BreakoutGroup]]
) -> tuple[dict | None, list[GroupResults]]:
    """A ballot question's results: the plenary's, and each group's that was asked it or answered it."""
    if question.format not in BALLOT_FORMATS:
        return None, []
    by_group = tally.results_by_group(question)
    asked = [gid for gid, (_, group) in groups.items() if question.id in (group.question_ids or [])]
    places = sorted(
        {gid for gid in [*asked, *by_group] if gid is not None and gid in groups},
        key=lambda gid: (groups[gid][0].number, groups[gid][1].number),
    )
    plenary = by_group.get(None)
    if plenary is None and not places:
        plenary = tally.results_for(question)
    if plenary is not None and places and not respondents(plenary):
        plenary = None  # asked in groups only: an empty plenary chart would say nothing
    group_results = [
        GroupResults(
            round_number=groups[gid][0].number,
            group_name=groups[gid][1].name,
            group_id=gid,
            results=by_group.get(gid) or tally.results_for(question, gid),
        )
        for gid in places
    ]
    return plenary, group_results


def _most_supported(entries: list[AnswerEntry]) -> list[AnswerEntry]:
    return most_supported(entries, votes=lambda e: e.votes, order=lambda e: (e.created_at, e.id))


def _by_wall(
    entries: list[AnswerEntry], groups: dict[int, tuple[BreakoutRound, BreakoutGroup]]
) -> list[AnswerSection]:
    walls: dict[tuple[int, int], AnswerSection] = {}
    plenary = AnswerSection(None, None, [])
    for entry in entries:
        if entry.group_id is None:
            plenary.answers.append(entry)
            continue
        round_, group = groups[entry.group_id]
        key = (round_.number, group.number)
        walls.setdefault(key, AnswerSection(entry.round_number, entry.group_name, [])).answers.append(entry)
    ordered = [walls[key] for key in sorted(walls)]
    return ([plenary] if plenary.answers else []) + ordered


def _themes(
    themes_for: ThemesFor | None,
    question: Question,
    answers: list[Answer],
    entries: list[AnswerEntry],
    groups: dict[int, tuple[BreakoutRound, BreakoutGroup]],
    *,
    multiple_rounds: bool,
) -> tuple[list[Theme], list[AnswerEntry]]:
    """The themes, and the quotes pinned in them. A theme given as a dict may say which of its
    answers are pinned ("pinned": [ids]) and whether it is shared; otherwise two groups make it so."""
    # Themes group written answers; choices, ratings and questions from the floor have none.
    if themes_for is None or not answers or (question.format or QuestionFormat.OPEN) != QuestionFormat.OPEN:
        return [], []
    by_id = {e.id: e for e in entries}

    def group_name(value: object) -> str:
        # The clustering may name groups by id or by name; the report shows names.
        if isinstance(value, int) and not isinstance(value, bool) and value in groups:
            round_, group = groups[value]
            if not multiple_rounds:
                return group.name
            # Translated when the report is built: every export builds and renders in one locale.
            return gettext("%(group)s (round %(number)s)", group=group.name, number=round_.number)
        return str(value)

    themes = []
    quotes: list[AnswerEntry] = []
    for raw in themes_for(question, list(answers)):
        # Only answers this report shows may be counted: a theme never brings back a hidden one.
        ids = [i for i in raw.get("answer_ids") or [] if i in by_id]
        members = [by_id[i] for i in ids]
        raised_by = raw.get("groups")
        if raised_by is None:
            raised_by = sorted({e.place for e in members})
        votes = raw.get("votes")
        if not isinstance(votes, int) or isinstance(votes, bool):
            votes = sum(e.votes for e in members)
        label = " ".join(str(raw.get("label") or "").split()) or gettext("Untitled theme")
        shared = raw.get("shared")
        if not isinstance(shared, bool):
            shared = len(set(raised_by)) >= 2
        theme = Theme(label, [group_name(g) for g in raised_by], votes, ids, shared)
        themes.append(theme)
        for member in members:
            member.themes.append(theme.label)
        quotes += [by_id[i] for i in raw.get("pinned") or [] if i in by_id and by_id[i] not in quotes]
    return themes, quotes


def _meeting_date(meeting: Meeting, rounds: Sequence[BreakoutRound], answers: Sequence[Answer]) -> date:
    """The announced date, or else the day things happened: a meeting is often set up weeks ahead."""
    if meeting.starts_at is not None:
        return meeting.starts_at.date()
    moments = [q.opened_at for q in meeting.questions if q.opened_at is not None]
    moments += [r.opened_at for r in rounds]
    moments += [a.created_at for a in answers[:1]]
    return min(moments).date() if moments else meeting.created_at.date()


def _participation(meeting: Meeting, participants: list[Participant], answers: list[Answer]) -> Participation:
    countries = _counts(participants, "country", meeting.country_field)
    organisations = _counts(participants, "organisation", meeting.organisation_field)
    shown = meeting.attribution in (Attribution.NAMED, Attribution.AFFILIATION)
    floor = {q.id for q in meeting.questions if q.format == QuestionFormat.FLOOR}
    voters = list(
        db.session.scalars(
            select(Ballot.participant_id)
            .join(Question, Question.id == Ballot.question_id)
            .where(Question.meeting_id == meeting.id, Ballot.response.is_not(None))
        )
    )
    written = [a for a in answers if a.question_id not in floor]
    return Participation(
        participants=len(participants),
        contributors=len({a.participant_id for a in answers} | set(voters)),
        answers=len(written),
        floor_questions=len(answers) - len(written),
        ballots=len(voters),
        countries=None if countries is None else len(countries[0]),
        organisations=None if organisations is None else len(organisations[0]),
        by_country=_rows(countries) if shown else None,
        by_organisation=_rows(organisations) if shown else None,
    )


def _rows(counts: tuple[list[Count], int] | None) -> list[Count] | None:
    if counts is None:
        return None
    given, blank = counts
    return given + ([Count(gettext("Not given"), blank)] if blank else [])


def _counts(participants: list[Participant], attribute: str, rule: str) -> tuple[list[Count], int] | None:
    """People per value, most common first, and how many left the field blank."""
    values = [getattr(p, attribute) or "" for p in participants]
    if rule == FieldRule.OFF and not any(v.strip() for v in values):
        return None
    # "Kenya", " kenya" and "KENYA" are one country, as when groups are balanced by it.
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for value in values:
        key = assignment.attribute_value(assignment.Person(0, {attribute: value}), attribute)
        spellings[key][" ".join(value.split())] += 1
    blank = sum(spellings.pop("", Counter()).values())
    given = [
        # The spelling most people used names the row; on a tie, the one of whoever joined first.
        Count(spelled.most_common(1)[0][0], sum(spelled.values()))
        for spelled in spellings.values()
    ]
    given.sort(key=lambda c: (-c.count, c.label.casefold()))
    return given, blank
