"""The multi-process deployment as the load target: N wsgi.py processes behind nginx, sharing
PostgreSQL and Redis, started by tests/multiprocess/stack.py exactly as its tests start it.

Phones reach nginx over plain HTTP (tls=False): TLS would measure the generator's handshakes,
not the app. CPU and memory are the sums over the app processes.
"""

from __future__ import annotations

from bench.loadgen.servers import ProcessStats, process_stats


class StackServer:
    kind = "stack"

    def __init__(self, processes: int = 2) -> None:
        from tests.multiprocess.stack import Stack

        # Thousands of phones join through one nginx from one address: no join throttle here.
        self.stack = Stack(processes=processes, tls=False, env={"FACILITATOR_THROTTLE_TIME_SCALE": "0"})
        self.mode = f"eventlet ×{processes}, nginx, Redis"
        self.email = self.stack.moderator_email
        self.password = self.stack.moderator_password
        self.base_url = self.stack.base_url

    def start(self) -> None:
        self.stack.start()
        self.base_url = self.stack.base_url

    def pids(self) -> list[int]:
        # The stack keeps its app processes to itself; their ids are all the load run needs.
        return [process.pid for process in getattr(self.stack, "_apps", []) if process is not None]

    def stats(self) -> ProcessStats:
        parts = [process_stats(pid) for pid in self.pids()]
        return ProcessStats(sum(p.cpu_s for p in parts), sum(p.rss_kb for p in parts))

    def count(self, sql: str) -> int | None:
        import psycopg

        url = (self.stack.database_url or "").replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(url) as connection:
            return int(connection.execute(sql).fetchone()[0])

    def stop(self) -> None:
        self.stack.stop()
