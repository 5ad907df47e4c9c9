"""One notice for a burst of changes, sent a moment after the first, and none lost."""

from __future__ import annotations

import time

from facilitator.realtime.coalesce import once_soon


def wait_for(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)


def test_a_burst_sends_once_and_a_later_change_sends_again(app):
    app.config["COALESCE_DELAY_S"] = 0.2
    sent: list[str] = []
    for _ in range(50):
        once_soon("key", lambda: sent.append("burst"))
    once_soon("other", lambda: sent.append("other"))
    assert sent == [], "nothing is sent before the delay"
    wait_for(lambda: len(sent) == 2)
    assert sorted(sent) == ["burst", "other"]
    once_soon("key", lambda: sent.append("later"))
    wait_for(lambda: len(sent) == 3)
    assert sent[-1] == "later"


def test_without_a_delay_the_notice_goes_at_once(app):
    app.config["COALESCE_DELAY_S"] = 0
    sent: list[int] = []
    for number in range(3):
        once_soon("key", lambda number=number: sent.append(number))
    assert sent == [0, 1, 2]
