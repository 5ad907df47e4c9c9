import csv
import random
from pathlib import Path

import pytest
from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score, normalized_mutual_info_score

from facilitator.synthesis.stopwords import FRENCH, SPANISH, STOP_WORDS, fold
from facilitator.synthesis.themes import (
    MAX_TEXT_CHARS,
    FeatureCache,
    Item,
    Theme,
    baseline,
    cluster,
)

DATA = Path(__file__).parent / "data" / "answers.csv"

# Two paraphrase pairs (one English/French across cognates, one with a typo), and answers that share
# nothing with them or with each other.
HAND_MADE = [
    Item(1, "Coordination between ministries was weak during the crisis", "Group 1"),
    Item(2, "Manque de coordination entre les ministères pendant la crise", "Group 2"),
    Item(3, "Deploy more women in UN peacekeeping missions", "Group 3"),
    Item(4, "Sex-disaggregated data is missing", "Group 1"),
    Item(5, "sex disagregated data missing in disasters", "Group 1"),
    Item(6, "Shelters for survivors of violence", "Group 2"),
]


def rows() -> list[dict[str, str]]:
    with DATA.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def items_of(selected: list[dict[str, str]]) -> list[Item]:
    return [Item(int(row["id"]), row["text"], row["group"]) for row in selected]


def question(number: int) -> list[Item]:
    return items_of([row for row in rows() if row["question"] == str(number)])


def memberships(themes: list[Theme]) -> list[list[int]]:
    return sorted(theme.item_ids for theme in themes)


def by_key(themes: list[Theme]) -> dict[str, list[int]]:
    return {theme.key: theme.item_ids for theme in themes}


def theme_of(themes: list[Theme], item_id: int) -> Theme:
    return next(theme for theme in themes if item_id in theme.item_ids)


# Clustering


def test_paraphrases_land_together_and_unrelated_answers_apart():
    assert memberships(cluster(HAND_MADE)) == [[1, 2], [3], [4, 5], [6]]


def test_every_answer_is_in_exactly_one_theme():
    items = question(1)
    ids = [item_id for theme in cluster(items) for item_id in theme.item_ids]
    assert sorted(ids) == sorted(item.id for item in items)


def test_keys_name_the_smallest_answer_of_a_new_theme():
    for theme in cluster(HAND_MADE):
        assert theme.key == f"t{min(theme.item_ids)}"
        assert theme.item_ids == sorted(theme.item_ids)


def test_a_higher_threshold_gives_more_themes():
    items = question(2)
    counts = [len(cluster(items, threshold=threshold)) for threshold in (0.0, 0.07, 0.3, 1.0)]
    assert counts == sorted(counts)
    assert counts[0] == 1
    assert counts[-1] == len(items)


@pytest.mark.parametrize("threshold", [-0.1, 1.5, float("nan")])
def test_a_threshold_outside_zero_to_one_is_refused(threshold):
    with pytest.raises(ValueError, match="threshold"):
        cluster(HAND_MADE, threshold=threshold)


def test_an_answer_given_twice_is_refused():
    with pytest.raises(ValueError, match="twice"):
        cluster([Item(1, "Budget"), Item(1, "Budget line")])


# Determinism


def test_the_same_answers_give_the_same_themes_in_any_order():
    items = question(3)
    first = cluster(items)
    shuffled = items[:]
    random.Random(4).shuffle(shuffled)
    assert cluster(shuffled) == first
    assert cluster(items) == first


def test_a_cache_that_has_seen_other_answers_changes_nothing():
    cache = FeatureCache()
    cluster(question(2), cache=cache)  # numbers columns in another order than a fresh start
    for number in (1, 3):
        assert cluster(question(number), cache=cache) == cluster(question(number))


def test_a_full_cache_starts_afresh_between_calls():
    cache = FeatureCache(max_texts=10)
    cluster(question(1), cache=cache)
    assert cluster(HAND_MADE, cache=cache) == cluster(HAND_MADE)
    assert len(cache) == len(HAND_MADE)


# Incremental recomputation


def test_recomputing_keeps_keys_and_memberships_and_places_new_answers():
    before = cluster(HAND_MADE)
    newcomers = [
        Item(10, "Weak coordination between the ministries", "Group 3"),
        Item(11, "Radio programmes in local languages", "Group 3"),
    ]
    after = cluster([*HAND_MADE, *newcomers], previous=before)
    kept = by_key(after)
    for theme in before:
        assert set(theme.item_ids) <= set(kept[theme.key])
    assert theme_of(after, 10).key == theme_of(before, 1).key
    assert by_key(after)["t11"] == [11]
    assert len(after) == len(before) + 1


def test_new_answers_that_fit_no_theme_are_grouped_among_themselves():
    before = cluster(HAND_MADE)
    newcomers = [Item(20, "Twinning between countries", "Group 1"), Item(21, "Twinning with a country")]
    after = cluster([*HAND_MADE, *newcomers], previous=before)
    assert by_key(after)["t20"] == [20, 21]


def test_previous_answers_are_never_moved():
    # A moderator put two unrelated answers together and split a paraphrase pair.
    curated = [
        Theme("t1", "mixed", [1, 6], [], 0, False),
        Theme("t2", "alone", [2], [], 0, False),
        Theme("t3", "rest", [3, 4, 5], [], 0, False),
    ]
    after = cluster(HAND_MADE, previous=curated)
    assert by_key(after) == {"t1": [1, 6], "t2": [2], "t3": [3, 4, 5]}


def test_a_moderators_key_survives_and_a_deleted_founder_passes_the_key_on():
    previous = [
        Theme("t1", "coordination", [1, 2], [], 0, False),
        Theme("custom", "data", [4, 5], [], 0, False),
    ]
    remaining = [item for item in HAND_MADE if item.id != 1]
    assert by_key(cluster(remaining, previous=previous))["t2"] == [2]
    assert by_key(cluster(HAND_MADE, previous=previous))["custom"] == [4, 5]


def test_deleted_answers_leave_their_themes_and_empty_themes_go():
    previous = cluster(HAND_MADE)
    remaining = [item for item in HAND_MADE if item.id not in (3, 5)]
    after = cluster(remaining, previous=previous)
    assert memberships(after) == [[1, 2], [4], [6]]


def test_an_answer_claimed_by_two_previous_themes_stays_in_the_first():
    previous = [Theme("t1", "", [1, 2], [], 0, False), Theme("t2", "", [2, 4], [], 0, False)]
    after = by_key(cluster([HAND_MADE[0], HAND_MADE[1], HAND_MADE[3]], previous=previous))
    assert after["t1"] == [1, 2]
    assert after["t4"] == [4]


def test_recomputing_with_nothing_new_changes_nothing():
    items = question(1)
    themes = cluster(items)
    assert cluster(items, previous=themes) == themes


def test_building_up_batch_by_batch_matches_the_shape_of_a_full_run():
    items = question(3)
    themes: list[Theme] = []
    cache = FeatureCache()
    for end in range(10, len(items) + 10, 10):
        themes = cluster(items[:end], previous=themes, cache=cache)
    assert sorted(i for theme in themes for i in theme.item_ids) == sorted(item.id for item in items)
    assert len({theme.key for theme in themes}) == len(themes)


# What a theme says about itself


def test_shared_themes_come_from_two_groups_and_distinct_ones_from_one():
    items = [
        Item(1, "Dedicated budget for the NAP", "Group 10", votes=2),
        Item(2, "A dedicated NAP budget line", "Group 2", votes=3),
        Item(3, "Dedicated budget, NAP", "Group 10"),
        Item(4, "Train border guards on gender", "Group 4", votes=1),
        Item(5, "Gender training for border guards", "Group 4"),
        Item(6, "Train border guards", None),
        Item(7, "Training of border guards", " "),
    ]
    themes = cluster(items)
    budget, guards = theme_of(themes, 1), theme_of(themes, 4)
    assert budget.item_ids == [1, 2, 3]
    assert budget.groups == ["Group 2", "Group 10"]
    assert budget.shared
    assert budget.votes == 5
    assert guards.item_ids == [4, 5, 6, 7]
    assert guards.groups == ["Group 4"]  # plenary answers, and blank group names, are no group
    assert not guards.shared


def test_themes_come_shared_first_then_by_size_then_by_votes():
    items = [
        Item(1, "Budget", "Group 1"),
        Item(2, "Peacekeeping", "Group 1"),
        Item(3, "Peacekeeping", "Group 1"),
        Item(4, "Mediation", "Group 1", votes=4),
        Item(5, "Data", "Group 1"),
        Item(6, "Data", "Group 2"),
    ]
    assert [theme.key for theme in cluster(items)] == ["t5", "t2", "t4", "t1"]


def test_labels_are_phrases_of_the_themes_own_answers():
    themes = cluster(question(1)) + cluster(question(2)) + cluster(question(3))
    texts = {item.id: item.text for number in (1, 2, 3) for item in question(number)}
    for theme in themes:
        phrases = theme.label.split(" · ")
        assert 2 <= len(phrases) <= 4, theme.label
        assert len(set(phrases)) == len(phrases)
        for phrase in phrases:
            # As written, capitals included, in one of the theme's own answers.
            assert any(phrase in texts[item_id] for item_id in theme.item_ids), phrase
            words = [fold(word) for word in phrase.replace("'", " ").split()]
            assert words[0] not in STOP_WORDS
            assert words[-1] not in STOP_WORDS


def test_a_label_keeps_the_answers_capitals_and_prefers_the_shared_words():
    label = theme_of(cluster(HAND_MADE), 1).label
    assert "coordination" in label.casefold()
    label = cluster([Item(1, "Cost the NAP"), Item(2, "Costed NAP please")], threshold=0.0)[0].label
    assert "NAP" in label
    assert "nap" not in label


# Awkward input


def test_no_answers_give_no_themes():
    assert cluster([]) == []
    assert cluster([], previous=cluster(HAND_MADE)) == []


def test_one_answer_is_one_theme():
    [theme] = cluster([Item(7, "Local action plans in every province", "Group 1", votes=2)])
    assert theme == Theme("t7", theme.label, [7], ["Group 1"], 2, False)
    assert theme.label


def test_blank_answers_are_left_out():
    items = [Item(1, ""), Item(2, "   \n\t"), Item(3, "Budget line for the NAP")]
    assert memberships(cluster(items)) == [[3]]
    assert cluster(items[:2]) == []


def test_emoji_other_scripts_and_stop_words_alone_get_themes():
    items = [
        Item(1, "👍👍"),
        Item(2, "👍👍"),
        Item(3, "Нужен отдельный бюджет для плана"),
        Item(4, "Нужен отдельный бюджет"),
        Item(5, "ميزانية مخصصة للخطة الوطنية"),
        Item(6, "and so on"),
    ]
    themes = cluster(items)
    assert memberships(themes) == [[1, 2], [3, 4], [5], [6]]
    labels = {theme.item_ids[0]: theme.label for theme in themes}
    assert labels[1] == "👍👍"
    assert "бюджет" in labels[3]
    assert "ميزانية" in labels[5]
    assert labels[6] == "and so on"


def test_very_long_answers_are_read_up_to_the_cap():
    pasted = "Dedicated budget for the NAP. " + "x" * 10_000 + " peacekeeping"
    items = [Item(1, pasted), Item(2, "Dedicated budget for the NAP"), Item(3, "y" * 5_000)]
    themes = cluster(items)
    assert theme_of(themes, 1).item_ids == [1, 2]
    assert "peacekeeping" not in theme_of(themes, 1).label
    assert all(len(theme.label) < 200 for theme in themes)
    assert MAX_TEXT_CHARS == 2_000


def test_two_thousand_answers():
    rng = random.Random(1)
    texts = [row["text"] for row in rows()]
    items = [Item(index, rng.choice(texts), f"Group {rng.randint(1, 100)}") for index in range(2_000)]
    themes = cluster(items)
    assert sum(len(theme.item_ids) for theme in themes) == 2_000
    # The same text always lands with its copies.
    theme_of_text: dict[str, str] = {}
    for theme in themes:
        for item_id in theme.item_ids:
            assert theme_of_text.setdefault(items[item_id].text, theme.key) == theme.key


# Stop words


def test_french_and_spanish_stop_words_are_compared_without_accents():
    assert len(FRENCH) >= 150
    assert len(SPANISH) >= 150
    for word in ("à", "A", "été", "ETE", "también", "Tambien", "où", "más", "the"):
        assert fold(word) in STOP_WORDS
    for word in ("femmes", "mujeres", "women", "system", "first", "budget"):
        assert fold(word) not in STOP_WORDS
    assert fold("Élaboration œuvre İ") == "elaboration oeuvre i"


# The labelled data set and the agreement reached on it


def test_the_data_set_is_labelled_as_described():
    data = rows()
    assert len(data) >= 120
    assert len({row["id"] for row in data}) == len(data)
    assert {row["question"] for row in data} == {"1", "2", "3"}
    assert {row["group"] for row in data} == {f"Group {number}" for number in range(1, 7)}
    assert all(row["text"].strip() and row["theme"].strip() for row in data)
    for number in "123":
        themes = {row["theme"] for row in data if row["question"] == number}
        assert 8 <= len(themes) <= 12


def agreement(method) -> tuple[float, float, float]:
    """ARI, NMI and AMI over all questions, each question's answers clustered on their own."""
    truth, found = [], []
    for number in (1, 2, 3):
        items = question(number)
        groups = method(items)
        group_of = {item_id: f"{number}:{index}" for index, group in enumerate(groups) for item_id in group}
        labels = {int(row["id"]): row["theme"] for row in rows()}
        truth += [f"{number}:{labels[item.id]}" for item in items]
        found += [group_of[item.id] for item in items]
    return (
        adjusted_rand_score(truth, found),
        normalized_mutual_info_score(truth, found),
        adjusted_mutual_info_score(truth, found),
    )


def test_agreement_with_the_people_who_labelled_the_data_set():
    ari, nmi, ami = agreement(lambda items: [theme.item_ids for theme in cluster(items)])
    # Reached 0.42 ARI and 0.83 NMI when the threshold was chosen (bench/themes.py).
    assert ari >= 0.37
    assert nmi >= 0.78
    base_ari, _, base_ami = agreement(baseline)
    assert ari >= base_ari + 0.2
    # Not NMI: it gives every answer on its own about 0.8 here, which is all the baseline does, so
    # the chance-corrected AMI makes the comparison instead.
    assert ami >= base_ami + 0.2
