"""The meeting report as a Word document, ready to edit and send.

Built-in heading styles (Title, Heading 1–3) carry the structure, so Word's navigation pane and
table of contents work without any manual formatting. Participants write in any script: a
paragraph whose text starts right to left is marked as such, and characters that XML cannot
carry are dropped rather than letting the whole export fail. The document's language is the
export's, so that Word checks the spelling of a French report in French.
"""

from __future__ import annotations

import io
import re
from collections.abc import Container, Sequence

from babel import Locale
from babel.core import get_global
from docx import Document
from docx.document import Document as WordDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.paragraph import CT_P
from flask_babel import get_locale, gettext

from facilitator.exports.report import (
    AnswerEntry,
    Participation,
    QuestionSection,
    Report,
    attribution_note,
    exported_on,
    floor_details,
    is_right_to_left,
    meeting_moment,
    number,
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

# Smaller and grey: who wrote an answer and when reads as a caption, not as part of the answer.
META_HALF_POINTS = "18"  # 9 pt
META_COLOUR = "595959"
STYLES = (
    "Title",
    "Subtitle",
    "Heading 1",
    "Heading 2",
    "Heading 3",
    "TOC Heading",
    "List Bullet",
    "Quote",
)
# A result's bar: as many blocks as its share of the longest bar, in the theme's accent blue.
BAR_BLOCKS = 20
BAR_CHARACTER = "\u2588"
BAR_COLOUR = "2F5496"
_BREAKS = re.compile(r"([\n\t])")
# What may follow <w:bidi/> inside <w:pPr>, in schema order: Word refuses a file whose paragraph
# properties are out of order.
_BIDI_SUCCESSORS = (
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
TOC_LEVELS = "1-2"


def to_docx(report: Report) -> bytes:
    document = Document()
    _properties(document, report)
    _language(document)
    _Writer(document).write(report)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _properties(document: WordDocument, report: Report) -> None:
    # The template's defaults name python-docx as author; the report's readers should see the meeting.
    properties = document.core_properties
    properties.title = printable(report.title)[:255]
    properties.subject = gettext("Meeting report")
    properties.author = ""
    properties.last_modified_by = ""
    properties.comments = ""
    properties.keywords = ""
    properties.created = properties.modified = report.generated_at
    properties.revision = 1


def _language(document: WordDocument) -> None:
    """Marks the text as written in the export's language, for Word's spelling and grammar."""
    locale = get_locale()
    if locale is None:
        return  # outside any app: the template's English stays
    tag = language_tag(locale)
    document.core_properties.language = tag
    for language in document.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang"):
        # Word keeps one language per kind of script; the others keep the template's defaults.
        kind = "w:bidi" if locale.character_order == "right-to-left" else "w:val"
        language.set(qn(kind), tag)


def language_tag(locale: Locale) -> str:
    """A tag with a region, such as fr-FR: Word's proofing tools know languages by region."""
    if locale.territory is None:
        likely = get_global("likely_subtags").get(locale.language)
        if likely:
            locale = Locale.parse(likely)
    return "-".join(part for part in (locale.language, locale.territory) if part)


class _Writer:
    """Builds paragraphs and runs as XML elements directly.

    python-docx's add_paragraph() checks, for every paragraph, whether its style is the default one
    by scanning every style in the document, and inserts each child by searching its siblings: on a
    report of a few thousand answers that took most of the export's time. Building the same
    elements here, in schema order, is ten times faster.
    """

    def __init__(self, document: WordDocument) -> None:
        self.document = document
        styles = document.styles
        self.style_ids = {name: styles[name].style_id for name in STYLES}
        body = document.element.body
        # Everything goes before the section properties, which must stay the body's last child.
        self.end = body.find(qn("w:sectPr"))

    # -- building blocks ---------------------------------------------------------------------------

    def paragraph(self, text: str = "", style: str | None = None, *, bold: bool = False) -> CT_P:
        paragraph = OxmlElement("w:p")
        if style:
            properties = OxmlElement("w:pPr")
            properties.append(OxmlElement("w:pStyle", {qn("w:val"): self.style_ids[style]}))
            paragraph.append(properties)
        self.end.addprevious(paragraph)
        if text:
            self.run(paragraph, text, bold=bold)
        return paragraph

    def run(
        self, paragraph: CT_P, text: str, *, bold: bool = False, meta: bool = False, colour: str | None = None
    ) -> None:
        text = printable(text)
        right_to_left = is_right_to_left(text)
        if paragraph.find(qn("w:r")) is None:
            # The paragraph takes the direction of the text it opens with, as the phone showed it.
            self.direction(paragraph, text)
        run = OxmlElement("w:r")
        # Run properties in schema order; the "Cs" twins apply to complex scripts such as Arabic.
        formats = []
        if bold:
            formats += [OxmlElement("w:b"), OxmlElement("w:bCs")]
        if meta or colour:
            formats.append(OxmlElement("w:color", {qn("w:val"): colour or META_COLOUR}))
        if meta:
            formats += [OxmlElement(tag, {qn("w:val"): META_HALF_POINTS}) for tag in ("w:sz", "w:szCs")]
        if right_to_left:
            formats.append(OxmlElement("w:rtl"))
        if formats:
            properties = OxmlElement("w:rPr")
            properties.extend(formats)
            run.append(properties)
        for piece in _BREAKS.split(text):
            if piece == "\n":
                run.append(OxmlElement("w:br"))
            elif piece == "\t":
                run.append(OxmlElement("w:tab"))
            elif piece:
                run.add_t(piece)
        paragraph.append(run)

    @staticmethod
    def direction(paragraph: CT_P, text: str) -> None:
        """Makes the paragraph right to left if this text, which it shows, reads so."""
        properties = paragraph.pPr
        if not is_right_to_left(text) or (
            properties is not None and properties.find(qn("w:bidi")) is not None
        ):
            return
        paragraph.get_or_add_pPr().insert_element_before(OxmlElement("w:bidi"), *_BIDI_SUCCESSORS)

    def heading(self, text: str, level: int) -> CT_P:
        style = "Title" if level == 0 else f"Heading {level}"
        # A heading is one line in the navigation pane and the table of contents.
        return self.paragraph(one_line(text), style)

    def text_block(self, text: str, style: str | None = None) -> None:
        """Paragraphs where the writer left a blank line; line breaks within them."""
        for block in printable(text).strip().split("\n\n"):
            if block.strip():
                self.paragraph(block.strip("\n"), style)

    # -- the report --------------------------------------------------------------------------------

    def write(self, report: Report) -> None:
        self.heading(report.title, 0)
        self.paragraph(meeting_moment(report), "Subtitle")
        if report.description.strip():
            self.text_block(report.description)
        self.paragraph(attribution_note(report.attribution))
        self.table_of_contents(report)
        self.participation(report.participation)
        for question in report.questions:
            self.question(question)
        self.annex(report)
        self.run(self.paragraph(), exported_on(report), meta=True)

    def table_of_contents(self, report: Report) -> None:
        """A Word TOC field. Its cached result lists the chapters, so the contents read correctly
        at once; updating the field in Word (F9) adds page numbers and links."""
        # Not a Heading 1: the contents do not list themselves.
        self.paragraph(gettext("Contents"), "TOC Heading")
        paragraph = self.paragraph()
        self._field_char(paragraph, "begin")
        code = OxmlElement("w:instrText", {qn("xml:space"): "preserve"})
        code.text = f' TOC \\o "{TOC_LEVELS}" \\h \\z \\u '
        instruction = OxmlElement("w:r")
        instruction.append(code)
        paragraph.append(instruction)
        self._field_char(paragraph, "separate")
        chapters = [
            gettext("Participation"),
            *(f"{q.label}. {q.text}" for q in report.questions),
            gettext("Annex: all answers"),
        ]
        self.run(paragraph, "\n".join(one_line(c) for c in chapters))
        self._field_char(paragraph, "end")

    @staticmethod
    def _field_char(paragraph: CT_P, kind: str) -> None:
        run = OxmlElement("w:r")
        run.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): kind}))
        paragraph.append(run)

    def participation(self, participation: Participation) -> None:
        self.heading(gettext("Participation"), 1)
        rows = [(gettext("Participants"), participation.participants)]
        rows.append((gettext("Participants who answered, voted or asked"), participation.contributors))
        rows.append((gettext("Answers"), participation.answers))
        if participation.floor_questions:
            rows.append((gettext("Questions from the floor"), participation.floor_questions))
        if participation.ballots:
            rows.append(
                (gettext("Votes on choice, rating, ranking and word questions"), participation.ballots)
            )
        if participation.countries is not None:
            rows.append((gettext("Countries"), participation.countries))
        if participation.organisations is not None:
            rows.append((gettext("Organisations"), participation.organisations))
        self.table(("", gettext("Number")), rows)
        for title, counts, column in (
            (gettext("By country"), participation.by_country, gettext("Country")),
            (gettext("By organisation"), participation.by_organisation, gettext("Organisation")),
        ):
            if counts:
                self.heading(title, 2)
                self.table((column, gettext("Participants")), [(c.label, c.count) for c in counts])

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[object]],
        *,
        numeric: Container[int] = (),
        bars: Sequence[float] | None = None,
    ) -> None:
        """A grid with a bold header row; numeric columns align to the end of the cell, and with
        bars a last column draws each row's share (0 to 1) as a line of blocks."""
        header = [*header, ""] if bars is not None else list(header)
        table = self.document.add_table(rows=1 + len(rows), cols=len(header))
        table.style = self.document.styles["Table Grid"]
        for index, (row, values) in enumerate(zip(table.rows, [header, *rows], strict=True)):
            for column, (cell, value) in enumerate(zip(row.cells, values, strict=False)):
                paragraph = cell.paragraphs[0]._p
                if column in numeric:
                    properties = paragraph.get_or_add_pPr()
                    properties.append(OxmlElement("w:jc", {qn("w:val"): "right"}))
                self.run(paragraph, str(value), bold=index == 0)
            if bars is not None and index > 0:
                blocks = round(max(0.0, min(1.0, bars[index - 1])) * BAR_BLOCKS)
                if blocks:
                    self.run(row.cells[-1].paragraphs[0]._p, BAR_CHARACTER * blocks, colour=BAR_COLOUR)

    def question(self, question: QuestionSection) -> None:
        self.heading(f"{question.label}. {question.text}", 1)
        self.paragraph(question.overview)
        if question.is_ballot:
            self.results(question)
        if question.floor_items:
            self.floor(question)
        if question.themes:
            self.heading(gettext("Themes"), 2)
            for title, themes in theme_groups(question):
                if title:
                    self.heading(title, 3)
                for theme in themes:
                    paragraph = self.paragraph(style="List Bullet")
                    self.run(paragraph, theme.label, bold=True)
                    self.run(paragraph, " — " + theme_details(theme, theme.groups), meta=True)
        if question.summaries:
            self.heading(gettext("Group summaries"), 2)
            for summary in question.summaries:
                self.paragraph(rapporteur_title(summary.place, summary.rapporteur), bold=True)
                self.text_block(summary.text)
        if question.quotes:
            self.heading(gettext("Selected quotes"), 2)
            for quote in question.quotes:
                paragraph = self.paragraph(style="Quote")
                self.run(paragraph, quote.text)
                # Who and where only: a quote was chosen for what it says, not for its votes.
                source = [quote.author] if quote.author else []
                self.run(paragraph, "\n" + " · ".join([*source, quote.place]), meta=True)
        if question.top_answers:
            self.heading(gettext("Most supported answers"), 2)
            for answer in question.top_answers:
                paragraph = self.paragraph(style="Quote")
                self.run(paragraph, answer.text)
                self.run(paragraph, "\n" + _meta(answer, place=True), meta=True)

    def results(self, question: QuestionSection) -> None:
        places = question.place_results
        if not places:
            return
        self.heading(gettext("Results"), 2)
        for place, results in places:
            if len(places) > 1:
                self.heading(place, 3)
            table = result_table(results)
            if table.note:
                self.paragraph(table.note)
            if table.rows:
                self.table(table.headers, table.rows, numeric=table.numeric, bars=table.shares)
            self.run(self.paragraph(), respondents_text(results), meta=True)

    def floor(self, question: QuestionSection) -> None:
        self.heading(gettext("Questions from the floor"), 2)
        # Numbered in the text: Word's list numbering would run on from one question to the next.
        for rank, item in enumerate(question.floor_items, start=1):
            paragraph = self.paragraph()
            self.direction(paragraph, printable(item.text))
            self.run(paragraph, f"{number(rank)}. ", bold=True)
            self.run(paragraph, item.text)
            self.run(paragraph, "\n" + floor_details(item, item.author), meta=True)

    def annex(self, report: Report) -> None:
        self.heading(gettext("Annex: all answers"), 1)
        self.paragraph(
            gettext("Every answer still visible at the end of the meeting, by question and by group.")
        )
        for question in report.questions:
            if not question.sections:
                continue
            self.heading(f"{question.label}. {question.text}", 2)
            for section in question.sections:
                self.heading(section.title, 3)
                for answer in section.answers:
                    paragraph = self.paragraph(style="List Bullet")
                    self.run(paragraph, answer.text)
                    self.run(paragraph, "\n" + _meta(answer, place=False), meta=True)


def _meta(answer: AnswerEntry, *, place: bool) -> str:
    parts = [answer.author] if answer.author else []
    if place:
        parts.append(answer.place)
    parts.append(votes_text(answer.votes))
    parts.append(utc_time(answer.created_at))
    return " · ".join(parts)
