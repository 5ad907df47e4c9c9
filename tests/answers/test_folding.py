"""The word-cloud key: one rule people can predict, in English, French, Spanish and Arabic."""

import pytest

from facilitator.answers.folding import fold


def test_one_key_for_the_ways_people_write_climate_in_french():
    spellings = [
        "Climat",
        "climat",
        "le climat",
        "Climats",
        "l'climat",
        "LE CLIMAT",
        "les climats",
        " climat! ",
    ]
    assert {fold(text) for text in spellings} == {"climat"}


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        # English: articles, prepositions, determiners and a plural.
        ("The Climate", "climate"),
        ("a future of hope", "future hope"),
        ("our Schools", "school"),
        ("Health and jobs", "health job"),
        # French: elisions with either apostrophe, accents, contractions.
        ("L’Éducation", "education"),
        ("d'eau", "eau"),
        ("la santé des enfants", "sante enfant"),
        ("aux énergies renouvelables", "energie renouvelable"),
        ("aujourd'hui", "aujourd'hui"),
        # Spanish.
        ("El clima", "clima"),
        ("las energías", "energia"),
        ("una educación para todos", "educacion todo"),
        ("Salud y agua", "salud agua"),
        # Arabic: the article, "and the", prepositions, diacritics and the stretching stroke.
        ("المناخ", "مناخ"),
        ("والمناخ", "مناخ"),
        ("في المناخ", "مناخ"),
        ("مُناخ", "مناخ"),
        ("مـنـاخ", "مناخ"),
        ("التعليم في المدارس", "تعليم مدارس"),
        ("إلى", ""),
    ],
)
def test_examples_in_four_languages(typed, key):
    assert fold(typed) == key


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("bus", "bus"),  # three letters: kept
        ("gas", "gas"),
        ("stress", "stress"),  # a double s is not a plural
        ("Climats", "climat"),
        ("jobs", "job"),
    ],
)
def test_plural_rule_is_a_final_s_on_longer_words_only(typed, key):
    assert fold(typed) == key


def test_punctuation_at_either_end_of_each_word_goes_and_spaces_collapse():
    assert fold("«  #Climat ,   justice!!  »") == "climat justice"
    assert fold("bien-être") == "bien-etre"


def test_arabic_article_stays_on_a_short_word():
    # Taking "ال" off would leave a single letter: the word is kept whole.
    assert fold("الف") == "الف"


def test_stop_words_alone_leave_nothing():
    for text in ("the", "of the", "le", "l'", "de la", "los", "و", "في من", "!!!", ""):
        assert fold(text) == "", text


def test_presentation_forms_and_compatibility_characters_meet_their_plain_letters():
    assert fold("ﻣﻨﺎﺥ") == fold("مناخ")
    assert fold("ｃｌｉｍａｔ") == "climat"
    assert fold("ﬁnance") == "finance"
