"""Groups decided before the meeting: a CSV roster that names each participant's group.

Rosters come out of spreadsheets and registration systems in every locale, so the reader accepts
commas, semicolons or tabs, UTF-8 with or without a byte-order mark or the Windows code page, and
column titles in English, French or Spanish. Matching names is forgiving about case, spacing and
Unicode forms, but never guesses: a row that could mean two people is reported, not applied.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from facilitator.errors import N_, DomainError

if TYPE_CHECKING:
    import _csv

MAX_BYTES = 1_000_000
MAX_ROWS = 10_000
MAX_CELL_CHARS = 200

GROUP_COLUMNS = ("group", "groupe", "grupo", "breakout", "room")
# Most reliable first: a participant code is unique by construction, a name may be shared.
KEY_COLUMNS = (
    "participant code",
    "code",
    "email",
    "e mail",
    "name",
    "display name",
    "nom",
    "nombre",
    "participant",
)
DELIMITERS = (",", ";", "\t")
# The sniffer backtracks quadratically on stray quotes; a short sample bounds it to a few milliseconds.
_SNIFF_CHARS = 2048


@dataclass(frozen=True)
class RosterRow:
    line: int  # 1-based line in the file, the header being line 1
    group: str  # as written, without surrounding spaces
    key: str  # the name or code that identifies the participant, without surrounding spaces


@dataclass
class RosterMatch:
    assignments: dict[int, str] = field(default_factory=dict)  # person id -> group name
    unmatched: list[tuple[RosterRow, str]] = field(default_factory=list)  # row and why it was not applied
    unlisted: list[int] = field(default_factory=list)  # people the file gave no group, ascending ids


class RosterError(DomainError):
    """A file that cannot be read as a roster; the message says what to fix in the spreadsheet."""


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _decode(raw: bytes | str) -> str:
    if isinstance(raw, str):
        if len(raw.encode("utf-8", errors="surrogatepass")) > MAX_BYTES:
            raise RosterError(N_("The file is larger than 1 MB."))
        return raw.removeprefix("\ufeff")
    if len(raw) > MAX_BYTES:
        raise RosterError(N_("The file is larger than 1 MB."))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the local code page; five of its bytes map to nothing.
        return raw.decode("cp1252", errors="replace")


def _header_columns(header: Sequence[str]) -> tuple[int | None, list[int]]:
    titles = [_fold(cell.replace("_", " ").replace("-", " ")) for cell in header]
    group = next((index for index, title in enumerate(titles) if title in GROUP_COLUMNS), None)
    keys = [titles.index(name) for name in KEY_COLUMNS if name in titles]
    return group, keys


def _reader(text: str, delimiter: str) -> _csv.Reader:
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _delimiter(text: str) -> str:
    """The delimiter that makes the header name both required columns.

    The sniffer's guess is tried first, but names written "Diallo, Amina" in a semicolon file fool
    it, so every other candidate is tried before giving up.
    """
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if not first_line:
        raise RosterError(N_("The file is empty."))
    candidates = list(DELIMITERS)
    try:
        sniffed = csv.Sniffer().sniff(text[:_SNIFF_CHARS], delimiters="".join(DELIMITERS)).delimiter
        candidates.remove(sniffed)
        candidates.insert(0, sniffed)
    except csv.Error:
        pass
    for delimiter in candidates:
        try:
            header = next((row for row in _reader(text, delimiter) if any(cell.strip() for cell in row)), [])
        except csv.Error:
            continue
        group, keys = _header_columns(header)
        if group is not None and keys:
            return delimiter
    shown = first_line if len(first_line) <= 100 else first_line[:99] + "…"
    raise RosterError(
        N_(
            "The first row must name a group column (group, groupe, grupo, breakout or room) and a "
            "participant column (name, nom, nombre, display name, participant, code, participant code "
            "or email). The first row of this file reads: “%(found)s”."
        ),
        found=shown,
    )


def parse_roster(raw: bytes | str) -> list[RosterRow]:
    """Rows of a CSV roster with a header row; blank lines are skipped, cells are kept as text."""
    text = _decode(raw)
    if "\x00" in text:
        # A spreadsheet saved in its own format rather than as CSV.
        raise RosterError(N_("This is not a CSV file. In the spreadsheet, use “Save as” and choose CSV."))
    delimiter = _delimiter(text)
    reader = _reader(text, delimiter)
    rows: list[RosterRow] = []
    group_column: int | None = None
    key_columns: list[int] = []
    names: dict[int, str] = {}
    previous_line = 0
    try:
        for cells in reader:
            # A quoted cell may span lines; a row starts just after the previous one ended.
            line, previous_line = previous_line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if group_column is None:
                group_column, key_columns = _header_columns(cells)
                assert group_column is not None
                names = {index: cells[index].strip() for index in (group_column, *key_columns)}
                continue
            if len(rows) == MAX_ROWS:
                raise RosterError(N_("The file has more than %(max)s rows."), max=f"{MAX_ROWS:,}")
            values = {index: cells[index].strip() if index < len(cells) else "" for index in names}
            for index, value in values.items():
                # Only the columns read are limited: a long comment elsewhere in the file is harmless.
                if len(value) > MAX_CELL_CHARS:
                    raise RosterError(
                        N_("Line %(line)s: the “%(column)s” cell is longer than %(max)s characters."),
                        line=line,
                        column=names[index],
                        max=MAX_CELL_CHARS,
                    )
            # Each row may identify its participant in a different column, e.g. a code where known.
            key = next((values[index] for index in key_columns if values[index]), "")
            if not key and not values[group_column]:
                # Only columns this file does not use are filled in, e.g. a notes or totals row.
                continue
            rows.append(RosterRow(line=line, group=values[group_column], key=key))
    except csv.Error as error:
        raise RosterError(
            N_("Line %(line)s cannot be read as CSV: %(reason)s."), line=reader.line_num, reason=str(error)
        ) from error
    return rows


def match_roster(rows: Sequence[RosterRow], people: Mapping[int, Sequence[str]]) -> RosterMatch:
    """Applies the rows to the people present, each of whom is known by a few keys (name, code, email).

    Keys are compared folded: case, surrounding and repeated spaces and Unicode forms do not matter.
    """
    holders: dict[str, set[int]] = {}
    for person_id, keys in people.items():
        for key in keys:
            if key and (folded := _fold(key)):
                holders.setdefault(folded, set()).add(person_id)
    match = RosterMatch()
    listed_on: dict[int, int] = {}
    for row in rows:
        found = holders.get(_fold(row.key), set())
        if not row.group:
            match.unmatched.append((row, "empty group name"))
        elif not _fold(row.key):
            match.unmatched.append((row, "no name or code given"))
        elif not found:
            match.unmatched.append((row, "no participant with this name"))
        elif len(found) > 1:
            match.unmatched.append((row, f"{len(found)} participants have this name"))
        else:
            (person_id,) = found
            if person_id in listed_on:
                match.unmatched.append((row, f"already listed on line {listed_on[person_id]}"))
            else:
                listed_on[person_id] = row.line
                match.assignments[person_id] = row.group
    # People whose only row could not be applied still need a group, so they count as unlisted too.
    match.unlisted = sorted(person_id for person_id in people if person_id not in match.assignments)
    return match
