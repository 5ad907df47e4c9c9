"""The attribution rule holds in every export: what a screen may not show, no file may contain."""

import csv
import io
import json

import pytest

from facilitator.answers.payloads import author_label
from facilitator.exports.archive import to_json
from facilitator.exports.report import AUTHOR_FIELDS, build_report
from facilitator.exports.tabular import BASE_COLUMNS, RESULT_COLUMNS, to_csv
from facilitator.joining.models import Participant
from facilitator.meetings.models import Meeting
from tests.exports.conftest import DELETED_TEXT, HIDDEN_TEXT, PEOPLE
from tests.exports.helpers import FORMATS, exported


def leaks(texts: dict[str, str], needles) -> list[tuple[str, str]]:
    return [(needle, part) for needle in needles for part, text in texts.items() if needle in text]


@pytest.mark.parametrize("fmt", FORMATS)
def test_anonymous_meeting_names_nobody_anywhere(held, fmt):
    meeting = held("anonymous").meeting()
    texts = exported(meeting, fmt)
    personal = [value for person in PEOPLE for value in person]
    assert leaks(texts, personal) == []
    # The search itself works: the answers are there.
    assert any("Map every water point" in text for text in texts.values())


@pytest.mark.parametrize("fmt", FORMATS)
def test_affiliation_meeting_has_countries_but_no_names(held, fmt):
    meeting = held("affiliation").meeting()
    texts = exported(meeting, fmt)
    assert leaks(texts, [name for name, _, _ in PEOPLE]) == []
    everything = "\n".join(texts.values())
    assert "Senegal" in everything and "Ministry of Women" in everything


@pytest.mark.parametrize("fmt", FORMATS)
def test_named_meeting_names_authors(held, fmt):
    meeting = held("named").meeting()
    assert "Amina Diallo" in "\n".join(exported(meeting, fmt).values())


@pytest.mark.parametrize("attribution", ["named", "affiliation", "anonymous"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_hidden_and_deleted_answers_appear_nowhere(held, fmt, attribution):
    meeting = held(attribution).meeting()
    assert leaks(exported(meeting, fmt), [HIDDEN_TEXT, DELETED_TEXT]) == []


@pytest.mark.parametrize(
    ("attribution", "author_columns"),
    [
        ("named", ("name", "country", "organisation")),
        ("affiliation", ("country", "organisation")),
        ("anonymous", ()),
    ],
)
def test_csv_author_columns_exist_only_where_the_rule_allows(held, attribution, author_columns):
    meeting = held(attribution).meeting()
    rows = list(csv.reader(io.StringIO(to_csv(build_report(meeting)))))
    assert tuple(rows[0]) == BASE_COLUMNS + author_columns + RESULT_COLUMNS
    assert all(len(row) == len(rows[0]) for row in rows)


def test_anonymous_archive_keeps_only_opaque_participant_ids(held):
    h = held("anonymous")
    archive = to_json(h.meeting())
    assert all(set(person) == {"id"} for person in archive["participants"])
    ids = [person["id"] for person in archive["participants"]]
    assert sorted(ids) == sorted(f"p{n}" for n in range(1, 7))


def test_anonymous_archive_links_no_two_contributions_of_one_person(held):
    h = held("anonymous")
    archive = to_json(h.meeting())
    ids = {person["id"] for person in archive["participants"]}
    for answer in archive["answers"]:
        assert "author" not in answer and "voters" not in answer
    assert sum(answer["votes"] for answer in archive["answers"]) == 3
    for round_ in archive["rounds"]:
        for group in round_["groups"]:
            assert "members" not in group and "rapporteur" not in group
    # No participant id appears anywhere but in the list of participants.
    rest = json.dumps({key: value for key, value in archive.items() if key != "participants"})
    assert not any(f'"{person}"' in rest for person in ids)


@pytest.mark.parametrize("attribution", ["named", "affiliation"])
def test_attributed_archives_keep_who_wrote_and_voted(held, attribution):
    archive = to_json(held(attribution).meeting())
    assert all("author" in answer and "voters" in answer for answer in archive["answers"])
    assert all("members" in g for r in archive["rounds"] for g in r["groups"])


def test_affiliation_archive_has_no_names_or_join_times(held):
    archive = to_json(held("affiliation").meeting())
    assert all(set(person) == {"id", "country", "organisation"} for person in archive["participants"])


def test_anonymous_report_counts_countries_without_naming_them(held):
    report = build_report(held("anonymous").meeting())
    assert report.participation.countries == 6 and report.participation.organisations == 6
    assert report.participation.by_country is None and report.participation.by_organisation is None
    assert report.author_fields == ()
    assert all(a.author is None and a.author_fields == {} for _, a in report.answers())
    assert all(s.rapporteur is None for q in report.questions for s in q.summaries)


@pytest.mark.parametrize("attribution", ["named", "affiliation", "anonymous"])
def test_author_fields_never_allow_less_than_the_label_shows(attribution):
    """The field table must agree with author_label, the rule every screen uses."""
    person = Participant(display_name="NAME", country="COUNTRY", organisation="ORGANISATION")
    label = author_label(Meeting(attribution=attribution), person) or ""
    shown = {field for field, value in [("name", "NAME"), ("country", "COUNTRY")] if value in label}
    shown |= {"organisation"} if "ORGANISATION" in label else set()
    assert shown <= set(AUTHOR_FIELDS[attribution])
    if attribution != "named":
        assert "name" not in AUTHOR_FIELDS[attribution]
