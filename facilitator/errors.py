"""Errors the domain raises for people to read, translated where they are shown."""

from __future__ import annotations


def N_(message: str) -> str:
    """Marks a message for the translation catalogues; it is translated when shown."""
    return message


class DomainError(ValueError):
    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params

    def translated(self) -> str:
        from flask_babel import gettext

        return gettext(self.message, **self.params)
