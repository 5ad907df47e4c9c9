"""The format a concept note's question plainly asks for, from its words and the options below it.

Only what the text makes plain is taken: options listed under a question make it a choice, and
the question's own words say whether several answers may be ticked, whether the options are to
be ranked or rated on a scale. Everything else stays an open question; the moderator checks each
format before the meeting is created. Plain Python: formats.checked_format has the last word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# As in facilitator.meetings.formats, which this module leaves to the caller.
MAX_CHOICES = 20
MAX_RANKED = 10
MAX_STATEMENTS = 10
SCALES = ((1, 5), (1, 10), (0, 10))

_MULTIPLE = re.compile(
    r"all that apply|(?:select|choose|check|tick|mark) all\b|more than one answer"
    r"|plusieurs r[ée]ponses|\bcochez\b|toutes les r[ée]ponses qui",
    re.IGNORECASE,
)
_RANKING = re.compile(r"\brank\b|\bclass(?:ez|er)\b|\bby order of (?:priority|importance)\b", re.IGNORECASE)
_TO = r"\s*(?:to|à|a|-|–)\s*"
_SCALE = re.compile(
    r"(?:scale|[ée]chelle)\s+(?:of|from|de|allant de)\s+(\d{1,2})" + _TO + r"(\d{1,2})\b"
    r"|\bde\s+(\d{1,2})\s+à\s+(\d{1,2})\b"
    r"|\b(?:rate|score|not(?:ez|er)|[ée]valu(?:ez|er))\b[^.?!]{0,80}?\b(\d{1,2})" + _TO + r"(\d{1,2})\b",
    re.IGNORECASE,
)


@dataclass
class DetectedFormat:
    """A format as formats.checked_format reads it: name, options and the scale of a rating."""

    format: str = "open"
    options: list[str] = field(default_factory=list)
    scale: tuple[int, int] | None = None


def _scale_in(text: str) -> tuple[int, int] | None:
    for match in _SCALE.finditer(text):
        low, high = (int(value) for value in match.groups() if value is not None)
        if (low, high) in SCALES:
            return low, high
    return None


def detect_format(question: str, options: list[str], instruction: str = "") -> DetectedFormat:
    """The format of a question with the options listed under it (none for a question alone) and
    an instruction written between them ("Select all that apply.")."""
    words = f"{question} {instruction}"
    scale = _scale_in(words)
    if scale and len(options) <= MAX_STATEMENTS:
        return DetectedFormat("rating", list(options), scale)
    if len(options) < 2 or len(options) > MAX_CHOICES:
        return DetectedFormat()
    if _RANKING.search(words) and len(options) <= MAX_RANKED:
        return DetectedFormat("ranking", list(options))
    if _MULTIPLE.search(words):
        return DetectedFormat("multiple", list(options))
    return DetectedFormat("single", list(options))
