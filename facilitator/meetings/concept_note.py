"""Reading the title, date, purpose and guiding questions out of a concept note.

Concept notes arrive as text pasted from a word processor or as plain-text and Markdown files
written by hand, so nothing here relies on a single layout: headings, lists and dates are
recognised by their shape. Whatever is not clearly stated is left empty, because the moderator
reviews every field on the confirmation form before a meeting is created.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time

from facilitator.meetings.format_detection import MAX_CHOICES, DetectedFormat, detect_format

# Concept notes are a few pages long; the cap bounds the work done on a pasted novel or a binary file.
MAX_INPUT_CHARS = 200_000
MAX_QUESTIONS = 50
MAX_QUESTION_CHARS = 1000
MAX_TITLE_CHARS = 200
MAX_DESCRIPTION_CHARS = 1000
MAX_OPTION_CHARS = 200


@dataclass
class ParsedNote:
    title: str = ""
    description: str = ""
    starts_at: datetime | None = None
    questions: list[str] = field(default_factory=list)
    # The format each question plainly asks for, in the same order; open where nothing says more.
    formats: list[DetectedFormat] = field(default_factory=list)

    def format_of(self, index: int) -> DetectedFormat:
        return self.formats[index] if index < len(self.formats) else DetectedFormat()


@dataclass
class _Line:
    text: str
    indent: int
    heading_level: int = 0
    marker: str = ""  # "number", "bullet" or "label" ("Q1:", "Question 1:")
    content: str = ""
    # How a list entry is marked: "digit", "letter" ("a)", "(b)"), "roman" ("ii."), "bullet" or "label".
    numbering: str = ""


@dataclass
class _Block:
    kind: str  # "heading" (Markdown), "item" (list entry) or "para"
    lines: list[_Line]
    blank_before: bool

    @property
    def first(self) -> str:
        return self.lines[0].content if self.kind == "item" else self.lines[0].text

    @property
    def text(self) -> str:
        return _collapse(" ".join([self.first, *(line.text for line in self.lines[1:])]))


# --- Normalising the text -------------------------------------------------------------------------

_SPACES = str.maketrans({"\t": "    ", "\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " "})
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\u200b\u00ad\ufeff]")
_RULE = re.compile(r"[=\-_*~]{3,}")
# Emphasis markers are dropped one by one rather than matched in pairs: pairing them is quadratic
# on a line full of unmatched markers, and a stray marker is as useless as a paired one.
_EMPHASIS = re.compile(r"\*{2,}|(?<!\w)_{2,}|_{2,}(?!\w)")
_LINK = re.compile(r"\[([^\[\]\n]{1,500})\]\([^()\[\]\s]{0,2000}\)")
_MD_HEADING = re.compile(r"(#{1,6})\s+(.*)")
_NUMBERED = re.compile(r"(\d{1,2}|[ivxIVX]{1,5}|[a-zA-Z])[.)]\s+(\S.*)")
_PAREN_NUMBERED = re.compile(r"\((\d{1,2}|[ivxIVX]{1,5}|[a-zA-Z])\)\s+(\S.*)")
_BULLET = re.compile(r"[-*+•·▪●○◦‣–—□☐]\s+(\S.*)")
_QUESTION_LABEL = re.compile(r"(?:q|question|pregunta)\s?\d{1,2}\s*(?:[:.)\-–—]\s*|\s+)(\S.*)", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")


def _collapse(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def _read_line(raw: str) -> _Line | None:
    stripped = raw.strip()
    if not stripped or _RULE.fullmatch(stripped):
        return None
    indent = len(raw) - len(raw.lstrip())
    text = _LINK.sub(r"\1", _EMPHASIS.sub("", stripped)).strip()
    if not text:
        return None
    heading = _MD_HEADING.fullmatch(text)
    if heading:
        title = heading.group(2)
        # Closing hashes ("## Format ##") are decoration; a hash glued to a word ("C#") is not.
        if title.rstrip("#") != title and title.rstrip("#")[-1:] in ("", " "):
            title = title.rstrip("#")
        return _Line(text=title.strip(), indent=indent, heading_level=len(heading.group(1)))
    line = _Line(text=text, indent=indent)
    label = _QUESTION_LABEL.fullmatch(text)
    numbered = _NUMBERED.fullmatch(text) or _PAREN_NUMBERED.fullmatch(text)
    bullet = _BULLET.fullmatch(text)
    if label:
        line.marker, line.content, line.numbering = "label", label.group(1), "label"
    elif numbered:
        line.marker, line.content = "number", numbered.group(2)
        mark = numbered.group(1)
        line.numbering = "digit" if mark.isdigit() else "letter" if len(mark) == 1 else "roman"
    elif bullet:
        line.marker, line.content, line.numbering = "bullet", bullet.group(1), "bullet"
    return line


def _read_lines(text: str) -> list[_Line | None]:
    text = unicodedata.normalize("NFC", text[:MAX_INPUT_CHARS])
    text = _CONTROL.sub("", text.translate(_SPACES))
    return [_read_line(raw) for raw in text.splitlines()]


# --- Shapes of lines and blocks -------------------------------------------------------------------

# A question mark at the end, or before a short instruction in brackets ("(select all that apply)").
_QUESTION_END = re.compile(r"\?[\s\"'”’»)\]*_]*(?:[(\[][^()\[\]]{1,80}[)\]][\s.]*)?$")


def _is_question(text: str) -> bool:
    return bool(_QUESTION_END.search(text))


def _has_words(text: str, letters: int = 2) -> bool:
    return sum(char.isalpha() for char in text[:200]) >= letters


_PLAIN_PUNCTUATION = frozenset(" .,;:!?¿¡'\"’‘“”«»()[]<>/=&%+-–—…#*_@$€£°")


def _reads_as_text(text: str) -> bool:
    """False for runs of symbols that binary junk decodes to, which no title or question is made of."""
    sample = text[:1000]
    plain = sum(char.isalnum() or char in _PLAIN_PUNCTUATION for char in sample)
    return _has_words(sample) and plain >= 0.85 * len(sample)


def _heading_like(text: str) -> bool:
    """A short unpunctuated line such as "Format" or "2. Recent developments and avenues for action"."""
    text = text.strip()
    colon = text.endswith(":")
    text = text.rstrip(":").strip()
    if not text or len(text) > 80 or text[-1] in ".?!;,…" or not _has_words(text):
        return False
    if len(text.split()) > (5 if colon else 8):
        return False
    return text[0].isupper() or text[0].isdigit()


def _starts_upper(text: str) -> bool:
    return bool(text) and (text[0].isupper() or text[0].isdigit())


def _starts_new_block(block: _Block, line: _Line) -> bool:
    last = block.lines[-1]
    if block.kind == "item" and _is_question(last.text) and line.indent <= block.lines[0].indent:
        # A finished question followed by unindented prose: the prose is not part of it.
        return True
    # A heading written without a blank line after it must not swallow the paragraph below.
    return (
        len(block.lines) == 1
        and _heading_like(block.first)
        and line.indent <= last.indent
        and _starts_upper(line.text)
    )


def _blocks(lines: list[_Line | None]) -> list[_Block]:
    blocks: list[_Block] = []
    current: _Block | None = None
    blank = True
    for line in lines:
        if line is None:
            current, blank = None, True
            continue
        if line.heading_level:
            blocks.append(_Block("heading", [line], blank))
            current = None
        elif line.marker:
            current = _Block("item", [line], blank)
            blocks.append(current)
        elif current is not None and current.kind != "heading" and not _starts_new_block(current, line):
            current.lines.append(line)
        else:
            current = _Block("para", [line], blank)
            blocks.append(current)
        blank = False
    return blocks


# --- Guiding questions ----------------------------------------------------------------------------

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})
_HEADING_PREFIX = re.compile(r"^(?:\d{1,2}|[ivx]{1,5}|[a-z])[.)]\s+|^\(\w{1,5}\)\s+", re.IGNORECASE)
_QUESTIONS_HEADING = re.compile(
    r"(?:(?:key|guiding|discussion|framing|leading|orienting|suggested|proposed|main|central)\s+)?"
    r"questions?(?:\s+(?:for|to guide)\s+(?:the\s+)?(?:discussion|debate|session|dialogue))?"
    r"|questions?\s+(?:directrices|d'orientation|cl[ée]s|de discussion|pour (?:la )?discussion)"
    r"(?:\s+pour\s+(?:la\s+)?(?:discussion|session|dialogue))?"
    r"|preguntas?\s+(?:orientadoras|gu[íi]a|guiadoras|clave|motivadoras|generadoras|de discusi[óo]n"
    r"|para (?:el |la )?(?:debate|di[áa]logo|discusi[óo]n))"
)
_QUESTIONS_WORDS = re.compile(
    r"\b(?:guiding|discussion|key)\s+questions\b|\bquestions\s+(?:directrices|d'orientation)\b"
    r"|\bpreguntas\s+(?:orientadoras|gu[íi]a)\b"
)


def _heading_key(text: str) -> str:
    text = _HEADING_PREFIX.sub("", text.strip().translate(_APOSTROPHES))
    return _collapse(text.rstrip(" :.–—-")).lower()


def _questions_heading_lines(lines: list[_Line | None]) -> list[int]:
    """Line numbers of question headings, exact ones ("Guiding questions") before mixed ones
    ("3. Session objectives and guiding questions"), since the exact one sits right above the list."""
    exact: list[int] = []
    mixed: list[int] = []
    for index, line in enumerate(lines):
        if line is None or len(line.text) > 100:
            continue
        key = _heading_key(line.text)
        if _QUESTIONS_HEADING.fullmatch(key):
            exact.append(index)
        elif _QUESTIONS_WORDS.search(key) and (line.heading_level or _heading_like(line.text)):
            mixed.append(index)
    return (exact + mixed)[:10]


def _questions_in_paragraph(block: _Block) -> list[str]:
    """Questions written one after another without list markers, each ending in a question mark."""
    found: list[str] = []
    pending: list[str] = []
    for line in block.lines:
        pending.append(line.text)
        if _is_question(line.text):
            found.append(_collapse(" ".join(pending)))
            pending = []
        elif line.text.endswith((".", ":")):
            # An introduction such as "The discussion will be guided by the following questions:".
            pending = []
    return found


def _is_section_heading(block: _Block, questions: list[str], following: _Block | None) -> bool:
    """Tells "4. Format" after the last question from one more entry of the list."""
    if len(block.lines) > 1 or not _heading_like(block.first):
        return False
    if questions and all(_is_question(question) for question in questions):
        return True
    # A short numbered line introducing a paragraph of prose is the next section of the note.
    return (
        block.lines[0].marker == "number"
        and following is not None
        and following.kind == "para"
        and following.blank_before
        and not _heading_like(following.first)
        and not _questions_in_paragraph(following)
    )


# Reading stops well past the cap, leaving room for entries that cleaning throws away.
_ENOUGH_QUESTIONS = 2 * MAX_QUESTIONS


@dataclass
class _Found:
    """A question as read, with the options listed under it and an instruction between them."""

    text: str
    options: list[str] = field(default_factory=list)
    instruction: str = ""


# The ways options are marked under a question: bullets, boxes to tick, or letters ("a)", "(b)").
_OPTION_NUMBERING = ("bullet", "letter")
_INSTRUCTION = re.compile(
    r"\b(?:select|choose|tick|check|mark|rank|rate|scale|cochez|choisissez|s[ée]lectionnez|classez"
    r"|notez|[ée]chelle|r[ée]ponses?)\b",
    re.IGNORECASE,
)


def _is_option_of(question: _Block, block: _Block) -> bool:
    """An entry that reads as one of the question's options: marked differently from the
    questions (or indented below it), short, and not itself a question."""
    if block.kind != "item":
        return False
    asked, option = question.lines[0], block.lines[0]
    if option.numbering not in _OPTION_NUMBERING:
        return False
    if option.numbering == asked.numbering and option.indent <= asked.indent:
        return False
    text = block.text
    return len(text) <= MAX_OPTION_CHARS and not _is_question(text) and any(c.isalnum() for c in text)


def _with_options(blocks: list[_Block], position: int) -> tuple[_Found, int]:
    """The question at `position` with the options listed under it, and how many blocks they took."""
    question = blocks[position]
    found = _Found(question.text)
    start = position + 1
    instruction = ""
    if start < len(blocks) and blocks[start].kind == "para":
        text = blocks[start].text
        if len(text.split()) <= 15 and _INSTRUCTION.search(text):
            instruction, start = text, start + 1
    end = start
    while end < len(blocks) and end - start <= MAX_CHOICES and _is_option_of(question, blocks[end]):
        end += 1
    options = [blocks[index].text for index in range(start, end)]
    # Fewer than two, too many or repeated entries are not plainly a list of choices.
    if not 2 <= len(options) <= MAX_CHOICES or len({o.casefold() for o in options}) != len(options):
        return found, 0
    found.options, found.instruction = options, instruction
    return found, end - position - 1


def _questions_under(blocks: list[_Block]) -> list[_Found]:
    questions: list[_Found] = []
    skipped = 0
    position = 0
    while position < len(blocks):
        block = blocks[position]
        if block.kind == "heading" or len(questions) >= _ENOUGH_QUESTIONS:
            break
        following = blocks[position + 1] if position + 1 < len(blocks) else None
        position += 1
        if block.kind == "item":
            found, used = _with_options(blocks, position - 1)
            # "Rank these priorities:" above its options is short like a heading, yet asks.
            asks = used > 0 and block.text.endswith(":") and bool(_INSTRUCTION.search(block.text))
            if not asks and _is_section_heading(block, [found.text for found in questions], following):
                break
            questions.append(found)
            position += used
            continue
        unmarked = _questions_in_paragraph(block)
        if unmarked:
            questions.extend(_Found(text) for text in unmarked)
        elif questions:
            break
        else:
            # A sentence or two may introduce the list; much more means the list is not here.
            skipped += 1
            if skipped > 2:
                break
    return questions


def _find_questions(lines: list[_Line | None], blocks: list[_Block]) -> list[_Found]:
    for index in _questions_heading_lines(lines):
        found = _questions_under(_blocks(lines[index + 1 :]))
        if found:
            return found
    # Without a heading, the questions are the list entries that are phrased as questions.
    questions: list[_Found] = []
    position = 0
    while position < len(blocks) and len(questions) < _ENOUGH_QUESTIONS:
        block = blocks[position]
        position += 1
        if block.kind == "item" and _is_question(block.text):
            found, used = _with_options(blocks, position - 1)
            questions.append(found)
            position += used
    return questions


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def _clean_questions(found: list[_Found]) -> tuple[list[str], list[DetectedFormat]]:
    questions: list[str] = []
    formats: list[DetectedFormat] = []
    for item in found:
        text = _collapse(item.text)
        if not _reads_as_text(text):
            continue
        questions.append(_clip(text, MAX_QUESTION_CHARS))
        options = [_clip(_collapse(option), MAX_OPTION_CHARS) for option in item.options]
        formats.append(detect_format(text, options, item.instruction))
    return questions[:MAX_QUESTIONS], formats[:MAX_QUESTIONS]


# --- Title ----------------------------------------------------------------------------------------

_DOCUMENT_LABEL = re.compile(
    r"(?:draft\s+)?(?:concept note|note conceptuelle|note de cadrage|nota conceptual|nota de concepto"
    r"|background note|information note|note d'information|terms of reference|termes de r[ée]f[ée]rence"
    r"|t[ée]rminos de referencia|agenda|programme|program|ordre du jour|invitation|save the date"
    r"|draft|projet|borrador|confidential|restricted|for internal use)"
    r"(?:\s*[-–—(]?\s*(?:draft|projet|borrador|final|v\d+)\)?)?"
)
_LABEL_PREFIX = re.compile(
    r"(?:concept note|note conceptuelle|nota conceptual|nota de concepto)\s*[:\-–—]\s*(\S.*)", re.IGNORECASE
)
_SERIES = re.compile(r".*\b(?:series|s[ée]rie|ciclo)\b")
_TITLE_FIELD = re.compile(r"(?:title|titre|t[íi]tulo|subject|objet|asunto)\s*:\s*(\S.*)", re.IGNORECASE)
_FIELD = re.compile(
    r"(?:date|dates|time|when|venue|location|place|where|registration|register|zoom[\w ]*|link|webex"
    r"|teams|contact|contacts|organi[sz]ers?|host|hosts|language|languages|interpretation|participants"
    r"|moderator|facilitator|chair|format|duration|lieu|heure|horaire|inscription|langues?|lugar|hora"
    r"|horario|fecha|idiomas?|inscripci[óo]n|enlace)\s*:.*",
    re.IGNORECASE,
)
_SECTION_NAME = re.compile(
    r"(?:context|background|introduction|overview|objectives?|purpose|aims?|format|agenda|programme"
    r"|program|expected|outcomes?|participants|rationale|session objectives|contexte|objectifs?"
    r"|historique|justification|contexto|antecedentes|objetivos?|justificaci[óo]n|formato|modalit)\b"
)
_CONNECTOR = re.compile(
    r"\b(?:and|or|of|on|in|for|the|to|a|an|with|between|from|et|ou|de|des|du|la|le|les|en|pour|sur|y|o"
    r"|el|los|las|con|para|por)$|[,:\-–—]$",
    re.IGNORECASE,
)


def _is_document_label(text: str) -> bool:
    key = _heading_key(text)
    if len(key.split()) > 6:
        return False
    return bool(_DOCUMENT_LABEL.fullmatch(key) or _SERIES.fullmatch(key))


def _title_candidate(text: str) -> bool:
    return (
        _has_words(text, 3)
        and _reads_as_text(text)
        and len(text) <= MAX_TITLE_CHARS
        and not text.endswith(":")
        and not _is_document_label(text)
        and not _FIELD.fullmatch(text)
        and "http" not in text.lower()
        and "www." not in text.lower()
        and "@" not in text
        and _date_in(text) is None
    )


def _tidy_title(text: str) -> str:
    labelled = _LABEL_PREFIX.fullmatch(text)
    if labelled:
        text = labelled.group(1)
    return _collapse(text).strip("\"'“”«» ")


def _title_runs(lines: list[_Line | None]) -> list[str]:
    """Candidate lines, joined where a long title was wrapped onto the next line."""
    runs: list[list[str]] = []
    for line in lines:
        text = line.text if line else ""
        if not _title_candidate(text):
            runs.append([])
            continue
        previous = runs[-1][-1] if runs and runs[-1] else ""
        # A line that nearly fills the width was most likely wrapped by the word processor.
        if previous and (text[0].islower() or _CONNECTOR.search(previous) or len(previous) >= 50):
            runs[-1].append(text)
        else:
            runs.append([text])
    joined = (" ".join(run) for run in runs if run)
    return [run for run in joined if len(run) <= MAX_TITLE_CHARS]


def _ends_header(block: _Block) -> bool:
    key = _heading_key(block.first)
    section = _heading_like(block.first) and len(key.split()) <= 6 and _SECTION_NAME.match(key)
    return (
        block.kind == "item"
        or bool(section)
        or bool(_QUESTIONS_HEADING.fullmatch(key))
        or len(block.text.split()) > 30
    )


def _find_title(lines: list[_Line | None], blocks: list[_Block]) -> str:
    for line in lines[:40]:
        labelled = line and _TITLE_FIELD.fullmatch(line.text)
        if labelled:
            return _tidy_title(labelled.group(1))[:MAX_TITLE_CHARS]
    for block in blocks:
        if block.kind == "heading" and block.lines[0].heading_level == 1:
            text = _tidy_title(block.first)
            if _title_candidate(text):
                return text
    header: list[_Line | None] = []
    for block in blocks[:30]:
        if _ends_header(block):
            break
        if block.blank_before:
            header.append(None)
        header.extend(block.lines)
    candidates = [_tidy_title(run) for run in _title_runs(header)]
    # Series and organisation labels tend to be set in capitals above a title in ordinary case.
    mixed = [text for text in candidates if not text.isupper()]
    for text in mixed:
        if len(text.split()) >= 3:
            return text
    return (mixed or candidates or [""])[0]


# --- Date and time --------------------------------------------------------------------------------

_MONTHS = {
    **dict.fromkeys(("january", "jan", "janvier", "janv", "enero", "ene"), 1),
    **dict.fromkeys(("february", "feb", "février", "fevrier", "févr", "fevr", "fév", "febrero"), 2),
    **dict.fromkeys(("march", "mar", "mars", "marzo"), 3),
    **dict.fromkeys(("april", "apr", "avril", "avr", "abril", "abr"), 4),
    **dict.fromkeys(("may", "mai", "mayo"), 5),
    **dict.fromkeys(("june", "jun", "juin", "junio"), 6),
    **dict.fromkeys(("july", "jul", "juillet", "juil", "julio"), 7),
    **dict.fromkeys(("august", "aug", "août", "aout", "agosto", "ago"), 8),
    **dict.fromkeys(("september", "sep", "sept", "septembre", "septiembre", "setiembre"), 9),
    **dict.fromkeys(("october", "oct", "octobre", "octubre"), 10),
    **dict.fromkeys(("november", "nov", "novembre", "noviembre"), 11),
    **dict.fromkeys(("december", "dec", "décembre", "decembre", "déc", "diciembre", "dic"), 12),
}
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?(?![^\W\d_])"
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?:(?:T|\s+)(\d{1,2}):(\d{2}))?(?!\d)")
_ORDINAL = r"(?:st|nd|rd|th|er|re|e|º|°)?"
# The first day of a range ("5-6 July 2022", "July 5-6, 2022") is when the meeting starts.
_LAST_DAY = r"(?:\s*[-–—]\s*\d{1,2}" + _ORDINAL + r")?"
_DAY_MONTH_YEAR = re.compile(
    r"(?<!\d)(\d{1,2})"
    + _ORDINAL
    + _LAST_DAY
    + r"[\s\-]+(?:de\s+)?"
    + _MONTH
    + r",?[\s\-]+(?:de\s+|del\s+)?(\d{4})(?!\d)",
    re.IGNORECASE,
)
_MONTH_DAY_YEAR = re.compile(
    r"(?<![^\W\d_])" + _MONTH + r"\s+(\d{1,2})" + _ORDINAL + _LAST_DAY + r",?\s+(\d{4})(?!\d)", re.IGNORECASE
)
_MERIDIEM = r"(a\.?\s?m\.?|p\.?\s?m\.?)(?![^\W\d_])"
_TIME = re.compile(
    r"(?<![\d:.])(?:(\d{1,2})\s?[:.]\s?(\d{2})\s*(?:" + _MERIDIEM + r")?"
    r"|(\d{1,2})\s?" + _MERIDIEM + r"|(\d{1,2})\s?h\s?(\d{2})?(?![^\W\d_]))(?![\d:])",
    re.IGNORECASE,
)
_RANGE = re.compile(r"\s*(?:-|–|—|until|to|à|al|au|a)\s*", re.IGNORECASE)
_DATE_FIELD = re.compile(r"(?:date|dates|when|fecha|date et heure|date and time)\s*:", re.IGNORECASE)
_TIME_FIELD = re.compile(r"(?:time|heure|horaire|hora|horario)\s*:\s*", re.IGNORECASE)


def _date_in(text: str) -> tuple[date, int, int, time | None] | None:
    """The first calendar date in a line, its span and, for ISO dates, the time written with it."""
    found: list[tuple[int, int, int, int, int, time | None]] = []
    for match in _ISO_DATE.finditer(text):
        clock = None
        if match.group(4) and int(match.group(4)) < 24 and int(match.group(5)) < 60:
            clock = time(int(match.group(4)), int(match.group(5)))
        found.append(
            (match.start(), match.end(), int(match.group(1)), int(match.group(2)), int(match.group(3)), clock)
        )
        break
    for match in _DAY_MONTH_YEAR.finditer(text):
        month = _MONTHS[match.group(2).lower()]
        found.append((match.start(), match.end(), int(match.group(3)), month, int(match.group(1)), None))
        break
    for match in _MONTH_DAY_YEAR.finditer(text):
        month = _MONTHS[match.group(1).lower()]
        found.append((match.start(), match.end(), int(match.group(3)), month, int(match.group(2)), None))
        break
    for start, end, year, month, day, clock in sorted(found, key=lambda item: item[0]):
        if 1900 <= year <= 2200:
            try:
                return date(year, month, day), start, end, clock
            except ValueError:
                continue
    return None


def _read_time(match: re.Match[str]) -> tuple[int, int, str] | None:
    hour, minute, meridiem = match.group(1), match.group(2), match.group(3)
    if hour is None:
        hour, meridiem = match.group(4), match.group(5)
    if hour is None:
        hour, minute = match.group(6), match.group(7)
    meridiem = (meridiem or "").replace(".", "").replace(" ", "").lower()
    hours, minutes = int(hour), int(minute or 0)
    if minutes > 59 or hours > 23 or (meridiem and not 1 <= hours <= 12):
        return None
    if meridiem == "pm" and hours < 12:
        hours += 12
    elif meridiem == "am" and hours == 12:
        hours = 0
    return hours, minutes, meridiem


def _time_in(text: str) -> time | None:
    match = _TIME.search(text)
    start = match and _read_time(match)
    if not match or not start:
        return None
    hours, minutes, meridiem = start
    if not meridiem and hours < 12:
        # "2:00 - 3:30 pm": the meridiem written once at the end of a range applies to both ends.
        joint = _RANGE.match(text, match.end())
        end_match = joint and _TIME.match(text, joint.end())
        end = end_match and _read_time(end_match)
        if end and end[2] == "pm" and hours + 12 <= end[0]:
            hours += 12
    return time(hours, minutes)


def _find_start(lines: list[_Line | None]) -> datetime | None:
    for index, line in enumerate(lines):
        if line is None:
            continue
        text = line.text
        labelled = bool(_DATE_FIELD.match(text))
        # Dates inside prose ("adopted on 31 October 2000") are history, not the meeting.
        if len(text) > (300 if labelled else 120):
            continue
        found = _date_in(text)
        if found is None:
            continue
        day, start, end, clock = found
        if not labelled and len((text[:start] + text[end:]).split()) > 8:
            # A wrapped line of prose that happens to mention a date, not a line stating one.
            continue
        clock = clock or _time_in(text[end:]) or _time_in(text[:start])
        if clock is None:
            following = next((later for later in lines[index + 1 : index + 3] if later is not None), None)
            if following is not None and len(following.text) <= 80 and _date_in(following.text) is None:
                rest = _TIME_FIELD.sub("", following.text, count=1)
                clock = _time_in(rest) if _TIME.match(rest) else None
        return datetime.combine(day, clock or time(0, 0))
    return None


# --- Description ----------------------------------------------------------------------------------

_PURPOSE = re.compile(
    r"(?:this|the|our)\s+(?:[\w-]+\s+){0,3}"
    r"(?:aims|seeks|intends|is intended|is designed|will (?:provide|offer|explore|discuss|bring|examine))\b"
    r"|(?:the\s+)?(?:main\s+|overall\s+|specific\s+)?(?:objectives?|purpose|aims?|goals?)\s+(?:of|is|are)\b"
    r"|(?:cette|ce|la|le)\s+(?:[\w-]+\s+){0,3}(?:vise|a pour (?:objectif|but)|cherche)\b"
    r"|l'objectif\b"
    r"|(?:esta|este|la|el)\s+(?:[\w-]+\s+){0,3}(?:busca|pretende|tiene (?:como|por) objetivo)\b"
    r"|el objetivo\b",
    re.IGNORECASE,
)
_PURPOSE_HEADING = re.compile(r".*\b(?:objectives?|purpose|aims?|objectifs?|buts?|objetivos?|prop[óo]sito)\b")


def _is_prose(block: _Block, words: int) -> bool:
    text = block.text
    return block.kind == "para" and len(text.split()) >= words and not text.isupper() and _reads_as_text(text)


_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)]*$")


def _find_description(blocks: list[_Block]) -> str:
    chosen = next(
        (
            block
            for block in blocks
            if _is_prose(block, 8) and _PURPOSE.match(block.text.translate(_APOSTROPHES))
        ),
        None,
    )
    if chosen is None:
        for position, block in enumerate(blocks):
            heading = block.kind != "para" or (len(block.lines) == 1 and _heading_like(block.first))
            if heading and _PURPOSE_HEADING.match(_heading_key(block.first)):
                chosen = next((later for later in blocks[position + 1 :] if _is_prose(later, 8)), None)
                break
    if chosen is None:
        # Titles are long too, but a paragraph of prose ends like a sentence.
        chosen = next(
            (block for block in blocks if _is_prose(block, 8) and _SENTENCE_END.search(block.text)), None
        )
    return _clip(chosen.text, MAX_DESCRIPTION_CHARS) if chosen else ""


# --- Entry point ----------------------------------------------------------------------------------


def parse_concept_note(text: str) -> ParsedNote:
    """Whatever a concept note clearly states about its meeting; missing parts are left empty."""
    if not isinstance(text, str) or not text.strip():
        return ParsedNote()
    lines = _read_lines(text)
    blocks = _blocks(lines)
    questions, formats = _clean_questions(_find_questions(lines, blocks))
    return ParsedNote(
        title=_find_title(lines, blocks),
        description=_find_description(blocks),
        starts_at=_find_start(lines),
        questions=questions,
        formats=formats,
    )
