"""Load benchmark: phones following the real protocol against the app and the bare stack.

    .venv/bin/python bench/load.py                              # the full matrix (about an hour)
    .venv/bin/python bench/load.py --phones 1000 --modes eventlet --servers app,bare --repeat 3
    .venv/bin/python bench/load.py --phones 1000 --servers app --db postgres --no-breakout
    .venv/bin/python bench/load.py --report results.jsonl       # tables from saved runs

Each run starts a fresh server in a subprocess on 127.0.0.1 (its own SQLite file or
throwaway PostgreSQL database), joins N phones over HTTP, connects their sockets, pushes
questions, has every phone answer at once, runs a breakout round, checks what the database
stored against what was acknowledged, and stops the server. Every result is appended to
--out as one JSON line; the tables show medians of the repeated runs. See
docs/performance.md for what each figure means.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.loadgen import scenario, stats  # noqa: E402
from bench.loadgen.servers import Server  # noqa: E402

RUN_LIMIT_S = 900  # one run never takes longer than this, whatever happens to the server


def raise_file_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    print(f"open files: {soft} → {hard}", file=sys.stderr)


def one_run(kind: str, mode: str, database: str, plan: scenario.Plan, processes: int = 2) -> dict:
    if kind == "stack":
        from bench.loadgen.stack import StackServer

        server = StackServer(processes)
        mode, database = server.mode, "postgres"
    else:
        workdir = Path(tempfile.mkdtemp(prefix=f"facilitator-load-{kind}-{mode}-"))
        server = Server(kind, mode, workdir, database if kind == "app" else "sqlite")
    try:
        server.start()
        result = asyncio.run(asyncio.wait_for(scenario.run(server, plan), RUN_LIMIT_S))
    except Exception as error:  # a failed run is a result too: it says where the stack broke
        result = {"server": kind, "mode": mode, "phones": plan.phones, "failed": repr(error)[:500]}
    finally:
        server.stop()
    result["db"] = database if kind != "bare" else "-"
    result["at"] = time.strftime("%Y-%m-%d %H:%M:%S")
    return result


def print_tables(results: list[dict]) -> None:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for result in results:
        if "failed" in result:
            print(f"FAILED {result['server']} {result['mode']} {result['phones']}: {result['failed']}")
            continue
        groups[(result["server"], result["mode"], result["db"], result["phones"])].append(result)
    print("\n" + stats.table(groups))
    print("\nApp / bare server (same mode, same phones):\n\n" + stats.ratio_table(groups))
    print("\nQuick poll (every phone votes at once):\n\n" + stats.poll_table(groups))
    print("\nBreakout round:\n\n" + stats.breakout_table(groups))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", default="100,500,1000,2000")
    parser.add_argument("--modes", default="eventlet,gevent,threading")
    parser.add_argument("--servers", default="app,bare", help="app, bare and/or stack")
    parser.add_argument("--processes", type=int, default=2, help="app processes of the stack")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--pushes", type=int, default=5)
    parser.add_argument("--no-breakout", action="store_true")
    parser.add_argument("--no-poll", action="store_true", help="skip the single-choice poll")
    parser.add_argument("--out", default=str(ROOT / "instance" / "load-results.jsonl"))
    parser.add_argument("--report", help="print the tables of a results file and stop")
    args = parser.parse_args()
    if args.report:
        print_tables([json.loads(line) for line in Path(args.report).read_text().splitlines() if line])
        return
    raise_file_limit()
    results = []
    for phones in [int(n) for n in args.phones.split(",")]:
        plan = scenario.Plan(
            phones=phones, pushes=args.pushes, breakout=not args.no_breakout, poll=not args.no_poll
        )
        for mode in args.modes.split(","):
            for _ in range(args.repeat):
                # Interleaved, so that whatever else the machine is doing weighs on both alike.
                for kind in args.servers.split(","):
                    result = one_run(kind, mode, args.db, plan, args.processes)
                    results.append(result)
                    with open(args.out, "a") as out:
                        out.write(json.dumps(result) + "\n")
                    brief = {k: result.get(k) for k in ("server", "mode", "phones", "connected", "failed")}
                    print(json.dumps(brief | {"push": result.get("push", {}).get("delivery_s")}), flush=True)
    print_tables(results)


if __name__ == "__main__":
    main()
