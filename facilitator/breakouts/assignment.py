"""Splitting meeting participants into breakout groups.

Every mode is a pure function of the people, the number of groups and a seed: the same inputs give
the same groups, so a plan the moderator previewed can be rebuilt exactly, and the order in which
people happen to arrive from the database never changes the outcome. People are sorted by id and
then shuffled with the seed before anything else looks at them.
"""

from __future__ import annotations

import heapq
import random
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise

from facilitator.errors import N_, DomainError

UNKNOWN = ""


@dataclass(frozen=True)
class Person:
    id: int
    # Profile answers such as {"country": "Kenya", "language": "fr"}; a missing or blank one is unknown.
    attributes: Mapping[str, str]


class AssignmentError(DomainError):
    """A request that cannot be turned into groups; the message tells the moderator what to change."""


def attribute_value(person: Person, attribute: str) -> str:
    """The value people are compared on: "Kenya", " kenya " and "KENYA" are the same country.

    Profiles are typed on phones, so case, stray spaces and composed or decomposed accents vary for
    the same answer; all of them count as one value. Blank or missing answers become UNKNOWN.
    """
    return _fold(person.attributes.get(attribute) or "")


def _fold(raw: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", str(raw)).casefold().split())


def group_count_for(people: int, *, groups: int | None = None, group_size: int | None = None) -> int:
    """How many groups to open, from either a number of groups or a wished group size.

    A size becomes the nearest whole number of groups (halves round up, so groups come out a little
    smaller rather than a little larger), and there are never more groups than people, because an
    empty room helps nobody; with nobody there yet, one group is still opened.
    """
    if (groups is None) == (group_size is None):
        raise AssignmentError(N_("Choose either a number of groups or a group size, not both."))
    if people < 0:
        raise AssignmentError(N_("The number of people cannot be negative."))
    if groups is not None:
        if groups < 1:
            raise AssignmentError(N_("There must be at least one group."))
        wanted = groups
    else:
        assert group_size is not None
        if group_size < 1:
            raise AssignmentError(N_("A group needs room for at least one person."))
        # Integer arithmetic rounds halves up; round() would send 2.5 down and 3.5 up.
        wanted = (2 * people + group_size) // (2 * group_size)
    return max(1, min(wanted, people))


def _shuffled(people: Sequence[Person], groups: int, seed: int) -> tuple[list[Person], random.Random]:
    if groups < 1:
        raise AssignmentError(N_("There must be at least one group."))
    ordered = sorted(people, key=lambda person: person.id)
    for before, after in pairwise(ordered):
        if before.id == after.id:
            raise AssignmentError(N_("Participant %(id)s is listed twice."), id=after.id)
    rng = random.Random(seed)
    rng.shuffle(ordered)
    return ordered, rng


def _deal(people: Sequence[Person], groups: int) -> list[list[int]]:
    # Dealing like cards: any run of k consecutive people lands in k consecutive groups, so every
    # run is spread as evenly as it can be, and group sizes differ by at most one.
    dealt: list[list[int]] = [[] for _ in range(groups)]
    for index, person in enumerate(people):
        dealt[index % groups].append(person.id)
    return dealt


def _tidy(dealt: list[list[int]]) -> list[list[int]]:
    # Ascending ids inside a group make plans easy to compare and read; group order still carries the seed.
    return [sorted(ids) for ids in dealt]


def assign_random(people: Sequence[Person], groups: int, seed: int) -> list[list[int]]:
    """Random groups whose sizes differ by at most one."""
    ordered, _ = _shuffled(people, groups, seed)
    return _tidy(_deal(ordered, groups))


def _by_value(people: Sequence[Person], attribute: str, rng: random.Random) -> list[tuple[str, list[Person]]]:
    """People per value; values in a seeded order, so that ties never favour a name alphabetically."""
    members: dict[str, list[Person]] = {}
    # Thousands of people share a few hundred answers; folding each answer once halves the time.
    folded: dict[str, str] = {}
    for person in people:
        raw = person.attributes.get(attribute) or ""
        if raw not in folded:
            folded[raw] = _fold(raw)
        members.setdefault(folded[raw], []).append(person)
    values = sorted(members)
    rng.shuffle(values)
    return [(value, members[value]) for value in values]


def assign_balanced(people: Sequence[Person], groups: int, attribute: str, seed: int) -> list[list[int]]:
    """Mixed groups: sizes differ by at most one, and so does each value's count across groups.

    A value with no more people than there are groups therefore never puts two of them together.
    Unknown answers are spread like any other value.
    """
    ordered, rng = _shuffled(people, groups, seed)
    queue = [person for _, members in _by_value(ordered, attribute, rng) for person in members]
    dealt = _deal(queue, groups)
    # Without this the first groups would always take the extra people and the first value's people.
    rng.shuffle(dealt)
    return _tidy(dealt)


def _allocate(counts: Sequence[int], groups: int) -> list[int]:
    """Groups per value, in proportion to the counts, at least one each (needs len(counts) <= groups).

    Largest remainder (Hamilton) on exact integer quotas, then corrected: a value too small for a
    whole quota still gets its own group, paid for by the value whose groups stay smallest after
    giving one up. Index order breaks ties, so callers pass counts in a seeded order.
    """
    total = sum(counts)
    if groups >= total:
        return list(counts)
    floors = [groups * count // total for count in counts]
    shares = [max(1, floor) for floor in floors]
    missing = groups - sum(shares)
    if missing > 0:
        # Values raised to one group already hold more than their quota; the rest compete on remainders.
        eligible = [index for index, floor in enumerate(floors) if floor > 0]
        eligible.sort(key=lambda index: (-(groups * counts[index] % total), index))
        for index in eligible[:missing]:
            shares[index] += 1
    givers = [(Fraction(counts[i], shares[i] - 1), i) for i in range(len(shares)) if shares[i] > 1]
    heapq.heapify(givers)
    for _ in range(-missing):
        _, index = heapq.heappop(givers)
        shares[index] -= 1
        if shares[index] > 1:
            heapq.heappush(givers, (Fraction(counts[index], shares[index] - 1), index))
    return shares


def assign_by_attribute(people: Sequence[Person], groups: int, attribute: str, seed: int) -> list[list[int]]:
    """Homogeneous groups: people who share a value stay together as far as the number of groups allows.

    Each value gets groups in proportion to its people, at least one while groups remain, and its
    people are split evenly over them. With more values than groups, the largest values get a group
    each and the smaller ones join, whole, the groups with the fewest people. Unknown answers count
    as a value of their own. Groups come out value by value, largest value first.
    """
    ordered, rng = _shuffled(people, groups, seed)
    by_value = _by_value(ordered, attribute, rng)
    # Stable sort: equal counts keep the seeded order from _by_value.
    by_value.sort(key=lambda item: -len(item[1]))
    result: list[list[int]] = []
    if len(by_value) <= groups:
        shares = _allocate([len(members) for _, members in by_value], groups)
        for (_, members), share in zip(by_value, shares, strict=True):
            result.extend(_deal(members, share))
    else:
        result = [[person.id for person in members] for _, members in by_value[:groups]]
        # A heap keeps this fast when nearly everyone has a value of their own (free-text answers).
        sizes = [(len(ids), index) for index, ids in enumerate(result)]
        heapq.heapify(sizes)
        for _, members in by_value[groups:]:
            size, smallest = heapq.heappop(sizes)
            result[smallest].extend(person.id for person in members)
            heapq.heappush(sizes, (size + len(members), smallest))
    result.extend([] for _ in range(groups - len(result)))
    return _tidy(result)


def place_late_joiner(group_sizes: Sequence[int]) -> int:
    """The group a latecomer joins: the smallest, the first of them on a tie so the choice is predictable."""
    if not group_sizes:
        raise AssignmentError(N_("There is no group to join."))
    return min(range(len(group_sizes)), key=lambda index: (group_sizes[index], index))
