"""`flask users ...`: account administration from the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from tracker.auth import services
from tracker.auth.passwords import password_problem
from tracker.db import db

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create-admin")
@click.option("--name", prompt="Full name", help="The administrator's full name.")
@click.option("--email", prompt="Email address", help="The administrator's email address.")
@click.password_option(help="The password (prompted, hidden, when not given).")
def create_admin(name: str, email: str, password: str) -> None:
    """Create an administrator account."""
    if not name.strip() or "@" not in email:
        raise click.BadParameter("Give a name and a valid email address")
    problem = password_problem(password, user_inputs=[name, email])
    if problem:
        raise click.BadParameter(problem, param_hint="password")
    try:
        user = services.create_admin(name=name, email=email, password=password)
    except services.DuplicateEmailError as exc:
        raise click.ClickException(f"A user with the email {email} already exists") from exc
    db.session.commit()
    click.echo(f"Created administrator {user.name} <{user.email}>")
