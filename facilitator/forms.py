"""The base of every form: text fields pass through the one cleaning rule before validation."""

from __future__ import annotations

from functools import partial

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField

from facilitator.text import clean_or_none


class Form(FlaskForm):
    """A FlaskForm whose text fields are cleaned (facilitator.text) as they are read.

    Passwords and passcodes are left exactly as typed: they are only ever hashed, and a
    password that changed on the way would no longer match.
    """

    class Meta:
        def bind_field(self, form, unbound_field, options):
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
                rule = partial(clean_or_none, single_line=not issubclass(field_class, TextAreaField))
                options = {**options, "filters": [rule, *unbound_field.kwargs.get("filters", ())]}
            return super().bind_field(form, unbound_field, options)
