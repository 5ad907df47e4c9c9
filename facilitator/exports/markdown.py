"""The meeting report as Markdown: readable as plain text, rendered as a page by any Markdown viewer.

Everything participants wrote is escaped, so that an answer such as "# Done" or
"[click](javascript:…)" stays text: only this module makes headings, lists and tables.
"""

from __future__ import annotations

import re
from collections.abc import Container

from flask_babel import gettext

from facilitator.exports.report import (
    AnswerEntry,
    FloorEntry,
    Participation,
    QuestionSection,
    Report,
    attribution_note,
    exported_on,
    fact,
    floor_details,
    meeting_moment,
    one_line,
    printable,
    rapporteur_title,
    respondents_text,
    result_table,
    theme_details,
    theme_groups,
    utc_time,
    votes_text,
)

# Backslash-escaped wherever they occur: they open links, images, HTML, code and emphasis, and
# "|" would split a table cell.
_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
# In a heading or a table cell "#" is escaped too: a trailing " #" would be eaten as a closing mark.
_INLINE_ONE_LINE = re.compile(r"([\\`*_\[\]<>|~#])")
# An entity such as &lt; or &#60; would be decoded by the renderer; escaped, it shows as typed.
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
# At the start of a line these begin a heading, a list or a setext underline ("---", "===").
_LINE_START = re.compile(r"^([#+=\-]|\d+(?=[.)]))")


def escape(text: str) -> str:
    """User text as Markdown that renders to exactly that text, line breaks kept as hard breaks."""
    lines = printable(text).strip().split("\n")
    return "\\\n".join(_escape_line(line, _INLINE) for line in lines)


def _one_line(text: str) -> str:
    """For headings and table cells, where a line break would end the structure."""
    return _escape_line(one_line(text), _INLINE_ONE_LINE)


def _escape_line(line: str, inline: re.Pattern[str]) -> str:
    # Leading spaces would turn the line into a code block or end a list item.
    line = _ENTITY.sub("\\&", inline.sub(r"\\\1", line.lstrip(" \t")))
    match = _LINE_START.match(line)
    if match is None:
        return line
    mark = match.group(1)
    if mark.isdigit():
        # "1." and "1)" start an ordered list; escaping the sign after the number keeps it text.
        return f"{mark}\\{line[len(mark) :]}"
    return "\\" + line


def to_markdown(report: Report) -> str:
    out: list[str] = []
    out.append(f"# {_one_line(report.title)}")
    out.append(meeting_moment(report))
    if report.description.strip():
        out.extend(_paragraphs(report.description))
    out.append(f"*{attribution_note(report.attribution)}*")
    _participation(out, report.participation)
    for question in report.questions:
        _question(out, question)
    _annex(out, report)
    out.append(f"*{exported_on(report)}*")
    return "\n\n".join(out) + "\n"


def _paragraphs(text: str) -> list[str]:
    return [escape(block) for block in printable(text).strip().split("\n\n") if block.strip()]


def _participation(out: list[str], participation: Participation) -> None:
    out.append(f"## {gettext('Participation')}")
    facts = [
        fact(gettext("Participants"), participation.participants),
        fact(gettext("Participants who answered, voted or asked"), participation.contributors),
        fact(gettext("Answers"), participation.answers),
    ]
    if participation.floor_questions:
        facts.append(fact(gettext("Questions from the floor"), participation.floor_questions))
    if participation.ballots:
        facts.append(
            fact(gettext("Votes on choice, rating, ranking and word questions"), participation.ballots)
        )
    if participation.countries is not None:
        facts.append(fact(gettext("Countries"), participation.countries))
    if participation.organisations is not None:
        facts.append(fact(gettext("Organisations"), participation.organisations))
    out.append("\n".join(f"- {line}" for line in facts))
    for title, counts, column in (
        (gettext("By country"), participation.by_country, gettext("Country")),
        (gettext("By organisation"), participation.by_organisation, gettext("Organisation")),
    ):
        if counts:
            out.append(f"### {title}")
            rows = [f"| {column} | {gettext('Participants')} |", "| --- | ---: |"]
            rows += [f"| {_one_line(c.label)} | {c.count} |" for c in counts]
            out.append("\n".join(rows))


def _question(out: list[str], question: QuestionSection) -> None:
    out.append(f"## {question.label}. {_one_line(question.text)}")
    out.append(_one_line(question.overview))
    if question.is_ballot:
        _results(out, question)
    if question.floor_items:
        out.append(f"### {gettext('Questions from the floor')}")
        out.append(
            "\n".join(_floor_item(rank, item) for rank, item in enumerate(question.floor_items, start=1))
        )
    if question.themes:
        out.append(f"### {gettext('Themes')}")
        for title, themes in theme_groups(question):
            if title:
                out.append(f"#### {title}")
            items = []
            for theme in themes:
                details = theme_details(theme, (_one_line(g) for g in theme.groups))
                items.append(f"- **{_one_line(theme.label)}** — {details}")
            out.append("\n".join(items))
    if question.summaries:
        out.append(f"### {gettext('Group summaries')}")
        for summary in question.summaries:
            rapporteur = _one_line(summary.rapporteur) if summary.rapporteur else None
            out.append(f"**{rapporteur_title(_one_line(summary.place), rapporteur)}**")
            out.extend(_paragraphs(summary.text))
    if question.quotes:
        out.append(f"### {gettext('Selected quotes')}")
        for quote in question.quotes:
            # Who and where only: a quote was chosen for what it says, not for its votes.
            source = [_one_line(quote.author)] if quote.author else []
            out.append(f"{_quoted(quote.text)}\n>\n> — {' · '.join([*source, _one_line(quote.place)])}")
    if question.top_answers:
        out.append(f"### {gettext('Most supported answers')}")
        for answer in question.top_answers:
            out.append(f"{_quoted(answer.text)}\n>\n> — {_meta(answer, place=True)}")


def _results(out: list[str], question: QuestionSection) -> None:
    places = question.place_results
    if not places:
        return
    out.append(f"### {gettext('Results')}")
    for place, results in places:
        if len(places) > 1:
            out.append(f"#### {_one_line(place)}")
        table = result_table(results)
        if table.note:
            out.append(f"*{_one_line(table.note)}*")
        if table.rows:
            align = ["---:" if column in table.numeric else "---" for column in range(len(table.headers))]
            lines = [_row(table.headers), _row(align, written=range(len(align)))]
            # Numbers are the report's own: escaping "75.0%" at the start of a cell would show "75\.0%".
            lines += [_row(row, written=table.numeric) for row in table.rows]
            out.append("\n".join(lines))
        out.append(respondents_text(results))


def _row(cells: list[str], *, written: Container[int] = ()) -> str:
    """A table row; the cells in `written` are the report's own Markdown, the others are escaped."""
    shown = (cell if index in written else _one_line(cell) for index, cell in enumerate(cells))
    return "| " + " | ".join(shown) + " |"


def _floor_item(rank: int, item: FloorEntry) -> str:
    # Continuation lines are indented to stay inside the numbered item.
    indent = " " * (len(str(rank)) + 2)
    text = escape(item.text).replace("\n", "\n" + indent)
    author = _one_line(item.author) if item.author else None
    return f"{rank}. {text}\\\n{indent}*{floor_details(item, author)}*"


def _quoted(text: str) -> str:
    # Each line of the quote needs its own marker, or the quote ends at the first break.
    return "\n".join(f"> {line}" for line in escape(text).split("\n"))


def _annex(out: list[str], report: Report) -> None:
    out.append(f"## {gettext('Annex: all answers')}")
    out.append(gettext("Every answer still visible at the end of the meeting, by question and by group."))
    for question in report.questions:
        if not question.sections:
            continue
        out.append(f"### {question.label}. {_one_line(question.text)}")
        for section in question.sections:
            out.append(f"#### {_one_line(section.title)}")
            out.append("\n".join(_item(answer) for answer in section.answers))


def _item(answer: AnswerEntry) -> str:
    # Continuation lines are indented to stay inside the list item.
    text = escape(answer.text).replace("\n", "\n  ")
    return f"- {text}\\\n  *{_meta(answer, place=False)}*"


def _meta(answer: AnswerEntry, *, place: bool) -> str:
    parts = [_one_line(answer.author)] if answer.author else []
    if place:
        parts.append(_one_line(answer.place))
    parts.append(votes_text(answer.votes))
    parts.append(utc_time(answer.created_at))
    return " · ".join(parts)
