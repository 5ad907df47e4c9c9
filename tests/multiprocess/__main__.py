"""python -m tests.multiprocess [--processes N] [--no-tls]: the stack until Ctrl-C, to try by hand."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys

from tests.multiprocess.stack import Stack


def main() -> None:
    parser = argparse.ArgumentParser(description="Facilitator on several processes behind nginx.")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--no-tls", action="store_true", help="nginx over plain http")
    arguments = parser.parse_args()
    # `kill` and service managers stop with SIGTERM: leave through stop() all the same.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with Stack(arguments.processes, tls=not arguments.no_tls) as stack:
        print(f"nginx: {stack.base_url} (CA: {stack.ca_file})", flush=True)
        for index, url in enumerate(stack.urls):
            print(f"app process {index}: {url}", flush=True)
        print(f"moderator: {stack.moderator_email} / {stack.moderator_password}; Ctrl-C stops", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            signal.pause()


if __name__ == "__main__":
    main()
