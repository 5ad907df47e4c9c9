"""Markdown: what participants wrote stays text, whatever Markdown it looks like."""

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from facilitator.exports.markdown import escape, to_markdown
from facilitator.exports.report import build_report
from tests.exports.helpers import tiny_report

HOSTILE = {
    "md-heading-001": "# heading",
    "md-link-00001": "[x](javascript:alert(1))",
    "md-html-00001": "<script>alert(1)</script>",
    "md-list-00001": "1. not a list",
    "md-rule-00001": "Looks fine\n---\n> quoted\n    indented code\n```\nfenced",
    "md-image-0001": "![pixel](https://tracker.example/p.gif)",
    "md-entity-001": "&lt;b&gt; and | pipes |",
}

SPECIALS = "\\`*_[]<>|~"


def unescaped_specials(line: str) -> list[str]:
    """Characters that act as Markdown in a line: specials not preceded by a backslash."""
    found, index = [], 0
    while index < len(line):
        if line[index] == "\\":
            index += 2
            continue
        if line[index] in SPECIALS:
            found.append(line[index])
        index += 1
    return found


def starts_a_block(line: str) -> bool:
    return bool(re.match(r"\s|[#>+=\-*_`~|]|\d+[.)]", line))


def test_hostile_answers_do_not_become_structure(held):
    h = held("named", extra_answers=HOSTILE)
    markdown = to_markdown(build_report(h.meeting()))
    lines = markdown.splitlines()
    # The only headings are the report's own.
    headings = [line for line in lines if line.startswith("#")]
    ours = (
        "Learning session",
        "Participation",
        "By ",
        "Question",
        "Plenary",
        "Annex",
        "Round",
        "Group",
        "Most",
    )
    assert all(re.match(r"#{1,4} ", line) and line.split(" ", 1)[1].startswith(ours) for line in headings)
    assert "- \\# heading\\" in lines
    assert "\\[x\\](javascript:alert(1))" in markdown and "[x](" not in markdown
    assert "\\<script\\>alert(1)\\</script\\>" in markdown and "<script" not in markdown.replace(
        "\\<script", ""
    )
    assert "1\\. not a list" in markdown
    assert "!\\[pixel\\](https://tracker.example/p.gif)" in markdown
    assert "\\&lt;b\\&gt; and \\| pipes \\|" in markdown
    # Each line of the multi-line answer stays inside its list item, as text.
    assert "  \\---\\" in lines and "  \\> quoted\\" in lines and "  indented code\\" in lines
    assert "  \\`\\`\\`\\" in lines


def test_report_reads_as_plain_text(held):
    markdown = to_markdown(build_report(held("affiliation").meeting()))
    assert markdown.startswith("# Learning session")
    assert "## Question 1. Guiding question 1?" in markdown
    assert "### Group summaries" in markdown and "### Most supported answers" in markdown
    assert "| Senegal | 1 |" in markdown
    assert (
        "> Map every water point\n>\n> — Senegal · Ministry of Women · Round 1 · Group 1 · 2 votes"
        in markdown
    )


@settings(max_examples=300, deadline=None)
@given(st.text())
@example("#x\n  ## y\n\t- z\n1) a\n+ b\n=== \n|c|\n~~~")
def test_escaped_text_never_starts_a_block_or_leaves_a_special_character(text):
    for line in escape(text).split("\n"):
        assert not starts_a_block(line), line
        assert unescaped_specials(line.removesuffix("\\")) == [], line


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=40))
def test_headings_and_table_cells_stay_on_one_line(text):
    markdown = to_markdown(tiny_report(text))
    for line in markdown.splitlines():
        if line.startswith("|"):
            cells = re.split(r"(?<!\\)\|", line)
            assert len(cells) == 4, line  # "| label | count |": two cells between three pipes
