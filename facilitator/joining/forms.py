from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional

from facilitator.forms import Form
from facilitator.meetings.models import FieldRule, JoinPolicy, Meeting

PROFILE_FIELDS = {
    "display_name": ("name_field", 80),
    "country": ("country_field", 80),
    "organisation": ("organisation_field", 120),
    "language": ("language_field", 40),
}


class CodeForm(Form):
    code = StringField(_l("Meeting code"), validators=[DataRequired(), Length(max=32)])


class JoinForm(Form):
    display_name = StringField(_l("Your name"))
    country = StringField(_l("Country"))
    organisation = StringField(_l("Organisation"))
    language = StringField(_l("Working language"))
    passcode = PasswordField(_l("Passcode"), validators=[Optional(), Length(max=64)])

    @classmethod
    def for_meeting(cls, meeting: Meeting, **kwargs) -> "JoinForm":
        """Only the fields the moderator asked for, each required or optional as chosen."""
        form = cls(**kwargs)
        for name, (rule_attr, max_length) in PROFILE_FIELDS.items():
            rule = getattr(meeting, rule_attr)
            field = getattr(form, name)
            if rule == FieldRule.OFF:
                del form[name]
                continue
            checks = [DataRequired()] if rule == FieldRule.REQUIRED else [Optional()]
            field.validators = [*checks, Length(max=max_length)]
            field.flags.required = rule == FieldRule.REQUIRED
        if meeting.join_policy != JoinPolicy.PASSCODE:
            del form["passcode"]
        else:
            form.passcode.validators = [DataRequired(), Length(max=64)]
            form.passcode.flags.required = True
        return form
