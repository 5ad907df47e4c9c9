import csv
import io
import unicodedata

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from facilitator.breakouts.roster import (
    MAX_BYTES,
    MAX_CELL_CHARS,
    MAX_ROWS,
    RosterError,
    RosterMatch,
    RosterRow,
    match_roster,
    parse_roster,
)

PROPERTY = settings(max_examples=200, deadline=None, database=None)


def fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def rows_of(text: str) -> list[tuple[int, str, str]]:
    return [(row.line, row.group, row.key) for row in parse_roster(text)]


# Reading the file.


def test_reads_a_plain_comma_separated_file():
    assert rows_of("group,name\nRoom A,Amina\nRoom B,Bruno\n") == [
        (2, "Room A", "Amina"),
        (3, "Room B", "Bruno"),
    ]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_detects_the_delimiter(delimiter):
    text = delimiter.join(["Name", "Group"]) + "\n" + delimiter.join(["Amina", "1"]) + "\n"
    assert rows_of(text) == [(2, "1", "Amina")]


def test_a_comma_inside_names_does_not_fool_the_delimiter_detection():
    text = "Group;Name\nA;Diallo, Amina\nB;Pérez, José\nC;Smith, John\n"
    assert rows_of(text) == [(2, "A", "Diallo, Amina"), (3, "B", "Pérez, José"), (4, "C", "Smith, John")]


def test_accepts_utf8_with_a_byte_order_mark():
    raw = "Groupe;Nom\nSalle 1;Éloïse\n".encode("utf-8-sig")
    assert rows_of(raw) == [(2, "Salle 1", "Éloïse")]
    assert rows_of(raw.decode("utf-8")) == [(2, "Salle 1", "Éloïse")]  # the mark also survives in text


def test_falls_back_to_the_windows_code_page():
    raw = "Grupo;Nombre\nSala 1;José Muñoz – “Pepe”\n".encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert rows_of(raw) == [(2, "Sala 1", "José Muñoz – “Pepe”")]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("GROUP,NAME", ("g", "k")),
        ("Groupe;Nom", ("g", "k")),
        ("grupo,nombre", ("g", "k")),
        ("Breakout,Display Name", ("g", "k")),
        ("Room,Participant", ("g", "k")),
        ("room,Participant Code", ("g", "k")),
        ("room,participant_code", ("g", "k")),
        ("Room,Code", ("g", "k")),
        ("Room,E-mail", ("g", "k")),
        ("Room,Full name", None),
        ("Room,Email", ("g", "k")),
        ("  Group  , Name ", ("g", "k")),
    ],
)
def test_finds_columns_under_many_titles(header, expected):
    delimiter = ";" if ";" in header else ","
    text = f"{header}\ng{delimiter}k\n"
    if expected is None:
        with pytest.raises(RosterError):
            parse_roster(text)
    else:
        assert rows_of(text) == [(2, *expected)]


def test_columns_may_come_in_any_order_among_others():
    text = "Country,Name,Notes,Group\nKenya,Amina,arrives late,2\n"
    assert rows_of(text) == [(2, "2", "Amina")]


def test_a_participant_code_is_preferred_and_the_name_used_where_the_code_is_missing():
    text = "name,group,participant code\nAmina,1,P0007\nBruno,2,\n"
    assert rows_of(text) == [(2, "1", "P0007"), (3, "2", "Bruno")]


def test_skips_blank_lines_but_counts_them():
    text = "\ngroup,name\n\nA,Amina\n,\n   ,  \n\nB,Bruno\n"
    assert rows_of(text) == [(4, "A", "Amina"), (8, "B", "Bruno")]


def test_line_numbers_follow_cells_that_span_lines():
    text = 'group,name,notes\nA,Amina,"two\nlines"\nB,Bruno,\n'
    assert rows_of(text) == [(2, "A", "Amina"), (4, "B", "Bruno")]


def test_windows_and_old_mac_line_endings():
    assert rows_of("group,name\r\nA,Amina\r\nB,Bruno\r\n") == [(2, "A", "Amina"), (3, "B", "Bruno")]
    assert rows_of("group,name\rA,Amina\rB,Bruno\r") == [(2, "A", "Amina"), (3, "B", "Bruno")]


def test_cells_are_stripped_and_short_rows_read_as_empty_cells():
    assert rows_of("group,name,notes\n  A  ,  Amina Diallo \nB\n") == [(2, "A", "Amina Diallo"), (3, "B", "")]


def test_rows_filling_only_other_columns_are_skipped():
    assert rows_of("group,name,notes\nA,Amina,\n,,total: 1\n") == [(2, "A", "Amina")]


def test_formula_looking_cells_stay_text():
    text = 'group,name\n=1+1,"=HYPERLINK(""http://x"")"\n@SUM(A1),+cmd\n'
    assert rows_of(text) == [(2, "=1+1", '=HYPERLINK("http://x")'), (3, "@SUM(A1)", "+cmd")]


def test_a_file_with_only_its_header_has_no_rows():
    assert parse_roster("group,name\n") == []


@pytest.mark.parametrize(
    "text", ["name\nAmina\n", "group\n1\n", "person,team\nAmina,1\n", "\n  \ngroupname\n"]
)
def test_missing_columns_name_what_is_expected(text):
    with pytest.raises(RosterError) as error:
        parse_roster(text)
    message = str(error.value)
    assert "group" in message
    assert "name" in message
    assert "participant code" in message
    first_row = next(line for line in text.splitlines() if line.strip())
    assert f"The first row of this file reads: “{first_row}”." in message


def test_a_long_first_row_is_shortened_in_the_message():
    with pytest.raises(RosterError, match=r"reads: “x{99}…”"):
        parse_roster("x" * 500 + "\n")


@pytest.mark.parametrize("raw", ["", "\n\n", b"", b"\xef\xbb\xbf", "  \r\n\t\n"])
def test_an_empty_file_says_so(raw):
    with pytest.raises(RosterError, match="The file is empty"):
        parse_roster(raw)


def test_at_most_ten_thousand_rows():
    body = "".join(f"G{i % 50},Person {i}\n" for i in range(MAX_ROWS))
    assert len(parse_roster("group,name\n" + body)) == MAX_ROWS
    with pytest.raises(RosterError, match="more than 10,000 rows"):
        parse_roster("group,name\n" + body + "G1,One too many\n")


def test_at_most_one_megabyte():
    padding = "x" * 100
    big = "group,name,notes\n" + "".join(f"G,P{i},{padding}\n" for i in range(MAX_BYTES // 100))
    assert len(big.encode()) > MAX_BYTES
    with pytest.raises(RosterError, match="larger than 1 MB"):
        parse_roster(big.encode())
    with pytest.raises(RosterError, match="larger than 1 MB"):
        parse_roster(big)


def test_cells_read_are_limited_to_200_characters():
    assert rows_of(f"group,name\nA,{'n' * MAX_CELL_CHARS}\n") == [(2, "A", "n" * MAX_CELL_CHARS)]
    with pytest.raises(RosterError, match=r"Line 3: the “Name” cell is longer than 200 characters"):
        parse_roster(f"Group,Name\nA,Amina\nB,{'n' * (MAX_CELL_CHARS + 1)}\n")
    with pytest.raises(RosterError, match="Line 2: the “group” cell"):
        parse_roster(f"group,name\n{'g' * (MAX_CELL_CHARS + 1)},Amina\n")
    # A long note in a column the roster does not read is no reason to refuse the file.
    assert rows_of(f"group,name,notes\nA,Amina,{'x' * 5000}\n") == [(2, "A", "Amina")]


def test_a_spreadsheet_not_saved_as_csv_is_refused_clearly():
    with pytest.raises(RosterError, match="not a CSV file"):
        parse_roster(b"PK\x03\x04\x14\x00\x06\x00group,name\n")


def test_a_cell_too_large_for_the_csv_reader_is_refused_with_its_line():
    text = f'group,name,notes\nA,Amina,\nB,Bruno,"{"x" * 200_000}"\n'
    with pytest.raises(RosterError, match="Line 3 cannot be read as CSV: field larger than field limit"):
        parse_roster(text)


def test_an_unclosed_quote_is_read_to_the_end():
    assert rows_of('group,name\nA,"Amina\nB,Bruno\n') == [(2, "A", "Amina\nB,Bruno")]


@PROPERTY
@given(
    st.binary(max_size=400) | st.text(max_size=400).map(lambda text: text.encode("utf-8", "surrogatepass"))
)
def test_any_bytes_give_rows_or_a_roster_error(raw):
    try:
        rows = parse_roster(raw)
    except RosterError as error:
        assert str(error)
    else:
        assert all(isinstance(row, RosterRow) and row.line >= 2 and (row.group or row.key) for row in rows)


@PROPERTY
@given(st.text(alphabet=st.sampled_from('group,name;\t"\r\n aé\x00'), max_size=80))
def test_any_csv_shaped_text_gives_rows_or_a_roster_error(text):
    try:
        parse_roster(text)
    except RosterError as error:
        assert str(error)


# Python's own writer leaves a lone carriage return unquoted when lines end in "\n", which no
# reader can undo, so cells here do without one.
cell_text = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00\r"), max_size=20)


@PROPERTY
@given(
    entries=st.lists(st.tuples(cell_text, cell_text), max_size=12),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    line_end=st.sampled_from(["\n", "\r\n"]),
    header=st.sampled_from([("Group", "Name"), ("groupe", "nom"), ("Room", "Participant code")]),
)
def test_what_a_spreadsheet_writes_reads_back(entries, delimiter, encoding, line_end, header):
    if encoding == "cp1252":
        # What the code page cannot hold, a spreadsheet writes as "?" too.
        entries = [
            tuple(cell.encode("cp1252", "replace").decode("cp1252") for cell in pair) for pair in entries
        ]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=line_end)
    writer.writerow(header)
    writer.writerows(entries)
    raw = out.getvalue().encode(encoding)
    # Code-page bytes that also happen to be valid UTF-8 are read as UTF-8, as they should be.
    assume(encoding != "cp1252" or raw.isascii() or not _valid_utf8(raw))
    expected = [(group.strip(), key.strip()) for group, key in entries if group.strip() or key.strip()]
    assert [(row.group, row.key) for row in parse_roster(raw)] == expected


def _valid_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# Matching rows to the people present.


def row(line: int, group: str, key: str) -> RosterRow:
    return RosterRow(line=line, group=group, key=key)


PEOPLE = {
    1: ["José Pérez", "P0001"],
    2: ["Amina Diallo", "P0002"],
    3: ["Li Wei", "P0003"],
    4: ["Li Wei", "P0004"],
    5: ["Bruno", "P0005"],
}


def test_matches_names_whatever_the_case_spacing_and_unicode_form():
    rows = [row(2, "A", "  José  Pérez"), row(3, "B", "AMINA diallo")]
    assert match_roster(rows, PEOPLE).assignments == {1: "A", 2: "B"}
    assert match_roster([row(2, "A", "jose\u0301 pe\u0301rez")], PEOPLE).assignments == {1: "A"}
    assert match_roster([row(2, "A", "ＢＲＵＮＯ")], PEOPLE).assignments == {5: "A"}  # full-width letters


def test_accents_still_count():
    match = match_roster([row(2, "A", "Jose Perez")], PEOPLE)
    assert match.assignments == {}
    assert match.unmatched == [(row(2, "A", "Jose Perez"), "no participant with this name")]


def test_matches_participant_codes():
    assert match_roster([row(2, "A", "p0004")], PEOPLE).assignments == {4: "A"}


def test_a_shared_name_is_reported_not_guessed():
    match = match_roster([row(2, "A", "li wei"), row(3, "B", "P0003")], PEOPLE)
    assert match.assignments == {3: "B"}
    assert match.unmatched == [(row(2, "A", "li wei"), "2 participants have this name")]


def test_someone_listed_twice_keeps_the_first_group():
    rows = [row(2, "A", "Bruno"), row(3, "B", "Amina Diallo"), row(5, "C", "P0005")]
    match = match_roster(rows, PEOPLE)
    assert match.assignments == {5: "A", 2: "B"}
    assert match.unmatched == [(row(5, "C", "P0005"), "already listed on line 2")]


def test_rows_that_cannot_be_applied_say_why():
    rows = [row(2, "", "Bruno"), row(3, "A", "Nobody"), row(4, "A", "  ")]
    match = match_roster(rows, PEOPLE)
    assert match.assignments == {}
    assert match.unmatched == [
        (rows[0], "empty group name"),
        (rows[1], "no participant with this name"),
        (rows[2], "no name or code given"),
    ]


def test_people_without_a_group_from_the_file_are_unlisted():
    rows = [row(2, "A", "Bruno"), row(3, "B", "Li Wei"), row(4, "", "Amina Diallo")]
    # Both Li Weis and Amina still need a group even though the file mentions them.
    assert match_roster(rows, PEOPLE).unlisted == [1, 2, 3, 4]


def test_a_person_whose_keys_repeat_is_still_one_person():
    people = {7: ["Amina", "amina ", ""], 8: ["Bruno"]}
    assert match_roster([row(2, "A", "AMINA")], people) == RosterMatch(assignments={7: "A"}, unlisted=[8])


def test_nobody_present_and_no_rows():
    assert match_roster([], {}) == RosterMatch()
    assert match_roster([], {1: ["Amina"]}) == RosterMatch(unlisted=[1])
    assert match_roster([row(2, "A", "Amina")], {}).unmatched == [
        (row(2, "A", "Amina"), "no participant with this name")
    ]


def test_a_whole_file_from_upload_to_groups():
    raw = "\ufeffGroupe;Nom;Pays\nSalle 1;josé pérez;Pérou\nSalle 2;Li Wei;Chine\nSalle 2;P0005;\n".encode()
    match = match_roster(parse_roster(raw), PEOPLE)
    assert match.assignments == {1: "Salle 1", 5: "Salle 2"}
    assert [(r.line, reason) for r, reason in match.unmatched] == [(3, "2 participants have this name")]
    assert match.unlisted == [2, 3, 4]


names = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=12)


@PROPERTY
@given(
    people=st.dictionaries(st.integers(min_value=1, max_value=40), st.lists(names, max_size=3), max_size=15),
    rows=st.lists(st.tuples(st.sampled_from(["A", "B", ""]), names), max_size=20),
    data=st.data(),
)
def test_every_row_is_applied_or_explained_and_everyone_is_accounted_for(people, rows, data):
    # Some rows name people present, written differently; the others are whatever was drawn.
    every_key = [key for keys in people.values() for key in keys]
    if every_key:
        for index in range(len(rows)):
            if data.draw(st.booleans()):
                key = data.draw(st.sampled_from(every_key))
                rows[index] = (rows[index][0], f"  {key.upper() if data.draw(st.booleans()) else key} ")
    roster = [row(line, group, key.strip()) for line, (group, key) in enumerate(rows, start=2)]
    match = match_roster(roster, people)
    assert len(match.assignments) + len(match.unmatched) == len(roster)
    assert set(match.assignments).isdisjoint(match.unlisted)
    assert set(match.assignments) | set(match.unlisted) == set(people)
    assert match.unlisted == sorted(match.unlisted)
    unmatched = dict(match.unmatched)
    first_line = {}
    for r in roster:
        holders = [p for p, keys in people.items() if fold(r.key) and fold(r.key) in {fold(k) for k in keys}]
        if r not in unmatched:
            # An applied row names exactly one person, who gets that row's group.
            assert len(holders) == 1
            assert match.assignments[holders[0]] == r.group
            first_line[holders[0]] = r.line
        elif not r.group:
            assert unmatched[r] == "empty group name"
        elif not fold(r.key):
            assert unmatched[r] == "no name or code given"
        elif not holders:
            assert unmatched[r] == "no participant with this name"
        elif len(holders) > 1:
            assert unmatched[r] == f"{len(holders)} participants have this name"
        else:
            assert unmatched[r] == f"already listed on line {first_line[holders[0]]}"


@PROPERTY
@given(name=names, spaces=st.lists(st.sampled_from([" ", "  ", "\t", "\u00a0"]), min_size=3, max_size=3))
def test_surrounding_and_repeated_spaces_never_matter(name, spaces):
    assume(fold(name))
    words = name.split()
    written = spaces[0] + spaces[1].join(words) + spaces[2]
    assert match_roster([row(2, "A", written.strip())], {9: [name]}).assignments == {9: "A"}
