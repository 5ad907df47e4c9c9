from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from wtforms import BooleanField, IntegerField, RadioField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from facilitator.forms import Form
from facilitator.meetings.models import Meeting


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RoundForm(Form):
    mode = RadioField(
        _l("How people are put in groups"),
        choices=[
            SelectChoice("balanced", _l("Balanced: each group as mixed as possible")),
            SelectChoice("random", _l("Random")),
            SelectChoice("by_attribute", _l("Together: people who share the attribute below")),
            SelectChoice("by_hand", _l("By hand: start with empty groups")),
            SelectChoice("self_select", _l("Self-select: participants choose on their phone")),
            SelectChoice("roster", _l("Pre-assigned: from a CSV file")),
        ],
        default="balanced",
    )
    attribute = RadioField(
        _l("Attribute"),
        choices=[
            SelectChoice("country", _l("Country")),
            SelectChoice("organisation", _l("Organisation")),
            SelectChoice("language", _l("Working language")),
        ],
        default="country",
    )
    sizing = RadioField(
        _l("Size"),
        choices=[
            SelectChoice("groups", _l("Number of groups")),
            SelectChoice("size", _l("People per group")),
        ],
        default="groups",
    )
    groups = IntegerField(_l("Number of groups"), default=3, validators=[Optional(), NumberRange(1, 500)])
    group_size = IntegerField(
        _l("People per group"), default=5, validators=[Optional(), NumberRange(1, 1000)]
    )
    capacity = IntegerField(
        _l("Places per group (self-select)"), validators=[Optional(), NumberRange(1, 1000)]
    )
    question_ids = CheckboxListField(_l("Questions for the groups"), coerce=int)
    jigsaw = BooleanField(_l("Jigsaw: give each group a different question, in turn"))
    minutes = IntegerField(
        _l("Duration in minutes"), default=20, validators=[InputRequired(), NumberRange(1, 240)]
    )
    seed = IntegerField(_l("Shuffle number"), validators=[Optional(), NumberRange(0, 10**9)])
    roster = FileField(
        _l("Groups file (.csv)"), validators=[FileAllowed(["csv", "txt"], _l("Only .csv files."))]
    )

    @classmethod
    def for_meeting(cls, meeting: Meeting) -> RoundForm:
        form = cls()
        form.question_ids.choices = [SelectChoice(q.id, q.text) for q in meeting.guiding_questions]
        if form.question_ids.data is None or not form.is_submitted():
            form.question_ids.data = [q.id for q in meeting.guiding_questions]
        return form
