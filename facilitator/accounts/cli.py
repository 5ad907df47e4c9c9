"""Commands to create moderator accounts from the shell."""

from __future__ import annotations

import secrets

import click
from flask import Flask
from sqlalchemy import func, select

from facilitator.accounts import sessions
from facilitator.accounts.forms import MIN_PASSWORD_LENGTH
from facilitator.accounts.models import Moderator
from facilitator.extensions import db


def create_moderator(email: str, password: str, name: str = "") -> Moderator:
    email = email.strip().lower()
    if db.session.scalar(select(Moderator).where(func.lower(Moderator.email) == email)):
        raise click.ClickException(f"A moderator with the email {email} already exists.")
    moderator = Moderator(email=email, name=name)
    moderator.set_password(password)
    db.session.add(moderator)
    db.session.commit()
    return moderator


def register(app: Flask) -> None:
    @app.cli.command("create-moderator")
    @click.argument("email")
    @click.option("--name", default="", help="Shown in the console.")
    @click.password_option(help="Asked for if not given.")
    def create_moderator_command(email: str, name: str, password: str) -> None:
        """Create a moderator account."""
        if len(password) < MIN_PASSWORD_LENGTH:
            raise click.ClickException(f"The password needs at least {MIN_PASSWORD_LENGTH} characters.")
        create_moderator(email, password, name)
        click.echo(f"Moderator {email} created.")

    @app.cli.command("set-password")
    @click.argument("email")
    @click.password_option(help="Asked for if not given.")
    def set_password_command(email: str, password: str) -> None:
        """Set a moderator's password and log out every session of theirs."""
        if len(password) < MIN_PASSWORD_LENGTH:
            raise click.ClickException(f"The password needs at least {MIN_PASSWORD_LENGTH} characters.")
        address = email.strip().lower()
        moderator = db.session.scalar(select(Moderator).where(func.lower(Moderator.email) == address))
        if moderator is None:
            raise click.ClickException(f"No moderator has the email {address}.")
        moderator.set_password(password)
        ended = sessions.end_all(moderator)
        db.session.commit()
        # Open sockets of those sessions, in the running server, close at its next sweep.
        click.echo(f"Password of {address} changed; {len(ended)} session(s) logged out.")

    @app.cli.command("ensure-moderator")
    @click.option("--email", default="moderator@example.org", show_default=True)
    def ensure_moderator_command(email: str) -> None:
        """Create a first moderator with a generated password, if there is none yet."""
        if db.session.scalar(select(func.count()).select_from(Moderator)):
            click.echo("Log in with your moderator account (flask create-moderator adds another).")
            return
        password = secrets.token_urlsafe(12)
        create_moderator(email, password, "Moderator")
        click.echo("A first moderator account was created. This password is shown only once:")
        click.echo(f"    email:    {email}")
        click.echo(f"    password: {password}")
