"""The one countdown (static/js/countdown.js) every screen of a breakout round shows."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from .helpers import DESKTOP, new_page
from .server import LiveServer

MINUTE_MS = 60_000


@pytest.fixture
def page(browser: Browser, server: LiveServer) -> Page:
    page = new_page(browser, server, "countdown", DESKTOP)
    page.goto("/login")
    return page


@pytest.mark.parametrize(
    ("ms", "shown"),
    [
        (90 * MINUTE_MS, "1:30:00"),
        (60 * MINUTE_MS, "1:00:00"),
        (60 * MINUTE_MS - 1000, "59:59"),
        (12 * MINUTE_MS + 34_000, "12:34"),
        (5 * MINUTE_MS, "5:00"),
        (59_000, "0:59"),
        (58_001, "0:59"),  # a second that has begun still counts
        (1, "0:01"),
        (0, "0:00"),
        (-5_000, "0:00"),
    ],
)
def test_time_left_is_written_one_way(page: Page, ms: int, shown: str) -> None:
    written = page.evaluate("async (ms) => (await import('/static/js/countdown.js')).formatRemaining(ms)", ms)
    assert written == shown


@pytest.mark.parametrize(
    ("ms", "state"),
    [
        (10 * MINUTE_MS, "running"),
        (MINUTE_MS + 1, "running"),
        (MINUTE_MS, "ending"),
        (1, "ending"),
        (0, "over"),
    ],
)
def test_the_last_minute_is_ending_and_then_it_is_over(page: Page, ms: int, state: str) -> None:
    found = page.evaluate("async (ms) => (await import('/static/js/countdown.js')).countdownState(ms)", ms)
    assert found == state


def test_the_clock_counts_on_the_servers_time(page: Page) -> None:
    # This device's clock is an hour behind the server's: a round that ends 90 minutes after the
    # server's now has 90 minutes left, not two and a half hours.
    left = page.evaluate(
        """async () => {
          const { RoundClock } = await import('/static/js/countdown.js');
          const ticks = [];
          const clock = new RoundClock((ms) => ticks.push(ms));
          const serverNow = Date.now() + 3600 * 1000;
          clock.set(new Date(serverNow + 90 * 60 * 1000).toISOString(), new Date(serverNow).toISOString());
          clock.stop();
          return { remaining: ticks[0], stopped: clock.remaining() };
        }"""
    )
    assert 90 * MINUTE_MS - 2000 < left["remaining"] <= 90 * MINUTE_MS
    assert left["stopped"] is None
