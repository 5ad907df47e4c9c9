"""Times each way of splitting participants into breakout groups.

    .venv/bin/python bench/assignment.py [--runs 20]

Participants get a country out of 190, a few of them very common and most rare (as at a
regional consultation), one of six working languages, and about one in twenty leaves the
country blank. Each mode runs on the same people with a different seed every run; the table
gives the median and the slowest run in milliseconds.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from facilitator.breakouts.assignment import (  # noqa: E402
    Person,
    assign_balanced,
    assign_by_attribute,
    assign_random,
)

SIZES = [(200, 10), (2_000, 100), (10_000, 500)]
COUNTRIES = [f"Country {index:03d}" for index in range(1, 191)]
# Zipf-like: the first country is about 190 times as common as the last.
COUNTRY_WEIGHTS = [1 / rank for rank in range(1, len(COUNTRIES) + 1)]
LANGUAGES = ["en", "fr", "es", "ar", "pt", "ru"]
LANGUAGE_WEIGHTS = [45, 25, 15, 7, 5, 3]

MODES: dict[str, Callable[[list[Person], int, int], list[list[int]]]] = {
    "random": assign_random,
    "balanced by country": lambda people, groups, seed: assign_balanced(people, groups, "country", seed),
    "by language": lambda people, groups, seed: assign_by_attribute(people, groups, "language", seed),
}


def make_people(count: int, rng: random.Random) -> list[Person]:
    countries = rng.choices(COUNTRIES, COUNTRY_WEIGHTS, k=count)
    languages = rng.choices(LANGUAGES, LANGUAGE_WEIGHTS, k=count)
    people = []
    for index in range(count):
        country = "" if rng.random() < 0.05 else countries[index]
        people.append(Person(1000 + index, {"country": country, "language": languages[index]}))
    # The database hands people over in no useful order.
    rng.shuffle(people)
    return people


def measure(runs: int) -> list[tuple[str, int, int, float, float]]:
    rng = random.Random(20261128)
    results = []
    for count, groups in SIZES:
        people = make_people(count, rng)
        for mode, assign in MODES.items():
            timings = []
            for run in range(runs):
                start = time.perf_counter()
                assign(people, groups, run)
                timings.append((time.perf_counter() - start) * 1000)
            results.append((mode, count, groups, statistics.median(timings), max(timings)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="runs per mode and size (default 20)")
    args = parser.parse_args()
    print(f"Python {platform.python_version()} on {platform.machine()}, {args.runs} runs each\n")
    print("| mode | people | groups | median ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for mode, count, groups, median, slowest in measure(args.runs):
        print(f"| {mode} | {count:,} | {groups} | {median:.1f} | {slowest:.1f} |")


if __name__ == "__main__":
    main()
