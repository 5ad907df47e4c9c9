"""A quick poll at load: every phone votes at once on a single-choice question.

The moderator opens a single-choice question on the spot with the console and the projector
open (the projector showing results), every phone casts its ballot at once, and the run
reports the acknowledgements, what the database stored, and how often the console and the
projector were sent fresh results: coalesced, that is at most four times a second however
many votes arrive.
"""

from __future__ import annotations

import asyncio
import time

from bench.loadgen.actors import Deliveries, Moderator, Phone
from bench.loadgen.scenario import burst_figures
from bench.loadgen.servers import Server
from bench.loadgen.sio import SocketIOClient

OPTIONS = ["Yes", "No", "Not yet", "Abstain"]
LATE_RESULTS_S = 2.0  # results still on their way after the last acknowledgement


class ResultsWatch:
    """When each screen received a `results` frame, and the last tally it showed."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {"console": [], "projector": []}
        self.last: dict[str, dict] = {}

    def listen(self, client: SocketIOClient, screen: str) -> None:
        def seen(data: dict, at: float) -> None:
            self.times[screen].append(at)
            self.last[screen] = data.get("results") or {}

        client.on("results", seen)

    def busiest_second(self, screen: str) -> int:
        """The most frames that arrived within any one second."""
        times, most, start = sorted(self.times[screen]), 0, 0
        for end, at in enumerate(times):
            while at - times[start] > 1.0:
                start += 1
            most = max(most, end - start + 1)
        return most


def stored_ballots(server: Server) -> int | None:
    if server.kind == "bare":
        import json
        import urllib.request

        with urllib.request.urlopen(server.base_url + "/bench/counts", timeout=30) as response:
            return json.load(response)["ballots"]
    return server.count("SELECT count(*) FROM ballot")


async def poll_at_once(
    moderator: Moderator, phones: list[Phone], deliveries: Deliveries, server: Server
) -> dict:
    watch = ResultsWatch()
    watch.listen(moderator.console, "console")
    projector = await moderator.open_projector()
    watch.listen(projector, "projector")
    await moderator.console.call("show_answers_on_projector", {"show": True})
    sent = time.monotonic()
    reply = await moderator.console.call(
        "open_question", {"text": "Shall we adopt the outcome note?", "format": "single", "options": OPTIONS}
    )
    if not reply.get("ok"):
        raise RuntimeError(f"opening the poll failed: {reply}")
    question = reply["question"]
    await deliveries.wait(("question", question["id"]), len(phones), 120)
    reached = len(deliveries.times[("question", question["id"])])
    option_ids = [option["id"] for option in question["options"]]
    cpu = server.stats().cpu_s
    started = time.monotonic()
    results = await asyncio.gather(
        *(
            phone.timed_call(
                "cast_ballot",
                {
                    "question_id": question["id"],
                    "client_id": f"poll-{phone.index:05d}",
                    "seq": 1,
                    "response": {"options": [option_ids[phone.index % len(option_ids)]]},
                },
            )
            for phone in phones
        ),
        return_exceptions=True,
    )
    figures = burst_figures(results, server, cpu)
    await asyncio.sleep(LATE_RESULTS_S)
    voting_s = time.monotonic() - started
    figures.update(
        {
            "phones_reached": reached,
            "open_s": time.monotonic() - sent,
            "stored": stored_ballots(server),
            "results_frames": {screen: len(times) for screen, times in watch.times.items()},
            "results_busiest_second": {screen: watch.busiest_second(screen) for screen in watch.times},
            "results_per_s": {screen: len(times) / voting_s for screen, times in watch.times.items()},
            "last_tally": {screen: watch.last.get(screen, {}).get("respondents") for screen in watch.times},
        }
    )
    await moderator.console.call("close_question", {})
    await projector.close()
    return figures
