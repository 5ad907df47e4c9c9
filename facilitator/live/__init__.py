from flask import Blueprint

bp = Blueprint("live", __name__)

from facilitator.live import events, routes  # noqa: E402,F401
