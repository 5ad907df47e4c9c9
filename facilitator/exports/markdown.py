"""The meeting report as Markdown: readable as plain text, rendered as a page by any Markdown viewer.

Everything participants wrote is escaped, so that an answer such as "# Done" or
"[click](javascript:…)" stays text: only this module makes headings, lists and tables.
"""

from __future__ import annotations

import re

from facilitator.exports.report import (
    AnswerEntry,
    Participation,
    QuestionSection,
    Report,
    attribution_note,
    printable,
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
    return _escape_line(" ".join(printable(text).split()), _INLINE_ONE_LINE)


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
    moment = report.starts_at.strftime("%d %B %Y, %H:%M") if report.starts_at else f"{report.date:%d %B %Y}"
    out.append(moment)
    if report.description.strip():
        out.extend(_paragraphs(report.description))
    out.append(f"*{attribution_note(report.attribution)}*")
    _participation(out, report.participation)
    for question in report.questions:
        _question(out, question)
    _annex(out, report)
    out.append(f"*Exported on {report.generated_at:%d %B %Y at %H:%M} UTC.*")
    return "\n\n".join(out) + "\n"


def _paragraphs(text: str) -> list[str]:
    return [escape(block) for block in printable(text).strip().split("\n\n") if block.strip()]


def _participation(out: list[str], participation: Participation) -> None:
    out.append("## Participation")
    facts = [
        f"- Participants: {participation.participants}",
        f"- Participants who wrote at least one answer: {participation.contributors}",
        f"- Answers: {participation.answers}",
    ]
    if participation.countries is not None:
        facts.append(f"- Countries: {participation.countries}")
    if participation.organisations is not None:
        facts.append(f"- Organisations: {participation.organisations}")
    out.append("\n".join(facts))
    for title, counts, column in (
        ("By country", participation.by_country, "Country"),
        ("By organisation", participation.by_organisation, "Organisation"),
    ):
        if counts:
            out.append(f"### {title}")
            rows = [f"| {column} | Participants |", "| --- | ---: |"]
            rows += [f"| {_one_line(c.label)} | {c.count} |" for c in counts]
            out.append("\n".join(rows))


def _question(out: list[str], question: QuestionSection) -> None:
    out.append(f"## {question.label}. {_one_line(question.text)}")
    out.append(_one_line(question.overview))
    if question.themes:
        out.append("### Themes")
        items = []
        for theme in question.themes:
            details = [f"{theme.votes} {_plural(theme.votes, 'vote')}"]
            if theme.groups:
                details.append("raised by " + ", ".join(_one_line(g) for g in theme.groups))
            details.append(f"{len(theme.answer_ids)} {_plural(len(theme.answer_ids), 'answer')}")
            items.append(f"- **{_one_line(theme.label)}** — {'; '.join(details)}")
        out.append("\n".join(items))
    if question.summaries:
        out.append("### Group summaries")
        for summary in question.summaries:
            title = _one_line(summary.place)
            if summary.rapporteur:
                title += f" — rapporteur: {_one_line(summary.rapporteur)}"
            out.append(f"**{title}**")
            out.extend(_paragraphs(summary.text))
    if question.top_answers:
        out.append("### Most supported answers")
        for answer in question.top_answers:
            # Each line of the quote needs its own marker, or the quote ends at the first break.
            quoted = "\n".join(f"> {line}" for line in escape(answer.text).split("\n"))
            out.append(f"{quoted}\n>\n> — {_meta(answer, place=True)}")


def _annex(out: list[str], report: Report) -> None:
    out.append("## Annex: all answers")
    out.append("Every answer still visible at the end of the meeting, by question and by group.")
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
    parts.append(f"{answer.votes} {_plural(answer.votes, 'vote')}")
    parts.append(f"{answer.created_at:%H:%M} UTC")
    return " · ".join(parts)


def _plural(count: int, word: str) -> str:
    return word if count == 1 else f"{word}s"
