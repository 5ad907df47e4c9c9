"""Stop words for English, French and Spanish, compared without accents or capitals.

scikit-learn ships an English list only. Its list also holds a few words that carry meaning in
meeting answers ("first responders", "system", "a bill in parliament", "whole-of-government"), so
those are taken out again. The French and Spanish lists are written here with their accents, as a
reader expects them; `STOP_WORDS` holds every list folded the same way as the answers are before
they are compared (see `fold`), so "à", "A" and "a" are one word.
"""

from __future__ import annotations

import unicodedata

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS


def _listed(words: str) -> frozenset[str]:
    """The words of a block of text: long lists read better wrapped than as quoted literals."""
    return frozenset(words.split())


# Words of scikit-learn's English list that name something in answers about policy and crises.
_ENGLISH_CONTENT_WORDS = _listed(
    """
    amount bill bottom cry describe detail empty fire first found front full interest mill name
    part serious side system thick thin top whole
    """
)

# How officials pad a workshop answer in any of the three languages: it says nothing about the idea.
_ENGLISH_FILLER = _listed(
    """
    also e.g etc ensure important just like lot lots make making need needed needs really thing
    things way ways
    """
)

ENGLISH = (ENGLISH_STOP_WORDS - _ENGLISH_CONTENT_WORDS) | _ENGLISH_FILLER

FRENCH = _listed(
    """
    a à afin ai aie ailleurs ainsi alors après au aucun aucune auprès auquel aura auront aurait
    aussi autre autres aux avaient avais avait avant avec avez avoir avons ayant beaucoup bien c
    ça car ce ceci cela celle celles celui cependant certains ces cet cette ceux chaque chez comme
    comment d dans de déjà depuis des dès doit doivent donc dont du durant elle elles en encore
    entre est et étaient était été être eu eux faire fait faut font hors ici il ils j je jusqu
    jusque l la laquelle le lequel les lesquels leur leurs lors lorsque lui m ma mais me même
    mêmes mes moi moins mon n ne ni non nos notamment notre nous on ont ou où par parce pas
    pendant peu peut peuvent plus plutôt pour pourquoi puis qu quand que quel quelle quelles
    quels qui quoi s sa sans se selon sera seront serait ses seulement si soit soient sommes son
    sont sous suis sur t ta tant te tel telle telles tels tes toi ton toujours tous tout toute
    toutes très trop tu un une unes uns vers via vos votre vous y
    """
)

SPANISH = _listed(
    """
    a además al algo algunas algunos allí ante antes aquel aquella aquí así aún aunque bien cada
    como cómo con contra cual cuál cuando de debe deben debería deberían del desde donde dónde
    durante e el él ella ellas ello ellos en entonces entre era eran es esa esas ese eso esos
    esta está estaba estamos están estar estas este esto estos etc fue fueron ha había habían
    haber hace hacer han hasta hay he hemos la las le les lo los luego más me mi mis mismo misma
    mucho muy nada ni no nos nosotros nuestra nuestras nuestro nuestros o os otra otras otro
    otros para pero poco por porque pueden puede que qué quien quienes se sea según ser si sí
    sin sino sobre solo sólo son su sus también tanto te tiene tienen toda todas todo todos tras
    tu un una uno unos unas usted ustedes vez veces y ya yo
    """
)

# Letters that Unicode does not split into a base letter and an accent.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "’": "'"})


def fold(text: str) -> str:
    """Lower-case `text` and strip its accents: "Élaboration" becomes "elaboration"."""
    # Capitals first: casefold can itself add an accent ("İ" becomes "i" and a dot above).
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES).casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


STOP_WORDS = frozenset(fold(word) for word in ENGLISH | FRENCH | SPANISH)
