"""Tallies are recounts: each format's results, per scope, fast, and always equal to a naive count of
the ballots a phone's changes leave behind, in whatever order the changes arrive."""

from __future__ import annotations

import time
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitator.answers import ballots, tally
from facilitator.answers.folding import fold
from facilitator.answers.models import Ballot
from facilitator.breakouts import planning
from facilitator.breakouts import service as breakouts
from facilitator.extensions import db
from facilitator.joining.models import Participant
from facilitator.meetings.models import Meeting, Question
from tests.answers.ballot_questions import make_ballot_question, option_ids

PEOPLE = 6


def vote(question: Question, participant_id: int, response, *, seq: int = 1, group_id: int | None = None):
    person = db.session.get(Participant, participant_id)
    result = ballots.cast(person, question, f"client-{participant_id}", seq, response, group_id=group_id)
    db.session.commit()
    return result


@pytest.fixture
def meeting(make_meeting):
    return make_meeting(questions=5, phones=PEOPLE)


def people(world) -> list[int]:
    return [phone.participant_id for phone in world.phones]


# ---------------------------------------------------------------- each format's shape


def test_choice_results_count_and_give_percent_of_respondents(meeting):
    question = make_ballot_question(meeting.question_ids[0], "multiple", ["Water", "Food", "Shelter"])
    water, food, shelter = option_ids(question.id)
    p = people(meeting)
    vote(question, p[0], {"options": [water, food]})
    vote(question, p[1], {"options": [water]})
    vote(question, p[2], {"options": [shelter]})
    assert tally.results_for(question) == {
        "question_id": question.id,
        "format": "multiple",
        "respondents": 3,
        "options": [
            {"id": water, "text": "Water", "count": 2, "percent": 66.7},
            {"id": food, "text": "Food", "count": 1, "percent": 33.3},
            {"id": shelter, "text": "Shelter", "count": 1, "percent": 33.3},
        ],
    }


def test_no_ballots_is_zero_everywhere(meeting):
    question = make_ballot_question(meeting.question_ids[0], "single", ["Yes", "No"])
    results = tally.results_for(question)
    assert results["respondents"] == 0
    assert [(o["count"], o["percent"]) for o in results["options"]] == [(0, 0.0), (0, 0.0)]
    assert results == tally.empty_results(question)


def test_rating_gives_mean_and_the_whole_distribution(meeting):
    question = make_ballot_question(
        meeting.question_ids[0], "rating", ["Clear", "Useful"], scale_min=1, scale_max=5, low_label="No"
    )
    clear, useful = option_ids(question.id)
    p = people(meeting)
    vote(question, p[0], {"ratings": {str(clear): 5, str(useful): 1}})
    vote(question, p[1], {"ratings": {str(clear): 4}})
    vote(question, p[2], {"ratings": {str(clear): 4}})
    results = tally.results_for(question)
    assert results["respondents"] == 3
    assert results["scale"] == {"min": 1, "max": 5, "low_label": "No", "high_label": ""}
    first, second = results["rows"]
    assert first == {
        "id": clear,
        "text": "Clear",
        "count": 3,
        "mean": 4.33,
        "distribution": [{"value": v, "count": c} for v, c in [(1, 0), (2, 0), (3, 0), (4, 2), (5, 1)]],
    }
    assert (second["count"], second["mean"]) == (1, 1.0)


def test_rating_the_question_itself_is_one_row_with_its_text(meeting):
    question = make_ballot_question(meeting.question_ids[0], "rating", [], scale_min=0, scale_max=10)
    vote(question, people(meeting)[0], {"ratings": {"0": 0}})
    vote(question, people(meeting)[1], {"ratings": {"0": 7}})
    (row,) = tally.results_for(question)["rows"]
    assert (row["id"], row["text"], row["count"], row["mean"]) == (0, "Guiding question 1?", 2, 3.5)
    assert [d["value"] for d in row["distribution"]] == list(range(11))


def test_rating_nobody_gave_has_no_mean(meeting):
    question = make_ballot_question(meeting.question_ids[0], "rating", ["A", "B"])
    vote(question, people(meeting)[0], {"ratings": {str(option_ids(question.id)[0]): 2}})
    assert tally.results_for(question)["rows"][1]["mean"] is None


def test_ranking_gives_mean_rank_and_borda_points_best_first(meeting):
    question = make_ballot_question(meeting.question_ids[0], "ranking", ["A", "B", "C"])
    a, b, c = option_ids(question.id)
    p = people(meeting)
    vote(question, p[0], {"ranking": [c, a, b]})
    vote(question, p[1], {"ranking": [c, b, a]})
    vote(question, p[2], {"ranking": [a, c, b]})
    assert tally.results_for(question)["ranking"] == [
        {"id": c, "text": "C", "mean_rank": 1.33, "borda": 5, "count": 3},
        {"id": a, "text": "A", "mean_rank": 2.0, "borda": 3, "count": 3},
        {"id": b, "text": "B", "mean_rank": 2.67, "borda": 1, "count": 3},
    ]


def test_words_count_people_under_the_most_common_spelling(meeting):
    question = make_ballot_question(meeting.question_ids[0], "words", max_words=3)
    p = people(meeting)
    vote(question, p[0], {"words": ["climat", "eau"]})
    vote(question, p[1], {"words": ["Climat", "le climat"]})  # one person, one count
    vote(question, p[2], {"words": ["climat", "Water"]})
    vote(question, p[3], {"words": ["L'eau"]})
    assert tally.results_for(question)["words"] == [
        {"text": "climat", "count": 3},
        # A tie between two spellings: the alphabetically first is shown.
        {"text": "L'eau", "count": 2},
        {"text": "Water", "count": 1},
    ]


def test_words_are_cut_at_the_top_sixty(meeting, make_meeting):
    crowd = make_meeting(questions=1, phones=70)
    question = make_ballot_question(crowd.question_ids[0], "words", max_words=1)
    for index, phone in enumerate(crowd.phones):
        vote(question, phone.participant_id, {"words": [f"word{index:02d}x"]})
    words = tally.results_for(question)["words"]
    assert len(words) == tally.TOP_WORDS and words[0] == {"text": "word00x", "count": 1}


def test_withdrawn_ballots_count_for_nothing(meeting):
    question = make_ballot_question(meeting.question_ids[0], "single", ["Yes", "No"])
    yes, _ = option_ids(question.id)
    p = people(meeting)
    vote(question, p[0], {"options": [yes]})
    vote(question, p[1], {"options": [yes]})
    ballots.withdraw(db.session.get(Participant, p[1]), question, "client-x1", 2)
    db.session.commit()
    assert tally.results_for(question)["options"][0]["count"] == 1
    assert tally.respondent_count(question) == 1


def test_groups_and_the_plenary_are_counted_apart(meeting):
    question = make_ballot_question(meeting.question_ids[0], "single", ["Yes", "No"])
    yes, no = option_ids(question.id)
    room = db.session.get(Meeting, meeting.meeting_id)
    plan = planning.plan_round(room, mode="random", question_ids=[question.id], groups=2, seed=1)
    round_ = breakouts.open_round(room, plan, 10)
    db.session.commit()
    first, second = (group.id for group in round_.groups)
    p = people(meeting)
    vote(question, p[0], {"options": [yes]})
    vote(question, p[0], {"options": [no]}, group_id=first)
    vote(question, p[1], {"options": [no]}, group_id=first)
    vote(question, p[2], {"options": [yes]}, group_id=second)
    counts = {
        scope: [option["count"] for option in results["options"]]
        for scope, results in tally.results_by_group(question).items()
    }
    assert counts == {None: [1, 0], first: [0, 2], second: [1, 0]}
    assert tally.results_for(question, first) == tally.results_by_group(question)[first]
    assert [tally.respondent_count(question, g) for g in (None, first, second)] == [1, 2, 1]


def test_results_never_name_anyone(meeting):
    question = make_ballot_question(meeting.question_ids[0], "words")
    for index, pid in enumerate(people(meeting)):
        vote(question, pid, {"words": [f"idea{index}"]})
    text = repr(tally.results_by_group(question))
    for pid in people(meeting):
        assert f"Person {pid}" not in text and "participant" not in text


@pytest.mark.parametrize("question_format", ["multiple", "ranking", "words"])
def test_a_thousand_ballots_tally_in_a_few_milliseconds(make_meeting, question_format):
    world = make_meeting(questions=1)
    texts = [f"Item {i}" for i in range(10)] if question_format != "words" else []
    question = make_ballot_question(world.question_ids[0], question_format, texts)
    items = option_ids(question.id)
    # Rows written straight to the tables: the subject here is the count, not the casting.
    db.session.execute(
        db.insert(Participant),
        [
            {"meeting_id": world.meeting_id, "token_hash": f"bulk-{i}", "display_name": ""}
            for i in range(1000)
        ],
    )
    people_ids = db.session.scalars(
        db.select(Participant.id).where(Participant.meeting_id == world.meeting_id)
    )
    responses = {
        "multiple": lambda i: {"options": [items[i % 10], items[(i * 7) % 10]] if i % 3 else [items[1]]},
        "ranking": lambda i: {"ranking": items[i % 10 :] + items[: i % 10]},
        "words": lambda i: {"words": [{"key": f"idea{i % 97}", "text": f"Idea{i % 97}"}]},
    }[question_format]
    db.session.execute(
        db.insert(Ballot),
        [
            {
                "question_id": question.id,
                "participant_id": pid,
                "scope": 0,
                "response": responses(i),
                "seq": 1,
                "client_id": "bulk-rows",
            }
            for i, pid in enumerate(people_ids)
        ],
    )
    db.session.commit()
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        results = tally.results_for(question)
        timings.append(time.perf_counter() - started)
    assert results["respondents"] == 1000
    # A few milliseconds on an idle machine; the margin is for a busy one.
    assert min(timings) < 0.02, timings


# ---------------------------------------------------------------- any history, a naive recount


def naive_recount(question: Question, options: list[tuple[int, str]], final: dict[int, dict]) -> dict:
    """The results computed the slow, obvious way from the responses the test itself kept."""
    given = [response for response in final.values() if response is not None]
    shape = {"question_id": question.id, "format": question.format, "respondents": len(given)}
    n = len(given)
    if question.format in ("single", "multiple"):
        shape["options"] = []
        for option_id, text in options:
            count = sum(1 for response in given if option_id in response["options"])
            shape["options"].append(
                {
                    "id": option_id,
                    "text": text,
                    "count": count,
                    "percent": round(100 * count / n, 1) if n else 0.0,
                }
            )
    elif question.format == "rating":
        low, high = question.settings["scale_min"], question.settings["scale_max"]
        shape["scale"] = {"min": low, "max": high, "low_label": "", "high_label": ""}
        shape["rows"] = []
        for option_id, text in options:
            values = [r["ratings"][str(option_id)] for r in given if str(option_id) in r["ratings"]]
            shape["rows"].append(
                {
                    "id": option_id,
                    "text": text,
                    "count": len(values),
                    "mean": round(sum(values) / len(values), 2) if values else None,
                    "distribution": [{"value": v, "count": values.count(v)} for v in range(low, high + 1)],
                }
            )
    elif question.format == "ranking":
        items = []
        for position_in_question, (option_id, text) in enumerate(options):
            places = [r["ranking"].index(option_id) + 1 for r in given]
            items.append(
                (
                    position_in_question,
                    {
                        "id": option_id,
                        "text": text,
                        "mean_rank": round(sum(places) / len(places), 2) if places else None,
                        "borda": sum(len(options) - place for place in places),
                        "count": len(places),
                    },
                )
            )
        shape["ranking"] = [item for _, item in sorted(items, key=lambda pair: (-pair[1]["borda"], pair[0]))]
    else:
        people_per_key: Counter = Counter()
        spellings: dict[str, Counter] = {}
        for response in given:
            firsts: dict[str, str] = {}
            for text in response["words"]:
                firsts.setdefault(fold(text), text)
            for key, text in firsts.items():
                people_per_key[key] += 1
                spellings.setdefault(key, Counter())[text] += 1
        words = []
        for key, count in people_per_key.items():
            best = max(spellings[key].values())
            words.append(
                {"text": sorted(t for t, c in spellings[key].items() if c == best)[0], "count": count}
            )
        shape["words"] = sorted(words, key=lambda w: (-w["count"], w["text"].casefold(), w["text"]))[:60]
    return shape


WORD_POOL = [
    "Climat",
    "climat",
    "le climat",
    "Climats",
    "L'eau",
    "eau",
    "Water",
    "water",
    "El clima",
    "المناخ",
    "مناخ",
]


def responses_for(question_format: str, options: list[int]):
    if question_format == "single":
        return st.sampled_from(options).map(lambda option: {"options": [option]})
    if question_format == "multiple":
        return st.lists(st.sampled_from(options), min_size=1, max_size=2, unique=True).map(
            lambda chosen: {"options": chosen}
        )
    if question_format == "rating":
        return st.dictionaries(
            st.sampled_from([str(option) for option in options]), st.integers(0, 10), min_size=1
        ).map(lambda ratings: {"ratings": ratings})
    if question_format == "ranking":
        return st.permutations(options).map(lambda order: {"ranking": list(order)})
    return st.lists(st.sampled_from(WORD_POOL), min_size=1, max_size=3).map(lambda words: {"words": words})


FORMATS = {
    "single": (["Yes", "No", "Maybe"], {}),
    "multiple": (["Water", "Food", "Shelter", "Schools"], {"max_choices": 2}),
    "rating": (["Clear", "Useful"], {"scale_min": 0, "scale_max": 10}),
    "ranking": (["A", "B", "C", "D"], {}),
    "words": ([], {"max_words": 3}),
}


@pytest.mark.parametrize("question_format", sorted(FORMATS))
def test_any_history_of_changes_leaves_results_equal_to_a_naive_recount(meeting, question_format):
    texts, question_settings = FORMATS[question_format]
    question = make_ballot_question(meeting.question_ids[0], question_format, texts, **question_settings)
    options = list(zip(option_ids(question.id), texts, strict=True))
    ids = [option_id for option_id, _ in options]
    participants = people(meeting)
    # What a phone does: a new change (a cast, a change or a withdrawal, numbered one higher than
    # its last), or a change it already sent arriving again (the same one, or an older one, late).
    change = st.tuples(
        st.just("change"), st.sampled_from(range(PEOPLE)), st.none() | responses_for(question_format, ids)
    )
    resend = st.tuples(st.just("resend"), st.sampled_from(range(PEOPLE)), st.integers(0, 50))

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.lists(st.one_of(change, resend), max_size=25))
    def check(history):
        db.session.execute(db.delete(Ballot))
        db.session.commit()
        sent: dict[int, list[tuple[int, dict | None]]] = {index: [] for index in range(PEOPLE)}
        final: dict[int, tuple[int, dict | None]] = {}
        for action, index, detail in history:
            if action == "change":
                seq = len(sent[index]) + 1
                sent[index].append((seq, detail))
            elif sent[index]:
                seq, detail = sent[index][detail % len(sent[index])]
            else:
                continue
            person = db.session.get(Participant, participants[index])
            if detail is None:
                ballots.withdraw(person, question, f"phone-{index}-1", seq)
            else:
                ballots.cast(person, question, f"phone-{index}-1", seq, detail)
            db.session.commit()
            if index not in final or final[index][0] < seq:
                final[index] = (seq, detail)
        responses = {index: response for index, (_, response) in final.items()}
        expected = naive_recount(question, options, responses)
        assert tally.results_for(question) == expected
        assert tally.respondent_count(question) == expected["respondents"]
        for index, (seq, _) in final.items():
            assert ballots.find(participants[index], question.id).seq == seq

    check()
