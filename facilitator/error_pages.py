"""Readable error pages in the visitor's language instead of the framework's defaults."""

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    403: (_l("Not allowed"), _l("You are not allowed to see this page.")),
    404: (_l("Not found"), _l("There is nothing here. Check the address or the meeting code.")),
    405: (_l("Not allowed"), _l("This page cannot be used this way.")),
    413: (_l("Too large"), _l("The file or text is too large.")),
    500: (_l("Something went wrong"), _l("The server could not finish this. Please try again.")),
}


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        heading, message = MESSAGES.get(error.code, (error.name, error.description))
        if isinstance(error, CSRFError):
            message = _l("The form expired or was sent from elsewhere. Go back, reload and try again.")
        return render_template("errors/error.html", heading=heading, message=message), error.code
