"""The meeting report as a Word document, ready to edit and send.

Built-in heading styles (Title, Heading 1–3) carry the structure, so Word's navigation pane and
table of contents work without any manual formatting. Participants write in any script: a
paragraph whose text starts right to left is marked as such, and characters that XML cannot
carry are dropped rather than letting the whole export fail.
"""

from __future__ import annotations

import io
import re

from docx import Document
from docx.document import Document as WordDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.paragraph import CT_P

from facilitator.exports.report import (
    AnswerEntry,
    Participation,
    QuestionSection,
    Report,
    attribution_note,
    is_right_to_left,
    printable,
)

# Smaller and grey: who wrote an answer and when reads as a caption, not as part of the answer.
META_HALF_POINTS = "18"  # 9 pt
META_COLOUR = "595959"
STYLES = ("Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "TOC Heading", "List Bullet", "Quote")
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
    _Writer(document).write(report)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _properties(document: WordDocument, report: Report) -> None:
    # The template's defaults name python-docx as author; the report's readers should see the meeting.
    properties = document.core_properties
    properties.title = printable(report.title)[:255]
    properties.subject = "Meeting report"
    properties.author = ""
    properties.last_modified_by = ""
    properties.comments = ""
    properties.keywords = ""
    properties.created = properties.modified = report.generated_at
    properties.revision = 1


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

    def run(self, paragraph: CT_P, text: str, *, bold: bool = False, meta: bool = False) -> None:
        text = printable(text)
        right_to_left = is_right_to_left(text)
        if right_to_left and paragraph.find(qn("w:r")) is None:
            # The paragraph takes the direction of the text it opens with, as the phone showed it.
            properties = paragraph.get_or_add_pPr()
            properties.insert_element_before(OxmlElement("w:bidi"), *_BIDI_SUCCESSORS)
        run = OxmlElement("w:r")
        # Run properties in schema order; the "Cs" twins apply to complex scripts such as Arabic.
        formats = []
        if bold:
            formats += [OxmlElement("w:b"), OxmlElement("w:bCs")]
        if meta:
            formats.append(OxmlElement("w:color", {qn("w:val"): META_COLOUR}))
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

    def heading(self, text: str, level: int) -> CT_P:
        style = "Title" if level == 0 else f"Heading {level}"
        # A heading is one line in the navigation pane and the table of contents.
        return self.paragraph(" ".join(printable(text).split()), style)

    def text_block(self, text: str, style: str | None = None) -> None:
        """Paragraphs where the writer left a blank line; line breaks within them."""
        for block in printable(text).strip().split("\n\n"):
            if block.strip():
                self.paragraph(block.strip("\n"), style)

    # -- the report --------------------------------------------------------------------------------

    def write(self, report: Report) -> None:
        self.heading(report.title, 0)
        moment = (
            report.starts_at.strftime("%d %B %Y, %H:%M") if report.starts_at else f"{report.date:%d %B %Y}"
        )
        self.paragraph(moment, "Subtitle")
        if report.description.strip():
            self.text_block(report.description)
        self.paragraph(attribution_note(report.attribution))
        self.table_of_contents(report)
        self.participation(report.participation)
        for question in report.questions:
            self.question(question)
        self.annex(report)
        generated = f"Exported on {report.generated_at:%d %B %Y at %H:%M} UTC."
        self.run(self.paragraph(), generated, meta=True)

    def table_of_contents(self, report: Report) -> None:
        """A Word TOC field. Its cached result lists the chapters, so the contents read correctly
        at once; updating the field in Word (F9) adds page numbers and links."""
        # Not a Heading 1: the contents do not list themselves.
        self.paragraph("Contents", "TOC Heading")
        paragraph = self.paragraph()
        self._field_char(paragraph, "begin")
        code = OxmlElement("w:instrText", {qn("xml:space"): "preserve"})
        code.text = f' TOC \\o "{TOC_LEVELS}" \\h \\z \\u '
        instruction = OxmlElement("w:r")
        instruction.append(code)
        paragraph.append(instruction)
        self._field_char(paragraph, "separate")
        chapters = [
            "Participation",
            *(f"{q.label}. {q.text}" for q in report.questions),
            "Annex: all answers",
        ]
        self.run(paragraph, "\n".join(" ".join(printable(c).split()) for c in chapters))
        self._field_char(paragraph, "end")

    @staticmethod
    def _field_char(paragraph: CT_P, kind: str) -> None:
        run = OxmlElement("w:r")
        run.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): kind}))
        paragraph.append(run)

    def participation(self, participation: Participation) -> None:
        self.heading("Participation", 1)
        rows = [("Participants", participation.participants)]
        rows.append(("Participants who wrote at least one answer", participation.contributors))
        rows.append(("Answers", participation.answers))
        if participation.countries is not None:
            rows.append(("Countries", participation.countries))
        if participation.organisations is not None:
            rows.append(("Organisations", participation.organisations))
        self.table(("", "Number"), rows)
        for title, counts, column in (
            ("By country", participation.by_country, "Country"),
            ("By organisation", participation.by_organisation, "Organisation"),
        ):
            if counts:
                self.heading(title, 2)
                self.table((column, "Participants"), [(c.label, c.count) for c in counts])

    def table(self, header: tuple[str, str], rows: list[tuple[str, int]]) -> None:
        table = self.document.add_table(rows=1 + len(rows), cols=2)
        table.style = self.document.styles["Table Grid"]
        for index, (row, values) in enumerate(zip(table.rows, [header, *rows], strict=True)):
            for cell, value in zip(row.cells, values, strict=True):
                self.run(cell.paragraphs[0]._p, str(value), bold=index == 0)

    def question(self, question: QuestionSection) -> None:
        self.heading(f"{question.label}. {question.text}", 1)
        self.paragraph(question.overview)
        if question.themes:
            self.heading("Themes", 2)
            for theme in question.themes:
                paragraph = self.paragraph(style="List Bullet")
                self.run(paragraph, theme.label, bold=True)
                details = [f"{theme.votes} {_plural(theme.votes, 'vote')}"]
                if theme.groups:
                    details.append("raised by " + ", ".join(theme.groups))
                details.append(f"{len(theme.answer_ids)} {_plural(len(theme.answer_ids), 'answer')}")
                self.run(paragraph, " — " + "; ".join(details), meta=True)
        if question.summaries:
            self.heading("Group summaries", 2)
            for summary in question.summaries:
                title = summary.place + (f" — rapporteur: {summary.rapporteur}" if summary.rapporteur else "")
                self.paragraph(title, bold=True)
                self.text_block(summary.text)
        if question.top_answers:
            self.heading("Most supported answers", 2)
            for answer in question.top_answers:
                paragraph = self.paragraph(style="Quote")
                self.run(paragraph, answer.text)
                self.run(paragraph, "\n" + _meta(answer, place=True), meta=True)

    def annex(self, report: Report) -> None:
        self.heading("Annex: all answers", 1)
        self.paragraph("Every answer still visible at the end of the meeting, by question and by group.")
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
    parts.append(f"{answer.votes} {_plural(answer.votes, 'vote')}")
    parts.append(f"{answer.created_at:%H:%M} UTC")
    return " · ".join(parts)


def _plural(count: int, word: str) -> str:
    return word if count == 1 else f"{word}s"
