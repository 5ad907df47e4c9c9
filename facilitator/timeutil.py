from datetime import UTC, datetime


def utcnow() -> datetime:
    """Naive UTC, the one form both SQLite and PostgreSQL columns here store."""
    return datetime.now(UTC).replace(tzinfo=None)


def isoformat_utc(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="milliseconds") + "Z"
