"""Short join codes that survive being read off a wall and typed on a phone."""

from __future__ import annotations

import secrets

# No 0/O, 1/I/L: a code read from the back of a room must not be ambiguous.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
# 31^8 ≈ 8.5e11 (39.6 bits): with 1,000 live meetings a random guess hits one in 850 million;
# one address at the lookup throttle's 30 misses per 5 minutes needs centuries per hit, a
# thousand addresses about three months (docs/security.md). Six letters (8.9e8) would give
# those thousand addresses a hit every few hours.
# Meetings created with six letters keep them: codes of any length are looked up.
LENGTH = 8


def new_join_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_join_code(typed: str) -> str:
    """What people type: lower case, spaces and dashes are all accepted."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())[:32]
