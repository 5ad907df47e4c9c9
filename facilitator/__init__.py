"""Facilitator: live meetings with plenary and breakout rooms."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from facilitator import transport
from facilitator.config import INSTANCE_DIR, PROJECT_ROOT, Config, engine_options
from facilitator.extensions import compress, csrf, db, migrate, socketio


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_object(Config())
    app.config.from_pyfile("config.py", silent=True)
    if test_config:
        app.config.update(test_config)
    # Derived from the final database URL, whichever source set it.
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **engine_options(app.config["SQLALCHEMY_DATABASE_URI"]),
        **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
    }

    from facilitator import db_setup, error_pages, i18n, security, throttle  # noqa: F401  (its model)
    from facilitator.accounts import cli as accounts_cli
    from facilitator.accounts import routes as accounts

    # Socket handlers must be registered before socketio.init_app() builds the server:
    # Flask-SocketIO hands only the handlers it already knows to each new server.
    from facilitator.breakouts import events as breakout_events  # noqa: F401
    from facilitator.breakouts import group_rooms, snapshots  # noqa: F401  (they register with the screens)
    from facilitator.breakouts import routes as breakouts
    from facilitator.exports import cli as exports_cli
    from facilitator.exports import routes as exports
    from facilitator.joining import routes as joining
    from facilitator.meetings import importing  # noqa: F401  (its routes join the meetings blueprint)
    from facilitator.meetings import routes as meetings
    from facilitator.moderation import events as moderation_events  # noqa: F401
    from facilitator.plenary import ballot_events as plenary_ballot_events  # noqa: F401
    from facilitator.plenary import events as plenary_events  # noqa: F401
    from facilitator.plenary import floor_events  # noqa: F401
    from facilitator.plenary import routes as plenary
    from facilitator.realtime import sockets  # noqa: F401
    from facilitator.synthesis import events as synthesis_events  # noqa: F401
    from facilitator.synthesis import routes as synthesis

    app.jinja_env.add_extension("jinja2.ext.do")

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    compress.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    error_pages.init_app(app)
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"],
        channel=app.config["SOCKETIO_CHANNEL"],
        # Socket events carry short texts; a larger frame is refused before it is parsed.
        max_http_buffer_size=transport.SOCKET_MAX_BODY,
        ping_interval=20,
        ping_timeout=20,
    )
    # In front of the Socket.IO middleware: oversized or chunked bodies and WebSockets without
    # an Origin are refused before Engine.IO reads anything; Socket.IO handshakes get a deadline.
    app.wsgi_app = transport.RequestGuard(
        app.wsgi_app,
        socket_limit=transport.SOCKET_MAX_BODY,
        http_limit=lambda: app.config["MAX_CONTENT_LENGTH"],
    )
    transport.close_abandoned_handshakes(socketio.server, app.config["HANDSHAKE_TIMEOUT_S"])
    if app.config["PROXY_COUNT"]:
        # Outside the Socket.IO middleware, so that socket connections too see the client's
        # address, scheme and host.
        hops = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    with app.app_context():
        db_setup.configure_sqlite(db.engine)

    for feature in (accounts, meetings, joining, plenary, breakouts, synthesis, exports):
        app.register_blueprint(feature.bp)
    accounts_cli.register(app)
    exports_cli.register(app)
    return app
