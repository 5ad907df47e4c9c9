"""Configuration read from the environment, with defaults that need nothing installed."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("FACILITATOR_INSTANCE_DIR", PROJECT_ROOT / "instance"))


def _read_or_create_secret_key(instance_dir: Path) -> str:
    """A key generated once and kept in instance/, so sessions survive restarts."""
    key_file = instance_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Processes starting together must agree on one key, and none may read a file another is
    # still writing: the key is written whole under a private name, then linked into place,
    # which fails if another process linked its key first.
    draft = instance_dir / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
    try:
        with open(draft, "x") as handle:
            handle.write(key)
        draft.chmod(0o600)
        os.link(draft, key_file)
    except FileExistsError:
        return key_file.read_text().strip()
    finally:
        draft.unlink(missing_ok=True)
    return key


def _int_env(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


class Config:
    """Every setting in one place; each can be overridden by an environment variable."""

    def __init__(self) -> None:
        self.SQLALCHEMY_DATABASE_URI = os.environ.get(
            "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'facilitator.sqlite3'}"
        )
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or _read_or_create_secret_key(INSTANCE_DIR)
        # Base URL printed in the QR code; empty means "the address the moderator used".
        self.FACILITATOR_PUBLIC_URL = os.environ.get("FACILITATOR_PUBLIC_URL", "").rstrip("/")
        self.SOCKETIO_MESSAGE_QUEUE = os.environ.get("SOCKETIO_MESSAGE_QUEUE") or None
        # Redis delivers a channel's messages to every subscriber whatever the database number
        # in the URL: two installations sharing one Redis need different channels.
        self.SOCKETIO_CHANNEL = os.environ.get("SOCKETIO_CHANNEL") or "flask-socketio"
        # How many proxies in front of the app set X-Forwarded-For/-Proto/-Host (nginx: 1).
        # Zero trusts no such header, as a server that phones reach directly must not.
        self.PROXY_COUNT = _int_env("FACILITATOR_PROXY_COUNT", 0)
        # eventlet in production (wsgi.py); threading is enough for tests and tools.
        self.SOCKETIO_ASYNC_MODE = os.environ.get("SOCKETIO_ASYNC_MODE", "threading")
        self.MAX_ANSWER_LENGTH = _int_env("FACILITATOR_MAX_ANSWER_LENGTH", 2000)
        # How long a notice such as "N of M answered" waits to cover the changes arriving with
        # it (facilitator/coalesce.py); 0 sends one after every change.
        self.COALESCE_DELAY_S = float(os.environ.get("FACILITATOR_COALESCE_DELAY_S", "0.25"))
        self.MAX_QUESTION_LENGTH = _int_env("FACILITATOR_MAX_QUESTION_LENGTH", 1000)
        # Shrinks the windows of the join, passcode and code throttles (facilitator/joining/throttle.py)
        # so that tests can check their shape in seconds; 0 turns them off (load benchmarks only).
        self.THROTTLE_TIME_SCALE = float(os.environ.get("FACILITATOR_THROTTLE_TIME_SCALE", "1"))
        self.MAX_CONTENT_LENGTH = _int_env("FACILITATOR_MAX_UPLOAD_BYTES", 1024 * 1024)
        # What a connection may hold before it proves anything (facilitator/transport.py). A phone
        # on a lossy link sends its headers in one or two packets: 20 s covers four TCP
        # retransmissions. A read or write that moves nothing for 60 s is dead. The Socket.IO
        # connect follows the Engine.IO open by one round trip; 30 s, as phones reconnect anyway.
        self.HEADER_TIMEOUT_S = float(os.environ.get("FACILITATOR_HEADER_TIMEOUT_S", "20"))
        self.IO_TIMEOUT_S = float(os.environ.get("FACILITATOR_IO_TIMEOUT_S", "60"))
        self.HANDSHAKE_TIMEOUT_S = float(os.environ.get("FACILITATOR_HANDSHAKE_TIMEOUT_S", "30"))
        # Deliberately slow to compute; only the test suite turns it down.
        self.PASSWORD_HASH_METHOD = os.environ.get("FACILITATOR_PASSWORD_HASH", "scrypt")
        # How many of those hashes one process computes at once (facilitator/passwords.py);
        # 0: half the cores, so that a burst of logins leaves the rest to the phones.
        self.PASSWORD_HASH_CONCURRENCY = _int_env("FACILITATOR_PASSWORD_HASH_CONCURRENCY", 0)
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = self.FACILITATOR_PUBLIC_URL.startswith("https://")
        self.WTF_CSRF_TIME_LIMIT = None  # a console left open all day must still work
        # Compressed pages and scripts for phones on weak connections (see security.py for
        # static files); every browser reads gzip, and level 6 costs about a millisecond a file.
        self.COMPRESS_ALGORITHM = ["gzip"]
        self.COMPRESS_LEVEL = 6
        self.COMPRESS_MIMETYPES = [
            "text/html",
            "text/css",
            "text/javascript",
            "application/javascript",
            "application/json",
            "image/svg+xml",
        ]
        self.BABEL_DEFAULT_LOCALE = "en"
        self.LANGUAGES = {"en": "English", "fr": "Français"}


def engine_options(database_url: str) -> dict:
    if database_url.startswith("sqlite"):
        # Each request and socket event is short; waiting beats failing on a busy writer.
        return {"connect_args": {"timeout": 15, "check_same_thread": False}}
    return {"pool_pre_ping": True}
