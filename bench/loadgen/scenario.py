"""One load run against one server: join, connect, pushes, answers at once, a poll, a breakout round."""

from __future__ import annotations

import asyncio
import json
import math
import statistics
import time
import urllib.request
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from bench.loadgen.actors import Deliveries, Moderator, Phone
from bench.loadgen.servers import Server
from bench.loadgen.stats import summary

SETTLE_S = 0.3


@dataclass
class Plan:
    phones: int
    pushes: int = 5
    concurrency: int = 50  # joins and connects in flight at once, like a room filling up
    breakout: bool = True
    poll: bool = True
    group_size: int = 10
    timeout: float = 120


async def bounded(items: Iterable, action: Callable[[object], Awaitable], limit: int) -> list:
    gate = asyncio.Semaphore(limit)

    async def one(item: object) -> object:
        async with gate:
            return await action(item)

    return await asyncio.gather(*(one(item) for item in items), return_exceptions=True)


def stored(server: Server, *, wall: bool = False, votes: bool = False) -> int | None:
    """Rows in the server's own database; the bare server counts in memory."""
    if server.kind == "bare":
        with urllib.request.urlopen(server.base_url + "/bench/counts", timeout=30) as response:
            counts = json.load(response)
        return counts["votes" if votes else "wall_answers" if wall else "answers"]
    if votes:
        return server.count("SELECT count(*) FROM vote")
    # Distinct (participant, client id) pairs: a duplicate row would count once and show.
    distinct = "SELECT count(DISTINCT participant_id || ':' || client_id) FROM answer"
    return server.count(distinct + (" WHERE group_id IS NOT NULL" if wall else " WHERE group_id IS NULL"))


def acknowledged(results: list) -> tuple[list[float], int, list]:
    """Latencies of the requests acknowledged with ok, how many, and the failures."""
    latencies, failures = [], []
    for result in results:
        if isinstance(result, BaseException) or result[2] is None or not result[2].get("ok"):
            failures.append(result if isinstance(result, BaseException) else result[2])
        else:
            latencies.append(result[1] - result[0])
    return latencies, len(latencies), failures


def burst_figures(results: list, server: Server, cpu_before: float) -> dict:
    latencies, ok, failures = acknowledged(results)
    sent = [r[0] for r in results if not isinstance(r, BaseException)]
    done = [r[1] for r in results if not isinstance(r, BaseException) and r[2] is not None]
    span = (max(done) - min(sent)) if done and sent else math.nan
    return {
        "acknowledged": ok,
        "failures": len(failures),
        "failure_sample": [str(f)[:200] for f in failures[:3]],
        "per_second": ok / span if span else math.nan,
        "ack_s": summary(latencies),
        "server_cpu_s": server.stats().cpu_s - cpu_before,
    }


async def pushes(
    moderator: Moderator, phones: list[Phone], deliveries: Deliveries, server: Server, plan: Plan
) -> tuple[int, dict]:
    idle_start, idle_t = server.stats().cpu_s, time.monotonic()
    await asyncio.sleep(3)
    idle_rate = (server.stats().cpu_s - idle_start) / (time.monotonic() - idle_t)
    per_push, reached = [], []
    cpu_start, t_start, question_id = server.stats().cpu_s, time.monotonic(), 0
    for number in range(plan.pushes):
        sent = time.monotonic()
        reply = await moderator.console.call("open_question", {"text": f"Pushed question {number + 1}?"})
        question_id = reply["question"]["id"]
        await deliveries.wait(("question", question_id), len(phones), plan.timeout)
        arrivals = [at - sent for at in deliveries.times[("question", question_id)].values()]
        per_push.append(summary(arrivals))
        reached.append(len(arrivals))
        # A console that re-reads its snapshot after the push (a reopened question) does so
        # within the push's cost; a fresh question needs nothing more than the event.
        while moderator.pending_syncs and time.monotonic() - sent < plan.timeout:
            await asyncio.sleep(0.01)
        await asyncio.sleep(SETTLE_S)
    elapsed = time.monotonic() - t_start
    cpu = server.stats().cpu_s - cpu_start - idle_rate * elapsed
    # Each figure is the median over the pushes: one push slowed by something else on the
    # machine does not decide the result.
    return question_id, {
        "delivery_s": {key: statistics.median(push[key] for push in per_push) for key in per_push[0]},
        "last_phone_s": statistics.median(push["max"] for push in per_push),
        "phones_reached_min": min(reached),
        "cpu_per_push_s": cpu / plan.pushes,
        "idle_cpu_per_s": idle_rate,
    }


async def answer_at_once(phones: list[Phone], question_id: int, server: Server, tag: str) -> dict:
    cpu = server.stats().cpu_s
    results = await asyncio.gather(
        *(
            phone.timed_call(
                "submit_answer",
                {
                    "question_id": question_id,
                    "client_id": f"{tag}-{phone.index:05d}",
                    "text": f"Idea {phone.index}",
                },
            )
            for phone in phones
        ),
        return_exceptions=True,
    )
    figures = burst_figures(results, server, cpu)
    figures["stored"] = stored(server)
    return figures


async def breakout_round(
    moderator: Moderator, phones: list[Phone], deliveries: Deliveries, server: Server, plan: Plan
) -> dict:
    groups = max(1, math.ceil(len(phones) / plan.group_size))
    members = {phone.participant_id: index % groups for index, phone in enumerate(phones)}
    sent = time.monotonic()
    cpu = server.stats().cpu_s
    await moderator.open_round(members, groups, moderator.question_ids[0])
    await deliveries.wait("group", len(phones), plan.timeout)
    arrivals = [at - sent for at in deliveries.times["group"].values()]
    figures: dict = {
        "groups": groups,
        "group_view_s": summary(arrivals),
        "phones_in_group": len(arrivals),
        "sync_failures": sum(phone.sync_failures for phone in phones),
        "open_cpu_s": server.stats().cpu_s - cpu,
    }
    cpu = server.stats().cpu_s
    results = await asyncio.gather(
        *(
            phone.timed_call(
                "submit_answer",
                {
                    "question_id": phone.group["questions"][0]["id"] if phone.group else 0,
                    "client_id": f"wall-{phone.index:05d}",
                    "text": f"Wall idea {phone.index}",
                    "for_group": True,
                },
            )
            for phone in phones
        ),
        return_exceptions=True,
    )
    figures["wall"] = burst_figures(results, server, cpu)
    figures["wall"]["stored"] = stored(server, wall=True)
    own = {
        phone.index: (result[2] or {}).get("answer", {}).get("id")
        for phone, result in zip(phones, results, strict=True)
        if not isinstance(result, BaseException)
    }
    await asyncio.sleep(1)  # the last wall events are still on their way
    sizes = [list(members.values()).count(g) for g in range(groups)]
    figures["wall"]["events_received"] = deliveries.counts["wall_answer_changed"]
    figures["wall"]["events_expected"] = sum(size * size for size in sizes)
    cpu = server.stats().cpu_s
    voters = [(phone, next((a for a in phone.wall if a != own.get(phone.index)), None)) for phone in phones]
    votes = [phone.timed_call("vote", {"answer_id": aim, "supported": True}) for phone, aim in voters if aim]
    results = await asyncio.gather(*votes, return_exceptions=True)
    figures["vote"] = burst_figures(results, server, cpu)
    figures["vote"]["stored"] = stored(server, votes=True)
    await moderator.console.call("close_round", {})
    return figures


async def run(server: Server, plan: Plan) -> dict:
    deliveries = Deliveries()
    moderator = Moderator(server.base_url, server.email, server.password)
    await moderator.prepare()
    phones = [Phone(i, server.base_url, moderator.join_code, deliveries) for i in range(plan.phones)]
    started = time.monotonic()
    joined = await bounded(phones, Phone.join, plan.concurrency)
    join_s = time.monotonic() - started
    await asyncio.sleep(1)
    before = server.stats()
    started = time.monotonic()
    connected = await bounded(phones, Phone.connect, plan.concurrency)
    connect_s = time.monotonic() - started
    errors = [str(e)[:200] for e in [*joined, *connected] if isinstance(e, BaseException)]
    live = [p for p, done in zip(phones, connected, strict=True) if not isinstance(done, BaseException)]
    await asyncio.sleep(2)
    after = server.stats()
    result: dict = {
        "server": server.kind,
        "mode": server.mode,
        "phones": plan.phones,
        "connected": len(live),
        "errors": errors[:5],
        "error_count": len(errors),
        "join_per_s": plan.phones / join_s,
        "connect_per_s": plan.phones / connect_s,
        "kb_per_phone": (after.rss_kb - before.rss_kb) / max(len(live), 1),
    }
    try:
        question_id, result["push"] = await pushes(moderator, live, deliveries, server, plan)
        result["answers"] = await answer_at_once(live, question_id, server, "plenary")
        if plan.poll:
            from bench.loadgen.poll import poll_at_once

            result["poll"] = await poll_at_once(moderator, live, deliveries, server)
        if plan.breakout:
            result["breakout"] = await breakout_round(moderator, live, deliveries, server, plan)
    finally:
        await bounded(live, lambda phone: phone.sio.close(), 200)
        await moderator.console.close()
    return result
