"""Production entry point: serves the app with eventlet through Flask-SocketIO's own runner.

    python wsgi.py            # listens on $HOST:$PORT (default 0.0.0.0:5000)

eventlet must patch the standard library before anything else is imported.
"""

import warnings

# eventlet announces on import that it is in maintenance mode; we chose it knowingly
# (Flask-SocketIO's production server) and keep the server mode a configuration switch.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated", category=Warning)

import eventlet  # noqa: E402

eventlet.monkey_patch()

import os  # noqa: E402

os.environ.setdefault("SOCKETIO_ASYNC_MODE", "eventlet")
# psycopg 3 recognises gevent's patching but not eventlet's: it would wait for PostgreSQL in C,
# where eventlet cannot switch, and one slow query would freeze every socket of the process.
# Its select()-based wait goes through the patched select and lets other green threads run.
# Read when psycopg is first imported, which is later, when the database engine is created.
os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")

from facilitator import create_app, transport  # noqa: E402
from facilitator.breakouts import clock  # noqa: E402
from facilitator.extensions import socketio  # noqa: E402

app = create_app()
MAX_CONNECTIONS = 10_000

if __name__ == "__main__":
    host = os.environ.get("HOST", "0.0.0.0")
    port = int(os.environ.get("PORT", "5000"))
    public = app.config["FACILITATOR_PUBLIC_URL"] or f"http://localhost:{port}"
    clock.start(app)
    print(f"Facilitator is running: moderators log in at {public}/login", flush=True)
    socketio.run(
        app,
        host=host,
        port=port,
        log_output=os.environ.get("FACILITATOR_ACCESS_LOG") == "1",
        # Every phone holds one connection open; eventlet's default of 1,024 at once would
        # leave the rest of a large room waiting in the queue.
        max_size=MAX_CONNECTIONS,
        # A connection that makes no progress, or trickles its headers, is closed instead of
        # being held forever (facilitator/transport.py; long polls and WebSockets wait on
        # Engine.IO's heartbeat, not on these).
        socket_timeout=app.config["IO_TIMEOUT_S"],
        protocol=transport.eventlet_protocol(app.config["HEADER_TIMEOUT_S"]),
    )
