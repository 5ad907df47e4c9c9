import math
from collections import Counter
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from facilitator.breakouts.assignment import (
    AssignmentError,
    Person,
    assign_balanced,
    assign_by_attribute,
    assign_random,
    attribute_value,
    group_count_for,
    place_late_joiner,
)

MODES = {
    "random": lambda people, groups, seed: assign_random(people, groups, seed),
    "balanced": lambda people, groups, seed: assign_balanced(people, groups, "country", seed),
    "by_attribute": lambda people, groups, seed: assign_by_attribute(people, groups, "country", seed),
}
PROPERTY = settings(max_examples=200, deadline=None, database=None)

# Few values so that they repeat, with the awkward ones: unknown, blank, spacing, case, both
# Unicode forms of the same accent, and scripts other than Latin.
VALUES = [
    "Kenya",
    "kenya ",
    "Senegal",
    "Côte d’Ivoire",
    "Co\u0302te d’Ivoire",
    "中国",
    "Ελλάδα",
    "",
    "   ",
    "Perú",
]
value_strategy = st.one_of(st.sampled_from(VALUES), st.text(max_size=3))


def people_strategy(
    min_size: int = 0, max_size: int = 60, values: st.SearchStrategy[str] = value_strategy
) -> st.SearchStrategy[list[Person]]:
    # Ids in steps from an arbitrary start are drawn far faster than unique random ids, and input
    # order is exercised separately by shuffling. None stands for a question never answered.
    answers = st.lists(st.none() | values, min_size=min_size, max_size=max_size)
    return st.builds(
        lambda start, step, answers: [
            Person(start + step * k, {} if value is None else {"country": value})
            for k, value in enumerate(answers)
        ],
        st.integers(min_value=-5, max_value=1000),
        st.integers(min_value=1, max_value=7),
        answers,
    )


def person(person_id: int, country: str | None = None) -> Person:
    return Person(person_id, {} if country is None else {"country": country})


def countries(*names: str, start: int = 1) -> list[Person]:
    return [person(start + index, name) for index, name in enumerate(names)]


# The helpers below state the guarantees; tests further down show that each one rejects a bad plan.


def assert_everyone_once(result: list[list[int]], people: list[Person], groups: int) -> None:
    assert len(result) == groups
    placed = [person_id for group in result for person_id in group]
    assert Counter(placed) == Counter(p.id for p in people)
    assert len(placed) == len(set(placed))
    if len(people) >= groups:
        assert all(result), "a group was left empty although there were enough people"


def size_spread(result: list[list[int]]) -> int:
    sizes = [len(group) for group in result]
    return max(sizes) - min(sizes)


def value_spread(result: list[list[int]], people: list[Person]) -> int:
    """The largest difference, over all values, between the groups holding most and fewest of it."""
    value_of = {p.id: attribute_value(p, "country") for p in people}
    per_group = [Counter(value_of[person_id] for person_id in group) for group in result]
    return max(
        (
            max(c[value] for c in per_group) - min(c[value] for c in per_group)
            for value in set(value_of.values())
        ),
        default=0,
    )


def mixed_groups(result: list[list[int]], people: list[Person]) -> list[int]:
    value_of = {p.id: attribute_value(p, "country") for p in people}
    return [index for index, group in enumerate(result) if len({value_of[i] for i in group}) > 1]


def groups_per_value(result: list[list[int]], people: list[Person]) -> dict[str, list[int]]:
    """Each value's group sizes, for plans where no group mixes values."""
    value_of = {p.id: attribute_value(p, "country") for p in people}
    sizes: dict[str, list[int]] = {}
    for group in result:
        if group:
            sizes.setdefault(value_of[group[0]], []).append(len(group))
    return sizes


# The checks can fail.


def test_the_checks_reject_bad_plans():
    people = countries("Kenya", "Kenya", "Peru", "Peru")
    with pytest.raises(AssertionError):
        assert_everyone_once([[1, 2], [2, 3]], people, 2)  # 2 twice, 4 missing
    with pytest.raises(AssertionError):
        assert_everyone_once([[1, 2, 3, 4], []], people, 2)  # an empty group with people to spare
    with pytest.raises(AssertionError):
        assert_everyone_once([[1, 2, 3, 4]], people, 2)  # a group missing
    assert size_spread([[1, 2, 3], [4]]) == 2
    assert value_spread([[1, 2], [3, 4]], people) == 2  # both Kenyans together
    assert value_spread([[1, 3], [2, 4]], people) == 0
    assert mixed_groups([[1, 3], [2, 4]], people) == [0, 1]
    assert mixed_groups([[1, 2], [3, 4]], people) == []


# Every mode.


@pytest.mark.parametrize("mode", MODES)
@PROPERTY
@given(
    people=people_strategy(),
    groups=st.integers(min_value=1, max_value=70),
    seed=st.integers(),
    data=st.data(),
)
def test_everyone_is_placed_once_and_only_the_seed_decides(mode, people, groups, seed, data):
    result = MODES[mode](people, groups, seed)
    assert_everyone_once(result, people, groups)
    assert all(group == sorted(group) for group in result)
    assert MODES[mode](data.draw(st.permutations(people)), groups, seed) == result


@pytest.mark.parametrize("mode", ["random", "balanced"])
@PROPERTY
@given(
    people=people_strategy(min_size=12, max_size=30, values=st.sampled_from(VALUES)),
    data=st.data(),
    seed=st.integers(),
)
def test_different_seeds_give_different_groups(mode, people, data, seed):
    groups = data.draw(st.integers(min_value=2, max_value=len(people) // 2))
    # Five seeds agreeing by chance is below one in a million for twelve people in two groups.
    plans = {str(MODES[mode](people, groups, seed + step)) for step in range(5)}
    assert len(plans) > 1


@pytest.mark.parametrize("mode", MODES)
def test_different_seeds_give_different_groups_examples(mode):
    people = countries(*(["Kenya"] * 20 + ["Peru"] * 20))
    assert len({str(MODES[mode](people, 4, seed)) for seed in range(5)}) > 1


@pytest.mark.parametrize("mode", MODES)
def test_input_order_does_not_matter(mode):
    people = countries("Kenya", "Peru", "Kenya", "Chile", "Peru", "Kenya", "", "Chile")
    assert MODES[mode](people, 3, 7) == MODES[mode](people[::-1], 3, 7)


@pytest.mark.parametrize("mode", MODES)
def test_nobody_yet(mode):
    assert MODES[mode]([], 3, 1) == [[], [], []]
    assert MODES[mode]([], 1, 1) == [[]]


@pytest.mark.parametrize("mode", MODES)
def test_one_person(mode):
    result = MODES[mode]([person(42, "Kenya")], 3, 1)
    assert sorted(result) == [[], [], [42]]


@pytest.mark.parametrize("mode", MODES)
def test_more_groups_than_people_leaves_the_extra_groups_empty(mode):
    people = countries("Kenya", "Kenya", "Peru")
    result = MODES[mode](people, 5, 3)
    assert sorted(len(group) for group in result) == [0, 0, 1, 1, 1]


@pytest.mark.parametrize("mode", MODES)
def test_one_group_holds_everyone(mode):
    people = countries("Kenya", "Peru", "", "中国")
    assert MODES[mode](people, 1, 9) == [[1, 2, 3, 4]]


@pytest.mark.parametrize("mode", MODES)
def test_rejects_no_groups_and_repeated_people(mode):
    with pytest.raises(AssignmentError, match="at least one group"):
        MODES[mode](countries("Kenya"), 0, 1)
    with pytest.raises(AssignmentError, match="Participant 1 is listed twice"):
        MODES[mode]([person(1, "Kenya"), person(1, "Peru")], 2, 1)


def test_the_same_seed_rebuilds_the_same_plan_on_every_machine():
    # A previewed plan is rebuilt from its seed, so this exact answer must not drift between releases.
    people = countries(*"ABCDEFGH")
    assert assign_random(people, 3, 2024) == assign_random(people, 3, 2024)
    assert assign_random(people, 3, 2024) == [[2, 3, 4], [5, 7, 8], [1, 6]]


# Values.


def test_values_ignore_case_spacing_and_unicode_form():
    forms = ["Côte d’Ivoire", "Co\u0302te d’Ivoire", "  CÔTE  d’ivoire ", "Ｃôte d’Ivoire"]
    assert {attribute_value(person(1, form), "country") for form in forms} == {"côte d’ivoire"}
    assert attribute_value(person(1), "country") == ""
    assert attribute_value(person(1, "   "), "country") == ""
    assert attribute_value(Person(1, {"country": None}), "country") == ""  # type: ignore[dict-item]


# Random.


@PROPERTY
@given(people=people_strategy(), groups=st.integers(min_value=1, max_value=70), seed=st.integers())
def test_random_sizes_differ_by_at_most_one(people, groups, seed):
    assert size_spread(assign_random(people, groups, seed)) <= 1


def test_random_sizes_example():
    result = assign_random(countries(*"ABCDEFGHIJ"), 4, 5)
    assert sorted(len(group) for group in result) == [2, 2, 3, 3]


# Balanced.


@PROPERTY
@given(people=people_strategy(), groups=st.integers(min_value=1, max_value=70), seed=st.integers())
def test_balanced_spreads_sizes_and_every_value(people, groups, seed):
    result = assign_balanced(people, groups, "country", seed)
    assert size_spread(result) <= 1
    assert value_spread(result, people) <= 1
    # The same in the moderator's words: compatriots meet only when their country outnumbers the groups.
    counts = Counter(attribute_value(p, "country") for p in people)
    value_of = {p.id: attribute_value(p, "country") for p in people}
    for group in result:
        for value, here in Counter(value_of[i] for i in group).items():
            if counts[value] <= groups:
                assert here == 1


def test_balanced_puts_each_kenyan_in_a_different_group():
    people = countries("Kenya", "Kenya", "Kenya", "Kenya", "Peru", "Peru", "Chile", "Chile")
    result = assign_balanced(people, 4, "country", 11)
    assert [sum(1 for i in group if i <= 4) for group in result] == [1, 1, 1, 1]
    assert mixed_groups(result, people) == [0, 1, 2, 3]
    assert value_spread(result, people) == 1  # two Peruvians and two Chileans over four groups
    assert size_spread(result) == 0


def test_balanced_spreads_unknown_answers_too():
    people = [
        person(1),
        person(2, ""),
        person(3, "  "),
        person(4, "Kenya"),
        person(5, "Kenya"),
        person(6, "Peru"),
    ]
    result = assign_balanced(people, 3, "country", 4)
    assert [sum(1 for i in group if i <= 3) for group in result] == [1, 1, 1]


def test_balanced_treats_spellings_of_one_country_as_one():
    people = countries("Côte d’Ivoire", "Co\u0302te d’Ivoire", "CÔTE D’IVOIRE", "Peru", "Peru", "Peru")
    result = assign_balanced(people, 3, "country", 8)
    assert [sum(1 for i in group if i <= 3) for group in result] == [1, 1, 1]


def test_balanced_with_a_large_country_differs_by_at_most_one():
    people = countries(*(["Kenya"] * 7 + ["Peru"] * 2))
    result = assign_balanced(people, 3, "country", 1)
    assert sorted(sum(1 for i in group if i <= 7) for group in result) == [2, 2, 3]


# By attribute.


@PROPERTY
@given(people=people_strategy(), groups=st.integers(min_value=1, max_value=70), seed=st.integers())
def test_by_attribute_keeps_values_together(people, groups, seed):
    result = assign_by_attribute(people, groups, "country", seed)
    values = {attribute_value(p, "country") for p in people}
    value_of = {p.id: attribute_value(p, "country") for p in people}
    if len(values) <= groups:
        assert mixed_groups(result, people) == []
        for sizes in groups_per_value(result, people).values():
            assert max(sizes) - min(sizes) <= 1
    else:
        # Too few groups for every value: smaller values share a group, but no value is split.
        homes = {
            value: {index for index, group in enumerate(result) for i in group if value_of[i] == value}
            for value in values
        }
        assert all(len(home) == 1 for home in homes.values())


@PROPERTY
@given(people=people_strategy(min_size=2, values=st.sampled_from(VALUES)), data=st.data(), seed=st.integers())
def test_by_attribute_shares_groups_in_proportion(people, data, seed):
    counts = Counter(attribute_value(p, "country") for p in people)
    assume(len(counts) < len(people))
    groups = data.draw(st.integers(min_value=len(counts), max_value=len(people) - 1))
    shares = {
        value: len(sizes)
        for value, sizes in groups_per_value(
            assign_by_attribute(people, groups, "country", seed), people
        ).items()
    }
    assert set(shares) == set(counts)
    assert sum(shares.values()) == groups
    quotas = {value: Fraction(groups * count, len(people)) for value, count in counts.items()}
    for value, share in shares.items():
        quota = quotas[value]
        # Largest remainder hands out the floor or the ceiling of each quota...
        assert 1 <= share <= max(1, math.ceil(quota))
        # ...and only a value raised to its one group can push another below its floor.
        if all(q >= 1 for q in quotas.values()):
            assert share >= math.floor(quota)


def test_by_attribute_gives_languages_groups_in_proportion():
    people = countries(*(["fr"] * 6 + ["en"] * 3 + ["es"] * 3))
    result = assign_by_attribute(people, 4, "country", 2)
    assert mixed_groups(result, people) == []
    assert groups_per_value(result, people) == {"fr": [3, 3], "en": [3], "es": [3]}
    # Largest value first, so a moderator reads the plan language by language.
    assert all(i <= 6 for i in result[0] + result[1])


def test_by_attribute_gives_small_values_a_group_of_their_own():
    # Proportion alone would give all ten groups to the 90; each small language still gets one.
    people = countries(*(["en"] * 90 + ["fr"] * 5 + ["ar"] * 5))
    result = assign_by_attribute(people, 10, "country", 6)
    per_value = groups_per_value(result, people)
    assert sorted(per_value["en"]) == [11, 11, 11, 11, 11, 11, 12, 12]
    assert per_value["fr"] == [5]
    assert per_value["ar"] == [5]


def test_by_attribute_merges_the_smallest_values_when_groups_run_out():
    people = countries(*(["en"] * 10 + ["fr"] * 6 + ["es"] * 3 + ["pt"] * 2 + ["ar"] * 1))
    result = assign_by_attribute(people, 3, "country", 5)
    assert [len(group) for group in result] == [10, 6, 6]
    assert result[0] == list(range(1, 11))
    assert result[1] == list(range(11, 17))
    assert result[2] == list(range(17, 23))


def test_by_attribute_keeps_unknown_answers_as_their_own_group():
    people = [person(1, "fr"), person(2, "fr"), person(3), person(4, " ")]
    result = assign_by_attribute(people, 2, "country", 3)
    assert sorted(result) == [[1, 2], [3, 4]]


def test_by_attribute_splits_a_value_evenly():
    people = countries(*(["fr"] * 7))
    result = assign_by_attribute(people, 3, "country", 3)
    assert sorted(len(group) for group in result) == [2, 2, 3]


# Number of groups.


@PROPERTY
@given(people=st.integers(min_value=0, max_value=5000), groups=st.integers(min_value=1, max_value=600))
def test_group_count_from_a_number_of_groups(people, groups):
    assert group_count_for(people, groups=groups) == max(1, min(groups, people))


@PROPERTY
@given(people=st.integers(min_value=0, max_value=5000), size=st.integers(min_value=1, max_value=600))
def test_group_count_from_a_size_is_the_nearest_whole_number(people, size):
    count = group_count_for(people, group_size=size)
    assert 1 <= count <= max(1, people)
    if people >= size:
        assert abs(Fraction(people, size) - count) <= Fraction(1, 2)
        assert Fraction(people, size) - count != Fraction(1, 2)  # halves round up


def test_group_count_examples():
    assert group_count_for(10, group_size=4) == 3  # 2.5 rounds up
    assert group_count_for(9, group_size=4) == 2
    assert group_count_for(11, group_size=4) == 3
    assert group_count_for(3, group_size=10) == 1
    assert group_count_for(3, groups=10) == 3
    assert group_count_for(0, groups=4) == 1
    assert group_count_for(0, group_size=4) == 1
    assert group_count_for(1, groups=1) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "either a number of groups or a group size"),
        ({"groups": 2, "group_size": 3}, "either a number of groups or a group size"),
        ({"groups": 0}, "at least one group"),
        ({"groups": -3}, "at least one group"),
        ({"group_size": 0}, "at least one person"),
    ],
)
def test_group_count_rejects_impossible_requests(kwargs, message):
    with pytest.raises(AssignmentError, match=message):
        group_count_for(10, **kwargs)


def test_group_count_rejects_a_negative_number_of_people():
    with pytest.raises(AssignmentError, match="cannot be negative"):
        group_count_for(-1, groups=2)


# Late joiners.


@PROPERTY
@given(st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=40))
def test_late_joiner_goes_to_the_first_smallest_group(sizes):
    index = place_late_joiner(sizes)
    assert sizes[index] == min(sizes)
    assert min(sizes) not in sizes[:index]


def test_late_joiner_examples():
    assert place_late_joiner([3, 2, 2]) == 1
    assert place_late_joiner([0]) == 0
    assert place_late_joiner((4, 4, 4)) == 0
    with pytest.raises(AssignmentError, match="no group to join"):
        place_late_joiner([])
