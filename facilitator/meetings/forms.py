from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms import Form as SubForm
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from facilitator.forms import Form
from facilitator.meetings.formats import (
    BALLOT_FORMATS,
    MAX_CHOICE_OPTIONS,
    MAX_LABEL_CHARS,
    MAX_OPTION_CHARS,
    MAX_WORDS,
    SCALES,
)
from facilitator.meetings.models import QuestionFormat
from facilitator.text import clean_or_none

FIELD_RULE_CHOICES = [
    SelectChoice("required", _l("Required")),
    SelectChoice("optional", _l("Optional")),
    SelectChoice("off", _l("Not asked")),
]


class MeetingForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    starts_at = DateTimeLocalField(_l("Date and time"), validators=[Optional()], format="%Y-%m-%dT%H:%M")
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=10000)])
    join_policy = RadioField(
        _l("Who can join"),
        choices=[
            SelectChoice("open", _l("Anyone with the link or code")),
            SelectChoice("passcode", _l("Only people who also know the passcode")),
        ],
        default="open",
    )
    passcode = PasswordField(
        _l("Passcode"),
        validators=[Optional(), Length(min=4, max=64)],
        description=_l("Leave empty to keep the current passcode."),
    )
    name_field = SelectField(_l("Display name"), choices=FIELD_RULE_CHOICES, default="required")
    country_field = SelectField(_l("Country"), choices=FIELD_RULE_CHOICES, default="optional")
    organisation_field = SelectField(_l("Organisation"), choices=FIELD_RULE_CHOICES, default="off")
    language_field = SelectField(_l("Working language"), choices=FIELD_RULE_CHOICES, default="off")
    attribution = RadioField(
        _l("How answers are attributed"),
        choices=[
            SelectChoice("named", _l("Named: the author's name is shown")),
            SelectChoice("affiliation", _l("Affiliation only: country and organisation, no names")),
            SelectChoice("anonymous", _l("Anonymous: nothing about the author is shown")),
        ],
        default="named",
    )
    projector_shows_answers = BooleanField(_l("Show answers on the projector"))

    def __init__(self, *args, has_passcode: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.has_passcode = has_passcode

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Checked here, not as a field validator: Optional() ends the chain on an empty field.
        if self.join_policy.data == "passcode" and not self.passcode.data and not self.has_passcode:
            self.passcode.errors = [*self.passcode.errors, _l("Choose a passcode of at least 4 characters.")]
            return False
        return valid


# The names moderators see for each format, in the order the editor offers them.
FORMAT_LABELS = {
    QuestionFormat.OPEN: _l("Open text"),
    QuestionFormat.SINGLE: _l("Single choice"),
    QuestionFormat.MULTIPLE: _l("Multiple choice"),
    QuestionFormat.RATING: _l("Rating scale"),
    QuestionFormat.RANKING: _l("Ranking"),
    QuestionFormat.WORDS: _l("Word cloud"),
    QuestionFormat.FLOOR: _l("Questions from the floor"),
}
FORMAT_CHOICES = [SelectChoice(str(value), label) for value, label in FORMAT_LABELS.items()]
# A scale travels through forms as "low-high", e.g. "1-5".
SCALE_CHOICES = [SelectChoice(f"{low}-{high}", f"{low}–{high}") for low, high in SCALES]
RESULTS_CHOICES = [
    SelectChoice("live", _l("Live, as the answers arrive")),
    SelectChoice("after_close", _l("Only once the question is closed")),
]


def _line(value: object) -> object:
    return clean_or_none(value, single_line=True)


class OptionRowForm(SubForm):
    """One option as the editor sends it: the id it had (empty for a new one) and its text."""

    id = HiddenField(filters=[_line])
    text = StringField(filters=[_line], validators=[Optional(), Length(max=MAX_OPTION_CHARS)])

    @property
    def option_id(self) -> int | None:
        value = self.id.data or ""
        return int(value) if value.isdigit() else None


class QuestionForm(Form):
    """A guiding question with its format, options and the format's settings.

    Every field is present in the page, whatever the format, so that it works without
    JavaScript; only the settings of the chosen format are read (see settings_for).
    """

    text = TextAreaField(_l("Question"), validators=[DataRequired(), Length(max=1000)])
    format = SelectField(_l("Format"), choices=FORMAT_CHOICES, default=str(QuestionFormat.OPEN))
    options = FieldList(FormField(OptionRowForm), max_entries=100)
    results = RadioField(_l("Show the results to the room"), choices=RESULTS_CHOICES, default="live")
    phones_see_results = BooleanField(_l("Phones see the results too"))
    max_choices = IntegerField(
        _l("At most this many choices"),
        validators=[Optional(), NumberRange(min=1, max=MAX_CHOICE_OPTIONS)],
        description=_l("Leave empty to allow every option."),
    )
    scale = SelectField(_l("Scale"), choices=SCALE_CHOICES, default="1-5")
    low_label = StringField(
        _l("Label of the lowest value"), validators=[Optional(), Length(max=MAX_LABEL_CHARS)]
    )
    high_label = StringField(
        _l("Label of the highest value"), validators=[Optional(), Length(max=MAX_LABEL_CHARS)]
    )
    max_words = SelectField(
        _l("Entries per person"),
        choices=[SelectChoice(str(n), str(n)) for n in range(1, MAX_WORDS + 1)],
        default=str(MAX_WORDS),
    )
    premoderation = BooleanField(_l("Approve each question before the room sees it"))

    def option_rows(self) -> list[tuple[int | None, str]]:
        """(id or None, text) for every row, in the order the page sent them."""
        return [(entry.form.option_id, entry.form.text.data or "") for entry in self.options]

    def settings_for(self, question_format: str) -> dict:
        """The settings the chosen format reads, as formats.checked_format expects them."""
        settings: dict = {}
        if question_format in BALLOT_FORMATS:
            settings["results"] = self.results.data
            settings["phones_see_results"] = bool(self.phones_see_results.data)
        if question_format == QuestionFormat.MULTIPLE:
            settings["max_choices"] = self.max_choices.data
        elif question_format == QuestionFormat.RATING:
            settings["scale_min"], settings["scale_max"] = scale_of(self.scale.data)
            settings["low_label"] = self.low_label.data or ""
            settings["high_label"] = self.high_label.data or ""
        elif question_format == QuestionFormat.WORDS:
            settings["max_words"] = int(self.max_words.data or MAX_WORDS)
        elif question_format == QuestionFormat.FLOOR:
            settings["premoderation"] = bool(self.premoderation.data)
        return settings


def scale_of(value: object) -> tuple[int, int]:
    """The (lowest, highest) values of a scale as a form sends it ("1-5"); the default if unreadable."""
    text = str(value or "")
    low, _, high = text.partition("-")
    if low.isdigit() and high.isdigit():
        return int(low), int(high)
    return SCALES[0]


class ConceptNoteForm(Form):
    text = TextAreaField(_l("Paste the concept note"), validators=[Optional(), Length(max=200_000)])
    upload = FileField(
        _l("…or upload it (.txt or .md)"),
        validators=[FileAllowed(["txt", "md", "markdown"], _l("Only .txt and .md files."))],
    )


class ImportedFormatForm(SubForm):
    """The format found for one imported question, for the moderator to correct."""

    text = HiddenField(filters=[_line])
    format = SelectField(_l("Format"), choices=FORMAT_CHOICES, default=str(QuestionFormat.OPEN))
    options = TextAreaField(
        _l("Options, one per line"),
        filters=[clean_or_none],
        validators=[Optional(), Length(max=MAX_CHOICE_OPTIONS * (MAX_OPTION_CHARS + 2))],
    )
    scale = SelectField(_l("Scale"), choices=SCALE_CHOICES, default="1-5")

    def option_lines(self) -> list[str]:
        return [line.strip() for line in (self.options.data or "").splitlines() if line.strip()]


class ImportConfirmForm(MeetingForm):
    questions = TextAreaField(
        _l("Guiding questions, one per line"), validators=[InputRequired(), Length(max=60_000)]
    )
    formats = FieldList(FormField(ImportedFormatForm), max_entries=100)


class DesignUploadForm(Form):
    upload = FileField(
        _l("Meeting template (.json)"),
        validators=[FileAllowed(["json"], _l("Only .json files."))],
    )


class ConfirmForm(Form):
    """An empty form: only the CSRF token, for buttons that change something."""
