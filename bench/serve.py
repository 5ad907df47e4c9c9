"""Runs the app or the bare server under a chosen Flask-SocketIO server mode, like wsgi.py.

    .venv/bin/python bench/serve.py --mode {eventlet,gevent,threading} [--server {app,bare}]

The standard library is patched for the mode before anything else is imported, as wsgi.py
does for eventlet. gevent serves WebSockets through simple-websocket (python-engineio's
fallback when gevent-websocket is absent); threading runs Werkzeug's threaded server with
one thread per connection.
"""

from __future__ import annotations

import argparse
import warnings

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--mode", choices=["eventlet", "gevent", "threading"], default="eventlet")
parser.add_argument("--server", choices=["app", "bare"], default="app")
args = parser.parse_args()

if args.mode == "eventlet":
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated", category=Warning)
    import eventlet

    eventlet.monkey_patch()
elif args.mode == "gevent":
    from gevent import monkey

    monkey.patch_all()

import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ["SOCKETIO_ASYNC_MODE"] = args.mode

# One descriptor per phone, and then some.
_soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (_hard, _hard))
MAX_CONNECTIONS = 10_000


def main() -> None:
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "5000"))
    if args.server == "bare":
        from bench.bare_server import create_bare_app, socketio

        app = create_bare_app(args.mode)
    else:
        from facilitator import create_app
        from facilitator.breakouts import clock
        from facilitator.extensions import socketio

        app = create_app()
        clock.start(app)
    if args.mode == "eventlet":
        # As in wsgi.py: eventlet's server otherwise holds the 1,025th open socket in a queue.
        extra = {"max_size": MAX_CONNECTIONS}
    elif args.mode == "threading":
        extra = {"allow_unsafe_werkzeug": True}
    else:
        extra = {}
    print(f"{args.server} server ({args.mode}) on {host}:{port}", flush=True)
    socketio.run(app, host=host, port=port, log_output=False, **extra)


if __name__ == "__main__":
    main()
