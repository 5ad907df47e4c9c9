from flask import Blueprint

bp = Blueprint("accounts", __name__)

from facilitator.accounts import cli, routes  # noqa: E402,F401
