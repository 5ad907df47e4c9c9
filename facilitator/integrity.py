"""Inserts that two requests may race to make: the second finds the first's row, not an error.

On PostgreSQL two handlers run at once; both can look for a row, find none, and insert it.
The unique constraint keeps one, and the other would fail with an IntegrityError that
poisons its transaction. `INSERT ... ON CONFLICT DO NOTHING` (PostgreSQL and SQLite alike)
waits for the first insert to commit, then quietly inserts nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite

from facilitator.extensions import db

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def insert_unless_present(table: Table, values: dict, unique: Sequence[str]) -> int | None:
    """Inserts one row on the session's connection; its id, or None if `unique` already exists."""
    connection = db.session.connection()
    statement = (
        _INSERTS[connection.dialect.name](table)
        .values(values)
        .on_conflict_do_nothing(index_elements=list(unique))
        .returning(table.c.id)
    )
    return connection.execute(statement).scalar()
