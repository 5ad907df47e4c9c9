"""The one rule for text that enters from outside: forms, JSON bodies, socket payloads, imports.

Whatever a browser, a script or a file sends, what is stored is valid Unicode that every
database accepts and every screen shows the same way:

- lone UTF-16 surrogates (JSON allows "\\ud800") become U+FFFD; a pair written as two
  escapes becomes the character it encodes;
- composed form (NFC), so that "é" typed on two keyboards compares and searches alike;
- line breaks become "\\n"; NUL and every other C0 and C1 control character is dropped,
  except newline and tab (PostgreSQL refuses NUL, terminals and exports act on the rest);
- no spaces at either end.

Single-line text (names, titles, labels) also turns every run of whitespace, newlines and
tabs included, into one space.
"""

from __future__ import annotations

import re
import unicodedata

from facilitator.errors import N_, DomainError

_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_WHITESPACE = re.compile(r"\s+")


def _valid_unicode(text: str) -> str:
    # UTF-16 pairs up surrogates written as two code points and replaces the lone ones.
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def clean(text: str, *, single_line: bool = False) -> str:
    """The text as it may be stored; see the module's docstring for the rule."""
    text = _valid_unicode(text)
    text = unicodedata.normalize("NFC", text)
    text = _LINE_BREAKS.sub("\n", text)
    text = _CONTROLS.sub("", text)
    if single_line:
        text = _WHITESPACE.sub(" ", text)
    return text.strip()


def clean_line(text: str) -> str:
    return clean(text, single_line=True)


def clean_or_none(value: object, *, single_line: bool = False) -> object:
    """For filters that also see None and non-text values: only strings change."""
    return clean(value, single_line=single_line) if isinstance(value, str) else value


def clean_tree(value: object) -> object:
    """Every string in a parsed JSON document (an imported template or archive), cleaned."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        return [clean_tree(item) for item in value]
    if isinstance(value, dict):
        return {clean(key) if isinstance(key, str) else key: clean_tree(item) for key, item in value.items()}
    return value


class TextError(DomainError):
    pass


def required_text(text: object, max_length: int, *, single_line: bool = False) -> str:
    """Text a phone or a moderator sent, cleaned by the rule above, and checked: present, not too long."""
    if not isinstance(text, str):
        raise TextError(N_("The text is missing."))
    # Normalising can lengthen text a little, never this much: refuse the absurd before the work.
    if len(text) > 4 * max_length:
        raise TextError(N_("Too long: at most %(max)s characters."), max=max_length)
    text = clean(text, single_line=single_line)
    if not text:
        raise TextError(N_("Please write something first."))
    if len(text) > max_length:
        raise TextError(N_("Too long: at most %(max)s characters."), max=max_length)
    return text
