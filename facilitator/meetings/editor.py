"""What the meeting editor shows for each guiding question, from the database or from a form
sent back with an error, and the option moves its buttons ask for.

The page is a plain form that works without JavaScript: every setting of every format is in
it, and a few empty option rows wait to be filled, so that switching a question to a choice
takes a single save.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from facilitator.meetings.formats import MAX_CHOICE_OPTIONS, MAX_WORDS, OPTION_COUNTS, SCALES
from facilitator.meetings.forms import QuestionForm
from facilitator.meetings.models import Question, QuestionFormat

# Empty rows offered under the options, so that options can be added without a script.
SPARE_ROWS = 2
# The ids the page gives a new question's fields; saved questions use their own id.
NEW_QUESTION = "new"


@dataclass
class OptionView:
    id: int | None
    text: str


@dataclass
class QuestionView:
    """One question's form as the page shows it."""

    key: str  # what the page's ids are made of: the question's id, or NEW_QUESTION
    text: str = ""
    format: str = QuestionFormat.OPEN
    options: list[OptionView] = field(default_factory=list)
    results: str = "live"
    phones_see_results: bool = False
    max_choices: int | None = None
    scale: str = f"{SCALES[0][0]}-{SCALES[0][1]}"
    low_label: str = ""
    high_label: str = ""
    max_words: int = MAX_WORDS
    premoderation: bool = False
    # Asked (or holding ballots): the format is fixed and options with ballots stay.
    locked: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def rows(self) -> list[OptionView]:
        """The options and the empty rows after them, up to the most options a format takes."""
        spare = max(0, min(SPARE_ROWS, MAX_CHOICE_OPTIONS - len(self.options)))
        return [*self.options, *(OptionView(None, "") for _ in range(spare))]

    @property
    def takes_options(self) -> bool:
        return self.format in OPTION_COUNTS


def view_of(question: Question, *, locked: bool) -> QuestionView:
    settings = question.settings or {}
    low, high = settings.get("scale_min", SCALES[0][0]), settings.get("scale_max", SCALES[0][1])
    return QuestionView(
        key=str(question.id),
        text=question.text,
        format=question.format,
        options=[OptionView(option.id, option.text) for option in question.options],
        results=settings.get("results", "live"),
        phones_see_results=bool(settings.get("phones_see_results", False)),
        max_choices=settings.get("max_choices"),
        scale=f"{low}-{high}",
        low_label=settings.get("low_label", ""),
        high_label=settings.get("high_label", ""),
        max_words=settings.get("max_words", MAX_WORDS),
        premoderation=bool(settings.get("premoderation", False)),
        locked=locked,
    )


def view_from_form(
    form: QuestionForm, key: str, rows: list[tuple[int | None, str]], *, locked: bool, errors: list[str]
) -> QuestionView:
    """The form as it was sent, to show again beside what was wrong with it."""
    words = form.max_words.data
    return QuestionView(
        key=key,
        text=form.text.data or "",
        format=form.format.data or QuestionFormat.OPEN,
        # Empty rows come back as spare rows; the rest keep the order they were sent in.
        options=[OptionView(option_id, text) for option_id, text in rows if text],
        results=form.results.data or "live",
        phones_see_results=bool(form.phones_see_results.data),
        max_choices=form.max_choices.data,
        scale=form.scale.data or "",
        low_label=form.low_label.data or "",
        high_label=form.high_label.data or "",
        max_words=int(words) if str(words or "").isdigit() else MAX_WORDS,
        premoderation=bool(form.premoderation.data),
        locked=locked,
        errors=errors,
    )


def form_errors(form: QuestionForm, text_message: str) -> list[str]:
    """Every error WTForms found, as sentences for the top of the question's form; a text that is
    empty or too long is explained by text_message."""
    found: list[str] = [text_message] if form.text.errors else []
    for name, messages in form.errors.items():
        if name in ("options", "text"):
            continue
        found.extend(str(message) for message in messages)
    for entry in form.options:
        found.extend(str(message) for message in entry.form.text.errors)
    return found


def moved_rows(rows: list[tuple[int | None, str]], action: str) -> tuple[list[tuple[int | None, str]], int]:
    """The rows after an option button ("option-up-2", "option-down-0", "option-remove-1"), and
    the position of the row that moved (or of the row that took the removed one's place)."""
    verb, _, number = action.removeprefix("option-").partition("-")
    if not number.isdigit() or int(number) >= len(rows) or verb not in ("up", "down", "remove"):
        return rows, 0
    index = int(number)
    rows = list(rows)
    if verb == "remove":
        del rows[index]
        return rows, min(index, max(len(rows) - 1, 0))
    target = index - 1 if verb == "up" else index + 1
    if not 0 <= target < len(rows):
        return rows, index
    rows.insert(target, rows.pop(index))
    return rows, target
