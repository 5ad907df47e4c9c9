"""Themes: answers that say the same thing in different words, grouped offline.

1. Each answer becomes two TF-IDF vectors, compared without accents or capitals and without stop
   words in English, French and Spanish: one of its content words and pairs of neighbouring content
   words, one of the 3- to 5-letter pieces of those words. The pieces match "indicators" with
   "indicateurs" and "traficking" with "trafficking". The similarity of two answers is the weighted
   mean of the two cosine similarities (WORD_SHARE for the words).
2. Answers are grouped by average-linkage hierarchical clustering: two groups of answers merge while
   their answers are, on average, more similar to each other than `threshold`.
3. Given the previous themes, every answer already in a theme stays there and the theme keeps its
   key, so a moderator's renames, merges and moves (stored elsewhere against keys) still apply. A new
   answer joins the existing theme it is most similar to on average, if that is above `threshold`;
   the new answers left over are grouped among themselves.

docs/synthesis.md explains the method to moderators and gives the measured agreement with human
themes; bench/themes.py measures it.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.preprocessing import normalize

from facilitator.synthesis.stopwords import STOP_WORDS, fold

# Longer answers are pasted documents: their first 2,000 characters say what they are about, and
# the cap keeps one paste from costing as much as dozens of ordinary answers.
MAX_TEXT_CHARS = 2_000
# Minimum average similarity for answers to share a theme. Tuned on tests/synthesis/data/answers.csv
# by bench/themes.py, which also reports how well it holds on questions it was not tuned on.
DEFAULT_THRESHOLD = 0.07
# Share of the word vectors in the similarity; the letter pieces have the rest. Measured by the bench.
WORD_SHARE = 0.3
# Two content words still make a phrase across this many stop words ("trata de mujeres").
MAX_STOP_WORDS_IN_PHRASE = 1
MAX_LABEL_PHRASES = 4
MIN_LABEL_PHRASES = 2
# Labels are worked out again on every update: looking at the strongest few terms, and at how the
# first few dozen answers wrote them, keeps a theme of 500 answers as cheap as a theme of five.
LABEL_CANDIDATES = 16
LABEL_WRITERS = 50
# A label must fit on a phone: a run-on "word" (a pasted link, a key held down) is cut short.
MAX_PHRASE_CHARS = 40
FALLBACK_LABEL_CHARS = 60
BASELINE_JACCARD = 0.3

# "M&E" and "S&E" are words in their own right; apostrophes and hyphens split words, so that
# "women's" meets "women" and "sex-disaggregated" meets "sex disaggregated".
_WORD = re.compile(r"\w+(?:&\w+)*")
# What may stand between two words of one phrase: anything else (a comma, a colon) ends it.
_PHRASE_GAP = re.compile(r"[\s'’\-]*")
_SPACES = re.compile(r"\s+")
# scikit-learn's own n-gram code; the accents and capitals are already gone when it runs.
_LETTER_PIECES = CountVectorizer(analyzer="char_wb", ngram_range=(3, 5), lowercase=False).build_analyzer()


@dataclass(frozen=True)
class Item:
    """One answer."""

    id: int
    text: str
    group: str | None = None  # breakout group name, None for plenary
    votes: int = 0


@dataclass
class Theme:
    """Answers that say the same thing."""

    key: str  # "t" and the smallest answer id the theme was founded on; kept while that answer is in it
    label: str  # 2 to 4 key phrases of the theme's own words, joined by " · "
    item_ids: list[int]
    groups: list[str]  # distinct groups that raised it, in natural order ("Group 2" before "Group 10")
    votes: int  # total support
    shared: bool  # raised by two or more groups (convergence); otherwise distinct to one group


@dataclass(frozen=True, eq=False)
class _Features:
    """What one answer's text contributes, with columns numbered by a FeatureCache."""

    word_columns: np.ndarray
    word_counts: np.ndarray
    piece_columns: np.ndarray
    piece_counts: np.ndarray
    written: dict[str, str]  # each folded term as the answer first wrote it, for labels
    text: str


class FeatureCache:
    """Remembers what was read from texts already seen, so that a recomputation reads only new answers.

    Pass the same cache to successive `cluster` calls for one question: the themes are the same as
    without it (up to rounding in the last digit), because the IDF weights are always recomputed
    from the answers of the call. Not thread-safe: keep one per question and process.
    """

    def __init__(self, max_texts: int = 50_000) -> None:
        self.max_texts = max_texts
        self._reset()

    def _reset(self) -> None:
        self._features: dict[str, _Features] = {}
        self._word_columns: dict[str, int] = {}
        self.words: list[str] = []  # folded term of each word column
        self._piece_columns: dict[str, int] = {}
        self._pieces_of: dict[str, np.ndarray] = {}  # folded word -> its letter pieces' columns

    def __len__(self) -> int:
        return len(self._features)

    def _trim(self) -> None:
        # Only between calls: features handed out during a call must keep their column numbers.
        if len(self._features) > self.max_texts:
            self._reset()

    def _read(self, text: str) -> _Features:
        found = self._features.get(text)
        if found is None:
            found = self._features[text] = self._extract(text)
        return found

    def _extract(self, text: str) -> _Features:
        terms = _terms(text)
        words = Counter(folded for folded, _ in terms)
        written: dict[str, str] = {}
        for folded, as_written in terms:
            written.setdefault(folded, as_written)
        content = [folded for folded, _ in terms if " " not in folded]
        # An answer of emoji or of stop words only still has something to compare: its letters.
        pieces = [self._pieces(word) for word in content or fold(text).split()]
        piece_columns, piece_counts = _counted(np.concatenate(pieces) if pieces else np.zeros(0, np.int64))
        word_columns = np.fromiter((self._word_column(word) for word in words), np.int64, len(words))
        order = np.argsort(word_columns)
        return _Features(
            word_columns[order],
            np.fromiter(words.values(), np.float64, len(words))[order],
            piece_columns,
            piece_counts,
            written,
            text,
        )

    def _word_column(self, word: str) -> int:
        column = self._word_columns.get(word)
        if column is None:
            column = self._word_columns[word] = len(self.words)
            self.words.append(word)
        return column

    def _pieces(self, word: str) -> np.ndarray:
        # char_wb cuts every word on its own, so a word's pieces are worked out once and reused.
        pieces = self._pieces_of.get(word)
        if pieces is None:
            columns = self._piece_columns
            pieces = np.array(
                [columns.setdefault(piece, len(columns)) for piece in _LETTER_PIECES(word)], dtype=np.int64
            )
            self._pieces_of[word] = pieces
        return pieces


def _counted(columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct columns, sorted, and how often each occurs: np.unique without its overhead,
    which would cost a tenth of the time of a computation from scratch."""
    if columns.size == 0:
        return columns, np.zeros(0)
    columns = np.sort(columns)
    starts = np.flatnonzero(np.concatenate(([True], columns[1:] != columns[:-1])))
    return columns[starts], np.diff(np.append(starts, columns.size)).astype(np.float64)


@functools.lru_cache(maxsize=65_536)
def _fold_word(word: str) -> str:
    return fold(word)


def _terms(text: str) -> list[tuple[str, str]]:
    """Content words of `text`, and pairs of neighbouring ones, each folded and as written."""
    terms: list[tuple[str, str]] = []
    last: tuple[str, int] | None = None  # previous content word of the phrase: folded, start
    stop_words_since = 0
    end = 0
    for match in _WORD.finditer(text):
        if not _PHRASE_GAP.fullmatch(text, end, match.start()):
            last = None
        end = match.end()
        word = _fold_word(match.group())
        if len(word) < 2 or word in STOP_WORDS:
            stop_words_since += 1
            if stop_words_since > MAX_STOP_WORDS_IN_PHRASE:
                last = None
            continue
        terms.append((word, match.group()))
        if last is not None:
            terms.append((f"{last[0]} {word}", text[last[1] : match.end()]))
        last = (word, match.start())
        stop_words_since = 0
    return terms


def _capped(text: str | None) -> str:
    return (text or "")[:MAX_TEXT_CHARS]


def _tfidf(rows: list[tuple[np.ndarray, np.ndarray]], width: int) -> sparse.csr_matrix:
    """Unit-length TF-IDF rows, the IDF learnt from these rows only."""
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([columns.size for columns, _ in rows], out=indptr[1:])
    columns = np.concatenate([columns for columns, _ in rows]) if rows else np.zeros(0, np.int64)
    counts = np.concatenate([counts for _, counts in rows]) if rows else np.zeros(0)
    # Every answer's columns are sorted and distinct already, which spares scipy a pass over them.
    matrix = sparse.csr_matrix((counts, columns, indptr), shape=(len(rows), width))
    matrix.has_sorted_indices = True
    if width == 0 or not rows:
        return matrix
    # Sublinear counts: an answer that repeats a word is not more about it. Columns of texts that
    # are not in this call have no count, so they change nothing.
    return TfidfTransformer(sublinear_tf=True).fit_transform(matrix).tocsr()


def _vectors(features: list[_Features], cache: FeatureCache) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """Unit-length combined vectors, and the word TF-IDF rows the labels are chosen from."""
    words = _tfidf([(f.word_columns, f.word_counts) for f in features], len(cache.words))
    pieces = _tfidf([(f.piece_columns, f.piece_counts) for f in features], len(cache._piece_columns))
    combined = sparse.hstack([words * math.sqrt(WORD_SHARE), pieces * math.sqrt(1 - WORD_SHARE)]).tocsr()
    # An answer without content words is compared on its letter pieces alone, at full weight.
    return normalize(combined), words


def _agglomerate(vectors: sparse.csr_matrix, threshold: float) -> list[int]:
    """Cluster number of each row: average linkage on cosine distance, cut at 1 - threshold."""
    count = vectors.shape[0]
    if count < 2:
        return [0] * count
    # In place: at 2,000 answers each copy of this matrix costs 32 MB and some milliseconds.
    distances = (vectors @ vectors.T).toarray()
    np.subtract(1.0, distances, out=distances)
    np.clip(distances, 0.0, 2.0, out=distances)
    np.fill_diagonal(distances, 0.0)
    model = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=1.0 - threshold
    )
    return model.fit(distances).labels_.tolist()


def _founder(key: str) -> int | None:
    if key.startswith("t") and key[1:].isdigit():
        return int(key[1:])
    return None


@functools.lru_cache(maxsize=4_096)
def _natural(name: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts "Group 2" before "Group 10"."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part.casefold()) for part in re.split(r"(\d+)", name)
    )


def _label(scores: sparse.csr_matrix, row: int, members: list[_Features], vocabulary: list[str]) -> str:
    """The theme's strongest terms, as its answers wrote them; a pair replaces its own single words.

    `scores` has its values rounded, so that equal scores computed in another order still tie; ties
    go alphabetically, so that the label does not depend on the order the cache met the words in.
    """
    start, stop = scores.indptr[row], scores.indptr[row + 1]
    values, columns = scores.data[start:stop], scores.indices[start:stop]
    if values.size > LABEL_CANDIDATES:
        # Only the strongest few can make the label, with everything that ties with the last of them.
        floor = -np.partition(-values, LABEL_CANDIDATES - 1)[LABEL_CANDIDATES - 1]
        values, columns = values[values >= floor], columns[values >= floor]
    candidates = sorted(
        zip(values.tolist(), columns.tolist(), strict=True),
        key=lambda pair: (-pair[0], vocabulary[pair[1]]),
    )
    chosen: list[tuple[str, set[str]]] = []
    for score, column in candidates:
        if len(chosen) >= MIN_LABEL_PHRASES and score < 0.5 * candidates[0][0]:
            break  # the rest say little about this theme in particular
        term = vocabulary[column]
        words = set(term.split(" "))
        # A word appears once: a pair takes the place of its single words already chosen, and a
        # term that repeats a word of a chosen pair adds nothing.
        overlapping = [index for index, (_, other) in enumerate(chosen) if words & other]
        if any(len(chosen[index][1]) > 1 or len(words) == 1 for index in overlapping):
            continue
        if overlapping:
            chosen[overlapping[0]] = (term, words)
            chosen = [pair for index, pair in enumerate(chosen) if index not in overlapping[1:]]
        else:
            chosen.append((term, words))
        if len(chosen) == MAX_LABEL_PHRASES:
            break
    if not chosen:
        # Emoji or stop words only: the first answer itself is the best label there is.
        return _shortened(next((f.text for f in members if f.text.strip()), ""), FALLBACK_LABEL_CHARS)
    # The way most answers wrote it (capitals included), counted over the first LABEL_WRITERS
    # answers that use it, so that a large theme costs no more than a small one. Counting follows
    # id order and max keeps the first of equals, so the choice is deterministic.
    phrases = []
    for term, _ in chosen:
        forms: dict[str, int] = {}
        writers = 0
        for member in members:
            form = member.written.get(term)
            if form is not None:
                forms[form] = forms.get(form, 0) + 1
                writers += 1
                if writers == LABEL_WRITERS:
                    break
        phrases.append(_shortened(max(forms, key=forms.__getitem__)))
    return " · ".join(phrases)


def _shortened(text: str, limit: int = MAX_PHRASE_CHARS) -> str:
    text = _SPACES.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _mean_rows(matrix: sparse.csr_matrix, groups: list[list[int]]) -> sparse.csr_matrix:
    """One row per group: the mean of the group's rows of `matrix` (zero for an empty group)."""
    sizes = [len(group) for group in groups]
    indicator = sparse.csr_matrix(
        (
            np.repeat([1.0 / size if size else 0.0 for size in sizes], sizes),
            np.array([index for group in groups for index in group], dtype=np.int64),
            np.concatenate([[0], np.cumsum(sizes)]),
        ),
        shape=(len(groups), matrix.shape[0]),
    )
    return (indicator @ matrix).tocsr()


def _kept(previous: Sequence[Theme], present: dict[int, Item]) -> list[tuple[str, list[int]]]:
    """The previous themes' keys and their answers that still exist, in the order of their keys."""
    kept: list[tuple[str, list[int]]] = []
    placed: set[int] = set()
    for theme in previous:
        # An answer claimed by two themes stays in the first.
        members = sorted({item_id for item_id in theme.item_ids if item_id in present} - placed)
        if members:
            kept.append((theme.key, members))
            placed.update(members)
    keys = {key for key, _ in kept}
    renamed = []
    for key, members in kept:
        founder = _founder(key)
        if founder is not None and founder not in members:
            # The founding answer was deleted: the theme is founded anew on its smallest answer.
            keys.discard(key)
            key = next((f"t{item_id}" for item_id in members if f"t{item_id}" not in keys), key)
            keys.add(key)
        renamed.append((key, members))
    renamed.sort(key=lambda pair: (_founder(pair[0]) is None, _founder(pair[0]) or 0, pair[0]))
    return renamed


def cluster(
    items: Sequence[Item],
    *,
    previous: Sequence[Theme] = (),
    threshold: float | None = None,
    cache: FeatureCache | None = None,
) -> list[Theme]:
    """Group answers into themes; the module docstring says how.

    Every answer with text is in exactly one theme. Blank answers say nothing and are left out,
    unless `previous` already put them in a theme. `threshold` is the minimum average similarity
    (0 to 1) for answers to share a theme, DEFAULT_THRESHOLD if None: higher gives more, tighter
    themes. With `previous`, answers already in a theme stay there and the theme keeps its key; new
    answers join the most similar theme or form new ones. A `cache` kept between calls for the same
    question makes recomputation after a few new answers fast. Themes come shared first, then by
    number of answers, then by votes.
    """
    threshold = DEFAULT_THRESHOLD if threshold is None else threshold
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be between 0 and 1, not {threshold}")
    present: dict[int, Item] = {}
    for item in items:
        if item.id in present:
            raise ValueError(f"answer {item.id} is given twice")
        present[item.id] = item
    if cache is None:
        cache = FeatureCache()
    cache._trim()
    # By id, so that the order the answers come in cannot change the themes.
    features = {item_id: cache._read(_capped(present[item_id].text)) for item_id in sorted(present)}

    kept = _kept(previous, present)
    keys = [key for key, _ in kept]
    memberships = [members for _, members in kept]
    placed = {item_id for members in memberships for item_id in members}
    new = [item_id for item_id, f in features.items() if item_id not in placed and f.piece_columns.size]
    themed = sorted(placed) + new
    if not themed:
        return []
    row = {item_id: index for index, item_id in enumerate(themed)}
    vectors, words = _vectors([features[item_id] for item_id in themed], cache)

    leftover = new
    if memberships and new:
        # The mean of a theme's unit vectors: a new answer's dot product with it is the answer's
        # average similarity to the theme's answers, the very test average linkage merges on.
        centroids = _mean_rows(
            vectors, [[row[i] for i in members if features[i].piece_columns.size] for members in memberships]
        )
        similarity = (vectors[[row[i] for i in new]] @ centroids.T).toarray()
        best = similarity.argmax(axis=1)  # on a tie the first theme, and themes are in key order
        leftover = []
        joined: list[list[int]] = [[] for _ in memberships]
        for index, item_id in enumerate(new):
            if similarity[index, best[index]] > threshold:
                joined[best[index]].append(item_id)
            else:
                leftover.append(item_id)
        memberships = [sorted(members + extra) for members, extra in zip(memberships, joined, strict=True)]
    if leftover:
        grouped: dict[int, list[int]] = {}
        numbers = _agglomerate(vectors[[row[i] for i in leftover]], threshold)
        for item_id, number in zip(leftover, numbers, strict=True):
            grouped.setdefault(number, []).append(item_id)
        for members in grouped.values():
            keys.append(f"t{members[0]}")
            memberships.append(members)

    # Averaged over its answers, a term's TF-IDF weight says how much the theme is about it.
    scores = _mean_rows(words, [[row[i] for i in members] for members in memberships])
    scores.data = scores.data.round(9)
    themes = []
    for index, (key, members) in enumerate(zip(keys, memberships, strict=True)):
        # A blank group name is as good as none: the answer came from the plenary.
        groups = sorted({g for i in members if (g := present[i].group) and g.strip()}, key=_natural)
        themes.append(
            Theme(
                key=key,
                label=_label(scores, index, [features[i] for i in members], cache.words),
                item_ids=members,
                groups=groups,
                votes=sum(present[i].votes for i in members),
                shared=len(groups) >= 2,
            )
        )
    themes.sort(key=lambda theme: (not theme.shared, -len(theme.item_ids), -theme.votes, theme.item_ids[0]))
    return themes


def baseline(items: Sequence[Item], *, min_jaccard: float = BASELINE_JACCARD) -> list[list[int]]:
    """Keyword overlap, for comparison only: answers whose content words overlap by a Jaccard index
    of at least `min_jaccard` are linked, and linked answers form one group (single link)."""
    ids = sorted({item.id for item in items})
    text = {item.id: _capped(item.text) for item in items}
    words = [{folded for folded, _ in _terms(text[item_id]) if " " not in folded} for item_id in ids]
    parent = list(range(len(ids)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for first, first_words in enumerate(words):
        for second in range(first + 1, len(ids)):
            union = first_words | words[second]
            if union and len(first_words & words[second]) >= min_jaccard * len(union):
                parent[root(second)] = root(first)
    groups: dict[int, list[int]] = {}
    for index, item_id in enumerate(ids):
        groups.setdefault(root(index), []).append(item_id)
    return sorted(groups.values())
