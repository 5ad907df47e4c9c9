"""Measures how well the synthesis themes agree with people, and how fast they are.

    .venv/bin/python bench/themes.py [--runs 5]

Agreement: the answers of tests/synthesis/data/answers.csv were grouped into themes by hand. Each
question's answers are clustered on their own, as on the synthesis page, and compared with the
hand-made themes by the adjusted Rand index (ARI: pairs of answers put together or apart as a
person did, 0 for chance, 1 for the same grouping) and normalised mutual information (NMI). NMI
rewards many small themes (every answer alone scores about 0.75 here), so the adjusted mutual
information (AMI, 0 for chance) is printed beside it. "all" pools the three questions.

Then: the threshold sweep the default was chosen from, the same choice made on two questions and
checked on the third, themes built up answer batch by answer batch as during a meeting, and the
timings on 2,000 answers from 100 groups made by sampling and garbling the data set.
"""

from __future__ import annotations

import argparse
import csv
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sklearn.metrics import (  # noqa: E402
    adjusted_mutual_info_score,
    adjusted_rand_score,
    normalized_mutual_info_score,
)

from facilitator.synthesis import themes  # noqa: E402
from facilitator.synthesis.themes import FeatureCache, Item, baseline, cluster  # noqa: E402

DATA = ROOT / "tests" / "synthesis" / "data" / "answers.csv"
QUESTIONS = ("1", "2", "3")
SWEEP = [round(0.01 * step, 2) for step in range(2, 21)]
BATCH = 6  # answers arriving between two recomputations during the replay


def load() -> list[dict[str, str]]:
    with DATA.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def items_of(rows: Sequence[dict[str, str]]) -> list[Item]:
    return [Item(int(row["id"]), row["text"], row["group"]) for row in rows]


def agreement(truth: list[str], groups: list[list[int]], ids: list[int]) -> tuple[float, float, float]:
    found = {item_id: number for number, group in enumerate(groups) for item_id in group}
    predicted = [found.get(item_id, -item_id) for item_id in ids]
    return (
        adjusted_rand_score(truth, predicted),
        normalized_mutual_info_score(truth, predicted),
        adjusted_mutual_info_score(truth, predicted),
    )


Method = Callable[[list[Item]], list[list[int]]]


def scores(rows: list[dict[str, str]], method: Method) -> dict[str, tuple[float, float, float, int]]:
    """ARI, NMI, AMI and number of groups for each question and for all pooled."""
    result = {}
    pooled_truth: list[str] = []
    pooled_groups: list[list[int]] = []
    pooled_ids: list[int] = []
    for question in QUESTIONS:
        subset = [row for row in rows if row["question"] == question]
        truth = [row["theme"] for row in subset]
        ids = [int(row["id"]) for row in subset]
        groups = method(items_of(subset))
        result[question] = (*agreement(truth, groups, ids), len(groups))
        pooled_truth += [f"{question}:{label}" for label in truth]
        pooled_groups += groups
        pooled_ids += ids
    result["all"] = (*agreement(pooled_truth, pooled_groups, pooled_ids), len(pooled_groups))
    return result


def themed(threshold: float | None = None) -> Method:
    return lambda items: [theme.item_ids for theme in cluster(items, threshold=threshold)]


def replay(rows: list[dict[str, str]]) -> dict[str, tuple[float, float, float, int]]:
    """Themes built incrementally: answers arrive in id order, BATCH at a time."""

    def method(items: list[Item]) -> list[list[int]]:
        current: list = []
        cache = FeatureCache()
        for end in range(BATCH, len(items) + BATCH, BATCH):
            current = cluster(items[:end], previous=current, cache=cache)
        return [theme.item_ids for theme in current]

    return scores(rows, method)


def garble(text: str, rng: random.Random) -> str:
    """The same answer as another participant might type it: typos, a word left out, a preamble."""
    words = text.split()
    for _ in range(rng.randint(0, 2)):
        index = rng.randrange(len(words))
        word = words[index]
        if len(word) > 3:
            at = rng.randrange(len(word) - 1)
            words[index] = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    if len(words) > 4 and rng.random() < 0.5:
        del words[rng.randrange(len(words))]
    if rng.random() < 0.3:
        words = [word.upper() if len(word) > 3 and rng.random() < 0.2 else word.lower() for word in words]
    preamble = rng.choice(["", "", "", "I think ", "Pour nous, ", "En mi país, ", "Also: ", "+1 "])
    return preamble + " ".join(words)


def synthetic(rows: list[dict[str, str]], count: int, groups: int, seed: int) -> list[Item]:
    rng = random.Random(seed)
    return [
        Item(
            index,
            garble(rng.choice(rows)["text"], rng),
            f"Group {rng.randint(1, groups)}",
            rng.choice([0, 0, 0, 1, 2, 5]),
        )
        for index in range(1, count + 1)
    ]


def timed(
    action: Callable[[], object], runs: int, before: Callable[[], object] = lambda: None
) -> list[float]:
    timings = []
    for _ in range(runs):
        before()
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def timings(rows: list[dict[str, str]], runs: int) -> list[tuple[str, list[float], str]]:
    items = synthetic(rows, 2_000, 100, seed=20261128)
    # Nothing remembered from an earlier run: every full run reads every answer afresh.
    cold = themes._fold_word.cache_clear
    full = timed(lambda: cluster(items), runs, before=cold)
    result = cluster(items)
    shape = f"{len(result)} themes, {sum(theme.shared for theme in result)} shared"
    newcomer = Item(1_000_000, "Costed NAP: a dedicated budget line in the finance law", "Group 7")
    after = [*items, newcomer]
    cache = FeatureCache()
    cluster(items, cache=cache)
    # Every theme's label is worked out again on each update, so many small themes cost the most.
    many = cluster(items, threshold=0.6)
    return [
        ("cluster 2,000 answers, 100 groups", full, shape),
        (
            "one new answer, with the cache",
            timed(lambda: cluster(after, previous=result, cache=cache), runs * 4),
            "",
        ),
        (
            "one new answer, with the cache, many themes",
            timed(lambda: cluster(after, previous=many, cache=cache, threshold=0.6), runs * 4),
            f"{len(many)} themes (threshold 0.6)",
        ),
        ("one new answer, without a cache", timed(lambda: cluster(after, previous=result), runs), ""),
    ]


def row(name: str, figures: tuple[float, float, float, int]) -> str:
    ari, nmi, ami, count = figures
    return f"| {name} | {ari:.2f} | {nmi:.2f} | {ami:.2f} | {count} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timing runs (default 5)")
    args = parser.parse_args()
    rows = load()
    print(f"Python {platform.python_version()} on {platform.machine()}; {len(rows)} labelled answers")
    human = {question: len({r["theme"] for r in rows if r["question"] == question}) for question in QUESTIONS}
    human["all"] = sum(human.values())

    # The baseline at its own best overlap, chosen in hindsight, so that it is not a straw man.
    tuned = {
        jaccard: scores(rows, lambda items, jaccard=jaccard: baseline(items, min_jaccard=jaccard))
        for jaccard in (0.1, 0.15, 0.2, 0.25)
    }
    best = max(tuned, key=lambda jaccard: tuned[jaccard]["all"][0])
    methods = {
        f"cluster (threshold {themes.DEFAULT_THRESHOLD})": scores(rows, themed()),
        "baseline (Jaccard ≥ 0.3, single link)": scores(rows, baseline),
        f"baseline, best Jaccard in hindsight (≥ {best})": tuned[best],
        f"cluster, incremental ({BATCH} answers at a time)": replay(rows),
    }
    print("\n| method | question | ARI | NMI | AMI | themes (human) |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for name, figures in methods.items():
        for question, (ari, nmi, ami, count) in figures.items():
            print(
                f"| {name} | {question} | {ari:.2f} | {nmi:.2f} | {ami:.2f} | {count} ({human[question]}) |"
            )

    sweep = {threshold: scores(rows, themed(threshold)) for threshold in SWEEP}
    print("\nThreshold sweep (mean over the three questions):\n")
    print("| threshold | ARI | NMI | AMI |")
    print("| ---: | ---: | ---: | ---: |")
    for threshold, figures in sweep.items():
        means = [statistics.mean(figures[q][index] for q in QUESTIONS) for index in range(3)]
        print(f"| {threshold:.2f} | {means[0]:.2f} | {means[1]:.2f} | {means[2]:.2f} |")

    print("\nChosen on two questions, measured on the third:\n")
    print("| held out | threshold chosen | ARI on the other two | ARI held out | NMI held out |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for held in QUESTIONS:
        others = [q for q in QUESTIONS if q != held]
        chosen = max(SWEEP, key=lambda t: statistics.mean(sweep[t][q][0] for q in others))
        train = statistics.mean(sweep[chosen][q][0] for q in others)
        ari, nmi = sweep[chosen][held][:2]
        print(f"| {held} | {chosen:.2f} | {train:.2f} | {ari:.2f} | {nmi:.2f} |")

    print(f"\nTimings (milliseconds, {args.runs} runs; the cached update {args.runs * 4}):\n")
    print("| case | fastest | median | slowest | |")
    print("| --- | ---: | ---: | ---: | --- |")
    for name, values, note in timings(rows, args.runs):
        print(
            f"| {name} | {min(values):.0f} | {statistics.median(values):.0f} | {max(values):.0f} | {note} |"
        )


if __name__ == "__main__":
    main()
