import json
from dataclasses import replace
from datetime import datetime

import pytest

from facilitator.meetings.design import (
    ATTRIBUTIONS,
    DESIGN_FORMAT,
    DESIGN_VERSION,
    FIELD_RULES,
    JOIN_POLICIES,
    DesignError,
    MeetingDesign,
    QuestionDesign,
    design_from_dict,
    design_from_json,
    design_to_dict,
)
from facilitator.meetings.models import Attribution, FieldRule, JoinPolicy

FULL = MeetingDesign(
    title="Localising climate-resilient water governance",
    description="A closed learning session.\nBy invitation only.",
    starts_at=datetime(2024, 3, 14, 14, 0),
    join_policy="passcode",
    name_field="optional",
    country_field="required",
    organisation_field="optional",
    attribution="affiliation",
    questions=["Which arrangements have worked?", "What support is needed?"],
)


def minimal(**fields: object) -> dict:
    return {"format": DESIGN_FORMAT, "version": DESIGN_VERSION, "title": "Shared rivers", **fields}


def test_constants():
    assert DESIGN_FORMAT == "facilitator.meeting-design"
    assert DESIGN_VERSION == 2
    assert FIELD_RULES == ("required", "optional", "off")
    assert ATTRIBUTIONS == ("named", "affiliation", "anonymous")
    assert JOIN_POLICIES == ("open", "passcode")


def test_choices_match_the_models():
    assert set(FIELD_RULES) == {rule.value for rule in FieldRule}
    assert set(ATTRIBUTIONS) == {attribution.value for attribution in Attribution}
    assert set(JOIN_POLICIES) == {policy.value for policy in JoinPolicy}


def test_to_dict():
    assert design_to_dict(FULL) == {
        "format": DESIGN_FORMAT,
        "version": 2,
        "title": "Localising climate-resilient water governance",
        "description": "A closed learning session.\nBy invitation only.",
        "starts_at": "2024-03-14T14:00:00",
        "join_policy": "passcode",
        "name_field": "optional",
        "country_field": "required",
        "organisation_field": "optional",
        "language_field": "off",
        "attribution": "affiliation",
        "questions": [
            {"text": "Which arrangements have worked?", "format": "open", "options": [], "settings": {}},
            {"text": "What support is needed?", "format": "open", "options": [], "settings": {}},
        ],
    }


def test_to_dict_has_no_passcode_and_only_plain_json_values():
    data = design_to_dict(FULL)
    assert not any("passcode" in key for key in data)
    assert json.loads(json.dumps(data)) == data


def test_to_dict_writes_enum_members_as_their_values():
    design = replace(FULL, join_policy=JoinPolicy.OPEN, attribution=Attribution.ANONYMOUS)
    data = design_to_dict(design)
    assert type(data["join_policy"]) is str and data["join_policy"] == "open"
    assert type(data["attribution"]) is str and data["attribution"] == "anonymous"


def test_to_dict_without_date_or_description():
    data = design_to_dict(MeetingDesign(title="Shared rivers", description=None))  # type: ignore[arg-type]
    assert data["starts_at"] is None
    assert data["description"] == ""
    assert data["questions"] == []


@pytest.mark.parametrize("design", [FULL, MeetingDesign(title="Shared rivers")])
def test_round_trip_through_json(design):
    raw = json.dumps(design_to_dict(design), ensure_ascii=False, indent=2)
    assert design_from_json(raw) == design
    assert design_from_json(raw.encode("utf-8")) == design


def test_minimal_template_takes_defaults():
    assert design_from_dict(minimal()) == MeetingDesign(title="Shared rivers")


def test_null_date_and_missing_questions():
    design = design_from_dict(minimal(starts_at=None, questions=None, description=None))
    assert design.starts_at is None
    assert design.description == ""
    assert design.questions == []


def test_strings_are_stripped():
    design = design_from_dict(
        minimal(title="  Shared rivers \n", description="\n Text \n", questions=[{"text": "  Why?  "}])
    )
    assert design.title == "Shared rivers"
    assert design.description == "Text"
    assert design.questions == [QuestionDesign("Why?")]


def test_unknown_keys_are_ignored():
    data = minimal(colour="blue", passcode="secret", questions=[{"text": "Why?", "votes": 3}])
    data["nested"] = {"deeper": [[{"junk": None}]]}
    assert design_from_dict(data) == MeetingDesign(title="Shared rivers", questions=["Why?"])


def test_markup_is_kept_as_text():
    title = "<script>alert('x')</script> & <b>rivers</b>"
    design = design_from_dict(minimal(title=title, description=title, questions=[{"text": title}]))
    assert design.title == title
    assert design.description == title
    assert design.questions == [QuestionDesign(title)]


def test_date_with_offset_keeps_the_wall_clock_time():
    assert design_from_dict(minimal(starts_at="2024-03-14T14:00:00+03:00")).starts_at == datetime(
        2024, 3, 14, 14
    )


def test_date_without_time():
    assert design_from_dict(minimal(starts_at="2024-03-14")).starts_at == datetime(2024, 3, 14)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"version": 1, "title": "x"}, "format"),
        (minimal(format="something.else"), "format"),
        (minimal(format=None), "format"),
        (minimal(version=3), "version"),
        (minimal(version=0), "version"),
        (minimal(version="1"), "version"),
        (minimal(version=True), "version"),
        (minimal(version=1.0), "version"),
        ({"format": DESIGN_FORMAT, "title": "x"}, "version"),
    ],
)
def test_format_and_version_are_checked(data, field):
    with pytest.raises(DesignError, match=field):
        design_from_dict(data)


def test_newer_version_is_explained():
    with pytest.raises(DesignError, match="7: the template comes from a newer Facilitator"):
        design_from_dict(minimal(version=7))


@pytest.mark.parametrize("sign", [1, -1])
def test_absurd_versions_are_not_echoed(sign):
    with pytest.raises(DesignError, match='"version" must be one of: 1, 2'):
        design_from_dict(minimal(version=sign * 10**5000))


def test_negative_version():
    with pytest.raises(DesignError, match='"version" must be one of: 1, 2'):
        design_from_dict(minimal(version=-1))


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": None}, "title"),
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": 42}, "title"),
        ({"title": ["a"]}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "a\x00b"}, "title"),
        ({"description": 3}, "description"),
        ({"description": "x" * 10_001}, "description"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"starts_at": 1656997200}, "starts_at"),
        ({"starts_at": "2024-02-30T10:00"}, "starts_at"),
        ({"starts_at": "2024-03-14T14:00" + " " * 100}, "starts_at"),
        ({"join_policy": "closed"}, "join_policy"),
        ({"join_policy": None}, "join_policy"),
        ({"join_policy": ["open"]}, "join_policy"),
        ({"name_field": "mandatory"}, "name_field"),
        ({"country_field": "OPTIONAL"}, "country_field"),
        ({"organisation_field": 1}, "organisation_field"),
        ({"language_field": "sometimes"}, "language_field"),
        ({"attribution": "secret"}, "attribution"),
        ({"questions": "Why?"}, "questions"),
        ({"questions": {"text": "Why?"}}, "questions"),
    ],
)
def test_invalid_fields_are_named(fields, field):
    with pytest.raises(DesignError, match=f'"{field}"'):
        design_from_dict(minimal(**fields))


def test_missing_title_is_named():
    data = minimal()
    del data["title"]
    with pytest.raises(DesignError, match='"title"'):
        design_from_dict(data)


def test_limits_are_inclusive():
    design = design_from_dict(
        minimal(
            title="t" * 200,
            description="d" * 10_000,
            questions=[{"text": "q" * 1000}] * 50,
        )
    )
    assert len(design.title) == 200
    assert len(design.questions) == 50


def test_too_many_questions():
    with pytest.raises(DesignError, match="50"):
        design_from_dict(minimal(questions=[{"text": "Why?"}] * 51))


@pytest.mark.parametrize(
    ("questions", "message"),
    [
        ([{"text": "Why?"}, {"text": "  "}], "Question 2 is empty"),
        ([{"text": "Why?"}, {"text": ""}], "Question 2 is empty"),
        ([{"text": "q" * 1001}], "Question 1 is longer than 1000"),
        (["Why?"], "Question 1 must be"),
        ([{"question": "Why?"}], "Question 1 must be"),
        ([{"text": None}], "Question 1 must be"),
        ([{"text": 5}], "Question 1 must be"),
        ([{"text": "Why?"}, [["nested"]]], "Question 2 must be"),
        ([{"text": "a\x00"}], "Question 1 contains"),
    ],
)
def test_invalid_questions_are_named(questions, message):
    with pytest.raises(DesignError, match=message):
        design_from_dict(minimal(questions=questions))


@pytest.mark.parametrize("data", [None, [], "text", 1, 1.5, True, [minimal()]])
def test_data_that_is_not_an_object(data):
    with pytest.raises(DesignError, match="JSON object"):
        design_from_dict(data)


def test_design_error_is_a_value_error_with_a_sentence():
    with pytest.raises(ValueError) as raised:
        design_from_dict(minimal(join_policy="closed"))
    assert str(raised.value) == 'The field "join_policy" must be one of: open, passcode.'


def test_json_with_a_byte_order_mark():
    raw = json.dumps(design_to_dict(FULL)).encode("utf-8")
    assert design_from_json(b"\xef\xbb\xbf" + raw) == FULL
    assert design_from_json("\ufeff" + raw.decode("utf-8")) == FULL


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "not valid JSON"),
        ("{", "not valid JSON"),
        ("{'format': 1}", "not valid JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        ("[1, 2, 3]", "JSON object"),
        ('"a string"', "JSON object"),
        ("null", "JSON object"),
        ("42", "JSON object"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"a":' * 50_000 + "1" + "}" * 50_000, "nested too deeply"),
        ("[" * 500_000, "nested too deeply"),
        ("x" * 2_000_000, "too large"),
        (b"{" * 2_000_000, "too large"),
        ('{"format": "facilitator.meeting-design", "version": ' + "9" * 5000 + "}", "not valid JSON"),
    ],
)
def test_unusable_json(raw, message):
    with pytest.raises(DesignError, match=message):
        design_from_json(raw)


@pytest.mark.parametrize("raw", [None, 12, ["{}"], {"title": "x"}])
def test_input_that_is_neither_bytes_nor_text(raw):
    with pytest.raises(DesignError):
        design_from_json(raw)


def test_brackets_inside_strings_do_not_count_as_nesting():
    data = design_to_dict(replace(FULL, description="[" * 5000 + "{" * 5000))
    assert design_from_json(json.dumps(data)).description == "[" * 5000 + "{" * 5000


def test_moderate_nesting_in_ignored_keys_is_accepted():
    data = minimal()
    data["extra"] = json.loads("[" * 10 + "]" * 10)
    assert design_from_json(json.dumps(data)) == MeetingDesign(title="Shared rivers")


def test_unterminated_strings_are_rejected_quickly():
    raw = '{"a": "' + '\\"' * 400_000
    with pytest.raises(DesignError, match="not valid JSON"):
        design_from_json(raw)


def test_huge_strings_are_rejected_with_the_field_named():
    with pytest.raises(DesignError, match='"description"'):
        design_from_json(json.dumps(minimal(description="x" * 500_000)))


# --- Question formats (version 2) ------------------------------------------------------------

EVERY_FORMAT = [
    QuestionDesign("What worked?"),
    QuestionDesign(
        "Which basin do you work in?",
        "single",
        ["Nile", "Niger", "Zambezi"],
        {"results": "after_close", "phones_see_results": True},
    ),
    QuestionDesign(
        "Which tools do you use?",
        "multiple",
        ["Radio", "SMS", "Meetings"],
        {"results": "live", "phones_see_results": False, "max_choices": 2},
    ),
    QuestionDesign(
        "How far do you agree?",
        "rating",
        ["The plan is known", "The plan is funded"],
        {
            "results": "live",
            "phones_see_results": False,
            "scale_min": 0,
            "scale_max": 10,
            "low_label": "Not at all",
            "high_label": "Fully",
        },
    ),
    QuestionDesign(
        "How useful was this session?",
        "rating",
        [],
        {
            "results": "live",
            "phones_see_results": True,
            "scale_min": 1,
            "scale_max": 5,
            "low_label": "",
            "high_label": "",
        },
    ),
    QuestionDesign(
        "Rank these priorities",
        "ranking",
        ["Finance", "Data", "Skills", "Mandates"],
        {"results": "after_close", "phones_see_results": False},
    ),
    QuestionDesign(
        "One word for this year?",
        "words",
        [],
        {"results": "live", "phones_see_results": False, "max_words": 1},
    ),
    QuestionDesign("Questions for the panel", "floor", [], {"premoderation": True}),
]


def test_every_format_survives_a_round_trip_through_json():
    design = replace(FULL, questions=EVERY_FORMAT)
    data = design_to_dict(design)
    assert data["version"] == 2
    assert data["questions"][3] == {
        "text": "How far do you agree?",
        "format": "rating",
        "options": ["The plan is known", "The plan is funded"],
        "settings": EVERY_FORMAT[3].settings,
    }
    assert design_from_json(json.dumps(data)) == design


def test_reading_fills_in_the_default_settings_of_a_format():
    design = design_from_dict(
        minimal(questions=[{"text": "Which?", "format": "multiple", "options": ["A", "B"]}])
    )
    assert design.questions == [
        QuestionDesign(
            "Which?",
            "multiple",
            ["A", "B"],
            {"results": "live", "phones_see_results": False, "max_choices": None},
        )
    ]


def test_version_1_templates_still_load_as_open_questions():
    data = minimal(version=1, questions=[{"text": "Why?"}, {"text": "How?"}])
    design = design_from_dict(data)
    assert design.questions == [QuestionDesign("Why?"), QuestionDesign("How?")]
    assert all(question.format == "open" for question in design.questions)


def test_version_1_reads_no_formats():
    # Version 1 never wrote these keys; a file that has them anyway reads as it always did.
    data = minimal(version=1, questions=[{"text": "Why?", "format": "poll", "options": 3}])
    assert design_from_dict(data).questions == [QuestionDesign("Why?")]


def test_plain_strings_are_open_questions():
    assert MeetingDesign(title="x", questions=["Why?"]).questions == [QuestionDesign("Why?")]


@pytest.mark.parametrize(
    ("question", "message"),
    [
        (
            {"format": "single", "options": ["Only one"]},
            "Question 2: This format takes between 2 and 20 options.",
        ),
        ({"format": "single", "options": "A, B"}, "Question 2: The options must be a list of texts."),
        ({"format": "multiple", "options": ["A", 3]}, "Question 2: The options must be a list of texts."),
        ({"format": "ranking", "options": [f"Item {n}" for n in range(11)]}, "Question 2: This format takes"),
        ({"format": "single", "options": ["Same", "same"]}, "Question 2: Two options have the same text."),
        ({"format": "single", "options": ["A", "x" * 201]}, "Question 2: An option is at most 200"),
        ({"format": "poll"}, "Question 2: Unknown question format: poll."),
        (
            {"format": "rating", "settings": {"scale_min": 2, "scale_max": 7}},
            "Question 2: A rating scale runs",
        ),
        ({"format": "words", "settings": []}, "Question 2: The question's settings are not valid."),
        (
            {"format": "multiple", "options": ["A", "B"], "settings": {"max_choices": 3}},
            "Question 2: “At most”",
        ),
    ],
)
def test_bad_formats_are_refused_with_the_question_number(question, message):
    questions = [{"text": "First?"}, {"text": "Second?", **question}]
    with pytest.raises(DesignError) as raised:
        design_from_dict(minimal(questions=questions))
    assert str(raised.value).startswith(message)


def test_the_reason_of_a_bad_format_is_translated_too(app):
    from flask_babel import force_locale

    questions = [{"text": "Which?", "format": "single", "options": ["Only one"]}]
    with pytest.raises(DesignError) as raised:
        design_from_dict(minimal(questions=questions))
    with app.test_request_context(), force_locale("fr"):
        assert raised.value.translated() == "Question 1 : Ce format prend entre 2 et 20 options."


def test_meetings_are_created_with_and_designed_from_their_formats(make_meeting):
    from facilitator.extensions import db
    from facilitator.meetings import service
    from facilitator.meetings.models import Meeting

    world = make_meeting(questions=0)
    owner = db.session.get(Meeting, world.meeting_id).owner
    meeting = service.create_meeting(owner, replace(FULL, questions=EVERY_FORMAT), "pass-1234")
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Meeting, meeting.id)
    assert [q.format for q in stored.guiding_questions] == [q.format for q in EVERY_FORMAT]
    assert [o.text for o in stored.guiding_questions[5].options] == ["Finance", "Data", "Skills", "Mandates"]
    assert [o.position for o in stored.guiding_questions[5].options] == [0, 1, 2, 3]
    assert stored.guiding_questions[3].settings["low_label"] == "Not at all"
    assert service.design_of(stored).questions == EVERY_FORMAT
