from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from facilitator.forms import Form

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


class QuestionForm(Form):
    text = TextAreaField(_l("Question"), validators=[DataRequired(), Length(max=1000)])


class ConceptNoteForm(Form):
    text = TextAreaField(_l("Paste the concept note"), validators=[Optional(), Length(max=200_000)])
    upload = FileField(
        _l("…or upload it (.txt or .md)"),
        validators=[FileAllowed(["txt", "md", "markdown"], _l("Only .txt and .md files."))],
    )


class ImportConfirmForm(MeetingForm):
    questions = TextAreaField(
        _l("Guiding questions, one per line"), validators=[InputRequired(), Length(max=60_000)]
    )


class DesignUploadForm(Form):
    upload = FileField(
        _l("Meeting template (.json)"),
        validators=[FileAllowed(["json"], _l("Only .json files."))],
    )


class ConfirmForm(Form):
    """An empty form: only the CSRF token, for buttons that change something."""
