"""The key under which a word cloud counts an entry: "Climat", "le climat" and "climats" are one.

The rule is short and predictable rather than clever, because people see its effect and must
be able to guess it:

- compatibility decomposition (NFKD) with the accents and other combining marks dropped, so
  "Élan" and "elan", or "إلى" and "الى", meet; Arabic tatweel (the stretching stroke) goes too;
- casefold;
- each word loses the punctuation at either end ("climat!", "«climat»", "#climat");
- French elisions "l'" and "d'" are taken off ("l'eau" is "eau");
- stop words are dropped: a short list of articles, prepositions, determiners and "and" in
  English, French, Spanish and Arabic, and the Arabic article "ال" (also "وال") at the start
  of a word that keeps at least two letters;
- a final "s" is dropped from words longer than three letters that do not end in "ss"
  ("climats" is "climat", "bus" and "stress" stay);
- one space between the words that remain.

Stop words are one list for every language, since an entry does not say which language it is
in: a word that is a stop word in one language and a content word in another ("or", "son",
"mes", "este") is left out of the list.
"""

from __future__ import annotations

import re
import unicodedata

ENGLISH = {"a", "an", "the", "of", "to", "in", "on", "at", "for", "with", "by", "from", "and"}
ENGLISH |= {"this", "that", "these", "those", "my", "your", "our", "their", "its"}
FRENCH = {"le", "la", "les", "l", "un", "une", "des", "du", "de", "d", "au", "aux", "et"}
FRENCH |= {"en", "dans", "par", "pour", "sur", "avec", "ce", "cet", "cette", "ces"}
FRENCH |= {"notre", "nos", "votre", "vos", "leur", "leurs"}
SPANISH = {"el", "los", "las", "una", "unos", "unas", "del", "al", "y", "con", "por", "para", "su", "sus"}
# After NFKD and without marks: "إلى" is "الى", "أو" is "او".
ARABIC = {"و", "في", "من", "على", "الى", "عن", "مع", "او", "ثم", "هذا", "هذه", "ذلك", "تلك"}
ARABIC |= {"الذي", "التي", "ال"}
STOP_WORDS = frozenset(ENGLISH | FRENCH | SPANISH | ARABIC)

# The Arabic article, alone or after "and", written as one word with what it qualifies.
ARABIC_ARTICLES = ("وال", "ال")
# What "l'" and "d'" may be written with: the typewriter and typographic apostrophes.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2018": "'", "`": "'"})
_ELISION = re.compile(r"^[ld]'(?=\w)")
_TATWEEL = "\u0640"


def _without_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c) and c != _TATWEEL)


def _is_edge(character: str) -> bool:
    # Punctuation and symbols: quotes, brackets, "#", "!", the Arabic comma, emoji.
    return unicodedata.category(character)[0] in "PS"


def _trimmed(word: str) -> str:
    start, end = 0, len(word)
    while start < end and _is_edge(word[start]):
        start += 1
    while end > start and _is_edge(word[end - 1]):
        end -= 1
    return word[start:end]


def _without_article(word: str) -> str:
    for article in ARABIC_ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= 2:
            return word[len(article) :]
    return word


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _key_word(word: str) -> str:
    word = _trimmed(word)
    word = _trimmed(_ELISION.sub("", word))
    if not word or word in STOP_WORDS:
        return ""
    word = _without_article(word)
    return _singular(word)


def fold(text: str) -> str:
    """The word-cloud key of an entry, or "" when nothing but stop words and punctuation is left."""
    text = _without_marks(text).casefold().translate(_APOSTROPHES)
    words = (_key_word(word) for word in text.split())
    return " ".join(word for word in words if word)
