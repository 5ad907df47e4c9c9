from flask import Blueprint

bp = Blueprint("joining", __name__)

from facilitator.joining import routes  # noqa: E402,F401
