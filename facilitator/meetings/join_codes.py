"""Short join codes that survive being read off a wall and typed on a phone."""

from __future__ import annotations

import secrets

# No 0/O, 1/I/L: a code read from the back of a room must not be ambiguous.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 6


def new_join_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_join_code(typed: str) -> str:
    """What people type: lower case, spaces and dashes are all accepted."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())[:32]
