"""Token buckets for socket events: a burst, then a steady pace; a refused event costs nothing."""

from facilitator.realtime import rate_limit
from facilitator.realtime.rate_limit import Buckets, Rate


def test_a_burst_then_the_steady_pace(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(rate_limit.time, "monotonic", lambda: now[0])
    buckets, rate = Buckets(), Rate(burst=3, per_second=2)
    assert [buckets.take("sid", rate) for _ in range(3)] == [0, 0, 0]
    assert buckets.take("sid", rate) == 0.5
    now[0] += 0.5
    assert buckets.take("sid", rate) == 0
    now[0] += 60  # a quiet minute refills the bucket, never beyond the burst
    assert [buckets.take("sid", rate) for _ in range(3)] == [0, 0, 0]
    assert buckets.take("sid", rate) > 0


def test_a_flooding_tab_does_not_use_up_the_participants_share(app, monkeypatch):
    monkeypatch.setattr(rate_limit.time, "monotonic", lambda: 5.0)
    flood = [rate_limit.wait_for("flooding-tab", "participant", 7) for _ in range(200)]
    assert flood.count(0) == rate_limit.PER_CONNECTION["participant"].burst
    assert all(wait >= 1 for wait in flood if wait)
    # Its refused events took nothing from the participant: a second tab still has room.
    assert rate_limit.wait_for("quiet-tab", "participant", 7) == 0
    rate_limit.forget_connection("flooding-tab")
    assert rate_limit.wait_for("flooding-tab", "participant", 7) == 0
