"""The one cleaning rule for text that enters from outside (facilitator.text)."""

from __future__ import annotations

import importlib
import pkgutil
import unicodedata

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import PasswordField, StringField, TextAreaField

import facilitator
from facilitator.forms import Form
from facilitator.text import clean, clean_line, clean_tree


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("  plain  ", "plain"),
        ("NUL\x00 and\x01 C0\x1f", "NUL and C0"),
        ("DEL\x7f and C1\x80\x9f", "DEL and C1"),
        ("lone \ud800 high, lone \udfff low", "lone \ufffd high, lone \ufffd low"),
        ("pair as two escapes \ud83d\ude00", "pair as two escapes \U0001f600"),
        ("de\u0301composed", "d\u00e9composed"),
        ("windows\r\nold mac\rnext\x85line\u2028sep", "windows\nold mac\nnext\nline\nsep"),
        ("tab\tkept\nnewline kept", "tab\tkept\nnewline kept"),
        (
            "zero\u200dwidth joiner kept: \U0001f469\u200d\U0001f4bb",
            "zero\u200dwidth joiner kept: \U0001f469\u200d\U0001f4bb",
        ),
        ("\x00\x01\u00a0 \t\n", ""),
    ],
)
def test_clean(raw, stored):
    assert clean(raw) == stored


def test_what_is_stored_always_encodes_and_is_composed():
    everything = "".join(chr(c) for c in range(0, 0xE000)) + "\U0001f600\ufeff"
    result = clean(everything)
    result.encode("utf-8")  # no surrogate is left to refuse
    assert "\x00" not in result and unicodedata.is_normalized("NFC", result)
    assert not [c for c in result if unicodedata.category(c) == "Cc" and c not in "\n\t"]
    assert clean(result) == result


def test_single_line_text_has_one_space_between_words():
    assert clean_line(" a\n\tb   c\r\nd ") == "a b c d"


def test_imported_documents_are_cleaned_throughout():
    assert clean_tree({"title\x00": " T\ud800 ", "questions": [{"text": "Q\x9f?"}], "n": 3, "x": None}) == {
        "title": "T\ufffd",
        "questions": [{"text": "Q?"}],
        "n": 3,
        "x": None,
    }


class Sample(Form):
    name = StringField()
    notes = TextAreaField()
    secret = PasswordField()


def test_every_form_cleans_its_text_fields_but_never_a_password(app):
    data = MultiDict({"name": " Ana\x00\n Lima ", "notes": "one\r\ntwo\x01", "secret": " pass\x00word "})
    with app.test_request_context(method="POST"):
        form = Sample(formdata=data, meta={"csrf": False})
        assert (form.name.data, form.notes.data, form.secret.data) == (
            "Ana Lima",
            "one\ntwo",
            " pass\x00word ",
        )
        assert Sample(formdata=None, meta={"csrf": False}).name.data is None


def test_every_form_of_the_app_uses_the_cleaning_base():
    """A form that skipped the base would let raw text through: none may."""
    for module in pkgutil.walk_packages(facilitator.__path__, "facilitator."):
        importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [cls for cls in subclasses(FlaskForm) if cls.__module__.startswith("facilitator.")]
    assert len(ours) >= 8
    assert [cls.__qualname__ for cls in ours if not issubclass(cls, Form)] == []
