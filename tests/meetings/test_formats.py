"""The rules of each question format (facilitator.meetings.formats.checked_format)."""

import pytest

from facilitator.meetings.formats import (
    BALLOT_FORMATS,
    FormatError,
    FormatSpec,
    checked_format,
    results_visible,
)
from facilitator.meetings.models import QuestionFormat

RESULTS_DEFAULTS = {"results": "live", "phones_see_results": False}


def test_open_is_the_default_and_takes_nothing_else():
    for empty in (None, ""):
        assert checked_format(empty) == FormatSpec("open", [], {})
    # Options and settings that belong to no open question are dropped, not refused.
    assert checked_format("open", ["A", "B"], {"results": "after_close", "colour": "blue"}) == FormatSpec(
        "open", [], {}
    )


def test_every_format_has_its_defaults():
    assert checked_format("single", ["A", "B"]).settings == RESULTS_DEFAULTS
    assert checked_format("multiple", ["A", "B"]).settings == {**RESULTS_DEFAULTS, "max_choices": None}
    assert checked_format("rating").settings == {
        **RESULTS_DEFAULTS,
        "scale_min": 1,
        "scale_max": 5,
        "low_label": "",
        "high_label": "",
    }
    assert checked_format("ranking", ["A", "B"]).settings == RESULTS_DEFAULTS
    assert checked_format("words").settings == {**RESULTS_DEFAULTS, "max_words": 3}
    assert checked_format("floor").settings == {"premoderation": False}


def test_the_format_comes_back_as_the_enum():
    spec = checked_format("ranking", ["A", "B"])
    assert spec.format is QuestionFormat.RANKING


def test_options_are_cleaned_and_empty_ones_dropped():
    spec = checked_format("single", ["  Yes ", "", "No\n\tthanks", "   "])
    assert spec.options == ["Yes", "No thanks"]


def test_keys_of_other_formats_are_dropped():
    spec = checked_format("single", ["A", "B"], {"max_words": 2, "premoderation": True, "scale_min": 0})
    assert spec.settings == RESULTS_DEFAULTS


@pytest.mark.parametrize(
    ("question_format", "count", "fits"),
    [
        ("single", 1, False),
        ("single", 2, True),
        ("single", 20, True),
        ("single", 21, False),
        ("multiple", 1, False),
        ("multiple", 20, True),
        ("ranking", 2, True),
        ("ranking", 10, True),
        ("ranking", 11, False),
        ("rating", 0, True),
        ("rating", 10, True),
        ("rating", 11, False),
    ],
)
def test_how_many_options_each_format_takes(question_format, count, fits):
    options = [f"Option {number}" for number in range(count)]
    if fits:
        assert checked_format(question_format, options).options == options
    else:
        with pytest.raises(FormatError, match="This format takes between"):
            checked_format(question_format, options)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("poll",), "Unknown question format: poll."),
        (("single", "A\nB"), "The options must be a list of texts."),
        (("single", ["A", None]), "The options must be a list of texts."),
        (("single", ["A", "B"], ["live"]), "The question's settings are not valid."),
        (("single", ["Water", "WATER"]), "Two options have the same text."),
        (("single", ["A", "x" * 201]), "An option is at most 200 characters."),
        (
            ("single", ["A", "B"], {"results": "never"}),
            "Results show either live or after the question closes.",
        ),
        (("single", ["A", "B"], {"phones_see_results": "yes"}), 'The setting "phones_see_results" must be'),
        (
            ("multiple", ["A", "B"], {"max_choices": 3}),
            "“At most” must be between 1 and the number of options.",
        ),
        (("multiple", ["A", "B"], {"max_choices": 0}), "“At most” must be between 1"),
        (("multiple", ["A", "B"], {"max_choices": "2"}), 'The setting "max_choices" must be a whole number.'),
        (
            ("multiple", ["A", "B"], {"max_choices": True}),
            'The setting "max_choices" must be a whole number.',
        ),
        (
            ("rating", [], {"scale_min": 0, "scale_max": 5}),
            "A rating scale runs from 1 to 5, 1 to 10 or 0 to 10.",
        ),
        (("rating", [], {"low_label": 5}), 'The setting "low_label" must be text.'),
        (("rating", [], {"high_label": "x" * 61}), "A scale label is at most 60 characters."),
        (("words", [], {"max_words": 4}), "A word cloud takes between 1 and 3 entries per person."),
        (("words", [], {"max_words": 0}), "A word cloud takes between 1 and 3 entries per person."),
        (("floor", [], {"premoderation": 1}), 'The setting "premoderation" must be true or false.'),
    ],
)
def test_what_is_refused_and_why(arguments, message):
    with pytest.raises(FormatError) as raised:
        checked_format(*arguments)
    assert str(raised.value).startswith(message)


@pytest.mark.parametrize("scale", [(1, 5), (1, 10), (0, 10)])
def test_the_three_scales(scale):
    settings = {
        "scale_min": scale[0],
        "scale_max": scale[1],
        "low_label": " Not  at all ",
        "high_label": "Fully",
    }
    spec = checked_format("rating", ["The plan is known"], settings)
    assert (spec.settings["scale_min"], spec.settings["scale_max"]) == scale
    assert spec.settings["low_label"] == "Not at all"


def test_multiple_choice_with_a_limit():
    spec = checked_format("multiple", ["A", "B", "C"], {"max_choices": 2, "results": "after_close"})
    assert spec.settings == {"results": "after_close", "phones_see_results": False, "max_choices": 2}


def test_ballot_formats():
    assert {"single", "multiple", "rating", "ranking", "words"} == BALLOT_FORMATS


@pytest.mark.parametrize(
    ("question_format", "results", "closed", "visible"),
    [
        ("single", "live", False, True),
        ("single", "after_close", False, False),
        ("single", "after_close", True, True),
        ("open", "live", True, False),
        ("floor", "live", True, False),
    ],
)
def test_when_the_room_sees_results(question_format, results, closed, visible):
    assert results_visible(question_format, {"results": results}, closed) is visible


def test_messages_are_translated(app):
    from flask_babel import force_locale

    with pytest.raises(FormatError) as raised:
        checked_format("ranking", ["Only"])
    with app.test_request_context(), force_locale("fr"):
        assert raised.value.translated() == "Ce format prend entre 2 et 10 options."
