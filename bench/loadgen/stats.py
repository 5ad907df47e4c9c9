"""Percentiles, medians of repeated runs, and the tables printed at the end."""

from __future__ import annotations

import math
import statistics
from typing import Any


def percentile(values: list[float], fraction: float) -> float:
    """Nearest rank: the smallest value with at least this fraction of values at or below it."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": percentile(values, 0.50),
        "p95": percentile(values, 0.95),
        "p99": percentile(values, 0.99),
        "max": max(values, default=math.nan),
    }


def dig(result: dict, path: str) -> Any:
    value: Any = result
    for key in path.split("."):
        if not isinstance(value, dict) or key not in value:
            return math.nan
        value = value[key]
    return value


def median_of(results: list[dict], path: str) -> float:
    values = [v for v in (dig(r, path) for r in results) if isinstance(v, int | float)]
    values = [v for v in values if not math.isnan(v)]
    return statistics.median(values) if values else math.nan


def ms(value: float) -> str:
    return "–" if math.isnan(value) else f"{value * 1000:.0f} ms"


def ratio(app: float, bare: float) -> str:
    if math.isnan(app) or math.isnan(bare) or bare <= 0:
        return "–"
    return f"{app / bare:.2f}×"


COLUMNS = [
    ("connected", "connected", lambda v: f"{v:.0f}"),
    ("push.delivery_s.p50", "push p50", ms),
    ("push.delivery_s.p95", "push p95", ms),
    ("push.delivery_s.p99", "push p99", ms),
    ("push.last_phone_s", "last phone", ms),
    ("push.cpu_per_push_s", "CPU/push", ms),
    ("answers.per_second", "answers/s", lambda v: f"{v:.0f}"),
    ("answers.ack_s.p50", "ack p50", ms),
    ("answers.ack_s.p99", "ack p99", ms),
    ("kb_per_phone", "KB/phone", lambda v: f"{v:.0f}"),
    ("answers.acknowledged", "acked", lambda v: f"{v:.0f}"),
    ("answers.stored", "stored", lambda v: f"{v:.0f}"),
]
RATIOS = [
    ("push.delivery_s.p95", "push p95"),
    ("push.cpu_per_push_s", "CPU/push"),
    ("answers.ack_s.p99", "ack p99"),
    ("poll.ack_s.p99", "vote ack p99"),
    ("poll.server_cpu_s", "poll CPU"),
    ("kb_per_phone", "KB/phone"),
]


def table(groups: dict[tuple, list[dict]]) -> str:
    """One markdown row per (server, mode, database, phones): medians of the repeated runs."""
    head = "| server | mode | db | phones | runs | " + " | ".join(title for _, title, _ in COLUMNS) + " |"
    lines = [head, "|" + " --- |" * (5 + len(COLUMNS))]
    for (server, mode, database, phones), results in sorted(groups.items()):
        cells = [fmt(median_of(results, path)) for path, _, fmt in COLUMNS]
        row = f"| {server} | {mode} | {database} | {phones} | {len(results)} | "
        lines.append(row + " | ".join(cells) + " |")
    return "\n".join(lines)


def ratio_table(groups: dict[tuple, list[dict]]) -> str:
    """App divided by the bare server, same mode and number of phones."""
    lines = [
        "| mode | db | phones | " + " | ".join(title for _, title in RATIOS) + " |",
        "|" + " --- |" * (3 + len(RATIOS)),
    ]
    for (server, mode, database, phones), results in sorted(groups.items()):
        bare = groups.get(("bare", mode, "-", phones))
        if server != "app" or not bare:
            continue
        cells = [ratio(median_of(results, path), median_of(bare, path)) for path, _ in RATIOS]
        lines.append(f"| {mode} | {database} | {phones} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


BREAKOUT = [
    ("breakout.group_view_s.p50", "group view p50", ms),
    ("breakout.group_view_s.max", "all in groups", ms),
    ("breakout.wall.ack_s.p99", "wall ack p99", ms),
    ("breakout.wall.acknowledged", "wall acked", lambda v: f"{v:.0f}"),
    ("breakout.wall.stored", "wall stored", lambda v: f"{v:.0f}"),
    ("breakout.vote.ack_s.p99", "vote ack p99", ms),
    ("breakout.vote.acknowledged", "votes acked", lambda v: f"{v:.0f}"),
    ("breakout.vote.stored", "votes stored", lambda v: f"{v:.0f}"),
]


def breakout_table(groups: dict[tuple, list[dict]]) -> str:
    lines = [
        "| server | mode | db | phones | " + " | ".join(title for _, title, _ in BREAKOUT) + " |",
        "|" + " --- |" * (4 + len(BREAKOUT)),
    ]
    for (server, mode, database, phones), results in sorted(groups.items()):
        if not any("breakout" in r for r in results):
            continue
        cells = [fmt(median_of(results, path)) for path, _, fmt in BREAKOUT]
        lines.append(f"| {server} | {mode} | {database} | {phones} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


POLL = [
    ("poll.per_second", "votes/s", lambda v: f"{v:.0f}"),
    ("poll.ack_s.p50", "vote ack p50", ms),
    ("poll.ack_s.p99", "vote ack p99", ms),
    ("poll.acknowledged", "acked", lambda v: f"{v:.0f}"),
    ("poll.stored", "stored", lambda v: f"{v:.0f}"),
    ("poll.server_cpu_s", "server CPU", ms),
    ("poll.results_frames.console", "console frames", lambda v: f"{v:.0f}"),
    ("poll.results_busiest_second.console", "console max/s", lambda v: f"{v:.0f}"),
    ("poll.results_busiest_second.projector", "projector max/s", lambda v: f"{v:.0f}"),
    ("poll.last_tally.projector", "last tally", lambda v: f"{v:.0f}"),
]


def poll_table(groups: dict[tuple, list[dict]]) -> str:
    lines = [
        "| server | mode | db | phones | " + " | ".join(title for _, title, _ in POLL) + " |",
        "|" + " --- |" * (4 + len(POLL)),
    ]
    for (server, mode, database, phones), results in sorted(groups.items()):
        if not any("poll" in r for r in results):
            continue
        cells = [fmt(median_of(results, path)) for path, _, fmt in POLL]
        lines.append(f"| {server} | {mode} | {database} | {phones} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
