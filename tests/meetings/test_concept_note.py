from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.meetings.concept_note import (
    MAX_DESCRIPTION_CHARS,
    MAX_QUESTION_CHARS,
    MAX_QUESTIONS,
    ParsedNote,
    parse_concept_note,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "concept-note-regional-consultation.txt"

# The layout of a typical UN learning-session concept note: series label, title, document label,
# date line, numbered sections, and the guiding questions under their own heading inside section 3.
UN_STYLE = """


SHARED LEARNING SERIES

Bridging national and local plans on community health

CONCEPT NOTE

12 September 2023, 9:00am -10:30am (CET)

Online registration:

https://example.org/register/abc123

1. Context

Health plans are written nationally but delivered locally, and the two rarely speak to each other.
Districts report that national targets arrive without the means to meet them.

2. Recent developments and avenues for action

Several countries now ask districts to draft their own annual health plans, with mixed results.

3. Session objectives and guiding questions

This session aims to compare how countries connect national health plans with district delivery
and to draw lessons the network can share.

Guiding questions

1. What arrangements help districts shape national targets before adoption (e.g., joint planning)?
2. What can national ministries do to make district plans count when budgets are allocated?
3. How can civil society follow whether local plans are carried out?

4. Format

Interactive discussion in plenary and breakout groups. This is a closed session by invitation only.

Contact: secretariat@example.org
"""


def test_un_style_note():
    note = parse_concept_note(UN_STYLE)
    assert note.title == "Bridging national and local plans on community health"
    assert note.starts_at == datetime(2023, 9, 12, 9, 0)
    assert note.questions == [
        "What arrangements help districts shape national targets before adoption (e.g., joint planning)?",
        "What can national ministries do to make district plans count when budgets are allocated?",
        "How can civil society follow whether local plans are carried out?",
    ]
    assert note.description.startswith("This session aims to compare how countries connect")
    assert note.description.endswith("the network can share.")


def test_un_style_labels_and_section_headings_are_not_content():
    note = parse_concept_note(UN_STYLE)
    assert "SERIES" not in note.title and "CONCEPT NOTE" not in note.title
    assert not any(name in note.questions for name in ("Context", "Format", "Recent developments"))
    assert all(question.endswith("?") for question in note.questions)


def test_questions_under_a_combined_objectives_heading():
    text = UN_STYLE.replace("Guiding questions\n\n", "")
    note = parse_concept_note(text)
    assert len(note.questions) == 3
    assert note.questions[-1] == "How can civil society follow whether local plans are carried out?"


def test_section_heading_right_after_the_questions():
    text = UN_STYLE.replace("carried out?\n\n4. Format", "carried out?\n4. Format")
    assert len(parse_concept_note(text).questions) == 3


def test_compact_layout_without_blank_lines_after_headings():
    text = UN_STYLE
    for heading in ("1. Context", "3. Session objectives and guiding questions", "Guiding questions"):
        text = text.replace(f"{heading}\n\n", f"{heading}\n")
    note = parse_concept_note(text)
    assert note.title == "Bridging national and local plans on community health"
    assert len(note.questions) == 3
    assert note.description.startswith("This session aims to compare")


def test_mixed_case_series_and_document_labels_are_not_the_title():
    text = "Technical learning series\n\nConcept note\n\nShared rivers and peace\n\n1. Context\n\nText."
    assert parse_concept_note(text).title == "Shared rivers and peace"


def test_roman_numbered_sections_and_lettered_questions():
    text = (
        "Shared rivers and peace\n\nI. Context\n\nRivers cross borders.\n\nII. Guiding questions\n\n"
        "a) Who decides?\nb) Who is left out?\n\nIII. Format\n\nPlenary discussion followed by groups.\n"
    )
    assert parse_concept_note(text).questions == ["Who decides?", "Who is left out?"]


def test_numbered_heading_after_the_questions_without_prose_below_it():
    text = "Guiding questions\n\n1. Who decides?\n2. Who is left out?\n\n3. Annexes\n\n- Map\n- Budget\n"
    assert parse_concept_note(text).questions == ["Who decides?", "Who is left out?"]


def test_organisation_in_capitals_above_the_title():
    text = "RIVERLANDS WATER NETWORK\n\nShared rivers and peace\n\n1. Context\n\nText."
    assert parse_concept_note(text).title == "Shared rivers and peace"


def test_example_concept_note_shipped_with_the_project():
    note = parse_concept_note(EXAMPLE.read_text(encoding="utf-8"))
    assert note.title == "Regional learning session: Localising climate-resilient water governance"
    assert note.starts_at == datetime(2024, 3, 14, 14, 0)
    assert len(note.questions) == 3
    assert note.questions[0].startswith("Which arrangements have helped basin authorities")
    assert note.questions[0].endswith("what made them work in practice?")
    assert note.questions[2].endswith("how should that support be sequenced?")
    assert note.description.startswith("This session aims to bring together practitioners")


MARKDOWN = """# Youth voices in local peacebuilding

A learning exchange for the network's focal points on involving young people in local peace committees.

## Guiding questions

{items}

## Format

Plenary followed by breakout groups.
"""


@pytest.mark.parametrize(
    "items",
    [
        "1. Who takes part today?\n2. What has worked?\n3. What should change?",
        "1) Who takes part today?\n2) What has worked?\n3) What should change?",
        "- Who takes part today?\n- What has worked?\n- What should change?",
        "* Who takes part today?\n* What has worked?\n* What should change?",
        "Q1: Who takes part today?\nQ2: What has worked?\nQ3: What should change?",
        "Question 1: Who takes part today?\nQuestion 2: What has worked?\nQuestion 3: What should change?",
        "1. **Who** takes part today?\n\n2. What has worked?\n\n3. What should change?",
        "(1) Who takes part today?\n(2) What has worked?\n(3) What should change?",
        "• Who takes part today?\n• What has worked?\n• What [should change](https://example.org)?",
    ],
)
def test_markdown_lists(items):
    note = parse_concept_note(MARKDOWN.format(items=items))
    assert note.title == "Youth voices in local peacebuilding"
    assert note.questions == ["Who takes part today?", "What has worked?", "What should change?"]


def test_markdown_questions_that_are_not_phrased_as_questions():
    items = "- Share one example of youth participation\n- Name one obstacle you have seen"
    note = parse_concept_note(MARKDOWN.format(items=items))
    assert note.questions == ["Share one example of youth participation", "Name one obstacle you have seen"]


def test_markdown_heading_with_closing_hashes():
    text = "# Shared rivers #\n\n## Guiding questions ##\n\n1. Who decides?\n"
    note = parse_concept_note(text)
    assert note.title == "Shared rivers"
    assert note.questions == ["Who decides?"]


def test_markdown_description_is_the_first_paragraph():
    note = parse_concept_note(MARKDOWN.format(items="1. Who?"))
    assert note.description.startswith("A learning exchange for the network's focal points")


@pytest.mark.parametrize("indent", ["", "   "])
def test_questions_wrapped_over_several_lines(indent):
    text = (
        "Guiding questions\n\n"
        "1. What lessons can members draw from recent\n"
        f"{indent}practice at local, national and\n"
        f"{indent}regional level?\n"
        "2. What should governments\n"
        f"{indent}do next?\n"
    )
    assert parse_concept_note(text).questions == [
        "What lessons can members draw from recent practice at local, national and regional level?",
        "What should governments do next?",
    ]


def test_intro_sentence_before_the_list_is_skipped():
    text = (
        "Guiding questions\n\nThe discussion will be guided by the following questions:\n\n"
        "1. What works?\n2. What does not?\n"
    )
    assert parse_concept_note(text).questions == ["What works?", "What does not?"]


def test_list_far_below_an_empty_questions_heading_is_not_taken():
    text = (
        "Guiding questions\n\nTo be shared before the session.\n\nMore on this later.\n\n"
        "The secretariat will write.\n\nAgenda\n\n- Opening remarks\n- Closing remarks\n"
    )
    assert parse_concept_note(text).questions == []


def test_questions_without_list_markers_under_a_heading():
    text = "Guiding questions:\nWhat works in practice?\nWhat does not work,\nand why?\n\nFormat\n\nPlenary."
    assert parse_concept_note(text).questions == ["What works in practice?", "What does not work, and why?"]


@pytest.mark.parametrize(
    "heading",
    [
        "Questions directrices",
        "Questions d'orientation",
        "Questions d’orientation :",
        "## Questions directrices",
    ],
)
def test_french_headings(heading):
    text = (
        "Note conceptuelle\n\nDialogue régional sur la gouvernance de l'eau\n\n5 juillet 2022, 14 h 30\n\n"
        f"{heading}\n\n1. Quelles pratiques ont fonctionné ?\n2. Que faut-il changer ?\n\n3. Format\n\n"
        "Discussion en plénière puis en groupes de travail, suivie d'une restitution."
    )
    note = parse_concept_note(text)
    assert note.title == "Dialogue régional sur la gouvernance de l'eau"
    assert note.starts_at == datetime(2022, 7, 5, 14, 30)
    assert note.questions == ["Quelles pratiques ont fonctionné ?", "Que faut-il changer ?"]


@pytest.mark.parametrize("heading", ["Preguntas orientadoras", "Preguntas guía", "PREGUNTAS GUÍA:"])
def test_spanish_headings(heading):
    text = (
        "Nota conceptual\n\nDiálogo regional sobre gobernanza del agua\n\n5 de julio de 2022\n\n"
        f"{heading}\n\n1. ¿Qué prácticas han funcionado?\n2. ¿Qué debe cambiar?\n"
    )
    note = parse_concept_note(text)
    assert note.title == "Diálogo regional sobre gobernanza del agua"
    assert note.starts_at == datetime(2022, 7, 5)
    assert note.questions == ["¿Qué prácticas han funcionado?", "¿Qué debe cambiar?"]


def test_numbered_questions_without_a_heading():
    text = (
        "Water and peace\n\n1. Background\n\nRivers cross borders.\n\n2. Discussion\n\n"
        "1. Who decides how water is shared?\n2. Which disputes were settled, and how?\n\n3. Next steps\n\n"
        "A report will follow.\n"
    )
    assert parse_concept_note(text).questions == [
        "Who decides how water is shared?",
        "Which disputes were settled, and how?",
    ]


def test_windows_line_endings_and_byte_order_mark():
    assert parse_concept_note("\ufeff" + UN_STYLE.replace("\n", "\r\n")) == parse_concept_note(UN_STYLE)


def test_old_mac_line_endings_and_non_breaking_spaces():
    text = UN_STYLE.replace("\n", "\r").replace("Guiding questions", "Guiding\u00a0questions")
    assert parse_concept_note(text) == parse_concept_note(UN_STYLE)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("2022-07-05 14:00", datetime(2022, 7, 5, 14, 0)),
        ("Date: 2022-07-05T09:15", datetime(2022, 7, 5, 9, 15)),
        ("2022-07-05", datetime(2022, 7, 5)),
        ("July 5, 2022", datetime(2022, 7, 5)),
        ("Tuesday, July 5th, 2022 at 3:30 PM", datetime(2022, 7, 5, 15, 30)),
        ("5 July 2022, 8:30am -10:00am (EST)", datetime(2022, 7, 5, 8, 30)),
        ("5 July 2022, 2:00 - 3:30 p.m. (EAT)", datetime(2022, 7, 5, 14, 0)),
        ("5 July 2022, 11:00 - 1:00 pm", datetime(2022, 7, 5, 11, 0)),
        ("5 July 2022, 12pm", datetime(2022, 7, 5, 12, 0)),
        ("5 Jul 2022, 14.00 GMT", datetime(2022, 7, 5, 14, 0)),
        ("5 juillet 2022", datetime(2022, 7, 5)),
        ("Mardi 1er février 2022, 14h00-15h30", datetime(2022, 2, 1, 14, 0)),
        ("5 de julio de 2022, 10:00", datetime(2022, 7, 5, 10, 0)),
        ("Date: 5 July 2022\nTime: 16:45 CET", datetime(2022, 7, 5, 16, 45)),
        ("Geneva, 5-6 July 2022, 09:00", datetime(2022, 7, 5, 9, 0)),
        ("July 5-6, 2022", datetime(2022, 7, 5)),
    ],
)
def test_dates(line, expected):
    assert parse_concept_note(f"Meeting on shared rivers\n\n{line}\n").starts_at == expected


@pytest.mark.parametrize(
    "line",
    [
        "31 February 2022",
        "5 July",
        "July 2022",
        "2022-13-40",
        "5 July 2022, 25:00",
    ],
)
def test_dates_that_are_not_clearly_stated(line):
    starts_at = parse_concept_note(f"Meeting on shared rivers\n\n{line}\n").starts_at
    assert starts_at is None or starts_at == datetime(2022, 7, 5)


def test_invalid_time_leaves_the_date_at_midnight():
    assert parse_concept_note("Meeting\n\n5 July 2022, 25:00\n").starts_at == datetime(2022, 7, 5)


def test_dates_inside_prose_are_not_the_meeting_date():
    text = (
        "Women, peace and security\n\nThe Security Council adopted resolution 1325 on 31 October 2000, "
        "and since then more than a hundred countries have adopted national action plans to implement it.\n"
    )
    assert parse_concept_note(text).starts_at is None


def test_dates_in_wrapped_prose_are_not_the_meeting_date():
    text = (
        "Women, peace and security\n\nThe Security Council adopted resolution 1325 on\n"
        "31 October 2000, and since then more than a hundred countries have adopted plans.\n"
    )
    assert parse_concept_note(text).starts_at is None


def test_title_field():
    assert parse_concept_note("CONCEPT NOTE\nTitle: Shared rivers\n\nMore text.").title == "Shared rivers"


def test_title_with_document_label_prefix():
    assert parse_concept_note("# Concept note: Shared rivers\n\nText.").title == "Shared rivers"


def test_wrapped_title_is_joined():
    text = (
        "LEARNING SERIES\n\nFinding greater synergy between externally\nand internally facing plans\n\n"
        "1. Context"
    )
    assert (
        parse_concept_note(text).title
        == "Finding greater synergy between externally and internally facing plans"
    )


def test_title_wrapped_at_the_page_width_is_joined():
    text = (
        "Finding greater synergy between externally and internally facing\n"
        "National Action Plans on Women, Peace, and Security\n\nCONCEPT NOTE\n\n1. Context"
    )
    assert parse_concept_note(text).title == (
        "Finding greater synergy between externally and internally facing "
        "National Action Plans on Women, Peace, and Security"
    )


def test_short_title_and_subtitle_are_not_joined():
    assert parse_concept_note("Regional learning session\nLocalising water governance\n").title == (
        "Regional learning session"
    )


def test_all_capitals_title_is_kept_when_there_is_nothing_else():
    assert parse_concept_note("CONCEPT NOTE\n\nSHARED RIVERS DIALOGUE\n\n1. Context\n\nText.").title == (
        "SHARED RIVERS DIALOGUE"
    )


def test_description_falls_back_to_the_first_substantial_paragraph():
    text = (
        "Shared rivers\n\nCONCEPT NOTE\n\n1. Context\n\n"
        "Rivers cross borders, and so do the droughts and floods that climate change makes more frequent; "
        "the people who depend on them rarely take part in the decisions.\n\n2. Format\n\nPlenary.\n"
    )
    assert parse_concept_note(text).description.startswith("Rivers cross borders, and so do the droughts")


def test_description_from_the_paragraph_under_an_objectives_heading():
    text = (
        "Shared rivers\n\n1. Context\n\nRivers cross borders and so do droughts, floods and the disputes "
        "they bring to the communities living along them.\n\n2. Objectives\n\n"
        "To compare how basin committees share water in dry years and what they need from governments.\n"
    )
    assert parse_concept_note(text).description.startswith("To compare how basin committees share water")


def test_description_is_not_a_long_title():
    text = (
        "Finding greater synergy between externally and internally facing national plans\n\n"
        "1. Context\n\nNational plans look either outward or inward, rarely both at once.\n"
    )
    assert (
        parse_concept_note(text).description
        == "National plans look either outward or inward, rarely both at once."
    )


def test_description_is_capped():
    paragraph = "This session aims to " + "share practical experience of local water planning " * 100
    description = parse_concept_note(f"Shared rivers\n\n{paragraph}\n").description
    assert 500 < len(description) <= MAX_DESCRIPTION_CHARS
    assert description.startswith("This session aims to share")


def test_at_most_fifty_questions():
    items = "\n".join(f"{number}. Question number {number}?" for number in range(1, 80))
    questions = parse_concept_note(f"Guiding questions\n\n{items}\n").questions
    assert len(questions) == MAX_QUESTIONS
    assert questions[0] == "Question number 1?"


def test_long_question_is_capped():
    question = "Why " + "does this take so long " * 200 + "?"
    questions = parse_concept_note(f"Guiding questions\n\n1. {question}\n").questions
    assert len(questions) == 1
    assert len(questions[0]) <= MAX_QUESTION_CHARS
    assert questions[0].startswith("Why does this take so long")


def test_markup_is_kept_as_text():
    text = "# <script>alert(1)</script> Rivers\n\n## Guiding questions\n\n1. Is <b>this</b> safe?\n"
    note = parse_concept_note(text)
    assert note.title == "<script>alert(1)</script> Rivers"
    assert note.questions == ["Is <b>this</b> safe?"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n\t  \r\n",
        "\ufeff",
        "\x00\x01\x02\x03",
        "!!!\n???\n###\n---\n***\n- ?\n1. ?\n",
        bytes(range(256)).decode("latin-1") * 20,
        "{" * 10_000 + "}" * 10_000,
    ],
)
def test_empty_or_garbage_input(text):
    assert parse_concept_note(text) == ParsedNote(title="", description="", starts_at=None, questions=[])


def test_input_that_is_not_text():
    assert parse_concept_note(None) == ParsedNote()  # type: ignore[arg-type]


def test_huge_input_is_handled_quickly():
    huge = "Guiding questions\n\n1. What now?\n" + ("word " * 2_000_000) + "\n" + "2. Later?\n" * 100_000
    note = parse_concept_note(huge)
    assert note.questions[0] == "What now?"
    assert len(note.questions) <= MAX_QUESTIONS


def test_huge_single_line():
    note = parse_concept_note("x" * 3_000_000)
    assert note.questions == []
    assert len(note.title) <= 200


@settings(max_examples=200, deadline=None, database=None)
@given(st.text())
def test_any_text_gives_a_note_within_the_limits(text):
    note = parse_concept_note(text)
    assert len(note.title) <= 200
    assert len(note.description) <= MAX_DESCRIPTION_CHARS
    assert len(note.questions) <= MAX_QUESTIONS
    assert all(0 < len(question) <= MAX_QUESTION_CHARS for question in note.questions)


LINE = st.sampled_from(
    [
        "",
        "Guiding questions",
        "## Questions directrices",
        "1. What now?",
        "2) Format",
        "- why not",
        "Q3: how?",
        "   continued line?",
        "5 July 2022, 8:30am",
        "CONCEPT NOTE",
        "This session aims to help.",
        "**bold** [link](http://x)",
    ]
)


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(LINE, max_size=40))
def test_any_arrangement_of_note_lines_is_read_without_error(lines):
    note = parse_concept_note("\n".join(lines))
    assert len(note.questions) <= MAX_QUESTIONS


# --- Formats of the questions ---------------------------------------------------------------

FORMATS_EN = """Shared rivers dialogue

Guiding questions

1. Which arrangement has worked best in your basin?
   - Joint committees
   - District councils
   - Community water boards
2. Which sectors does your plan cover? (Select all that apply)
   a) Health
   b) Water
   c) Education
3. On a scale of 1 to 10, how ready is your district for the next drought?
4. Rank these priorities for next year:
   □ Finance
   □ Data
   □ Skills
5. How far do you agree, on a scale of 0 to 10?
   • The plan is known
   • The plan is funded
6. What should change?

Format

Plenary followed by groups.
"""

FORMATS_FR = """Dialogue régional sur l'eau

Questions directrices

1. Quels domaines votre plan couvre-t-il ? (plusieurs réponses possibles)
• Santé
• Eau
• Éducation
2. Classez ces priorités :
(a) Financement
(b) Données
(c) Compétences
3. De 1 à 5, dans quelle mesure le plan est-il appliqué ?
4. Qui décide de la répartition ?
☐ L'État
☐ Les communes
5. Cochez les outils que vous utilisez :
- Radio
- SMS
6. Que faut-il changer ?

Format

Plénière puis groupes.
"""


def formats_of(text: str) -> list[tuple[str, list[str], tuple[int, int] | None]]:
    note = parse_concept_note(text)
    assert len(note.formats) == len(note.questions)
    return [(found.format, found.options, found.scale) for found in note.formats]


def test_formats_in_an_english_note():
    note = parse_concept_note(FORMATS_EN)
    assert note.questions == [
        "Which arrangement has worked best in your basin?",
        "Which sectors does your plan cover? (Select all that apply)",
        "On a scale of 1 to 10, how ready is your district for the next drought?",
        "Rank these priorities for next year:",
        "How far do you agree, on a scale of 0 to 10?",
        "What should change?",
    ]
    assert formats_of(FORMATS_EN) == [
        ("single", ["Joint committees", "District councils", "Community water boards"], None),
        ("multiple", ["Health", "Water", "Education"], None),
        ("rating", [], (1, 10)),
        ("ranking", ["Finance", "Data", "Skills"], None),
        ("rating", ["The plan is known", "The plan is funded"], (0, 10)),
        ("open", [], None),
    ]


def test_formats_in_a_french_note():
    note = parse_concept_note(FORMATS_FR)
    assert note.questions[1] == "Classez ces priorités :"
    assert note.questions[-1] == "Que faut-il changer ?"
    assert formats_of(FORMATS_FR) == [
        ("multiple", ["Santé", "Eau", "Éducation"], None),
        ("ranking", ["Financement", "Données", "Compétences"], None),
        ("rating", [], (1, 5)),
        ("single", ["L'État", "Les communes"], None),
        ("multiple", ["Radio", "SMS"], None),
        ("open", [], None),
    ]


def test_an_instruction_between_the_question_and_its_options():
    text = (
        "Guiding questions\n\n1. Which tools do you use?\n\nSelect all that apply.\n\n"
        "- Radio\n- SMS\n- Posters\n"
    )
    note = parse_concept_note(text)
    assert note.questions == ["Which tools do you use?"]
    assert formats_of(text) == [("multiple", ["Radio", "SMS", "Posters"], None)]


def test_options_under_questions_found_without_a_heading():
    text = "Water and peace\n\n1. Who decides?\n   a) The state\n   b) The districts\n2. What next?\n"
    assert parse_concept_note(text).questions == ["Who decides?", "What next?"]
    assert formats_of(text) == [("single", ["The state", "The districts"], None), ("open", [], None)]


@pytest.mark.parametrize(
    "items",
    [
        # Sub-questions are questions, not options.
        "1. What has worked?\n   - Where did it work?\n   - Why did it work?",
        # A single entry is not a list of choices.
        "1. What has worked?\n   - Joint committees",
        # The same entry twice is not a list of choices either.
        "1. What has worked?\n   - Committees\n   - committees",
    ],
)
def test_what_is_not_plainly_a_list_of_options(items):
    assert all(
        found.format == "open" for found in parse_concept_note(f"Guiding questions\n\n{items}\n").formats
    )


def test_bulleted_questions_are_not_each_others_options():
    items = "- Who takes part?\n- share one example of youth participation\n- name one obstacle you have seen"
    note = parse_concept_note(MARKDOWN.format(items=items))
    assert note.questions == [
        "Who takes part?",
        "share one example of youth participation",
        "name one obstacle you have seen",
    ]
    assert [found.format for found in note.formats] == ["open", "open", "open"]


def test_a_ranking_of_more_than_ten_items_is_a_choice():
    items = "\n".join(f"   - Item {number}" for number in range(12))
    assert formats_of(f"Guiding questions\n\n1. Rank these:\n{items}\n")[0][0] == "single"


def test_scales_that_do_not_exist_are_not_ratings():
    text = "Guiding questions\n\n1. On a scale of 2 to 7, how ready are you?\n"
    assert formats_of(text) == [("open", [], None)]


def test_shipped_notes_keep_open_questions():
    note = parse_concept_note(EXAMPLE.read_text(encoding="utf-8"))
    assert [found.format for found in note.formats] == ["open", "open", "open"]
