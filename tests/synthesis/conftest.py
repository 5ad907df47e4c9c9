"""A held meeting (plenary, a breakout round with walls, votes and summaries) for the synthesis."""

from __future__ import annotations

import pytest

from tests.exports.conftest import hold_meeting


@pytest.fixture
def held(make_meeting):
    def make(attribution: str = "named", **options):
        return hold_meeting(make_meeting, attribution, **options)

    return make


@pytest.fixture
def ballot_meeting(make_meeting):
    """A meeting held with every question format (tests/exports/ballot_meeting.py)."""
    from tests.exports.ballot_meeting import hold_ballot_meeting

    def make(attribution: str = "named"):
        return hold_ballot_meeting(make_meeting, attribution)

    return make
