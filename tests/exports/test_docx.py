"""The Word report: heading styles for navigation, right-to-left text, and any text at all."""

import io
import zipfile

import docx
from docx.oxml.ns import qn
from hypothesis import example, given, settings
from hypothesis import strategies as st

from facilitator.exports.docx import to_docx
from facilitator.exports.report import build_report
from tests.exports.helpers import docx_parts, docx_text, tiny_report

ARABIC = "الماء أولاً للقرى البعيدة"
HEBREW = "מים נקיים לכל כפר"
CHINESE = "先修理，再建设"
MIXED = "Water الماء"  # starts left to right: stays a left-to-right paragraph
CONTROL = "Line one\nLine two\x07 bell\x1b escape\x0c\ufffe\uffff end"

EXTRA = {
    "docx-arabic-01": ARABIC,
    "docx-hebrew-01": HEBREW,
    "docx-chinese-1": CHINESE,
    "docx-mixed-001": MIXED,
    "docx-control-1": CONTROL,
}


def paragraph_with(document, text):
    return next(p for p in document.paragraphs if p.text.startswith(text))


def test_scripts_directions_and_control_characters(held):
    h = held("named", extra_answers=EXTRA)
    data = to_docx(build_report(h.meeting()))
    document = docx.Document(io.BytesIO(data))

    for rtl_text in (ARABIC, HEBREW):
        paragraph = paragraph_with(document, rtl_text)
        assert paragraph._p.pPr.find(qn("w:bidi")) is not None
        assert paragraph.runs[0].font.rtl is True
    for ltr_text in (MIXED, CHINESE):
        paragraph = paragraph_with(document, ltr_text)
        assert paragraph._p.pPr.find(qn("w:bidi")) is None
        assert not paragraph.runs[0].font.rtl

    # Control characters are gone, the line break became a Word line break, the rest is intact.
    body = docx_parts(data)["word/document.xml"]
    for bad in ("\x07", "\x1b", "\x0c", "\ufffe", "\uffff"):
        assert bad not in body
    paragraph = paragraph_with(document, "Line one")
    assert paragraph.text.startswith("Line one\nLine two bell escape end")
    assert paragraph.runs[0]._r.find(qn("w:br")) is not None
    assert CHINESE in docx_text(data)


def test_heading_styles_make_the_navigation_pane(held):
    h = held("named")
    document = docx.Document(io.BytesIO(to_docx(build_report(h.meeting()))))
    styles = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))
    ]
    assert styles[0] == ("Title", h.meeting().title)
    assert ("Heading 1", "Participation") in styles
    assert ("Heading 1", "Question 1. Guiding question 1?") in styles
    assert ("Heading 1", "Plenary question 1. Anything else before the groups?") in styles
    assert ("Heading 2", "Group summaries") in styles and ("Heading 2", "Most supported answers") in styles
    assert ("Heading 1", "Annex: all answers") in styles and ("Heading 3", "Round 1 · Group 1") in styles
    # The participation table and a table-of-contents field Word can update.
    assert document.tables[0].rows[1].cells[0].text == "Participants"
    assert "TOC \\o" in docx_parts(to_docx(build_report(h.meeting())))["word/document.xml"]


def test_document_properties_do_not_name_the_generator(held):
    data = to_docx(build_report(held("anonymous").meeting()))
    core = docx_parts(data)["docProps/core.xml"]
    assert "python-docx" not in core and "Learning session" in core


@settings(max_examples=30, deadline=None)
@given(st.text(max_size=60))
@example("\x00\x01\x02\x0b\x0c\x1f\ufffe\uffff\ud800\udfff")
@example("\r\n\r\t" + ARABIC + "\n" + HEBREW)
def test_any_text_makes_a_valid_document(text):
    data = to_docx(tiny_report(text))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.testzip() is None
    docx.Document(io.BytesIO(data))  # parses as XML and opens as a Word document
